package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCompletionScripts(t *testing.T) {
	for _, tc := range []struct {
		shell string
		want  []string
	}{
		{"bash", []string{"complete -o default", "-F _kivaconv_complete kivaconv", "--generate-bash-completion"}},
		{"zsh", []string{"#compdef kivaconv", "compdef _kivaconv", "--generate-bash-completion"}},
		{"powershell", []string{"Register-ArgumentCompleter -Native", "'kivaconv', 'kivaconv.exe'", "--generate-bash-completion"}},
		{"pwsh", []string{"Register-ArgumentCompleter -Native"}},
		{"BASH", []string{"_kivaconv_complete"}},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "completion", tc.shell)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("script lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestCompletionScriptSyntax(t *testing.T) {
	for _, tc := range []struct{ shell, script string }{{"bash", bashCompletion}, {"zsh", zshCompletion}} {
		t.Run(tc.shell, func(t *testing.T) {
			if _, err := exec.LookPath(tc.shell); err != nil {
				t.Fatalf("%s is not installed: make test installs it (make testdeps), or apt-get install %s", tc.shell, tc.shell)
			}
			f := filepath.Join(t.TempDir(), "completion")
			if err := os.WriteFile(f, []byte(tc.script), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(tc.shell, "-n", f).CombinedOutput(); err != nil {
				t.Fatalf("%s -n: %v\n%s", tc.shell, err, out)
			}
		})
	}
}

func TestCompletionUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "fish"}, {"completion", "bash", "zsh"}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		if stdout != "" {
			t.Errorf("%v: printed a script for a bad request:\n%s", args, stdout)
		}
		if !strings.Contains(stderr, "bash") || !strings.Contains(stderr, "powershell") {
			t.Errorf("%v: error does not name the shells: %q", args, stderr)
		}
	}
}

// TestCompletionProtocol runs urfave/cli's completion protocol in-process:
// the words each command offers, and that nothing else happens.
func TestCompletionProtocol(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		want, deny []string
	}{
		{"root", nil,
			[]string{"convert", "send", "mappings", "completion", "help", "--mapping", "--out", "--version"}, nil},
		{"send", []string{"send"},
			[]string{"--dry-run", "--concurrency", "--env", "--client-secret-file", "--json", "-n"},
			[]string{"help", "convert", "--generate-bash-completion"}},
		{"flag being typed", []string{"send", "-"}, []string{"--dry-run"}, nil},
		{"mappings", []string{"mappings"}, []string{"list", "show", "schema", "--help"}, []string{"help"}},
		{"after a flag that wants a value", []string{"convert", "-m"}, []string{"--out"}, nil},
		{"a bare file is not converted", []string{"no-such.xlsx"}, []string{"convert"}, nil},
		{"send is not run", []string{"send", "/no/such/folder"}, []string{"--dry-run"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append(tc.args, "--generate-bash-completion")...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			words := strings.Split(strings.TrimSpace(stdout), "\n")
			for _, w := range tc.want {
				if !slices.Contains(words, w) {
					t.Errorf("%q missing from %q", w, words)
				}
			}
			for _, w := range tc.deny {
				if slices.Contains(words, w) {
					t.Errorf("%q offered: %q", w, words)
				}
			}
		})
	}
}

func TestCompletionZshDescriptions(t *testing.T) {
	var out bytes.Buffer
	io := &IO{In: strings.NewReader(""), Out: &out, Err: &out, Getenv: func(k string) string {
		if k == "KIVACONV_COMPLETE" {
			return "zsh"
		}
		return ""
	}}
	if code := run(context.Background(), []string{"kivaconv", "mappings", "--generate-bash-completion"}, io); code != exitOK {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	for _, w := range []string{"list:list the mappings kivaconv can pick from\n", "--help:show help\n"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("missing %q in\n%s", w, out.String())
		}
	}
}

// TestCompletionAfterDoubleDash: urfave/cli does not treat
// --generate-bash-completion after "--" as a completion request; kivaconv
// must still run nothing (here: write no config file, convert no file).
func TestCompletionAfterDoubleDash(t *testing.T) {
	for _, args := range [][]string{
		{"config", "init", "--"},
		{"--", "no-such.xlsx"},
		{"convert", "--", "no-such.xlsx"},
		{"mappings", "list", "--"},
	} {
		var out, errb bytes.Buffer
		cfg := t.TempDir()
		io := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string {
			if k == "KIVACONV_CONFIG_DIR" {
				return cfg
			}
			return ""
		}}
		code := run(context.Background(), append(append([]string{"kivaconv"}, args...), "--generate-bash-completion"), io)
		if code == exitOK || out.Len() > 0 || errb.Len() > 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q: want a silent refusal", args, code, out.String(), errb.String())
		}
		if entries, _ := os.ReadDir(cfg); len(entries) > 0 {
			t.Errorf("%v: wrote %v", args, entries)
		}
	}
}
