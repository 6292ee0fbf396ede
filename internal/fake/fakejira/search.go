package fakejira

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"incidentbot/internal/fake/fakehttp"
)

// clause is one "field = value" of a query.
type clause struct{ field, value string }

// parseJQL reads the subset the fake knows: clauses "project = X" and
// "labels = X" (values bare or double-quoted) joined by AND.
func parseJQL(q string) ([]clause, string) {
	var out []clause
	for _, part := range splitAnd(q) {
		field, value, ok := strings.Cut(part, "=")
		field, value = strings.ToLower(strings.TrimSpace(field)), strings.TrimSpace(value)
		if !ok || value == "" {
			return nil, "Error in the JQL Query: Expecting operator but got '" + part + "'."
		}
		if field != "project" && field != "labels" {
			return nil, "Field '" + field + "' does not exist or you do not have permission to view it."
		}
		if strings.HasPrefix(value, `"`) {
			if len(value) < 2 || !strings.HasSuffix(value, `"`) {
				return nil, "Error in the JQL Query: The quoted string '" + value + "' has not been completed."
			}
			value = value[1 : len(value)-1]
		}
		out = append(out, clause{field, value})
	}
	return out, ""
}

func splitAnd(q string) []string {
	var parts []string
	rest := q
	for {
		i := strings.Index(strings.ToUpper(rest), " AND ")
		if i < 0 {
			return append(parts, strings.TrimSpace(rest))
		}
		parts = append(parts, strings.TrimSpace(rest[:i]))
		rest = rest[i+len(" AND "):]
	}
}

// search runs a JQL query: POST /rest/api/3/search/jql.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var in struct {
		JQL           string   `json:"jql"`
		Fields        []string `json:"fields"`
		MaxResults    int      `json:"maxResults"`
		NextPageToken string   `json:"nextPageToken"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		writeErrors(w, http.StatusBadRequest, nil, "Invalid request payload. Refer to the REST API documentation and try again.")
		return
	}
	clauses, problem := parseJQL(in.JQL)
	if problem != "" {
		writeErrors(w, http.StatusBadRequest, nil, problem)
		return
	}
	if !slices.ContainsFunc(clauses, func(c clause) bool { return c.field == "project" }) {
		writeErrors(w, http.StatusBadRequest, nil, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")
		return
	}
	for _, c := range clauses {
		if _, ok := s.projects[c.value]; c.field == "project" && !ok {
			writeErrors(w, http.StatusBadRequest, nil, "The value '"+c.value+"' does not exist for the field 'project'.")
			return
		}
	}
	from := 0
	if in.NextPageToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.NextPageToken, "page-"))
		if err != nil || n < 0 {
			writeErrors(w, http.StatusBadRequest, nil, "The provided next page token is invalid or expired.")
			return
		}
		from = n
	}
	size := in.MaxResults
	if size <= 0 || size > 5000 {
		size = 50
	}
	s.mu.Lock()
	var match []Issue
	for _, is := range s.issues {
		if matches(is, clauses) {
			match = append(match, is)
		}
	}
	s.mu.Unlock()
	slices.Reverse(match) // newest first, as Jira orders by created DESC without ORDER BY
	from = min(from, len(match))
	to := min(from+size, len(match))
	out := []map[string]any{}
	for _, is := range match[from:to] {
		fields := map[string]any{}
		for _, f := range in.Fields {
			switch f {
			case "summary":
				fields["summary"] = is.Summary
			case "labels":
				fields["labels"] = is.Labels
			}
		}
		out = append(out, map[string]any{"id": is.ID, "key": is.Key, "self": s.base() + "/rest/api/3/issue/" + is.ID, "fields": fields})
	}
	res := map[string]any{"issues": out, "isLast": to == len(match)}
	if to < len(match) {
		res["nextPageToken"] = "page-" + strconv.Itoa(to)
	}
	fakehttp.WriteJSON(w, http.StatusOK, res)
}

func matches(is Issue, clauses []clause) bool {
	for _, c := range clauses {
		switch {
		case c.field == "project" && is.Project != c.value:
			return false
		case c.field == "labels" && !slices.Contains(is.Labels, c.value):
			return false
		}
	}
	return true
}
