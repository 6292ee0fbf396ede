package incidentbot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestChannelName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"inc-42-checkout-down", "inc-42-checkout-down"},
		{"INC-42 Checkout returns 504!", "inc-42-checkout-returns-504"},
		{"  Café  crème  ", "caf-cr-me"},
		{"snake_case__ok", "snake_case__ok"},
		{"!!!", ""},
		{"___", ""},
		{strings.Repeat("ab-", 40), strings.Repeat("ab-", 26) + "ab"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := ChannelName(tc.in, 80); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestChannelNameTry(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 80)
	for _, tc := range []struct {
		base string
		n    int
		want string
	}{
		{"inc-1", 1, "inc-1"},
		{"inc-1", 2, "inc-1-2"},
		{long, 12, strings.Repeat("x", 77) + "-12"},
	} {
		if got := ChannelNameTry(tc.base, tc.n, 80); got != tc.want {
			t.Errorf("ChannelNameTry(%q, %d): got %q, want %q", tc.base, tc.n, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"abcd", 1, "…"},
		{"abcd", 0, ""},
		{"éèêë", 4, "éèêë"},
		{"éèêëa", 4, "éèê…"},
		{"日本語のテキスト", 5, "日本語の…"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := Truncate(tc.in, tc.n); got != tc.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}

// FuzzTruncate: Truncate agrees with cutting the whole text as runes.
func FuzzTruncate(f *testing.F) {
	f.Add("abcdef", 3)
	f.Add("éèêëa", 4)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n <= 0 || n > 1<<16 || !utf8.ValidString(s) {
			return
		}
		want := s
		if r := []rune(s); len(r) > n {
			want = string(r[:n-1]) + "…"
		}
		if got := Truncate(s, n); got != want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", s, n, got, want)
		}
	})
}
