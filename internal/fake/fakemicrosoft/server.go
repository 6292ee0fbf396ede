// Package fakemicrosoft is a stateful fake of the Microsoft Advertising Campaign
// Management API (REST, v13) and of the Microsoft identity platform's token
// endpoint, for tests, benchmarks and the demo. It is written from
// ../shared/fixtures/microsoftads, not from our client: PascalCase JSON
// with string ids, the Authorization/DeveloperToken/CustomerId/
// CustomerAccountId headers, GetCampaignsByAccountId returning only Search
// campaigns unless CampaignType lists others, UpdateCampaigns limited to
// 100 campaigns with PartialErrors by Index, ApplicationFault bodies,
// CallRateExceeded (117), CustomerId checked against the account's
// manager account, access tokens that expire and refresh tokens
// that rotate.
package fakemicrosoft

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Credentials the fake accepts.
const (
	ClientID       = "00000000-fake-4e5f-8a9b-0c1d2e3f4a5b"
	ClientSecret   = "fake~microsoft~client~secret"
	RefreshToken   = "M.C5_fake.refresh-token-0"
	DeveloperToken = "FAKEDEVTOKEN0123456789"
	CustomerID     = "251234567" // the customer every account belongs to unless AddAccountUnder says otherwise
)

// Scope is the scope a token request must ask for.
const Scope = "https://ads.microsoft.com/msads.manage"

// MaxCampaigns is the most campaigns one UpdateCampaigns call may carry.
const MaxCampaigns = 100

// Campaign statuses as the API spells them.
const (
	Active                = "Active"
	Paused                = "Paused"
	BudgetPaused          = "BudgetPaused"
	BudgetAndManualPaused = "BudgetAndManualPaused"
	Suspended             = "Suspended"
	Deleted               = "Deleted"
)

// Campaign types.
const (
	Search         = "Search"
	Shopping       = "Shopping"
	Audience       = "Audience"
	PerformanceMax = "PerformanceMax"
)

// Campaign is one campaign as the fake stores it.
type Campaign struct {
	ID          string
	Name        string
	Status      string
	Type        string  // default Search
	DailyBudget float64 // 0: none (a shared budget)
}

type account struct {
	customer  string // the manager account (customer) it belongs to
	currency  string
	order     []string
	campaigns map[string]*Campaign
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes token expiry follow now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTokenTTL sets the lifetime of the access tokens the fake issues
// (default one hour, as Microsoft's expires_in 3599).
func WithTokenTTL(d time.Duration) Option { return func(s *Server) { s.ttl = d } }

// Server is a fake Campaign Management API. It is safe for concurrent use.
type Server struct {
	http *fakehttp.Server // calls, latency and queued throttles and failures
	now  func() time.Time
	ttl  time.Duration

	mu       sync.Mutex
	accounts map[string]*account
	tokens   map[string]time.Time // access token -> expiry
	refresh  map[string]bool      // refresh tokens still valid
	items    int
	failing  map[string]bool // "account/id": updates of it fail
	noAcct   bool            // GetAccount refused
	seq      int
	issued   int
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		ttl:      time.Hour,
		accounts: map[string]*account{},
		tokens:   map[string]time.Time{},
		refresh:  map[string]bool{RefreshToken: true},
		failing:  map[string]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /common/oauth2/v2.0/token", s.token)
	mux.HandleFunc("POST /CampaignManagement/v13/Campaigns/QueryByAccountId", s.api("query", s.query))
	mux.HandleFunc("PUT /CampaignManagement/v13/Campaigns", s.api("update", s.update))
	mux.HandleFunc("POST /CustomerManagement/v13/Account/Query", s.api("account", s.getAccount))
	s.http = fakehttp.New(tb, mux)
	return s
}

// URL is the API base (MICROSOFT_ADS_API_URL); it serves Customer
// Management's GetAccount too, as clientcenter.api would.
func (s *Server) URL() string { return s.http.URL() }

// TokenURL is the OAuth token endpoint (MICROSOFT_ADS_TOKEN_URL).
func (s *Server) TokenURL() string { return s.http.URL() + "/common/oauth2/v2.0/token" }

// Client is an HTTP client for the fake's server.
func (s *Server) Client() *http.Client { return s.http.Client() }

// AddAccount creates ad account id under CustomerID with its currency code.
func (s *Server) AddAccount(id, currency string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account(id).currency = currency
}

// AddAccountUnder creates ad account id under customer, another manager
// account than CustomerID: calls for it must send that CustomerId.
func (s *Server) AddAccountUnder(id, currency, customer string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.account(id)
	a.currency, a.customer = currency, customer
}

// account returns account id, creating it in EUR under CustomerID; s.mu is held.
func (s *Server) account(id string) *account {
	a, ok := s.accounts[id]
	if !ok {
		a = &account{customer: CustomerID, currency: "EUR", campaigns: map[string]*Campaign{}}
		s.accounts[id] = a
	}
	return a
}

// AddCampaign adds (or replaces) a campaign of account id, creating the account.
func (s *Server) AddCampaign(accountID string, c Campaign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Type == "" {
		c.Type = Search
	}
	a := s.account(accountID)
	if _, ok := a.campaigns[c.ID]; !ok {
		a.order = append(a.order, c.ID)
	}
	a.campaigns[c.ID] = &c
}

// AddCampaigns adds n campaigns with status to account id, alternating
// Search and Shopping, and returns their ids.
func (s *Server) AddCampaigns(accountID string, n int, status string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.account(accountID)
	ids := make([]string, n)
	for i := range n {
		s.seq++
		id := fmt.Sprintf("70%07d", s.seq)
		typ := Search
		if s.seq%2 == 0 {
			typ = Shopping
		}
		a.order = append(a.order, id)
		a.campaigns[id] = &Campaign{ID: id, Name: fmt.Sprintf("Campaign %d", s.seq), Status: status, Type: typ, DailyBudget: 30}
		ids[i] = id
	}
	return ids
}

// Campaign returns the current state of one campaign.
func (s *Server) Campaign(accountID, id string) (Campaign, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[accountID]; ok {
		if c, ok := a.campaigns[id]; ok {
			return *c, true
		}
	}
	return Campaign{}, false
}

// Statuses returns every campaign's status keyed "account/id".
func (s *Server) Statuses() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for aid, a := range s.accounts {
		for id, c := range a.campaigns {
			out[aid+"/"+id] = c.Status
		}
	}
	return out
}

// SetStatus changes a campaign by hand, as someone in the web UI would.
func (s *Server) SetStatus(accountID, id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[accountID]; ok {
		if c, ok := a.campaigns[id]; ok {
			c.Status = status
		}
	}
}

// FailCampaign makes every update of the campaign come back in
// PartialErrors with code 0 InternalError until ClearFailures.
func (s *Server) FailCampaign(accountID, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[accountID+"/"+id] = true
}

// RefuseGetAccount makes Customer Management's GetAccount answer
// UserIsNotAuthorized (106), as for a user without access to it.
func (s *Server) RefuseGetAccount() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noAcct = true
}

// ClearFailures stops every FailCampaign.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.failing)
}

// ThrottleNext makes the next n API requests answer HTTP 400 with an
// AdApiFaultDetail CallRateExceeded (117) and no Retry-After, as
// documented for SOAP and assumed for REST. Throttles and failures are
// served in the order queued.
func (s *Server) ThrottleNext(n int) {
	s.http.FailNext("", throttled(http.StatusBadRequest, 0), n)
}

// Throttle429Next makes the next n API requests answer HTTP 429 with the
// same fault and, when retryAfter > 0, Retry-After in whole seconds
// (rounded up): whether Microsoft ever answers 429 is unverified.
func (s *Server) Throttle429Next(n int, retryAfter time.Duration) {
	s.http.FailNext("", throttled(http.StatusTooManyRequests, retryAfter), n)
}

func throttled(status int, retryAfter time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		fakehttp.SetRetryAfter(w.Header(), retryAfter)
		writeFault(w, status, adAPIFault(117, "CallRateExceeded",
			"You have exceeded the number of calls that you are allowed to make in a minute. Please reduce the number of calls that you make per minute."))
	}
}

// FailNext makes the next n API requests answer status: 500 with an
// InternalError fault, other statuses with a bare proxy page.
func (s *Server) FailNext(n, status int) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		if status == http.StatusInternalServerError {
			writeFault(w, status, adAPIFault(0, "InternalError", "An internal error has occurred."))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body>%d %s</body></html>", status, http.StatusText(status))
	}, n)
}

// ExpireTokens ends every access token issued so far, as an hour passing would.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// RevokeRefreshTokens makes every refresh token invalid (invalid_grant),
// as a password change or revoked consent would.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
}

// SetLatency delays every request, token requests included, by d.
func (s *Server) SetLatency(d time.Duration) { s.http.SetLatency("", d) }

// Calls counts requests by endpoint: "token", "query", "update", "account"; refused
// requests count too.
func (s *Server) Calls(endpoint string) int { return s.http.Calls(endpoint) }

// Items counts the campaigns received in UpdateCampaigns calls.
func (s *Server) Items() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.items
}

// api wraps an endpoint with latency, authentication and injected faults.
func (s *Server) api(endpoint string, h func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.http.Admit(r, endpoint) {
			return
		}
		var body []byte
		if r.Body != nil {
			var err error
			if body, err = readAll(r); err != nil {
				writeFault(w, http.StatusBadRequest, adAPIFault(0, "InternalError", "The request body could not be read."))
				return
			}
		}
		if !s.authorized(w, r, body) || s.http.Injected(w, r, endpoint) {
			return
		}
		h(w, r, body)
	}
}

// authorized checks the headers and writes the fault when one is wrong.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, body []byte) bool {
	bearer := r.Header.Get("Authorization")
	token, ok := cutBearer(bearer)
	var acc struct {
		AccountID string `json:"AccountId"`
	}
	json.Unmarshal(body, &acc)
	accountHdr := r.Header.Get("CustomerAccountId")
	s.mu.Lock()
	expiry, known := s.tokens[token]
	now := s.now()
	a, exists := s.accounts[accountHdr]
	// CustomerId names the manager account the user operates from
	// (learn.microsoft.com/advertising: request header elements): it must
	// be the one the ad account belongs to.
	owner := exists && r.Header.Get("CustomerId") == a.customer
	s.mu.Unlock()
	switch {
	case !ok || r.Header.Get("DeveloperToken") == "" || r.Header.Get("CustomerAccountId") == "":
		writeFault(w, http.StatusBadRequest, adAPIFault(116, "RequestMissingHeaders", "One or more required header elements are missing from the request."))
	case !known:
		writeFault(w, http.StatusUnauthorized, adAPIFault(105, "InvalidCredentials", "Authentication failed. Either supplied credentials are invalid or the account is inactive."))
	case !now.Before(expiry):
		writeFault(w, http.StatusUnauthorized, adAPIFault(109, "AuthenticationTokenExpired", "Authentication token expired. Please renew it or obtain a new authentication token."))
	case r.Header.Get("DeveloperToken") != DeveloperToken:
		writeFault(w, http.StatusUnauthorized, adAPIFault(105, "InvalidCredentials", "Authentication failed. Either supplied credentials are invalid or the account is inactive."))
	case !owner || acc.AccountID != accountHdr:
		// The HTTP status of this fault is unverified.
		writeFault(w, http.StatusForbidden, adAPIFault(106, "UserIsNotAuthorized", "The user does not represent a authorized developer."))
	default:
		return true
	}
	return false
}

func cutBearer(h string) (string, bool) {
	const p = "Bearer "
	if len(h) <= len(p) || h[:len(p)] != p {
		return "", false
	}
	return h[len(p):], true
}

// fault is an ApplicationFault body.
type fault struct {
	TrackingID      string       `json:"TrackingId"`
	Type            string       `json:"Type"`
	Errors          []faultError `json:"Errors,omitempty"`
	OperationErrors []faultError `json:"OperationErrors,omitempty"`
	BatchErrors     []faultError `json:"BatchErrors,omitempty"`
}

type faultError struct {
	Code      int     `json:"Code"`
	ErrorCode string  `json:"ErrorCode"`
	Message   string  `json:"Message"`
	Detail    *string `json:"Detail,omitempty"`
	Details   *string `json:"Details,omitempty"`
	Index     *int    `json:"Index,omitempty"`
	Type      string  `json:"Type,omitempty"`
}

func adAPIFault(code int, errorCode, message string) fault {
	return fault{Type: "AdApiFaultDetail", Errors: []faultError{{Code: code, ErrorCode: errorCode, Message: message}}}
}

func apiFault(code int, errorCode, message string) fault {
	empty := ""
	return fault{Type: "ApiFaultDetail", OperationErrors: []faultError{{Code: code, ErrorCode: errorCode, Message: message, Details: &empty, Type: "OperationError"}}}
}

var trackingSeq struct {
	sync.Mutex
	n int
}

func trackingID() string {
	trackingSeq.Lock()
	defer trackingSeq.Unlock()
	trackingSeq.n++
	return fmt.Sprintf("fa4e0000-0000-4000-8000-%012d", trackingSeq.n)
}

func writeFault(w http.ResponseWriter, status int, f fault) {
	id := trackingID()
	f.TrackingID = id
	w.Header().Set("TrackingId", id)
	writeJSON(w, status, f)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if w.Header().Get("TrackingId") == "" {
		w.Header().Set("TrackingId", trackingID())
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
