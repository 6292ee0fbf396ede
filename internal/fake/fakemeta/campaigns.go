package fakemeta

import (
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
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
	labelFields := []string{"id", "name"} // adlabels' fields when the request does not name them
	for _, f := range splitFields(form.Get("fields")) {
		if name, sub, ok := strings.Cut(f, "{"); ok && name == "adlabels" && strings.HasSuffix(sub, "}") {
			labelFields = splitFields(strings.TrimSuffix(sub, "}"))
			if i := slices.IndexFunc(labelFields, func(l string) bool { return l != "id" && l != "name" }); i >= 0 {
				return http.StatusBadRequest, graphError(100, 0, "(#100) Tried accessing nonexisting field ("+labelFields[i]+") on node type (AdLabel)", "OAuthException"), nil
			}
			f = name
		}
		if f != "id" {
			if !slices.Contains([]string{"name", "status", "effective_status", "daily_budget", "account_id", "adlabels"}, f) {
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
	var rows []map[string]any
	for _, id := range a.order {
		c := a.campaigns[id]
		if len(filter) > 0 && !slices.Contains(filter, effectiveStatus(c)) {
			continue
		}
		all := map[string]any{"id": c.ID, "name": c.Name, "status": c.Status, "effective_status": effectiveStatus(c), "account_id": accountID}
		if c.DailyBudget > 0 {
			all["daily_budget"] = strconv.FormatInt(c.DailyBudget, 10)
		}
		if len(c.Labels) > 0 { // Graph leaves out an empty edge
			var labels []map[string]string
			for _, name := range c.Labels {
				l := map[string]string{"id": labelID(name), "name": name}
				for k := range l {
					if !slices.Contains(labelFields, k) {
						delete(l, k)
					}
				}
				labels = append(labels, l)
			}
			all["adlabels"] = labels
		}
		row := map[string]any{}
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

// splitFields splits a Graph fields list at the commas outside braces:
// "id,adlabels{id,name}" is two fields.
func splitFields(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s + "," {
		switch {
		case r == '{':
			depth++
		case r == '}':
			depth--
		case r == ',' && depth == 0:
			if f := strings.TrimSpace(s[start:i]); f != "" {
				out = append(out, f)
			}
			start = i + 1
		}
	}
	return out
}

// labelID is a stable id for an ad label name, as Graph gives each label one.
func labelID(name string) string {
	return "238" + strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(name))), 10)
}
