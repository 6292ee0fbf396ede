package microsoft

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

// Operation error codes the client acts on (guides/operation-error-codes).
const (
	codeInternal      = 0
	codeInvalidCreds  = 105 // bad access token or developer token
	codeNotAuthorized = 106 // the user may not reach the account
	codeTokenExpired  = 109
	codeCallRate      = 117 // CallRateExceeded
	codeInvalidID     = 1100
)

// faultError is one error of an ApplicationFault: AdApiError (Detail),
// OperationError or BatchError (Details, Index).
type faultError struct {
	Code      int    `json:"Code"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
	Index     *int   `json:"Index"`
}

// apiError is a whole-request fault: AdApiFaultDetail carries Errors,
// ApiFaultDetail OperationErrors and BatchErrors.
type apiError struct {
	HTTPStatus      int           `json:"-"`
	RetryAfter      time.Duration `json:"-"` // from a Retry-After header, 0 if none
	TrackingID      string        `json:"TrackingId"`
	Type            string        `json:"Type"`
	Errors          []faultError  `json:"Errors"`
	OperationErrors []faultError  `json:"OperationErrors"`
	BatchErrors     []faultError  `json:"BatchErrors"`
}

func (e *apiError) all() []faultError {
	return slices.Concat(e.Errors, e.OperationErrors, e.BatchErrors)
}

func (e *apiError) Error() string {
	var codes []string
	for _, f := range e.all() {
		codes = append(codes, fmt.Sprintf("%d %s: %s", f.Code, f.ErrorCode, f.Message))
	}
	if len(codes) == 0 {
		codes = []string{http.StatusText(e.HTTPStatus)}
	}
	return fmt.Sprintf("microsoft advertising: HTTP %d %s (TrackingId %s): %s", e.HTTPStatus, e.Type, e.TrackingID, strings.Join(codes, "; "))
}

func (e *apiError) has(codes ...int) bool {
	return slices.ContainsFunc(e.all(), func(f faultError) bool { return slices.Contains(codes, f.Code) })
}

func (e *apiError) throttled() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.has(codeCallRate)
}

// retryable says a plain retry may succeed.
func (e *apiError) retryable() bool {
	return e.HTTPStatus >= 500 || e.has(codeInternal) && !e.has(codeInvalidCreds, codeNotAuthorized)
}

// authExpired says a refreshed access token may succeed.
func (e *apiError) authExpired() bool {
	return e.has(codeTokenExpired, codeInvalidCreds) || e.HTTPStatus == http.StatusUnauthorized
}

// mapAPIError turns a fault into an *incidentbot.Error people can act on.
func mapAPIError(account string, e *apiError) error {
	switch {
	case e.throttled():
		wait := e.RetryAfter
		if wait <= 0 {
			wait = rateWindow
		}
		return adsapi.Throttled(incidentbot.AdsMicrosoft, account, wait, e,
			"ads.microsoft.throttled", map[string]any{"Account": account, "Wait": wait.String()})
	case e.has(codeInvalidCreds, codeTokenExpired) || e.HTTPStatus == http.StatusUnauthorized:
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, e, "ads.microsoft.credentials", nil)
	case e.has(codeNotAuthorized) || e.HTTPStatus == http.StatusForbidden:
		return i18n.Wrap(incidentbot.EFORBIDDEN, e, "ads.microsoft.denied", map[string]any{"Account": account})
	case e.retryable():
		return i18n.Wrap(incidentbot.EUNAVAILABLE, e, "ads.microsoft.down", nil)
	case e.HTTPStatus == http.StatusNotFound:
		return i18n.Wrap(incidentbot.ENOTFOUND, e, "ads.microsoft.address", nil)
	}
	msg := "no details"
	if fs := e.all(); len(fs) > 0 {
		msg = fs[0].Message
	}
	return i18n.Wrap(incidentbot.EINVALID, e, "ads.microsoft.rejected", map[string]any{"Account": account, "Detail": msg})
}

// itemError maps the PartialErrors entry of one campaign.
func itemError(id string, to incidentbot.CampaignStatus, f faultError) error {
	code := incidentbot.EINVALID
	switch f.Code {
	case codeInternal, codeCallRate:
		code = incidentbot.EUNAVAILABLE
	case codeInvalidID:
		code = incidentbot.ENOTFOUND
	case codeNotAuthorized:
		code = incidentbot.EFORBIDDEN
	}
	verb := "pause"
	if to == incidentbot.CampaignActive {
		verb = "resume"
	}
	return incidentbot.WrapError(code, fmt.Errorf("%d %s: %s", f.Code, f.ErrorCode, f.Message),
		"Microsoft Advertising could not %s campaign %s: %s", verb, id, strings.TrimSuffix(f.Message, "."))
}
