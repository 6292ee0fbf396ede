package adsapi

import (
	"context"
	"errors"

	"golang.org/x/sync/errgroup"

	"incidentbot"
)

// EachAccount calls list for every account, at most limit at once, and
// returns their campaigns in account order. The first error cancels the
// other calls and is returned.
func EachAccount(ctx context.Context, accounts []string, limit int,
	list func(ctx context.Context, account string) ([]incidentbot.Campaign, error)) ([]incidentbot.Campaign, error) {
	per := make([][]incidentbot.Campaign, len(accounts))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i, a := range accounts {
		g.Go(func() error {
			cs, err := list(ctx, a)
			per[i] = cs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []incidentbot.Campaign
	for _, cs := range per {
		out = append(out, cs...)
	}
	return out, nil
}

// SetByAccount groups campaigns by the account that account returns for
// each (an error becomes that campaign's result) and calls set for every
// account, at most limit at once, with the indexes of its campaigns. set
// fills results[i] for each campaign whose outcome it knows; one account's
// error does not stop the others. It returns the results filled, in
// campaign order, and the accounts' errors joined.
func SetByAccount(ctx context.Context, campaigns []incidentbot.Campaign, limit int,
	account func(incidentbot.Campaign) (string, error),
	set func(ctx context.Context, account string, idx []int, results []*incidentbot.CampaignResult) error) ([]incidentbot.CampaignResult, error) {
	results := make([]*incidentbot.CampaignResult, len(campaigns))
	byAccount := map[string][]int{}
	var order []string
	for i, cp := range campaigns {
		a, err := account(cp)
		if err != nil {
			results[i] = &incidentbot.CampaignResult{Campaign: cp, Err: err}
			continue
		}
		if _, ok := byAccount[a]; !ok {
			order = append(order, a)
		}
		byAccount[a] = append(byAccount[a], i)
	}

	errs := make([]error, len(order))
	var g errgroup.Group
	g.SetLimit(limit)
	for n, a := range order {
		g.Go(func() error {
			errs[n] = set(ctx, a, byAccount[a], results)
			return nil // the other accounts go on
		})
	}
	g.Wait()

	out := make([]incidentbot.CampaignResult, 0, len(campaigns))
	for _, r := range results {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out, errors.Join(errs...)
}

// Check is the dry run of platforms without a validate-only mode: given
// current, an account's campaigns as listed now, it gives each campaign at
// idx a result saying whether setting it to raw could be done, changing
// nothing, and returns how many would change. refuse says why a campaign
// cannot be changed (found is false when it is not listed), nil when it can.
func Check(current, campaigns []incidentbot.Campaign, idx []int, raw string, results []*incidentbot.CampaignResult,
	refuse func(id string, cur incidentbot.Campaign, found bool) error) int {
	byID := make(map[string]incidentbot.Campaign, len(current))
	for _, cp := range current {
		byID[cp.ID] = cp
	}
	changes := 0
	for _, i := range idx {
		cur, found := byID[campaigns[i].ID]
		err := refuse(campaigns[i].ID, cur, found)
		if err == nil && cur.RawStatus != raw {
			changes++
		}
		results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i], Err: err}
	}
	return changes
}
