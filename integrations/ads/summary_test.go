package ads

import (
	"errors"
	"fmt"
	"testing"

	"incidentbot"
	"incidentbot/i18n"
)

func pauses(platform, account string, n int, state incidentbot.PauseState, reason string) []incidentbot.CampaignPause {
	out := make([]incidentbot.CampaignPause, n)
	for i := range out {
		out[i] = incidentbot.CampaignPause{
			Campaign: incidentbot.Campaign{Platform: platform, Account: fmt.Sprintf("%s%d", account, i%3), ID: fmt.Sprint(i), Name: fmt.Sprintf("%s %d", platform, i)},
			State:    state,
			Error:    reason,
		}
	}
	return out
}

func TestSummary(t *testing.T) {
	t.Parallel()
	failed := pauses("meta", "act_", 2, incidentbot.PauseFailed, "No access to this campaign.")
	failed[1].Campaign.Name = ""
	tests := []struct {
		name string
		rep  Report
		want string
	}{
		{"paused on two platforms", Report{
			Paused: append(pauses("googleads", "acc", 212, incidentbot.PausePaused, ""), pauses("meta", "", 38, incidentbot.PausePaused, "")[:38]...),
			Failed: failed,
			kind:   kindPause,
		}, "Paused 212 campaigns on googleads (3 accounts) and 38 on meta (3 accounts); 2 failed: meta 0 (No access to this campaign), meta/act_1/1 (No access to this campaign)."},
		{"one campaign one account", Report{
			Paused: pauses("meta", "", 1, incidentbot.PausePaused, ""), kind: kindPause,
		}, "Paused 1 campaign on meta."},
		{"three platforms", Report{
			Paused: append(append(pauses("tiktok", "", 1, incidentbot.PausePaused, ""), pauses("meta", "", 1, incidentbot.PausePaused, "")...),
				pauses("googleads", "", 1, incidentbot.PausePaused, "")...), kind: kindPause,
		}, "Paused 1 campaign on googleads, 1 on meta and 1 on tiktok."},
		{"dry run", Report{
			Paused: pauses("googleads", "acc", 4, incidentbot.PausePaused, ""),
			Shared: pauses("meta", "", 2, incidentbot.PausePaused, ""),
			Failed: pauses("meta", "", 1, incidentbot.PauseFailed, "Campaign is archived."),
			DryRun: true, kind: kindPause,
		}, "Would pause 4 campaigns on googleads (3 accounts); 2 campaigns already paused by another incident, would be held by this one too; 1 would fail: meta 0 (Campaign is archived)."},
		{"shared only", Report{
			Shared: pauses("meta", "", 1, incidentbot.PausePaused, ""), kind: kindPause,
		}, "1 campaign already paused by another incident, now held by this one too."},
		{"resumed and left paused", Report{
			Resumed:    pauses("googleads", "", 10, incidentbot.PauseResumed, ""),
			LeftPaused: pauses("meta", "", 7, incidentbot.PauseLeftPaused, "still held by INC-43"),
			kind:       kindResume,
		}, "Resumed 10 campaigns on googleads (3 accounts); left 7 paused: meta 0 (still held by INC-43), meta 1 (still held by INC-43), meta 2 (still held by INC-43), meta 3 (still held by INC-43), meta 4 (still held by INC-43), and 2 more."},
		{"left paused first is capitalised", Report{
			LeftPaused: pauses("meta", "", 1, incidentbot.PauseLeftPaused, "changed by hand since the pause (now ACTIVE): left alone"),
			kind:       kindResume,
		}, "Left 1 paused: meta 0 (changed by hand since the pause (now ACTIVE): left alone)."},
		{"failure without reason", Report{
			Failed: pauses("meta", "", 1, incidentbot.PauseFailed, ""), kind: kindPause,
		}, "1 failed: meta 0 (failed)."},
		{"reasons kept as catalog text", Report{
			LeftPaused: pauses("meta", "", 1, incidentbot.PauseLeftPaused, reason("still_held", map[string]any{"Keys": "INC-43"})),
			Errors:     []string{laterMessages("googleads", []string{reason("just_released", nil), reason("just_released", nil)})[0].Store()},
			kind:       kindResume,
		}, "Left 1 paused: meta 0 (still held by INC-43); googleads: 2 campaigns not paused yet (just released by another incident): run the pause again in a moment."},
		{"nothing to pause", Report{kind: kindPause}, "Nothing to pause: no matching campaign is serving."},
		{"nothing to pause in a drill", Report{DryRun: true, kind: kindPause}, "Would pause nothing: no matching campaign is serving."},
		{"nothing to resume", Report{kind: kindResume}, "Nothing to resume: this incident holds no paused campaign."},
		{"zero report", Report{}, "Nothing to do."},
		{"skipped and platform errors", Report{
			Paused:  pauses("googleads", "", 1, incidentbot.PausePaused, ""),
			Skipped: []string{"tiktok", "microsoft"},
			Errors:  []string{"meta: Meta is throttling requests. Try again in a minute."},
			kind:    kindPause,
		}, "Paused 1 campaign on googleads; skipped tiktok, microsoft (not configured); meta: Meta is throttling requests. Try again in a minute."},
		{"nothing but skipped", Report{Skipped: []string{"tiktok"}, kind: kindPause},
			"Nothing to pause: no matching campaign is serving; skipped tiktok (not configured)."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.rep.Summary("en"); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestSummaryFrench: the war room's report reads as French when the
// workspace speaks it, counts and plurals included.
func TestSummaryFrench(t *testing.T) {
	t.Parallel()
	const nb = "\u00a0"
	tests := []struct {
		name string
		rep  Report
		want string
	}{
		{"paused with failures", Report{
			Paused: append(pauses("googleads", "acc", 1212, incidentbot.PausePaused, ""), pauses("meta", "", 38, incidentbot.PausePaused, "")...),
			Failed: pauses("meta", "", 2, incidentbot.PauseFailed, ""),
			kind:   kindPause,
		}, "Pause de 1" + nb + "212 campagnes sur googleads (3 comptes) et 38 sur meta (3 comptes)" + nb + "; 2 échecs" + nb + ": meta 0 (échec), meta 1 (échec)."},
		{"one campaign", Report{Paused: pauses("meta", "", 1, incidentbot.PausePaused, ""), kind: kindPause},
			"Pause de 1 campagne sur meta."},
		{"left paused, more than named", Report{
			Resumed:    pauses("googleads", "", 1, incidentbot.PauseResumed, ""),
			LeftPaused: pauses("meta", "", 6, incidentbot.PauseLeftPaused, "retenue par INC-43"),
			kind:       kindResume,
		}, "Relance de 1 campagne sur googleads" + nb + "; 6 laissées en pause" + nb + ": meta 0 (retenue par INC-43), meta 1 (retenue par INC-43), meta 2 (retenue par INC-43), meta 3 (retenue par INC-43), meta 4 (retenue par INC-43), et 1 autre."},
		{"drill", Report{
			Shared: pauses("meta", "", 2, incidentbot.PausePaused, ""),
			DryRun: true, kind: kindPause,
		}, "2 campagnes déjà en pause pour un autre incident, que celui-ci retiendrait aussi."},
		{"reasons kept as catalog text", Report{
			LeftPaused: pauses("meta", "", 1, incidentbot.PauseLeftPaused, reason("still_held", map[string]any{"Keys": "INC-43"})),
			Errors:     []string{laterMessages("googleads", []string{reason("just_released", nil)})[0].Store()},
			kind:       kindResume,
		}, "1 laissée en pause" + nb + ": meta 0 (toujours retenue par INC-43)" + nb + "; googleads" + nb + ": 1 campagne pas encore en pause (tout juste libérée par un autre incident)" + nb + ": relancez la mise en pause dans un instant."},
		{"a platform's refusal from the catalog", Report{
			Failed: pauses("meta", "", 1, incidentbot.PauseFailed, errorReason(i18n.Wrap(incidentbot.EFORBIDDEN, errors.New("HTTP 403"), "ads.meta.denied",
				map[string]any{"What": i18n.M("ads.what.campaign", map[string]any{"ID": "42"}), "Code": "200"}))),
			kind: kindPause,
		}, "1 échec" + nb + ": meta 0 (Meta n'a pas autorisé à modifier la campagne 42 (code 200). Donnez à l'utilisateur système la permission ads_management sur le compte publicitaire)."},
		{"nothing to resume, a platform skipped", Report{Skipped: []string{"tiktok"}, kind: kindResume},
			"Rien à relancer" + nb + ": cet incident ne retient aucune campagne en pause" + nb + "; plateforme non configurée ignorée" + nb + ": tiktok."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.rep.Summary("fr"); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
