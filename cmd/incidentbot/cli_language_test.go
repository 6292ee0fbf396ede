package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCLIFrench: with BOT_LANGUAGE=fr, migrate and playbooks check speak
// French to the operator.
func TestCLIFrench(t *testing.T) {
	t.Chdir(t.TempDir())
	env := envFrom(map[string]string{"BOT_LANGUAGE": "fr"})
	for i, want := range []string{"migration appliquée\u00a0: 0001_init.sql (sqlite)\n", "aucune migration à appliquer\u00a0: le schéma sqlite est à jour\n"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"incidentbot", "migrate"}, env, nil, &out, &out); err != nil {
			t.Fatalf("migrate %d: %v", i, err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("migrate %d: got %q, want %q", i, out.String(), want)
		}
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"incidentbot", "playbooks", "lint"}, env, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "syntaxe\u00a0: incidentbot playbooks check [dossier]") {
		t.Errorf("playbooks lint: got %v, want the French usage", err)
	}
}
