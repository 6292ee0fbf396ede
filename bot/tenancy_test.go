package bot

import (
	"context"
	"reflect"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// tenancySnapshot is everything a command could change about an incident.
type tenancySnapshot struct {
	Incident  *incidentbot.Incident
	Timeline  []incidentbot.TimelineEvent
	Roles     []incidentbot.RoleAssignment
	Checklist []incidentbot.ChecklistEntry
	Jobs      []incidentbot.Job
	Pauses    []incidentbot.CampaignPause
}

func (f *fixture) snapshot(inc *incidentbot.Incident) tenancySnapshot {
	f.t.Helper()
	ctx := context.Background()
	s := tenancySnapshot{Incident: f.reload(inc), Timeline: f.timeline(inc), Jobs: f.jobs(inc)}
	var err error
	if s.Roles, err = f.db.Roles(ctx, inc.ID); err != nil {
		f.t.Fatal(err)
	}
	if s.Checklist, err = f.db.Checklist(ctx, inc.ID); err != nil {
		f.t.Fatal(err)
	}
	if s.Pauses, err = f.db.Pauses(ctx, inc.ID); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// TestTenancyStrangers: people of another workspace, of another platform,
// and the very same user id on another platform reach nothing of an
// incident, whether they name its key or type in its war room: every
// command answers exactly what it answers for a key or channel that does
// not exist, nothing changes, and the incident is not in their list. The
// alert incident has no commander, the case where anyone of the workspace
// may act: strangers still may not.
func TestTenancyStrangers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		staffed := ready(t, f)
		alert, err := f.eng.Declare(ctx, incidentbot.Actor{
			Platform: incidentbot.PlatformConsole, Workspace: "console",
			User: incidentbot.User{Name: "Alertmanager"}, ChannelID: console.GeneralChannelID,
		}, incidentbot.DeclareRequest{Title: "CheckoutErrors firing", Type: "site-outage", Force: true, DedupeKey: "alert:checkout"})
		if err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		alert = f.reload(alert)
		if roles, _ := f.db.Roles(ctx, alert.ID); len(holders(roles, incidentbot.RoleCommander)) != 0 {
			t.Fatalf("the alert incident has a commander: %v", roles)
		}

		missingRoom := incidentbot.ErrorMessage(func() error {
			_, err := f.eng.Status(ctx, actor(alice, console.GeneralChannelID), "")
			return err
		}())
		strangers := []struct {
			name  string
			actor func(room string) incidentbot.Actor
		}{
			{"another workspace", func(room string) incidentbot.Actor {
				return incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "elsewhere", User: bob, ChannelID: room}
			}},
			{"the commander's id in another workspace", func(room string) incidentbot.Actor {
				return incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "elsewhere", User: alice, ChannelID: room}
			}},
			{"the commander's id on another platform", func(room string) incidentbot.Actor {
				return incidentbot.Actor{Platform: incidentbot.PlatformSlack, Workspace: "console", User: alice, ChannelID: room}
			}},
			{"no workspace", func(room string) incidentbot.Actor {
				return incidentbot.Actor{Platform: incidentbot.PlatformConsole, User: alice, ChannelID: room}
			}},
		}
		type call func(a incidentbot.Actor, key string) error
		calls := map[string]call{
			"status":     func(a incidentbot.Actor, k string) error { _, err := f.eng.Status(ctx, a, k); return err },
			"postmortem": func(a incidentbot.Actor, k string) error { _, err := f.eng.Postmortem(ctx, a, k); return err },
			"ack":        func(a incidentbot.Actor, k string) error { _, err := f.eng.Acknowledge(ctx, a, k); return err },
			"update":     func(a incidentbot.Actor, k string) error { _, err := f.eng.PostUpdate(ctx, a, k, "hello"); return err },
			"note":       func(a incidentbot.Actor, k string) error { _, err := f.eng.AddNote(ctx, a, k, "hello"); return err },
			"role": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.AssignRole(ctx, a, k, "commander", "<@U_BOB>")
				return err
			},
			"sev": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.SetSeverity(ctx, a, k, incidentbot.SEV4)
				return err
			},
			"mitigated": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.SetStatus(ctx, a, k, incidentbot.StatusMitigated, "")
				return err
			},
			"resolve": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.SetStatus(ctx, a, k, incidentbot.StatusResolved, "fixed")
				return err
			},
			"ads pause": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.Ads(ctx, a, k, incidentbot.AdsPause, "")
				return err
			},
			"ads resume": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.Ads(ctx, a, k, incidentbot.AdsResume, "")
				return err
			},
			"ads status": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.Ads(ctx, a, k, incidentbot.AdsStatus, "")
				return err
			},
			"ads preview": func(a incidentbot.Actor, k string) error { _, _, err := f.eng.AdsPreview(ctx, a, k, ""); return err },
			"verify":      func(a incidentbot.Actor, k string) error { _, err := f.eng.Verify(ctx, a, k, ""); return err },
			"check":       func(a incidentbot.Actor, k string) error { _, err := f.eng.Check(ctx, a, k, 1, true); return err },
			"remind": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.Remind(ctx, a, k, incidentbot.RemindSnooze, time.Hour)
				return err
			},
			"record (pin)": func(a incidentbot.Actor, k string) error {
				_, err := f.eng.Record(ctx, a, k, incidentbot.TimelineEvent{Kind: incidentbot.EventPinned, Text: "pinned"}, &incidentbot.Message{Text: "pinned"})
				return err
			},
		}
		for _, inc := range []*incidentbot.Incident{staffed, alert} {
			before := f.snapshot(inc)
			for _, s := range strangers {
				a := s.actor(inc.WarRoom)
				for name, c := range calls {
					for _, key := range []string{inc.Key, ""} {
						want := incidentbot.ErrorMessage(incidentbot.IncidentNotFound(inc.Key))
						if key == "" {
							want = missingRoom
						}
						err := c(a, key)
						if code, msg := incidentbot.ErrorCode(err), incidentbot.ErrorMessage(err); code != incidentbot.ENOTFOUND || msg != want {
							t.Errorf("%s, %s: %s %q: got %s %q, want %s %q", inc.Key, s.name, name, key, code, msg, incidentbot.ENOTFOUND, want)
						}
					}
				}
				list, err := f.eng.List(ctx, a, incidentbot.ListQuery{All: true})
				if list != nil && (len(list.Incidents) != 0 || list.Total != 0) {
					t.Errorf("%s: list shows %+v (err %v), want none", s.name, list, err)
				}
			}
			if after := f.snapshot(inc); !reflect.DeepEqual(before, after) {
				t.Errorf("%s changed:\nbefore %+v\nafter  %+v", inc.Key, before, after)
			}
		}

		// Its own people still see and act on both.
		own := actor(bob, console.GeneralChannelID)
		list, err := f.eng.List(ctx, own, incidentbot.ListQuery{})
		if err != nil || len(list.Incidents) != 2 {
			t.Errorf("own workspace list: got %+v (%v), want 2 incidents", list, err)
		}
		if _, err := f.eng.SetStatus(ctx, own, alert.Key, incidentbot.StatusResolved, "fixed"); err != nil {
			t.Errorf("own workspace resolves the alert incident nobody commands: %v", err)
		}
	})
}

// TestTenancyDeclare: a declaration lands in the declarer's own workspace,
// never another's, and one without a workspace is refused and stores nothing.
func TestTenancyDeclare(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		elsewhere := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "elsewhere", User: bob, ChannelID: console.GeneralChannelID}
		inc, err := f.eng.Declare(ctx, elsewhere, incidentbot.DeclareRequest{Title: "Their outage"})
		if err != nil {
			t.Fatal(err)
		}
		if inc.Workspace != "elsewhere" || inc.Platform != incidentbot.PlatformConsole {
			t.Errorf("declared into %s/%s, want console/elsewhere", inc.Platform, inc.Workspace)
		}
		if list, err := f.eng.List(ctx, actor(alice, console.GeneralChannelID), incidentbot.ListQuery{All: true}); err != nil || list.Total != 0 {
			t.Errorf("the console workspace lists %+v (%v), want none of elsewhere's", list, err)
		}
		_, err = f.eng.Declare(ctx, incidentbot.Actor{Platform: incidentbot.PlatformConsole, User: bob, ChannelID: console.GeneralChannelID},
			incidentbot.DeclareRequest{Title: "Nowhere"})
		if incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
			t.Errorf("declare without a workspace: got %v, want EFORBIDDEN", err)
		}
		if all, _ := f.db.FindIncidents(ctx, incidentbot.IncidentFilter{}); len(all) != 1 {
			t.Errorf("got %d incidents stored, want 1", len(all))
		}
	})
}
