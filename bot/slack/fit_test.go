package slack

import (
	"strings"
	"testing"
	"unicode/utf8"

	"incidentbot"
)

// fitWhole is fit as it was: escape all of s, then cut it as runes. It is
// the reference fit must agree with, and the baseline of BenchmarkFit.
func fitWhole(s string, n int) string {
	e := escape(s)
	if utf8.RuneCountInString(e) <= n {
		return e
	}
	r := []rune(e)
	cut := string(r[:n-1])
	if i := strings.LastIndexAny(cut, "&<"); i >= 0 && !strings.ContainsAny(cut[i:], ";>") {
		cut = cut[:i]
	}
	return cut + "…"
}

// longDraft is a post-mortem-like text of about size bytes, with the
// markup fit must keep or escape.
func longDraft(size int) string {
	const line = "- 12:04 <@U02ALICE5K> restarted the database & checked <https://shop.example/checkout|checkout> <!channel> é\n"
	return strings.Repeat(line, size/len(line)+1)
}

// TestCostFitMatchesWholeText: reading only the head gives what escaping
// the whole text gave, whatever falls at the cut.
func TestCostFitMatchesWholeText(t *testing.T) {
	t.Parallel()
	draft := longDraft(20_000)
	for n := 1; n < 400; n++ {
		if got, want := fit(draft, n), fitWhole(draft, n); got != want {
			t.Fatalf("fit(draft, %d) = %q, want %q", n, got, want)
		}
	}
	for _, s := range []string{"<@U1", "<@U1>", "a <https://x.example/" + strings.Repeat("y", 50) + "|z> b", "&&&&&&&&", "<<<<>>>>"} {
		for n := 1; n < 70; n++ {
			if got, want := fit(s, n), fitWhole(s, n); got != want {
				t.Fatalf("fit(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
	}
}

// FuzzFit: fit agrees with escaping and cutting the whole text.
func FuzzFit(f *testing.F) {
	f.Add("<@U1> & <https://x.example|x> <!here>", 12)
	f.Add(longDraft(400), 100)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n <= 0 || n > 1<<12 || !utf8.ValidString(s) {
			return
		}
		if got, want := fit(s, n), fitWhole(s, n); got != want {
			t.Errorf("fit(%q, %d) = %q, want %q", s, n, got, want)
		}
	})
}

// TestCostFitLongDraft: a 5 MB draft fits one section, and what lies past
// its head changes nothing. What fit allocates is BenchmarkFit's to report
// (-benchmem): the process-wide allocation counters a unit test could read
// also count every parallel test's garbage.
func TestCostFitLongDraft(t *testing.T) {
	t.Parallel()
	draft := longDraft(5 << 20)
	got := fit(draft, maxSectionText)
	if n := utf8.RuneCountInString(got); n > maxSectionText || n < maxSectionText-100 {
		t.Errorf("got %d characters, want at most %d and close to it", n, maxSectionText)
	}
	if head := fit(draft[:64<<10], maxSectionText); got != head {
		t.Errorf("fit of the whole draft differs from fit of its first 64 KiB")
	}
}

// BenchmarkFit cuts a 5 MB draft to one Slack section: fit reads its
// head; escape-all-then-cut (the code before) is the baseline.
func BenchmarkFit(b *testing.B) {
	draft := longDraft(5 << 20)
	for _, bc := range []struct {
		name string
		fit  func(string, int) string
	}{{"head", fit}, {"baseline=whole", fitWhole}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = bc.fit(draft, maxSectionText)
			}
		})
	}
	b.Run("truncate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = incidentbot.Truncate(draft, maxSectionText)
		}
	})
	b.Run("truncate/baseline=runes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = string([]rune(draft)[:maxSectionText-1]) + "…"
		}
	})
}
