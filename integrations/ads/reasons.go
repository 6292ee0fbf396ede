package ads

import (
	"maps"
	"slices"

	"incidentbot/i18n"
)

// reason is message ads.reason.<id>, kept as catalog text (i18n.Store): a
// campaign's reason is stored once, and each reader (the war room, a
// person's ads status, the post-mortem) says it in their language with
// i18n.Stored. Logs say it in English.
func reason(id string, data map[string]any) string {
	return i18n.M("ads.reason."+id, data).Store()
}

// errorReason is err's message for people (a platform's refusal), kept so.
func errorReason(err error) string { return i18n.StoreError(err) }

// english says a kept reason in English, for logs.
func english(s string) string { return i18n.Stored(i18n.Default, s) }

// platformError is a platform-wide failure for Report.Errors, kept so.
func platformError(platform string, err error) string {
	return reason("platform", map[string]any{"Platform": platform, "Error": i18n.ErrorText(err)})
}

// laterMessages says, per distinct reason, how many of a platform's
// campaigns a pause left for its next run, and why.
func laterMessages(platform string, reasons []string) []*i18n.Message {
	counts := map[string]int{}
	for _, r := range reasons {
		counts[r]++
	}
	var out []*i18n.Message
	for _, r := range slices.Sorted(maps.Keys(counts)) {
		var why any = r
		if m, ok := i18n.Restore(r); ok {
			why = m
		}
		out = append(out, i18n.M("ads.reason.not_paused_yet", map[string]any{"Platform": platform, "Count": counts[r], "Reason": why}))
	}
	return out
}
