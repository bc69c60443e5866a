//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// withUmask sets the process's umask for the test (tests that call it must
// not run in parallel).
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// TestFileModes: with umask 022, every file of an output folder is 0644
// (0666 less the umask, as os.Create gives), and sandbox.env, which holds
// the client secret, 0600.
func TestFileModes(t *testing.T) {
	withUmask(t, 0o022)
	in := copySample(t, "loans.xlsx")
	if code, _, stderr := runCLI(t, "convert", "--today", "2026-11-26", "--annotate", "always", in); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	dir := filepath.Join(filepath.Dir(in), "loans.kiva")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		seen[e.Name()] = true
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", e.Name(), fi.Mode().Perm())
		}
	}
	for _, name := range []string{"manifest.json", "loan-draft-0001.json", "report.txt", "errors.csv", "review.html", "loans.checked.xlsx"} {
		if !seen[name] {
			t.Errorf("%s not written", name)
		}
	}

	env := filepath.Join(t.TempDir(), "sandbox.env")
	rs := startSandbox(t, "--addr", "127.0.0.1:0", "--env-file", env)
	fi, err := os.Stat(env)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("sandbox.env: mode %v, want 0600", fi.Mode().Perm())
	}
	if code := rs.stop(); code != exitOK {
		t.Errorf("sandbox exit %d", code)
	}
}
