package incidentbot_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"incidentbot"
)

// One sample per kind: a new kind without one fails TestActionJSONRoundTrip.
var sampleParams = []incidentbot.ActionParams{
	incidentbot.VerifySiteParams{URL: "https://shop.example.com/", Expect: "Panier"},
	incidentbot.PauseAdsParams{Platforms: []string{"googleads"}, Accounts: []string{"123"}, Include: []string{"sale*"},
		Exclude: []string{"brand*"}, IncludeLabels: []string{"Sale"}, ExcludeLabels: []string{"Always on"}},
	incidentbot.ResumeAdsParams{Platforms: []string{"meta"}},
	incidentbot.NotifyParams{To: "hosting", Template: "hosting-alert"},
	incidentbot.StatusPageParams{Status: "investigating", Template: "customer"},
	incidentbot.PageParams{To: "web-oncall"},
	incidentbot.CheckProvidersParams{},
}

func TestActionJSONRoundTrip(t *testing.T) {
	t.Parallel()
	var kinds []string
	for _, p := range sampleParams {
		kinds = append(kinds, p.ActionKind())
		a := incidentbot.Action{When: incidentbot.Condition{Severity: []incidentbot.Severity{incidentbot.SEV1}}, Params: p}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("%s: %v", p.ActionKind(), err)
		}
		var got incidentbot.Action
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: unmarshal %s: %v", p.ActionKind(), b, err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("%s: got %+v from %s, want %+v", p.ActionKind(), got, b, a)
		}
	}
	if want := incidentbot.ActionKinds(); !slices.Equal(kinds, want) {
		t.Errorf("samples cover %v, want %v", kinds, want)
	}
}

// Jobs stored before actions had typed params hold the flat struct: they
// must still run as written.
func TestActionReadsFlatPayloads(t *testing.T) {
	t.Parallel()
	type flat struct {
		Kind                                                                string
		When                                                                incidentbot.Condition
		URL, Expect                                                         string
		Platforms, Accounts, Include, Exclude, IncludeLabels, ExcludeLabels []string
		To, Template, Status                                                string
	}
	for _, tc := range []struct {
		old  flat
		want incidentbot.ActionParams
	}{
		{flat{Kind: "pause_ads", Platforms: []string{"googleads"}, Exclude: []string{"brand*"}},
			incidentbot.PauseAdsParams{Platforms: []string{"googleads"}, Exclude: []string{"brand*"}}},
		{flat{Kind: "statuspage", Status: "resolved", Template: "customer"}, incidentbot.StatusPageParams{Status: "resolved", Template: "customer"}},
		{flat{Kind: "page", To: "web-oncall"}, incidentbot.PageParams{To: "web-oncall"}},
		{flat{Kind: "verify_site", URL: "https://shop.example.com/"}, incidentbot.VerifySiteParams{URL: "https://shop.example.com/"}},
	} {
		tc.old.When = incidentbot.Condition{Severity: []incidentbot.Severity{incidentbot.SEV2}}
		b, err := json.Marshal(tc.old)
		if err != nil {
			t.Fatal(err)
		}
		var got incidentbot.Action
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(got.Params, tc.want) || !got.When.Holds(incidentbot.SEV2) || got.When.Holds(incidentbot.SEV1) {
			t.Errorf("got %+v from %s, want params %+v on sev2 only", got, b, tc.want)
		}
	}
}

func TestActionUnknownKind(t *testing.T) {
	t.Parallel()
	var a incidentbot.Action
	if err := json.Unmarshal([]byte(`{"Kind":"launch_rocket"}`), &a); err == nil {
		t.Errorf("got %+v, want an error for an unknown kind", a)
	}
	if err := json.Unmarshal([]byte(`{"When":{}}`), &a); err != nil || a.Kind() != "" {
		t.Errorf("got %+v, %v; want no kind and no error", a, err)
	}
}
