package web

import (
	"incidentbot"
	"incidentbot/i18n"
)

// dashText is every word the private pages (the managers' dashboard) say,
// in one language, said once from the catalog's web.dash.* messages;
// those that take values are its methods. Domain words (statuses, event
// kinds) and number, money, duration and date formats come from package
// i18n.
type dashText struct {
	lang string

	Dashboard, History, Trends, Nav, Colon string
	Open, NoOpen, LiveNote                 string
	Local, Workspace, SignOut              string
	Severity, Status, Duration             string
	Commander, LastUpdate, NoUpdate        string
	Paused, CostSoFar, RevenueUnknown      string
	SpendAvoided, Unassigned, Drill        string
	Filters, From, To, Any, Playbook       string
	Platform, Search, Apply, Reset, CSV    string
	Prev, Next, NoMatch, Declared          string
	BadPage, BadPeriod, BadMonths          string
	Months, PerMonth, TTRChart             string
	Month, Count, Drills                   string
	TTA, TTM, TTR, Median, P90             string
	Downtime, Revenue, Total, NoData       string
	DrillsApart                            string
	Summary, Impact, Roles, Checklist      string
	Timeline, Ads, FollowUps               string
	Postmortem, DownloadMD                 string
	Detected, Acknowledged, Mitigated      string
	Resolved, Closed, DeclaredBy           string
	Campaign, State, PausedAt              string
	ResumedAt, NoAds, NoFollowUps          string
	NoChecklist, Owner, Due, Back          string
	ImpactStarted, TimeToDetect, Ticket    string
	Forbidden, ForbiddenText, Unavailable  string
	TooManyStreams, Internal               string
}

// dashTexts holds what the private pages say in each language the
// catalog speaks.
var dashTexts = byLanguage(loadDash)

func loadDash(lang string) dashText {
	say := func(id string) string { return i18n.T(lang, "web.dash."+id, nil) }
	return dashText{
		lang:      lang,
		Dashboard: say("dashboard"), History: say("history"), Trends: say("trends"), Nav: say("nav"),
		Colon: i18n.T(lang, "format.colon", nil),
		Open:  say("open"), NoOpen: say("no_open"), LiveNote: say("live_note"),
		Local: say("local"), Workspace: say("workspace"), SignOut: say("sign_out"),
		Severity: say("severity"), Status: say("status"), Duration: say("duration"),
		Commander: say("commander"), LastUpdate: say("last_update"), NoUpdate: say("no_update"),
		Paused: say("paused"), CostSoFar: say("cost_so_far"), RevenueUnknown: say("revenue_unknown"),
		SpendAvoided: say("spend_avoided"), Unassigned: say("unassigned"), Drill: say("drill"),
		Filters: say("filters"), From: say("from"), To: say("to"), Any: say("any"), Playbook: say("playbook"),
		Platform: say("platform"), Search: say("search"), Apply: say("apply"), Reset: say("reset"), CSV: say("csv"),
		Prev: say("prev"), Next: say("next"), NoMatch: say("no_match"), Declared: say("declared"),
		BadPage: say("bad_page"), BadPeriod: say("bad_period"), BadMonths: say("bad_months"),
		Months: say("months"), PerMonth: say("per_month"), TTRChart: say("ttr_chart"),
		Month: say("month"), Count: say("count"), Drills: say("drills"),
		TTA: say("tta"), TTM: say("ttm"), TTR: say("ttr"), Median: say("median"), P90: say("p90"),
		Downtime: say("downtime"), Revenue: say("revenue"), Total: say("total"), NoData: say("no_data"),
		DrillsApart: say("drills_apart"),
		Summary:     say("summary"), Impact: say("impact"), Roles: say("roles"), Checklist: say("checklist"),
		Timeline: say("timeline"), Ads: say("ads"), FollowUps: say("follow_ups"),
		Postmortem: say("postmortem"), DownloadMD: say("download_md"),
		Detected: say("detected"), Acknowledged: say("acknowledged"), Mitigated: say("mitigated"),
		Resolved: say("resolved"), Closed: say("closed"), DeclaredBy: say("declared_by"),
		Campaign: say("campaign"), State: say("state"), PausedAt: say("paused_at"),
		ResumedAt: say("resumed_at"), NoAds: say("no_ads"), NoFollowUps: say("no_follow_ups"),
		NoChecklist: say("no_checklist"), Owner: say("owner"), Due: say("due"), Back: say("back"),
		ImpactStarted: say("impact_started"), TimeToDetect: say("time_to_detect"), Ticket: say("ticket"),
		Forbidden: say("forbidden"), ForbiddenText: say("forbidden_text"), Unavailable: say("unavailable"),
		TooManyStreams: say("too_many_streams"), Internal: i18n.T(lang, "error.internal", nil),
	}
}

// say fills the web.dash message id with data.
func (d dashText) say(id string, data map[string]any) string {
	return i18n.T(d.lang, "web.dash."+id, data)
}

// Ago is how long ago something was, given as a duration: "4m ago".
func (d dashText) Ago(duration string) string {
	return d.say("ago", map[string]any{"Duration": duration})
}

// Results heads the history: "Incidents: 12".
func (d dashText) Results(n int) string {
	return d.say("results", map[string]any{"Count": i18n.Int(d.lang, n)})
}

// PageOf is "Page 2 of 5".
func (d dashText) PageOf(page, pages int) string {
	return d.say("page_of", map[string]any{"Page": i18n.Int(d.lang, page), "Pages": i18n.Int(d.lang, pages)})
}

// BadDate, BadSeverity and BadPlatform refuse a filter's value.
func (d dashText) BadDate(v string) string { return d.say("bad_date", map[string]any{"Value": v}) }
func (d dashText) BadSeverity(v string) string {
	return d.say("bad_severity", map[string]any{"Value": v})
}
func (d dashText) BadPlatform(v string) string {
	return d.say("bad_platform", map[string]any{"Value": v})
}

// NotFound says no incident has key (for this viewer).
func (d dashText) NotFound(key string) string { return d.say("not_found", map[string]any{"Key": key}) }

// MonthsN is a trends period: "12 months".
func (d dashText) MonthsN(n int) string {
	return i18n.N(d.lang, "web.dash.months_n", n, nil)
}

// Bar is a chart bar's label: "2026-03, SEV1: 2".
func (d dashText) Bar(month, series, value string) string {
	return d.say("bar", map[string]any{"Month": month, "Series": series, "Value": value})
}

// Check is a checklist item's state in words.
func (d dashText) Check(st incidentbot.ChecklistState) string {
	return d.say("check."+string(st), nil)
}

// PauseState is a campaign pause's state in words.
func (d dashText) PauseState(st incidentbot.PauseState) string {
	return i18n.T(d.lang, "view.ads.state."+string(st), nil)
}

// FollowUp is a follow-up's line: "1. [P1 prevent] Add an alert".
func (d dashText) FollowUp(f incidentbot.FollowUp) string {
	return d.say("followup", map[string]any{
		"N": f.Number, "Priority": f.Priority, "Type": i18n.T(d.lang, "followup_type."+string(f.Type), nil), "Text": f.Text,
	})
}
