package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	code, stdout, _ := runCLI(t, "--version")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"kivaconv " + version + "\n", "commit ", "built ", runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH} {
		if !strings.Contains(stdout, w) {
			t.Errorf("--version lacks %q:\n%s", w, stdout)
		}
	}
}

func TestFromBuildInfo(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"},
		{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	for _, tc := range []struct {
		name         string
		main         string
		settings     []debug.BuildSetting
		v, c, d      string
		wantV, wantC string
		wantD        string
	}{
		{name: "go install @version", main: "v1.2.0", v: "dev", wantV: "v1.2.0"},
		{name: "go build in a checkout", main: "(devel)", settings: vcs, v: "dev",
			wantV: "dev", wantC: "0123456789ab-dirty", wantD: "2026-01-02T03:04:05Z"},
		{name: "stamped by make", main: "v0.0.0-2026", settings: vcs, v: "v1.3.0", c: "abc1234", d: "2026-02-02T00:00:00Z",
			wantV: "v1.3.0", wantC: "abc1234", wantD: "2026-02-02T00:00:00Z"},
		{name: "nothing known", v: "dev", wantV: "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bi := &debug.BuildInfo{Main: debug.Module{Version: tc.main}, Settings: tc.settings}
			v, c, d := fromBuildInfo(bi, tc.v, tc.c, tc.d)
			if v != tc.wantV || c != tc.wantC || d != tc.wantD {
				t.Errorf("got %q %q %q, want %q %q %q", v, c, d, tc.wantV, tc.wantC, tc.wantD)
			}
		})
	}
}

// TestBuiltBinary builds kivaconv as make dist does (with the version
// stamped) and runs it: --version, and shell completion against the real
// executable.
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kivaconv")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command(gobin, "build", "-trimpath", "-o", bin,
		"-ldflags", "-X main.version=9.9.9 -X main.commit=abc1234 -X main.date=2026-01-02T03:04:05Z", ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The binary must not pick up the developer's own mappings or settings.
	env := append(os.Environ(), "KIVACONV_CONFIG_DIR="+t.TempDir(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	kivaconv := func(t *testing.T, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kivaconv %v: %v", args, err)
		}
		return string(out)
	}

	t.Run("version", func(t *testing.T) {
		out := kivaconv(t, "--version")
		for _, w := range []string{"kivaconv 9.9.9\n", "commit   abc1234\n", "built    2026-01-02T03:04:05Z\n", "go       go"} {
			if !strings.Contains(out, w) {
				t.Errorf("--version lacks %q:\n%s", w, out)
			}
		}
		if out := kivaconv(t, "--help"); !strings.Contains(out, "9.9.9 (abc1234, 2026-01-02T03:04:05Z)") {
			t.Errorf("--help does not show the version:\n%s", out)
		}
	})

	t.Run("embedded mappings", func(t *testing.T) {
		out := kivaconv(t, "mappings", "list")
		for _, name := range []string{"loans", "repayments", "journals"} {
			if !strings.Contains(out, "embedded:"+name) {
				t.Errorf("mappings list lacks embedded %s:\n%s", name, out)
			}
		}
	})

	t.Run("completion after send", func(t *testing.T) {
		words := strings.Fields(kivaconv(t, "send", "--generate-bash-completion"))
		for _, w := range []string{"--dry-run", "--concurrency", "--mark-sent"} {
			if !slices.Contains(words, w) {
				t.Errorf("%s missing from %q", w, words)
			}
		}
	})

	t.Run("bash", func(t *testing.T) {
		if _, err := exec.LookPath("bash"); err != nil || runtime.GOOS == "windows" {
			t.Skip("no bash")
		}
		// Source the script and call its function as bash would on Tab.
		script := kivaconv(t, "completion", "bash")
		f := filepath.Join(t.TempDir(), "kivaconv.bash")
		if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		probe := `source "$1"
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _kivaconv_complete; echo "${COMPREPLY[*]}"; }
t kivaconv sen
t kivaconv send --dry
t kivaconv send --
t kivaconv mappings s
t kivaconv send ''
t kivaconv convert -m ''
`
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", probe, "probe", f)
		cmd.Env = env
		cmd.Dir = t.TempDir() // no files to add to the first word's candidates
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("bash: %v", err)
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(got) != 6 {
			t.Fatalf("want 6 answers, got %q", got)
		}
		if got[0] != "send" || got[1] != "--dry-run" || got[3] != "show schema" {
			t.Errorf("completions: %q", got)
		}
		if !strings.Contains(got[2], "--concurrency") || strings.Contains(got[2], " -n") {
			t.Errorf(`"send --" should offer long flags only: %q`, got[2])
		}
		if got[4] != "" || got[5] != "" {
			t.Errorf("where a file is expected, bash should complete file names (no words): %q, %q", got[4], got[5])
		}
	})

	t.Run("zsh", func(t *testing.T) {
		if _, err := exec.LookPath("zsh"); err != nil {
			t.Skip("no zsh")
		}
		script := kivaconv(t, "completion", "zsh")
		f := filepath.Join(t.TempDir(), "_kivaconv")
		if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		// Stand-ins for zsh's completion functions print what they were given.
		probe := `compdef() { :; }
_describe() { print -r -- "$2: ${(Pj:|:)4}"; }
_files() { print -r -- files; }
source "$1"
t() { words=("$@"); CURRENT=${#words}; _kivaconv; }
t kivaconv mappings ''
t kivaconv send --dry
t kivaconv send ''
`
		cmd := exec.Command("zsh", "-f", "-c", probe, "probe", f)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("zsh: %v", err)
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(got) != 3 || !strings.HasPrefix(got[0], "commands: list:list the mappings") ||
			!strings.HasPrefix(got[1], "flags: --env:") || !strings.Contains(got[1], "|--dry-run:") || got[2] != "files" {
			t.Errorf("zsh completions: %q", got)
		}
	})
}
