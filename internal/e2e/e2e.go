// Package e2e decides what a test does when something it needs from
// outside the repository is missing — tmux, OpenSSH's client, a
// PostgreSQL server, the project's shared directory beside the
// repository: on a developer's machine the test is skipped, saying what
// is missing; under INSTRUCT_REQUIRE_E2E, as CI runs the tests, it
// fails, since a skip there would hide a proof that did not run. So the
// README's test command passes in a clone of the repository alone.
package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RequireEnv names the environment variable that turns the skips of
// missing things into failures.
const RequireEnv = "INSTRUCT_REQUIRE_E2E"

// Required reports whether a missing thing must fail a test: RequireEnv
// is set, to anything but "0".
func Required() bool {
	v := os.Getenv(RequireEnv)
	return v != "" && v != "0"
}

// Missing skips tb, or fails it when Required, with the message that
// format and args make, which says what is missing.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		tb.Fatalf("%s (%s is set: a missing part is a failure)", msg, RequireEnv)
	}
	tb.Skipf("%s; skipped (set %s=1 to make this a failure)", msg, RequireEnv)
}

// Command returns the path of the program name, calling Missing when it
// is not installed; what says what it is ("tmux", "OpenSSH's ssh").
func Command(tb testing.TB, name, what string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, "%s is not installed: %v", what, err)
	}
	return path
}

// SharedDir names the project's shared directory (design documents,
// reference data), which sits beside the repository's root.
const SharedDir = "shared"

// Shared returns the path of rel inside the project's shared directory,
// calling Missing when it is not there (a clone of the repository alone).
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("find the repository's root: %v", err)
	}
	path := filepath.Join(filepath.Dir(root), SharedDir, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		Missing(tb, "%s is missing: this test reads the project's shared directory, ../%s beside the repository", path, SharedDir)
	}
	return path
}

// moduleRoot returns the nearest directory, from the working directory
// up, that holds a go.mod: the repository's root.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
