package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Job kinds. A job's key says which instance it is ("summary/declared",
// "action/declare/0"); its kind says which handler runs it.
const (
	kindCreateChannel = "create_channel"
	kindAssignRoles   = "assign_roles"
	kindInvite        = "invite"
	kindTopic         = "topic"
	kindWelcome       = "welcome"
	kindPinWelcome    = "pin_welcome"
	kindSummary       = "summary"
	kindRedrawWelcome = "redraw_welcome"
	kindAction        = "action"
	kindPost          = "post"
	kindNotice        = "notice" // a post about a job that failed; its own failure is not announced again
	kindReminder      = "reminder"
	kindAdsReminder   = "ads_reminder"
	kindPostmortem    = "postmortem"
	kindShareDraft    = "share_postmortem" // /incident postmortem: the draft, as a file, where it was asked for
	kindArchive       = "archive"
	kindRecheck       = "recheck"
	kindProbe         = "probe" // an action that checks from outside: verify_site, check_providers
)

func (e *Engine) jobHandlers() map[string]handler {
	return map[string]handler{
		kindCreateChannel: e.createChannel,
		kindAssignRoles:   e.assignRoles,
		kindInvite:        e.invite,
		kindTopic:         e.topic,
		kindWelcome:       e.welcome,
		kindPinWelcome:    e.pinWelcome,
		kindSummary:       e.summary,
		kindRedrawWelcome: e.redrawWelcome,
		kindAction:        e.action,
		kindPost:          e.post,
		kindNotice:        e.post,
		kindReminder:      e.reminder,
		kindAdsReminder:   e.adsReminder,
		kindPostmortem:    e.postmortem,
		kindShareDraft:    e.shareDraft,
		kindArchive:       e.archive,
		kindRecheck:       e.recheck,
		kindProbe:         e.action,
		kindExport:        e.exportFollowUps,
	}
}

func decode(job incidentbot.Job, v any) error {
	if len(job.Payload) == 0 {
		return nil
	}
	if err := json.Unmarshal(job.Payload, v); err != nil {
		return i18n.Wrap(incidentbot.EINTERNAL, err, "engine.job.payload", map[string]any{"Kind": job.Kind})
	}
	return nil
}

// describe says, for a job that gave up, what did not happen and what people
// can do instead, in lang.
func describe(lang string, job incidentbot.Job) (what, byHand string) {
	switch job.Kind {
	case kindAction, kindProbe:
		var p actionPayload
		if decode(job, &p) == nil {
			return describeAction(lang, p.Action)
		}
	}
	return texts(lang, "engine.job."+jobText(job.Kind)+".", nil)
}

// jobText names the texts of a job kind in the catalog (engine.job.<name>):
// kinds that do the same thing share them.
func jobText(kind string) string {
	switch kind {
	case kindCreateChannel, kindAssignRoles, kindInvite, kindTopic, kindWelcome, kindRedrawWelcome,
		kindSummary, kindReminder, kindPostmortem, kindArchive, kindExport, kindAction:
		return kind
	case kindPinWelcome:
		return kindWelcome
	case kindAdsReminder:
		return kindReminder
	case kindShareDraft:
		return kindPostmortem
	case kindProbe:
		return kindAction
	}
	return kindPost
}

// texts says what a job or an action does and how to do it by hand:
// the catalog's prefix+"what" and prefix+"by_hand" (prefix ends in a dot).
func texts(lang, prefix string, data map[string]any) (what, byHand string) {
	return i18n.T(lang, prefix+"what", data), i18n.T(lang, prefix+"by_hand", data)
}

// enqueue adds jobs outside any incident change (the incident write
// already happened) and wakes a worker.
func (e *Engine) enqueue(ctx context.Context, jobs ...incidentbot.Job) error {
	if err := e.store.EnqueueJobs(ctx, jobs...); err != nil {
		return fmt.Errorf("enqueue jobs: %w", err)
	}
	e.nudge(jobs)
	return nil
}

// jobs builds jobs for an incident, collecting marshalling errors.
type jobs struct {
	e   *Engine
	inc *incidentbot.Incident
	out []incidentbot.Job
	err error
}

func (e *Engine) jobsFor(inc *incidentbot.Incident) *jobs { return &jobs{e: e, inc: inc} }

func (j *jobs) add(kind, key string, payload any) *jobs {
	return j.at(kind, key, payload, j.e.now())
}

func (j *jobs) at(kind, key string, payload any, runAt time.Time) *jobs {
	job, err := incidentbot.NewJob(j.inc, kind, key, payload, runAt)
	if err != nil {
		j.err = errors.Join(j.err, fmt.Errorf("job %s: %w", key, err))
		return j
	}
	j.out = append(j.out, job)
	return j
}

// seq returns a suffix that tells repeated jobs of one incident apart
// ("summary/sev/<n>"). Commands are never retried, so each call is new work:
// the clock, the engine's random id and a counter keep keys unique across
// replicas and restarts, even under a fixed test clock.
func (e *Engine) seq() string {
	return strconv.FormatInt(e.now().Unix(), 10) + "-" + e.nonce + "-" + strconv.FormatUint(e.counter.Add(1), 10)
}

// localKey is a job's key without its incident part ("INC-42/" or, for
// jobs enqueued at declaration, "declare-<id>/"): the base for the keys of
// the jobs it leads to.
func localKey(job incidentbot.Job) string {
	_, k, _ := strings.Cut(job.Key, "/")
	return k
}
