package bot

import (
	"context"
	"fmt"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/postmortem"
)

// postmortem renders the draft and posts it in the war room, once; the
// archive follows when the playbook says so.
func (e *Engine) postmortem(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	pb, err := e.playbook(inc)
	if err != nil {
		return nil, err
	}
	j := e.jobsFor(inc)
	if pb.ArchiveOnClose {
		j.add(kindArchive, kindArchive, nil)
	}
	if err := e.reviewReminder(ctx, j, inc, pb); err != nil {
		return nil, err
	}
	if j.err != nil {
		return nil, j.err
	}
	return e.postOnce(ctx, job, inc, incidentbot.MessagePostmortem, j.out, func() (incidentbot.Message, error) {
		md, err := e.render(ctx, inc)
		if err != nil {
			return incidentbot.Message{}, err
		}
		return postmortemMessage(e.lang(inc), inc, md), nil
	})
}

// shareDraft renders the draft and posts it whole, as a file, in the
// channel where /incident postmortem was typed (the war room when none).
func (e *Engine) shareDraft(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	var p postPayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	channel := p.Channel
	if channel == "" {
		if inc.WarRoom == "" {
			return nil, e.warRoomNotReady(ctx, inc)
		}
		channel = inc.WarRoom
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	md, err := e.render(ctx, inc)
	if err != nil {
		return nil, err
	}
	if _, err := e.postMarked(ctx, chat, job, channel, postmortemMessage(e.lang(inc), inc, md)); err != nil {
		return nil, fmt.Errorf("share post-mortem: %w", err)
	}
	return nil, nil
}

// postmortemMessage is the draft delivered whole as a Markdown file, with a
// short summary beside it in lang: chat messages cut long text.
func postmortemMessage(lang string, inc *incidentbot.Incident, md string) incidentbot.Message {
	name := incidentbot.PostmortemFileName(inc.Key)
	lines := strings.Count(md, "\n") + 1
	key := map[string]any{"Key": inc.Key}
	return incidentbot.Message{
		Title:  drillLabel(lang, inc, i18n.T(lang, "incident.postmortem.title", key)),
		Text:   i18n.N(lang, "incident.postmortem.text", lines, map[string]any{"File": name, "Lines": i18n.Int(lang, lines)}),
		Footer: i18n.T(lang, "incident.postmortem.footer", key),
		File:   &incidentbot.File{Name: name, Content: md},
	}
}

// render builds the post-mortem draft from the stored incident.
func (e *Engine) render(ctx context.Context, inc *incidentbot.Incident) (string, error) {
	st, err := e.status(ctx, inc)
	if err != nil {
		return "", err
	}
	timeline, err := e.store.Timeline(ctx, inc.ID)
	if err != nil {
		return "", err
	}
	followUps, err := e.store.FollowUps(ctx, inc.ID)
	if err != nil {
		return "", err
	}
	md, err := postmortem.Render(postmortem.Data{
		FollowUps:        followUps,
		Incident:         inc,
		Playbook:         st.Playbook,
		Roles:            st.Roles,
		Timeline:         timeline,
		Checklist:        st.Checklist,
		Pauses:           st.Pauses,
		RevenuePerMinute: e.cfg.RevenuePerMinute,
		Currency:         e.cfg.Currency,
		Profile:          e.cfg.RevenueProfile,
		Location:         e.cfg.Location,
		Now:              e.now(),
		Language:         e.lang(inc),
	})
	if err != nil {
		return "", fmt.Errorf("render post-mortem: %w", err)
	}
	return md, nil
}

// archive archives the war room once the post-mortem is posted, when the
// playbook says so.
func (e *Engine) archive(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	if inc.WarRoom == "" {
		return nil, nil
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	if err := chat.Archive(ctx, inc.WarRoom); err != nil {
		return nil, fmt.Errorf("archive war room: %w", err)
	}
	return nil, nil
}
