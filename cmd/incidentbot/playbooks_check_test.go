package main

import (
	"bytes"
	"context"
	"testing"

	"incidentbot/internal/golden"
)

// TestPlaybooksCheckLanguages: playbooks check lists the playbooks in
// BOT_LANGUAGE and warns, without failing, about those whose war rooms
// would mix languages.
func TestPlaybooksCheckLanguages(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			args := []string{"incidentbot", "playbooks", "check", "../../playbooks/testdata/languages"}
			if err := run(context.Background(), args, envFrom(map[string]string{"BOT_LANGUAGE": lang}), nil, &out, &out); err != nil {
				t.Fatalf("got %v, want warnings only", err)
			}
			golden.Check(t, "playbooks_check_"+lang+".golden", out.Bytes())
		})
	}
}
