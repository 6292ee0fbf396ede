package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// TestDeclareRateLimit: one person may declare five incidents a minute,
// drills included; the sixth is refused with a clear reply and creates
// nothing. Others, alerts and the next minute are not held back.
func TestDeclareRateLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.eng.cfg.DeclareLimit = defaultEngine(t).cfg.DeclareLimit
		ctx := context.Background()
		declare := func(u incidentbot.User, title string, drill bool) (*incidentbot.Incident, error) {
			return f.eng.Declare(ctx, actor(u, console.GeneralChannelID), incidentbot.DeclareRequest{Title: title, Drill: drill})
		}
		for i := range 5 {
			if _, err := declare(alice, fmt.Sprint("Outage ", i), i == 4); err != nil {
				t.Fatalf("declare %d: %v", i, err)
			}
			f.clock.Advance(5 * time.Second)
		}
		_, err := declare(alice, "Sixth", false)
		msg := incidentbot.ErrorMessage(err)
		if incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN ||
			!strings.Contains(msg, "You declared 5 incidents in the last minute") || !strings.Contains(msg, "Wait 35 s") {
			t.Fatalf("sixth: got %v, want EFORBIDDEN saying 5 in the last minute, wait 35 s", err)
		}
		if _, err := declare(alice, "Sixth drill", true); incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
			t.Errorf("sixth as a drill: got %v, want refused too", err)
		}
		incs, err := db.FindIncidents(ctx, incidentbot.IncidentFilter{})
		if err != nil || len(incs) != 5 {
			t.Fatalf("got %d incidents (%v), want 5: the refused ones created nothing", len(incs), err)
		}
		if _, err := declare(bob, "Bob's own", false); err != nil {
			t.Errorf("another person: %v", err)
		}
		alerts := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "console", ChannelID: console.GeneralChannelID,
			User: incidentbot.User{Name: "Alertmanager"}}
		for i := range 6 {
			if _, err := f.eng.Declare(ctx, alerts, incidentbot.DeclareRequest{Title: fmt.Sprint("Alert ", i), Force: true, DedupeKey: fmt.Sprint("k", i)}); err != nil {
				t.Fatalf("alert %d: %v (alerts have caps of their own)", i, err)
			}
		}
		f.clock.Advance(35 * time.Second) // the first declaration leaves the window
		if _, err := declare(alice, "Sixth, later", false); err != nil {
			t.Errorf("a minute after the first: %v", err)
		}
	})
}

// defaultEngine is an engine with the default configuration.
func defaultEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Config{}, Deps{
		Store:     storetest.SQLite(t),
		Playbooks: playbooks.Defaults(),
		Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: console.NewChat(nil, console.DefaultDirectory())},
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
