package incidentbot

import (
	"encoding/json"
	"testing"
)

func TestSeverityJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []Severity{SevUnknown, SEV1, SEV2, SEV3, SEV4} {
		b, err := json.Marshal(struct{ S Severity }{s})
		if err != nil {
			t.Fatalf("marshal %v: %v", s, err)
		}
		var got struct{ S Severity }
		if err := json.Unmarshal(b, &got); err != nil || got.S != s {
			t.Errorf("round trip of %v via %s: got %v, %v", s, b, got.S, err)
		}
	}
}

func TestCheckTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to Status
		wantErr  string
	}{
		{StatusInvestigating, StatusMitigated, ""},
		{StatusMitigated, StatusResolved, ""},
		{StatusResolved, StatusClosed, ""},
		{StatusResolved, StatusInvestigating, ""},
		{StatusInvestigating, StatusClosed, "Cannot go from investigating to closed. From investigating the incident can become: mitigated, resolved."},
		{StatusClosed, StatusInvestigating, "The incident is closed: that is final, nothing can change it now."},
		{StatusMitigated, StatusMitigated, "The incident is already mitigated."},
	}
	for _, tc := range tests {
		err := CheckTransition(tc.from, tc.to)
		if ErrorMessage(err) != tc.wantErr {
			t.Errorf("%s -> %s: got %q, want %q", tc.from, tc.to, ErrorMessage(err), tc.wantErr)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("%s -> %s: got code %s, want EINVALID", tc.from, tc.to, ErrorCode(err))
		}
	}
}

func TestIncidentKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int64
	}{{"INC-42", 42}, {"inc-7", 7}, {" INC-1 ", 1}, {"INC-", 0}, {"INC-0", 0}, {"INC-x1", 0}, {"42", 0}, {"INC-9999999999999999999", 0}} {
		got, err := ParseIncidentKey(tc.in)
		if got != tc.want || (tc.want == 0) != (err != nil) {
			t.Errorf("ParseIncidentKey(%q): got %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	if IncidentKey(42) != "INC-42" {
		t.Errorf("IncidentKey(42) = %q", IncidentKey(42))
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Checkout returns 504":         "checkout-returns-504",
		"Paiement refusé à 100 % !":    "paiement-refuse-a-100",
		"  --Ünïcödé__ et ça  ":        "unicode-et-ca",
		"日本語":                          "",
		"Black Friday: site down (FR)": "black-friday-site-down-fr",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := Secret("xoxb-very-secret")
	b, _ := json.Marshal(struct{ T Secret }{s})
	for _, out := range []string{s.String(), s.GoString(), string(b), s.LogValue().String()} {
		if out != redacted && out != `{"T":"[redacted]"}` {
			t.Errorf("secret printed as %q", out)
		}
	}
	if s.Reveal() != "xoxb-very-secret" {
		t.Errorf("Reveal: got %q", s.Reveal())
	}
}

func TestNoticeSubjectAndText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n             Notice
		subject, text string
	}{
		{Notice{Severity: SEV1, Key: "INC-42", Status: "investigating", Title: "Checkout returns 504"},
			"[SEV1] INC-42 investigating: Checkout returns 504", "[SEV1] INC-42 investigating: Checkout returns 504"},
		{Notice{Severity: SEV4, Key: "INC-7", Status: "resolved", Title: "Titles: with colons: kept", Body: "All fixed."},
			"[SEV4] INC-7 resolved: Titles: with colons: kept", "All fixed."},
	} {
		if got := tc.n.Subject(); got != tc.subject {
			t.Errorf("Subject: got %q, want %q", got, tc.subject)
		}
		if got := tc.n.Text(); got != tc.text {
			t.Errorf("Text: got %q, want %q", got, tc.text)
		}
	}
}

// TestWebLink: only absolute http(s) addresses with a host and no user
// part are kept.
func TestWebLink(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		" https://grafana.shop.example/d/x?a=1 ":     "https://grafana.shop.example/d/x?a=1",
		"http://prometheus.shop.internal:9090/graph": "http://prometheus.shop.internal:9090/graph",
		"HTTPS://stspg.io/p4x2k":                     "HTTPS://stspg.io/p4x2k",
		"javascript:alert(1)":                        "",
		"data:text/html,<script>":                    "",
		"//evil.example/x":                           "",
		"https://shop.example@evil.example/x":        "",
		"/relative":                                  "",
		"https://":                                   "",
		"":                                           "",
	} {
		if got := WebLink(in); got != want {
			t.Errorf("WebLink(%q): got %q, want %q", in, got, want)
		}
	}
}
