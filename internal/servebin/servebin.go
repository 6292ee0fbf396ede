// Package servebin builds the incidentbot binary once for a test package
// that starts serve as real processes (the reliability suite, the load
// harness).
package servebin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Main builds cmd/incidentbot into a temporary folder, sets *binary to its
// path, runs the tests and removes the folder; it is the whole TestMain.
func Main(m *testing.M, suite string, binary *string) {
	dir, err := os.MkdirTemp("", "incidentbot-"+suite+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*binary = filepath.Join(dir, "incidentbot")
	build := exec.Command("go", "build", "-o", *binary, "incidentbot/cmd/incidentbot")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: build incidentbot: %v\n", suite, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
