package deploy

// An offline schema check of the manifests (no kubeconform or kubeval in
// Debian, no network in CI): each document is decoded strictly into small
// structs that name every field we use, so a misspelt or misplaced field
// fails, and the properties a multi-replica deployment depends on are
// checked by name.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type meta struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

type selector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
	InitialDelaySeconds int `yaml:"initialDelaySeconds"`
	PeriodSeconds       int `yaml:"periodSeconds"`
	TimeoutSeconds      int `yaml:"timeoutSeconds"`
	FailureThreshold    int `yaml:"failureThreshold"`
}

type keyRef struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

type envVar struct {
	Name      string `yaml:"name"`
	Value     string `yaml:"value"`
	ValueFrom *struct {
		SecretKeyRef    *keyRef `yaml:"secretKeyRef"`
		ConfigMapKeyRef *keyRef `yaml:"configMapKeyRef"`
	} `yaml:"valueFrom"`
}

type nameRef struct {
	Name string `yaml:"name"`
}

type container struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Args    []string `yaml:"args"`
	Command []string `yaml:"command"`
	Ports   []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env     []envVar `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *nameRef `yaml:"configMapRef"`
		SecretRef    *nameRef `yaml:"secretRef"`
	} `yaml:"envFrom"`
	ReadinessProbe  *probe `yaml:"readinessProbe"`
	LivenessProbe   *probe `yaml:"livenessProbe"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
}

type podSpec struct {
	RestartPolicy                 string `yaml:"restartPolicy"`
	TerminationGracePeriodSeconds int    `yaml:"terminationGracePeriodSeconds"`
	SecurityContext               struct {
		RunAsNonRoot bool `yaml:"runAsNonRoot"`
		RunAsUser    int  `yaml:"runAsUser"`
	} `yaml:"securityContext"`
	Containers []container `yaml:"containers"`
	Volumes    []struct {
		Name     string    `yaml:"name"`
		EmptyDir *struct{} `yaml:"emptyDir"`
	} `yaml:"volumes"`
}

type podTemplate struct {
	Metadata meta    `yaml:"metadata"`
	Spec     podSpec `yaml:"spec"`
}

// spec is the union of the spec fields of the kinds we ship; which apply
// is checked per kind below.
type spec struct {
	// Deployment
	Replicas int       `yaml:"replicas"`
	Selector yaml.Node `yaml:"selector"` // Deployment and PDB: matchLabels; Service: a plain map
	Strategy struct {
		Type          string `yaml:"type"`
		RollingUpdate struct {
			MaxUnavailable int `yaml:"maxUnavailable"`
			MaxSurge       int `yaml:"maxSurge"`
		} `yaml:"rollingUpdate"`
	} `yaml:"strategy"`
	Template podTemplate `yaml:"template"`
	// Job
	BackoffLimit            *int `yaml:"backoffLimit"`
	TTLSecondsAfterFinished int  `yaml:"ttlSecondsAfterFinished"`
	// Service
	Ports []struct {
		Name       string `yaml:"name"`
		Port       int    `yaml:"port"`
		TargetPort any    `yaml:"targetPort"`
	} `yaml:"ports"`
	// PodDisruptionBudget
	MinAvailable int `yaml:"minAvailable"`
}

type object struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   meta              `yaml:"metadata"`
	Type       string            `yaml:"type"`       // Secret
	StringData map[string]string `yaml:"stringData"` // Secret
	Data       map[string]string `yaml:"data"`       // ConfigMap
	Spec       spec              `yaml:"spec"`
	Resources  []string          `yaml:"resources"` // Kustomization
}

var apiVersions = map[string]string{
	"Deployment":          "apps/v1",
	"Job":                 "batch/v1",
	"Service":             "v1",
	"Secret":              "v1",
	"ConfigMap":           "v1",
	"PodDisruptionBudget": "policy/v1",
	"Kustomization":       "kustomize.config.k8s.io/v1beta1",
}

// load decodes every document of every YAML file in the folder, strictly.
func load(t *testing.T) map[string][]object {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	byKind := map[string][]object{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		for {
			var o object
			if err := dec.Decode(&o); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			want, ok := apiVersions[o.Kind]
			if !ok {
				t.Fatalf("%s: kind %q is not one this check knows", f, o.Kind)
			}
			if o.APIVersion != want {
				t.Errorf("%s: %s apiVersion %q, want %q", f, o.Kind, o.APIVersion, want)
			}
			if o.Kind != "Kustomization" && o.Metadata.Name == "" {
				t.Errorf("%s: %s without metadata.name", f, o.Kind)
			}
			byKind[o.Kind] = append(byKind[o.Kind], o)
		}
	}
	return byKind
}

func one(t *testing.T, objs map[string][]object, kind string) object {
	t.Helper()
	if len(objs[kind]) != 1 {
		t.Fatalf("got %d %s, want 1", len(objs[kind]), kind)
	}
	return objs[kind][0]
}

func matchLabels(t *testing.T, n yaml.Node, kind string) map[string]string {
	t.Helper()
	var s selector
	if err := n.Decode(&s); err != nil || len(s.MatchLabels) == 0 {
		t.Fatalf("%s: selector.matchLabels missing (%v)", kind, err)
	}
	return s.MatchLabels
}

func subset(sub, of map[string]string) bool {
	for k, v := range sub {
		if of[k] != v {
			return false
		}
	}
	return len(sub) > 0
}

// checkEnv checks that the container reads the Secret and names only keys
// the Secret holds.
func checkEnv(t *testing.T, where string, c container, secret object) {
	t.Helper()
	fromSecret := false
	for _, ef := range c.EnvFrom {
		if ef.SecretRef != nil && ef.SecretRef.Name == secret.Metadata.Name {
			fromSecret = true
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		if ref.Name != secret.Metadata.Name {
			t.Errorf("%s: %s from Secret %q, want %q", where, e.Name, ref.Name, secret.Metadata.Name)
		}
		if _, ok := secret.StringData[ref.Key]; !ok {
			t.Errorf("%s: %s from key %q, which the Secret does not hold", where, e.Name, ref.Key)
		}
		if e.Name == "DATABASE_URL" {
			fromSecret = true
		}
	}
	if !fromSecret {
		t.Errorf("%s: DATABASE_URL does not come from the Secret %q", where, secret.Metadata.Name)
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil && e.Value != "" && strings.Contains(strings.ToLower(e.Name), "token") {
			t.Errorf("%s: %s given inline; credentials belong in the Secret", where, e.Name)
		}
	}
}

func TestManifests(t *testing.T) {
	objs := load(t)
	secret := one(t, objs, "Secret")
	for _, key := range []string{"DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} {
		if _, ok := secret.StringData[key]; !ok {
			t.Errorf("Secret: no %s", key)
		}
	}
	if u := secret.StringData["DATABASE_URL"]; !strings.HasPrefix(u, "postgres://") {
		t.Errorf("Secret: DATABASE_URL %q, want postgres:// (replicas share one Postgres; SQLite is one process)", u)
	}

	t.Run("Deployment", func(t *testing.T) {
		d := one(t, objs, "Deployment")
		if d.Spec.Replicas < 2 {
			t.Errorf("replicas %d, want at least 2", d.Spec.Replicas)
		}
		sel := matchLabels(t, d.Spec.Selector, "Deployment")
		if !subset(sel, d.Spec.Template.Metadata.Labels) {
			t.Errorf("selector %v does not match the pod labels %v", sel, d.Spec.Template.Metadata.Labels)
		}
		if d.Spec.Strategy.RollingUpdate.MaxUnavailable != 0 {
			t.Errorf("maxUnavailable %d, want 0: a rollout must keep every replica answering", d.Spec.Strategy.RollingUpdate.MaxUnavailable)
		}
		pod := d.Spec.Template.Spec
		if !pod.SecurityContext.RunAsNonRoot {
			t.Error("pod does not run as non-root")
		}
		if len(pod.Containers) != 1 {
			t.Fatalf("got %d containers, want 1", len(pod.Containers))
		}
		c := pod.Containers[0]
		if c.Image == "" || !slices.Equal(c.Args, []string{"serve"}) {
			t.Errorf("container image %q args %q, want an image running serve", c.Image, c.Args)
		}
		for _, p := range []struct {
			name string
			pr   *probe
			path string
		}{{"readinessProbe", c.ReadinessProbe, "/readyz"}, {"livenessProbe", c.LivenessProbe, "/healthz"}} {
			if p.pr == nil || p.pr.HTTPGet.Path != p.path {
				t.Errorf("%s: want an httpGet on %s", p.name, p.path)
				continue
			}
			if !namesPort(c, p.pr.HTTPGet.Port) {
				t.Errorf("%s: port %v is not the container's", p.name, p.pr.HTTPGet.Port)
			}
			if p.pr.TimeoutSeconds == 0 {
				t.Errorf("%s: no timeoutSeconds", p.name)
			}
		}
		checkEnv(t, "Deployment", c, secret)
		for _, vm := range c.VolumeMounts {
			if !slices.ContainsFunc(pod.Volumes, func(v struct {
				Name     string    `yaml:"name"`
				EmptyDir *struct{} `yaml:"emptyDir"`
			}) bool {
				return v.Name == vm.Name
			}) {
				t.Errorf("volume mount %q names no volume", vm.Name)
			}
		}

		svc := one(t, objs, "Service")
		var svcSel map[string]string
		if err := svc.Spec.Selector.Decode(&svcSel); err != nil || !subset(svcSel, d.Spec.Template.Metadata.Labels) {
			t.Errorf("Service selector %v does not reach the Deployment's pods (%v)", svcSel, err)
		}
		for _, p := range svc.Spec.Ports {
			if !namesPort(c, p.TargetPort) {
				t.Errorf("Service port %s: targetPort %v is not the container's", p.Name, p.TargetPort)
			}
		}

		pdb := one(t, objs, "PodDisruptionBudget")
		if !subset(matchLabels(t, pdb.Spec.Selector, "PodDisruptionBudget"), d.Spec.Template.Metadata.Labels) {
			t.Error("PodDisruptionBudget selector does not reach the Deployment's pods")
		}
		if pdb.Spec.MinAvailable < 1 || pdb.Spec.MinAvailable >= d.Spec.Replicas {
			t.Errorf("PodDisruptionBudget minAvailable %d, want 1..replicas-1", pdb.Spec.MinAvailable)
		}
	})

	t.Run("migration Job", func(t *testing.T) {
		j := one(t, objs, "Job")
		pod := j.Spec.Template.Spec
		if pod.RestartPolicy != "OnFailure" && pod.RestartPolicy != "Never" {
			t.Errorf("restartPolicy %q, want OnFailure or Never", pod.RestartPolicy)
		}
		if len(pod.Containers) != 1 || !slices.Equal(pod.Containers[0].Args, []string{"migrate"}) {
			t.Fatalf("want one container running migrate, got %+v", pod.Containers)
		}
		if img := one(t, objs, "Deployment").Spec.Template.Spec.Containers[0].Image; pod.Containers[0].Image != img {
			t.Errorf("Job image %q, want the Deployment's %q (migrations are embedded in the binary)", pod.Containers[0].Image, img)
		}
		checkEnv(t, "Job", pod.Containers[0], secret)
	})

	t.Run("kustomization lists every file", func(t *testing.T) {
		k := one(t, objs, "Kustomization")
		files, _ := filepath.Glob("*.yaml")
		for _, f := range files {
			if f != "kustomization.yaml" && !slices.Contains(k.Resources, f) {
				t.Errorf("kustomization.yaml does not list %s", f)
			}
		}
		for _, r := range k.Resources {
			if !slices.Contains(files, r) {
				t.Errorf("kustomization.yaml lists %s, which does not exist", r)
			}
		}
	})
}

// namesPort reports whether port (a number or a name) is one the container
// declares.
func namesPort(c container, port any) bool {
	for _, p := range c.Ports {
		switch v := port.(type) {
		case string:
			if v == p.Name {
				return true
			}
		case int:
			if v == p.ContainerPort {
				return true
			}
		}
	}
	return false
}
