package bot

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestViewsInBotTimezone: the war room's welcome and /incident status say
// when the incident was declared in BOT_TIMEZONE, naming the zone (the
// fixture's clock reads 09:00 UTC, 10:00 in Paris in November).
func TestViewsInBotTimezone(t *testing.T) {
	t.Parallel()
	paris := parisZone(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.tune = func(c *Config, _ *Deps) { c.Location = paris }
		f.eng = f.engine()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "site-outage"})
		f.runAll(0)
		const want = "Declared 10:00 CET"
		var footers []string
		for _, m := range f.warRoom(inc).Messages {
			footers = append(footers, m.Message.Footer)
		}
		if !strings.Contains(strings.Join(footers, "\n"), want) {
			t.Errorf("war room footers lack %q:\n%s", want, strings.Join(footers, "\n"))
		}
		st, err := f.eng.Status(context.Background(), actor(alice, f.reload(inc).WarRoom), "")
		if err != nil {
			t.Fatal(err)
		}
		if st.Location != paris {
			t.Errorf("status location: got %v, want %v", st.Location, paris)
		}
	})
}
