package alerts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"incidentbot"
)

// Grafana signature headers. The signature header is Grafana's default
// name; Grafana has no default timestamp header, so this is the name to
// configure there (Contact point > Webhook > HMAC > Timestamp header). It
// is required: a signature of the body alone never expires, so a captured
// notification could be replayed for ever.
const (
	GrafanaSignatureHeader = "X-Grafana-Alerting-Signature"
	GrafanaTimestampHeader = "X-Grafana-Alerting-Timestamp"
)

// processTimeout bounds the work on one notification once it is accepted.
const processTimeout = 30 * time.Second

// maxSignatureAge refuses replays of an old signed Grafana notification.
const maxSignatureAge = 5 * time.Minute

// Alertmanager serves POST /webhooks/alertmanager (webhook payload v4,
// bearer token).
func (r *Receiver) Alertmanager() http.Handler {
	return r.handler(source{name: "alertmanager", actor: "Alertmanager"}, r.checkBearer, parseAlertmanager)
}

// Grafana serves POST (or PUT) /webhooks/grafana (unified alerting payload
// version 1): the bearer token when ALERT_WEBHOOK_TOKEN is set and the HMAC
// signature with its timestamp when the Grafana secret is set; at least one
// of them.
func (r *Receiver) Grafana() http.Handler {
	return r.handler(source{name: "grafana", actor: "Grafana"}, r.checkGrafana, parseGrafana)
}

// Generic serves POST /webhooks/generic: {"title", "severity",
// "dedupe_key", "status", "url", "description"} with the bearer token.
func (r *Receiver) Generic() http.Handler {
	return r.handler(source{name: "generic", actor: r.say("alerts.source.generic", nil)}, r.checkBearer, parseGeneric)
}

// response is every webhook's answer.
type response struct {
	Results []result `json:"results,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// handler answers 2xx for everything accepted, duplicates included; 4xx
// for what the sender must fix (Alertmanager does not retry those);
// 503 only when the store could not record, which Alertmanager retries.
func (r *Receiver) handler(src source, auth func(req *http.Request, body []byte) error, parse func([]byte) ([]alert, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		if req.Method != http.MethodPost && req.Method != http.MethodPut {
			w.Header().Set("Allow", "POST, PUT")
			r.fail(w, http.StatusMethodNotAllowed, "Send alerts with POST.")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.cfg.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				r.fail(w, http.StatusRequestEntityTooLarge, "The body is larger than "+strconv.FormatInt(r.cfg.MaxBody, 10)+" bytes: lower max_alerts in the webhook config.")
				return
			}
			r.fail(w, http.StatusBadRequest, "The body could not be read.")
			return
		}
		if err := auth(req, body); err != nil {
			r.logger.WarnContext(ctx, "alert webhook refused", "source", src.name, "remote", req.RemoteAddr, "err", err)
			r.fail(w, http.StatusUnauthorized, incidentbot.ErrorMessage(err))
			return
		}
		alerts, err := parse(body)
		if err != nil {
			r.logger.WarnContext(ctx, "alert webhook body refused", "source", src.name, "err", err)
			r.fail(w, http.StatusBadRequest, incidentbot.ErrorMessage(err))
			return
		}
		// A sender that hangs up must not cut the work between a delivery
		// claim and the record it guards: its retry would find the claim taken.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), processTimeout)
		defer cancel()
		results, err := r.process(pctx, src, alerts)
		if err != nil {
			r.logger.ErrorContext(ctx, "alert not recorded, asking the sender to retry", "source", src.name, "code", incidentbot.ErrorCode(err), "err", err)
			r.fail(w, http.StatusServiceUnavailable, "The incident store is unavailable: nothing was recorded. Send the notification again (Alertmanager retries by itself).")
			return
		}
		r.write(w, http.StatusOK, response{Results: results})
	})
}

func (r *Receiver) fail(w http.ResponseWriter, status int, msg string) {
	r.write(w, status, response{Error: msg})
}

func (r *Receiver) write(w http.ResponseWriter, status int, v response) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// checkBearer compares the Authorization bearer token in constant time.
func (r *Receiver) checkBearer(req *http.Request, _ []byte) error {
	want := r.cfg.Token.Reveal()
	if want == "" {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "This bot accepts no alerts yet: set ALERT_WEBHOOK_TOKEN and send it as a bearer token.")
	}
	got, ok := bearer(req)
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "Missing or wrong bearer token: set the webhook's authorization credentials to the value of ALERT_WEBHOOK_TOKEN.")
	}
	return nil
}

func bearer(req *http.Request) (string, bool) {
	h := req.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// checkGrafana checks the bearer token and the HMAC signature, each when
// configured, and refuses a request when neither is.
func (r *Receiver) checkGrafana(req *http.Request, body []byte) error {
	if r.cfg.Token == "" && r.cfg.GrafanaSecret == "" {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "This bot accepts no Grafana alerts yet: set ALERT_WEBHOOK_TOKEN or the Grafana HMAC secret.")
	}
	if r.cfg.Token != "" {
		if err := r.checkBearer(req, body); err != nil {
			return err
		}
	}
	if r.cfg.GrafanaSecret != "" {
		return checkSignature(r.cfg.GrafanaSecret, req.Header.Get(GrafanaSignatureHeader), req.Header.Get(GrafanaTimestampHeader), body, r.clock.Now())
	}
	return nil
}

// checkSignature verifies Grafana's hex HMAC-SHA256 of "timestamp:body"
// with a timestamp within maxSignatureAge of now.
func checkSignature(secret incidentbot.Secret, sig, ts string, body []byte, now time.Time) error {
	if sig == "" {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "Missing %s header: configure the HMAC secret in the Grafana contact point.", GrafanaSignatureHeader)
	}
	if ts == "" {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "Missing %s header: set the contact point's HMAC Timestamp header to %s, so a captured notification cannot be replayed later.", GrafanaTimestampHeader, GrafanaTimestampHeader)
	}
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "The %s header is not hex: check the Grafana contact point.", GrafanaSignatureHeader)
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
	if err != nil {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "The %s header is not a Unix time in seconds.", GrafanaTimestampHeader)
	}
	if age := now.Sub(time.Unix(sec, 0)); age > maxSignatureAge || age < -maxSignatureAge {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "The signed notification is %s old: refused as a possible replay. Check the clocks of Grafana and this bot.", age.Round(time.Second))
	}
	mac := hmac.New(sha256.New, []byte(secret.Reveal()))
	mac.Write([]byte(strings.TrimSpace(ts) + ":"))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return incidentbot.Errorf(incidentbot.EUNAUTHORIZED, "Wrong %s: the Grafana HMAC secret differs from this bot's.", GrafanaSignatureHeader)
	}
	return nil
}
