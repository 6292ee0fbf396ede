package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"incidentbot"
	"incidentbot/internal/browsertest"
	"incidentbot/internal/fake/fakediscordoauth"
	"incidentbot/internal/fake/fakeslackoidc"
	"incidentbot/internal/storetest"
	"incidentbot/server"
	"incidentbot/web"
	"incidentbot/web/signin"
)

// signedInSite serves the pages through server.NewServer with sign-in
// against both fake providers.
func signedInSite(t *testing.T) (*httptest.Server, *fakeslackoidc.Server, *fakediscordoauth.Server) {
	t.Helper()
	slack, discord := fakeslackoidc.New(t), fakediscordoauth.New(t)
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	slack.AllowRedirect(srv.URL + "/signin/slack/callback")
	discord.AllowRedirect(srv.URL + "/signin/discord/callback")
	auth, err := signin.New(signin.Config{
		PublicURL: srv.URL,
		Key:       []byte("browser-test-key-0123456789abcdef-0123"),
		Slack: &signin.SlackConfig{ClientID: fakeslackoidc.ClientID, ClientSecret: fakeslackoidc.ClientSecret,
			Issuer: slack.URL(), Teams: []string{fakeslackoidc.TeamID}},
		Discord: &signin.DiscordConfig{ClientID: fakediscordoauth.ClientID, ClientSecret: fakediscordoauth.ClientSecret,
			URL: discord.URL(), GuildID: fakediscordoauth.GuildID},
	}, incidentbot.SystemClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(web.Config{Name: "Example Shop", Chats: []string{"slack", "discord"}}, storetest.SQLite(t), mustBooks(t), incidentbot.NewManualClock(now), nil)
	if err != nil {
		t.Fatal(err)
	}
	deps := dashDeps(site, auth.Guard)
	deps.Identify = auth.Identify
	deps.SignIn, deps.SignInStart, deps.SignInCallback, deps.SignOut = auth.Page(), auth.Start(), auth.Callback(), auth.SignOut()
	h = server.NewServer(deps)
	return srv, slack, discord
}

// TestBrowserSignIn signs in with each fake provider in Chromium on a
// phone: a private page sends the visitor to the sign-in page, a click
// goes through the provider and back to the page asked for, the home page
// is then the dashboard naming who is looking, and signing out ends it.
func TestBrowserSignIn(t *testing.T) {
	b := browsertest.New(t)
	srv, _, _ := signedInSite(t)
	for _, tc := range []struct{ provider, name string }{
		{"slack", fakeslackoidc.DefaultUser.Name},
		{"discord", fakediscordoauth.DefaultUser.GlobalName},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			b.T = t
			// A private page sends a visitor without a session to sign in.
			b.Do(chromedp.Navigate(srv.URL + "/incidents"))
			if got := browsertest.Eval[string](b, `location.pathname + location.search`); got != "/signin?next=%2Fincidents" {
				t.Fatalf("a visitor at /incidents is at %s, want /signin?next=%%2Fincidents", got)
			}
			if got := browsertest.Eval[string](b, `document.querySelector("h1").textContent`); got != "Sign in" {
				t.Fatalf("heading %q, want Sign in", got)
			}
			b.NoHorizontalScroll("/signin")
			resp, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.ID("signin-"+tc.provider)))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != http.StatusOK || resp.URL != srv.URL+"/incidents" {
				t.Fatalf("after the provider: %d at %s, want 200 at %s/incidents", resp.Status, resp.URL, srv.URL)
			}
			// Signed in: the dashboard, with who is looking in its footer.
			b.Do(chromedp.Navigate(srv.URL + "/"))
			if !browsertest.Eval[bool](b, `document.querySelector("nav.menu") !== null`) {
				t.Fatalf("/ after signing in is not the dashboard:\n%s", browsertest.Eval[string](b, `document.body.innerText`))
			}
			if got := browsertest.Eval[string](b, `document.querySelector("footer").innerText`); !strings.Contains(got, tc.name) {
				t.Errorf("the dashboard's footer says %q, want the name %s", got, tc.name)
			}
			b.NoHorizontalScroll("the dashboard")
			if _, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.ID("signout"))); err != nil {
				t.Fatal(err)
			}
			b.Do(chromedp.Navigate(srv.URL + "/incidents"))
			if got := browsertest.Eval[string](b, `location.pathname`); got != "/signin" {
				t.Errorf("after signing out /incidents is at %s, want the sign-in page", got)
			}
		})
	}
	b.T = t
	b.NoErrors()
}
