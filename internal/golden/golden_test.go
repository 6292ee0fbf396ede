package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder catches failures instead of failing the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestCheck(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "a.golden"), []byte("same\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, got string
		wantFail        bool
	}{
		{"equal", "a.golden", "same\n", false},
		{"different", "a.golden", "other\n", true},
		{"missing file", "b.golden", "x", true},
	} {
		r := &recorder{TB: t}
		Check(r, tc.file, []byte(tc.got))
		if r.failed != tc.wantFail {
			t.Errorf("%s: failed = %v, want %v", tc.name, r.failed, tc.wantFail)
		}
	}
}
