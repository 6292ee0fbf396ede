package fakestatuspage_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakestatuspage"
)

func TestServer(t *testing.T) {
	t.Parallel()
	page := "/v1/pages/" + fakestatuspage.DefaultPageID
	tests := []struct {
		name   string
		method string
		path   string
		auth   string
		body   string
		status int
		want   string
	}{
		{"create", "POST", page + "/incidents", "OAuth " + fakestatuspage.DefaultAPIKey, `{"incident":{"name":"Checkout down","status":"identified","body":"We know","impact_override":"major"}}`, 201, `"status":"identified"`},
		{"no key", "GET", page + "/incidents/unresolved", "", ``, 401, `Could not authenticate`},
		{"bearer is not OAuth", "GET", page + "/incidents/unresolved", "Bearer " + fakestatuspage.DefaultAPIKey, ``, 401, `Could not authenticate`},
		{"other page", "GET", "/v1/pages/other/incidents/unresolved", "OAuth " + fakestatuspage.DefaultAPIKey, ``, 404, `could not be found`},
		{"no name", "POST", page + "/incidents", "OAuth " + fakestatuspage.DefaultAPIKey, `{"incident":{"status":"investigating"}}`, 422, `Name can't be blank`},
		{"bad status", "POST", page + "/incidents", "OAuth " + fakestatuspage.DefaultAPIKey, `{"incident":{"name":"x","status":"down"}}`, 422, `Status is not included in the list`},
		{"unknown incident", "PATCH", page + "/incidents/nope", "OAuth " + fakestatuspage.DefaultAPIKey, `{"incident":{"status":"resolved"}}`, 404, `could not be found`},
		{"not JSON", "POST", page + "/incidents", "OAuth " + fakestatuspage.DefaultAPIKey, `{`, 400, `Could not parse`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := fakestatuspage.New(t)
			req, err := http.NewRequestWithContext(t.Context(), tc.method, f.URL()+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", tc.auth)
			resp, err := f.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(got), tc.want) {
				t.Errorf("got %d %s, want %d containing %s", resp.StatusCode, got, tc.status, tc.want)
			}
		})
	}
}

func TestUnresolvedAndPatch(t *testing.T) {
	t.Parallel()
	f := fakestatuspage.New(t)
	old := f.AddIncident(fakestatuspage.Incident{Name: "Old"})
	done := f.AddIncident(fakestatuspage.Incident{Name: "Done", Status: "resolved"})
	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequestWithContext(t.Context(), method, f.URL()+"/v1/pages/"+f.PageID()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "OAuth "+f.APIKey())
		resp, err := f.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := do("GET", "/incidents/unresolved", ""); code != 200 || !strings.Contains(body, old) || strings.Contains(body, done) {
		t.Errorf("got %d %s, want 200 listing %s only", code, body, old)
	}
	if code, _ := do("PATCH", "/incidents/"+old, `{"incident":{"status":"resolved","body":"Fixed"}}`); code != 200 {
		t.Fatalf("got %d, want 200", code)
	}
	if code, body := do("GET", "/incidents/unresolved", ""); code != 200 || strings.TrimSpace(body) != "[]" {
		t.Errorf("got %d %s, want 200 []", code, body)
	}
	inc := f.Incidents()[0]
	if inc.Status != "resolved" || inc.ResolvedAt == nil || len(inc.Updates) != 1 || inc.Updates[0].Body != "Fixed" {
		t.Errorf("got %+v, want resolved with one update", inc)
	}
	f.Throttle(420, 2)
	if code, _ := do("GET", "/incidents/unresolved", ""); code != 420 {
		t.Errorf("got %d, want 420", code)
	}
}
