package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestImpactStartAndShare: declare --since 09:02 in Paris, a share of 30%,
// mitigation 10 minutes after the 09:00 UTC declaration; the draft shows
// the impact start, the time to detect and 68 min × 120 × 30% = 2,448 EUR.
func TestImpactStartAndShare(t *testing.T) {
	t.Parallel()
	paris := parisZone(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.tune = func(c *Config, _ *Deps) { c.RevenuePerMinute, c.Location = 120, paris }
		f.eng = f.engine()
		ctx := context.Background()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "site-outage",
			ImpactStart: &incidentbot.LocalTime{Hour: 9, Minute: 2}}) // 08:02 UTC
		if want := time.Date(2025, 11, 28, 8, 2, 0, 0, time.UTC); inc.ImpactStartedAt == nil || !inc.ImpactStartedAt.Equal(want) {
			t.Fatalf("impact start: got %v, want %v", inc.ImpactStartedAt, want)
		}
		f.runAll(0)
		here := actor(alice, f.reload(inc).WarRoom)
		if _, err := f.eng.SetRevenueShare(ctx, here, "", 0.3); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(10 * time.Minute)
		if _, err := f.eng.SetStatus(ctx, here, "", incidentbot.StatusMitigated, ""); err != nil {
			t.Fatal(err)
		}
		md := f.draft(here, "")
		for _, want := range []string{
			"| Impact started | 2025-11-28 09:02 CET |", // shown in BOT_TIMEZONE, as typed
			"| Detected | 2025-11-28 10:00 CET |",
			"| Time to detect | 58m |",
			"| Estimated revenue lost | €2,448.00 (1h 08m × €120.00 a minute × 30% of sales lost, from impact start until mitigation;",
			"Impact: 30% of sales lost",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("draft lacks %q", want)
			}
		}
	})
}

// TestImpactStartRefused: a start after the declaration or more than 30
// days before it is refused with a clear message and changes nothing; a
// time of day still to come today means yesterday.
func TestImpactStartRefused(t *testing.T) {
	t.Parallel()
	paris := parisZone(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.tune = func(c *Config, _ *Deps) { c.Location = paris }
		f.eng = f.engine()
		ctx := context.Background()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout slow", Type: "site-outage"}) // 10:00 Paris
		f.runAll(0)
		here := actor(bob, f.reload(inc).WarRoom)
		f.clock.Advance(20 * time.Minute)
		before := len(f.timeline(inc))
		for _, tc := range []struct {
			at   incidentbot.LocalTime
			want string
		}{
			{incidentbot.LocalTime{Hour: 10, Minute: 10}, "The impact cannot start after the declaration (2025-11-28 10:00)"},
			{incidentbot.LocalTime{Year: 2025, Month: 10, Day: 1, Hour: 9}, "2025-10-01 09:00 is more than 30 days before the declaration: check the date."},
		} {
			_, err := f.eng.SetImpactStart(ctx, here, "", tc.at)
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.HasPrefix(incidentbot.ErrorMessage(err), tc.want) {
				t.Errorf("%s: got %v, want EINVALID %q", tc.at, err, tc.want)
			}
		}
		if got := f.reload(inc); got.ImpactStartedAt != nil || len(f.timeline(inc)) != before {
			t.Fatalf("a refused start changed the incident: %v, %d events (was %d)", got.ImpactStartedAt, len(f.timeline(inc)), before)
		}
		// 10:30 has not come yet at 10:20: it is yesterday's.
		got, err := f.eng.SetImpactStart(ctx, here, "", incidentbot.LocalTime{Hour: 10, Minute: 30})
		if want := time.Date(2025, 11, 27, 9, 30, 0, 0, time.UTC); err != nil || got.ImpactStartedAt == nil || !got.ImpactStartedAt.Equal(want) {
			t.Fatalf("got %v, %v; want %v", got, err, want)
		}
	})
}

// TestAlertImpactStart: an alert firing since 08:53, received at 09:00,
// declares an incident detected at 09:00 whose impact started at 08:53;
// mitigated at 09:10, the draft shows a time to detect of 7m, a time to
// mitigate of 10m (from detection) and 17 min × 120 EUR × 100% = 2,040
// EUR lost, and links the alert. A startsAt after the receipt or more
// than 30 days before it is ignored, and a typed --since wins.
func TestAlertImpactStart(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.tune = func(c *Config, _ *Deps) { c.RevenuePerMinute = 120 }
		f.eng = f.engine()
		ctx := context.Background()
		starts := now.Add(-7 * time.Minute)
		inc := f.declare(incidentbot.DeclareRequest{Title: "CheckoutErrorRate", Type: "site-outage", Force: true,
			DedupeKey: "alert:checkout", ImpactStartedAt: starts,
			Links: incidentbot.AlertLinks{Alert: "https://prometheus.shop.example/graph?g0.expr=up", Dashboard: "javascript:alert(1)"}})
		if !inc.DetectedAt.Equal(now) || inc.ImpactStartedAt == nil || !inc.ImpactStartedAt.Equal(starts) {
			t.Fatalf("got detected %v, impact start %v; want %v (receipt) and %v (startsAt)", inc.DetectedAt, inc.ImpactStartedAt, now, starts)
		}
		f.runAll(0)
		here := actor(alice, f.reload(inc).WarRoom)
		f.clock.Advance(10 * time.Minute)
		if _, err := f.eng.SetStatus(ctx, here, "", incidentbot.StatusMitigated, ""); err != nil {
			t.Fatal(err)
		}
		md := f.draft(here, "")
		for _, want := range []string{
			"| Impact started | 2025-11-28 08:53 UTC |",
			"| Detected | 2025-11-28 09:00 UTC |",
			"| Time to detect | 7m |",
			"| Time to mitigate | 10m |",
			"| Estimated revenue lost | €2,040.00 (17m × €120.00 a minute × 100% of sales lost, from impact start until mitigation;",
			"| Alert | [alert:checkout](https://prometheus.shop.example/graph?g0.expr=up) |",
			"| Dashboards | _links to the graphs that showed it_ |",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("draft lacks %q", want)
			}
		}
		typed := &incidentbot.LocalTime{Hour: 8, Minute: 40}
		for _, tc := range []struct {
			name   string
			starts time.Time
			typed  *incidentbot.LocalTime
			want   *time.Time
		}{
			{"after receipt", f.clock.Now().Add(time.Minute), nil, nil},
			{"too early", f.clock.Now().Add(-31 * 24 * time.Hour), nil, nil},
			{"typed wins", starts, typed, ptrTime(time.Date(2025, 11, 28, 8, 40, 0, 0, time.UTC))},
		} {
			got := f.declare(incidentbot.DeclareRequest{Title: "Alert " + tc.name, Type: "site-outage", ImpactStartedAt: tc.starts, ImpactStart: tc.typed})
			if (got.ImpactStartedAt == nil) != (tc.want == nil) || got.ImpactStartedAt != nil && !got.ImpactStartedAt.Equal(*tc.want) {
				t.Errorf("%s: got impact start %v, want %v", tc.name, got.ImpactStartedAt, tc.want)
			}
		}
	})
}

func ptrTime(t time.Time) *time.Time { return &t }

func parisZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
