// Package faketiktok is a stateful fake of the TikTok API for Business
// (Marketing API v1.3) for tests, benchmarks and the demo. It is written
// from ../shared/fixtures/tiktok, not from our client: the
// {code, message, request_id, data} envelope with HTTP 200 for errors, the
// Access-Token header, campaign/get/ with page/page_size paging and
// page_info.total_page, campaign/status/update/ limited to 20 campaign_ids
// that fails the whole call on one bad id (unverified; the harder case)
// and answers in data.campaign_ids the ids it changed (docs
// id=1739320994354178), campaign/get/ filtering by buying type and origin
// with the documented defaults (docs id=1739315828649986), the Smart+
// twin smart_plus/campaign/status/update/ (SDK
// yml_files/smart_plus_campaign_status_update.yml),
// advertiser/info/ for currencies, and rate limiting with code 40100.
package faketiktok

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// DefaultToken is the access token the fake accepts unless WithToken says otherwise.
const DefaultToken = "fake-tiktok-long-term-access-token"

// MaxIDs is the most campaign_ids one status update may carry ("1-20" in
// the official SDK's CampaignStatusUpdateBody model).
const MaxIDs = 20

// MaxPageSize is the largest page_size campaign/get/ accepts; DefaultPageSize
// is used when page_size is absent.
const (
	MaxPageSize     = 1000
	DefaultPageSize = 10
)

// Operation statuses as the API spells them.
const (
	Enable  = "ENABLE"
	Disable = "DISABLE"
	Delete  = "DELETE"
)

// Return codes the fake answers.
const (
	CodeOK           = 0
	CodeParam        = 40002
	CodeNoPermission = 40001
	CodeNotFound     = 40007
	CodeRateLimit    = 40100
	CodeTokenExpired = 40102
	CodeTokenEmpty   = 40104
	CodeTokenInvalid = 40105
	CodeSystem       = 50000
)

// Buying types, origins and automation types of campaign/get/ (docs
// id=1739315828649986: filtering.buying_types, campaign_system_origins,
// campaign_automation_type).
const (
	Auction            = "AUCTION"
	ReservationRF      = "RESERVATION_RF"
	ReservationTopView = "RESERVATION_TOP_VIEW"
	Promote            = "PROMOTE"
	AdsPlatform        = "TT_ADS_PLATFORM"
	Manual             = "MANUAL"
	SmartPlus          = "SMART_PLUS"          // legacy Smart+: no API status change since 2026-06-30
	UpgradedSmartPlus  = "UPGRADED_SMART_PLUS" // paused through smart_plus/campaign/status/update/
)

// Campaign is one campaign as the fake stores it.
type Campaign struct {
	ID              string
	Name            string
	OperationStatus string  // ENABLE, DISABLE or DELETE
	Budget          float64 // in the advertiser's currency
	BudgetMode      string  // default BUDGET_MODE_DAY
	BuyingType      string  // default AUCTION
	Origin          string  // default TT_ADS_PLATFORM
	Automation      string  // default MANUAL
}

type advertiser struct {
	currency  string
	order     []string
	campaigns map[string]*Campaign
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the only access token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// Server is a fake TikTok Marketing API. It is safe for concurrent use.
type Server struct {
	http  *fakehttp.Server // calls, latency and queued failures
	token string

	mu          sync.Mutex
	advertisers map[string]*advertiser
	forbidden   map[string]bool // advertisers the token may not manage
	expired     bool
	items       int
	failing     map[string]bool
	unchanged   map[string]bool // LeaveUnchanged
	seq         int
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		token:       DefaultToken,
		advertisers: map[string]*advertiser{},
		forbidden:   map[string]bool{},
		failing:     map[string]bool{},
		unchanged:   map[string]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open_api/v1.3/campaign/get/", s.api("get", s.campaignGet))
	mux.HandleFunc("POST /open_api/v1.3/campaign/status/update/", s.api("update", s.statusHandler(s.statusUpdate)))
	mux.HandleFunc("POST /open_api/v1.3/smart_plus/campaign/status/update/", s.api("smartplus", s.statusHandler(s.smartPlusStatusUpdate)))
	mux.HandleFunc("GET /open_api/v1.3/advertiser/info/", s.api("info", s.advertiserInfo))
	s.http = fakehttp.New(tb, mux)
	return s
}

// URL is the API host (TIKTOK_ADS_API_URL), without /open_api/v1.3.
func (s *Server) URL() string { return s.http.URL() }

// Token is the access token the fake accepts.
func (s *Server) Token() string { return s.token }

// Client is an HTTP client for the fake's server.
func (s *Server) Client() *http.Client { return s.http.Client() }

// AddAdvertiser creates advertiser id with its currency.
func (s *Server) AddAdvertiser(id, currency string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advertiser(id).currency = currency
}

// advertiser returns advertiser id, creating it in EUR; s.mu is held.
func (s *Server) advertiser(id string) *advertiser {
	a, ok := s.advertisers[id]
	if !ok {
		a = &advertiser{currency: "EUR", campaigns: map[string]*Campaign{}}
		s.advertisers[id] = a
	}
	return a
}

// AddCampaign adds (or replaces) a campaign of advertiser id.
func (s *Server) AddCampaign(advertiserID string, c Campaign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.BudgetMode = cmp.Or(c.BudgetMode, "BUDGET_MODE_DAY")
	c.BuyingType = cmp.Or(c.BuyingType, Auction)
	c.Origin = cmp.Or(c.Origin, AdsPlatform)
	c.Automation = cmp.Or(c.Automation, Manual)
	a := s.advertiser(advertiserID)
	if _, ok := a.campaigns[c.ID]; !ok {
		a.order = append(a.order, c.ID)
	}
	a.campaigns[c.ID] = &c
}

// AddCampaigns adds n campaigns with status to advertiser id and returns their ids.
func (s *Server) AddCampaigns(advertiserID string, n int, status string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.advertiser(advertiserID)
	ids := make([]string, n)
	for i := range n {
		s.seq++
		id := fmt.Sprintf("17901%014d", s.seq)
		a.order = append(a.order, id)
		a.campaigns[id] = &Campaign{ID: id, Name: fmt.Sprintf("Campaign %d", s.seq), OperationStatus: status, Budget: 80,
			BudgetMode: "BUDGET_MODE_DAY", BuyingType: Auction, Origin: AdsPlatform, Automation: Manual}
		ids[i] = id
	}
	return ids
}

// Campaign returns the current state of one campaign.
func (s *Server) Campaign(advertiserID, id string) (Campaign, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.advertisers[advertiserID]; ok {
		if c, ok := a.campaigns[id]; ok {
			return *c, true
		}
	}
	return Campaign{}, false
}

// Statuses returns every campaign's operation_status keyed "advertiser/id".
func (s *Server) Statuses() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for aid, a := range s.advertisers {
		for id, c := range a.campaigns {
			out[aid+"/"+id] = c.OperationStatus
		}
	}
	return out
}

// SetStatus changes a campaign by hand, as someone in TikTok Ads Manager would.
func (s *Server) SetStatus(advertiserID, id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.advertisers[advertiserID]; ok {
		if c, ok := a.campaigns[id]; ok {
			c.OperationStatus = status
		}
	}
}

// FailCampaign makes every status update naming campaign id fail as a
// whole with code 40002 until ClearFailures.
func (s *Server) FailCampaign(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[id] = true
}

// LeaveUnchanged makes campaign/status/update/ answer code 0 without
// changing campaign id, leaving it out of data.campaign_ids, as TikTok does
// for a campaign it does not modify.
func (s *Server) LeaveUnchanged(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unchanged[id] = true
}

// ClearFailures stops every FailCampaign.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.failing)
}

// Forbid makes advertiser id one the token may not manage (code 40001).
func (s *Server) Forbid(advertiserID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forbidden[advertiserID] = true
}

// ThrottleNext makes the next n requests answer code 40100 (HTTP 200, no hint).
func (s *Server) ThrottleNext(n int) { s.FailNext(n, CodeRateLimit) }

// FailNext makes the next n requests answer the envelope code (40100,
// 40133, 50000, 60001 ...) with HTTP 200. Failures are served in the
// order queued.
func (s *Server) FailNext(n, code int) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) { writeError(w, code, codeMessage(code)) }, n)
}

// FailStatusNext makes the next n requests answer a bare HTTP status
// (500, 502, 503, 504) that never reached the API logic.
func (s *Server) FailStatusNext(n, status int) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body>%d %s</body></html>", status, http.StatusText(status))
	}, n)
}

// ExpireToken makes the access token expired (code 40102).
func (s *Server) ExpireToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired = true
}

// SetLatency delays every request by d.
func (s *Server) SetLatency(d time.Duration) { s.http.SetLatency("", d) }

// Calls counts requests by endpoint: "get", "update", "smartplus", "info"; refused
// requests count too.
func (s *Server) Calls(endpoint string) int { return s.http.Calls(endpoint) }

// Items counts the campaign ids received in status updates.
func (s *Server) Items() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.items
}

// api wraps an endpoint with latency, the token check and injected failures.
func (s *Server) api(endpoint string, h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.http.Admit(r, endpoint) {
			return
		}
		if !s.authorized(w, r) || s.http.Injected(w, r, endpoint) {
			return
		}
		h(w, r)
	}
}

// authorized checks Access-Token and writes the envelope error when it is wrong.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	token := r.Header.Get("Access-Token")
	s.mu.Lock()
	expired := s.expired
	s.mu.Unlock()
	switch {
	case token == "":
		writeError(w, CodeTokenEmpty, "Access token is null, you should set it in http header with key Access-Token.")
	case token != s.token:
		writeError(w, CodeTokenInvalid, "Access token is incorrect or has been revoked.")
	case expired:
		writeError(w, CodeTokenExpired, "Access token has expired.")
	default:
		return true
	}
	return false
}

// codeMessage is a plausible message for code (TikTok's texts are unverified).
func codeMessage(code int) string {
	switch code {
	case CodeRateLimit:
		return "Too many requests. Please retry in some time."
	case 40133:
		return "Advertiser's QPS reaches QPS limit for current path, request is temporarily restricted."
	case CodeSystem:
		return "System error"
	case 60001:
		return "The system is in maintenance."
	case CodeNoPermission:
		return "No permission to operate advertiser."
	}
	return "Request failed."
}

var requestSeq struct {
	sync.Mutex
	n int
}

func requestID() string {
	requestSeq.Lock()
	defer requestSeq.Unlock()
	requestSeq.n++
	return fmt.Sprintf("20261124120000%020d", requestSeq.n)
}

// writeError writes an error envelope with HTTP 200, as TikTok does.
func writeError(w http.ResponseWriter, code int, message string) {
	writeEnvelope(w, code, message, struct{}{})
}

func writeEnvelope(w http.ResponseWriter, code int, message string, data any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": message, "request_id": requestID(), "data": data})
}
