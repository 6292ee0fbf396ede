package main

import (
	"net/http"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
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

// trackerProblems are the problems validate reports about the tracker.
func (c config) trackerProblems() error {
	tc, ok := c.trackerConfig()
	if !ok {
		return i18n.Problemf("config.followups_target", nil)
	}
	if tc == nil {
		return nil
	}
	return tc.Validate()
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
