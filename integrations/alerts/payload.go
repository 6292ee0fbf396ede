package alerts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"incidentbot"
)

// amPayload is the Alertmanager webhook body, version 4. Only the fields
// the bot reads are declared: unknown ones (notification_reason,
// routeLabels, whatever comes next) are ignored.
type amPayload struct {
	Version  string    `json:"version"`
	GroupKey string    `json:"groupKey"`
	Status   string    `json:"status"`
	Alerts   []amAlert `json:"alerts"`
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// grafanaPayload is the Grafana unified alerting webhook body, version 1.
type grafanaPayload struct {
	Version  string         `json:"version"`
	GroupKey string         `json:"groupKey"`
	Status   string         `json:"status"`
	Alerts   []grafanaAlert `json:"alerts"`
}

type grafanaAlert struct {
	amAlert
	SilenceURL   string `json:"silenceURL"`
	DashboardURL string `json:"dashboardURL"`
	PanelURL     string `json:"panelURL"`
	ImageURL     string `json:"imageURL"`
	ValueString  string `json:"valueString"`
}

// genericPayload is the generic webhook body, for monitoring that is
// neither Alertmanager nor Grafana.
type genericPayload struct {
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	DedupeKey   string `json:"dedupe_key"`
	Status      string `json:"status"`
	URL         string `json:"url"`
	Description string `json:"description"`
}

// decodeJSON decodes one JSON value and nothing after it but spaces.
func decodeJSON(body []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return incidentbot.WrapError(incidentbot.EINVALID, err, "The body is not a valid %s payload: %s.", what, jsonReason(err))
	}
	if dec.More() {
		return incidentbot.Errorf(incidentbot.EINVALID, "The body is not a valid %s payload: it holds more than one JSON value.", what)
	}
	return nil
}

// jsonReason says what is wrong in words that point at the place.
func jsonReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%v (at byte %d)", syn, syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s must be %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value)
	case errors.Is(err, io.EOF):
		return "the body is empty"
	}
	return err.Error()
}

// jsonKind names what JSON a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return t.Kind().String()
}

// parseAlertmanager reads an Alertmanager webhook v4 body.
func parseAlertmanager(body []byte) ([]alert, error) {
	var p amPayload
	if err := decodeJSON(body, &p, "Alertmanager webhook"); err != nil {
		return nil, err
	}
	if p.Version != "" && p.Version != "4" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Alertmanager webhook version %q is not supported: this bot reads version 4 (Alertmanager 0.x).", p.Version)
	}
	out := make([]alert, 0, len(p.Alerts))
	for i, a := range p.Alerts {
		al, err := a.alert(i)
		if err != nil {
			return nil, err
		}
		out = append(out, al)
	}
	return out, nil
}

func (a amAlert) alert(i int) (alert, error) {
	switch a.Status {
	case statusFiring, statusResolved:
	default:
		return alert{}, incidentbot.Errorf(incidentbot.EINVALID, "alerts[%d].status is %q: it must be firing or resolved.", i, a.Status)
	}
	if len(a.Labels) == 0 {
		return alert{}, incidentbot.Errorf(incidentbot.EINVALID, "alerts[%d] has no labels: an alert needs at least alertname.", i)
	}
	fp := strings.ToLower(strings.TrimSpace(a.Fingerprint))
	if fp == "" {
		fp = Fingerprint(a.Labels)
	}
	out := alert{
		Status:      a.Status,
		Labels:      a.Labels,
		Annotations: a.Annotations,
		StartsAt:    a.StartsAt.UTC(),
		Fingerprint: fp,
	}
	// Still-firing alerts carry the zero time as endsAt.
	if a.Status == statusResolved && a.EndsAt.Year() > 1 {
		out.EndsAt = a.EndsAt.UTC()
	}
	if a.StartsAt.Year() <= 1 {
		out.StartsAt = time.Time{}
	}
	out.Links = addLink(out.Links, "source", a.GeneratorURL)
	return out, nil
}

func addLink(links []link, name, url string) []link {
	url = strings.TrimSpace(url)
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return links
	}
	return append(links, link{name, url})
}

// parseGrafana reads a Grafana unified alerting webhook body (payload
// version 1, the default template: a custom payload template is refused).
func parseGrafana(body []byte) ([]alert, error) {
	var p grafanaPayload
	if err := decodeJSON(body, &p, "Grafana webhook"); err != nil {
		return nil, err
	}
	if p.Version != "1" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Grafana webhook payload version %q is not supported: use the default payload (version 1), without a custom payload template.", p.Version)
	}
	out := make([]alert, 0, len(p.Alerts))
	for i, ga := range p.Alerts {
		al, err := ga.amAlert.alert(i)
		if err != nil {
			return nil, err
		}
		al.Links = addLink(al.Links, "dashboard", ga.DashboardURL)
		al.Links = addLink(al.Links, "panel", ga.PanelURL)
		al.Links = addLink(al.Links, "image", ga.ImageURL)
		al.Links = addLink(al.Links, "silence", ga.SilenceURL)
		if v := strings.TrimSpace(ga.ValueString); v != "" {
			ann := make(map[string]string, len(al.Annotations)+1)
			for k, x := range al.Annotations {
				ann[k] = x
			}
			ann["values"] = v
			al.Annotations = ann
		}
		out = append(out, al)
	}
	return out, nil
}

// maxGenericKey bounds a generic dedupe key: it is stored with the incident.
const maxGenericKey = 200

// parseGeneric reads the generic webhook body:
// {"title", "severity", "dedupe_key", "status": "firing"|"resolved", "url", "description"}.
// Without a dedupe_key the title is the key.
func parseGeneric(body []byte) ([]alert, error) {
	var p genericPayload
	if err := decodeJSON(body, &p, "generic webhook"); err != nil {
		return nil, err
	}
	title := strings.TrimSpace(p.Title)
	if title == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, `The alert needs a "title", e.g. {"title": "Checkout returns 504", "severity": "critical"}.`)
	}
	status := strings.ToLower(strings.TrimSpace(p.Status))
	switch status {
	case "":
		status = statusFiring
	case statusFiring, statusResolved:
	default:
		return nil, incidentbot.Errorf(incidentbot.EINVALID, `"status" is %q: use firing or resolved.`, p.Status)
	}
	labels := map[string]string{"alertname": title}
	if s := strings.TrimSpace(p.Severity); s != "" {
		sev := SeverityOf(s)
		if sev == incidentbot.SevUnknown {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, `"severity" is %q: use critical, error, warning, info or sev1 to sev4.`, p.Severity)
		}
		labels["severity"] = s
	}
	key := strings.TrimSpace(p.DedupeKey)
	if key == "" {
		key = title
	}
	if len(key) > maxGenericKey {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, `"dedupe_key" is longer than %d bytes: use a short stable name, e.g. "checkout-5xx".`, maxGenericKey)
	}
	a := alert{
		Status:      status,
		Title:       title,
		Labels:      labels,
		Fingerprint: Fingerprint(map[string]string{"dedupe_key": key}),
		Key:         "generic:" + key,
	}
	if d := strings.TrimSpace(p.Description); d != "" {
		a.Annotations = map[string]string{"description": d}
	}
	a.Links = addLink(a.Links, "link", p.URL)
	return []alert{a}, nil
}

// Fingerprint is Prometheus' fingerprint of a label set (FNV-1a 64 over
// the sorted name/value pairs, each followed by 0xff), as 16 hex digits:
// the value Alertmanager sends, for senders that leave it out.
func Fingerprint(labels map[string]string) string {
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	slices.Sort(names)
	h := fnv.New64a()
	for _, k := range names {
		h.Write([]byte(k))
		h.Write([]byte{0xff})
		h.Write([]byte(labels[k]))
		h.Write([]byte{0xff})
	}
	return fmt.Sprintf("%016x", h.Sum64())
}
