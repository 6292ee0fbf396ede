package postmortem

import (
	"fmt"
	"strconv"
	"strings"

	"incidentbot"
)

// locale holds the words the Go code writes; the templates hold the rest.
type locale struct {
	thousands, decimal string
	days               func(d, h int64) string
	hours              func(h, m int64) string
	minutes            func(m int64) string
	seconds            func(s int64) string
	kinds              map[incidentbot.EventKind]string
	outcomes           map[incidentbot.EventKind]string // how an action ended, in "Actions and their results"
	noOutcome          string                           // an action started with nothing recorded since
	at                 string                           // before the time an action ended: " at "
	statuses           map[incidentbot.Status]string
	colon              string    // between a label and its detail
	bot                string    // who did what the bot did on its own
	noReason           string    // a campaign left paused or failed without a recorded reason
	weekdays           [7]string // by time.Weekday, for the revenue profile's hours
	percent            string    // after a percentage: "%", or " %" in French
	longDays           [7]string // by time.Weekday, for the review date
	channel            string    // "channel", before a war room's id
	types              map[incidentbot.FollowUpType]string
	done               string // after a follow-up done
}

var locales = map[string]*locale{
	"en": {
		thousands: ",",
		decimal:   ".",
		days:      func(d, h int64) string { return fmt.Sprintf("%dd %dh", d, h) },
		hours:     func(h, m int64) string { return fmt.Sprintf("%dh %02dm", h, m) },
		minutes:   func(m int64) string { return fmt.Sprintf("%dm", m) },
		seconds:   func(s int64) string { return fmt.Sprintf("%ds", s) },
		kinds: map[incidentbot.EventKind]string{
			incidentbot.EventDeclared:        "declared",
			incidentbot.EventAcknowledged:    "acknowledged",
			incidentbot.EventStatusUpdate:    "status update",
			incidentbot.EventNote:            "note",
			incidentbot.EventRoleAssigned:    "role",
			incidentbot.EventSeverityChanged: "severity",
			incidentbot.EventStatusChanged:   "status",
			incidentbot.EventActionStarted:   "action started",
			incidentbot.EventActionSucceeded: "action succeeded",
			incidentbot.EventActionFailed:    "action failed",
			incidentbot.EventActionSkipped:   "skipped",
			incidentbot.EventActionHeld:      "held",
			incidentbot.EventAdsPaused:       "ads paused",
			incidentbot.EventAdsResumed:      "ads resumed",
			incidentbot.EventAlertFired:      "alert fired",
			incidentbot.EventAlertResolved:   "alert resolved",
			incidentbot.EventProbeResult:     "probe",
			incidentbot.EventPinned:          "pinned",
			incidentbot.EventReminder:        "reminder",
			incidentbot.EventChecklist:       "checklist",
		},
		statuses: map[incidentbot.Status]string{
			incidentbot.StatusInvestigating: "investigating",
			incidentbot.StatusMitigated:     "mitigated",
			incidentbot.StatusResolved:      "resolved",
			incidentbot.StatusClosed:        "closed",
		},
		outcomes: map[incidentbot.EventKind]string{
			incidentbot.EventActionSucceeded: "done",
			incidentbot.EventActionFailed:    "failed",
			incidentbot.EventActionSkipped:   "skipped",
			incidentbot.EventActionHeld:      "held for confirmation",
			incidentbot.EventProbeResult:     "result",
		},
		noOutcome: "no result recorded yet",
		at:        " at ",
		colon:     ": ",
		bot:       "incidentbot",
		noReason:  "no reason recorded: check the campaign on the platform",
		weekdays:  [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		percent:   "%",
		longDays:  [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		channel:   "channel",
		types: map[incidentbot.FollowUpType]string{incidentbot.FollowUpPrevent: "prevent", incidentbot.FollowUpDetect: "detect",
			incidentbot.FollowUpMitigate: "mitigate", incidentbot.FollowUpProcess: "process"},
		done: " (done)",
	},
	"fr": {
		thousands: "\u00a0",
		decimal:   ",",
		days:      func(d, h int64) string { return fmt.Sprintf("%d j %d h", d, h) },
		hours:     func(h, m int64) string { return fmt.Sprintf("%d h %02d min", h, m) },
		minutes:   func(m int64) string { return fmt.Sprintf("%d min", m) },
		seconds:   func(s int64) string { return fmt.Sprintf("%d s", s) },
		kinds: map[incidentbot.EventKind]string{
			incidentbot.EventDeclared:        "déclaration",
			incidentbot.EventAcknowledged:    "prise en charge",
			incidentbot.EventStatusUpdate:    "point d'étape",
			incidentbot.EventNote:            "note",
			incidentbot.EventRoleAssigned:    "rôle",
			incidentbot.EventSeverityChanged: "sévérité",
			incidentbot.EventStatusChanged:   "statut",
			incidentbot.EventActionStarted:   "action lancée",
			incidentbot.EventActionSucceeded: "action réussie",
			incidentbot.EventActionFailed:    "action échouée",
			incidentbot.EventActionSkipped:   "action ignorée",
			incidentbot.EventActionHeld:      "en attente",
			incidentbot.EventAdsPaused:       "publicités en pause",
			incidentbot.EventAdsResumed:      "publicités relancées",
			incidentbot.EventAlertFired:      "alerte",
			incidentbot.EventAlertResolved:   "alerte terminée",
			incidentbot.EventProbeResult:     "sonde",
			incidentbot.EventPinned:          "épinglé",
			incidentbot.EventReminder:        "rappel",
			incidentbot.EventChecklist:       "checklist",
		},
		statuses: map[incidentbot.Status]string{
			incidentbot.StatusInvestigating: "en cours d'analyse",
			incidentbot.StatusMitigated:     "atténué",
			incidentbot.StatusResolved:      "résolu",
			incidentbot.StatusClosed:        "clos",
		},
		outcomes: map[incidentbot.EventKind]string{
			incidentbot.EventActionSucceeded: "terminée",
			incidentbot.EventActionFailed:    "échouée",
			incidentbot.EventActionSkipped:   "ignorée",
			incidentbot.EventActionHeld:      "en attente de confirmation",
			incidentbot.EventProbeResult:     "résultat",
		},
		noOutcome: "pas encore de résultat",
		at:        " à ",
		colon:     " : ",
		bot:       "incidentbot",
		noReason:  "aucune raison enregistrée : vérifiez la campagne sur la plateforme",
		weekdays:  [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
		percent:   "\u00a0%",
		longDays:  [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		channel:   "salon",
		types: map[incidentbot.FollowUpType]string{incidentbot.FollowUpPrevent: "prévenir", incidentbot.FollowUpDetect: "détecter",
			incidentbot.FollowUpMitigate: "atténuer", incidentbot.FollowUpProcess: "processus"},
		done: " (fait)",
	},
}

// kind names an event kind in the locale; a kind added later shows as
// stored, escaped since it comes from the database.
func (l *locale) kind(k incidentbot.EventKind) string {
	if s, ok := l.kinds[k]; ok {
		return s
	}
	return inline(string(k))
}

// status names an incident status in the locale.
func (l *locale) status(s incidentbot.Status) string {
	if v, ok := l.statuses[s]; ok {
		return v
	}
	return string(s)
}

// plural picks the singular or the plural form for n; a "%d" in the form
// is replaced by n. Templates call it.
func plural(n int, one, other string) string {
	form := other
	if n == 1 {
		form = one
	}
	return strings.ReplaceAll(form, "%d", strconv.Itoa(n))
}

// who names the person behind an event; the bot has no user id.
func (l *locale) who(u incidentbot.User) string {
	switch {
	case u.Name != "":
		return u.Name
	case u.ID != "":
		return u.Mention()
	default:
		return l.bot
	}
}
