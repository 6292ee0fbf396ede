package web

import (
	"fmt"
	"time"
)

// text is every word the pages say, in one language.
type text struct {
	Lang, OtherLang, OtherName string
	StatusTitle                string
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
	Months                     [12]string
	// Home page.
	HomeTitle, HomeIntro, ChatOffHeading, ChatOff, ChatOffDemo, ChatOn string
	PublicHeading, StatusLink, FeedLink, JSONLink, BannerLink          string
}

var texts = map[string]text{
	"en": {
		Lang: "en", OtherLang: "fr", OtherName: "Français",
		StatusTitle: "Status",
		Languages:   "Language",
		Now:         "Current status",
		States:      [4]string{"All systems operational", "Degraded service", "Partial outage", "Major outage"},
		Explain: [4]string{
			"The shop is working normally.",
			"Part of the shop is slower or less reliable than usual. We are on it.",
			"Part of the shop is not working. We are on it.",
			"The shop is not working for many customers. We are on it.",
		},
		Current: "Ongoing incidents", Past: "Past 90 days", NoPast: "No incidents in the past 90 days.",
		Started: "Started", Resolved: "Resolved", Since: "Since",
		Impact: [4]string{"Minor issue", "Degraded service", "Partial outage", "Major outage"},
		Feed:   "Atom feed", JSON: "JSON summary",
		Investigating: "Investigating", Monitoring: "Fix applied, monitoring", ResolvedLabel: "Resolved",
		Fallback:         "We are looking into a problem affecting part of our shop and will post an update soon.",
		FallbackResolved: "This problem is resolved. Thank you for your patience.",
		Months:           [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		HomeTitle:        "incidentbot",
		HomeIntro:        "The incident bot for online shops: declare in chat, war room, ads paused and resumed, post-mortem.",
		ChatOffHeading:   "Chat is off",
		ChatOff:          "No chat platform is configured, so nobody can declare incidents yet. To turn chat on, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack) or DISCORD_BOT_TOKEN, DISCORD_APP_ID, DISCORD_PUBLIC_KEY and DISCORD_GUILD_ID (Discord), then restart. README.md explains each step.",
		ChatOffDemo:      "To see these pages with an incident in them, run: incidentbot demo --serve",
		ChatOn:           "Chat is on:",
		PublicHeading:    "Public pages",
		StatusLink:       "Status page for customers",
		FeedLink:         "Atom feed", JSONLink: "JSON summary (Statuspage format)", BannerLink: "Site banner script",
	},
	"fr": {
		Lang: "fr", OtherLang: "en", OtherName: "English",
		StatusTitle: "État du service",
		Languages:   "Langue",
		Now:         "État actuel",
		States:      [4]string{"Tout fonctionne normalement", "Service perturbé", "Panne partielle", "Panne majeure"},
		Explain: [4]string{
			"La boutique fonctionne normalement.",
			"Une partie de la boutique est plus lente ou moins fiable que d'habitude. Nous nous en occupons.",
			"Une partie de la boutique ne fonctionne pas. Nous nous en occupons.",
			"La boutique ne fonctionne pas pour de nombreux clients. Nous nous en occupons.",
		},
		Current: "Incidents en cours", Past: "90 derniers jours", NoPast: "Aucun incident ces 90 derniers jours.",
		Started: "Début", Resolved: "Résolu", Since: "Depuis",
		Impact: [4]string{"Incident mineur", "Service perturbé", "Panne partielle", "Panne majeure"},
		Feed:   "Flux Atom", JSON: "Résumé JSON",
		Investigating: "Analyse en cours", Monitoring: "Correctif appliqué, sous surveillance", ResolvedLabel: "Résolu",
		Fallback:         "Nous analysons un problème qui touche une partie de notre boutique et publierons un point très bientôt.",
		FallbackResolved: "Ce problème est résolu. Merci pour votre patience.",
		Months:           [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		HomeTitle:        "incidentbot",
		HomeIntro:        "Le bot d'incidents des boutiques en ligne : déclaration dans le chat, salle de crise, publicités suspendues puis relancées, post-mortem.",
		ChatOffHeading:   "Le chat est désactivé",
		ChatOff:          "Aucune plateforme de chat n'est configurée : personne ne peut encore déclarer d'incident. Pour activer le chat, définissez SLACK_BOT_TOKEN et SLACK_SIGNING_SECRET (Slack) ou DISCORD_BOT_TOKEN, DISCORD_APP_ID, DISCORD_PUBLIC_KEY et DISCORD_GUILD_ID (Discord), puis redémarrez. README.md détaille chaque étape.",
		ChatOffDemo:      "Pour voir ces pages avec un incident, lancez : incidentbot demo --serve",
		ChatOn:           "Le chat est activé :",
		PublicHeading:    "Pages publiques",
		StatusLink:       "Page d'état pour les clients",
		FeedLink:         "Flux Atom", JSONLink: "Résumé JSON (format Statuspage)", BannerLink: "Script du bandeau pour le site",
	},
}

// when writes a time for people, in UTC: "5 December 2026, 14:02 UTC".
func (t text) When(at time.Time) string {
	at = at.UTC()
	return fmt.Sprintf("%d %s %d, %s UTC", at.Day(), t.Months[at.Month()-1], at.Year(), at.Format("15:04"))
}
