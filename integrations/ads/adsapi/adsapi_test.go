package adsapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"incidentbot"
)

func TestSleep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		d        time.Duration
		deadline time.Duration // 0: none
		cancel   bool
		want     bool
	}{
		{"short wait", time.Second, 0, false, true},
		{"longer than MaxWait", MaxWait + time.Second, 0, false, false},
		{"past the deadline", 10 * time.Second, 5 * time.Second, false, false},
		{"within the deadline", time.Second, 5 * time.Second, false, true},
		{"cancelled", time.Second, 0, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				ctx := t.Context()
				if tc.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.deadline)
					defer cancel()
				}
				if tc.cancel {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					cancel()
				}
				start := time.Now()
				if got := Sleep(ctx, tc.d); got != tc.want {
					t.Errorf("got %v, want %v", got, tc.want)
				}
				if slept := time.Since(start); tc.want && slept != tc.d {
					t.Errorf("slept %s, want %s", slept, tc.d)
				}
			})
		})
	}
}

func TestRetry(t *testing.T) {
	t.Parallel()
	errBusy := errors.New("busy")
	tests := []struct {
		name      string
		failures  int  // tries that fail before one succeeds
		retryable bool // failures say retry
		wait      time.Duration
		wantTries int
		wantErr   bool
	}{
		{"first try", 0, true, time.Second, 1, false},
		{"two failures", 2, true, time.Second, 3, false},
		{"every try fails", 10, true, time.Second, 4, true},
		{"not retryable", 10, false, time.Second, 1, true},
		{"wait too long", 10, true, time.Hour, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				p := Policy{Attempts: 4, Backoff: time.Second}
				var tries []int
				start := time.Now()
				err := p.Retry(t.Context(), "retrying", nil, func(attempt int) (time.Duration, bool, error) {
					tries = append(tries, attempt)
					if attempt <= tc.failures {
						return tc.wait, tc.retryable, errBusy
					}
					return 0, false, nil
				})
				if (err != nil) != tc.wantErr {
					t.Errorf("got error %v, want error %v", err, tc.wantErr)
				}
				if len(tries) != tc.wantTries {
					t.Errorf("got %d tries, want %d", len(tries), tc.wantTries)
				}
				if want := time.Duration(len(tries)-1) * tc.wait; time.Since(start) != want {
					t.Errorf("waited %s, want %s", time.Since(start), want)
				}
			})
		})
	}
}

func TestPolicyWait(t *testing.T) {
	t.Parallel()
	p := Policy{Backoff: time.Second}
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second} {
		if got := p.Wait(attempt); got != want {
			t.Errorf("Wait(%d): got %s, want %s", attempt, got, want)
		}
	}
}

func TestThrottled(t *testing.T) {
	t.Parallel()
	cause := errors.New("HTTP 429")
	err := fmt.Errorf("pause: %w", Throttled(incidentbot.AdsGoogle, "1234567890", time.Minute, cause,
		"ads.google.quota", map[string]any{"Customer": "1234567890", "Wait": time.Minute.String()}))
	if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
		t.Errorf("got code %s, want EUNAVAILABLE", got)
	}
	if got, want := incidentbot.ErrorMessage(err), "Google Ads quota is exhausted for customer 1234567890; try again in 1m0s."; got != want {
		t.Errorf("got message %q, want %q", got, want)
	}
	var hint interface{ RetryAfter() time.Duration }
	if !errors.As(err, &hint) || hint.RetryAfter() != time.Minute {
		t.Errorf("got RetryAfter hint %v, want 1m", hint)
	}
	if !errors.Is(err, cause) {
		t.Errorf("got %v, want the platform's error kept in the chain", err)
	}
	tests := []struct {
		e    ThrottleError
		want string
	}{
		{ThrottleError{Platform: "meta", Wait: time.Second}, "meta: rate limited, retry after 1s"},
		{ThrottleError{Platform: "googleads", Account: "1", Wait: time.Second}, "googleads account 1: rate limited, retry after 1s"},
	}
	for _, tc := range tests {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestStatuses(t *testing.T) {
	t.Parallel()
	s := Statuses{Active: "ENABLED", Paused: "PAUSED"}
	for raw, want := range map[string]incidentbot.CampaignStatus{
		"ENABLED": incidentbot.CampaignActive, "PAUSED": incidentbot.CampaignPaused, "REMOVED": incidentbot.CampaignOther, "": incidentbot.CampaignOther,
	} {
		if got := s.Neutral(raw); got != want {
			t.Errorf("Neutral(%q): got %s, want %s", raw, got, want)
		}
	}
	for to, want := range map[incidentbot.CampaignStatus]string{incidentbot.CampaignActive: "ENABLED", incidentbot.CampaignPaused: "PAUSED"} {
		if got, err := s.Raw(to); got != want || err != nil {
			t.Errorf("Raw(%s): got %q, %v, want %q", to, got, err, want)
		}
	}
	if _, err := s.Raw(incidentbot.CampaignOther); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("Raw(other): got %v, want EINVALID", err)
	}
}

func TestEachAccount(t *testing.T) {
	t.Parallel()
	list := func(_ context.Context, a string) ([]incidentbot.Campaign, error) {
		if a == "bad" {
			return nil, errors.New("refused")
		}
		return []incidentbot.Campaign{{Account: a, ID: a + "-1"}, {Account: a, ID: a + "-2"}}, nil
	}
	got, err := EachAccount(t.Context(), []string{"a", "b", "c"}, 2, list)
	if err != nil {
		t.Fatalf("EachAccount: %v", err)
	}
	var ids []string
	for _, cp := range got {
		ids = append(ids, cp.ID)
	}
	if want := []string{"a-1", "a-2", "b-1", "b-2", "c-1", "c-2"}; !slices.Equal(ids, want) {
		t.Errorf("got %v, want %v", ids, want)
	}
	if _, err := EachAccount(t.Context(), []string{"a", "bad"}, 2, list); err == nil {
		t.Error("got no error for a refused account, want one")
	}
}

func TestSetByAccount(t *testing.T) {
	t.Parallel()
	campaigns := []incidentbot.Campaign{{Account: "a", ID: "1"}, {Account: "x", ID: "2"}, {Account: "b", ID: "3"}, {Account: "a", ID: "4"}, {Account: "c", ID: "5"}}
	errBad := errors.New("not an account")
	errDown := errors.New("down")
	account := func(cp incidentbot.Campaign) (string, error) {
		if cp.Account == "x" {
			return "", errBad
		}
		return cp.Account, nil
	}
	var calls []string
	res, err := SetByAccount(t.Context(), campaigns, 1, account,
		func(_ context.Context, a string, idx []int, results []*incidentbot.CampaignResult) error {
			calls = append(calls, fmt.Sprint(a, idx))
			switch a {
			case "b":
				results[idx[0]] = &incidentbot.CampaignResult{Campaign: campaigns[idx[0]], Err: errDown}
				return errDown
			case "c":
				return errDown // outcome unknown: no result
			}
			for _, i := range idx {
				results[i] = &incidentbot.CampaignResult{Campaign: campaigns[i]}
			}
			return nil
		})
	if want := []string{"a[0 3]", "b[2]", "c[4]"}; !slices.Equal(calls, want) {
		t.Errorf("got calls %v, want %v", calls, want)
	}
	if !errors.Is(err, errDown) {
		t.Errorf("got error %v, want the accounts' errors joined", err)
	}
	var got []string
	for _, r := range res {
		got = append(got, fmt.Sprint(r.Campaign.ID, " ", r.Err))
	}
	if want := []string{"1 <nil>", "2 not an account", "3 down", "4 <nil>"}; !slices.Equal(got, want) {
		t.Errorf("got results %q, want %q", got, want)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	current := []incidentbot.Campaign{{ID: "1", RawStatus: "ENABLE"}, {ID: "2", RawStatus: "DISABLE"}, {ID: "3", RawStatus: "DELETE"}}
	campaigns := []incidentbot.Campaign{{ID: "1"}, {ID: "2"}, {ID: "3"}, {ID: "4"}}
	errGone, errDeleted := errors.New("gone"), errors.New("deleted")
	results := make([]*incidentbot.CampaignResult, len(campaigns))
	changes := Check(current, campaigns, []int{0, 1, 2, 3}, "DISABLE", results, func(_ string, cur incidentbot.Campaign, found bool) error {
		switch {
		case !found:
			return errGone
		case cur.RawStatus == "DELETE":
			return errDeleted
		}
		return nil
	})
	if changes != 1 {
		t.Errorf("got %d changes, want 1 (campaign 1)", changes)
	}
	for i, want := range []error{nil, nil, errDeleted, errGone} {
		if results[i] == nil || results[i].Campaign.ID != campaigns[i].ID || results[i].Err != want {
			t.Errorf("result %d: got %+v, want campaign %s with error %v", i, results[i], campaigns[i].ID, want)
		}
	}
}
