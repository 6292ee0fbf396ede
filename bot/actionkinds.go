package bot

import (
	"cmp"
	"context"
	"fmt"

	"incidentbot"
)

// actionRunner is how the engine runs one action kind. Adding a kind is a
// params type in the root, a decoder in playbooks and an entry here;
// TestActionRunnersCoverKinds fails until all three exist.
type actionRunner struct {
	probe    bool // checks from outside: runs in the probe workers' lane (see probeLane)
	outward  bool // speaks for the shop outside the team: may wait for a commander (see outward.go)
	describe func(incidentbot.ActionParams) (what, byHand string)
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
	describe       func(P) (what, byHand string)
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
		describe: func(incidentbot.VerifySiteParams) (string, string) {
			return "check the site from outside", "Open the site from another network or browser, or run /incident verify again."
		},
		run: (*Engine).runVerifySite,
	})
	register(kindRunner[incidentbot.CheckProvidersParams]{
		probe: true,
		describe: func(incidentbot.CheckProvidersParams) (string, string) {
			return "read the providers' status pages", "Open the payment provider's and the host's status pages in a browser."
		},
		run: (*Engine).runProviders,
	})
	register(kindRunner[incidentbot.PauseAdsParams]{
		describe: func(incidentbot.PauseAdsParams) (string, string) {
			return "pause the ads", "Pause the campaigns in each ad platform's console, then check /incident ads status."
		},
		run: (*Engine).runPauseAds,
	})
	register(kindRunner[incidentbot.ResumeAdsParams]{
		describe: func(incidentbot.ResumeAdsParams) (string, string) {
			return "resume the ads", "Resume the campaigns the bot paused in each ad platform's console; /incident ads status lists them."
		},
		run: (*Engine).runResumeAds,
	})
	register(kindRunner[incidentbot.NotifyParams]{
		outward: true,
		describe: func(a incidentbot.NotifyParams) (string, string) {
			return "notify " + cmp.Or(a.To, incidentbot.ActionNotify), "Contact them by hand."
		},
		run: (*Engine).runNotifyAction,
	})
	register(kindRunner[incidentbot.StatusPageParams]{
		outward: true,
		describe: func(incidentbot.StatusPageParams) (string, string) {
			return "update the status page", "Update the status page by hand."
		},
		run: (*Engine).runStatusPage,
	})
	register(kindRunner[incidentbot.PageParams]{
		outward: true,
		describe: func(a incidentbot.PageParams) (string, string) {
			return "page " + cmp.Or(a.To, incidentbot.ActionPage), "Call them by hand."
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
		describe: func(a incidentbot.ActionParams) (string, string) {
			p, _ := a.(P) // the kind was looked up from a's type
			return k.describe(p)
		},
		run: func(e *Engine, ctx context.Context, r actionRun, a incidentbot.ActionParams) (result, error) {
			p, ok := a.(P)
			if !ok {
				return result{}, incidentbot.WrapError(incidentbot.EINTERNAL, fmt.Errorf("%s action with params %T", kind, a), "The bot hit an internal error.")
			}
			return k.run(e, ctx, r, p)
		},
	}
}

// describeAction says what an action does and how to do it by hand.
func describeAction(a incidentbot.Action) (what, byHand string) {
	r, ok := actionRunners[a.Kind()]
	if !ok {
		return "run a playbook action", "Check the playbook and do the step by hand."
	}
	return r.describe(a.Params)
}
