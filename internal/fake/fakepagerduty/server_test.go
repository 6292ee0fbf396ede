package fakepagerduty_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakepagerduty"
)

func TestEnqueue(t *testing.T) {
	t.Parallel()
	key := fakepagerduty.DefaultRoutingKey
	tests := []struct {
		name   string
		body   string
		status int
		want   string // in the answer
	}{
		{"trigger", `{"routing_key":"` + key + `","event_action":"trigger","dedup_key":"INC-1","payload":{"summary":"down","source":"bot","severity":"critical"}}`, 202, `"dedup_key":"INC-1"`},
		{"trigger without dedup key gets one", `{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"down","source":"bot","severity":"info"}}`, 202, `"status":"success"`},
		{"resolve", `{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"INC-1"}`, 202, `"message":"Event processed"`},
		{"resolve without dedup key", `{"routing_key":"` + key + `","event_action":"resolve"}`, 400, `'dedup_key' is missing`},
		{"unknown action", `{"routing_key":"` + key + `","event_action":"page"}`, 400, `'event_action' is invalid`},
		{"bad severity", `{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"s","source":"b","severity":"high"}}`, 400, `'payload.severity' is invalid`},
		{"no payload", `{"routing_key":"` + key + `","event_action":"trigger"}`, 400, `'payload' is missing`},
		{"wrong key", `{"routing_key":"other","event_action":"resolve","dedup_key":"x"}`, 400, `'routing_key' is invalid`},
		{"not JSON", `{`, 400, `Could not parse JSON`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := fakepagerduty.New(t)
			resp, err := f.Client().Post(f.URL()+"/v2/enqueue", "application/json", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got json.RawMessage
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || !strings.Contains(string(got), tc.want) {
				t.Errorf("got %d %s, want %d containing %s", resp.StatusCode, got, tc.status, tc.want)
			}
		})
	}
}

func TestThrottleAndFailures(t *testing.T) {
	t.Parallel()
	f := fakepagerduty.New(t)
	f.Throttle(5)
	f.FailWith(http.StatusBadGateway)
	body := `{"routing_key":"` + fakepagerduty.DefaultRoutingKey + `","event_action":"resolve","dedup_key":"x"}`
	for _, want := range []int{429, 502, 202} {
		resp, err := f.Client().Post(f.URL()+"/v2/enqueue", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("got %d, want %d", resp.StatusCode, want)
		}
		if want == 429 && resp.Header.Get("Retry-After") != "5" {
			t.Errorf("got Retry-After %q, want 5", resp.Header.Get("Retry-After"))
		}
	}
}
