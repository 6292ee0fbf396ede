package main

import (
	"net/http"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/integrations/trackers/github"
	"incidentbot/integrations/trackers/jira"
	"incidentbot/integrations/trackers/linear"
)

// The trackers FOLLOWUPS_TARGET names.
const (
	targetGitHub = "github"
	targetJira   = "jira"
	targetLinear = "linear"
)

// trackerConfig is FOLLOWUPS_TARGET's tracker's Config, or nil when the
// target is empty (follow-ups stay in chat and the post-mortem).
func (c config) trackerConfig() (interface{ Validate() error }, bool) {
	switch strings.ToLower(c.FollowUpsTarget) {
	case "":
		return nil, true
	case targetGitHub:
		return github.Config{Token: c.GitHubToken, Repo: c.GitHubRepo, Labels: c.GitHubLabels, APIURL: c.GitHubAPIURL}, true
	case targetJira:
		return jira.Config{BaseURL: c.JiraBaseURL, Email: c.JiraEmail, APIToken: c.JiraAPIToken, Project: c.JiraProject,
			IssueType: c.JiraIssueType, Labels: c.JiraLabels, APIURL: c.JiraAPIURL}, true
	case targetLinear:
		return linear.Config{APIKey: c.LinearAPIKey, TeamID: c.LinearTeamID, APIURL: c.LinearAPIURL}, true
	}
	return nil, false
}

// trackerProblems are the lines validate reports about the tracker.
func (c config) trackerProblems() []string {
	tc, ok := c.trackerConfig()
	if !ok {
		return []string{"FOLLOWUPS_TARGET must be github, jira or linear (or unset to keep follow-ups in chat)"}
	}
	if tc == nil {
		return nil
	}
	if err := tc.Validate(); err != nil {
		return strings.Split(err.Error(), "\n")
	}
	return nil
}

// tracker is the client of FOLLOWUPS_TARGET's tracker; nil when unset.
// validate has checked its Config.
func (c config) tracker() (incidentbot.Tracker, error) {
	tc, _ := c.trackerConfig()
	hc := &http.Client{Timeout: 20 * time.Second}
	switch tc := tc.(type) {
	case github.Config:
		return github.New(tc, hc)
	case jira.Config:
		return jira.New(tc, hc)
	case linear.Config:
		return linear.New(tc, hc)
	}
	return nil, nil
}
