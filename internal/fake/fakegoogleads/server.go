// Package fakegoogleads is a stateful fake of the Google Ads API (REST, v26) and of
// Google's OAuth token endpoint, for tests, benchmarks and the demo. It is
// written from ../shared/fixtures/googleads, not from our client: the
// GoogleAdsFailure error envelope, fixed-size search pages with opaque
// nextPageToken, the 10,000-operation mutate limit, partialFailure and
// validateOnly, 429 RESOURCE_EXHAUSTED with retryDelay, access tokens
// that expire, and an account tree in which a login-customer-id must be a
// manager above the customer called (USER_PERMISSION_DENIED otherwise).
package fakegoogleads

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Credentials the fake accepts unless options say otherwise.
const (
	ClientID       = "1234567890-fake.apps.googleusercontent.com"
	ClientSecret   = "GOCSPX-fake-client-secret"
	RefreshToken   = "1//fake-refresh-token"
	DeveloperToken = "fake-developer-token"
	ManagerID      = "9876543210" // the manager account (MCC) every customer is linked under unless LinkCustomer says otherwise
)

// Version is the API version the fake serves under /{Version}/.
const Version = "v26"

// MaxOperations is the most operations one mutate request may carry.
const MaxOperations = 10000

// PageSize is the fixed number of rows in a search page.
const PageSize = 10000

// Campaign statuses as the API spells them.
const (
	Enabled = "ENABLED"
	Paused  = "PAUSED"
	Removed = "REMOVED"
)

// Campaign is one campaign as the fake stores it.
type Campaign struct {
	ID           string
	Name         string
	Status       string   // ENABLED, PAUSED or REMOVED
	BudgetMicros int64    // daily budget in micros of the customer's currency
	Labels       []string // label names, served by FROM campaign_label
}

type customer struct {
	currency  string
	order     []string
	campaigns map[string]*Campaign
	managers  []string // manager accounts this account is linked under
	direct    bool     // the OAuth user was invited to this very account
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes token expiry follow now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTokenTTL sets the lifetime of the access tokens the fake issues
// (default one hour, as Google's expires_in 3599).
func WithTokenTTL(d time.Duration) Option { return func(s *Server) { s.ttl = d } }

// WithPageSize shrinks the search page size so tests can cross pages; the
// real API's is fixed at PageSize.
func WithPageSize(n int) Option { return func(s *Server) { s.pageSize = n } }

// Server is a fake Google Ads API. It is safe for concurrent use.
type Server struct {
	http     *fakehttp.Server // calls, latency and queued throttles and failures
	now      func() time.Time
	ttl      time.Duration
	pageSize int

	mu        sync.Mutex
	customers map[string]*customer
	tokens    map[string]time.Time // access token -> expiry
	ops       int
	failing   map[string]bool // "customer/id": operations on it fail
	seq       int             // campaign ids
	issued    int             // access tokens
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		now:       time.Now,
		ttl:       time.Hour,
		pageSize:  PageSize,
		customers: map[string]*customer{ManagerID: {currency: "EUR", campaigns: map[string]*Campaign{}, direct: true}},
		tokens:    map[string]time.Time{},
		failing:   map[string]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("POST /"+Version+"/customers/{rest...}", s.api)
	s.http = fakehttp.New(tb, mux)
	return s
}

// URL is the API base (GOOGLE_ADS_API_URL), without the version.
func (s *Server) URL() string { return s.http.URL() }

// TokenURL is the OAuth token endpoint (GOOGLE_ADS_TOKEN_URL).
func (s *Server) TokenURL() string { return s.http.URL() + "/token" }

// Client is an HTTP client for the fake's server.
func (s *Server) Client() *http.Client { return s.http.Client() }

// AddCustomer creates customer id (10 digits) with its currency code.
func (s *Server) AddCustomer(id, currency string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customer(id).currency = currency
}

// customer returns customer id, creating it in EUR, linked under ManagerID
// and directly accessible to the user; s.mu is held.
func (s *Server) customer(id string) *customer {
	c, ok := s.customers[id]
	if !ok {
		c = &customer{currency: "EUR", campaigns: map[string]*Campaign{}, managers: []string{ManagerID}, direct: true}
		s.customers[id] = c
	}
	return c
}

// AddManager creates manager account id, which the OAuth user was invited
// to (direct access), linked under no other manager.
func (s *Server) AddManager(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customers[id] = &customer{currency: "EUR", campaigns: map[string]*Campaign{}, direct: true}
}

// LinkCustomer creates (or moves) customer id with its currency, linked
// only under manager and not directly accessible to the user: it can be
// called only with a login-customer-id of manager (or of a manager above).
func (s *Server) LinkCustomer(id, currency, manager string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customer(id)
	c.currency, c.managers, c.direct = currency, []string{manager}, false
}

// reaches says a call through login may act on customer id: login is the
// account itself or a manager above it (docs: developers.google.com/
// google-ads/api/docs/oauth/access-model); s.mu is held.
func (s *Server) reaches(login, id string) bool {
	if login == id {
		return true
	}
	c, ok := s.customers[id]
	if !ok {
		return false
	}
	for _, m := range c.managers {
		if m != id && s.reaches(login, m) {
			return true
		}
	}
	return false
}

// AddCampaign adds (or replaces) a campaign of customer id, creating the customer.
func (s *Server) AddCampaign(customerID string, c Campaign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cu := s.customer(customerID)
	if _, ok := cu.campaigns[c.ID]; !ok {
		cu.order = append(cu.order, c.ID)
	}
	c.Labels = slices.Clone(c.Labels)
	cu.campaigns[c.ID] = &c
}

// AddCampaigns adds n campaigns with status to customer id and returns their ids.
func (s *Server) AddCampaigns(customerID string, n int, status string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	cu := s.customer(customerID)
	ids := make([]string, n)
	for i := range n {
		s.seq++
		id := fmt.Sprintf("2%010d", s.seq)
		cu.order = append(cu.order, id)
		cu.campaigns[id] = &Campaign{ID: id, Name: fmt.Sprintf("Campaign %d", s.seq), Status: status, BudgetMicros: 25_000_000}
		ids[i] = id
	}
	return ids
}

// Campaign returns the current state of one campaign.
func (s *Server) Campaign(customerID, id string) (Campaign, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cu, ok := s.customers[customerID]; ok {
		if c, ok := cu.campaigns[id]; ok {
			out := *c
			out.Labels = slices.Clone(c.Labels)
			return out, true
		}
	}
	return Campaign{}, false
}

// Statuses returns every campaign's status keyed "customer/id".
func (s *Server) Statuses() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for cid, cu := range s.customers {
		for id, c := range cu.campaigns {
			out[cid+"/"+id] = c.Status
		}
	}
	return out
}

// SetStatus changes a campaign by hand, as someone in the Google Ads UI would.
func (s *Server) SetStatus(customerID, id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cu, ok := s.customers[customerID]; ok {
		if c, ok := cu.campaigns[id]; ok {
			c.Status = status
		}
	}
}

// FailCampaign makes every mutate operation on the campaign fail with
// databaseError CONCURRENT_MODIFICATION until ClearFailures.
func (s *Server) FailCampaign(customerID, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[customerID+"/"+id] = true
}

// ClearFailures stops every FailCampaign.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.failing)
}

// ThrottleNext makes the next n API requests answer 429 RESOURCE_EXHAUSTED
// with retryDelay. Throttles and failures are served in the order queued.
func (s *Server) ThrottleNext(n int, retryDelay time.Duration) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		writeFailure(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
			[]adsError{{ErrorCode: map[string]string{"quotaError": "RESOURCE_EXHAUSTED"},
				Message: fmt.Sprintf("Too many requests. Retry in %s.", retryDelay),
				Details: map[string]any{"quotaErrorDetails": map[string]string{
					"rateScope": "ACCOUNT", "rateName": "Requests per account", "retryDelay": duration(retryDelay)}}}})
	}, n)
}

// FailNext makes the next n API requests answer status (500, 503 or 504)
// with the matching error body.
func (s *Server) FailNext(n, status int) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		switch status {
		case http.StatusServiceUnavailable:
			writeFailure(w, status, "UNAVAILABLE", "The service is currently unavailable.", nil)
		case http.StatusGatewayTimeout:
			writeFailure(w, status, "DEADLINE_EXCEEDED", "Deadline exceeded.", nil)
		default:
			writeFailure(w, status, "INTERNAL", "Internal error encountered.",
				[]adsError{{ErrorCode: map[string]string{"internalError": "INTERNAL_ERROR"}, Message: "An internal error has occurred."}})
		}
	}, n)
}

// ExpireTokens ends every access token issued so far, as an hour passing would.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// SetLatency delays every request, token requests included, by d.
func (s *Server) SetLatency(d time.Duration) { s.http.SetLatency("", d) }

// Calls counts requests by endpoint: "token", "search", "mutate"; refused
// requests count too.
func (s *Server) Calls(endpoint string) int { return s.http.Calls(endpoint) }

// Operations counts the mutate operations received.
func (s *Server) Operations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ops
}

var customerPath = regexp.MustCompile(`^([0-9]{10})/(googleAds:search|campaigns:mutate)$`)

// api serves /v26/customers/{id}/googleAds:search and .../campaigns:mutate.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	m := customerPath.FindStringSubmatch(strings.TrimPrefix(r.URL.Path, "/"+Version+"/customers/"))
	endpoint := "other"
	if m != nil {
		endpoint = map[string]string{"googleAds:search": "search", "campaigns:mutate": "mutate"}[m[2]]
	}
	if !s.http.Admit(r, endpoint) {
		return
	}
	if m == nil {
		writeFailure(w, http.StatusNotFound, "NOT_FOUND", "The requested URL was not found on this server.", nil)
		return
	}
	if !s.authorized(w, r, m[1]) {
		return
	}
	if s.http.Injected(w, r, endpoint) {
		return
	}
	switch endpoint {
	case "search":
		s.search(w, r, m[1])
	default:
		s.mutate(w, r, m[1])
	}
}

// authorized checks the bearer token, developer token and login-customer-id
// and writes the API's error when one is wrong.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, customerID string) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	expiry, known := s.tokens[token]
	now := s.now()
	cu, exists := s.customers[customerID]
	// Without login-customer-id the user needs direct access to the
	// customer; with it, direct access to the login account, which must be
	// the customer or a manager above it (developers.google.com/google-ads/
	// api/docs/oauth/access-model, "Login customer ID").
	login := r.Header.Get("login-customer-id")
	permitted := exists && cu.direct
	if login != "" {
		lc, ok := s.customers[login]
		permitted = exists && ok && lc.direct && s.reaches(login, customerID)
	}
	s.mu.Unlock()
	switch {
	case !ok || token == "":
		// Google's front end answers a missing credential without a GoogleAdsFailure.
		writeFailure(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.", nil)
	case !known:
		writeFailure(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
			[]adsError{{ErrorCode: map[string]string{"authenticationError": "OAUTH_TOKEN_INVALID"}, Message: "Oauth token in the header is not valid."}})
	case !now.Before(expiry):
		writeFailure(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
			[]adsError{{ErrorCode: map[string]string{"authenticationError": "OAUTH_TOKEN_EXPIRED"}, Message: "Oauth token in the header has expired."}})
	case r.Header.Get("developer-token") != DeveloperToken:
		// DEVELOPER_TOKEN_INVALID is marked deprecated in v26's enum; still the closest answer.
		writeFailure(w, http.StatusUnauthorized, "UNAUTHENTICATED", "The developer token is not valid.",
			[]adsError{{ErrorCode: map[string]string{"authenticationError": "DEVELOPER_TOKEN_INVALID"}, Message: "The developer token is not valid."}})
	case !permitted:
		writeFailure(w, http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission",
			[]adsError{{ErrorCode: map[string]string{"authorizationError": "USER_PERMISSION_DENIED"},
				Message: "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header."}})
	default:
		return true
	}
	return false
}

// duration formats d as a google.protobuf.Duration in JSON ("30s", "0.250s").
func duration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%.9fs", d.Seconds())
}

// adsError is one GoogleAdsError.
type adsError struct {
	ErrorCode map[string]string `json:"errorCode"`
	Message   string            `json:"message"`
	Trigger   map[string]string `json:"trigger,omitempty"`
	Location  *location         `json:"location,omitempty"`
	Details   map[string]any    `json:"details,omitempty"`
}

type location struct {
	FieldPathElements []pathElement `json:"fieldPathElements"`
}

type pathElement struct {
	FieldName string `json:"fieldName"`
	Index     *int   `json:"index,omitempty"`
}

// failureDetail is a GoogleAdsFailure inside a google.rpc.Status.
func failureDetail(errs []adsError) map[string]any {
	return map[string]any{
		"@type":     "type.googleapis.com/google.ads.googleads." + Version + ".errors.GoogleAdsFailure",
		"errors":    errs,
		"requestId": requestID(),
	}
}

var requestSeq struct {
	sync.Mutex
	n int
}

func requestID() string {
	requestSeq.Lock()
	defer requestSeq.Unlock()
	requestSeq.n++
	return fmt.Sprintf("FakeReq%015d", requestSeq.n)
}

// writeFailure writes the REST error envelope; errs, when any, become a
// GoogleAdsFailure detail.
func writeFailure(w http.ResponseWriter, code int, status, message string, errs []adsError) {
	body := map[string]any{"code": code, "message": message, "status": status}
	if len(errs) > 0 {
		body["details"] = []any{failureDetail(errs)}
	}
	writeJSON(w, code, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("request-id", requestID())
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
