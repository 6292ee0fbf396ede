package ads

import (
	"slices"
	"testing"

	"incidentbot"
)

func TestSelectionMatches(t *testing.T) {
	t.Parallel()
	c := func(account, name string, labels ...string) incidentbot.Campaign {
		return incidentbot.Campaign{Platform: "googleads", Account: account, Name: name, Labels: labels}
	}
	tests := []struct {
		name string
		sel  Selection
		c    incidentbot.Campaign
		want bool
	}{
		{"empty selection takes all", Selection{}, c("1", "Anything"), true},
		{"include glob, any case", Selection{Include: []string{"search*"}}, c("1", "SEARCH - Shoes"), true},
		{"include glob misses", Selection{Include: []string{"search*"}}, c("1", "Display - Shoes"), false},
		{"one of several includes", Selection{Include: []string{"display*", "search*"}}, c("1", "Search"), true},
		{"exclude keeps brand serving", Selection{Exclude: []string{"*brand*"}}, c("1", "FR Brand"), false},
		{"exclude wins over include", Selection{Include: []string{"*"}, Exclude: []string{"brand*"}}, c("1", "Brand"), false},
		{"star crosses a slash", Selection{Include: []string{"*sale*"}}, c("1", "FR / Summer sale"), true},
		{"literal slash in glob", Selection{Include: []string{"fr / *"}}, c("1", "FR / Summer sale"), true},
		{"question mark", Selection{Include: []string{"q?"}}, c("1", "Q4"), true},
		{"character class", Selection{Include: []string{"[ab]*"}}, c("1", "Cats"), false},
		{"account listed", Selection{Accounts: []string{"2", "1"}}, c("1", "X"), true},
		{"account not listed", Selection{Accounts: []string{"2"}}, c("1", "X"), false},
		{"google account with dashes", Selection{Accounts: []string{"123-456-7890"}}, c("1234567890", "X"), true},
		{"exclude label keeps brand serving", Selection{ExcludeLabels: []string{"Brand"}}, c("1", "Shoes", "Q4", "brand"), false},
		{"exclude label misses", Selection{ExcludeLabels: []string{"Brand"}}, c("1", "Shoes", "Brand FR"), true},
		{"exclude label on unlabelled", Selection{ExcludeLabels: []string{"Brand"}}, c("1", "Brand"), true},
		{"include label", Selection{IncludeLabels: []string{"sale", "Q4"}}, c("1", "Shoes", "q4"), true},
		{"include label misses", Selection{IncludeLabels: []string{"sale"}}, c("1", "Shoes", "Q4"), false},
		{"include label on unlabelled", Selection{IncludeLabels: []string{"sale"}}, c("1", "Sale"), false},
		{"exclude label wins over include label", Selection{IncludeLabels: []string{"sale"}, ExcludeLabels: []string{"brand"}}, c("1", "X", "Sale", "Brand"), false},
		{"name and label includes both apply", Selection{Include: []string{"search*"}, IncludeLabels: []string{"sale"}}, c("1", "Display", "Sale"), false},
		{"name exclude with label include", Selection{Exclude: []string{"*brand*"}, IncludeLabels: []string{"sale"}}, c("1", "Brand sale", "Sale"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := tc.sel.validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			if got := tc.sel.matches(tc.c); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSelectionValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sel      Selection
		wantCode string
	}{
		{"valid", Selection{Include: []string{"a*"}, Exclude: []string{"[bc]?"}}, ""},
		{"bad include", Selection{Include: []string{"[a"}}, incidentbot.EINVALID},
		{"bad exclude", Selection{Exclude: []string{"x", "\\"}}, incidentbot.EINVALID},
		{"valid labels", Selection{IncludeLabels: []string{"Sale"}, ExcludeLabels: []string{"Brand FR"}}, ""},
		{"glob as label", Selection{ExcludeLabels: []string{"brand*"}}, incidentbot.EINVALID},
		{"blank label", Selection{IncludeLabels: []string{" "}}, incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := incidentbot.ErrorCode(tc.sel.validate()); got != tc.wantCode {
				t.Errorf("got code %q, want %q", got, tc.wantCode)
			}
		})
	}
}

func TestSelectionFrom(t *testing.T) {
	t.Parallel()
	a := incidentbot.PauseAdsParams{Platforms: []string{"meta"}, Accounts: []string{"act_1"},
		Include: []string{"sale*"}, Exclude: []string{"brand*"}, IncludeLabels: []string{"Sale"}, ExcludeLabels: []string{"Brand"}}
	got := SelectionFrom(a)
	a.Platforms[0] = "changed"
	a.ExcludeLabels[0] = "changed"
	want := Selection{Platforms: []string{"meta"}, Accounts: []string{"act_1"}, Include: []string{"sale*"}, Exclude: []string{"brand*"},
		IncludeLabels: []string{"Sale"}, ExcludeLabels: []string{"Brand"}}
	if !slices.Equal(got.Platforms, want.Platforms) || !slices.Equal(got.Accounts, want.Accounts) ||
		!slices.Equal(got.Include, want.Include) || !slices.Equal(got.Exclude, want.Exclude) ||
		!slices.Equal(got.IncludeLabels, want.IncludeLabels) || !slices.Equal(got.ExcludeLabels, want.ExcludeLabels) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func FuzzSelection(f *testing.F) {
	f.Add("search*", "brand*", "FR / Summer sale")
	f.Add("[a-", "", "x")
	f.Add("*sale*", "\\", "Q4 / Black Friday")
	f.Add("fr / *", "[!b]*", "")
	f.Fuzz(func(t *testing.T, include, exclude, name string) {
		sel := Selection{Include: []string{include}, Exclude: []string{exclude}}
		if err := sel.validate(); err != nil {
			if got := incidentbot.ErrorCode(err); got != incidentbot.EINVALID {
				t.Fatalf("got code %q, want %q", got, incidentbot.EINVALID)
			}
			return
		}
		c := incidentbot.Campaign{Name: name}
		if sel.matches(c) && (Selection{Include: []string{exclude}}).matches(c) && exclude != "" {
			t.Fatalf("%q matched both include %q and exclude %q, want exclude to win", name, include, exclude)
		}
		if !(Selection{Include: []string{"*"}}).matches(c) {
			t.Fatalf("* does not match %q", name)
		}
	})
}
