package fakelinear

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

func (s *Server) url(is Issue) string {
	return "https://linear.app/acme/issue/" + strings.ToLower(is.Identifier)
}

// issueCreate files an issue: mutation issueCreate(input: IssueCreateInput!).
func (s *Server) issueCreate(w http.ResponseWriter, r *http.Request, raw json.RawMessage) {
	var vars struct {
		Input struct {
			TeamID      string  `json:"teamId"`
			Title       *string `json:"title"`
			Description string  `json:"description"`
			Priority    *int    `json:"priority"`
			DueDate     string  `json:"dueDate"`
		} `json:"input"`
	}
	if err := json.Unmarshal(raw, &vars); err != nil {
		gqlError(w, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", "Variable \"$input\" got invalid value.")
		return
	}
	in := vars.Input
	switch {
	case in.TeamID != DefaultTeamID:
		gqlError(w, http.StatusBadRequest, "INVALID_INPUT", "Argument Validation Error: team not found")
		return
	case in.Title == nil || strings.TrimSpace(*in.Title) == "":
		gqlError(w, http.StatusBadRequest, "INVALID_INPUT", "Argument Validation Error: title should not be empty")
		return
	case in.Priority != nil && (*in.Priority < 0 || *in.Priority > 4):
		gqlError(w, http.StatusBadRequest, "INVALID_INPUT", "Argument Validation Error: priority must not be greater than 4")
		return
	}
	if in.DueDate != "" {
		if _, err := time.Parse("2006-01-02", in.DueDate); err != nil {
			gqlError(w, http.StatusBadRequest, "INVALID_INPUT", "Argument Validation Error: dueDate must be a valid TimelessDate")
			return
		}
	}
	s.mu.Lock()
	is := Issue{ID: fmt.Sprintf("issue-%04d", len(s.issues)+1), Identifier: DefaultTeam + "-" + strconv.Itoa(len(s.issues)+1),
		TeamID: in.TeamID, Title: *in.Title, Description: in.Description, DueDate: in.DueDate}
	if in.Priority != nil {
		is.Priority = *in.Priority
	}
	s.issues = append(s.issues, is)
	s.mu.Unlock()
	if s.lose.Take() {
		fakehttp.Status(http.StatusBadGateway)(w, r)
		return
	}
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"issueCreate": map[string]any{
		"success": true,
		"issue":   map[string]any{"id": is.ID, "identifier": is.Identifier, "url": s.url(is), "title": is.Title},
	}}})
}

// issuesQuery answers issues(filter: {team: {id: {eq}}, description:
// {contains}}), archived issues only when the query includes them.
func (s *Server) issuesQuery(w http.ResponseWriter, query string, raw json.RawMessage) {
	archived := strings.Contains(query, "includeArchived: true")
	var vars struct {
		Team   string `json:"team"`
		Marker string `json:"marker"`
	}
	if err := json.Unmarshal(raw, &vars); err != nil || vars.Team == "" {
		gqlError(w, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", "Variable \"$team\" of required type \"ID!\" was not provided.")
		return
	}
	s.mu.Lock()
	nodes := []map[string]any{}
	for _, is := range s.issues {
		if is.TeamID != vars.Team || !strings.Contains(is.Description, vars.Marker) || (is.Archived && !archived) {
			continue
		}
		nodes = append(nodes, map[string]any{"identifier": is.Identifier, "url": s.url(is), "description": is.Description})
	}
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"issues": map[string]any{
		"nodes": nodes, "pageInfo": map[string]any{"hasNextPage": false, "endCursor": nil},
	}}})
}
