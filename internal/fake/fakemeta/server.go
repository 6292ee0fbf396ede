// Package fakemeta is a stateful fake of the Meta Marketing API (Graph API
// v26.0) for tests, benchmarks and the demo. It is written from
// ../shared/fixtures/meta, not from our client: Graph error bodies read by
// code and subcode, cursor paging whose next URL may carry the token,
// batch requests of at most 50 items with independent results,
// execution_options=["validate_only"], and ads-management throttling with
// the X-Business-Use-Case-Usage header.
package fakemeta

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// DefaultToken is the access token the fake accepts unless WithToken says otherwise.
const DefaultToken = "EAAfake-meta-system-user-token"

// Version is the Graph API version the fake serves; v24.0 and v25.0 are
// still available and answered the same way.
const Version = "v26.0"

// MaxBatch is the most requests one batch may carry.
const MaxBatch = 50

// Campaign statuses as the API spells them.
const (
	Active   = "ACTIVE"
	Paused   = "PAUSED"
	Archived = "ARCHIVED"
	Deleted  = "DELETED"
)

// Campaign is one campaign as the fake stores it.
type Campaign struct {
	ID          string
	Name        string
	Status      string
	DailyBudget int64    // main unit times the currency's offset (100, or 1 for JPY, HUF ...); 0: none (budget on the ad sets)
	Labels      []string // ad label names, served as the adlabels field
}

type account struct {
	currency  string
	order     []string
	campaigns map[string]*Campaign
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the only access token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// Server is a fake Graph API for ad accounts and campaigns. It is safe for
// concurrent use.
type Server struct {
	http  *fakehttp.Server // calls, latency and queued throttles and failures
	token string

	mu        sync.Mutex
	accounts  map[string]*account // by id without act_
	owner     map[string]string   // campaign id -> account id
	expired   bool
	items     int // batch items received
	itemThrot int
	failing   map[string]bool
	seq       int
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{
		token:    DefaultToken,
		accounts: map[string]*account{},
		owner:    map[string]string{},
		failing:  map[string]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	s.http = fakehttp.New(tb, http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the Graph base (META_ADS_API_URL), without the version.
func (s *Server) URL() string { return s.http.URL() }

// Token is the access token the fake accepts.
func (s *Server) Token() string { return s.token }

// Client is an HTTP client for the fake's server.
func (s *Server) Client() *http.Client { return s.http.Client() }

// AddAccount creates ad account id ("act_" optional) with its currency.
func (s *Server) AddAccount(id, currency string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account(id).currency = currency
}

// account returns account id, creating it in EUR; s.mu is held.
func (s *Server) account(id string) *account {
	id = strings.TrimPrefix(id, "act_")
	a, ok := s.accounts[id]
	if !ok {
		a = &account{currency: "EUR", campaigns: map[string]*Campaign{}}
		s.accounts[id] = a
	}
	return a
}

// AddCampaign adds (or replaces) a campaign of ad account id.
func (s *Server) AddCampaign(accountID string, c Campaign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(accountID, c)
}

func (s *Server) add(accountID string, c Campaign) {
	a := s.account(accountID)
	if _, ok := a.campaigns[c.ID]; !ok {
		a.order = append(a.order, c.ID)
	}
	a.campaigns[c.ID] = &c
	s.owner[c.ID] = strings.TrimPrefix(accountID, "act_")
}

// AddCampaigns adds n campaigns with status to ad account id and returns their ids.
func (s *Server) AddCampaigns(accountID string, n int, status string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, n)
	for i := range n {
		s.seq++
		ids[i] = fmt.Sprintf("1202%014d", s.seq)
		s.add(accountID, Campaign{ID: ids[i], Name: fmt.Sprintf("Campaign %d", s.seq), Status: status, DailyBudget: 5000})
	}
	return ids
}

// Campaign returns the current state of one campaign of ad account id.
func (s *Server) Campaign(accountID, id string) (Campaign, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[strings.TrimPrefix(accountID, "act_")]; ok {
		if c, ok := a.campaigns[id]; ok {
			out := *c
			out.Labels = slices.Clone(c.Labels)
			return out, true
		}
	}
	return Campaign{}, false
}

// Statuses returns every campaign's status keyed "account/id" (account without act_).
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

// SetStatus changes a campaign by hand, as someone in Ads Manager would.
func (s *Server) SetStatus(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if aid, ok := s.owner[id]; ok {
		s.accounts[aid].campaigns[id].Status = status
	}
}

// FailCampaign makes every status update of campaign id fail with code 100
// until ClearFailures.
func (s *Server) FailCampaign(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[id] = true
}

// ClearFailures stops every FailCampaign.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.failing)
}

// ThrottleNext makes the next n requests (a batch counts as one) answer
// error 80004 with an X-Business-Use-Case-Usage header whose
// estimated_time_to_regain_access is retryAfter in whole minutes, rounded
// up. Throttles and failures are served in the order queued.
func (s *Server) ThrottleNext(n int, retryAfter time.Duration) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		minutes := int(math.Ceil(retryAfter.Minutes()))
		usage := map[string]any{}
		s.mu.Lock()
		for id := range s.accounts {
			usage[id] = []map[string]any{{"type": "ads_management", "call_count": 100, "total_cputime": 12, "total_time": 15,
				"estimated_time_to_regain_access": minutes, "ads_api_access_tier": "standard_access"}}
		}
		s.mu.Unlock()
		hdr, _ := json.Marshal(usage)
		writeJSON(w, http.StatusBadRequest, throttleError(80004), http.Header{"X-Business-Use-Case-Usage": {string(hdr)}})
	}, n)
}

// ThrottleItemsNext makes the next n batch items answer error 17 (user
// request limit) while the batch itself succeeds.
func (s *Server) ThrottleItemsNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.itemThrot += n
}

// FailNext makes the next n requests answer the Graph error with code (1,
// 2, 4, 17, 613, 190 ...) and its usual body.
func (s *Server) FailNext(n, code int) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusBadRequest, codeError(code), nil)
	}, n)
}

// FailStatusNext makes the next n requests answer a bare HTTP status (500, 502, 503).
func (s *Server) FailStatusNext(n, status int) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><body>%d %s</body></html>", status, http.StatusText(status))
	}, n)
}

// ExpireToken makes the access token expired (error 190, subcode 463).
func (s *Server) ExpireToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired = true
}

// SetLatency delays every request by d.
func (s *Server) SetLatency(d time.Duration) { s.http.SetLatency("", d) }

// Calls counts requests by kind: "list", "account", "update", "batch"
// (top-level requests, refused ones included) and "item" (batch items).
func (s *Server) Calls(kind string) int {
	if kind == "item" {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.items
	}
	return s.http.Calls(kind)
}

var versionPath = regexp.MustCompile(`^/v2[4-6]\.0(/.*)?$`)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	m := versionPath.FindStringSubmatch(r.URL.Path)
	rel := "/"
	if m != nil && m[1] != "" {
		rel = m[1]
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, graphError(100, 0, "Invalid parameter", "OAuthException"), nil)
		return
	}
	kind := kindOf(r.Method, rel, r.Form.Has("batch"))
	if !s.http.Admit(r, kind) {
		return
	}
	if m == nil {
		writeJSON(w, http.StatusBadRequest, graphError(2500, 0, "Unknown path components: "+r.URL.Path, "OAuthException"), nil)
		return
	}
	// A batch reads only its access_token parameter (query or body), as
	// developers.facebook.com/docs/graph-api/making-multiple-requests
	// documents it; other calls also take the Authorization header.
	token := r.Form.Get("access_token")
	if kind != "batch" {
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			token = bearer
		} else if after, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth "); ok {
			token = after
		}
	}
	if status, body, ok := s.authError(token); !ok {
		writeJSON(w, status, body, nil)
		return
	}
	if s.http.Injected(w, r, kind) {
		return
	}
	if kind == "batch" {
		s.batch(w, r)
		return
	}
	status, body, hdr := s.do(r.Method, rel, r.Form, r)
	writeJSON(w, status, body, hdr)
}

func kindOf(method, rel string, batch bool) string {
	switch {
	case rel == "/" && method == http.MethodPost && batch:
		return "batch"
	case method == http.MethodGet && strings.HasSuffix(rel, "/campaigns"):
		return "list"
	case method == http.MethodGet:
		return "account"
	case method == http.MethodPost:
		return "update"
	}
	return "other"
}

// authError checks the token and returns the Graph error when it is wrong.
func (s *Server) authError(token string) (int, any, bool) {
	s.mu.Lock()
	expired := s.expired
	s.mu.Unlock()
	switch {
	case token == "":
		return http.StatusBadRequest, graphError(104, 0, "An access token is required to request this resource.", "OAuthException"), false
	case token != s.token:
		return http.StatusBadRequest, graphError(190, 0, "Invalid OAuth access token - Cannot parse access token", "OAuthException"), false
	case expired:
		return http.StatusBadRequest, graphError(190, 463, "Error validating access token: Session has expired.", "OAuthException"), false
	}
	return 0, nil, true
}

// codeError is the usual body of a Graph error code.
func codeError(code int) map[string]any {
	switch code {
	case 4, 17, 613, 80004:
		return throttleError(code)
	case 190:
		return graphError(190, 0, "Invalid OAuth access token - Cannot parse access token", "OAuthException")
	case 200:
		return graphError(200, 0, "(#200) Requires ads_management permission to manage the object", "OAuthException")
	case 1:
		return transient(graphError(1, 0, "An unknown error occurred", "OAuthException"))
	case 2:
		return transient(graphError(2, 0, "An unexpected error has occurred. Please retry your request later.", "OAuthException"))
	}
	return graphError(code, 0, "Invalid parameter", "OAuthException")
}

func throttleError(code int) map[string]any {
	switch code {
	case 4:
		return transient(graphError(4, 0, "(#4) Application request limit reached", "OAuthException"))
	case 17:
		return transient(graphError(17, 2446079, "(#17) User request limit reached", "OAuthException"))
	case 613:
		return transient(graphError(613, 1487742, "(#613) There have been too many calls from this ad-account. Please wait a bit and try again.", "OAuthException"))
	}
	return transient(graphError(80004, 2446079, "(#80004) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.", "OAuthException"))
}

func transient(body map[string]any) map[string]any {
	body["error"].(map[string]any)["is_transient"] = true
	return body
}

var traceSeq struct {
	sync.Mutex
	n int
}

func graphError(code, subcode int, message, typ string) map[string]any {
	traceSeq.Lock()
	traceSeq.n++
	trace := fmt.Sprintf("AFakeTrace%08d", traceSeq.n)
	traceSeq.Unlock()
	e := map[string]any{"message": message, "type": typ, "code": code, "fbtrace_id": trace}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	return map[string]any{"error": e}
}

func writeJSON(w http.ResponseWriter, status int, body any, hdr http.Header) {
	for k, v := range hdr {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
