package bot

import (
	"cmp"
	"context"
	"fmt"

	"incidentbot"
	"incidentbot/i18n"
)

// actionRunner is how the engine runs one action kind. Adding a kind is a
// params type in the root, a decoder in playbooks and an entry here;
// TestActionRunnersCoverKinds fails until all three exist.
type actionRunner struct {
	probe    bool // checks from outside: runs in the probe workers' lane (see probeLane)
	outward  bool // speaks for the shop outside the team: may wait for a commander (see outward.go)
	describe func(lang string, a incidentbot.ActionParams) (what, byHand string)
	run      func(e *Engine, ctx context.Context, r actionRun, a incidentbot.ActionParams) (result, error)
}

// actionRun is what a runner gets besides its params.
type actionRun struct {
	inc     *incidentbot.Incident
	trusted bool // the action's URL comes from the playbook, not from chat
}

// kindRunner is the actionRunner of params type P, written with P itself.
type kindRunner[P incidentbot.ActionParams] struct {
	probe, outward bool
	describe       func(lang string, a P) (what, byHand string)
	run            func(e *Engine, ctx context.Context, r actionRun, a P) (result, error)
}

// actionRunners has one runner per kind, filed by its params type so none
// can run another kind's params. It is filled by init: runners describe
// actions through it.
var actionRunners map[string]actionRunner

func init() {
	actionRunners = map[string]actionRunner{}
	register(kindRunner[incidentbot.VerifySiteParams]{
		probe: true,
		describe: func(lang string, _ incidentbot.VerifySiteParams) (string, string) {
			return texts(lang, "engine.kind.verify_site.", nil)
		},
		run: (*Engine).runVerifySite,
	})
	register(kindRunner[incidentbot.CheckProvidersParams]{
		probe: true,
		describe: func(lang string, _ incidentbot.CheckProvidersParams) (string, string) {
			return texts(lang, "engine.kind.check_providers.", nil)
		},
		run: (*Engine).runProviders,
	})
	register(kindRunner[incidentbot.PauseAdsParams]{
		describe: func(lang string, _ incidentbot.PauseAdsParams) (string, string) {
			return texts(lang, "engine.kind.pause_ads.", nil)
		},
		run: (*Engine).runPauseAds,
	})
	register(kindRunner[incidentbot.ResumeAdsParams]{
		describe: func(lang string, _ incidentbot.ResumeAdsParams) (string, string) {
			return texts(lang, "engine.kind.resume_ads.", nil)
		},
		run: (*Engine).runResumeAds,
	})
	register(kindRunner[incidentbot.NotifyParams]{
		outward: true,
		describe: func(lang string, a incidentbot.NotifyParams) (string, string) {
			return texts(lang, "engine.kind.notify.", map[string]any{"To": cmp.Or(a.To, incidentbot.ActionNotify)})
		},
		run: (*Engine).runNotifyAction,
	})
	register(kindRunner[incidentbot.StatusPageParams]{
		outward: true,
		describe: func(lang string, _ incidentbot.StatusPageParams) (string, string) {
			return texts(lang, "engine.kind.statuspage.", nil)
		},
		run: (*Engine).runStatusPage,
	})
	register(kindRunner[incidentbot.PageParams]{
		outward: true,
		describe: func(lang string, a incidentbot.PageParams) (string, string) {
			return texts(lang, "engine.kind.page.", map[string]any{"To": cmp.Or(a.To, incidentbot.ActionPage)})
		},
		run: (*Engine).runPage,
	})
}

func register[P incidentbot.ActionParams](k kindRunner[P]) {
	var zero P
	kind := zero.ActionKind()
	if _, dup := actionRunners[kind]; dup {
		panic("bot: two runners for action kind " + kind)
	}
	actionRunners[kind] = actionRunner{
		probe:   k.probe,
		outward: k.outward,
		describe: func(lang string, a incidentbot.ActionParams) (string, string) {
			p, _ := a.(P) // the kind was looked up from a's type
			return k.describe(lang, p)
		},
		run: func(e *Engine, ctx context.Context, r actionRun, a incidentbot.ActionParams) (result, error) {
			p, ok := a.(P)
			if !ok {
				return result{}, i18n.Wrap(incidentbot.EINTERNAL, fmt.Errorf("%s action with params %T", kind, a), "engine.internal", nil)
			}
			return k.run(e, ctx, r, p)
		},
	}
}

// describeAction says what an action does and how to do it by hand, in lang.
func describeAction(lang string, a incidentbot.Action) (what, byHand string) {
	r, ok := actionRunners[a.Kind()]
	if !ok {
		return texts(lang, "engine.job."+kindAction+".", nil)
	}
	return r.describe(lang, a.Params)
}
