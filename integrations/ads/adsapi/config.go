package adsapi

import (
	"strings"

	"incidentbot/i18n"
)

// Setting is one variable a platform needs, and whether it is set.
type Setting struct {
	Name string
	Set  bool
}

// HalfConfigured names what is missing when a platform has some of the
// variables it needs but not all; nil when it has all (on) or none (off).
// It never quotes a value: most are secrets.
func HalfConfigured(platform string, needs ...Setting) error {
	var missing []string
	for _, s := range needs {
		if !s.Set {
			missing = append(missing, s.Name)
		}
	}
	if len(missing) == 0 || len(missing) == len(needs) {
		return nil
	}
	return i18n.Problemf("config.ads.half_configured", map[string]any{"Platform": platform, "Missing": strings.Join(missing, ", ")})
}
