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
		return incidentbot.WrapError(incidentbot.EINTERNAL, err, "The %s job has an unreadable payload.", job.Kind)
	}
	return nil
}

// describe says, for a job that gave up, what did not happen and what people
// can do instead.
func describe(job incidentbot.Job) (what, byHand string) {
	switch job.Kind {
	case kindCreateChannel:
		return "create the war room", "Create a channel by hand, invite the responders, and use the incident key in commands."
	case kindAssignRoles:
		return "assign the playbook roles", "Assign them with /incident role <role> @person."
	case kindInvite:
		return "invite the responders", "Invite them to this channel by hand."
	case kindTopic:
		return "set the channel topic", "Set it by hand if you need it; /incident status shows the same."
	case kindWelcome, kindPinWelcome:
		return "post the welcome message", "Run /incident status to see the incident at a glance."
	case kindRedrawWelcome:
		return "update the welcome message", "Run /incident status to see the incident at a glance."
	case kindSummary:
		return "update the manager summary", "Post a short summary in the summary channel by hand."
	case kindReminder, kindAdsReminder:
		return "send a reminder", "Keep posting updates with /incident update <text>."
	case kindPostmortem, kindShareDraft:
		return "post the post-mortem draft", "Run /incident postmortem to get it."
	case kindArchive:
		return "archive the war room", "Archive the channel by hand."
	case kindExport:
		return "file the follow-ups in the tracker", "Fix what this says, then run /incident followup export; /incident followup list shows which have a ticket."
	case kindAction, kindProbe:
		var p actionPayload
		if decode(job, &p) == nil {
			return describeAction(p.Action)
		}
		return "run a playbook action", "Check the playbook and do the step by hand."
	}
	return "post a message", "Check the incident with /incident status."
}

// enqueue adds jobs outside any incident change (the incident write
// already happened) and wakes a worker.
func (e *Engine) enqueue(ctx context.Context, jobs ...incidentbot.Job) error {
	if err := e.store.EnqueueJobs(ctx, jobs...); err != nil {
		return fmt.Errorf("enqueue jobs: %w", err)
	}
	e.nudge()
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
