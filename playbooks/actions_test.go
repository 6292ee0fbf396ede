package playbooks

import (
	"slices"
	"testing"

	"incidentbot"
)

// Every action kind has exactly one decoder, in the root's order: a kind
// added to the root without one fails here (and in bot's runner test).
func TestActionSpecsCoverKinds(t *testing.T) {
	t.Parallel()
	if got, want := actionKinds(), incidentbot.ActionKinds(); !slices.Equal(got, want) {
		t.Errorf("decoders cover %v, want %v", got, want)
	}
	for _, s := range actionSpecs {
		if slices.Contains(s.fields, "when") {
			t.Errorf("%s lists when among its own fields: every kind takes it", s.kind)
		}
	}
}
