package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"incidentbot"
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
	loc := e.cfg.Location
	if loc == nil {
		loc = time.UTC
	}
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
	msg := incidentbot.Message{
		Title: "Post-mortem review of " + inc.Key + " " + review.Format("Monday 2006-01-02"),
		Text: fmt.Sprintf("%s: the review of %s (%s) is on %s. Book the meeting, send the draft (/incident postmortem %s) and collect the follow-ups (/incident followup list %s).",
			strings.Join(who, ", "), inc.Key, inc.Title, review.Format("Monday 2006-01-02"), inc.Key, inc.Key),
	}
	j.at(kindPost, "post/review-reminder", postPayload{Channel: channel, Message: msg}, at.UTC())
	return nil
}
