package incidentbot

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Action kinds a playbook can run. A kind is one params type below, one
// entry in package playbooks' decoders (its fields and their checks) and one
// in package bot's runners; tests there check that both cover ActionKinds.
const (
	ActionVerifySite = "verify_site"
	ActionPauseAds   = "pause_ads"
	ActionResumeAds  = "resume_ads"
	ActionNotify     = "notify"
	ActionStatusPage = "statuspage"
	ActionPage       = "page"
	// ActionCheckProviders reads the providers' status pages (payment,
	// hosting): is the fault theirs?
	ActionCheckProviders = "check_providers"
)

// paramsDecoder makes one kind's params from the JSON of a stored Action.
type paramsDecoder struct {
	kind   string
	decode func([]byte) (ActionParams, error)
}

// actionParams has one decoder per kind, in the order playbook messages
// list the kinds.
var actionParams = []paramsDecoder{
	{ActionVerifySite, decodeParams[VerifySiteParams]},
	{ActionPauseAds, decodeParams[PauseAdsParams]},
	{ActionResumeAds, decodeParams[ResumeAdsParams]},
	{ActionNotify, decodeParams[NotifyParams]},
	{ActionStatusPage, decodeParams[StatusPageParams]},
	{ActionPage, decodeParams[PageParams]},
	{ActionCheckProviders, decodeParams[CheckProvidersParams]},
}

// ActionKinds lists every action kind.
func ActionKinds() []string {
	out := make([]string, len(actionParams))
	for i, k := range actionParams {
		out[i] = k.kind
	}
	return out
}

// ActionParams are the fields of one kind of action; the concrete type
// says the kind.
type ActionParams interface {
	ActionKind() string
}

// VerifySiteParams checks the site from outside.
type VerifySiteParams struct {
	URL    string // empty: the shop's own address (SHOP_URL)
	Expect string // text the page must contain
}

// PauseAdsParams selects the serving campaigns to pause.
type PauseAdsParams struct {
	Platforms []string // empty means all configured
	Accounts  []string // empty means all
	Include   []string // campaign name globs to pause (empty: all)
	Exclude   []string // campaign name globs to keep serving (brand ...)
	// IncludeLabels and ExcludeLabels select by campaign label (exact,
	// case-insensitive) where the platform has labels: Google Ads, Meta.
	IncludeLabels []string // pause only campaigns with one of these labels
	ExcludeLabels []string // keep campaigns with one of these labels serving
}

// ResumeAdsParams resumes what the incident paused.
type ResumeAdsParams struct {
	Platforms []string // empty means all configured
}

// NotifyParams sends a template to a NOTIFY_* target.
type NotifyParams struct {
	To       string // the target's name
	Template string
}

// StatusPageParams updates the public status page.
type StatusPageParams struct {
	Status   string // investigating, identified, monitoring, resolved
	Template string // the customer message; the page shows nothing else
}

// PageParams pages a service or team.
type PageParams struct {
	To string
}

// CheckProvidersParams reads the status pages in PROVIDER_STATUS_PAGES:
// they are the shop's, not the playbook's, so it has no fields.
type CheckProvidersParams struct{}

func (VerifySiteParams) ActionKind() string     { return ActionVerifySite }
func (PauseAdsParams) ActionKind() string       { return ActionPauseAds }
func (ResumeAdsParams) ActionKind() string      { return ActionResumeAds }
func (NotifyParams) ActionKind() string         { return ActionNotify }
func (StatusPageParams) ActionKind() string     { return ActionStatusPage }
func (PageParams) ActionKind() string           { return ActionPage }
func (CheckProvidersParams) ActionKind() string { return ActionCheckProviders }

// Action is one step a playbook runs on declare or on resolve.
type Action struct {
	When   Condition
	Params ActionParams
}

// Kind is the action's kind, "" when it has no params.
func (a Action) Kind() string {
	if a.Params == nil {
		return ""
	}
	return a.Params.ActionKind()
}

// MarshalJSON writes the action flat, its kind and condition beside its
// params ({"Kind":"notify","When":{...},"To":"hosting",...}): jobs store
// actions this way, and payloads written before params had types read the same.
func (a Action) MarshalJSON() ([]byte, error) {
	fields := map[string]any{"Kind": a.Kind(), "When": a.When}
	if a.Params != nil {
		b, err := json.Marshal(a.Params)
		if err != nil {
			return nil, err
		}
		var params map[string]json.RawMessage
		if err := json.Unmarshal(b, &params); err != nil {
			return nil, fmt.Errorf("action %s: %w", a.Kind(), err)
		}
		for k, v := range params {
			fields[k] = v
		}
	}
	return json.Marshal(fields)
}

// UnmarshalJSON reads what MarshalJSON wrote; fields of other kinds are
// ignored, an unknown kind is an error.
func (a *Action) UnmarshalJSON(b []byte) error {
	var head struct {
		Kind string
		When Condition
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	*a = Action{When: head.When}
	if head.Kind == "" {
		return nil
	}
	i := slices.IndexFunc(actionParams, func(k paramsDecoder) bool { return k.kind == head.Kind })
	if i < 0 {
		return fmt.Errorf("unknown action kind %q", head.Kind)
	}
	p, err := actionParams[i].decode(b)
	if err != nil {
		return fmt.Errorf("action %s: %w", head.Kind, err)
	}
	a.Params = p
	return nil
}

func decodeParams[P ActionParams](b []byte) (ActionParams, error) {
	var p P
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return p, nil
}

// Condition limits an action to some incidents. Empty means always.
type Condition struct {
	Severity []Severity
}

// Holds reports whether the condition lets an incident of severity s run the action.
func (c Condition) Holds(s Severity) bool {
	if len(c.Severity) == 0 {
		return true
	}
	for _, v := range c.Severity {
		if v == s {
			return true
		}
	}
	return false
}
