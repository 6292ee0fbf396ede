package tiktok

import (
	"bytes"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/internal/fake/faketiktok"
)

func FuzzParseEnvelope(f *testing.F) {
	f.Add(200, []byte(`{"code":0,"message":"OK","request_id":"2026","data":{"list":[],"page_info":{"page":1,"total_page":1}}}`))
	f.Add(200, []byte(`{"code":40100,"message":"Too many requests.","request_id":"2026","data":{}}`))
	f.Add(200, []byte(`{"code":40104,"message":"Access token is null, you should set it in http header with key Access-Token.","data":{}}`))
	f.Add(502, []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add(200, []byte(`{"message":"no code"}`))
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		env, err := parseEnvelope(status, b)
		if err == nil {
			if env.Code == nil || *env.Code != 0 {
				t.Fatalf("parseEnvelope(%d, %q): no error without code 0", status, b)
			}
			return
		}
		var ae *apiError
		if !errors.As(err, &ae) {
			t.Fatalf("parseEnvelope(%d, %q): got %T, want *apiError", status, b, err)
		}
		codes := []string{incidentbot.EUNAVAILABLE, incidentbot.EUNAUTHORIZED, incidentbot.EFORBIDDEN, incidentbot.ENOTFOUND, incidentbot.EINVALID}
		if got := incidentbot.ErrorCode(mapError(ae, 0, "")); !slices.Contains(codes, got) {
			t.Fatalf("mapError(%v): got code %q", ae, got)
		}
	})
}

func FuzzAmount(f *testing.F) {
	for _, s := range []string{`200.0`, `"80.5"`, `null`, `""`, `"abc"`, `1e309`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a amount
		if err := a.UnmarshalJSON(b); err != nil || math.IsNaN(float64(a)) {
			return
		}
		var back amount
		s := strconv.FormatFloat(float64(a), 'g', -1, 64)
		if err := back.UnmarshalJSON([]byte(`"` + s + `"`)); err != nil || back != a {
			t.Fatalf("UnmarshalJSON(%q) = %v; its string form %q reads back as %v, %v", b, float64(a), s, float64(back), err)
		}
	})
}

// TestTokenNeverLogged retries throttled calls with logging on: the log
// names the call, never the token.
func TestTokenNeverLogged(t *testing.T) {
	t.Parallel()
	srv, ids := newServer(t)
	var logs bytes.Buffer
	c := newClient(t, srv)
	c.logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c.retry.Logger = c.logger
	srv.ThrottleNext(2)
	srv.FailStatusNext(1, http.StatusBadGateway)
	if _, err := c.SetStatus(t.Context(), campaigns(advA, ids[0]), incidentbot.CampaignPaused, incidentbot.AdOptions{}); err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("got logs %q, want the retries logged", logs.String())
	}
	if strings.Contains(logs.String(), faketiktok.DefaultToken) {
		t.Errorf("logs hold the access token: %s", logs.String())
	}
}
