package alerts

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	platform := "ALERT_PLATFORM must be slack or discord: where incidents from alerts open their war rooms"
	channel := "ALERT_CHANNEL must name the channel id where alert incidents are announced"
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"off", Config{Platform: "teams"}, nil},
		{"on", Config{Token: "t", Platform: "slack", Channel: "C1"}, nil},
		{"grafana only, nowhere to go", Config{GrafanaSecret: "secretpw"}, []string{platform, channel}},
		{"unknown platform", Config{Token: "secretpw", Platform: "teams", Channel: "C1"}, []string{platform}},
	} {
		var got []string
		if err := tc.cfg.Validate(); err != nil {
			got = strings.Split(err.Error(), "\n")
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
