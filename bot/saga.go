package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/views"
)

// The war-room saga: one job per step. A step enqueues the steps after it
// in the transaction that completes it, and first checks whether its
// effect is already there, so a re-run after a crash repeats nothing. Once
// the roles are known, invite, topic and welcome go in parallel: the war
// room is ready after create, roles, welcome and pin, not after all six.
var saga = map[string][]string{
	kindCreateChannel: {kindAssignRoles},
	kindAssignRoles:   {kindInvite, kindTopic, kindWelcome},
	kindWelcome:       {kindPinWelcome},
}

const maxChannelName = 80

// next returns the saga steps after the job's, when the job is a saga step:
// its key ends with the step name (the same kinds also run outside the
// saga, under keys such as "topic/<n>").
func (e *Engine) next(inc *incidentbot.Incident, job incidentbot.Job) []incidentbot.Job {
	if !strings.HasSuffix(job.Key, "/"+job.Kind) {
		return nil
	}
	var out []incidentbot.Job
	for _, step := range saga[job.Kind] {
		j, err := incidentbot.NewJob(inc, step, step, nil, e.now())
		if err != nil {
			return nil
		}
		out = append(out, j)
	}
	return out
}

// channelName renders the playbook's channel template and keeps what every
// platform accepts: lowercase a-z 0-9 - _, at most 80 characters.
func channelName(pb *incidentbot.Playbook, inc *incidentbot.Incident) string {
	tmpl := pb.Channel
	if tmpl == "" {
		tmpl = incidentbot.DefaultChannelTemplate
	}
	raw, err := incidentbot.RenderTemplate("channel", tmpl, inc)
	if err != nil {
		raw = strings.ToLower(inc.Key) + "-" + incidentbot.Slug(inc.Title)
	}
	if inc.Drill {
		raw = "drill-" + raw
	}
	name := strings.Trim(incidentbot.ChannelName(raw, maxChannelName), "_")
	if name == "" {
		name = strings.ToLower(inc.Key)
	}
	return name
}

func (e *Engine) createChannel(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	next := e.next(inc, job)
	if inc.WarRoom != "" {
		return func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{Jobs: next}, nil
		}, nil
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	// The key as purpose lets a create retried after a crash find its channel.
	// The topic waits for the roles (its own step): one call instead of two.
	ch, err := chat.CreateChannel(ctx, channelName(pb, inc), incidentbot.ChannelOptions{
		Private: pb.Private,
		Purpose: inc.Key,
	})
	if err != nil {
		return nil, fmt.Errorf("create war room: %w", err)
	}
	e.logger.InfoContext(ctx, "war room created", "incident", inc.Key, "channel", ch.ID)
	return func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		if inc.WarRoom != "" {
			return incidentbot.Change{Jobs: next}, nil
		}
		inc.WarRoom = ch.ID
		opened := i18n.T(e.lang(inc), "engine.saga.opened", map[string]any{"Channel": ch.Name})
		return incidentbot.Change{
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Text: opened, At: e.now()}},
			Jobs:   next,
		}, nil
	}, nil
}

// assignRoles gives each playbook role its people at declaration. A spec
// nobody matches is noted on the timeline, not a failure: the commander
// assigns that role by hand.
func (e *Engine) assignRoles(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	current, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	now, lang := e.now(), e.lang(inc)
	var ch incidentbot.Change
	for _, r := range pb.Roles {
		if r.Assign == "" || len(holders(current, r.Name)) > 0 {
			continue
		}
		var users []incidentbot.User
		if r.Assign == incidentbot.AssignDeclarer {
			if inc.DeclaredBy.ID == "" {
				// Declared by an alert, not a person: the role waits for one.
				ch.Events = append(ch.Events, incidentbot.TimelineEvent{
					Kind: incidentbot.EventNote, At: now,
					Text: i18n.T(lang, "engine.saga.role_waits", map[string]any{"By": inc.DeclaredBy.Name, "Role": r.Name}),
				})
				continue
			}
			users = []incidentbot.User{inc.DeclaredBy}
		} else {
			users, err = chat.ResolveUsers(ctx, r.Assign)
			if incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE {
				return nil, err
			}
			if err != nil || len(users) == 0 {
				ch.Events = append(ch.Events, incidentbot.TimelineEvent{
					Kind: incidentbot.EventNote, At: now,
					Text: i18n.T(lang, "engine.saga.nobody_matches", map[string]any{"Spec": r.Assign, "Role": r.Name}),
				})
				continue
			}
		}
		ch.Roles = append(ch.Roles, incidentbot.RoleChange{Role: r.Name, Users: users, At: now})
		ch.Events = append(ch.Events, roleEvent(lang, r.Name, users, incidentbot.User{}, now))
	}
	ch.Jobs = e.next(inc, job)
	return func(*incidentbot.Incident) (incidentbot.Change, error) { return ch, nil }, nil
}

// roleEvent is the timeline entry of a role given, written in lang.
func roleEvent(lang, role string, users []incidentbot.User, by incidentbot.User, at time.Time) incidentbot.TimelineEvent {
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Name
	}
	return incidentbot.TimelineEvent{
		Kind:  incidentbot.EventRoleAssigned,
		Actor: by,
		At:    at,
		Text:  i18n.T(lang, "engine.saga.role", map[string]any{"Role": role, "Names": strings.Join(names, ", ")}),
	}
}

// invitePayload names the people to invite; none means the saga's list:
// the declarer, every role holder and the playbook's invites.
type invitePayload struct {
	UserIDs []string `json:"user_ids,omitempty"`
}

func (e *Engine) invite(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	if inc.WarRoom == "" {
		return nil, e.warRoomNotReady(ctx, inc)
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	var p invitePayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	var notes []incidentbot.TimelineEvent
	ids := p.UserIDs
	if len(ids) == 0 {
		ids, notes, err = e.sagaInvitees(ctx, chat, inc)
		if err != nil {
			return nil, err
		}
	}
	if len(ids) > 0 {
		if err := chat.Invite(ctx, inc.WarRoom, ids); err != nil {
			if incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE {
				return nil, err
			}
			// One unknown user must not keep the others out: invite them one by one.
			for _, id := range ids {
				if err := chat.Invite(ctx, inc.WarRoom, []string{id}); err != nil {
					if incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE {
						return nil, err
					}
					notes = append(notes, incidentbot.TimelineEvent{Kind: incidentbot.EventNote, At: e.now(),
						Text: i18n.T(e.lang(inc), "engine.saga.invite_user", map[string]any{"User": id, "Error": i18n.ErrorMessage(e.lang(inc), err)})})
				}
			}
		}
	}
	next := e.next(inc, job)
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Events: notes, Jobs: next}, nil
	}, nil
}

// sagaInvitees lists the declarer, the role holders and the playbook's
// invites, once each, in that order.
func (e *Engine) sagaInvitees(ctx context.Context, chat incidentbot.Chat, inc *incidentbot.Incident) ([]string, []incidentbot.TimelineEvent, error) {
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, nil, err
	}
	roles, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	add := func(id string) {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	add(inc.DeclaredBy.ID)
	for _, r := range roles {
		add(r.User.ID)
	}
	var notes []incidentbot.TimelineEvent
	for _, spec := range pb.Invite {
		users, err := chat.ResolveUsers(ctx, spec)
		if incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE {
			return nil, nil, err
		}
		if err != nil {
			notes = append(notes, incidentbot.TimelineEvent{Kind: incidentbot.EventNote, At: e.now(),
				Text: i18n.T(e.lang(inc), "engine.saga.invite_spec", map[string]any{"Spec": spec, "Error": i18n.ErrorMessage(e.lang(inc), err)})})
			continue
		}
		for _, u := range users {
			add(u.ID)
		}
	}
	return ids, notes, nil
}

func (e *Engine) topic(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	if inc.WarRoom == "" {
		return nil, e.warRoomNotReady(ctx, inc)
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	roles, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	commander := ""
	if c := holders(roles, incidentbot.RoleCommander); len(c) > 0 {
		commander = c[0].Name
	}
	if err := chat.SetTopic(ctx, inc.WarRoom, views.Topic(inc, commander, e.lang(inc))); err != nil {
		return nil, fmt.Errorf("set topic: %w", err)
	}
	next := e.next(inc, job)
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Jobs: next}, nil
	}, nil
}

func (e *Engine) welcome(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	return e.postOnce(ctx, job, inc, incidentbot.MessageWelcome, e.next(inc, job), func() (incidentbot.Message, error) {
		st, err := e.status(ctx, inc)
		if err != nil {
			return incidentbot.Message{}, err
		}
		return views.Welcome(st, e.now(), e.lang(inc)), nil
	})
}

// postOnce posts the incident's message for purpose in the war room unless
// it was posted already, saving its reference with the job's completion;
// then come the next jobs.
func (e *Engine) postOnce(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident, purpose string, next []incidentbot.Job, build func() (incidentbot.Message, error)) (complete, error) {
	if _, err := e.store.Message(ctx, inc.ID, purpose); err == nil {
		return func(*incidentbot.Incident) (incidentbot.Change, error) { return incidentbot.Change{Jobs: next}, nil }, nil
	} else if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
		return nil, err
	}
	if inc.WarRoom == "" {
		return nil, e.warRoomNotReady(ctx, inc)
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	m, err := build()
	if err != nil {
		return nil, err
	}
	ref, err := e.postMarked(ctx, chat, job, inc.WarRoom, m)
	if err != nil {
		return nil, fmt.Errorf("post %s: %w", purpose, err)
	}
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{
			Messages: []incidentbot.SavedMessage{{Purpose: purpose, Ref: ref}},
			Jobs:     next,
		}, nil
	}, nil
}

// postMarked posts m in channel for job with the job's marker, so that a
// later run of the same job finds the message instead of posting again:
// the store counts a run (Attempts) when it hands out the job, before the
// call, so a run after the first may follow one whose post went out but
// whose completion was never recorded (a crash, the database down).
func (e *Engine) postMarked(ctx context.Context, chat incidentbot.Chat, job incidentbot.Job, channel string, m incidentbot.Message) (incidentbot.MessageRef, error) {
	if m.EphemeralTo != "" {
		return chat.Post(ctx, channel, m)
	}
	ref, _, err := e.postOrFind(ctx, chat, channel, m, marker(job.Key), job.Attempts > 1)
	return ref, err
}

// postOrFind posts m with marker in channel; when look is set, an earlier
// attempt may have posted it, so the channel's recent history is read
// first and a message found there is the answer (found).
func (e *Engine) postOrFind(ctx context.Context, chat incidentbot.Chat, channel string, m incidentbot.Message, marker string, look bool) (ref incidentbot.MessageRef, found bool, err error) {
	m.Marker = marker
	if look {
		ref, err := chat.FindPost(ctx, channel, marker)
		if err == nil {
			e.logger.InfoContext(ctx, "post found from an earlier attempt, not posted again", "channel", channel, "marker", marker)
			return ref, true, nil
		}
		if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			return incidentbot.MessageRef{}, false, err
		}
	}
	ref, err = chat.Post(ctx, channel, m)
	return ref, false, err
}

// marker is the marker of the messages posted for name (a job key, unique
// in the store): a digest short enough for a Discord nonce (25).
func marker(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "ib-" + hex.EncodeToString(sum[:11])
}

// pinWelcome pins the welcome message; pinning is idempotent on every platform.
func (e *Engine) pinWelcome(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	ref, err := e.store.Message(ctx, inc.ID, incidentbot.MessageWelcome)
	if err != nil {
		return nil, fmt.Errorf("welcome message: %w", err)
	}
	if err := chat.Pin(ctx, ref); err != nil {
		return nil, fmt.Errorf("pin welcome: %w", err)
	}
	return nil, nil
}

// warRoomNotReady is the error of a job that needs the war room before the
// saga made it: retried shortly, unless the saga failed to create it, which
// the job then reports as its own failure.
func (e *Engine) warRoomNotReady(ctx context.Context, inc *incidentbot.Incident) error {
	jobs, err := e.store.Jobs(ctx, inc.ID)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if j.Kind == kindCreateChannel && j.State == incidentbot.JobFailed {
			return errNoWarRoom
		}
	}
	return errWarRoomNotReady
}

// errNoWarRoom says the war room could not be created, so nothing can be posted there.
var errNoWarRoom = i18n.Errorf(incidentbot.EINVALID, "engine.saga.no_war_room", nil)
