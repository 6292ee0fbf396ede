package notify_test

import (
	"reflect"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/integrations/notify"
)

func TestParseTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec string
		want map[string]notify.Target
		err  string // part of the message; "" for success
	}{
		{"empty", "", map[string]notify.Target{}, ""},
		{"example", "hosting=mailto:support@host.example,agency=https://hooks.agency.example/x", map[string]notify.Target{
			"hosting": {Email: []string{"support@host.example"}},
			"agency":  {Webhook: "https://hooks.agency.example/x"},
		}, ""},
		{"repeated name adds destinations", " Hosting = mailto:a@host.example , hosting=mailto:b@host.example,hosting=https://h.example/hook?k=v,", map[string]notify.Target{
			"hosting": {Email: []string{"a@host.example", "b@host.example"}, Webhook: "https://h.example/hook?k=v"},
		}, ""},
		{"services", "security=pagerduty,customers=STATUSPAGE,security=pagerduty", map[string]notify.Target{
			"security":  {Via: notify.ViaPagerDuty},
			"customers": {Via: notify.ViaStatuspage},
		}, ""},
		{"no equals", "hosting", nil, "entry 1: write name=destination"},
		{"empty destination", "hosting=", nil, "entry 1: write name=destination"},
		{"bad name", "host ing=mailto:a@b.example", nil, "entry 1: the name must be"},
		{"display name", "hosting=mailto:Support <a@b.example>", nil, "entry 1 (hosting): mailto: takes one plain address"},
		{"two addresses", "hosting=mailto:a@b.example;c@d.example", nil, "mailto: takes one plain address"},
		{"two webhooks", "a=https://x.example/1,a=https://x.example/2", nil, "entry 2 (a): a target has at most one webhook"},
		{"webhook without host", "a=https://", nil, "the webhook URL does not parse"},
		{"unknown scheme", "a=ftp://x.example/secret-token", nil, "must be mailto:address, an https:// URL, pagerduty or statuspage"},
		{"both services", "a=pagerduty,a=statuspage", nil, "not both"},
		{"service with e-mail", "a=mailto:x@y.example,a=pagerduty", nil, "pagerduty cannot be combined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := notify.ParseTargets(tc.spec)
			if tc.err == "" {
				if err != nil || !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got %+v, %v, want %+v", got, err, tc.want)
				}
				return
			}
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.Contains(incidentbot.ErrorMessage(err), tc.err) {
				t.Fatalf("got %v, want EINVALID containing %q", err, tc.err)
			}
			if strings.Contains(err.Error(), "secret-token") {
				t.Errorf("got %q, want the destination left out", err)
			}
		})
	}
}

func FuzzParseTargets(f *testing.F) {
	for _, s := range []string{
		"hosting=mailto:support@host.example,agency=https://hooks.agency.example/x",
		"security=pagerduty,customers=statuspage",
		"a=mailto:x@y.example,a=pagerduty", "=,=", "a=https://", ",,,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := notify.ParseTargets(spec)
		if err != nil {
			if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
				t.Fatalf("got code %q, want %q", code, incidentbot.EINVALID)
			}
			return
		}
		for name, tg := range got {
			if name == "" || name != strings.ToLower(name) {
				t.Fatalf("got name %q, want a non-empty lowercase name", name)
			}
			if len(tg.Email) == 0 && tg.Webhook == "" && tg.Via == "" {
				t.Fatalf("got target %q with no destination", name)
			}
			if tg.Via != "" && (len(tg.Email) > 0 || tg.Webhook != "") {
				t.Fatalf("got target %q mixing %s with e-mail or webhook", name, tg.Via)
			}
		}
	})
}
