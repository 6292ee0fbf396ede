package slack

import (
	"testing"

	"go.yaml.in/yaml/v3"

	"incidentbot"
	"incidentbot/internal/golden"
)

func TestManifestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		base   string
		socket bool
	}{
		{"manifest-http", "https://bot.example.com/", false},
		{"manifest-socket", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Manifest(tc.base, tc.socket)
			if err != nil {
				t.Fatal(err)
			}
			var back manifest
			if err := yaml.Unmarshal(got, &back); err != nil {
				t.Fatalf("got YAML that does not read back: %v", err)
			}
			if back.Settings.SocketModeEnabled != tc.socket {
				t.Errorf("got socket_mode_enabled %v, want %v", back.Settings.SocketModeEnabled, tc.socket)
			}
			golden.Check(t, tc.name+".golden", got)
		})
	}
}

func TestManifestURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base string
		want string
	}{
		{"https://bot.example.com", ""},
		{"https://bot.example.com/base/", ""},
		{"", incidentbot.EINVALID},
		{"http://bot.example.com", incidentbot.EINVALID},
		{"bot.example.com", incidentbot.EINVALID},
		{"https://bot.example.com/?x=1", incidentbot.EINVALID},
		{"https://", incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.base, func(t *testing.T) {
			t.Parallel()
			_, err := Manifest(tc.base, false)
			if got := incidentbot.ErrorCode(err); got != tc.want {
				t.Errorf("got %q (%v), want %q", got, err, tc.want)
			}
		})
	}
}
