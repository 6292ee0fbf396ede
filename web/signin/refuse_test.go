package signin_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakediscordoauth"
	"incidentbot/internal/fake/fakeslackoidc"
	"incidentbot/web/signin"
)

// callback ends a flow at the callback URL and gives the status and page;
// it checks no session was set unless the status is a redirect.
func (a *app) callback(u *url.URL) (int, string) {
	a.t.Helper()
	status, _, body := a.get(u.String())
	if _, at, _ := a.get("/dashboard"); !strings.HasPrefix(at, a.srv.URL+"/signin?") {
		a.t.Errorf("a refused sign-in still let the browser in (at %s)", at)
	}
	return status, body
}

func TestSignInRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		provider string
		setup    func(a *app)
		tamper   func(a *app, authorize, back *url.URL) *url.URL // the callback URL to visit
		status   int
		says     string
	}{
		{name: "Slack user of another workspace", provider: "slack",
			setup: func(a *app) {
				a.slack.SignInAs(fakeslackoidc.User{ID: "U0OTHER", Team: "T0OTHERTEAM", Name: "Mallory"})
			},
			status: http.StatusForbidden, says: "workspace this bot does not serve"},
		{name: "Discord user outside the guild", provider: "discord",
			setup: func(a *app) {
				a.discord.SignInAs(fakediscordoauth.User{ID: "42", Username: "mallory", Guilds: []string{"999"}})
			},
			status: http.StatusForbidden, says: "not a member of the server"},
		{name: "state changed on the way back", provider: "slack",
			tamper: func(_ *app, _, back *url.URL) *url.URL { return withParam(back, "state", "forged") },
			status: http.StatusBadRequest, says: "stale or was not started in this browser"},
		{name: "callback with no sign-in started in this browser", provider: "discord",
			tamper: func(a *app, _, back *url.URL) *url.URL {
				a.client.Jar.SetCookies(back, []*http.Cookie{{Name: "incidentbot_signin", Value: "", Path: "/signin/", MaxAge: -1}})
				return back
			},
			status: http.StatusBadRequest, says: "stale or was not started in this browser"},
		{name: "sign-in left unfinished too long", provider: "slack",
			tamper: func(a *app, _, back *url.URL) *url.URL { a.advance(11 * time.Minute); return back },
			status: http.StatusBadRequest, says: "stale"},
		{name: "ID token for another nonce", provider: "slack",
			tamper: func(a *app, authorize, _ *url.URL) *url.URL {
				return a.backFromProvider(withParam(authorize, "nonce", "someone-elses-nonce"))
			},
			status: http.StatusUnauthorized, says: "belongs to another sign-in"},
		{name: "wrong PKCE verifier", provider: "discord",
			tamper: func(a *app, authorize, _ *url.URL) *url.URL {
				return a.backFromProvider(withParam(authorize, "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
			},
			status: http.StatusBadRequest, says: "did not accept this sign-in"},
		{name: "cancelled at Slack", provider: "slack",
			setup:  func(a *app) { a.slack.Deny() },
			status: http.StatusForbidden, says: "Sign-in was cancelled at Slack"},
		{name: "cancelled at Discord", provider: "discord",
			setup:  func(a *app) { a.discord.Deny() },
			status: http.StatusForbidden, says: "Sign-in was cancelled at Discord"},
		{name: "Discord down after the token", provider: "discord",
			setup: func(a *app) {
				a.discord.FailNext("GET /api/v10/users/@me/guilds/{guild}/member", func(w http.ResponseWriter, _ *http.Request) {
					http.Error(w, "upstream connect error", http.StatusServiceUnavailable)
				}, 1)
			},
			status: http.StatusBadGateway, says: "Discord did not say whether you are a member"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, nil)
			if tc.setup != nil {
				tc.setup(a)
			}
			authorize := a.toProvider(tc.provider, "/dashboard")
			back := a.backFromProvider(authorize)
			if tc.tamper != nil {
				back = tc.tamper(a, authorize, back)
			}
			status, body := a.callback(back)
			if status != tc.status || !strings.Contains(body, tc.says) {
				t.Errorf("got %d, want %d saying %q:\n%s", status, tc.status, tc.says, body)
			}
		})
	}
}

func withParam(u *url.URL, key, value string) *url.URL {
	c := *u
	q := c.Query()
	q.Set(key, value)
	c.RawQuery = q.Encode()
	return &c
}

func TestExpiredIDTokenRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	// The fake's clock runs an hour behind: its token expired 55 minutes ago.
	old := fakeslackoidc.New(t, fakeslackoidc.WithClock(func() time.Time { return time.Now().Add(-time.Hour) }))
	old.AllowRedirect(a.srv.URL + "/signin/slack/callback")
	auth, err := signin.New(signin.Config{PublicURL: a.srv.URL, Key: testKey, Slack: &signin.SlackConfig{
		ClientID: fakeslackoidc.ClientID, ClientSecret: fakeslackoidc.ClientSecret, Issuer: old.URL(), Teams: []string{fakeslackoidc.TeamID},
	}}, incidentbot.SystemClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.serve(auth)
	status, body := a.callback(a.backFromProvider(a.toProvider("slack", "/dashboard")))
	if status != http.StatusUnauthorized || !strings.Contains(body, "could not be verified") {
		t.Errorf("got %d, want 401 saying the answer could not be verified:\n%s", status, body)
	}
}

func TestCodeUsedOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	back := a.backFromProvider(a.toProvider("discord", "/dashboard"))
	if status, _, _ := a.get(back.String()); status != http.StatusOK {
		t.Fatalf("first callback: %d", status)
	}
	// The same callback again (a reload, or a leaked URL): refused.
	if status, _, body := a.get(back.String()); status != http.StatusBadRequest || !strings.Contains(body, "stale") {
		t.Errorf("replayed callback: %d, want 400 stale:\n%s", status, body)
	}
}

func TestTamperedSessionRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.get("/signin/slack?next=/dashboard")
	site, _ := url.Parse(a.srv.URL)
	var session *http.Cookie
	for _, c := range a.client.Jar.Cookies(site) {
		if c.Name == "incidentbot_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session after signing in")
	}
	payload, sig, _ := strings.Cut(session.Value, ".")
	for name, value := range map[string]string{
		"another payload, same signature": strings.ToUpper(payload[:4]) + payload[4:] + "." + sig,
		"no signature":                    payload,
		"garbage":                         "%%%.!!!",
	} {
		a.client.Jar.SetCookies(site, []*http.Cookie{{Name: "incidentbot_session", Value: value, Path: "/"}})
		if _, at, _ := a.get("/dashboard"); !strings.HasPrefix(at, a.srv.URL+"/signin?") {
			t.Errorf("%s: reached %s, want the sign-in page", name, at)
		}
	}
}

func TestSessionOfAWorkspaceNoLongerServed(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.get("/signin/slack?next=/dashboard")
	// The same key, but the workspace left SLACK_TEAM_IDS.
	auth, err := signin.New(signin.Config{PublicURL: a.srv.URL, Key: testKey, Slack: &signin.SlackConfig{
		ClientID: fakeslackoidc.ClientID, ClientSecret: fakeslackoidc.ClientSecret, Issuer: a.slack.URL(), Teams: []string{"T0ANOTHER"},
	}}, incidentbot.ClockFunc(a.clock), nil)
	if err != nil {
		t.Fatal(err)
	}
	a.serve(auth)
	if _, at, _ := a.get("/dashboard"); !strings.HasPrefix(at, a.srv.URL+"/signin?") {
		t.Errorf("a session of a workspace no longer served reached %s", at)
	}
}

func TestNoOpenRedirect(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`, "/\t/evil.example", "evil.example", "/signin/slack", ""} {
		_, at, body := a.get("/signin/discord?next=" + url.QueryEscape(next))
		if at != a.srv.URL+"/" || body != "home" {
			t.Errorf("next=%q: landed on %s, want this site's home page", next, at)
		}
		a.step("POST", "/signout", nil)
	}
	// A path on this site, query and all, is kept.
	if _, at, _ := a.get("/signin/discord?next=" + url.QueryEscape("/dashboard?q=a%2Fb")); at != a.srv.URL+"/dashboard?q=a%2Fb" {
		t.Errorf("landed on %s, want /dashboard?q=a%%2Fb", at)
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.get("/signin/slack?next=/dashboard")
	cross := a.step("POST", "/signout", http.Header{"Origin": {"https://evil.example"}})
	if cross.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site sign-out: %d, want 403", cross.StatusCode)
	}
	if _, _, body := a.get("/dashboard"); !strings.HasPrefix(body, "viewer slack/") {
		t.Fatalf("a cross-site post signed the person out: %q", body)
	}
	out := a.step("POST", "/signout", http.Header{"Origin": {a.srv.URL}})
	if out.StatusCode != http.StatusSeeOther || out.Header.Get("Location") != "/" {
		t.Errorf("sign-out: %d to %q, want 303 to /", out.StatusCode, out.Header.Get("Location"))
	}
	if _, at, _ := a.get("/dashboard"); !strings.HasPrefix(at, a.srv.URL+"/signin?") {
		t.Errorf("after sign-out reached %s", at)
	}
}

func TestSlackUnreachableThenBack(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.slack.FailNext("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "bad gateway", http.StatusBadGateway)
	}, 1)
	status, _, body := a.get("/signin/slack?next=/dashboard")
	if status != http.StatusBadGateway || !strings.Contains(body, "Slack cannot be reached") {
		t.Errorf("discovery failing: %d, want 502 saying Slack cannot be reached:\n%s", status, body)
	}
	if _, _, body := a.get("/signin/slack?next=/dashboard"); !strings.HasPrefix(body, "viewer slack/") {
		t.Errorf("Slack back: %q, want signed in", body)
	}
}

func TestGuardWithoutSignIn(t *testing.T) {
	t.Parallel()
	auth, err := signin.New(signin.Config{}, incidentbot.SystemClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := routes(auth)
	for _, tc := range []struct {
		name, remote, host string
		header             http.Header
		status             int
		says               string
	}{
		{"browser on the machine", "127.0.0.1:50000", "127.0.0.1:8080", nil, http.StatusOK, "viewer ///" + "/local=yes"},
		{"localhost by name, IPv6", "[::1]:50000", "localhost:8080", nil, http.StatusOK, "local=yes"},
		{"another machine", "203.0.113.7:50000", "bot.example.com", nil, http.StatusForbidden, "No sign-in is configured"},
		{"through a proxy on the machine", "127.0.0.1:50000", "bot.example.com", http.Header{"X-Forwarded-For": {"203.0.113.7"}}, http.StatusForbidden, "PUBLIC_URL"},
		{"a foreign name resolving to loopback", "127.0.0.1:50000", "rebind.evil.example:8080", nil, http.StatusForbidden, "SLACK_CLIENT_ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "http://"+tc.host+"/dashboard", nil)
			req.RemoteAddr = tc.remote
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.says) {
				t.Errorf("got %d, want %d saying %q:\n%s", rec.Code, tc.status, tc.says, rec.Body)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "private, no-store" {
				t.Errorf("Cache-Control %q, want private, no-store", cc)
			}
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	discord := &signin.DiscordConfig{ClientID: "1", ClientSecret: "s", GuildID: "2"}
	for _, tc := range []struct {
		name string
		cfg  signin.Config
		says string
	}{
		{"short key", signin.Config{PublicURL: "https://x.example", Key: []byte("short"), Discord: discord}, "at least 32 bytes"},
		{"plain http off loopback", signin.Config{PublicURL: "http://x.example", Key: testKey, Discord: discord}, "https"},
		{"no public URL", signin.Config{Key: testKey, Discord: discord}, "public URL"},
		{"Slack without workspaces", signin.Config{PublicURL: "https://x.example", Key: testKey, Slack: &signin.SlackConfig{ClientID: "1", ClientSecret: "s"}}, "workspaces"},
		{"Discord without a guild", signin.Config{PublicURL: "https://x.example", Key: testKey, Discord: &signin.DiscordConfig{ClientID: "1", ClientSecret: "s"}}, "guild"},
	} {
		if _, err := signin.New(tc.cfg, incidentbot.SystemClock{}, nil); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.says)
		}
	}
}
