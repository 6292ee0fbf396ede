package commands

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"testing/synctest"

	"incidentbot"
	"incidentbot/mock"
)

func TestParseAdsConfirm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     Command
		wantText string // String()
	}{
		{"ads pause INC-42 --confirm", Command{Name: "ads", Key: "INC-42", AdsOp: incidentbot.AdsPause, Force: true}, "ads pause INC-42 --confirm"},
		{"ads INC-42 pause meta --CONFIRM", Command{Name: "ads", Key: "INC-42", AdsOp: incidentbot.AdsPause, Platform: "meta", Force: true}, "ads pause INC-42 meta --confirm"},
		{"ads pause --confirm", Command{Name: "ads", AdsOp: incidentbot.AdsPause, Force: true}, "ads pause --confirm"},
		{"ads pause meta", Command{Name: "ads", AdsOp: incidentbot.AdsPause, Platform: "meta"}, "ads pause meta"},
		// Flags anywhere after the command.
		{"ads pause --confirm googleads", Command{Name: "ads", AdsOp: incidentbot.AdsPause, Platform: "googleads", Force: true}, "ads pause googleads --confirm"},
		{"ads --confirm pause INC-42 meta", Command{Name: "ads", Key: "INC-42", AdsOp: incidentbot.AdsPause, Platform: "meta", Force: true}, "ads pause INC-42 meta --confirm"},
		{"ads --confirm INC-42 pause", Command{Name: "ads", Key: "INC-42", AdsOp: incidentbot.AdsPause, Force: true}, "ads pause INC-42 --confirm"},
		{"ads pause INC-42 --confirm meta", Command{Name: "ads", Key: "INC-42", AdsOp: incidentbot.AdsPause, Platform: "meta", Force: true}, "ads pause INC-42 meta --confirm"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if s := got.String(); s != tc.wantText {
				t.Errorf("String: got %q, want %q", s, tc.wantText)
			}
			if again, err := Parse(got.String()); err != nil || again != got {
				t.Errorf("round trip: got %+v, %v, want %+v", again, err, got)
			}
		})
	}
	for _, in := range []string{"ads resume --confirm", "ads status INC-1 --confirm", "ads --confirm", "ads --confirm resume meta"} {
		if _, err := Parse(in); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("Parse(%q): got %v, want EINVALID", in, err)
		}
	}
	if _, err := Parse("ads pause --force meta"); incidentbot.ErrorMessage(err) != "Unknown option \"--force\": ads takes only --confirm.\nUsage: `"+adsCmd.synopsis("en")+"`" {
		t.Errorf("an unknown flag: got %q", incidentbot.ErrorMessage(err))
	}
}

func FuzzParseAds(f *testing.F) {
	for _, s := range []string{
		"ads pause INC-42 --confirm",
		"ads pause INC-42 meta --confirm",
		"ads INC-7 pause googleads --Confirm",
		"ads resume --confirm",
		"ads pause --confirm --confirm",
		"ads --confirm",
		"ads pause --confirm googleads",
		"ads --confirm INC-3 pause meta",
		"ads pause --Confirm INC-3 --confirm",
		"ads pause --dry-run",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(in)
		if err != nil {
			if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
				t.Fatalf("Parse(%q): got code %q, want EINVALID", in, code)
			}
			return
		}
		again, err := Parse(c.String())
		if err != nil || again != c {
			t.Fatalf("Parse(%q) = %+v; Parse(%q) = %+v, %v", in, c, c.String(), again, err)
		}
	})
}

// previewService is the mock service with AdsPreview, as bot.Engine has it.
type previewService struct {
	*mock.IncidentService
	preview func(ctx context.Context, key, platform string) (*incidentbot.Incident, []incidentbot.Campaign, error)
}

func (s previewService) AdsPreview(ctx context.Context, _ incidentbot.Actor, key, platform string) (*incidentbot.Incident, []incidentbot.Campaign, error) {
	return s.preview(ctx, key, platform)
}

func TestAdsPauseConfirmation(t *testing.T) {
	t.Parallel()
	serving := func(counts map[string]int) []incidentbot.Campaign {
		var out []incidentbot.Campaign
		for _, p := range adPlatforms {
			for range counts[p] {
				out = append(out, incidentbot.Campaign{Platform: p})
			}
		}
		return out
	}
	tests := []struct {
		name       string
		in         string
		preview    func(ctx context.Context) ([]incidentbot.Campaign, error)
		wantTitle  string
		wantText   string
		wantButton incidentbot.Button // zero: none
		wantAds    string             // the Ads call made, "" for none
	}{
		{"counts per platform", "ads pause", func(context.Context) ([]incidentbot.Campaign, error) {
			return serving(map[string]int{"googleads": 212, "meta": 38}), nil
		}, "Pause the ads of INC-42?", "This pauses 212 serving campaigns on googleads and 38 on meta.",
			incidentbot.Button{ActionID: "ads pause INC-42 --confirm", Label: "Pause them", Style: incidentbot.ButtonDanger}, ""},
		{"three platforms", "ads pause INC-42", func(context.Context) ([]incidentbot.Campaign, error) {
			return serving(map[string]int{"googleads": 1, "meta": 2, "tiktok": 3}), nil
		}, "Pause the ads of INC-42?", "This pauses 1 serving campaign on googleads, 2 on meta and 3 on tiktok.",
			incidentbot.Button{ActionID: "ads pause INC-42 --confirm", Label: "Pause them", Style: incidentbot.ButtonDanger}, ""},
		{"one platform, one campaign", "ads pause meta", func(context.Context) ([]incidentbot.Campaign, error) {
			return serving(map[string]int{"meta": 1}), nil
		}, "Pause the ads of INC-42?", "This pauses 1 serving campaign on meta.",
			incidentbot.Button{ActionID: "ads pause INC-42 meta --confirm", Label: "Pause it", Style: incidentbot.ButtonDanger}, ""},
		{"nothing serving", "ads pause", func(context.Context) ([]incidentbot.Campaign, error) { return nil, nil },
			"", "INC-42 has no serving campaign to pause on any platform: nothing to do.", incidentbot.Button{}, ""},
		{"confirmed, nothing serving", "ads pause --confirm", func(context.Context) ([]incidentbot.Campaign, error) { return nil, nil },
			"", "INC-42 has no serving campaign to pause on any platform: nothing to do.", incidentbot.Button{}, ""},
		{"confirmed, nothing serving on meta", "ads pause --confirm meta", func(context.Context) ([]incidentbot.Campaign, error) { return nil, nil },
			"", "INC-42 has no serving campaign to pause on meta: nothing to do.", incidentbot.Button{}, ""},
		{"confirmed, listing too slow", "ads pause INC-42 --confirm", func(ctx context.Context) ([]incidentbot.Campaign, error) {
			<-ctx.Done()
			return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, ctx.Err(), "Google Ads did not answer in time; the bot will retry.")
		}, "", "Pausing the serving campaigns on every platform for INC-42. Results follow in the war room.", incidentbot.Button{}, "pause INC-42 "},
		{"confirmed, platform down", "ads pause INC-42 --confirm", func(context.Context) ([]incidentbot.Campaign, error) {
			return nil, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Meta is not answering right now; the bot will retry.")
		}, "", "Pausing the serving campaigns on every platform for INC-42. Results follow in the war room.", incidentbot.Button{}, "pause INC-42 "},
		{"listing too slow", "ads pause INC-42", func(ctx context.Context) ([]incidentbot.Campaign, error) {
			<-ctx.Done()
			return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, ctx.Err(), "Google Ads did not answer in time; the bot will retry.")
		}, "", "Could not list the campaigns in time; pause anyway with `/incident ads pause INC-42 --confirm`.",
			incidentbot.Button{ActionID: "ads pause INC-42 --confirm", Label: "Pause anyway", Style: incidentbot.ButtonDanger}, ""},
		{"platform down", "ads pause", func(context.Context) ([]incidentbot.Campaign, error) {
			return nil, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Meta is not answering right now; the bot will retry.")
		}, "", "Could not list the campaigns: Meta is not answering right now; the bot will retry. Pause anyway with `/incident ads pause --confirm`.",
			incidentbot.Button{ActionID: "ads pause --confirm", Label: "Pause anyway", Style: incidentbot.ButtonDanger}, ""},
		{"not allowed", "ads pause", func(context.Context) ([]incidentbot.Campaign, error) {
			return nil, incidentbot.Errorf(incidentbot.EFORBIDDEN, "Only the commander, comms or ADS_ADMINS may pause the ads of INC-42.")
		}, "", "Only the commander, comms or ADS_ADMINS may pause the ads of INC-42.", incidentbot.Button{}, ""},
		{"confirmed pauses", "ads pause INC-42 --confirm", func(context.Context) ([]incidentbot.Campaign, error) {
			return serving(map[string]int{"meta": 3}), nil
		}, "", "Pausing the serving campaigns on every platform for INC-42. Results follow in the war room.", incidentbot.Button{}, "pause INC-42 "},
		{"resume needs no confirmation", "ads resume INC-42", nil,
			"", "Resuming the campaigns INC-42 paused on every platform. Results follow in the war room.", incidentbot.Button{}, "resume INC-42 "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var ads []string
				svc := previewService{
					IncidentService: &mock.IncidentService{
						AdsFn: func(_ context.Context, _ incidentbot.Actor, key string, op incidentbot.AdsOp, platform string) (*incidentbot.IncidentStatus, error) {
							ads = append(ads, string(op)+" "+key+" "+platform)
							return &incidentbot.IncidentStatus{Incident: incident()}, nil
						},
					},
					preview: func(ctx context.Context, _, _ string) (*incidentbot.Incident, []incidentbot.Campaign, error) {
						if tc.preview == nil {
							t.Fatal("got a preview, want none")
						}
						cs, err := tc.preview(ctx)
						if err != nil {
							return nil, nil, err
						}
						return incident(), cs, nil
					},
				}
				r := NewHandler(svc, clock, slog.New(slog.DiscardHandler)).Handle(t.Context(), actor, tc.in)
				if r.Message.Title != tc.wantTitle || r.Message.Text != tc.wantText {
					t.Errorf("got %q / %q, want %q / %q", r.Message.Title, r.Message.Text, tc.wantTitle, tc.wantText)
				}
				var want []incidentbot.Button
				if tc.wantButton != (incidentbot.Button{}) {
					want = []incidentbot.Button{tc.wantButton}
				}
				if !slices.Equal(r.Message.Buttons, want) {
					t.Errorf("got buttons %+v, want %+v", r.Message.Buttons, want)
				}
				var wantAds []string
				if tc.wantAds != "" {
					wantAds = []string{tc.wantAds}
				}
				if !slices.Equal(ads, wantAds) {
					t.Errorf("got Ads calls %q, want %q: only a confirmed pause may pause", ads, wantAds)
				}
				if r.Message.EphemeralTo != actor.User.ID {
					t.Errorf("got reply to %q, want only to %s", r.Message.EphemeralTo, actor.User.ID)
				}
			})
		})
	}
}
