package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/views"
)

// Status returns the one-screen state of an incident.
func (e *Engine) Status(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.IncidentStatus, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	return e.status(ctx, inc)
}

// List returns one page of the actor's workspace's incidents: the open
// ones, or all of them, open ones first.
func (e *Engine) List(ctx context.Context, actor incidentbot.Actor, q incidentbot.ListQuery) (*incidentbot.IncidentPage, error) {
	if err := inWorkspace(actor); err != nil {
		return nil, err
	}
	page := max(q.Page, 1)
	incs, total, err := e.store.ListIncidents(ctx, actor.Platform, actor.Workspace, q.All, (page-1)*incidentbot.ListPerPage, incidentbot.ListPerPage)
	if err != nil {
		return nil, err
	}
	return &incidentbot.IncidentPage{Incidents: incs, Page: page, PerPage: incidentbot.ListPerPage, Total: total}, nil
}

// OpenByDedupeKeys returns the open incidents of the actor's workspace
// holding any of keys, by key.
func (e *Engine) OpenByDedupeKeys(ctx context.Context, actor incidentbot.Actor, keys []string) (map[string]*incidentbot.Incident, error) {
	if err := inWorkspace(actor); err != nil {
		return nil, err
	}
	found, err := e.store.OpenIncidentsByDedupeKeys(ctx, actor.Platform, actor.Workspace, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*incidentbot.Incident, len(found))
	for _, inc := range found {
		out[inc.DedupeKey] = inc
	}
	return out, nil
}

// rule says who may make a change, and whether a closed incident takes it.
type rule struct {
	right  right
	verb   string // what they do, for a refusal ("resolve"); "" lets anyone of the workspace
	closed bool   // a closed incident takes it too
}

// anyone lets every member of the incident's workspace change it while it
// is not closed.
var anyone = rule{}

// commander lets only the commanders do what verb says (anyone, while
// nobody holds the role).
func commander(verb string) rule { return rule{right: rightCommand, verb: verb} }

// allow checks r on inc and its roles: nobody may change a closed incident
// (unless r says so), and only then are rights decided.
func (e *Engine) allow(actor incidentbot.Actor, inc *incidentbot.Incident, roles []incidentbot.RoleAssignment, r rule) error {
	if !r.closed {
		if err := notClosed(inc); err != nil {
			return err
		}
	}
	if r.verb == "" {
		return nil
	}
	return authorize(actor, inc, roles, r.right, r.verb, e.cfg.AdsAdmins)
}

// permit checks r on the incident as it stands now, for a command that
// writes nothing, or that must not call out (resolve users, list
// campaigns) for someone refused. A write checks again under the lock.
func (e *Engine) permit(ctx context.Context, actor incidentbot.Actor, inc *incidentbot.Incident, r rule) error {
	var roles []incidentbot.RoleAssignment
	if r.verb != "" {
		var err error
		if roles, err = e.store.Roles(ctx, inc.ID); err != nil {
			return err
		}
	}
	return e.allow(actor, inc, roles, r)
}

// update is the path of a command that changes an incident: the key is
// resolved to an id once, within the actor's workspace, then locked runs
// fn, whose events it stores.
func (e *Engine) update(ctx context.Context, actor incidentbot.Actor, key string, r rule, fn func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error)) (*incidentbot.Incident, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	return e.locked(ctx, actor, inc.ID, r, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		events, err := fn(inc, j)
		return incidentbot.Change{Events: events}, err
	})
}

// locked is one unit of work of a command on incident id: under the
// store's lock, on the incident and its roles as they stand there, it
// checks r, then fn changes inc and describes the rest of the Change; the
// jobs fn adds and the redraws go with it and wake a worker. Nothing the
// write depends on is read before the lock, so a close or a commander
// change that commits first is seen, and one that comes after waits. An
// error writes nothing.
func (e *Engine) locked(ctx context.Context, actor incidentbot.Actor, id int64, r rule, fn func(inc *incidentbot.Incident, roles []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	apply := func(inc *incidentbot.Incident, roles []incidentbot.RoleAssignment) (incidentbot.Change, error) {
		if err := e.allow(actor, inc, roles, r); err != nil {
			return incidentbot.Change{}, err
		}
		j := e.jobsFor(inc)
		closed := inc.Status == incidentbot.StatusClosed
		ch, err := fn(inc, roles, j)
		if err != nil {
			return incidentbot.Change{}, err
		}
		if !closed {
			j.redraw() // as withRedraws does for updateByID
		}
		ch.Jobs = append(ch.Jobs, j.out...)
		return ch, j.err
	}
	var inc *incidentbot.Incident
	var err error
	if r.verb == "" {
		// Nobody's rights to decide: the roles are not read.
		inc, err = e.store.UpdateIncident(ctx, id, func(inc *incidentbot.Incident) (incidentbot.Change, error) { return apply(inc, nil) })
	} else {
		inc, err = e.store.UpdateIncidentWithRoles(ctx, id, apply)
	}
	if err != nil {
		return nil, err
	}
	e.nudge()
	return inc, nil
}

// updateByID is the engine's own write (a job's record), where no
// person's rights apply; a command goes through update or locked. Every
// change also redraws the welcome and the summary (withRedraws).
func (e *Engine) updateByID(ctx context.Context, id int64, fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	inc, err := e.store.UpdateIncident(ctx, id, e.withRedraws(fn))
	if err != nil {
		return nil, err
	}
	e.nudge()
	return inc, nil
}

// textLength refuses an update or a note longer than one chat message holds.
func textLength(what, text string) error {
	if n := utf8.RuneCountInString(text); n > incidentbot.MaxUpdateText {
		return incidentbot.Errorf(incidentbot.EINVALID, "The %s is %d characters long; keep it under %d, or split it in two.", what, n, incidentbot.MaxUpdateText)
	}
	return nil
}

// notClosed is the one answer every command that writes gives on a closed
// incident (ads resume aside: it ends a pause the close left behind).
func notClosed(inc *incidentbot.Incident) error {
	if inc.Status == incidentbot.StatusClosed {
		return incidentbot.Errorf(incidentbot.EINVALID, "%s is closed: nothing can change it now. Declare a new incident if the problem is back.", inc.Key)
	}
	return nil
}

// errAlreadyAcknowledged stops a repeated ack under the lock; Acknowledge
// then says who acknowledged and when.
var errAlreadyAcknowledged = incidentbot.Errorf(incidentbot.ECONFLICT, "The incident is already acknowledged: nothing changed.")

// Acknowledge records that someone is on it; only the first counts, and a
// repeat says who was first and when.
func (e *Engine) Acknowledge(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error) {
	var acked *incidentbot.Incident
	inc, err := e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if inc.AcknowledgedAt != nil {
			acked = inc
			return nil, errAlreadyAcknowledged
		}
		now := e.now()
		inc.AcknowledgedAt = &now
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventAcknowledged, Actor: actor.User, At: now, Text: actor.User.Name + " acknowledged."}}, nil
	})
	if !errors.Is(err, errAlreadyAcknowledged) {
		return inc, err
	}
	inc = acked
	acks, err := e.store.EventsOfKind(ctx, inc.ID, incidentbot.EventAcknowledged)
	if err != nil {
		return nil, err
	}
	by := "someone"
	if len(acks) > 0 {
		by = acks[0].Actor.Name
	}
	return nil, incidentbot.Errorf(incidentbot.ECONFLICT, "%s was already acknowledged by %s %s: nothing changed.", inc.Key, by, e.when(*inc.AcknowledgedAt))
}

// when says at what time something happened and how long ago, for a reply.
func (e *Engine) when(t time.Time) string {
	s := "at " + t.UTC().Format("15:04 UTC")
	if ago := e.now().Sub(t); ago >= time.Minute {
		s += " (" + views.Duration(ago) + " ago)"
	}
	return s
}

// PostUpdate records a status update, resets the reminder, and tells the
// war room and the managers.
func (e *Engine) PostUpdate(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Say what changed, e.g. /incident update Database restarted, checkout recovering.")
	}
	if err := textLength("update", text); err != nil {
		return nil, err
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		now := e.now()
		inc.LastUpdateAt = &now
		e.schedule(inc, j, now.Add(pb.Cadence(inc.Severity)), pb.Cadence(inc.Severity) > 0 && !inc.RemindersOff)
		// Posted even when typed in the war room: a slash command is seen
		// only by the person who typed it.
		j.add(kindPost, "post/update/"+e.seq(), postPayload{Message: incidentbot.Message{
			Title: "Update from " + actor.User.Name, Text: drillLabel(inc, text), Severity: inc.Severity,
		}})
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusUpdate, Actor: actor.User, At: now, Text: text}}, nil
	})
}

// schedule sets the next status-update reminder to at, or clears it when
// on is false, and enqueues the reminder job for it.
func (e *Engine) schedule(inc *incidentbot.Incident, j *jobs, at time.Time, on bool) {
	if !on || !inc.Status.Open() {
		inc.NextReminderAt = nil
		return
	}
	inc.NextReminderAt = &at
	reminderJob(j, at)
}

// AssignRole gives a playbook role to the people userSpec names and invites
// them to the war room.
func (e *Engine) AssignRole(ctx context.Context, actor incidentbot.Actor, key, role, userSpec string) ([]incidentbot.RoleAssignment, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	if err := notClosed(inc); err != nil {
		return nil, err
	}
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	r, ok := pb.Role(role)
	if !ok {
		names := make([]string, len(pb.Roles))
		for i, r := range pb.Roles {
			names[i] = r.Name
		}
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Unknown role %q. Roles in the %s playbook: %s.", role, pb.Name, strings.Join(names, ", "))
	}
	// Checked before the users are looked up on the chat platform, then
	// again under the lock, where it holds.
	may := rule{right: rightRoles, verb: "assign roles in"}
	if err := e.permit(ctx, actor, inc, may); err != nil {
		return nil, err
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	users, err := chat.ResolveUsers(ctx, userSpec)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Nobody matches %q. Name a person, e.g. /incident role %s @alice.", userSpec, r.Name)
	}
	_, err = e.locked(ctx, actor, inc.ID, may, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		now := e.now()
		ids := make([]string, 0, len(users))
		for _, u := range users {
			ids = append(ids, u.ID)
		}
		j.add(kindInvite, "invite/"+e.seq(), invitePayload{UserIDs: ids})
		if r.Name == incidentbot.RoleCommander {
			j.add(kindTopic, "topic/"+e.seq(), nil)
		}
		return incidentbot.Change{
			Roles:  []incidentbot.RoleChange{{Role: r.Name, Users: users, By: actor.User, At: now}},
			Events: []incidentbot.TimelineEvent{roleEvent(r.Name, users, actor.User, now)},
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.store.Roles(ctx, inc.ID)
}

// SetSeverity changes the severity: topic, summary and reminder cadence
// follow, and on_declare actions that now apply (pause ads when a sev3
// becomes a sev1) start.
func (e *Engine) SetSeverity(ctx context.Context, actor incidentbot.Actor, key string, sev incidentbot.Severity) (*incidentbot.Incident, error) {
	if !sev.Valid() {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Unknown severity. Use sev1 (site down) to sev4 (minor).")
	}
	return e.update(ctx, actor, key, commander("change the severity of"), func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if inc.Severity == sev {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "%s is already %s.", inc.Key, sev.Label())
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		old := inc.Severity
		inc.Severity = sev
		now := e.now()
		cadence := pb.Cadence(sev)
		if pb.Cadence(old) != cadence {
			e.schedule(inc, j, now.Add(cadence), cadence > 0 && !inc.RemindersOff)
		}
		if inc.Status.Open() {
			var newly []incidentbot.Action
			for _, a := range pb.OnDeclare {
				if a.When.Holds(sev) && !a.When.Holds(old) {
					newly = append(newly, a)
				}
			}
			actionJobs(j, "sev/"+e.seq(), newly, sev, nil)
		}
		j.add(kindTopic, "topic/"+e.seq(), nil)
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventSeverityChanged, Actor: actor.User, At: now,
			Text: fmt.Sprintf("Severity %s → %s", old.Label(), sev.Label())}}, nil
	})
}

// AddNote adds a note to the timeline.
func (e *Engine) AddNote(ctx context.Context, actor incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Write the note after the command, e.g. /incident note Rolled back deploy 1234.")
	}
	if err := textLength("note", text); err != nil {
		return nil, err
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: e.now(), Text: text}}, nil
	})
}

// Record adds an event observed by an adapter, at its own time (now when
// unset), and posts the announcement to the war room when there is one.
func (e *Engine) Record(ctx context.Context, actor incidentbot.Actor, key string, ev incidentbot.TimelineEvent, announce *incidentbot.Message) (*incidentbot.Incident, error) {
	if ev.Kind == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "An event needs a kind.")
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if ev.At.IsZero() {
			ev.At = e.now()
		}
		if ev.Actor == (incidentbot.User{}) {
			ev.Actor = actor.User
		}
		if announce != nil {
			j.add(kindPost, "record/"+e.seq(), postPayload{Message: *announce})
		}
		return []incidentbot.TimelineEvent{ev}, nil
	})
}

// SetStatus moves the incident along its lifecycle. Resolve runs the
// on_resolve actions; close posts the post-mortem draft, archives the war
// room when the playbook says so, and warns loudly about ads still paused.
func (e *Engine) SetStatus(ctx context.Context, actor incidentbot.Actor, key string, to incidentbot.Status, summary string) (*incidentbot.Incident, error) {
	verb := map[incidentbot.Status]string{
		incidentbot.StatusMitigated:     "mark as mitigated",
		incidentbot.StatusResolved:      "resolve",
		incidentbot.StatusClosed:        "close",
		incidentbot.StatusInvestigating: "reopen",
	}[to]
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	// The pauses are the ad jobs' to change, never under the incident's
	// lock: the close warns about those still paused as it starts.
	var pauses []incidentbot.CampaignPause
	if to == incidentbot.StatusClosed {
		if pauses, err = e.store.Pauses(ctx, inc.ID); err != nil {
			return nil, err
		}
	}
	return e.locked(ctx, actor, inc.ID, commander(verb), func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		// Rights came first: someone who may not close gets told so and
		// who can, not why closing would not work yet.
		if err := incidentbot.CheckTransition(inc.Status, to); err != nil {
			return incidentbot.Change{}, err
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return incidentbot.Change{}, err
		}
		now := e.now()
		from := inc.Status
		inc.Status = to
		text := fmt.Sprintf("%s → %s", from, to)
		events := []incidentbot.TimelineEvent{}
		switch to {
		case incidentbot.StatusMitigated:
			inc.MitigatedAt = &now
		case incidentbot.StatusResolved:
			inc.ResolvedAt = &now
			if s := strings.TrimSpace(summary); s != "" {
				inc.Summary = s
				text += ": " + s
			}
			actionJobs(j, "resolve/"+e.seq(), pb.OnResolve, inc.Severity, nil)
		case incidentbot.StatusClosed:
			inc.ClosedAt = &now
			if warn := adsStillPaused(inc, pauses); warn != "" {
				events = append(events, incidentbot.TimelineEvent{Kind: incidentbot.EventReminder, At: now, Text: warn})
				msg := incidentbot.Message{Title: "⚠ " + inc.Key + " closed with ads still paused", Text: warn, Severity: incidentbot.SEV1}
				j.add(kindPost, "post/ads-still-paused", postPayload{Message: msg})
				if ch := e.cfg.SummaryChannels[inc.Platform]; ch != "" {
					j.add(kindPost, "post/ads-still-paused/summary", postPayload{Channel: ch, Message: msg})
				}
				next := now.Add(adsReminderEvery)
				j.at(kindAdsReminder, fmt.Sprintf("ads_reminder/%d", next.Unix()), nil, next)
			}
			if e.tracker != nil && !inc.Drill {
				j.add(kindExport, kindExport, nil) // the draft follows, with the ticket links
			} else {
				j.add(kindPostmortem, kindPostmortem, nil)
			}
		case incidentbot.StatusInvestigating:
			// The fix did not hold: the clock of mitigation and resolution restarts.
			inc.MitigatedAt, inc.ResolvedAt = nil, nil
		}
		if from.Open() != to.Open() {
			e.schedule(inc, j, now.Add(pb.Cadence(inc.Severity)), pb.Cadence(inc.Severity) > 0 && !inc.RemindersOff)
		}
		j.add(kindTopic, "topic/"+e.seq(), nil)
		events = append([]incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusChanged, Actor: actor.User, At: now, Text: text}}, events...)
		return incidentbot.Change{Events: events}, nil
	})
}

// Ads pauses or resumes campaigns by hand (as a job: the result follows in
// the war room) or reports where the pause stands.
func (e *Engine) Ads(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.AdsOp, platform string) (*incidentbot.IncidentStatus, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	if op == incidentbot.AdsStatus {
		return e.status(ctx, inc)
	}
	may, err := adsRule(op)
	if err != nil {
		return nil, err
	}
	inc, err = e.locked(ctx, actor, inc.ID, may, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		a, err := e.adsAction(op, platform)
		if err != nil {
			return incidentbot.Change{}, err
		}
		j.add(kindAction, "ads/"+string(op)+"/"+e.seq(), actionPayload{Phase: "manual", Action: a, By: actor.User})
		return incidentbot.Change{}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.status(ctx, inc)
}

// AdsPreview lists the serving campaigns a manual "ads pause" on platform
// ("" for all) would pause now, with the same checks as Ads, so the person
// confirms knowing how many. It changes nothing; campaigns another open
// incident already paused are not in the list.
func (e *Engine) AdsPreview(ctx context.Context, actor incidentbot.Actor, key, platform string) (*incidentbot.Incident, []incidentbot.Campaign, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, nil, err
	}
	may, err := adsRule(incidentbot.AdsPause)
	if err != nil {
		return nil, nil, err
	}
	if err := e.permit(ctx, actor, inc, may); err != nil {
		return nil, nil, err
	}
	a, err := e.adsAction(incidentbot.AdsPause, platform)
	if err != nil {
		return nil, nil, err
	}
	pause, _ := a.Params.(incidentbot.PauseAdsParams)
	rep, err := e.ads.Preview(ctx, inc, ads.SelectionFrom(pause))
	if err != nil {
		return nil, nil, err
	}
	out := make([]incidentbot.Campaign, len(rep.Paused))
	for i, p := range rep.Paused {
		out[i] = p.Campaign
	}
	return inc, out, nil
}

// adsRule is who may run op (pause or resume) by hand: the commander, the
// comms lead or an ads admin; a resume also after the close, to end a
// pause the close left behind.
func adsRule(op incidentbot.AdsOp) (rule, error) {
	may := rule{right: rightAds, verb: string(op) + " the ads of", closed: op == incidentbot.AdsResume}
	if op != incidentbot.AdsPause && op != incidentbot.AdsResume {
		return may, incidentbot.Errorf(incidentbot.EINVALID, "Unknown ads command %q. Use /incident ads pause, resume or status.", op)
	}
	return may, nil
}

// adsAction is the action op runs on platform ("" for all), once that is
// known to be configured.
func (e *Engine) adsAction(op incidentbot.AdsOp, platform string) (incidentbot.Action, error) {
	var a incidentbot.Action
	if e.ads == nil {
		return a, incidentbot.Errorf(incidentbot.EINVALID, "No ad platform is configured: set the GOOGLE_ADS_*, META_ADS_*, MICROSOFT_ADS_* or TIKTOK_ADS_* variables and restart the bot.")
	}
	var platforms []string // none: all configured
	if platform != "" {
		known := e.ads.Platforms()
		if !slices.Contains(known, platform) {
			return a, incidentbot.Errorf(incidentbot.EINVALID, "No ad platform %q is configured. Configured: %s.", platform, strings.Join(known, ", "))
		}
		platforms = []string{platform}
	}
	if op == incidentbot.AdsPause {
		a.Params = incidentbot.PauseAdsParams{Platforms: platforms}
	} else {
		a.Params = incidentbot.ResumeAdsParams{Platforms: platforms}
	}
	return a, nil
}

// Verify runs the outside-in probe now, as a job.
func (e *Engine) Verify(ctx context.Context, actor incidentbot.Actor, key, url string) (*incidentbot.Incident, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	// Each check may wait for a site that never answers: a cap per incident
	// keeps one chat from filling the probe workers (and from using the bot
	// to hammer a host).
	limit := incidentbot.RateLimit{Scope: "verify/" + strconv.FormatInt(inc.ID, 10), Max: e.cfg.VerifyLimit, Window: e.cfg.VerifyWindow}
	out, err := e.locked(ctx, actor, inc.ID, anyone, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		site, trusted, err := e.verifySite(inc, url)
		if err != nil {
			return incidentbot.Change{}, err
		}
		j.add(kindProbe, "verify/"+e.seq(), actionPayload{Phase: "manual", Action: incidentbot.Action{Params: site}, By: actor.User, Trusted: trusted})
		if e.cfg.VerifyLimit > 0 {
			return incidentbot.Change{Limits: []incidentbot.RateLimit{limit}}, nil
		}
		return incidentbot.Change{}, nil
	})
	var rl *incidentbot.RateLimitError
	if errors.As(err, &rl) && rl.Limit == limit {
		return nil, incidentbot.WrapError(incidentbot.EFORBIDDEN, err,
			"%s was checked from outside %d times in the last %d minutes, the most allowed; the results follow in the war room. Try again in %d s.",
			inc.Key, limit.Max, int(limit.Window/time.Minute), int((rl.Wait+time.Second-1)/time.Second))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// verifySite is the check /incident verify [url] runs on inc: the URL
// typed, or else the playbook's, or else SHOP_URL; trusted unless typed in chat.
func (e *Engine) verifySite(inc *incidentbot.Incident, url string) (incidentbot.VerifySiteParams, bool, error) {
	if e.prober == nil {
		return incidentbot.VerifySiteParams{}, false, incidentbot.Errorf(incidentbot.EINVALID, "Outside-in checks are not configured yet on this bot. Check the site from another network or browser meanwhile.")
	}
	site := incidentbot.VerifySiteParams{URL: strings.TrimSpace(url)}
	trusted := site.URL == ""
	if trusted {
		pb, err := e.playbook(inc)
		if err != nil {
			return site, false, err
		}
		for _, v := range pb.OnDeclare {
			if p, ok := v.Params.(incidentbot.VerifySiteParams); ok {
				site = p
				break
			}
		}
	}
	if site.URL == "" {
		site.URL = e.cfg.ShopURL
	}
	if site.URL == "" {
		return site, false, incidentbot.Errorf(incidentbot.EINVALID, "No site to check: SHOP_URL is not set and the %s playbook names none. Give one, e.g. /incident verify https://www.your-shop.com/, or set SHOP_URL.", inc.Type)
	}
	return site, trusted, nil
}

// Check marks a checklist item (1-based) done, or open again.
func (e *Engine) Check(ctx context.Context, actor incidentbot.Actor, key string, item int, done bool) (*incidentbot.ChecklistEntry, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	// Refused before the list is read, and again under the lock.
	if err := e.permit(ctx, actor, inc, anyone); err != nil {
		return nil, err
	}
	list, err := e.store.Checklist(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(list, func(c incidentbot.ChecklistEntry) bool { return c.Position == item })
	if i < 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "There is no checklist item %d: %s has %d. /incident status shows them.", item, inc.Key, len(list))
	}
	entry := list[i]
	switch {
	case done && entry.State == incidentbot.ChecklistDone:
		by := ""
		if entry.By.Name != "" {
			by = " by " + entry.By.Name
		}
		if entry.At != nil {
			by += " " + e.when(*entry.At)
		}
		return nil, incidentbot.Errorf(incidentbot.ECONFLICT, "Item %d was already done%s: nothing changed.", entry.Position, by)
	case !done && entry.State == incidentbot.ChecklistOpen:
		return nil, incidentbot.Errorf(incidentbot.ECONFLICT, "Item %d is already open: nothing changed.", entry.Position)
	}
	now := e.now()
	entry.State, entry.By, entry.At = incidentbot.ChecklistDone, actor.User, &now
	mark := "✓"
	if !done {
		entry.State, mark = incidentbot.ChecklistOpen, "☐"
	}
	_, err = e.locked(ctx, actor, inc.ID, anyone, func(*incidentbot.Incident, []incidentbot.RoleAssignment, *jobs) (incidentbot.Change, error) {
		return incidentbot.Change{
			Checklist: []incidentbot.ChecklistEntry{entry},
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventChecklist, Actor: actor.User, At: now,
				Text: fmt.Sprintf("%s %d. %s", mark, entry.Position, entry.Text)}},
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return &entry, nil
}

const maxSnooze = 24 * time.Hour

// Remind switches status-update reminders on or off, or snoozes them for d.
func (e *Engine) Remind(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.RemindOp, d time.Duration) (*incidentbot.Incident, error) {
	if op == incidentbot.RemindSnooze && (d < time.Minute || d > maxSnooze) {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Snooze for 1m to 24h, e.g. /incident remind snooze 30m.")
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		if !inc.Status.Open() {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "%s is %s: there are no reminders to change.", inc.Key, inc.Status)
		}
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		now := e.now()
		cadence := pb.Cadence(inc.Severity)
		var text string
		switch op {
		case incidentbot.RemindOn:
			if cadence <= 0 {
				return nil, incidentbot.Errorf(incidentbot.EINVALID, "The %s playbook asks for no updates at %s. Raise the severity, or snooze instead to get one reminder.", pb.Name, inc.Severity.Label())
			}
			inc.RemindersOff = false
			e.schedule(inc, j, now.Add(cadence), true)
			text = fmt.Sprintf("Reminders on, every %s.", cadence)
		case incidentbot.RemindOff:
			inc.RemindersOff = true
			e.schedule(inc, j, now, false)
			text = "Reminders off."
		case incidentbot.RemindSnooze:
			inc.RemindersOff = false
			e.schedule(inc, j, now.Add(d), true)
			text = fmt.Sprintf("Reminders snoozed for %s.", d)
		default:
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "Unknown reminder switch %q. Use /incident remind on, off or snooze 30m.", op)
		}
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventReminder, Actor: actor.User, At: now, Text: text}}, nil
	})
}

// Postmortem queues the draft: a job renders it from the whole timeline
// and posts it as a file in the channel the command came from. Rendering
// tens of thousands of events never runs inside a command's answer.
func (e *Engine) Postmortem(ctx context.Context, actor incidentbot.Actor, key string) (*incidentbot.Incident, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	job, err := incidentbot.NewJob(inc, kindShareDraft, "postmortem/share/"+e.seq(), postPayload{Channel: actor.ChannelID}, e.now())
	if err != nil {
		return nil, err
	}
	if err := e.enqueue(ctx, job); err != nil {
		return nil, err
	}
	return inc, nil
}
