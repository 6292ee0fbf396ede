package views

import (
	"incidentbot"
	"incidentbot/i18n"
)

// Buttons returns the actions that make sense for the incident's status.
// Each ActionID is a command line commands.Parse accepts, with the key, so
// a click from any channel acts on the right incident.
func Buttons(inc *incidentbot.Incident, lang string) []incidentbot.Button {
	k := " " + inc.Key
	l := func(id string) string { return i18n.T(lang, "view.button."+id, nil) }
	ack := incidentbot.Button{ActionID: "ack" + k, Label: l("ack"), Style: incidentbot.ButtonPrimary}
	update := incidentbot.Button{ActionID: "update" + k, Label: l("update")}
	sev := incidentbot.Button{ActionID: "sev" + k, Label: l("sev")}
	pause := incidentbot.Button{ActionID: "ads pause" + k, Label: l("pause"), Style: incidentbot.ButtonDanger}
	resume := incidentbot.Button{ActionID: "ads resume" + k, Label: l("resume")}
	mitigated := incidentbot.Button{ActionID: "mitigated" + k, Label: l("mitigated")}
	resolve := incidentbot.Button{ActionID: "resolve" + k, Label: l("resolve"), Style: incidentbot.ButtonPrimary}
	reopen := incidentbot.Button{ActionID: "reopen" + k, Label: l("reopen")}
	closeB := incidentbot.Button{ActionID: "close" + k, Label: l("close"), Style: incidentbot.ButtonDanger}

	var out []incidentbot.Button
	if inc.AcknowledgedAt == nil && inc.Status.Open() {
		out = append(out, ack)
	}
	switch inc.Status {
	case incidentbot.StatusInvestigating:
		out = append(out, update, sev, pause, mitigated, resolve)
	case incidentbot.StatusMitigated:
		// The site works again for customers: the ads can buy clicks again.
		out = append(out, update, sev, resume, resolve)
	case incidentbot.StatusResolved:
		out = append(out, resume, reopen, closeB)
	}
	return out
}
