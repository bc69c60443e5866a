package main

import (
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestEveryCommandHasExamples walks the command tree: every command a user
// can run (a leaf) shows examples in its --help, and so does the app.
func TestEveryCommandHasExamples(t *testing.T) {
	app := newApp(&IO{Getenv: func(string) string { return "" }})
	if !strings.Contains(app.Description, "Examples:") {
		t.Errorf("kivaconv --help has no Examples: block")
	}
	leaves := 0
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			name := strings.TrimSpace(path + " " + c.Name)
			// A command with subcommands shows examples too: it is the
			// help a user sees first ("kivaconv mappings --help").
			if !strings.Contains(c.Description, "Examples:") {
				t.Errorf("kivaconv %s: Description has no Examples: block", name)
			}
			if len(c.Subcommands) > 0 {
				walk(name, c.Subcommands)
				continue
			}
			leaves++
		}
	}
	walk("", app.Commands)
	if leaves < 15 {
		t.Errorf("walked %d leaf commands; the tree is not what this test expects", leaves)
	}
}

// TestHelpShowsExamples checks the examples reach the printed help.
func TestHelpShowsExamples(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"mappings", "list", "--help"}, {"mappings", "schema", "--help"},
		{"completion", "--help"}, {"help", "convert"}, {"mappings", "--help"}, {"auth", "--help"}, {"config", "--help"}, {"template", "--help"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		if !strings.Contains(stdout, "Examples:") {
			t.Errorf("%v: no examples in help:\n%s", args, stdout)
		}
	}
}
