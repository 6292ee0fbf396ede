package bot

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/postmortem"
	"incidentbot/store"
)

// longIncident stores an incident with n timeline events, a status update
// every 100th, the rest notes, one every 10 seconds.
func longIncident(b *testing.B, db *store.DB, n int) *incidentbot.Incident {
	b.Helper()
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	inc := &incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Type: "site-outage",
		Platform: incidentbot.PlatformConsole, Workspace: "console", DeclaredAt: start}
	if err := db.CreateIncident(ctx, inc, incidentbot.Change{}); err != nil {
		b.Fatal(err)
	}
	evs := make([]incidentbot.TimelineEvent, n)
	for i := range evs {
		kind, text := incidentbot.EventNote, fmt.Sprintf("Note %d: checkout p99 at %d ms", i, 800+i%300)
		if i%100 == 0 {
			kind, text = incidentbot.EventStatusUpdate, fmt.Sprintf("Update %d: rollback in progress", i)
		}
		evs[i] = incidentbot.TimelineEvent{Kind: kind, At: start.Add(time.Duration(i) * 10 * time.Second), Actor: alice, Text: text}
	}
	if _, err := db.UpdateIncident(ctx, inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Events: evs}, nil
	}); err != nil {
		b.Fatal(err)
	}
	return inc
}

// BenchmarkLongTimeline measures, on an incident of 50,000 events, what
// /incident status costs and what the post-mortem job costs (render:
// read, build, Markdown), beside the code before: status scanning the
// whole timeline for the last update, and the post-mortem reading it
// twice (status, then the draft) inside the command's answer.
func BenchmarkLongTimeline(b *testing.B) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		b.Run(dbName, func(b *testing.B) {
			var db *store.DB
			if dbName == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
			}
			eng, err := New(Config{}, Deps{
				Store:     db,
				Playbooks: playbooks.Defaults(),
				Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: console.NewChat(nil, console.DefaultDirectory())},
				Logger:    slog.New(slog.DiscardHandler),
			})
			if err != nil {
				b.Fatal(err)
			}
			inc := longIncident(b, db, 50_000)
			ctx := context.Background()
			who := actor(alice, console.GeneralChannelID)
			// statusBefore is status as it was: the whole timeline read,
			// searched from the end for the last update.
			statusBefore := func() *incidentbot.TimelineEvent {
				st, err := eng.Status(ctx, who, inc.Key)
				if err != nil {
					b.Fatal(err)
				}
				tl, err := db.Timeline(ctx, inc.ID)
				if err != nil {
					b.Fatal(err)
				}
				for i := len(tl) - 1; i >= 0; i-- {
					if tl[i].Kind == incidentbot.EventStatusUpdate {
						st.LastUpdate = &tl[i]
						break
					}
				}
				return st.LastUpdate
			}
			b.Run("status", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if st, err := eng.Status(ctx, who, inc.Key); err != nil || st.LastUpdate == nil {
						b.Fatalf("Status: %v", err)
					}
				}
			})
			b.Run("status/baseline=whole-timeline", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if statusBefore() == nil {
						b.Fatal("no last update")
					}
				}
			})
			b.Run("postmortem", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := eng.render(ctx, inc); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("postmortem/baseline=timeline-twice", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					statusBefore()
					st, err := eng.Status(ctx, who, inc.Key)
					if err != nil {
						b.Fatal(err)
					}
					tl, err := db.Timeline(ctx, inc.ID)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := postmortem.Render(postmortem.Data{Incident: st.Incident, Playbook: st.Playbook, Roles: st.Roles,
						Timeline: tl, Checklist: st.Checklist, Pauses: st.Pauses, Currency: "EUR", Now: time.Now(), Language: "en"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
