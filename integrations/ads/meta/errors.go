package meta

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

// graphError is the body of a Graph API error.
type graphError struct {
	HTTPStatus  int    `json:"-"`
	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode"`
	UserMessage string `json:"error_user_msg"`
	Transient   bool   `json:"is_transient"`
	TraceID     string `json:"fbtrace_id"`
}

func (e *graphError) Error() string {
	return fmt.Sprintf("meta: HTTP %d code %d subcode %d (%s): %s, fbtrace_id %s", e.HTTPStatus, e.Code, e.Subcode, e.Type, e.Message, e.TraceID)
}

// parseGraphError reads {"error":{...}}; ok is false when b is not one.
func parseGraphError(status int, b []byte) (*graphError, bool) {
	var env struct {
		Error *graphError `json:"error"`
	}
	if json.Unmarshal(b, &env) != nil || env.Error == nil || env.Error.Code == 0 {
		return nil, false
	}
	env.Error.HTTPStatus = status
	return env.Error, true
}

// Throttling codes: application (4), user (17), ad account (613), ads
// management business use case (80000-80014, of which 80004 for ads).
func (e *graphError) throttled() bool {
	return slices.Contains([]int{4, 17, 32, 613}, e.Code) || e.Code >= 80000 && e.Code <= 80014
}

// retryable says a plain retry may succeed.
func (e *graphError) retryable() bool {
	return e.Code == 1 || e.Code == 2 || e.Transient || e.HTTPStatus >= 500
}

// mapError turns a Graph error into an *incidentbot.Error; what is
// for campaign id when id is not empty.
func mapError(e *graphError, wait time.Duration, id string) error {
	what := i18n.M("ads.what.request", nil)
	if id != "" {
		what = i18n.M("ads.what.campaign", map[string]any{"ID": id})
	}
	switch {
	case e.throttled():
		return adsapi.Throttled(incidentbot.AdsMeta, "", wait, e,
			"ads.meta.throttled", map[string]any{"Wait": wait.Round(time.Second).String()})
	case e.Code == 190 || e.Code == 102 || e.Code == 104 || e.Code == 463 || e.Code == 467:
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, e, "ads.meta.token", map[string]any{"Code": strconv.Itoa(e.Code)})
	case e.Code == 10 || e.Code == 294 || e.Code >= 200 && e.Code <= 299:
		return i18n.Wrap(incidentbot.EFORBIDDEN, e, "ads.meta.denied", map[string]any{"What": what, "Code": strconv.Itoa(e.Code)})
	case e.retryable():
		return i18n.Wrap(incidentbot.EUNAVAILABLE, e, "ads.meta.down", nil)
	case e.Code == 100 && e.Subcode == 33:
		return i18n.Wrap(incidentbot.ENOTFOUND, e, "ads.meta.not_found", map[string]any{"What": what})
	}
	msg := e.UserMessage
	if msg == "" {
		msg = e.Message
	}
	return i18n.Wrap(incidentbot.EINVALID, e, "ads.meta.rejected", map[string]any{"What": what, "Detail": msg})
}

// usageWait reads how long Meta says the account stays throttled from
// X-Business-Use-Case-Usage (estimated_time_to_regain_access, in minutes)
// and X-Ad-Account-Usage (reset_time_duration, taken as seconds).
func usageWait(h http.Header) time.Duration {
	var wait time.Duration
	var buc map[string][]struct {
		Minutes float64 `json:"estimated_time_to_regain_access"`
	}
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc) == nil {
		for _, us := range buc {
			for _, u := range us {
				wait = max(wait, time.Duration(math.Max(u.Minutes, 0)*float64(time.Minute)))
			}
		}
	}
	var acc struct {
		Reset float64 `json:"reset_time_duration"`
	}
	if json.Unmarshal([]byte(h.Get("X-Ad-Account-Usage")), &acc) == nil {
		wait = max(wait, time.Duration(math.Max(acc.Reset, 0)*float64(time.Second)))
	}
	return wait
}

// statusError is an answer that is not a Graph error (a proxy's 502 page).
func statusError(status int) *graphError {
	return &graphError{HTTPStatus: status, Code: -1, Message: http.StatusText(status), Type: "HTTP"}
}
