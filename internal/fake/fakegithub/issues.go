package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot/internal/fake/fakehttp"
)

type issueJSON struct {
	Number      int               `json:"number"`
	Title       string            `json:"title"`
	Body        string            `json:"body"`
	State       string            `json:"state"`
	HTMLURL     string            `json:"html_url"`
	Labels      []map[string]any  `json:"labels"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
	PullRequest map[string]string `json:"pull_request,omitempty"`
}

func (s *Server) render(is Issue) issueJSON {
	labels := []map[string]any{}
	for _, l := range is.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	out := issueJSON{Number: is.Number, Title: is.Title, Body: is.Body, State: is.State, Labels: labels,
		HTMLURL:   fmt.Sprintf("https://github.com/%s/issues/%d", s.repo, is.Number),
		CreatedAt: is.CreatedAt.Format(time.RFC3339), UpdatedAt: is.UpdatedAt.Format(time.RFC3339)}
	if is.PullRequest {
		out.HTMLURL = fmt.Sprintf("https://github.com/%s/pull/%d", s.repo, is.Number)
		out.PullRequest = map[string]string{"url": out.HTMLURL}
	}
	return out
}

// create files an issue: POST /repos/{owner}/{repo}/issues.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	if s.readOnly {
		writeError(w, http.StatusForbidden, "Resource not accessible by personal access token")
		return
	}
	var in struct {
		Title  *string  `json:"title"`
		Body   string   `json:"body"`
		Labels []string `json:"labels"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	var problems []map[string]string
	switch {
	case in.Title == nil || strings.TrimSpace(*in.Title) == "":
		problems = append(problems, map[string]string{"resource": "Issue", "field": "title", "code": "missing_field"})
	case utf8.RuneCountInString(*in.Title) > 256:
		problems = append(problems, map[string]string{"resource": "Issue", "field": "title", "code": "custom", "message": "title is too long (maximum is 256 characters)"})
	}
	if utf8.RuneCountInString(in.Body) > 65536 {
		problems = append(problems, map[string]string{"resource": "Issue", "field": "body", "code": "custom", "message": "body is too long (maximum is 65536 characters)"})
	}
	for _, l := range in.Labels {
		if strings.TrimSpace(l) == "" || utf8.RuneCountInString(l) > 50 {
			problems = append(problems, map[string]string{"resource": "Label", "field": "name", "code": "invalid"})
		}
	}
	if len(problems) > 0 {
		fakehttp.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed", "errors": problems,
			"documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue"})
		return
	}
	s.mu.Lock()
	is := s.add(Issue{Title: *in.Title, Body: in.Body, Labels: slices.Clone(in.Labels), State: "open"})
	s.mu.Unlock()
	if s.lose.Take() {
		fakehttp.Status(http.StatusBadGateway)(w, r)
		return
	}
	w.Header().Set("Location", s.URL()+"/repos/"+s.repo+"/issues/"+strconv.Itoa(is.Number))
	fakehttp.WriteJSON(w, http.StatusCreated, s.render(is))
}

// list pages the repository's issues and pull requests: GET
// /repos/{owner}/{repo}/issues with state, labels, sort, direction, since,
// per_page and page.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fakehttp.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed",
				"errors": []map[string]string{{"resource": "Issue", "field": "since", "code": "invalid"}}})
			return
		}
		since = t
	}
	perPage, page := atoi(q.Get("per_page"), 30), atoi(q.Get("page"), 1)
	perPage = min(max(perPage, 1), 100)
	var labels []string
	if v := q.Get("labels"); v != "" {
		labels = strings.Split(v, ",")
	}
	s.mu.Lock()
	var match []Issue
	for _, is := range s.issues {
		if (state != "all" && is.State != state) || is.UpdatedAt.Before(since) {
			continue
		}
		if slices.ContainsFunc(labels, func(l string) bool { return !slices.Contains(is.Labels, l) }) {
			continue
		}
		match = append(match, is)
	}
	s.mu.Unlock()
	key := func(is Issue) time.Time { return is.CreatedAt }
	if q.Get("sort") == "updated" {
		key = func(is Issue) time.Time { return is.UpdatedAt }
	}
	slices.SortStableFunc(match, func(a, b Issue) int {
		if c := key(a).Compare(key(b)); c != 0 {
			return c
		}
		return a.Number - b.Number
	})
	if q.Get("direction") != "asc" {
		slices.Reverse(match)
	}
	from := min((page-1)*perPage, len(match))
	to := min(from+perPage, len(match))
	out := []issueJSON{}
	for _, is := range match[from:to] {
		out = append(out, s.render(is))
	}
	if to < len(match) {
		next := *r.URL
		nq := next.Query()
		nq.Set("page", strconv.Itoa(page+1))
		next.RawQuery = nq.Encode()
		last := (len(match) + perPage - 1) / perPage
		lq := next.Query()
		lq.Set("page", strconv.Itoa(last))
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="last"`, s.abs(next.RequestURI()), s.abs(path(r.URL, lq))))
	}
	fakehttp.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) abs(uri string) string { return s.URL() + uri }

func path(u *url.URL, q url.Values) string { return u.Path + "?" + q.Encode() }

func atoi(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return def
	}
	return n
}
