package postmortem

import (
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
)

func share(v float64) *float64 { return &v }

// TestRevenueLost checks the money figure against hand computations:
// revenue per minute × share of sales lost × whole minutes from impact
// start to mitigation, and the minutes shown are the minutes counted.
func TestRevenueLost(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// t0 is Friday 2025-11-28 18:02 UTC, 19:02 in Paris.
	profile := mustProfile(t, ProfileHeader+"\nfri,19,150\nfri,20,200\nfri,23,50\nsat,0,80\n")
	tests := []struct {
		name      string
		inc       incidentbot.Incident
		playbook  *incidentbot.Playbook
		perMinute float64
		profile   *RevenueProfile
		want      revenueView
	}{
		{
			name:      "until mitigated, whole site",
			inc:       incidentbot.Incident{DetectedAt: t0, MitigatedAt: ptr(at(30)), ResolvedAt: ptr(at(60))},
			perMinute: 100,
			// 30 min × 100 × 100% = 3,000
			want: revenueView{Known: true, Amount: "€3,000.00", Rate: "€100.00", Share: "100%", Outage: "30m", Until: "mitigated"},
		},
		{
			name: "seconds do not count: the 6m × 120 EUR case",
			inc: incidentbot.Incident{DetectedAt: t0.Add(20 * time.Second),
				MitigatedAt: ptr(t0.Add(6*time.Minute + 44*time.Second))},
			perMinute: 120,
			// 18:02 to 18:08: 6 min × 120 = 720, not 807.66
			want: revenueView{Known: true, Amount: "€720.00", Rate: "€120.00", Share: "100%", Outage: "6m", Until: "mitigated"},
		},
		{
			name:      "impact started before detection",
			inc:       incidentbot.Incident{ImpactStartedAt: ptr(at(-70)), DetectedAt: t0, MitigatedAt: ptr(at(10))},
			perMinute: 10,
			// 80 min × 10 = 800
			want: revenueView{Known: true, Amount: "€800.00", Rate: "€10.00", Share: "100%", Outage: "1h 20m", Until: "mitigated"},
		},
		{
			name:      "share set in the incident wins over the playbook",
			inc:       incidentbot.Incident{DetectedAt: t0, MitigatedAt: ptr(at(60)), RevenueShare: share(0.3)},
			playbook:  &incidentbot.Playbook{RevenueShare: share(0.5)},
			perMinute: 120,
			// 60 min × 120 × 30% = 2,160
			want: revenueView{Known: true, Amount: "€2,160.00", Rate: "€120.00", Share: "30%", Outage: "1h 00m", Until: "mitigated"},
		},
		{
			name:      "closed without mitigation",
			inc:       incidentbot.Incident{DetectedAt: t0, ClosedAt: ptr(at(20))},
			perMinute: 100,
			want:      revenueView{Known: true, Amount: "€2,000.00", Rate: "€100.00", Share: "100%", Outage: "20m", Until: "closed"},
		},
		{
			name:      "the playbook's share",
			inc:       incidentbot.Incident{DetectedAt: t0, ResolvedAt: ptr(at(45))},
			playbook:  &incidentbot.Playbook{RevenueShare: share(0.125)},
			perMinute: 80,
			// 45 min × 80 × 12.5% = 450
			want: revenueView{Known: true, Amount: "€450.00", Rate: "€80.00", Share: "12.5%", Outage: "45m", Until: "resolved"},
		},
		{
			name:      "until now while ongoing",
			inc:       incidentbot.Incident{DetectedAt: t0},
			perMinute: 2,
			// 90 min × 2 = 180
			want: revenueView{Known: true, Amount: "€180.00", Rate: "€2.00", Share: "100%", Outage: "1h 30m", Until: "now"},
		},
		{
			name: "unknown rate",
			inc:  incidentbot.Incident{DetectedAt: t0, MitigatedAt: ptr(at(30))},
			want: revenueView{Share: "100%", Outage: "30m", Until: "mitigated"},
		},
		{
			name: "profile spanning hours, an unlisted hour at the flat rate",
			// 19:02 to 21:15 in Paris.
			inc:       incidentbot.Incident{DetectedAt: t0, MitigatedAt: ptr(at(133))},
			perMinute: 100,
			profile:   profile,
			// 58 × 150 + 60 × 200 + 15 × 100 = 8,700 + 12,000 + 1,500 = 22,200
			want: revenueView{Known: true, Amount: "€22,200.00", Share: "100%", Outage: "2h 13m", Until: "mitigated",
				Hours: []string{"Fri 19:02, 58m × €150.00", "Fri 20:00, 1h 00m × €200.00", "Fri 21:00, 15m × €100.00"}},
		},
		{
			name: "profile across midnight, half the sales",
			// Friday 23:30 to Saturday 00:30 in Paris.
			inc:      incidentbot.Incident{DetectedAt: at(268), MitigatedAt: ptr(at(328)), RevenueShare: share(0.5)},
			profile:  profile,
			playbook: &incidentbot.Playbook{},
			// (30 × 50 + 30 × 80) × 50% = (1,500 + 2,400) / 2 = 1,950
			want: revenueView{Known: true, Amount: "€1,950.00", Share: "50%", Outage: "1h 00m", Until: "mitigated",
				Hours: []string{"Fri 23:30, 30m × €50.00", "Sat 00:00, 30m × €80.00"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := Data{Incident: &tc.inc, Playbook: tc.playbook, RevenuePerMinute: tc.perMinute, Currency: "EUR",
				Profile: tc.profile, Location: paris, Now: at(90)}
			got := revenue(d, locales["en"])
			if got.Known != tc.want.Known || got.Amount != tc.want.Amount || got.Rate != tc.want.Rate || got.Share != tc.want.Share ||
				got.Outage != tc.want.Outage || got.Until != tc.want.Until || !slices.Equal(got.Hours, tc.want.Hours) {
				t.Errorf("got %+v,\nwant %+v", got, tc.want)
			}
		})
	}
}

func mustProfile(t testing.TB, csv string) *RevenueProfile {
	t.Helper()
	p, err := ParseRevenueProfile(strings.NewReader(csv))
	if err != nil {
		t.Fatalf("ParseRevenueProfile: %v", err)
	}
	return p
}

// TestRevenueProfileParse: a good file reads, each bad line is named once.
func TestRevenueProfileParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string // problems, in order; none: it parses
	}{
		{name: "good, comments and spaces", in: "# Saturday evening sells most\nWeekday, Hour, Revenue_per_minute\nsat, 20, 310.5\nMON,3,0\n"},
		{name: "empty", in: "", want: []string{"line 1: the file is empty"}},
		{name: "no header", in: "sat,20,310\n", want: []string{"line 1: the first line must be the header"}},
		{name: "bad lines", in: ProfileHeader + "\nsamedi,20,1\nsat,24,1\nsat,20,-3\nsat,20\nsat,20,1\nsat,20,2\n", want: []string{
			`line 2: "samedi" is not a weekday`, `line 3: "24" is not an hour`, `line 4: "-3" is not a revenue per minute`,
			"line 5: want 3 fields", "line 7: sat 20 is listed twice"}},
		{name: "not CSV", in: ProfileHeader + "\nsat,\"20,1\n", want: []string{"line 2: not CSV"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseRevenueProfile(strings.NewReader(tc.in))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d problems %q, want %d", len(lines), lines, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("problem %d: got %q, want it to start with %q", i+1, lines[i], w)
				}
			}
		})
	}
	p := mustProfile(t, ProfileHeader+"\nsat,20,310.5\n")
	if p.Complete() || p.perMinute[time.Saturday][20] != 310.5 {
		t.Errorf("got complete %v, sat 20 = %v; want incomplete, 310.5", p.Complete(), p.perMinute[time.Saturday][20])
	}
}

func FuzzRevenueProfile(f *testing.F) {
	f.Add(ProfileHeader + "\nsat,20,310.5\n")
	f.Add(ProfileHeader + "\nmon,0,0\nsun,23,1e3\n")
	f.Add("weekday,hour\n")
	f.Add(ProfileHeader + "\nsat,\"20\n")
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParseRevenueProfile(strings.NewReader(in))
		if err != nil {
			return
		}
		// Whatever parsed gives a finite, non-negative loss.
		l := lostSales(t0, at(600), 1, p, time.UTC)
		if l.minutes != 600 || l.amount < 0 || l.amount != l.amount {
			t.Fatalf("got %d minutes, amount %v", l.minutes, l.amount)
		}
	})
}

// TestLostSales: the dashboard's sum for one incident is the draft's:
// from impact start to mitigated, at the incident's share; still down,
// until now.
func TestLostSales(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 5, 14, 0, 30, 0, time.UTC)
	mitigated := start.Add(30 * time.Minute)
	share := 0.5
	inc := &incidentbot.Incident{DeclaredAt: start.Add(5 * time.Minute), ImpactStartedAt: &start, MitigatedAt: &mitigated, RevenueShare: &share}
	if got := LostSales(inc, nil, 10, nil, nil, start.Add(2*time.Hour)); got.Outage != 30*time.Minute || got.Revenue != 150 {
		t.Errorf("mitigated: got %+v, want 30m and 150", got)
	}
	inc.MitigatedAt = nil
	if got := LostSales(inc, nil, 10, nil, nil, start.Add(time.Hour)); got.Outage != time.Hour || got.Revenue != 300 {
		t.Errorf("still down: got %+v, want 1h and 300", got)
	}
	closed := start.Add(45 * time.Minute)
	inc.ClosedAt = &closed
	if got := LostSales(inc, nil, 10, nil, nil, start.Add(24*time.Hour)); got.Outage != 45*time.Minute || got.Revenue != 225 {
		t.Errorf("closed without mitigation: got %+v, want 45m and 225, not growing after the close", got)
	}
	inc.ClosedAt = nil
	if got := LostSales(inc, nil, 0, nil, nil, start.Add(time.Hour)); got.Revenue != 0 {
		t.Errorf("no revenue configured: got %+v, want 0", got)
	}
}
