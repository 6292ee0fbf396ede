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
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, e,
			"Google Ads refused the credentials. Check GOOGLE_ADS_CLIENT_ID, GOOGLE_ADS_CLIENT_SECRET, GOOGLE_ADS_REFRESH_TOKEN and GOOGLE_ADS_DEVELOPER_TOKEN.")
	case e.HTTPStatus == http.StatusForbidden:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, e,
			"Google Ads denied access to customer %s. Give the OAuth user access to it, or name its manager account in GOOGLE_ADS_CUSTOMER_IDS (customer:manager) or GOOGLE_ADS_LOGIN_CUSTOMER_ID.", customer)
	case e.HTTPStatus == http.StatusTooManyRequests:
		wait := e.retryDelay()
		if wait <= 0 {
			wait = time.Minute
		}
		return adsapi.Throttled(incidentbot.AdsGoogle, customer, wait, e,
			"Google Ads quota is exhausted for customer %s; try again in %s.", customer, wait)
	case e.HTTPStatus >= 500:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, e, "Google Ads is not answering right now; the bot will retry.")
	case e.HTTPStatus == http.StatusNotFound:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, e, "Google Ads does not know this address. Check GOOGLE_ADS_API_URL.")
	}
	return incidentbot.WrapError(incidentbot.EINVALID, e, "Google Ads rejected the request for customer %s: %s", customer, e.Message)
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
	verb := "pause"
	if to == incidentbot.CampaignActive {
		verb = "resume"
	}
	return incidentbot.WrapError(code, errors.New(ae.code()+": "+ae.Message),
		"Google Ads could not %s campaign %s: %s", verb, id, strings.TrimSuffix(ae.Message, "."))
}

// tokenError maps a failed refresh-token grant. The grant's form holds the
// secrets, but neither the token URL nor Google's answer repeats them.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client"):
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, err,
			"Google refused the OAuth credentials (%s). Check GOOGLE_ADS_CLIENT_ID and GOOGLE_ADS_CLIENT_SECRET, or create a new GOOGLE_ADS_REFRESH_TOKEN.", re.ErrorCode)
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, err, "Google refused to issue an access token. Check the GOOGLE_ADS_* credentials.")
	case errors.Is(err, context.Canceled):
		return err
	}
	return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Google's sign-in service is not answering right now; the bot will retry.")
}
