package adsapi

import (
	"fmt"
	"strings"
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
	return fmt.Errorf("%s is half configured: set %s too (README.md, Ad platforms), or unset its variables to leave it off", platform, strings.Join(missing, ", "))
}
