package googleads

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads/adsapi"
)

// apiError is the REST error envelope: google.rpc.Status with a
// GoogleAdsFailure in its details.
type apiError struct {
	HTTPStatus int    `json:"-"`
	Code       int    `json:"code"`
	Message    string `json:"message"`
	Status     string `json:"status"`
	Details    []struct {
		Errors    []adsError `json:"errors"`
		RequestID string     `json:"requestId"`
	} `json:"details"`
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("google ads: HTTP %d %s: %s", e.HTTPStatus, e.Status, e.Message)
	if codes := e.codes(); len(codes) > 0 {
		s += " (" + strings.Join(codes, ", ") + ")"
	}
	return s
}

// codes lists the GoogleAdsError codes as "quotaError RESOURCE_EXHAUSTED".
func (e *apiError) codes() []string {
	var out []string
	for _, d := range e.Details {
		for _, ae := range d.Errors {
			out = append(out, ae.code())
		}
	}
	return out
}

func (e *apiError) has(kind string, enums ...string) bool {
	for _, d := range e.Details {
		for _, ae := range d.Errors {
			if v, ok := ae.ErrorCode[kind]; ok && (len(enums) == 0 || slices.Contains(enums, v)) {
				return true
			}
		}
	}
	return false
}

// retryDelay is the largest quotaErrorDetails.retryDelay, 0 if none.
func (e *apiError) retryDelay() time.Duration {
	var d time.Duration
	for _, det := range e.Details {
		for _, ae := range det.Errors {
			if v, err := time.ParseDuration(ae.Details.QuotaErrorDetails.RetryDelay); err == nil {
				d = max(d, v)
			}
		}
	}
	return d
}

// adsError is one GoogleAdsError.
type adsError struct {
	ErrorCode map[string]string `json:"errorCode"`
	Message   string            `json:"message"`
	Location  struct {
		FieldPathElements []struct {
			FieldName string `json:"fieldName"`
			Index     *int   `json:"index"`
		} `json:"fieldPathElements"`
	} `json:"location"`
	Details struct {
		QuotaErrorDetails struct {
			RetryDelay string `json:"retryDelay"`
		} `json:"quotaErrorDetails"`
	} `json:"details"`
}

func (ae adsError) code() string {
	for k, v := range ae.ErrorCode {
		return k + " " + v
	}
	return "unknown"
}

// operation returns the index of the mutate operation the error is about.
func (ae adsError) operation() (int, bool) {
	for _, p := range ae.Location.FieldPathElements {
		if p.FieldName == "operations" && p.Index != nil {
			return *p.Index, true
		}
	}
	return 0, false
}

// mapAPIError turns an HTTP error answer into an *incidentbot.Error people can act on.
func mapAPIError(customer string, e *apiError) error {
	switch {
	case e.HTTPStatus == http.StatusUnauthorized:
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, e, "ads.google.credentials", nil)
	case e.HTTPStatus == http.StatusForbidden:
		return i18n.Wrap(incidentbot.EFORBIDDEN, e, "ads.google.denied", map[string]any{"Customer": customer})
	case e.HTTPStatus == http.StatusTooManyRequests:
		wait := e.retryDelay()
		if wait <= 0 {
			wait = time.Minute
		}
		return adsapi.Throttled(incidentbot.AdsGoogle, customer, wait, e,
			"ads.google.quota", map[string]any{"Customer": customer, "Wait": wait.String()})
	case e.HTTPStatus >= 500:
		return i18n.Wrap(incidentbot.EUNAVAILABLE, e, "ads.google.down", nil)
	case e.HTTPStatus == http.StatusNotFound:
		return i18n.Wrap(incidentbot.ENOTFOUND, e, "ads.google.address", nil)
	}
	return i18n.Wrap(incidentbot.EINVALID, e, "ads.google.rejected", map[string]any{"Customer": customer, "Detail": e.Message})
}

// operationError maps the error of one mutate operation on campaign id.
func operationError(id string, to incidentbot.CampaignStatus, ae adsError) error {
	code := incidentbot.EINVALID
	switch {
	case ae.ErrorCode["databaseError"] == "CONCURRENT_MODIFICATION", ae.ErrorCode["internalError"] != "":
		code = incidentbot.EUNAVAILABLE
	case ae.ErrorCode["mutateError"] == "RESOURCE_NOT_FOUND", ae.ErrorCode["operationAccessDeniedError"] != "":
		code = incidentbot.ENOTFOUND
	case ae.ErrorCode["authorizationError"] != "":
		code = incidentbot.EFORBIDDEN
	}
	msg := "ads.google.not_paused"
	if to == incidentbot.CampaignActive {
		msg = "ads.google.not_resumed"
	}
	return i18n.Wrap(code, errors.New(ae.code()+": "+ae.Message), msg, map[string]any{"ID": id, "Detail": strings.TrimSuffix(ae.Message, ".")})
}

// tokenError maps a failed refresh-token grant. The grant's form holds the
// secrets, but neither the token URL nor Google's answer repeats them.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client"):
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, err, "ads.google.oauth", map[string]any{"Code": re.ErrorCode})
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500:
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, err, "ads.google.token", nil)
	case errors.Is(err, context.Canceled):
		return err
	}
	return i18n.Wrap(incidentbot.EUNAVAILABLE, err, "ads.google.signin_down", nil)
}
