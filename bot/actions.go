package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads"
)

// actionPayload is a playbook action (or a manual ads or verify command)
// carried by its job, so a playbook edited meanwhile does not change it.
type actionPayload struct {
	Phase  string // declare, resolve, manual
	Action incidentbot.Action
	By     incidentbot.User
	// Trusted: the action's URL comes from the playbook, not from chat.
	// A payload without it (stored before) gets the rule for typed URLs.
	Trusted bool
}

// actionJobs lists the jobs of the actions whose condition holds at sev.
// Keys are by phase and position, so enqueueing them again (on a severity
// change) adds only the ones that did not hold before.
func actionJobs(j *jobs, phase string, actions []incidentbot.Action, sev incidentbot.Severity, pauseAds *bool) {
	for i, a := range actions {
		holds := a.When.Holds(sev)
		if a.Kind() == incidentbot.ActionPauseAds && pauseAds != nil {
			holds = *pauseAds
		}
		if holds {
			j.add(actionKind(a), fmt.Sprintf("action/%s/%d", phase, i), actionPayload{Phase: phase, Action: a, Trusted: true})
		}
	}
}

// actionKind is the job kind of an action: checks from outside run in the
// probe workers' lane (see probeLane), the rest in the others'.
func actionKind(a incidentbot.Action) string {
	if actionRunners[a.Kind()].probe {
		return kindProbe
	}
	return kindAction
}

// result is what an action did, for the timeline, the war room and the summary.
type result struct {
	kind    incidentbot.EventKind // action_succeeded, action_failed, action_skipped or probe_result
	text    string
	data    json.RawMessage
	extra   []incidentbot.TimelineEvent
	summary bool            // the manager summary changes (ads)
	recheck *recheckPayload // probe_result: the site is down, check it again later
	quiet   bool            // timeline only, not posted in the war room
}

func (e *Engine) action(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	var p actionPayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	a, lang := p.Action, e.lang(inc)
	r, ok := actionRunners[a.Kind()]
	if !ok {
		return nil, i18n.Errorf(incidentbot.EINVALID, "engine.action.unknown", map[string]any{"Kind": a.Kind()})
	}
	what, _ := r.describe(lang, a.Params)
	if outward(a.Kind()) && e.notifier != nil {
		pb, err := e.playbook(inc)
		if err != nil {
			return nil, err
		}
		ok, err := e.mayGoOut(ctx, inc, pb)
		if err != nil {
			return nil, err
		}
		if !ok {
			return e.hold(job, p, pb, lang)
		}
	}
	if job.Attempts == 1 {
		data, err := json.Marshal(incidentbot.ActionRef{Job: job.ID, Action: what})
		if err != nil {
			return nil, fmt.Errorf("action data: %w", err)
		}
		_, err = e.store.UpdateIncident(ctx, inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{Events: []incidentbot.TimelineEvent{{
				Kind: incidentbot.EventActionStarted, Actor: p.By, At: e.now(), Text: drillLabel(lang, inc, sentence(what)), Data: data,
			}}}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	res, err := r.run(e, ctx, actionRun{inc: inc, trusted: p.Trusted}, a.Params)
	if err != nil {
		return nil, err
	}
	if res.kind == incidentbot.EventActionSkipped {
		res.text = sentence(i18n.T(lang, "engine.action.skipped", map[string]any{"What": what, "Why": res.text}))
	}
	j := e.jobsFor(inc)
	if !res.quiet {
		j.add(kindPost, localKey(job)+"/post", postPayload{Message: incidentbot.Message{Text: res.text, Severity: inc.Severity}})
	}
	if res.summary {
		j.add(kindSummary, "summary/ads/"+e.seq(), nil)
	}
	if rc := res.recheck; rc != nil {
		// One chain per URL: a chain already following it goes on alone.
		following, err := e.rechecking(ctx, job, inc.ID, rc.URL, math.MaxInt64)
		if err != nil {
			return nil, err
		}
		if !following {
			rc.Chain = job.ID
			e.scheduleRecheck(j, *rc)
		}
	}
	if j.err != nil {
		return nil, j.err
	}
	data, err := withJob(res.data, job.ID)
	if err != nil {
		return nil, err
	}
	events := append([]incidentbot.TimelineEvent{{Kind: res.kind, Actor: p.By, At: e.now(), Text: res.text, Data: data}}, res.extra...)
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Events: events, Jobs: j.out}, nil
	}, nil
}

// hold records an outward action that waits for a commander's
// confirmation and asks for it in the war room, once. Confirmed between
// this job's start and its completion, the action runs at once instead.
func (e *Engine) hold(job incidentbot.Job, p actionPayload, pb *incidentbot.Playbook, lang string) (complete, error) {
	what, _ := describeAction(lang, p.Action)
	res := held(lang, what)
	data, err := withJob(nil, job.ID)
	if err != nil {
		return nil, err
	}
	return func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		j := e.jobsFor(inc)
		if inc.OutwardConfirmed {
			j.add(kindAction, confirmedKey(job), p)
			return incidentbot.Change{Jobs: j.out}, j.err
		}
		e.askToSend(j, inc, pb)
		return incidentbot.Change{
			Events: []incidentbot.TimelineEvent{{Kind: res.kind, Actor: p.By, At: e.now(), Text: res.text, Data: data}},
			Jobs:   j.out,
		}, j.err
	}, nil
}

// drillLabel marks what a drill does, so nobody mistakes it for the real
// thing, in lang (the incident's).
func drillLabel(lang string, inc *incidentbot.Incident, text string) string {
	if inc.Drill {
		return i18n.T(lang, "engine.drill", map[string]any{"Text": text})
	}
	return text
}

// skipped is an action the bot cannot run here, and why (action puts what
// in front): it goes on the timeline (and the post-mortem) but not into
// the war room, where the checklist already says what to do by hand.
func skipped(why string) result {
	return result{kind: incidentbot.EventActionSkipped, text: why, quiet: true}
}

// sentence capitalises s and ends it with a full stop, once.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// withJob adds the job to an outcome's Data (a JSON object or nothing),
// so the post-mortem pairs the outcome with the action's start.
func withJob(data json.RawMessage, job int64) (json.RawMessage, error) {
	m := map[string]any{}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("action outcome data: %w", err)
		}
	}
	m["job"] = job
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("action outcome data: %w", err)
	}
	return out, nil
}

// pauseDetail is one campaign in an ads_paused or ads_resumed event's Data.
type pauseDetail struct {
	Platform string `json:"platform"`
	Account  string `json:"account"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Prior    string `json:"prior,omitempty"`
	State    string `json:"state"`
	Error    string `json:"error,omitempty"`
}

func (e *Engine) runPauseAds(ctx context.Context, r actionRun, a incidentbot.PauseAdsParams) (result, error) {
	return e.runAds(ctx, r.inc, a, incidentbot.EventAdsPaused, func() (ads.Report, error) {
		return e.ads.Pause(ctx, r.inc, ads.SelectionFrom(a))
	})
}

func (e *Engine) runResumeAds(ctx context.Context, r actionRun, a incidentbot.ResumeAdsParams) (result, error) {
	return e.runAds(ctx, r.inc, a, incidentbot.EventAdsResumed, func() (ads.Report, error) {
		return e.ads.Resume(ctx, r.inc, a.Platforms)
	})
}

// runAds runs a pause or a resume (do) and records it as kind.
func (e *Engine) runAds(ctx context.Context, inc *incidentbot.Incident, a incidentbot.ActionParams, kind incidentbot.EventKind, do func() (ads.Report, error)) (result, error) {
	lang := e.lang(inc)
	if e.ads == nil {
		return skipped(i18n.T(lang, "engine.action.no_ads", nil)), nil
	}
	rep, err := do()
	if err != nil {
		// What this run did change (say Google paused while Meta was
		// throttled) goes on the timeline now; the retry reports the rest.
		if ev, ok, evErr := adsEvent(lang, kind, rep, e.now()); evErr == nil && ok && !rep.DryRun {
			if _, upErr := e.updateByID(ctx, inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
				return incidentbot.Change{Events: []incidentbot.TimelineEvent{ev}}, nil
			}); upErr != nil {
				e.logger.WarnContext(ctx, "could not record a partial ads run", "incident", inc.Key, "err", upErr)
			}
		}
		return result{}, fmt.Errorf("%s: %w", a.ActionKind(), err)
	}
	res := result{kind: incidentbot.EventActionSucceeded, text: drillLabel(lang, inc, rep.Summary(lang))}
	if len(rep.Failed) > 0 && len(rep.Paused)+len(rep.Resumed) == 0 {
		res.kind = incidentbot.EventActionFailed
	}
	if rep.DryRun {
		return res, nil
	}
	ev, ok, err := adsEvent(lang, kind, rep, e.now())
	if err != nil || !ok {
		return res, err
	}
	res.extra = []incidentbot.TimelineEvent{ev}
	res.summary = true
	return res, nil
}

// adsEvent is the ads_paused / ads_resumed event of a report, with every
// campaign it touched in Data (reasons said in lang, the incident's);
// ok is false when it touched none.
func adsEvent(lang string, kind incidentbot.EventKind, rep ads.Report, at time.Time) (incidentbot.TimelineEvent, bool, error) {
	var detail []pauseDetail
	for _, group := range [][]incidentbot.CampaignPause{rep.Paused, rep.Resumed, rep.Shared, rep.Failed, rep.LeftPaused} {
		for _, p := range group {
			detail = append(detail, pauseDetail{
				Platform: p.Campaign.Platform, Account: p.Campaign.Account, ID: p.Campaign.ID, Name: p.Campaign.Name,
				Prior: p.PriorRaw, State: string(p.State), Error: i18n.Stored(lang, p.Error),
			})
		}
	}
	if len(detail) == 0 {
		return incidentbot.TimelineEvent{}, false, nil
	}
	data, err := json.Marshal(detail)
	if err != nil {
		return incidentbot.TimelineEvent{}, false, fmt.Errorf("ads event data: %w", err)
	}
	return incidentbot.TimelineEvent{Kind: kind, At: at, Text: campaignList(lang, detail), Data: data}, true, nil
}

// maxNamedCampaigns bounds the names an ads event lists; Data has them all.
const maxNamedCampaigns = 10

// campaignList names the campaigns an ads event touched, with their
// outcome: the summary line is the action's own event, this is the detail
// the post-mortem and the ads status read.
func campaignList(lang string, detail []pauseDetail) string {
	var parts []string
	for i, d := range detail {
		if i == maxNamedCampaigns {
			parts = append(parts, i18n.T(lang, "engine.action.campaigns_more", map[string]any{"N": len(detail) - i}))
			break
		}
		state := strings.ReplaceAll(d.State, "_", " ")
		if id := "view.ads.state." + d.State; i18n.Has(id) {
			state = i18n.T(lang, id, nil)
		}
		part := i18n.T(lang, "engine.action.campaign", map[string]any{"Platform": d.Platform, "Name": d.Name, "State": state})
		if d.Error != "" {
			part += " (" + d.Error + ")"
		}
		parts = append(parts, part)
	}
	return i18n.T(lang, "engine.action.campaigns", map[string]any{"List": strings.Join(parts, i18n.T(lang, "engine.action.campaign_sep", nil))})
}

func (e *Engine) runVerifySite(ctx context.Context, r actionRun, a incidentbot.VerifySiteParams) (result, error) {
	if a.URL == "" {
		a.URL = e.cfg.ShopURL // a playbook check without url is the shop's
	}
	return e.runProbe(ctx, r.inc, incidentbot.ProbeTarget{URL: a.URL, Expect: a.Expect, Trusted: r.trusted}), nil
}

func (e *Engine) runProbe(ctx context.Context, inc *incidentbot.Incident, t incidentbot.ProbeTarget) result {
	lang := e.lang(inc)
	if t.URL == "" {
		// Said in the war room instead of checking a placeholder.
		return result{kind: incidentbot.EventActionSucceeded, text: drillLabel(lang, inc, i18n.T(lang, "engine.action.no_shop_url", nil))}
	}
	if inc.Drill {
		return result{kind: incidentbot.EventActionSucceeded, text: drillLabel(lang, inc, i18n.T(lang, "engine.action.would_check", map[string]any{"URL": t.URL}))}
	}
	if e.prober == nil {
		return skipped(i18n.T(lang, "engine.action.no_prober", nil))
	}
	r := e.prober.Probe(ctx, t)
	data, _ := json.Marshal(map[string]any{
		"url": r.URL, "healthy": r.Healthy, "class": r.Class, "status": r.Status, "latency_ms": r.Latency.Milliseconds(),
	})
	res := result{kind: incidentbot.EventProbeResult, text: r.TextIn(e.lang(inc)), data: data}
	if !r.Healthy && !r.Blocked { // a refused typed URL was never fetched: nothing to follow
		res.recheck = &recheckPayload{URL: t.URL, Expect: t.Expect, Trusted: t.Trusted}
	}
	return res
}

// runProviders reads the providers' status pages: when the payment service
// or the host has an incident of its own, the fix is theirs to make.
func (e *Engine) runProviders(ctx context.Context, r actionRun, _ incidentbot.CheckProvidersParams) (result, error) {
	inc, lang := r.inc, e.lang(r.inc)
	if inc.Drill {
		return result{kind: incidentbot.EventActionSucceeded, text: drillLabel(lang, inc, i18n.T(lang, "engine.action.would_read_providers", nil))}, nil
	}
	if e.providers == nil {
		return skipped(i18n.T(lang, "engine.action.no_providers", nil)), nil
	}
	var lines []string
	down := 0
	for _, p := range e.providers.ProviderStatuses(ctx) {
		mark := "engine.action.providers.ok"
		if !p.Healthy {
			mark, down = "engine.action.providers.not_ok", down+1
		}
		lines = append(lines, i18n.T(lang, "engine.action.providers.line", map[string]any{"Name": p.Name, "Mark": i18n.T(lang, mark, nil), "Description": p.DescriptionIn(lang)}))
	}
	head := i18n.T(lang, "engine.action.providers.all_ok", nil)
	if down > 0 {
		head = i18n.N(lang, "engine.action.providers.down", down, nil)
	}
	return result{kind: incidentbot.EventProbeResult, text: head + "\n" + strings.Join(lines, "\n")}, nil
}

// noticeSubject is n.Subject() as the war room reads it, in lang: the
// status word said in lang when the catalog has it (a playbook may name
// another, such as Statuspage's "identified").
func noticeSubject(lang string, n incidentbot.Notice) string {
	status := n.Status
	if id := "status." + status; i18n.Has(id) {
		status = i18n.T(lang, id, nil)
	}
	return i18n.T(lang, "engine.action.subject", map[string]any{"Severity": n.Severity.Label(), "Key": n.Key, "Status": status, "Title": n.Title})
}

// noticeSpec is what a notify, statuspage or page action sends, and where.
type noticeSpec struct {
	action   incidentbot.ActionParams // for its description
	to       string
	template string
	status   string // statuspage: the page's status; "": the incident's
	public   bool   // statuspage: customers read it, so only the template's words go out
	done     string // the catalog id of what the war room reads once sent: "Sent to hosting: …"
}

func (e *Engine) runNotifyAction(ctx context.Context, r actionRun, a incidentbot.NotifyParams) (result, error) {
	to := cmp.Or(a.To, incidentbot.ActionNotify)
	return e.runNotify(ctx, r.inc, noticeSpec{action: a, to: to, template: a.Template, done: "engine.action.sent"})
}

func (e *Engine) runStatusPage(ctx context.Context, r actionRun, a incidentbot.StatusPageParams) (result, error) {
	return e.runNotify(ctx, r.inc, noticeSpec{action: a, to: incidentbot.ActionStatusPage, template: a.Template, status: a.Status, public: true, done: "engine.action.statuspage_updated"})
}

func (e *Engine) runPage(ctx context.Context, r actionRun, a incidentbot.PageParams) (result, error) {
	to := cmp.Or(a.To, incidentbot.ActionPage)
	return e.runNotify(ctx, r.inc, noticeSpec{action: a, to: to, done: "engine.action.paged"})
}

func (e *Engine) runNotify(ctx context.Context, inc *incidentbot.Incident, a noticeSpec) (result, error) {
	pb, err := e.playbook(inc)
	if err != nil {
		return result{}, err
	}
	roles, err := e.store.Roles(ctx, inc.ID)
	if err != nil {
		return result{}, err
	}
	data := incidentbot.TemplateData{Incident: inc, Status: a.status}
	if data.Status == "" {
		data.Status = string(inc.Status)
	}
	if c := holders(roles, incidentbot.RoleCommander); len(c) > 0 {
		data.Commander = c[0].Name
	}
	data.URL = pb.SiteURL(e.cfg.ShopURL)
	n := incidentbot.Notice{Severity: inc.Severity, Key: inc.Key, Status: data.Status, Title: inc.Title}
	lang := e.lang(inc)
	if tmpl, ok := pb.Template(a.template, lang); ok {
		if n.Body, err = incidentbot.RenderTemplate(a.template, tmpl, data); err != nil {
			return result{}, err
		}
	}
	if a.public {
		// The public reads the playbook's words only, never the title or
		// anything else people typed: the page's incident is named after
		// the template's first sentence.
		if strings.TrimSpace(n.Body) == "" {
			return result{}, i18n.Errorf(incidentbot.EINVALID, "engine.action.no_template", map[string]any{"Playbook": pb.Name})
		}
		n.Title = incidentbot.PublicName(n.Body)
	}
	subject := noticeSubject(lang, n)
	what, _ := describeAction(lang, incidentbot.Action{Params: a.action})
	if inc.Drill {
		return result{kind: incidentbot.EventActionSucceeded, text: drillLabel(lang, inc, i18n.T(lang, "engine.action.would", map[string]any{"What": what, "Subject": subject}))}, nil
	}
	if e.notifier == nil {
		return skipped(i18n.T(lang, "engine.action.no_notifier", nil)), nil
	}
	link, err := e.notify(ctx, a, n)
	if err != nil {
		if a.public && data.Status == string(incidentbot.StatusResolved) && incidentbot.ErrorCode(err) == incidentbot.ENOTFOUND {
			return skipped(i18n.T(lang, "engine.action.nothing_to_resolve", nil)), nil
		}
		return result{}, fmt.Errorf("%s %s: %w", a.action.ActionKind(), a.to, err)
	}
	res := result{kind: incidentbot.EventActionSucceeded, text: i18n.T(lang, a.done, map[string]any{"To": a.to, "Subject": subject})}
	if link != "" {
		res.data, err = json.Marshal(incidentbot.ActionRef{StatusPage: link})
	}
	return res, err
}

// notify sends n; for the status page, through a notifier that says
// where the page's incident lives, that address (http or https only).
func (e *Engine) notify(ctx context.Context, a noticeSpec, n incidentbot.Notice) (string, error) {
	ln, ok := e.notifier.(incidentbot.LinkNotifier)
	if !a.public || !ok {
		return "", e.notifier.Notify(ctx, a.to, n)
	}
	link, err := ln.NotifyLink(ctx, a.to, n)
	return incidentbot.WebLink(link), err
}
