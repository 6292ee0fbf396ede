package bot

import (
	"context"
	"strings"
	"sync"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// lockWatch is a store that says when a command reaches its locked
// update, after every read it makes before.
type lockWatch struct {
	incidentbot.Store
	reached chan struct{}
	once    sync.Once
}

func (s *lockWatch) UpdateIncident(ctx context.Context, id int64, fn func(*incidentbot.Incident) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	s.once.Do(func() { close(s.reached) })
	return s.Store.UpdateIncident(ctx, id, fn)
}

func (s *lockWatch) UpdateIncidentWithRoles(ctx context.Context, id int64, fn func(*incidentbot.Incident, []incidentbot.RoleAssignment) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	s.once.Do(func() { close(s.reached) })
	return s.Store.UpdateIncidentWithRoles(ctx, id, fn)
}

// TestCommandRightsUnderLock: a change that holds the incident's lock when
// a command reads its way to the write (a commander hand-over, a close)
// commits first, and the command's rights and state checks see it: they
// run on the locked row and roles, not on what was read before the lock.
func TestCommandRightsUnderLock(t *testing.T) {
	t.Parallel()
	commanders := func(u incidentbot.User) func(*incidentbot.Incident) incidentbot.Change {
		return func(*incidentbot.Incident) incidentbot.Change {
			return incidentbot.Change{Roles: []incidentbot.RoleChange{{Role: incidentbot.RoleCommander, Users: []incidentbot.User{u}, By: alice}}}
		}
	}
	closing := func(inc *incidentbot.Incident) incidentbot.Change {
		inc.Status = incidentbot.StatusClosed
		return incidentbot.Change{}
	}
	resolve := func(e *Engine, a incidentbot.Actor, key string) error {
		_, err := e.SetStatus(context.Background(), a, key, incidentbot.StatusResolved, "fixed")
		return err
	}
	sev := func(e *Engine, a incidentbot.Actor, key string) error {
		_, err := e.SetSeverity(context.Background(), a, key, incidentbot.SEV1)
		return err
	}
	role := func(e *Engine, a incidentbot.Actor, key string) error {
		_, err := e.AssignRole(context.Background(), a, key, "comms", "<@U_EMMA>")
		return err
	}
	pauseAds := func(e *Engine, a incidentbot.Actor, key string) error {
		_, err := e.Ads(context.Background(), a, key, incidentbot.AdsPause, "")
		return err
	}
	note := func(e *Engine, a incidentbot.Actor, key string) error {
		_, err := e.AddNote(context.Background(), a, key, "Rolled back")
		return err
	}
	tests := []struct {
		name    string
		before  incidentbot.User                               // the commander when the command starts
		meant   func(*incidentbot.Incident) incidentbot.Change // what commits under the lock meanwhile
		command func(*Engine, incidentbot.Actor, string) error // run by alice
		code    string                                         // "" allowed
		message string                                         // the start of the refusal
	}{
		{"resolve after losing the role", alice, commanders(bob), resolve, incidentbot.EFORBIDDEN, "Only the commander can resolve INC-1. Ask <@U_BOB> (commander)"},
		{"sev after losing the role", alice, commanders(bob), sev, incidentbot.EFORBIDDEN, "Only the commander can change the severity of INC-1. Ask <@U_BOB>"},
		{"role after losing the role", alice, commanders(bob), role, incidentbot.EFORBIDDEN, "Only the commander can assign roles in INC-1. Ask <@U_BOB>"},
		{"ads after losing the role", alice, commanders(bob), pauseAds, incidentbot.EFORBIDDEN, "Only the commander, the comms lead or an ads admin can pause the ads of INC-1."},
		{"resolve after getting the role", bob, commanders(alice), resolve, "", ""},
		{"note after the close", alice, closing, note, incidentbot.EINVALID, "INC-1 is closed: nothing can change it now."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout down", Severity: incidentbot.SEV2, Type: "generic"})
				f.runAll(0)
				if _, err := db.UpdateIncident(context.Background(), inc.ID, func(i *incidentbot.Incident) (incidentbot.Change, error) {
					return commanders(tc.before)(i), nil
				}); err != nil {
					t.Fatalf("commander %s: %v", tc.before.Name, err)
				}
				watch := &lockWatch{reached: make(chan struct{})}
				f.tune = func(_ *Config, d *Deps) { watch.Store = d.Store; d.Store = watch }
				eng := f.engine()
				before := len(f.timeline(inc))

				// The meantime change holds the lock until the command has
				// made every read it makes before its own locked update.
				locked, release := make(chan struct{}), make(chan struct{})
				meantime := make(chan error, 1)
				go func() {
					_, err := db.UpdateIncident(context.Background(), inc.ID, func(i *incidentbot.Incident) (incidentbot.Change, error) {
						close(locked)
						<-release
						return tc.meant(i), nil
					})
					meantime <- err
				}()
				<-locked
				done := make(chan error, 1)
				go func() { done <- tc.command(eng, actor(alice, ""), inc.Key) }()
				select {
				case <-watch.reached:
				case err := <-done:
					t.Fatalf("the command ended (%v) before its locked update", err)
				}
				close(release)
				if err := <-meantime; err != nil {
					t.Fatalf("meantime change: %v", err)
				}
				err := <-done
				if tc.code == "" {
					if err != nil {
						t.Fatalf("got %v, want allowed", err)
					}
					return
				}
				if incidentbot.ErrorCode(err) != tc.code || !strings.HasPrefix(incidentbot.ErrorMessage(err), tc.message) {
					t.Fatalf("got %s %q, want %s %q…", incidentbot.ErrorCode(err), incidentbot.ErrorMessage(err), tc.code, tc.message)
				}
				if got := len(f.timeline(inc)); got != before {
					t.Errorf("the refused command wrote %d events", got-before)
				}
			})
		})
	}
}
