package store

import (
	"strings"
	"testing"
	"time"
)

// FuzzTime checks the SQLite text form of times: whatever text a column
// holds scans without panic into UTC, a written time reads back as the same
// instant, and text order is time order (ORDER BY and run_at <= ? rely on it).
func FuzzTime(f *testing.F) {
	f.Add(int64(0), int64(1), "2025-03-14T08:26:53.589793Z")
	f.Add(int64(1741940813589793238), int64(1741940813589793000), "2025-03-14T09:26:53.5+01:00")
	f.Add(int64(-1), int64(999), "")
	f.Add(int64(1<<62), int64(-1<<62), "2025-03-14 08:26:53")
	db := &DB{dialect: SQLite}
	f.Fuzz(func(t *testing.T, a, b int64, text string) {
		if got, ok, err := scanTime(text); err == nil && ok && got.Location() != time.UTC {
			t.Errorf("scan %q: got zone %v, want UTC", text, got.Location())
		}
		ta, tb := time.Unix(0, a), time.Unix(0, b)
		sa, sb := db.t(ta).(string), db.t(tb).(string)
		got, ok, err := scanTime(sa)
		if err != nil || !ok || !got.Equal(normTime(ta)) {
			t.Errorf("round trip %v via %q: got %v, %v, %v; want %v", ta, sa, got, ok, err, normTime(ta))
		}
		if want, got := normTime(ta).Compare(normTime(tb)), strings.Compare(sa, sb); got != want {
			t.Errorf("order of %q and %q: got %d, want %d", sa, sb, got, want)
		}
	})
}
