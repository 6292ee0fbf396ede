package views

import "incidentbot"

// Buttons returns the actions that make sense for the incident's status.
// Each ActionID is a command line commands.Parse accepts, with the key, so
// a click from any channel acts on the right incident.
func Buttons(inc *incidentbot.Incident) []incidentbot.Button {
	k := " " + inc.Key
	ack := incidentbot.Button{ActionID: "ack" + k, Label: "Acknowledge", Style: incidentbot.ButtonPrimary}
	update := incidentbot.Button{ActionID: "update" + k, Label: "Post update"}
	sev := incidentbot.Button{ActionID: "sev" + k, Label: "Change severity"}
	pause := incidentbot.Button{ActionID: "ads pause" + k, Label: "Pause ads", Style: incidentbot.ButtonDanger}
	resume := incidentbot.Button{ActionID: "ads resume" + k, Label: "Resume ads"}
	mitigated := incidentbot.Button{ActionID: "mitigated" + k, Label: "Mitigated"}
	resolve := incidentbot.Button{ActionID: "resolve" + k, Label: "Resolve", Style: incidentbot.ButtonPrimary}
	reopen := incidentbot.Button{ActionID: "reopen" + k, Label: "Reopen"}
	closeB := incidentbot.Button{ActionID: "close" + k, Label: "Close", Style: incidentbot.ButtonDanger}

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
