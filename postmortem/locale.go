package postmortem

import (
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// locale holds the words the Go code writes, looked up once per language
// from the catalog (a draft names thousands of events); the templates hold
// the rest.
type locale struct {
	lang      string
	kinds     map[incidentbot.EventKind]string
	outcomes  map[incidentbot.EventKind]string // how an action ended, in "Actions and their results"
	noOutcome string                           // an action started with nothing recorded since
	at        string                           // before the time an action ended: " at "
	statuses  map[incidentbot.Status]string
	colon     string // between a label and its detail
	noReason  string // a campaign left paused or failed without a recorded reason
	channel   string // "channel", before a war room's id
	types     map[incidentbot.FollowUpType]string
	done      string // after a follow-up done
	// impactStarted is the text of the impact start's timeline row.
	impactStarted string
	// loc is where times are shown: BOT_TIMEZONE, set per draft; UTC here.
	loc *time.Location
}

// bot names who did what the bot did on its own, in every language.
const botName = "incidentbot"

var locales = func() map[string]*locale {
	m := make(map[string]*locale, len(i18n.Supported))
	for _, lang := range i18n.Supported {
		m[lang] = newLocale(lang)
	}
	return m
}()

func newLocale(lang string) *locale {
	t := func(id string) string { return i18n.T(lang, id, nil) }
	l := &locale{
		lang:      lang,
		loc:       time.UTC,
		kinds:     map[incidentbot.EventKind]string{},
		outcomes:  map[incidentbot.EventKind]string{},
		statuses:  map[incidentbot.Status]string{},
		types:     map[incidentbot.FollowUpType]string{},
		noOutcome: t("postmortem.no_outcome"),
		at:        t("postmortem.at"),
		colon:     t("format.colon"),
		noReason:  t("postmortem.no_reason"),
		channel:   t("postmortem.channel"),
		done:      t("postmortem.done"),

		impactStarted: t("postmortem.impact_started.text"),
	}
	l.kinds[impactStarted] = t("postmortem.impact_started.kind")
	for _, k := range []incidentbot.EventKind{
		incidentbot.EventDeclared, incidentbot.EventAcknowledged, incidentbot.EventStatusUpdate, incidentbot.EventNote,
		incidentbot.EventRoleAssigned, incidentbot.EventSeverityChanged, incidentbot.EventStatusChanged,
		incidentbot.EventActionStarted, incidentbot.EventActionSucceeded, incidentbot.EventActionFailed,
		incidentbot.EventActionSkipped, incidentbot.EventActionHeld, incidentbot.EventAdsPaused, incidentbot.EventAdsResumed,
		incidentbot.EventAlertFired, incidentbot.EventAlertResolved, incidentbot.EventProbeResult, incidentbot.EventPinned,
		incidentbot.EventReminder, incidentbot.EventChecklist,
	} {
		l.kinds[k] = t("event." + string(k))
	}
	for _, k := range []incidentbot.EventKind{
		incidentbot.EventActionSucceeded, incidentbot.EventActionFailed, incidentbot.EventActionSkipped,
		incidentbot.EventActionHeld, incidentbot.EventProbeResult,
	} {
		l.outcomes[k] = t("postmortem.outcome." + string(k))
	}
	for _, s := range []incidentbot.Status{incidentbot.StatusInvestigating, incidentbot.StatusMitigated, incidentbot.StatusResolved, incidentbot.StatusClosed} {
		l.statuses[s] = t("status." + string(s))
	}
	for _, f := range []incidentbot.FollowUpType{incidentbot.FollowUpPrevent, incidentbot.FollowUpDetect, incidentbot.FollowUpMitigate, incidentbot.FollowUpProcess} {
		l.types[f] = t("followup_type." + string(f))
	}
	return l
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
		return botName
	}
}
