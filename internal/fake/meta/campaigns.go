package fake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// MaxLimit caps the page size a client may ask for; larger limits are
// lowered silently, as Graph does.
const MaxLimit = 500

var (
	campaignsPath = regexp.MustCompile(`^/act_([0-9]+)/campaigns/?$`)
	accountPath   = regexp.MustCompile(`^/act_([0-9]+)/?$`)
	objectPath    = regexp.MustCompile(`^/([0-9]+)/?$`)
)

// do serves one Graph call, top-level or inside a batch; r gives the host
// for paging URLs.
func (s *Server) do(method, rel string, form url.Values, r *http.Request) (int, any, http.Header) {
	switch {
	case method == http.MethodGet && campaignsPath.MatchString(rel):
		return s.list(campaignsPath.FindStringSubmatch(rel)[1], rel, form, r)
	case method == http.MethodGet && accountPath.MatchString(rel):
		return s.accountInfo(accountPath.FindStringSubmatch(rel)[1], form)
	case method == http.MethodPost && objectPath.MatchString(rel):
		return s.update(objectPath.FindStringSubmatch(rel)[1], form)
	}
	return http.StatusBadRequest, graphError(100, 33, unsupported(method, strings.Trim(rel, "/")), "GraphMethodException"), nil
}

func unsupported(method, id string) string {
	verb := "get"
	if method == http.MethodPost {
		verb = "post"
	}
	return "Unsupported " + verb + " request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
}

// effectiveStatus is the delivery status the fake reports: the status itself.
func effectiveStatus(c *Campaign) string {
	if c.Status == Paused {
		return "PAUSED"
	}
	return c.Status
}

// list serves act_<id>/campaigns with cursor paging. Fields not asked for
// are left out, except id.
func (s *Server) list(accountID, rel string, form url.Values, r *http.Request) (int, any, http.Header) {
	limit := 25
	if l := form.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			return http.StatusBadRequest, graphError(100, 0, "(#100) Param limit must be a non-negative integer", "OAuthException"), nil
		}
		limit = min(max(n, 1), MaxLimit)
	}
	var filter []string
	if f := form.Get("effective_status"); f != "" {
		if err := json.Unmarshal([]byte(f), &filter); err != nil {
			return http.StatusBadRequest, graphError(100, 0, "(#100) param effective_status must be an array.", "OAuthException"), nil
		}
	}
	want := []string{"id"}
	for f := range strings.SplitSeq(form.Get("fields"), ",") {
		if f = strings.TrimSpace(f); f != "" && f != "id" {
			if !slices.Contains([]string{"name", "status", "effective_status", "daily_budget", "account_id"}, f) {
				return http.StatusBadRequest, graphError(100, 0, "(#100) Tried accessing nonexisting field ("+f+") on node type (Campaign)", "OAuthException"), nil
			}
			want = append(want, f)
		}
	}
	offset := 0
	if a := form.Get("after"); a != "" {
		n, ok := decodeCursor(a)
		if !ok {
			return http.StatusBadRequest, graphError(100, 0, "(#100) The after cursor is not valid", "OAuthException"), nil
		}
		offset = n
	}

	s.mu.Lock()
	a, ok := s.accounts[accountID]
	if !ok {
		s.mu.Unlock()
		return http.StatusBadRequest, graphError(100, 33, unsupported(http.MethodGet, "act_"+accountID), "GraphMethodException"), nil
	}
	var rows []map[string]string
	for _, id := range a.order {
		c := a.campaigns[id]
		if len(filter) > 0 && !slices.Contains(filter, effectiveStatus(c)) {
			continue
		}
		all := map[string]string{"id": c.ID, "name": c.Name, "status": c.Status, "effective_status": effectiveStatus(c), "account_id": accountID}
		if c.DailyBudget > 0 {
			all["daily_budget"] = strconv.FormatInt(c.DailyBudget, 10)
		}
		row := map[string]string{}
		for _, f := range want {
			if v, ok := all[f]; ok {
				row[f] = v
			}
		}
		rows = append(rows, row)
	}
	s.mu.Unlock()

	offset = min(offset, len(rows))
	end := min(offset+limit, len(rows))
	body := map[string]any{"data": rows[offset:end]}
	if end > offset {
		paging := map[string]any{"cursors": map[string]string{"before": encodeCursor(offset), "after": encodeCursor(end)}}
		if end < len(rows) {
			q := url.Values{}
			for k, v := range form {
				if k != "after" && k != "before" {
					q[k] = v
				}
			}
			q.Set("limit", strconv.Itoa(limit))
			q.Set("after", encodeCursor(end))
			// Like Graph, the next URL repeats the token when it came as a parameter.
			paging["next"] = "http://" + r.Host + "/" + Version + rel + "?" + q.Encode()
		}
		body["paging"] = paging
	}
	return http.StatusOK, body, nil
}

func encodeCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("fake-cursor:" + strconv.Itoa(n)))
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, ok := strings.CutPrefix(string(b), "fake-cursor:")
	off, err := strconv.Atoi(n)
	return off, ok && err == nil && off >= 0
}

// accountInfo serves act_<id>?fields=currency,...
func (s *Server) accountInfo(accountID string, form url.Values) (int, any, http.Header) {
	s.mu.Lock()
	a, ok := s.accounts[accountID]
	var currency string
	if ok {
		currency = a.currency
	}
	s.mu.Unlock()
	if !ok {
		return http.StatusBadRequest, graphError(100, 33, unsupported(http.MethodGet, "act_"+accountID), "GraphMethodException"), nil
	}
	all := map[string]string{"id": "act_" + accountID, "account_id": accountID, "currency": currency, "name": "Ad account " + accountID}
	out := map[string]string{"id": all["id"]}
	for f := range strings.SplitSeq(form.Get("fields"), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, ok := all[f]
		if !ok {
			return http.StatusBadRequest, graphError(100, 0, "(#100) Tried accessing nonexisting field ("+f+") on node type (AdAccount)", "OAuthException"), nil
		}
		out[f] = v
	}
	return http.StatusOK, out, nil
}
