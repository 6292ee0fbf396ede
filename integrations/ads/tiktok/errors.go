package tiktok

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads/adsapi"
)

// apiError is a non-zero code in the envelope (most errors come with HTTP
// 200), or a bare HTTP error (Code -1) that never reached the API logic.
type apiError struct {
	HTTPStatus int
	Code       int
	Message    string
	RequestID  string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("tiktok: HTTP %d code %d: %s (request_id %s)", e.HTTPStatus, e.Code, e.Message, e.RequestID)
}

// Return codes, from TikTok's return-code appendix as mirrored in public
// API catalogues (the official page was not reachable).
var (
	// 40100 app QPS/QPM/QPD, 40016 endpoint rate, 40133 advertiser QPS.
	throttleCodes = []int{40100, 40016, 40133}
	// 40102 expired, 40104 empty, 40105 invalid access token; 40106 core
	// user invalid; 40113 app blocked.
	authCodes = []int{40102, 40104, 40105, 40106, 40113}
	// 40001 no permission; 40118 not allowlisted; 40119 developer and
	// advertiser in different companies; 40125 developer lacks the
	// permission; 40300/40301 advertiser unknown to the token.
	forbiddenCodes = []int{40001, 40118, 40119, 40125, 40300, 40301}
)

func (e *apiError) throttled() bool { return slices.Contains(throttleCodes, e.Code) }

// retryable says a plain retry may succeed: HTTP 5xx, 5xxxx system
// errors (assumed transient, unverified), 60001 maintenance and 40202
// write conflict.
func (e *apiError) retryable() bool {
	return e.HTTPStatus >= 500 || e.Code >= 50000 && e.Code < 60000 || e.Code == 60001 || e.Code == 40202
}

// mapError turns an API error into an *incidentbot.Error; what names the
// campaign (or campaigns) concerned, "" for the request.
func mapError(e *apiError, wait time.Duration, what string) error {
	if what == "" {
		what = "the request"
	}
	switch {
	case e.throttled():
		return adsapi.Throttled(incidentbot.AdsTikTok, "", wait, e,
			"TikTok is rate limiting the app; try again in %s.", wait.Round(time.Millisecond))
	case slices.Contains(authCodes, e.Code) || e.HTTPStatus == http.StatusUnauthorized:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, e,
			"TikTok refused the access token (code %d). Have the advertiser authorize the app again and set the new long-term token in TIKTOK_ADS_ACCESS_TOKEN.", e.Code)
	case slices.Contains(forbiddenCodes, e.Code) || e.HTTPStatus == http.StatusForbidden:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, e,
			"TikTok refused access to %s (code %d). Check TIKTOK_ADS_ADVERTISER_IDS and that the advertiser authorized the app with the Ads Management permission.", what, e.Code)
	case e.retryable():
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, e, "TikTok is not answering right now; the bot will retry.")
	case e.Code == 40007:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, e, "TikTok could not find %s. It may have been deleted: list the campaigns again.", what)
	case e.HTTPStatus == http.StatusNotFound:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, e, "TikTok does not know this address. Check TIKTOK_ADS_API_URL.")
	}
	return incidentbot.WrapError(incidentbot.EINVALID, e, "TikTok rejected %s: %s", what, e.Message)
}
