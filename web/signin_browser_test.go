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
	site, err := web.New(web.Config{Name: "Example Shop"}, storetest.SQLite(t), mustBooks(t), incidentbot.NewManualClock(now), nil)
	if err != nil {
		t.Fatal(err)
	}
	h = server.NewServer(server.Deps{
		Home: site.Home(), Assets: site.Assets(),
		SignIn: auth.Page(), SignInStart: auth.Start(), SignInCallback: auth.Callback(), SignOut: auth.SignOut(),
		Guard: auth.Guard, Identify: auth.Identify,
	})
	return srv, slack, discord
}

// TestBrowserSignIn signs in with each fake provider in Chromium on a
// phone: the sign-in page offers both, a click goes through the provider
// and back to the page asked for, the session holds, and signing out ends it.
func TestBrowserSignIn(t *testing.T) {
	b := browsertest.New(t)
	srv, _, _ := signedInSite(t)
	for _, tc := range []struct{ provider, name string }{
		{"slack", fakeslackoidc.DefaultUser.Name},
		{"discord", fakediscordoauth.DefaultUser.GlobalName},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			b.T = t
			b.Do(chromedp.Navigate(srv.URL + "/signin?next=/"))
			if got := browsertest.Eval[string](b, `document.querySelector("h1").textContent`); got != "Sign in" {
				t.Fatalf("heading %q, want Sign in", got)
			}
			b.NoHorizontalScroll("/signin")
			resp, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.ID("signin-"+tc.provider)))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != http.StatusOK || resp.URL != srv.URL+"/" {
				t.Fatalf("after the provider: %d at %s, want 200 at %s/", resp.Status, resp.URL, srv.URL)
			}
			b.Do(chromedp.Navigate(srv.URL + "/signin"))
			if got := browsertest.Eval[string](b, `(document.getElementById("signed-in") || {}).textContent || ""`); !strings.Contains(got, tc.name) {
				t.Fatalf("the sign-in page says %q, want signed in as %s", got, tc.name)
			}
			if _, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.ID("signout"))); err != nil {
				t.Fatal(err)
			}
			b.Do(chromedp.Navigate(srv.URL + "/signin"))
			if browsertest.Eval[bool](b, `document.getElementById("signed-in") !== null`) {
				t.Error("still signed in after signing out")
			}
		})
	}
	b.T = t
	b.NoErrors()
}
