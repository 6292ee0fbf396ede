//go:build reliability

package reliability

import (
	"flag"
	"testing"
)

// A scenario that meets an issue 13 defect still open on main skips,
// naming it, until the fix lands; -defects runs it anyway, to measure how
// far main is from the fix. Fixed on main: defects 1, 2, 4 and 5, and 3
// for war rooms, posts, a replica killed inside a step and a locked
// SQLite file. Left: a Postgres outage can double a manager summary.
const defect3Summary = "issue 13 defect 3: a Postgres outage can double a manager summary"

var runDefects = flag.Bool("defects", false, "run the scenarios of issue 13 defects still open on main, to measure them")

// pending says whether a scenario held back by defect should skip, saying why.
func pending(t *testing.T, defect string) bool {
	t.Helper()
	if *runDefects {
		return false
	}
	t.Logf("not run: %s (-defects runs it)", defect)
	return true
}
