package alerts

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// openOthers opens n incidents in the alert workspace, each holding a
// dedupe key of its own: the other outages a notification must not pay for.
func openOthers(t testing.TB, db *store.DB, n int) {
	t.Helper()
	for i := range n {
		inc := &incidentbot.Incident{Title: fmt.Sprintf("Other outage %d", i), Severity: incidentbot.SEV2,
			Platform: incidentbot.PlatformConsole, Workspace: "console", DedupeKey: fmt.Sprintf("alert:other-%d", i)}
		if err := db.CreateIncident(context.Background(), inc, incidentbot.Change{}); err != nil {
			t.Fatalf("CreateIncident: %v", err)
		}
	}
}

// keysOnly is the engine as alerts must use it: the open incidents holding
// the notification's keys, looked up (counted), never the workspace's list.
type keysOnly struct {
	incidentbot.IncidentService
	t       testing.TB
	lookups atomic.Int64
}

func (s *keysOnly) List(ctx context.Context, actor incidentbot.Actor, q incidentbot.ListQuery) (*incidentbot.IncidentPage, error) {
	s.t.Errorf("a notification listed the incidents of the workspace")
	return s.IncidentService.List(ctx, actor, q)
}

func (s *keysOnly) OpenByDedupeKeys(ctx context.Context, actor incidentbot.Actor, keys []string) (map[string]*incidentbot.Incident, error) {
	s.lookups.Add(1)
	return s.IncidentService.OpenByDedupeKeys(ctx, actor, keys)
}

// TestCostAlertLooksUpItsKeys: with other incidents open, a notification
// declares, repeats and resolves through one indexed lookup of its own
// keys each, never the list of open incidents.
func TestCostAlertLooksUpItsKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, Config{})
		openOthers(t, db, 30)
		svc := &keysOnly{IncidentService: w.eng, t: t}
		w.recv.svc = svc
		for i, step := range []struct{ fixture, want string }{
			{"alertmanager/firing.json", actDeclared},
			{"alertmanager/firing.json", actDuplicate},
			{"alertmanager/resolved.json", actResolved},
		} {
			r := post(t, w.recv.Alertmanager(), fixture(t, step.fixture), testToken, nil)
			if r.status != http.StatusOK || actions(r.body.Results) != step.want {
				t.Fatalf("%s: got %d %q, want 200 %s", step.fixture, r.status, actions(r.body.Results), step.want)
			}
			if got := svc.lookups.Load(); got != int64(i+1) {
				t.Errorf("after %d notifications: %d lookups, want one each", i+1, got)
			}
		}
	})
}

// TestCostOpenByDedupeKeysScoped: the lookup finds open incidents of the
// caller's workspace only, one per key.
func TestCostOpenByDedupeKeysScoped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mk := func(platform, workspace, key string, status incidentbot.Status) *incidentbot.Incident {
			inc := &incidentbot.Incident{Title: "Outage " + key, Severity: incidentbot.SEV2, Platform: platform, Workspace: workspace, DedupeKey: key, Status: status}
			if err := db.CreateIncident(ctx, inc, incidentbot.Change{}); err != nil {
				t.Fatalf("CreateIncident: %v", err)
			}
			return inc
		}
		open := mk("slack", "T1", "k1", incidentbot.StatusInvestigating)
		mitigated := mk("slack", "T1", "k2", incidentbot.StatusMitigated)
		mk("slack", "T1", "k3", incidentbot.StatusResolved)
		mk("slack", "T2", "k4", incidentbot.StatusInvestigating)
		mk("discord", "T1", "k5", incidentbot.StatusInvestigating)
		keys := []string{"k1", "k2", "k3", "k4", "k5", "k1", "", "missing"}
		found, err := db.OpenIncidentsByDedupeKeys(ctx, "slack", "T1", keys)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, inc := range found {
			got[inc.DedupeKey] = inc.ID
		}
		if len(found) != 2 || got["k1"] != open.ID || got["k2"] != mitigated.ID {
			t.Errorf("got %v, want k1 -> %d and k2 -> %d only", got, open.ID, mitigated.ID)
		}
		for _, scope := range [][2]string{{"", "T1"}, {"slack", ""}} {
			if found, err := db.OpenIncidentsByDedupeKeys(ctx, scope[0], scope[1], keys); err != nil || len(found) != 0 {
				t.Errorf("scope %q: got %d incidents, %v; want none", scope, len(found), err)
			}
		}
	})
}

// listOpen is how alerts found incidents before: every open incident of
// the workspace listed (as the unpaged list did), then searched. The
// baseline of BenchmarkAlertOpenIncidents.
type listOpen struct {
	incidentbot.IncidentService
	db *store.DB
}

func (s listOpen) OpenByDedupeKeys(ctx context.Context, actor incidentbot.Actor, keys []string) (map[string]*incidentbot.Incident, error) {
	open, err := s.db.FindIncidents(ctx, incidentbot.IncidentFilter{OpenOnly: true, Platform: actor.Platform, Workspace: actor.Workspace})
	if err != nil {
		return nil, err
	}
	out := map[string]*incidentbot.Incident{}
	for _, k := range keys {
		for _, inc := range open {
			if inc.DedupeKey == k {
				out[k] = inc
			}
		}
	}
	return out, nil
}

// BenchmarkAlertOpenIncidents posts a repeated firing notification (a
// duplicate: the lookup and the claim) with 0, 200 and 1,000 other
// incidents open in the workspace, on Postgres: the cost must not grow
// with them. The baseline lists the open incidents, as alerts did.
func BenchmarkAlertOpenIncidents(b *testing.B) {
	for _, others := range []int{0, 200, 1000} {
		for _, variant := range []string{"by-key", "baseline=list-open"} {
			b.Run(fmt.Sprintf("open=%d/%s", others, variant), func(b *testing.B) {
				w := newWorld(b, storetest.Postgres(b), Config{})
				openOthers(b, w.db, others)
				if variant != "by-key" {
					w.recv.svc = listOpen{w.eng, w.db}
				}
				body := fixture(b, "alertmanager/firing.json")
				if r := post(b, w.recv.Alertmanager(), body, testToken, nil); actions(r.body.Results) != actDeclared {
					b.Fatalf("got %q, want declared", actions(r.body.Results))
				}
				b.ReportAllocs()
				for b.Loop() {
					if r := post(b, w.recv.Alertmanager(), body, testToken, nil); actions(r.body.Results) != actDuplicate {
						b.Fatalf("got %q, want duplicate", actions(r.body.Results))
					}
				}
			})
		}
	}
}
