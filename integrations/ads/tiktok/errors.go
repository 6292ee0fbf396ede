package tiktok

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"incidentbot"
	"incidentbot/i18n"
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
func mapError(e *apiError, wait time.Duration, id string) error {
	what := i18n.M("ads.what.request", nil)
	if id != "" {
		what = i18n.M("ads.what.campaign", map[string]any{"ID": id})
	}
	switch {
	case e.throttled():
		return adsapi.Throttled(incidentbot.AdsTikTok, "", wait, e,
			"ads.tiktok.throttled", map[string]any{"Wait": wait.Round(time.Millisecond).String()})
	case slices.Contains(authCodes, e.Code) || e.HTTPStatus == http.StatusUnauthorized:
		return i18n.Wrap(incidentbot.EUNAUTHORIZED, e, "ads.tiktok.token", map[string]any{"Code": strconv.Itoa(e.Code)})
	case slices.Contains(forbiddenCodes, e.Code) || e.HTTPStatus == http.StatusForbidden:
		return i18n.Wrap(incidentbot.EFORBIDDEN, e, "ads.tiktok.denied", map[string]any{"What": what, "Code": strconv.Itoa(e.Code)})
	case e.retryable():
		return i18n.Wrap(incidentbot.EUNAVAILABLE, e, "ads.tiktok.down", nil)
	case e.Code == 40007:
		return i18n.Wrap(incidentbot.ENOTFOUND, e, "ads.tiktok.not_found", map[string]any{"What": what})
	case e.HTTPStatus == http.StatusNotFound:
		return i18n.Wrap(incidentbot.ENOTFOUND, e, "ads.tiktok.address", nil)
	}
	return i18n.Wrap(incidentbot.EINVALID, e, "ads.tiktok.rejected", map[string]any{"What": what, "Detail": e.Message})
}
