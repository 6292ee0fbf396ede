package fakemeta

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

type batchItem struct {
	Method      string `json:"method"`
	RelativeURL string `json:"relative_url"`
	Body        string `json:"body"`
}

type batchHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type batchResult struct {
	Code    int           `json:"code"`
	Headers []batchHeader `json:"headers,omitempty"`
	Body    string        `json:"body"`
}

// batch serves POST / with batch=[...]: at most MaxBatch items, each run
// on its own and answered in request order.
func (s *Server) batch(w http.ResponseWriter, r *http.Request) {
	var items []batchItem
	if err := json.Unmarshal([]byte(r.Form.Get("batch")), &items); err != nil {
		writeJSON(w, http.StatusBadRequest, graphError(100, 0, "(#100) The parameter batch must be a JSON array.", "GraphBatchException"), nil)
		return
	}
	if len(items) > MaxBatch {
		// Seen in the wild; the body shape is Graph's, the code is not documented.
		writeJSON(w, http.StatusBadRequest, graphError(1, 0, "Too many requests in batch message. Maximum batch size is 50", "GraphBatchException"), nil)
		return
	}
	withHeaders := r.Form.Get("include_headers") != "false"
	out := make([]batchResult, len(items))
	for i, it := range items {
		s.mu.Lock()
		s.items++
		throttled := s.itemThrot > 0
		if throttled {
			s.itemThrot--
		}
		s.mu.Unlock()
		var (
			status int
			body   any
		)
		if throttled {
			status, body = http.StatusBadRequest, throttleError(17)
		} else {
			status, body = s.item(it, r)
		}
		b, _ := json.Marshal(body)
		out[i] = batchResult{Code: status, Body: string(b)}
		if withHeaders {
			out[i].Headers = []batchHeader{{Name: "Content-Type", Value: "application/json; charset=UTF-8"}}
		}
	}
	writeJSON(w, http.StatusOK, out, nil)
}

// item runs one batch item: relative_url may carry a version and a query,
// body is form-encoded.
func (s *Server) item(it batchItem, r *http.Request) (int, any) {
	rel, rawQuery, _ := strings.Cut(it.RelativeURL, "?")
	rel = "/" + strings.TrimPrefix(rel, "/")
	if m := versionPath.FindStringSubmatch(rel); m != nil {
		rel = m[1]
	}
	form, err := url.ParseQuery(rawQuery)
	if err != nil {
		return http.StatusBadRequest, graphError(100, 0, "(#100) Invalid relative_url", "OAuthException")
	}
	body, err := url.ParseQuery(it.Body)
	if err != nil {
		return http.StatusBadRequest, graphError(100, 0, "(#100) Invalid body", "OAuthException")
	}
	for k, v := range body {
		form[k] = v
	}
	method := strings.ToUpper(it.Method)
	if method == "" {
		method = http.MethodGet
	}
	status, resp, _ := s.do(method, rel, form, r)
	return status, resp
}
