package signin_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakediscordoauth"
	"incidentbot/internal/fake/fakeslackoidc"
	"incidentbot/web"
	"incidentbot/web/signin"
)

var testKey = []byte("0123456789abcdef0123456789abcdef-test-key")

// app is a site with the sign-in routes and one private page, /dashboard,
// that says who the viewer is.
type app struct {
	t       *testing.T
	srv     *httptest.Server
	slack   *fakeslackoidc.Server
	discord *fakediscordoauth.Server
	logs    *bytes.Buffer
	client  *http.Client // a browser: cookies, follows redirects

	handler atomic.Pointer[http.Handler]

	mu  sync.Mutex
	now time.Time
}

// serve makes the site use auth from the next request on.
func (a *app) serve(auth *signin.Auth) {
	h := routes(auth)
	a.handler.Store(&h)
}

func (a *app) clock() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.now
}

func (a *app) advance(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.now = a.now.Add(d)
}

// newApp starts the site with Slack and Discord sign-in against fakes;
// edit changes the configuration first.
func newApp(t *testing.T, edit func(*signin.Config)) *app {
	t.Helper()
	a := &app{t: t, now: time.Now().UTC(), logs: &bytes.Buffer{}}
	a.slack = fakeslackoidc.New(t)
	a.discord = fakediscordoauth.New(t)
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*a.handler.Load()).ServeHTTP(w, r) }))
	t.Cleanup(a.srv.Close)
	a.slack.AllowRedirect(a.srv.URL + "/signin/slack/callback")
	a.discord.AllowRedirect(a.srv.URL + "/signin/discord/callback")
	cfg := signin.Config{
		PublicURL: a.srv.URL,
		Key:       testKey,
		Slack: &signin.SlackConfig{
			ClientID: fakeslackoidc.ClientID, ClientSecret: fakeslackoidc.ClientSecret,
			Issuer: a.slack.URL(), Teams: []string{fakeslackoidc.TeamID},
		},
		Discord: &signin.DiscordConfig{
			ClientID: fakediscordoauth.ClientID, ClientSecret: fakediscordoauth.ClientSecret,
			URL: a.discord.URL(), GuildID: fakediscordoauth.GuildID,
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: a.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	auth, err := signin.New(cfg, incidentbot.ClockFunc(a.clock), logger)
	if err != nil {
		t.Fatal(err)
	}
	a.serve(auth)
	jar, _ := cookiejar.New(nil)
	a.client = &http.Client{Jar: jar, Timeout: 10 * time.Second}
	t.Cleanup(func() {
		for _, secret := range []string{fakeslackoidc.ClientSecret, fakediscordoauth.ClientSecret} {
			if strings.Contains(a.logs.String(), secret) {
				t.Errorf("a client secret reached the log:\n%s", a.logs)
			}
		}
	})
	return a
}

// routes is how server/routes.go mounts the sign-in.
func routes(auth *signin.Auth) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /signin", auth.Page())
	mux.Handle("GET /signin/{provider}", auth.Start())
	mux.Handle("GET /signin/{provider}/callback", auth.Callback())
	mux.Handle("POST /signout", auth.SignOut())
	mux.Handle("GET /dashboard", auth.Guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := web.ViewerFrom(r.Context())
		if !ok {
			http.Error(w, "no viewer", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "viewer "+v.Platform+"/"+v.Workspace+"/"+v.UserID+"/"+v.Name+"/local="+map[bool]string{true: "yes", false: "no"}[v.Local])
	})))
	mux.Handle("GET /{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "home") }))
	return mux
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// get follows redirects from path (on the site, or a full URL) and gives
// the final status, URL and body.
func (a *app) get(path string) (int, string, string) {
	a.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = a.srv.URL + path
	}
	resp, err := a.client.Get(path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.String(), string(b)
}

// step makes one request without following a redirect.
func (a *app) step(method, u string, header http.Header) *http.Response {
	a.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = a.srv.URL + u
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	c := *a.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// toProvider starts a sign-in and returns the provider's authorize URL.
func (a *app) toProvider(provider, next string) *url.URL {
	a.t.Helper()
	resp := a.step("GET", "/signin/"+provider+"?next="+url.QueryEscape(next), nil)
	if resp.StatusCode != http.StatusFound {
		a.t.Fatalf("start: status %d, want 302", resp.StatusCode)
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// backFromProvider has the provider answer authorize and returns the
// callback URL it sends the browser to.
func (a *app) backFromProvider(authorize *url.URL) *url.URL {
	a.t.Helper()
	resp := a.step("GET", authorize.String(), nil)
	if resp.StatusCode != http.StatusFound {
		a.t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

func TestSignInLandsOnThePageAsked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		provider, want string
	}{
		{"slack", "viewer slack/" + fakeslackoidc.TeamID + "/" + fakeslackoidc.DefaultUser.ID + "/Ada Lovelace/local=no"},
		{"discord", "viewer discord/" + fakediscordoauth.GuildID + "/" + fakediscordoauth.DefaultUser.ID + "/Grace Hopper/local=no"},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, nil)
			status, at, body := a.get("/dashboard?period=30d")
			if status != http.StatusOK || !strings.HasPrefix(at, a.srv.URL+"/signin?next=") || !strings.Contains(body, `id="signin-`+tc.provider+`"`) {
				t.Fatalf("a visitor without a session: %d at %s, want the sign-in page offering %s:\n%s", status, at, tc.provider, body)
			}
			status, at, body = a.get("/signin/" + tc.provider + "?next=" + url.QueryEscape("/dashboard?period=30d"))
			if status != http.StatusOK || at != a.srv.URL+"/dashboard?period=30d" || body != tc.want {
				t.Fatalf("after sign-in: %d at %s, body %q; want 200 at /dashboard?period=30d, %q", status, at, body, tc.want)
			}
			// The session holds for later requests, until its end.
			if _, _, body := a.get("/dashboard"); body != tc.want {
				t.Errorf("next request: %q, want %q", body, tc.want)
			}
			a.advance(signin.DefaultSessionTTL + time.Second)
			if _, at, _ := a.get("/dashboard"); !strings.HasPrefix(at, a.srv.URL+"/signin?") {
				t.Errorf("an expired session reached %s, want the sign-in page", at)
			}
		})
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	start := a.step("GET", "/signin/slack?next=/dashboard", nil)
	flowC := cookieNamed(start, "incidentbot_signin")
	if flowC == nil || !flowC.HttpOnly || flowC.SameSite != http.SameSiteLaxMode || flowC.Path != "/signin/" || flowC.MaxAge != 600 {
		t.Fatalf("flow cookie %+v, want HttpOnly, SameSite=Lax, Path=/signin/, Max-Age=600", flowC)
	}
	loc, _ := url.Parse(start.Header.Get("Location"))
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || q.Get("scope") != "openid profile" || q.Get("team") != fakeslackoidc.TeamID {
		t.Errorf("authorize URL %s lacks PKCE S256, nonce, state, scope openid profile or team", loc)
	}
	cb := a.step("GET", a.backFromProvider(loc).String(), nil)
	s := cookieNamed(cb, "incidentbot_session")
	if cb.StatusCode != http.StatusSeeOther || s == nil || !s.HttpOnly || s.SameSite != http.SameSiteLaxMode || s.Path != "/" || s.MaxAge != int(signin.DefaultSessionTTL/time.Second) {
		t.Fatalf("callback %d, session cookie %+v; want 303 and an HttpOnly, Lax, Path=/ cookie for 12h", cb.StatusCode, s)
	}
	if s.Secure {
		t.Errorf("the session cookie is Secure on a plain-http loopback site: the browser would drop it")
	}
	if gone := cookieNamed(cb, "incidentbot_signin"); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("the flow cookie is not cleared after the callback: %+v", gone)
	}
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSecureCookieOffLoopback(t *testing.T) {
	t.Parallel()
	auth, err := signin.New(signin.Config{
		PublicURL: "https://incidents.example.com",
		Key:       testKey,
		Discord:   &signin.DiscordConfig{ClientID: "1", ClientSecret: "s", GuildID: "2"},
	}, incidentbot.SystemClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "https://incidents.example.com/signin/discord", nil)
	req.SetPathValue("provider", "discord")
	auth.Start().ServeHTTP(rec, req)
	c := cookieNamed(rec.Result(), "incidentbot_signin")
	if c == nil || !c.Secure {
		t.Errorf("flow cookie %+v on an https site, want Secure", c)
	}
}
