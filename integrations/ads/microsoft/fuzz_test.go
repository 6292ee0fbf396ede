package microsoft

import (
	"bytes"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/internal/fake/fakemicrosoft"
)

func FuzzParseFault(f *testing.F) {
	f.Add(400, "", []byte(`{"TrackingId":"0c9e","Type":"AdApiFaultDetail","Errors":[{"Code":117,"ErrorCode":"CallRateExceeded","Detail":null,"Message":"You have exceeded the number of calls."}]}`))
	f.Add(400, "", []byte(`{"TrackingId":"0c9e","Type":"ApiFaultDetail","BatchErrors":[],"OperationErrors":[{"Code":1114,"ErrorCode":"CampaignServiceCampaignsArrayExceedsLimit","Details":"","Message":"Too many."}]}`))
	f.Add(401, "", []byte(`{"Type":"AdApiFaultDetail","Errors":[{"Code":109,"ErrorCode":"AuthenticationTokenExpired","Message":"Expired."}]}`))
	f.Add(429, "30", []byte(``))
	f.Add(503, "Wed, 21 Oct 2026 07:28:00 GMT", []byte(`<html>503</html>`))
	f.Fuzz(func(t *testing.T, status int, retry string, b []byte) {
		ae := parseFault(status, http.Header{"Retry-After": {retry}}, b)
		if ae.HTTPStatus != status || ae.RetryAfter < 0 {
			t.Fatalf("parseFault(%d, %q, %q): got status %d, RetryAfter %v", status, retry, b, ae.HTTPStatus, ae.RetryAfter)
		}
		codes := []string{incidentbot.EUNAVAILABLE, incidentbot.EUNAUTHORIZED, incidentbot.EFORBIDDEN, incidentbot.ENOTFOUND, incidentbot.EINVALID}
		if got := incidentbot.ErrorCode(mapAPIError("1", ae)); !slices.Contains(codes, got) {
			t.Fatalf("mapAPIError(%v): got code %q", ae, got)
		}
	})
}

// TestSecretsNeverLogged refreshes an expired token and retries failed
// calls with logging on: the log names the calls, never a credential.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var logs bytes.Buffer
	c := newClient(t, srv)
	c.logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c.retry.Logger = c.logger
	if _, err := c.Campaigns(t.Context()); err != nil {
		t.Fatalf("Campaigns: %v", err)
	}
	srv.ExpireTokens()
	srv.FailNext(2, http.StatusInternalServerError)
	if _, err := c.SetStatus(t.Context(), campaigns(acctA, "701"), incidentbot.CampaignPaused, incidentbot.AdOptions{}); err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	for _, want := range []string{"refreshing", "retrying"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("got logs %q, want %q logged", logs.String(), want)
		}
	}
	for _, secret := range []string{fakemicrosoft.ClientSecret, fakemicrosoft.RefreshToken, fakemicrosoft.DeveloperToken, "fake-access-token", "M.C5_fake"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs hold %q: %s", secret, logs.String())
		}
	}
}

// FuzzAccountIDs: any MICROSOFT_ADS_ACCOUNT_IDS entry gives a client whose
// accounts and customers are digits, or an EINVALID error; never a panic.
func FuzzAccountIDs(f *testing.F) {
	for _, s := range []string{"149876543", "149876543:251234567", "149876543:", ":", "X1234567", "149876543:C1", " 1 : 2 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, entry string) {
		c, err := New(Config{ClientID: "id", RefreshToken: "r", DeveloperToken: "d", CustomerID: "251234567", AccountIDs: []string{entry}}, nil, nil)
		if err != nil {
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID {
				t.Fatalf("New(%q): got %v, want EINVALID", entry, err)
			}
			return
		}
		for _, a := range c.accounts {
			if !digits.MatchString(a) || !digits.MatchString(c.customer[a]) {
				t.Fatalf("New(%q): account %q customer %q, want digits", entry, a, c.customer[a])
			}
		}
	})
}
