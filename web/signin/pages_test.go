package signin_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"incidentbot"
	"incidentbot/internal/fake/fakeslackoidc"
	"incidentbot/internal/golden"
	"incidentbot/web/signin"
)

// TestPagesGolden keeps the sign-in pages' HTML: the providers offered,
// the closed page's set-up steps, a refusal saying why.
func TestPagesGolden(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	off, err := signin.New(signin.Config{}, incidentbot.SystemClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	closed := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "http://bot.example.com/signin", nil)
	req.RemoteAddr = "203.0.113.7:50000"
	off.Page().ServeHTTP(closed, req)
	closedFR := httptest.NewRecorder()
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
	off.Page().ServeHTTP(closedFR, req)

	a.slack.SignInAs(fakeslackoidc.User{ID: "U0OTHER", Team: "T0OTHERTEAM", Name: "Mallory"})
	_, _, refused := a.get("/signin/slack?next=/dashboard")
	_, _, page := a.get("/signin?next=" + "/incidents%3Fseverity%3Dsev1")
	_, _, pageFR := a.get("/signin?lang=fr&next=/")
	for file, got := range map[string]string{
		"signin.html":    page,
		"signin_fr.html": pageFR,
		"closed.html":    readAll(t, closed.Result()),
		"closed_fr.html": readAll(t, closedFR.Result()),
		"refused.html":   refused,
	} {
		golden.Check(t, file, []byte(got))
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
