package main

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// pinnedInCompose are README variables docker-compose.yml sets itself on
// purpose, with the reason.
var pinnedInCompose = map[string]string{
	"HTTP_ADDR": "the container listens on :8080, which ports: publishes",
}

// TestComposeParity: every variable of README.md's configuration and ad
// platform tables reaches the incidentbot container of docker-compose.yml,
// and the build context leaves out local state.
func TestComposeParity(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	compose, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	vars := readmeVariables(t, readme, "## Configuration", "## Ad platforms")
	for _, want := range []string{"SLACK_BOT_TOKEN", "DISCORD_BOT_TOKEN", "GOOGLE_ADS_REFRESH_TOKEN", "TIKTOK_ADS_ADVERTISER_IDS", "ALERT_WEBHOOK_TOKEN", "NOTIFY_TARGETS", "DATABASE_URL"} {
		if !slices.Contains(vars, want) {
			t.Fatalf("README tables: %s not found in %v; the table parser is wrong", want, vars)
		}
	}
	reach, err := composeReach(compose)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		if _, ok := pinnedInCompose[v]; ok {
			continue
		}
		if !reach(v) {
			t.Errorf("%s (README.md) cannot reach the incidentbot container: docker-compose.yml neither passes it nor reads it from an optional .env", v)
		}
	}

	ignore, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(ignore), "\n")
	for _, want := range []string{".git", ".env", "incidentbot.db*"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}

// TestComposeReach checks the checker on compose files that fail: a fixed
// environment: list (as before wave 2) and a required .env.
func TestComposeReach(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		compose string
		reached []string
		missed  []string
	}{
		{"environment only", `
services:
  incidentbot:
    environment:
      LOG_LEVEL: ${LOG_LEVEL:-info}
      HTTP_ADDR: ":8080"
`, []string{"LOG_LEVEL"}, []string{"SLACK_BOT_TOKEN", "HTTP_ADDR"}},
		{"list form", `
services:
  incidentbot:
    environment: ["SLACK_BOT_TOKEN", "BOT_LANGUAGE=fr"]
`, []string{"SLACK_BOT_TOKEN"}, []string{"BOT_LANGUAGE", "DISCORD_BOT_TOKEN"}},
		{"required .env", `
services:
  incidentbot:
    env_file: .env
`, nil, []string{"SLACK_BOT_TOKEN"}},
		{"optional .env", `
services:
  incidentbot:
    env_file:
      - path: ./.env
        required: false
    environment:
      DATABASE_URL: ${DATABASE_URL:-postgres://db/x}
      HTTP_ADDR: ":8080"
`, []string{"SLACK_BOT_TOKEN", "DATABASE_URL"}, []string{"HTTP_ADDR"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reach, err := composeReach([]byte(tc.compose))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range tc.reached {
				if !reach(v) {
					t.Errorf("%s: got unreachable, want reached", v)
				}
			}
			for _, v := range tc.missed {
				if reach(v) {
					t.Errorf("%s: got reached, want unreachable", v)
				}
			}
		})
	}
}

// TestReadmeTablesWhole: a blank line inside a table makes the rest render
// as raw pipes.
func TestReadmeTablesWhole(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "|") || i == 0 {
			continue
		}
		prev := lines[i-1]
		startsTable := !strings.HasPrefix(prev, "|") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "| ---")
		if !strings.HasPrefix(prev, "|") && !startsTable {
			t.Errorf("README.md line %d: a table row with no header above it (a blank line cuts the table?)", i+1)
		}
	}
}

var envVarName = regexp.MustCompile("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`")

// readmeVariables lists the backquoted variable names in the table rows of
// the README sections that start with the given headings.
func readmeVariables(t *testing.T, readme []byte, headings ...string) []string {
	t.Helper()
	var out []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "## ") {
			in = slices.ContainsFunc(headings, func(h string) bool { return strings.HasPrefix(l, h) })
			continue
		}
		if !in || !strings.HasPrefix(l, "|") {
			continue
		}
		for _, m := range envVarName.FindAllStringSubmatch(l, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// composeReach reads the incidentbot service of a compose file and says
// whether a variable set by the operator (shell or .env) reaches the
// container: passed through environment: by name or interpolation, or
// read from an optional .env that environment: does not override.
func composeReach(compose []byte) (func(string) bool, error) {
	var doc struct {
		Services map[string]struct {
			EnvFile     yaml.Node `yaml:"env_file"`
			Environment yaml.Node `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(compose, &doc); err != nil {
		return nil, err
	}
	svc := doc.Services["incidentbot"]

	optionalDotEnv := false
	var files []*yaml.Node
	switch svc.EnvFile.Kind {
	case yaml.ScalarNode:
		files = []*yaml.Node{&svc.EnvFile}
	case yaml.SequenceNode:
		files = svc.EnvFile.Content
	}
	for _, f := range files {
		var path string
		required := true // Compose's default: a missing file is an error
		switch f.Kind {
		case yaml.ScalarNode:
			path = f.Value
		case yaml.MappingNode:
			var e struct {
				Path     string `yaml:"path"`
				Required *bool  `yaml:"required"`
			}
			if err := f.Decode(&e); err != nil {
				return nil, err
			}
			path = e.Path
			if e.Required != nil {
				required = *e.Required
			}
		}
		if (path == ".env" || path == "./.env") && !required {
			optionalDotEnv = true
		}
	}

	env := map[string]*string{} // nil value: passed through from the shell
	switch svc.Environment.Kind {
	case yaml.MappingNode:
		var m map[string]*string
		if err := svc.Environment.Decode(&m); err != nil {
			return nil, err
		}
		env = m
	case yaml.SequenceNode:
		var list []string
		if err := svc.Environment.Decode(&list); err != nil {
			return nil, err
		}
		for _, item := range list {
			k, v, ok := strings.Cut(item, "=")
			if !ok {
				env[k] = nil
				continue
			}
			env[k] = &v
		}
	}
	return func(name string) bool {
		v, set := env[name]
		if !set {
			return optionalDotEnv
		}
		return v == nil || strings.Contains(*v, "${"+name+":") || strings.Contains(*v, "${"+name+"}") || strings.Contains(*v, "${"+name+"-")
	}, nil
}
