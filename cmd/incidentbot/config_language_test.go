package main

import (
	"context"
	"strings"
	"testing"
)

// TestConfigFrench: with BOT_LANGUAGE=fr the problems at start are French,
// the process's own and the adapters' alike; when BOT_LANGUAGE itself is
// wrong they stay English. Secrets never show.
func TestConfigFrench(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"BOT_LANGUAGE":          "fr",
		"WORKERS":               "0",
		"PROBE_TIMEOUT":         "soon",
		"SLACK_BOT_TOKEN":       "secret-not-xoxb",
		"META_ADS_ACCOUNT_IDS":  "act_1",
		"PROVIDER_STATUS_PAGES": "bad",
	}
	_, err := loadConfig(context.Background(), "serve", envFrom(env))
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	for _, want := range []string{
		"configuration\u00a0:\n- ",
		"- PROBE_TIMEOUT doit être une durée comme 10s, 500ms ou 2m\n",
		"- WORKERS doit être compris entre 1 et 64",
		"- SLACK_BOT_TOKEN doit être un jeton de bot commençant par xoxb-",
		"- Meta Ads est à moitié configuré\u00a0: définissez aussi META_ADS_ACCESS_TOKEN",
		"- PROVIDER_STATUS_PAGES prend des paires",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "secret-not-xoxb") || strings.Contains(got, " must ") {
		t.Errorf("a secret or English in:\n%s", got)
	}

	env["BOT_LANGUAGE"] = "de"
	_, err = loadConfig(context.Background(), "serve", envFrom(env))
	if err == nil || !strings.HasPrefix(err.Error(), "configuration:\n- ") ||
		!strings.Contains(err.Error(), "- BOT_LANGUAGE must be en or fr") ||
		!strings.Contains(err.Error(), "- WORKERS must be between 1 and 64") {
		t.Errorf("unknown BOT_LANGUAGE: got %v, want the problems in English", err)
	}
}

// TestPlaybooksCheckFrenchProblems: with BOT_LANGUAGE=fr the count of
// problems that refuses the playbooks is French, and so is a folder's problem.
func TestPlaybooksCheckFrenchProblems(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	err := run(context.Background(), []string{"incidentbot", "playbooks", "check", t.TempDir()}, envFrom(map[string]string{"BOT_LANGUAGE": "fr"}), nil, &out, &out)
	if err == nil || !strings.HasPrefix(err.Error(), "1 problème dans les playbooks\u00a0:\n") ||
		!strings.Contains(err.Error(), ": aucun fichier *.yaml ou *.yml\u00a0: faites pointer PLAYBOOKS_DIR") {
		t.Errorf("got %v, want the French count of problems", err)
	}
}

// TestRegisterDiscordFrench: register-discord-commands says what to set in
// BOT_LANGUAGE.
func TestRegisterDiscordFrench(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	err := run(context.Background(), []string{"incidentbot", "register-discord-commands"}, envFrom(map[string]string{"BOT_LANGUAGE": "fr"}), nil, &out, &out)
	if err == nil || !strings.HasPrefix(err.Error(), "définissez d'abord DISCORD_BOT_TOKEN et DISCORD_APP_ID") {
		t.Errorf("got %v, want what to set, in French", err)
	}
}
