package fakeslack

// TeamName is the workspace name auth.test reports.
const TeamName = "Shop Team"

// authTest answers as Slack's auth.test does for a bot token: who "you"
// are (the bot user), in which workspace. Rate limit tier: special
// (hundreds a minute), so no limit here.
func (s *Server) authTest(params) (any, string) {
	return map[string]any{
		"url":                   "https://shop-team.slack.com/",
		"team":                  TeamName,
		"user":                  "incidentbot",
		"team_id":               TeamID,
		"user_id":               BotUserID,
		"bot_id":                BotID,
		"is_enterprise_install": false,
	}, ""
}
