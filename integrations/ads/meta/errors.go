package meta

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"incidentbot"
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
	what := "the request"
	if id != "" {
		what = "campaign " + id
	}
	switch {
	case e.throttled():
		return adsapi.Throttled(incidentbot.AdsMeta, "", wait, e,
			"Meta is rate limiting the ad account; try again in %s.", wait.Round(time.Second))
	case e.Code == 190 || e.Code == 102 || e.Code == 104 || e.Code == 463 || e.Code == 467:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, e,
			"Meta refused the access token (code %d). Create a new system-user token with ads_management and set META_ADS_ACCESS_TOKEN.", e.Code)
	case e.Code == 10 || e.Code == 294 || e.Code >= 200 && e.Code <= 299:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, e,
			"Meta did not allow changing %s (code %d). Give the system user the ads_management permission on the ad account.", what, e.Code)
	case e.retryable():
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, e, "Meta is not answering right now; the bot will retry.")
	case e.Code == 100 && e.Subcode == 33:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, e,
			"Meta could not find %s or the token may not manage it. It may have been deleted: list the campaigns again.", what)
	}
	msg := e.UserMessage
	if msg == "" {
		msg = e.Message
	}
	return incidentbot.WrapError(incidentbot.EINVALID, e, "Meta rejected %s: %s", what, msg)
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
