package web

import "incidentbot/i18n"

// text is every word the pages say, in one language.
type text struct {
	Lang, OtherLang, OtherName string
	StatusTitle                string
	OurShop                    string // the shop's name when none is configured
	Languages                  string
	Now                        string
	States                     [4]string // by level
	Explain                    [4]string // by level
	Current, Past, NoPast      string
	Started, Resolved, Since   string
	Impact                     [4]string // by level: what one incident does
	Feed, JSON                 string
	Investigating, Monitoring  string
	ResolvedLabel              string
	Fallback, FallbackResolved string
	SummaryStates              [4]string // by level: the JSON summary's status.description
	Unavailable                string
	// Home page.
	HomeTitle, HomeIntro, ChatOffHeading, ChatOff, ChatOffDemo, ChatOn string
	PublicHeading, StatusLink, FeedLink, JSONLink, BannerLink          string
	BannerMore                                                         string // the site banner's link to the page
}

// texts holds what the public pages say in each language the catalog
// speaks, said once from its web.* messages.
var texts = byLanguage(load)

// byLanguage loads a page's words in each language the catalog speaks.
func byLanguage[T any](load func(lang string) T) map[string]T {
	m := make(map[string]T, len(i18n.Supported))
	for _, lang := range i18n.Supported {
		m[lang] = load(lang)
	}
	return m
}

// levels name the status page's four levels in the catalog, by level.
var levels = [4]string{"operational", "degraded", "partial", "major"}

func load(lang string) text {
	say := func(id string) string { return i18n.T(lang, "web."+id, nil) }
	byLevel := func(group string) (out [4]string) {
		for i, l := range levels {
			out[i] = say(group + "." + l)
		}
		return out
	}
	other := i18n.Default
	for _, l := range i18n.Supported {
		if l != lang {
			other = l
			break
		}
	}
	return text{
		Lang: lang, OtherLang: other, OtherName: i18n.T(other, "web.language_name", nil),
		StatusTitle: say("status_title"), OurShop: say("our_shop"), Languages: say("languages"), Now: say("now"),
		States: byLevel("state"), Explain: byLevel("explain"), Impact: byLevel("impact"),
		Current: say("current"), Past: say("past"), NoPast: say("no_past"),
		Started: say("started"), Resolved: say("resolved"), Since: say("since"),
		Feed: say("feed"), JSON: say("json"),
		Investigating: say("investigating"), Monitoring: say("monitoring"), ResolvedLabel: say("resolved_label"),
		Fallback: say("fallback"), FallbackResolved: say("fallback_resolved"),
		SummaryStates: byLevel("summary_state"), Unavailable: say("unavailable"),
		HomeTitle: say("home_title"), HomeIntro: say("home_intro"),
		ChatOffHeading: say("chat_off_heading"), ChatOff: say("chat_off"), ChatOffDemo: say("chat_off_demo"), ChatOn: say("chat_on"),
		PublicHeading: say("public_heading"), StatusLink: say("status_link"),
		FeedLink: say("feed_link"), JSONLink: say("json_link"), BannerLink: say("banner_link"),
		BannerMore: say("banner_more"),
	}
}

// FeedEntry is an incident's title in the Atom feed:
// "Major outage (Investigating): Checkout is down".
func (t text) FeedEntry(impact, status, name string) string {
	return i18n.T(t.Lang, "web.feed_entry", map[string]any{"Impact": impact, "Status": status, "Name": name})
}
