package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/internal/fake/fakediscord"
	"incidentbot/mock"
)

// The fixtures' key pair: RFC 8032 §7.1 TEST 1, never a real secret.
var (
	testSeed, _  = hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	testPriv     = ed25519.NewKeyFromSeed(testSeed)
	testPub      = testPriv.Public().(ed25519.PublicKey)
	fixtureTS    = "1795521600"
	fixtureTime  = time.Unix(1795521600, 0).UTC()
	fixtureSigns = map[string]string{
		"ping.json":                  "64c18c026c8a3f2f534b4f76ace464fbe711587a04390b4878f8a53bc7ca28da77cec3393d1969cc8748479ef79885b27a45d360202b7e8a2f41ee1d27221b0b",
		"interaction_slash.json":     "89a474760aba155679e5bb6d917c92b68fae209d87c3135f2ab20e257d4aaff394ab399d38df337472d5f9287f1449e3e29e43087661e9a9326addd2f90a310c",
		"interaction_component.json": "c73973ac3f9da0df493e31192a8407633e3c59d77069a3ed663b4d0ae03e8b9708d6173549421904bfdd6a32975835c8b491568d2ccf70f4b0c1d59dd7f1e30d",
	}
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(ts string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(testPriv, append([]byte(ts), body...)))
}

// deliveries is an in-memory DeliveryStore.
type deliveries struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (d *deliveries) ClaimDelivery(ctx context.Context, source, id string, at time.Time) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	first := !d.seen[source+"/"+id]
	d.seen[source+"/"+id] = true
	return first, nil
}

func (d *deliveries) ClaimDeliveries(ctx context.Context, source string, ids []string, at time.Time) ([]bool, error) {
	return incidentbot.ClaimEach(ctx, d.ClaimDelivery, source, ids, at)
}

func (d *deliveries) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	return 0, nil
}

func (d *deliveries) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}

// recorder is a HandleFunc that records the lines it ran.
type recorder struct {
	mu     sync.Mutex
	lines  []string
	actors []incidentbot.Actor
	gate   chan struct{} // when set, Handle waits for it to close
}

func (r *recorder) Handle(ctx context.Context, actor incidentbot.Actor, text string) commands.Reply {
	if r.gate != nil {
		<-r.gate
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, text)
	r.actors = append(r.actors, actor)
	if strings.HasPrefix(text, "declare") {
		return commands.Reply{InChannel: true, Message: incidentbot.Message{Title: "INC-42 declared: Checkout down", Severity: incidentbot.SEV1}}
	}
	return commands.Reply{Message: incidentbot.Message{Text: "ran " + text, EphemeralTo: actor.User.ID}}
}

func (r *recorder) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

func newInbound(rec *recorder, d *deliveries, now time.Time) *Inbound {
	svc := &mock.IncidentService{
		PlaybooksFn: func() []*incidentbot.Playbook {
			return []*incidentbot.Playbook{
				{Name: "site-outage", Description: incidentbot.Texts{"en": "The shop is down"}, Match: incidentbot.PlaybookMatch{Types: []string{"outage", "site-down"}}},
				{Name: "checkout-failure", Description: incidentbot.Texts{"en": "Orders fail"}, Match: incidentbot.PlaybookMatch{Types: []string{"payments"}}},
			}
		},
		ListFn: func(ctx context.Context, actor incidentbot.Actor, _ incidentbot.ListQuery) (*incidentbot.IncidentPage, error) {
			return &incidentbot.IncidentPage{Incidents: []*incidentbot.Incident{{Key: "INC-42", Title: "Checkout down", Severity: incidentbot.SEV1}},
				Page: 1, PerPage: incidentbot.ListPerPage, Total: 1}, nil
		},
	}
	return NewInbound(InboundDeps{
		PublicKey: testPub, Handle: rec.Handle, Service: svc, Deliveries: d,
		Clock: incidentbot.ClockFunc(func() time.Time { return now }),
	})
}

func post(t *testing.T, h http.Handler, body []byte, ts, sig string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	if sig != "" {
		req.Header.Set("X-Signature-Ed25519", sig)
	}
	if ts != "" {
		req.Header.Set("X-Signature-Timestamp", ts)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	if w.Code == http.StatusOK {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("decode %s: %v", w.Body, err)
		}
	}
	return w.Code, out
}

func flags(resp map[string]any) float64 {
	d, _ := resp["data"].(map[string]any)
	f, _ := d["flags"].(float64)
	return f
}

func TestInteractionsFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		wantType  float64
		wantFlags float64
		wantLine  string
	}{
		{"ping.json", callbackPong, 0, ""},
		{"interaction_slash.json", callbackMessage, 0, "declare sev1 Checkout down"},
		{"interaction_component.json", callbackMessage, flagEphemeral, "ack INC-42"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			h := newInbound(rec, &deliveries{}, fixtureTime.Add(2*time.Second)).Interactions()
			status, resp := post(t, h, fixture(t, tc.file), fixtureTS, fixtureSigns[tc.file])
			if status != http.StatusOK || resp["type"] != tc.wantType || flags(resp) != tc.wantFlags {
				t.Fatalf("got %d %v, want 200 type %v flags %v", status, resp, tc.wantType, tc.wantFlags)
			}
			lines := rec.Lines()
			if tc.wantLine == "" {
				if len(lines) != 0 {
					t.Errorf("got lines %q, want none", lines)
				}
				return
			}
			if len(lines) != 1 || lines[0] != tc.wantLine {
				t.Errorf("got lines %q, want [%q]", lines, tc.wantLine)
			}
			a := rec.actors[0]
			if a.User.ID != "1202445566778899300" || a.User.Name != "Alice" || a.Workspace != "1302445566778899100" || a.Platform != "discord" {
				t.Errorf("got actor %+v, want Alice in the fixture guild", a)
			}
		})
	}
}

func TestInteractionsRefused(t *testing.T) {
	t.Parallel()
	body := fixture(t, "interaction_slash.json")
	sig := fixtureSigns["interaction_slash.json"]
	otherPriv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	tests := []struct {
		name string
		body []byte
		ts   string
		sig  string
		now  time.Time
	}{
		{"no signature", body, fixtureTS, "", fixtureTime},
		{"no timestamp", body, "", sig, fixtureTime},
		{"body changed", append(append([]byte{}, body...), ' '), fixtureTS, sig, fixtureTime},
		{"signature not hex", body, fixtureTS, "zz" + sig[2:], fixtureTime},
		{"signed by another key", body, fixtureTS, hex.EncodeToString(ed25519.Sign(otherPriv, append([]byte(fixtureTS), body...))), fixtureTime},
		{"timestamp changed", body, "1795521601", sig, fixtureTime},
		{"stale", body, fixtureTS, sig, fixtureTime.Add(maxAge + time.Second)},
		{"from the future", body, fixtureTS, sig, fixtureTime.Add(-maxAge - time.Second)},
		{"timestamp not a number", body, "soon", sig, fixtureTime},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec, d := &recorder{}, &deliveries{}
			status, _ := post(t, newInbound(rec, d, tc.now).Interactions(), tc.body, tc.ts, tc.sig)
			if status != http.StatusUnauthorized {
				t.Errorf("got %d, want 401", status)
			}
			if n := len(rec.Lines()); n != 0 || d.count() != 0 {
				t.Errorf("got %d commands run and %d deliveries, want nothing changed", n, d.count())
			}
		})
	}
}

func TestInteractionsOnce(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	h := newInbound(rec, &deliveries{}, fixtureTime).Interactions()
	body := fixture(t, "interaction_slash.json")
	for range 3 {
		if status, _ := post(t, h, body, fixtureTS, fixtureSigns["interaction_slash.json"]); status != http.StatusOK {
			t.Fatalf("got %d, want 200", status)
		}
	}
	if got := rec.Lines(); len(got) != 1 {
		t.Errorf("got %d runs of %q, want 1", len(got), got)
	}
}

// interaction builds a signed interaction body of the given type.
func interaction(id string, typ int, data any, message any) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": fakediscord.AppID, "type": typ, "token": "token-" + id, "version": 1,
		"guild_id": fakediscord.GuildID, "channel_id": "1443211000000000700", "data": data, "message": message,
		"member": map[string]any{"user": map[string]any{"id": alice, "username": "alice", "global_name": "Alice"}, "roles": []string{}},
	})
	return b
}

func slash(sub string, opts ...map[string]any) map[string]any {
	return map[string]any{"id": "1", "name": "incident", "type": 1,
		"options": []any{map[string]any{"name": sub, "type": 1, "options": opts}}}
}

func opt(name string, typ int, value any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": value}
}

func TestInteractionKinds(t *testing.T) {
	t.Parallel()
	ephemeralMsg := map[string]any{"id": "55", "channel_id": "1443211000000000700", "flags": 64, "content": "pick"}
	publicMsg := map[string]any{"id": "56", "channel_id": "1443211000000000700", "flags": 0, "content": "welcome"}
	modalSubmit := map[string]any{"custom_id": "update INC-42", "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "text", "value": "DB failover done\nwatching"}}},
	}}
	tests := []struct {
		name      string
		body      []byte
		wantType  float64
		wantLine  string
		wantInAns string // in the response JSON
	}{
		{"button on a public message", interaction("10", 3, map[string]any{"custom_id": "mitigated INC-42", "component_type": 2}, publicMsg), callbackMessage, "mitigated INC-42", `"flags":64`},
		{"button on a private message", interaction("11", 3, map[string]any{"custom_id": "sev INC-42 sev2", "component_type": 2}, ephemeralMsg), callbackUpdate, "sev INC-42 sev2", `"content":"ran sev INC-42 sev2"`},
		{"post update asks with a modal", interaction("12", 3, map[string]any{"custom_id": "update INC-42", "component_type": 2}, publicMsg), callbackModal, "", `"custom_id":"update INC-42"`},
		{"change severity offers a choice", interaction("13", 3, map[string]any{"custom_id": "sev INC-42", "component_type": 2}, publicMsg), callbackMessage, "", `"custom_id":"sev INC-42 sev1"`},
		{"modal submit", interaction("14", 5, modalSubmit, nil), callbackMessage, "update INC-42 DB failover done\nwatching", `"flags":64`},
		{"slash with options", interaction("15", 2, slash("role", opt("role", 3, "tech-lead"), opt("who", 9, bob), opt("incident", 3, "INC-42")), nil), callbackMessage, "role INC-42 tech-lead <@" + bob + ">", ""},
		{"autocomplete type", interaction("16", 4, slash("declare", map[string]any{"name": "type", "type": 3, "value": "out", "focused": true}), nil), callbackAutocomplete, "", `"value":"outage"`},
		{"autocomplete key", interaction("17", 4, slash("status", map[string]any{"name": "incident", "type": 3, "value": "", "focused": true}), nil), callbackAutocomplete, "", `"name":"INC-42 · SEV1 · Checkout down","value":"INC-42"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			h := newInbound(rec, &deliveries{}, fixtureTime).Interactions()
			req := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(tc.body))
			req.Header.Set("X-Signature-Timestamp", fixtureTS)
			req.Header.Set("X-Signature-Ed25519", sign(fixtureTS, tc.body))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			var resp map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || w.Code != http.StatusOK {
				t.Fatalf("got %d %s, want 200 JSON", w.Code, w.Body)
			}
			if resp["type"] != tc.wantType {
				t.Errorf("got type %v, want %v: %s", resp["type"], tc.wantType, w.Body)
			}
			if !strings.Contains(w.Body.String(), tc.wantInAns) {
				t.Errorf("got %s, want it to contain %s", w.Body, tc.wantInAns)
			}
			lines := rec.Lines()
			if tc.wantLine == "" && len(lines) > 0 || tc.wantLine != "" && (len(lines) != 1 || lines[0] != tc.wantLine) {
				t.Errorf("got lines %q, want %q", lines, tc.wantLine)
			}
		})
	}
}

func TestInteractionDeferred(t *testing.T) {
	t.Parallel()
	chat, srv := newChat(t)
	rec := &recorder{gate: make(chan struct{})}
	in := NewInbound(InboundDeps{
		PublicKey: testPub, Handle: rec.Handle, Deliveries: &deliveries{}, Chat: chat,
		Clock: incidentbot.ClockFunc(func() time.Time { return fixtureTime }), DeferAfter: time.Millisecond,
	})
	ts := httptest.NewServer(in.Interactions())
	t.Cleanup(ts.Close)
	ch := srv.AddChannel(fakediscord.Channel{Name: "ops"})
	srv.AddInteraction(fakediscord.Interaction{ID: "20", Token: "token-20", ChannelID: ch.ID})

	b, _ := json.Marshal(map[string]any{
		"id": "20", "application_id": fakediscord.AppID, "type": 2, "token": "token-20", "guild_id": fakediscord.GuildID,
		"channel_id": ch.ID, "data": slash("status", opt("incident", 3, "INC-42")),
		"member": map[string]any{"user": map[string]any{"id": alice, "username": "alice"}},
	})
	req, _ := http.NewRequest(http.MethodPost, ts.URL, bytes.NewReader(b))
	req.Header.Set("X-Signature-Timestamp", fixtureTS)
	req.Header.Set("X-Signature-Ed25519", sign(fixtureTS, b))
	// The deferred answer is complete while the command still runs: a
	// client reading to the end gets it (or times out if it never ends).
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var first response
	if err != nil || json.Unmarshal(raw, &first) != nil || first.Type != callbackDeferred {
		t.Fatalf("got %s, %v, want a complete deferred answer", raw, err)
	}
	if err := srv.RecordResponse("20", raw); err != nil {
		t.Fatal(err)
	}
	close(rec.gate)
	deadline := time.Now().Add(10 * time.Second)
	for {
		answers := srv.Answers("20")
		if len(answers) == 1 && answers[0].Content == "ran status INC-42" && answers[0].Flags == fakediscord.FlagEphemeral {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got answers %+v, want the deferred answer edited into the private reply", answers)
		}
		runtime.Gosched()
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data map[string]any
		want string
	}{
		{"declare all", slash("declare", opt("title", 3, "Checkout  returns 504"), opt("severity", 3, "sev1"), opt("type", 3, "outage"), opt("force", 5, true)), "declare sev1 type:outage Checkout returns 504 --force"},
		{"declare title only", slash("declare", opt("title", 3, "Paiement refusé")), "declare Paiement refusé"},
		{"drill", slash("drill", opt("title", 3, "Practice"), opt("severity", 3, "sev3")), "drill sev3 Practice"},
		{"update with key", slash("update", opt("text", 3, "DB back"), opt("incident", 3, "INC-7")), "update INC-7 DB back"},
		{"ads", slash("ads", opt("action", 3, "pause"), opt("platform", 3, "meta"), opt("incident", 3, "INC-7")), "ads INC-7 pause meta"},
		{"check", slash("check", opt("item", 4, 3.0)), "check 3"},
		{"remind", slash("remind", opt("switch", 3, "snooze"), opt("duration", 3, "30m")), "remind snooze 30m"},
		{"role to a role", map[string]any{"id": "1", "name": "incident", "type": 1,
			"options":  []any{map[string]any{"name": "role", "type": 1, "options": []any{opt("role", 3, "comms"), opt("who", 9, webOn)}}},
			"resolved": map[string]any{"roles": map[string]any{webOn: map[string]any{"id": webOn, "name": "oncall-web"}}}}, "role comms <@&" + webOn + ">"},
		{"declare since", slash("declare", opt("title", 3, "Site down"), opt("since", 3, "14:02")), "declare --since 14:02 Site down"},
		{"impact share", slash("impact", opt("share", 3, "30%")), "impact 30%"},
		{"impact start", slash("impact", opt("start", 3, "2026-12-05 14:02"), opt("incident", 3, "INC-7")), "impact INC-7 start 2026-12-05 14:02"},
		{"followup add", map[string]any{"id": "1", "name": "incident", "type": 1,
			"options": []any{map[string]any{"name": "followup", "type": 1, "options": []any{opt("action", 3, "add"), opt("text", 3, "Alert on 5xx"),
				opt("owner", 9, webOn), opt("due", 3, "2026-12-12"), opt("priority", 3, "p1"), opt("type", 3, "detect")}}},
			"resolved": map[string]any{"users": map[string]any{webOn: map[string]any{"id": webOn, "username": "bruno"}}}}, "followup add Alert on 5xx <@" + webOn + "> due 2026-12-12 p1 type:detect"},
		{"followup done", slash("followup", opt("action", 3, "done"), opt("number", 4, 2.0)), "followup done 2"},
		{"list", slash("list"), "list"},
		{"list all page", slash("list", opt("all", 5, true), opt("page", 4, 2.0)), "list --all page 2"},
		{"no subcommand", map[string]any{"id": "1", "name": "incident", "type": 1}, "help"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := lineOf(t, interaction("1", 2, tc.data, nil))
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if _, err := commands.Parse(got); err != nil {
				t.Errorf("commands.Parse(%q): %v", got, err)
			}
		})
	}
}

// lineOf runs a signed interaction and returns the command line it ran.
func lineOf(t *testing.T, body []byte) string {
	t.Helper()
	rec := &recorder{}
	ts := strconv.FormatInt(fixtureTime.Unix(), 10)
	post(t, newInbound(rec, &deliveries{}, fixtureTime).Interactions(), body, ts, sign(ts, body))
	lines := rec.Lines()
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1", len(lines))
	}
	return lines[0]
}

func FuzzInteractions(f *testing.F) {
	for name := range fixtureSigns {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"id":"1","type":3,"data":{"custom_id":"incident:"}}`))
	f.Add([]byte(`{"id":"1","type":5,"data":{"custom_id":"note","components":[{"type":1}]}}`))
	f.Add([]byte(`{"id":"1","type":4,"data":{"options":[{"name":"x","type":1,"options":[{"focused":true,"name":"type","value":7}]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := &recorder{}
		in := newInbound(rec, &deliveries{}, fixtureTime)
		req := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
		req.Header.Set("X-Signature-Timestamp", fixtureTS)
		req.Header.Set("X-Signature-Ed25519", sign(fixtureTS, body))
		w := httptest.NewRecorder()
		in.Interactions().ServeHTTP(w, req)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Errorf("got %d for %q, want 200 or 400", w.Code, body)
		}
		if w.Code == http.StatusOK && !json.Valid(w.Body.Bytes()) {
			t.Errorf("got an invalid JSON answer %q", w.Body)
		}
	})
}

func FuzzVerify(f *testing.F) {
	body := fixture(f, "ping.json")
	f.Add(body, fixtureTS, fixtureSigns["ping.json"])
	f.Add(body, "", "")
	f.Add([]byte("{}"), "-1", "00")
	f.Add(body, "99999999999999999999", fixtureSigns["ping.json"])
	f.Fuzz(func(t *testing.T, body []byte, ts, sig string) {
		h := http.Header{}
		h.Set("X-Signature-Timestamp", ts)
		h.Set("X-Signature-Ed25519", sig)
		err := verify(testPub, h, body, fixtureTime)
		valid := ts != "" && sig != "" && ts == strings.TrimSpace(ts) && sig == sign(ts, body)
		if err == nil && !valid && sig != strings.ToUpper(sign(ts, body)) {
			t.Errorf("verify(%q, %q) accepted a request not signed by the key", ts, sig)
		}
	})
}

func TestParsePublicKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", true},
		{"d75a98", false},
		{"not hex at all, not hex at all, not hex at all, not hex at all!!", false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			key, err := ParsePublicKey(tc.in)
			if got := err == nil; got != tc.want {
				t.Fatalf("got error %v, want ok %v", err, tc.want)
			}
			if tc.want && !bytes.Equal(key, testPub) {
				t.Errorf("got key %x, want the fixture key %x", key, testPub)
			}
		})
	}
}
