package commands

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// french are the French words each command also answers to, listed in
// help when the reply is in French. Each works with or without its accents
// ("declarer", "resoudre"); the English names always work.
var french = map[string][]string{
	"declare":      {"déclarer"},
	"status":       {"état", "statut"},
	"update":       {"maj", "point"},
	"ack":          {"pris", "accuser"},
	"sev":          {"sévérité", "gravité"},
	"impact-start": {"début-impact"},
	"check":        {"cocher"},
	"uncheck":      {"décocher"},
	"ads":          {"pubs", "publicités"},
	"send":         {"envoyer"},
	"verify":       {"vérifier"},
	"remind":       {"rappels"},
	"mitigated":    {"atténué"},
	"resolve":      {"résoudre", "résolu"},
	"reopen":       {"rouvrir"},
	"close":        {"clore", "clôturer"},
	"followup":     {"suivi"},
	"retry":        {"relancer"},
	"drill":        {"exercice"},
	"list":         {"liste"},
	"lang":         {"langue"},
	"help":         {"aide"},
}

// fold is how names are compared: lower case, composed, and accents
// dropped, so "Déclarer", "declarer" and a decomposed "de\u0301clarer"
// are one name.
func fold(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
