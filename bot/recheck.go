package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// recheckPayload follows one site while its incident is open.
type recheckPayload struct {
	URL     string
	Expect  string
	Healthy int  // healthy checks in a row so far
	Trusted bool // the URL comes from the playbook (see actionPayload)
	// Chain is the id of the job that started the chain. Two checks that
	// failed at once may start two chains on one URL: the younger ends.
	Chain int64
}

// rechecking reports whether a re-check chain other than job's follows
// url in the incident: one whose live link (pending or running; a link
// enqueues the next as it completes, so a live chain always has one) is
// older than chain (math.MaxInt64: any chain at all). Of two chains of the
// same age (both stored before Chain existed) the one waiting goes on.
func (e *Engine) rechecking(ctx context.Context, job incidentbot.Job, incidentID int64, url string, chain int64) (bool, error) {
	jobs, err := e.store.Jobs(ctx, incidentID)
	if err != nil {
		return false, fmt.Errorf("list re-checks: %w", err)
	}
	for _, other := range jobs {
		if other.ID == job.ID || other.Kind != kindRecheck || (other.State != incidentbot.JobPending && other.State != incidentbot.JobRunning) {
			continue
		}
		var p recheckPayload
		if decode(other, &p) != nil || p.URL != url {
			continue
		}
		if p.Chain < chain || p.Chain == chain && other.State == incidentbot.JobPending {
			return true, nil
		}
	}
	return false, nil
}

// scheduleRecheck adds the chain's next link; its key names the URL, so
// links of two URLs due at the same instant are both kept.
func (e *Engine) scheduleRecheck(j *jobs, p recheckPayload) {
	at := e.now().Add(e.cfg.RecheckInterval)
	sum := sha256.Sum256([]byte(p.URL))
	j.at(kindRecheck, "recheck/"+hex.EncodeToString(sum[:6])+"/"+strconv.FormatInt(at.UnixNano(), 10), p, at)
}

// recheck checks the site again. A change between up and down goes on the
// timeline; enough healthy checks in a row ask the war room whether to
// resume the ads and resolve, and stop the checks. Closing, resolving or a
// drill stops them too.
func (e *Engine) recheck(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	var p recheckPayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	if !inc.Status.Open() || inc.Drill || e.prober == nil {
		return nil, nil
	}
	if other, err := e.rechecking(ctx, job, inc.ID, p.URL, p.Chain); err != nil || other {
		return nil, err // another chain follows this URL: this one ends
	}
	r := e.prober.Probe(ctx, incidentbot.ProbeTarget{URL: p.URL, Expect: p.Expect, Trusted: p.Trusted})
	lang := e.lang(inc)
	if r.Blocked {
		// The name now leads somewhere the rule refuses: checking again would not change that.
		return func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventProbeResult, At: e.now(),
				Text: i18n.T(lang, "probe.recheck.stopped", map[string]any{"Summary": r.SummaryIn(lang)})}}}, nil
		}, nil
	}
	j := e.jobsFor(inc)
	var events []incidentbot.TimelineEvent
	wasHealthy := p.Healthy > 0
	if r.Healthy {
		p.Healthy++
	} else {
		p.Healthy = 0
	}
	if r.Healthy != wasHealthy {
		events = append(events, incidentbot.TimelineEvent{Kind: incidentbot.EventProbeResult, At: e.now(),
			Text: i18n.T(lang, "probe.recheck.changed", map[string]any{"Summary": r.SummaryIn(lang)})})
	}
	if p.Healthy >= e.cfg.RecheckHealthy {
		msg, err := e.siteBack(ctx, inc, p)
		if err != nil {
			return nil, err
		}
		j.add(kindPost, localKey(job)+"/back", postPayload{Message: msg})
	} else {
		e.scheduleRecheck(j, p)
	}
	if j.err != nil {
		return nil, j.err
	}
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Events: events, Jobs: j.out}, nil
	}, nil
}

// siteBack asks the commander to resume what the bot paused and resolve.
func (e *Engine) siteBack(ctx context.Context, inc *incidentbot.Incident, p recheckPayload) (incidentbot.Message, error) {
	pauses, err := e.store.Pauses(ctx, inc.ID)
	if err != nil {
		return incidentbot.Message{}, err
	}
	held := 0
	for _, pause := range pauses {
		if pause.State == incidentbot.PausePaused {
			held++
		}
	}
	lang := e.lang(inc)
	text := []string{i18n.N(lang, "probe.back.healthy", p.Healthy, map[string]any{"URL": p.URL})}
	var buttons []incidentbot.Button
	if held > 0 {
		text = append(text, i18n.N(lang, "probe.back.paused", held, nil))
		buttons = append(buttons, incidentbot.Button{ActionID: "ads resume " + inc.Key, Label: i18n.T(lang, "view.button.resume", nil)})
	}
	buttons = append(buttons, incidentbot.Button{ActionID: "resolve " + inc.Key, Label: i18n.T(lang, "view.button.resolve", nil), Style: incidentbot.ButtonPrimary})
	return incidentbot.Message{
		Title:    i18n.T(lang, "probe.back.title", nil),
		Text:     strings.Join(append(text, i18n.T(lang, "probe.back.question", nil)), " "),
		Severity: inc.Severity,
		Buttons:  buttons,
	}, nil
}
