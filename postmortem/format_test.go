package postmortem

import (
	"strings"
	"testing"
	"time"

	"incidentbot"
)

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d      time.Duration
		en, fr string
	}{
		{0, "0s", "0 s"},
		{-5 * time.Minute, "0s", "0 s"},
		{45*time.Second + 900*time.Millisecond, "45s", "45 s"},
		{3 * time.Minute, "3m", "3 min"},
		{3*time.Minute + 59*time.Second, "3m", "3 min"},
		{time.Hour + 5*time.Minute, "1h 05m", "1 h 05 min"},
		{23*time.Hour + 59*time.Minute, "23h 59m", "23 h 59 min"},
		{2*24*time.Hour + 4*time.Hour + 30*time.Minute, "2d 4h", "2 j 4 h"},
	}
	for _, tc := range tests {
		t.Run(tc.d.String(), func(t *testing.T) {
			t.Parallel()
			if got := formatDuration(tc.d, locales["en"]); got != tc.en {
				t.Errorf("en: got %q, want %q", got, tc.en)
			}
			if got := formatDuration(tc.d, locales["fr"]); got != tc.fr {
				t.Errorf("fr: got %q, want %q", got, tc.fr)
			}
		})
	}
}

func TestSince(t *testing.T) {
	t.Parallel()
	start := t0
	tests := []struct {
		name  string
		start time.Time
		at    *time.Time
		want  string
	}{
		{"missing time", start, nil, "—"},
		{"zero time", start, &time.Time{}, "—"},
		{"no start", time.Time{}, ptr(at(5)), "—"},
		{"after start", start, ptr(at(47)), "47m"},
		{"before start (clock skew)", start, ptr(at(-2)), "0s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := since(tc.start, tc.at, locales["en"]); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		t    *time.Time
		want string
	}{
		{"nil", nil, "—"},
		{"zero", &time.Time{}, "—"},
		{"utc", ptr(t0), "2025-11-28 18:02 UTC"},
		{"converted to utc", ptr(time.Date(2025, 11, 28, 19, 2, 59, 0, paris)), "2025-11-28 18:02 UTC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := formatTime(tc.t, locales["en"]); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	// In BOT_TIMEZONE, naming the zone, summer time included.
	europe, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	inParis := *locales["fr"]
	inParis.loc = europe
	for at, want := range map[time.Time]string{
		t0: "2025-11-28 19:02 CET",
		time.Date(2025, 7, 14, 10, 0, 0, 0, time.UTC): "2025-07-14 12:00 CEST",
	} {
		if got := formatTime(&at, &inParis); got != want {
			t.Errorf("in Paris: got %q, want %q", got, want)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v        float64
		currency string
		en, fr   string
	}{
		{0, "EUR", "€0.00", "0,00\u00a0€"},
		{0.005, "EUR", "€0.01", "0,01\u00a0€"},
		{12.5, "", "12.50", "12,50"},
		{999.999, "USD", "$1,000.00", "1\u00a0000,00\u00a0$"},
		{1234567.891, "EUR", "€1,234,567.89", "1\u00a0234\u00a0567,89\u00a0€"},
		{-42, "EUR", "-€42.00", "-42,00\u00a0€"},
		{7, "CHF", "CHF 7.00", "7,00\u00a0CHF"},
	}
	for _, tc := range tests {
		t.Run(tc.en, func(t *testing.T) {
			t.Parallel()
			if got := formatMoney(tc.v, tc.currency, locales["en"]); got != tc.en {
				t.Errorf("en: got %q, want %q", got, tc.en)
			}
			if got := formatMoney(tc.v, tc.currency, locales["fr"]); got != tc.fr {
				t.Errorf("fr: got %q, want %q", got, tc.fr)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in            string
		cell, inline, block string
	}{
		{"plain", "Checkout returns 504", "Checkout returns 504", "Checkout returns 504", "Checkout returns 504"},
		{"trimmed", "  spaced \n", "spaced", "spaced", "spaced"},
		{"pipe", "a | b", `a \| b`, `a \| b`, `a \| b`},
		{"newlines", "one\ntwo\r\nthree\rfour", "one<br>two<br>three<br>four", "one two three four", "one\ntwo\nthree four"},
		{"backticks", "run `make`", "run \\`make\\`", "run \\`make\\`", "run \\`make\\`"},
		{"backslash before pipe", `a\|b`, `a\\\|b`, `a\\\|b`, `a\\\|b`},
		{"heading in block", "fine\n# Root cause: us\n  ## indented", "fine<br># Root cause: us<br>  ## indented", "fine # Root cause: us   ## indented", "fine\n\\# Root cause: us\n  \\## indented"},
		{"accents kept", "Paiement refusé", "Paiement refusé", "Paiement refusé", "Paiement refusé"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := cell(tc.in); got != tc.cell {
				t.Errorf("cell(%q): got %q, want %q", tc.in, got, tc.cell)
			}
			if got := inline(tc.in); got != tc.inline {
				t.Errorf("inline(%q): got %q, want %q", tc.in, got, tc.inline)
			}
			if got := block(tc.in); got != tc.block {
				t.Errorf("block(%q): got %q, want %q", tc.in, got, tc.block)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		want string
	}{
		{0, "0 campaigns"},
		{1, "1 campaign"},
		{2, "2 campaigns"},
	}
	for _, tc := range tests {
		if got := plural(tc.n, "1 campaign", "%d campaigns"); got != tc.want {
			t.Errorf("plural(%d): got %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestStamper(t *testing.T) {
	t.Parallel()
	times := []time.Time{
		at(0),
		at(5),
		at(6 * 60), // 00:02 the next day
		at(6*60 + 1),
		time.Date(2025, 11, 29, 1, 3, 0, 0, time.FixedZone("CET", 3600)), // 00:03 UTC, same day
	}
	want := []string{"2025-11-28 18:02", "18:07", "2025-11-29 00:02", "00:03", "00:03"}
	st := stamper{loc: time.UTC}
	for i, tm := range times {
		if got := string(st.stamp(nil, tm)); got != want[i] {
			t.Errorf("stamp %d: got %q, want %q", i, got, want[i])
		}
	}
}

func TestAds(t *testing.T) {
	t.Parallel()
	p := func(platform string, state incidentbot.PauseState, errMsg string) incidentbot.CampaignPause {
		return incidentbot.CampaignPause{Campaign: incidentbot.Campaign{Platform: platform, ID: "c-" + string(state)}, State: state, Error: errMsg}
	}
	got := ads([]incidentbot.CampaignPause{
		p(incidentbot.AdsTikTok, incidentbot.PausePaused, ""),
		p(incidentbot.AdsTikTok, incidentbot.PauseResuming, ""),
		p(incidentbot.AdsGoogle, incidentbot.PauseResumed, ""),
		p(incidentbot.AdsGoogle, incidentbot.PauseLeftPaused, ""),
		p(incidentbot.AdsGoogle, incidentbot.PausePausing, ""),
		p(incidentbot.AdsMeta, incidentbot.PauseFailed, "token | expired"),
	}, locales["en"])
	wantRows := []platformView{
		{Name: "Google Ads", Paused: 2, Resumed: 1, LeftPaused: 1},
		{Name: "Meta", Failed: 1},
		{Name: "TikTok", Paused: 2},
	}
	if len(got.Platforms) != len(wantRows) {
		t.Fatalf("got %d platforms, want %d: %+v", len(got.Platforms), len(wantRows), got.Platforms)
	}
	for i, w := range wantRows {
		if got.Platforms[i] != w {
			t.Errorf("platform %d: got %+v, want %+v", i, got.Platforms[i], w)
		}
	}
	if got.StillPaused != 2 || got.Unconfirmed != 1 || !got.Any {
		t.Errorf("got still paused %d, unconfirmed %d, any %v; want 2, 1, true", got.StillPaused, got.Unconfirmed, got.Any)
	}
	if len(got.LeftPaused) != 1 || got.LeftPaused[0].Reason != locales["en"].noReason || got.LeftPaused[0].Name != "c-left_paused" {
		t.Errorf("got left paused %+v, want one campaign named by its id with the no-reason text", got.LeftPaused)
	}
	if len(got.Failed) != 1 || got.Failed[0].Reason != `token \| expired` {
		t.Errorf("got failed %+v, want one with the escaped reason", got.Failed)
	}
}

func TestChecklist(t *testing.T) {
	t.Parallel()
	got := checklist([]incidentbot.ChecklistEntry{
		{Position: 1, Text: "Confirm", State: incidentbot.ChecklistDone, By: alice},
		{Position: 2, Text: "Check deploys", State: incidentbot.ChecklistOpen},
		{Position: 3, Text: "Tell customers", State: incidentbot.ChecklistSkipped, By: bruno},
	}, locales["en"])
	want := checklistView{Total: 3, Done: 1, Pending: []checkItemView{
		{Position: 2, Text: "Check deploys"},
		{Position: 3, Text: "Tell customers", Skipped: true, By: "Bruno Petit"},
	}}
	if got.Total != want.Total || got.Done != want.Done || len(got.Pending) != len(want.Pending) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want.Pending {
		if got.Pending[i] != want.Pending[i] {
			t.Errorf("pending %d: got %+v, want %+v", i, got.Pending[i], want.Pending[i])
		}
	}
}

// TestLocalesComplete checks every language names every event kind and
// status English names, so no French draft shows an English word.
func TestLocalesComplete(t *testing.T) {
	t.Parallel()
	en := locales["en"]
	for lang, l := range locales {
		for k := range en.kinds {
			if _, ok := l.kinds[k]; !ok {
				t.Errorf("%s: got no name for event kind %q, want one", lang, k)
			}
		}
		for st := range en.statuses {
			if _, ok := l.statuses[st]; !ok {
				t.Errorf("%s: got no name for status %q, want one", lang, st)
			}
		}
		if templates.Lookup(lang+".md.tmpl") == nil {
			t.Errorf("%s: got no template %s.md.tmpl, want one", lang, lang)
		}
	}
}

func TestKindFallback(t *testing.T) {
	t.Parallel()
	if got, want := locales["fr"].kind("deploy|v2"), `deploy\|v2`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := locales["fr"].kind(incidentbot.EventNote), "note"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWho(t *testing.T) {
	t.Parallel()
	tests := []struct {
		u    incidentbot.User
		want string
	}{
		{alice, "Alice Martin"},
		{incidentbot.User{ID: "U9"}, "<@U9>"},
		{bot, "incidentbot"},
	}
	for _, tc := range tests {
		if got := locales["en"].who(tc.u); got != tc.want {
			t.Errorf("who(%+v): got %q, want %q", tc.u, got, tc.want)
		}
	}
}

// FuzzCell checks that no text can break out of a table cell: no line
// break survives and every pipe is escaped.
func FuzzCell(f *testing.F) {
	for _, s := range []string{"", "a|b", "a\\|b", "x\r\ny", "`code`", "\\", "|||", "é|\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cell(s)
		if strings.ContainsAny(got, "\r\n") {
			t.Fatalf("cell(%q) = %q: got a line break, want none", s, got)
		}
		if n := cells("| " + got + " |"); n != 1 {
			t.Fatalf("cell(%q) = %q: got %d cells, want 1", s, got, n)
		}
	})
}

// FuzzRenderTimeline renders arbitrary event text and checks the timeline
// table keeps one row per event.
func FuzzRenderTimeline(f *testing.F) {
	for _, s := range []string{"ok", "a | b", "line\nbreak", "`", "# heading", "| --- |"} {
		f.Add(s, "Eve")
	}
	f.Fuzz(func(t *testing.T, text, name string) {
		d := minimal()
		d.Timeline = append(d.Timeline, incidentbot.TimelineEvent{At: at(1), Kind: incidentbot.EventNote, Actor: incidentbot.User{Name: name}, Text: text})
		got, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		rows := timelineRows(d.Timeline, locales["en"])
		if n := strings.Count(rows, "\n"); n != 2 {
			t.Fatalf("got %d rows, want 2:\n%s", n, rows)
		}
		for line := range strings.Lines(rows) {
			if n := cells(line); n != 4 {
				t.Fatalf("got %d cells in %q, want 4", n, line)
			}
		}
		if !strings.Contains(got, rows) {
			t.Fatalf("the draft does not contain the timeline rows")
		}
	})
}
