package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// probeEnv, when set, makes TestProbe run: the test the other tests run
// in a child process, to watch it skip or fail.
const probeEnv = "INSTRUCT_TEST_E2E_PROBE"

// TestProbe needs what probeEnv names: "shared" for a file of the shared
// directory that does not exist, "command" for a program that does not.
func TestProbe(t *testing.T) {
	switch os.Getenv(probeEnv) {
	case "shared":
		Shared(t, "no/such/file.yml")
	case "command":
		Command(t, "instruct-no-such-program", "the no-such program")
	default:
		t.Skip("run by TestMissing in a child process")
	}
	t.Log("went on after Missing")
}

// runProbe runs TestProbe in a child process needing what, with
// RequireEnv set to require, and returns its verbose output.
func runProbe(t *testing.T, what, require string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestProbe$", "-test.v")
	// The race detector's pause at a clean exit is not needed here.
	cmd.Env = append(os.Environ(), probeEnv+"="+what, RequireEnv+"="+require, "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestMissing(t *testing.T) {
	tests := []struct {
		name, what, require string
		fails               bool
		says                string
	}{
		{"shared directory, developer's machine", "shared", "", false, "this test reads the project's shared directory"},
		{"shared directory, CI", "shared", "1", true, "this test reads the project's shared directory"},
		{"program, developer's machine", "command", "", false, "the no-such program is not installed"},
		{"program, CI", "command", "1", true, "the no-such program is not installed"},
		{"program, requirement turned off", "command", "0", false, "is not installed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runProbe(t, tt.what, tt.require)
			verdict := "--- SKIP: TestProbe"
			if tt.fails {
				verdict = "--- FAIL: TestProbe"
			}
			if tt.fails != (err != nil) || !strings.Contains(out, verdict) || !strings.Contains(out, tt.says) {
				t.Errorf("TestProbe with %s=%q: exit %v, output:\n%s\nwant %q and a message saying %q", RequireEnv, tt.require, err, out, verdict, tt.says)
			}
			if strings.Contains(out, "went on after Missing") {
				t.Errorf("TestProbe went on after Missing:\n%s", out)
			}
		})
	}
}

func TestSharedIsBesideTheRepository(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("moduleRoot() = %s, which holds no go.mod", root)
	}
	want := filepath.Join(filepath.Dir(root), SharedDir)
	if got := Shared(t, "."); got != want {
		t.Errorf("Shared(.) = %s, want %s", got, want)
	}
}
