package bot

import (
	"context"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/postmortem"
)

// reviewReminderHour is when, in BOT_TIMEZONE, the commander is reminded
// of the post-mortem review, on the working day before it.
const reviewReminderHour = 9

// reviewReminder schedules, as a durable post, the reminder of the
// post-mortem review the draft names: the working day before it, in the
// war room, or where the incident was declared when the playbook archives
// the war room on close.
func (e *Engine) reviewReminder(ctx context.Context, j *jobs, inc *incidentbot.Incident, pb *incidentbot.Playbook) error {
	if inc.ClosedAt == nil || inc.Drill {
		return nil
	}
	loc := e.location()
	review := postmortem.ReviewDate(*inc.ClosedAt, loc)
	day := review.AddDate(0, 0, -1)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, -1)
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), reviewReminderHour, 0, 0, 0, loc)
	roles, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return err
	}
	var who []string
	for _, r := range roles {
		if strings.EqualFold(r.Role, incidentbot.RoleCommander) {
			who = append(who, r.User.Mention())
		}
	}
	if len(who) == 0 {
		who = append(who, inc.DeclaredBy.Mention())
	}
	channel := ""
	if pb.ArchiveOnClose || inc.WarRoom == "" {
		channel = inc.OriginChannel
	}
	lang := e.lang(inc)
	date := i18n.T(lang, "incident.review.date", map[string]any{
		"Weekday": i18n.Weekday(lang, review.Weekday(), true), "Day": review.Day(), "Month": i18n.Month(lang, review.Month()), "Year": review.Year(),
	})
	msg := incidentbot.Message{
		Title: i18n.T(lang, "incident.review.title", map[string]any{"Key": inc.Key, "Date": date}),
		Text: i18n.T(lang, "incident.review.text", map[string]any{
			"Who": strings.Join(who, ", "), "Key": inc.Key, "Title": inc.Title, "Date": date,
		}),
	}
	j.at(kindPost, "post/review-reminder", postPayload{Channel: channel, Message: msg}, at.UTC())
	return nil
}
