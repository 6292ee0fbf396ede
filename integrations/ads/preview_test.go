package ads_test

import (
	"testing"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestPreview: Preview lists what Pause would do and changes nothing, on
// the platforms nor in the store; a campaign another incident paused is
// Shared, not Paused.
func TestPreview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tests := []struct {
			name       string
			sel        ads.Selection
			before     func(t *testing.T, f *fixture) // what happened before the preview
			wantPaused []string
			wantShared []string
			wantCode   string
		}{
			{"everything serving", ads.Selection{}, nil, allServing, nil, ""},
			{"brand kept by label", ads.Selection{ExcludeLabels: []string{"brand"}}, nil, []string{"g1", "g2", "m1", "m2"}, nil, ""},
			{"one platform", ads.Selection{Platforms: []string{"meta"}}, nil, []string{"m1", "m2"}, nil, ""},
			{"held by another incident", ads.Selection{}, func(t *testing.T, f *fixture) {
				other := f.incident(t, false)
				if _, err := f.orc.Pause(t.Context(), other, ads.Selection{Platforms: []string{"meta"}}); err != nil {
					t.Fatalf("Pause: %v", err)
				}
			}, []string{"g1", "g2", "g3"}, []string{"m1", "m2"}, ""},
			{"bad glob", ads.Selection{Include: []string{"[x"}}, nil, nil, nil, incidentbot.EINVALID},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t, db)
				if tc.before != nil {
					tc.before(t, f)
				}
				inc := f.incident(t, false)
				statuses := f.statuses()
				rep, err := f.orc.Preview(t.Context(), inc, tc.sel)
				if got := incidentbot.ErrorCode(err); got != tc.wantCode {
					t.Fatalf("got error %v, want code %q", err, tc.wantCode)
				}
				wantReport(t, rep, tc.wantPaused, tc.wantShared, nil, nil, nil)
				if !rep.DryRun {
					t.Error("got DryRun false, want true: a preview changes nothing")
				}
				for id, s := range f.statuses() {
					if s != statuses[id] {
						t.Errorf("campaign %s: got %s after the preview, want %s", id, s, statuses[id])
					}
				}
				if got := f.records(t, inc); len(got) != 0 {
					t.Errorf("got %d pause records after the preview, want none", len(got))
				}
				// Close it so that the next case's incident holds nothing shared.
				f.setStatus(t, inc, incidentbot.StatusClosed)
			})
		}
	})
}

func TestPreviewListFailure(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	f := newFixture(t, db)
	orc := ads.New(db, []incidentbot.AdPlatform{f.google, unlisted{f.meta}}, incidentbot.ClockFunc(func() time.Time { return t0 }), nil)
	rep, err := orc.Preview(t.Context(), f.incident(t, false), ads.Selection{})
	if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
		t.Errorf("got error %v, want code %q", err, incidentbot.EUNAVAILABLE)
	}
	wantReport(t, rep, []string{"g1", "g2", "g3"}, nil, nil, nil, nil)
	if len(rep.Errors) != 1 || i18n.Stored("en", rep.Errors[0]) != "meta: Meta does not answer. Try again in a few minutes." {
		t.Errorf("got Errors %q, want the meta listing failure", rep.Errors)
	}
}
