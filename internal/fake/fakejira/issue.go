package fakejira

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"incidentbot/internal/fake/fakehttp"
)

// create files an issue: POST /rest/api/3/issue.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Fields struct {
			Project     struct{ Key string }  `json:"project"`
			IssueType   struct{ Name string } `json:"issuetype"`
			Summary     string                `json:"summary"`
			Description json.RawMessage       `json:"description"`
			Labels      []string              `json:"labels"`
		} `json:"fields"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		writeErrors(w, http.StatusBadRequest, nil, "Unexpected character in the request body.")
		return
	}
	f := in.Fields
	problems := map[string]string{}
	types, ok := s.projects[f.Project.Key]
	switch {
	case !ok:
		problems["project"] = "valid project is required"
	case !slices.Contains(types, f.IssueType.Name):
		problems["issuetype"] = "Specify a valid issue type"
	}
	switch n := utf8.RuneCountInString(f.Summary); {
	case strings.TrimSpace(f.Summary) == "":
		problems["summary"] = "You must specify a summary of the issue."
	case n > 255:
		problems["summary"] = "Summary must be less than 255 characters."
	}
	var doc map[string]any
	if len(f.Description) > 0 {
		if err := json.Unmarshal(f.Description, &doc); err != nil || doc["type"] != "doc" || doc["version"] != float64(1) {
			problems["description"] = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
		}
	}
	for _, l := range f.Labels {
		if strings.ContainsAny(l, " \t") || l == "" {
			problems["labels"] = "The label '" + l + "' contains spaces which is invalid."
		}
	}
	if len(problems) > 0 {
		writeErrors(w, http.StatusBadRequest, problems)
		return
	}
	s.mu.Lock()
	n := 1
	for _, is := range s.issues {
		if is.Project == f.Project.Key {
			n++
		}
	}
	is := Issue{ID: strconv.Itoa(10000 + len(s.issues)), Key: f.Project.Key + "-" + strconv.Itoa(n), Project: f.Project.Key,
		IssueType: f.IssueType.Name, Summary: f.Summary, Description: doc, Labels: slices.Clone(f.Labels)}
	s.issues = append(s.issues, is)
	s.mu.Unlock()
	if s.lose.Take() {
		fakehttp.Status(http.StatusGatewayTimeout)(w, r)
		return
	}
	fakehttp.WriteJSON(w, http.StatusCreated, map[string]string{"id": is.ID, "key": is.Key, "self": s.base() + "/rest/api/3/issue/" + is.ID})
}
