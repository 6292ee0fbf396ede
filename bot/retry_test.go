package bot

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/i18n"
	"incidentbot/internal/storetest"
	"incidentbot/store"
	"incidentbot/views"
)

// refusedError dials an address nobody listens on.
func refusedError(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	conn, err := net.Dial("tcp", addr)
	if err == nil {
		conn.Close()
		t.Fatalf("dial %s: got a connection, want it refused", addr)
	}
	return err
}

// TestRetryWarRoomAfterNetworkErrors: connection refused is retried with
// backoff; when the bot gives up, the channel where the incident was
// declared is told, /incident status lists the failed action, and retry
// makes the war room once the network is back.
func TestRetryWarRoomAfterNetworkErrors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// The raw error of a dial, mapped by no adapter, for all 4 attempts.
		f.chat.FailNext("CreateChannel", 4, refusedError(t))
		ctx := context.Background()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Shop down", Type: "site-outage", Force: true})
		f.runAll(10 * time.Minute)

		if create := f.job(inc, kindCreateChannel); create.State != incidentbot.JobFailed || create.Attempts != 4 {
			t.Fatalf("create_channel: got %s after %d attempts, want failed after 4 (MaxAttempts)", create.State, create.Attempts)
		}
		general, _ := f.chat.Channel(console.GeneralChannelID)
		notices := posts(general, "could not create the war room")
		if len(notices) != 1 || !strings.Contains(notices[0], "/incident retry "+inc.Key) {
			t.Fatalf("notices in the channel of the declaration: got %q, want one naming /incident retry %s", notices, inc.Key)
		}

		here := actor(alice, console.GeneralChannelID)
		st, err := f.eng.Status(ctx, here, inc.Key)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Failed) != 1 || st.Failed[0].What != "create the war room" {
			t.Fatalf("status: got failed actions %+v, want the war room", st.Failed)
		}
		for lang, want := range map[string]string{"en": "could not create the war room", "fr": "créer la cellule de crise"} {
			if msg := views.Status(st, f.clock.Now(), lang); !strings.Contains(fieldsText(msg), want) {
				t.Errorf("status view in %s lacks the failed action %q: %+v", lang, want, msg.Fields)
			}
		}

		_, again, err := f.eng.Retry(ctx, actor(bob, console.GeneralChannelID), inc.Key)
		if err != nil || len(again) != 1 || again[0].What != "create the war room" {
			t.Fatalf("retry: got %+v, %v; want the war room retried", again, err)
		}
		// A French reader of this English incident is answered in French.
		if got, want := again[0].In("fr"), "créer la cellule de crise"; got != want {
			t.Errorf("retried, for a French reader: got %q, want %q", got, want)
		}
		f.runAll(10 * time.Minute)
		if room := f.warRoom(inc); len(posts(room, inc.Key)) == 0 {
			t.Errorf("war room %s has no welcome after the retry", room.Name)
		}
		if st, _ := f.eng.Status(ctx, here, inc.Key); len(st.Failed) != 0 {
			t.Errorf("status after the retry: got failed actions %+v, want none", st.Failed)
		}
		_, _, err = f.eng.Retry(ctx, here, inc.Key)
		if incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("retry with nothing failed: got %v, want EINVALID", err)
		}
		if got, want := i18n.ErrorMessage("fr", err), "Rien n'a échoué dans "+inc.Key+"\u00a0: il n'y a rien à relancer."; got != want {
			t.Errorf("retry with nothing failed, for a French reader:\ngot  %q\nwant %q", got, want)
		}
	})
}

func fieldsText(m incidentbot.Message) string {
	var b strings.Builder
	for _, f := range m.Fields {
		b.WriteString(f.Label + ": " + f.Value + "\n")
	}
	return b.String()
}
