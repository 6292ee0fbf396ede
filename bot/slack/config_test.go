package slack

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string // each a whole line; none: valid
	}{
		{"off", Config{}, nil},
		{"over HTTP", Config{BotToken: "xoxb-1", SigningSecret: "s", TeamIDs: []string{"T01ABC", "E2"}}, nil},
		{"over Socket Mode", Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "http://127.0.0.1/api/"}, nil},
		{"no way to check requests", Config{BotToken: "xoxb-secretpw"}, []string{
			"SLACK_SIGNING_SECRET is needed with SLACK_BOT_TOKEN to check requests from Slack (Basic Information page of your Slack app)"}},
		{"tokens of the wrong kind", Config{BotToken: "xoxp-secretpw", AppToken: "xoxb-secretpw", APIURL: "http://x"}, []string{
			"SLACK_BOT_TOKEN must be a bot token starting with xoxb-",
			"SLACK_APP_TOKEN must be an app-level token starting with xapp-",
			"SLACK_API_URL must end with a slash, like https://slack.com/api/"}},
		{"teams without a bot", Config{SigningSecret: "secretpw", TeamIDs: []string{"T1", "t2", "U3"}}, []string{
			"SLACK_TEAM_IDS item 2 must be a Slack team id, like T01ABCDE2F (Slack: workspace settings, or the team_id of a request)",
			"SLACK_TEAM_IDS item 3 must be a Slack team id, like T01ABCDE2F (Slack: workspace settings, or the team_id of a request)",
			"SLACK_BOT_TOKEN is needed when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (OAuth & Permissions page, starts with xoxb-)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			if err := tc.cfg.Validate(); err != nil {
				got = strings.Split(err.Error(), "\n")
				if strings.Contains(err.Error(), "secretpw") {
					t.Errorf("error quotes a value: %q", err)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
