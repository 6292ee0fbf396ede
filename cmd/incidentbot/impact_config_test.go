package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"incidentbot/postmortem"
)

// TestImpactConfig: BOT_TIMEZONE and REVENUE_PROFILE_FILE are checked at
// start, one line per problem, never echoing the value or the path.
func TestImpactConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name+"-secretpw.csv")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var full strings.Builder
	full.WriteString(postmortem.ProfileHeader + "\n")
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		for h := range 24 {
			full.WriteString(d + "," + string(rune('0'+h/10)) + string(rune('0'+h%10)) + ",100\n")
		}
	}
	good := write("good", full.String())
	partial := write("partial", postmortem.ProfileHeader+"\nsat,20,300\n")
	broken := write("broken", postmortem.ProfileHeader+"\nsamedi,20,300\nsat,99,1\n")
	tests := []struct {
		name    string
		env     map[string]string
		wantErr []string
	}{
		{name: "zone and full profile", env: map[string]string{"BOT_TIMEZONE": "Europe/Paris", "REVENUE_PROFILE_FILE": good}},
		{name: "partial profile with a flat rate", env: map[string]string{"REVENUE_PROFILE_FILE": partial, "REVENUE_PER_MINUTE": "120"}},
		{name: "unknown zone", env: map[string]string{"BOT_TIMEZONE": "Mars/secretpw"}, wantErr: []string{"- BOT_TIMEZONE must be a time zone name"}},
		{name: "missing file", env: map[string]string{"REVENUE_PROFILE_FILE": filepath.Join(dir, "none-secretpw.csv")},
			wantErr: []string{"- REVENUE_PROFILE_FILE must be a readable CSV file"}},
		{name: "partial profile alone", env: map[string]string{"REVENUE_PROFILE_FILE": partial},
			wantErr: []string{"- REVENUE_PROFILE_FILE leaves hours of the week out"}},
		{name: "bad lines, one problem each", env: map[string]string{"REVENUE_PROFILE_FILE": broken},
			wantErr: []string{"- REVENUE_PROFILE_FILE line 2: \"samedi\" is not a weekday", "- REVENUE_PROFILE_FILE line 3: \"99\" is not an hour"}},
		{name: "bad lines, in French", env: map[string]string{"REVENUE_PROFILE_FILE": broken, "BOT_LANGUAGE": "fr"},
			wantErr: []string{"- REVENUE_PROFILE_FILE ligne 2\u00a0: «\u00a0samedi\u00a0» n'est pas un jour", "- REVENUE_PROFILE_FILE ligne 3\u00a0: «\u00a099\u00a0» n'est pas une heure"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(context.Background(), "serve", func(k string) string { return tc.env[k] })
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				if loc, _ := cfg.location(); tc.env["BOT_TIMEZONE"] != "" && loc.String() != tc.env["BOT_TIMEZONE"] {
					t.Errorf("location: got %v", loc)
				} else if tc.env["BOT_TIMEZONE"] == "" && loc != time.UTC {
					t.Errorf("location: got %v, want UTC", loc)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
			if got := strings.Count(err.Error(), "\n- "); got != len(tc.wantErr) {
				t.Errorf("got %d problem lines, want %d:\n%s", got, len(tc.wantErr), err)
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error echoes a value: %q", err)
			}
		})
	}
}
