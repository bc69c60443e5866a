package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A symbolic link in the place of a file kivaconv writes (in an output
// folder, or sandbox.env) is refused: the command fails with a message
// naming the link, and the file the link points to is left as it is.

const outsideContent = "not kivaconv's: must stay as it is\n"

// plantOutside puts a symbolic link at path to a new file outside the
// folder holding content, and returns that file.
func plantOutside(t *testing.T, path, content string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	outside := filepath.Join(t.TempDir(), "outside-"+filepath.Base(path))
	if err := os.WriteFile(outside, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, path); err != nil {
		t.Fatal(err)
	}
	return outside
}

// assertLinkRefused checks the command's failure and that neither the
// link nor the file it points to changed.
func assertLinkRefused(t *testing.T, code, want int, stderr, path, outside, content string) {
	t.Helper()
	if code != want {
		t.Errorf("exit %d, want %d\n%s", code, want, stderr)
	}
	if msg := path + " is a symbolic link: kivaconv does not write through links"; !strings.Contains(stderr, msg) {
		t.Errorf("stderr lacks %q:\n%s", msg, stderr)
	}
	fi, err := os.Stat(outside)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(outside); string(got) != content || fi.Size() != int64(len(content)) {
		t.Errorf("the file outside the folder changed: %d bytes, %q", fi.Size(), got)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer the link: %v, %v", path, fi, err)
	}
}

func TestConvertRefusesSymlinks(t *testing.T) {
	for _, name := range []string{"ledger.jsonl", "manifest.json", "loan-draft-0001.json", "errors.csv", "review.html", "loans.checked.xlsx"} {
		t.Run(name, func(t *testing.T) {
			in := copySample(t, "loans.xlsx")
			if code, _, stderr := runCLI(t, "convert", "--today", "2026-11-26", in); code != exitOK {
				t.Fatalf("first conversion: exit %d\n%s", code, stderr)
			}
			path := filepath.Join(filepath.Dir(in), "loans.kiva", name)
			outside := plantOutside(t, path, outsideContent)
			code, _, stderr := runCLI(t, "convert", "--today", "2026-11-26", "--overwrite", in)
			assertLinkRefused(t, code, exitUsage, stderr, path, outside, outsideContent)
		})
	}
}

// runEnvCLI runs the program in-process with env as its environment and
// an isolated config directory.
func runEnvCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cfg := t.TempDir()
	io := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string {
		if k == "KIVACONV_CONFIG_DIR" {
			return cfg
		}
		return env[k]
	}}
	code = run(context.Background(), append([]string{"kivaconv"}, args...), io)
	return code, out.String(), errb.String()
}

// TestSendRefusesSymlinks: send neither appends to a ledger through a link
// nor takes its lock through one (which would create or open a file
// elsewhere).
func TestSendRefusesSymlinks(t *testing.T) {
	rs := startSandbox(t, "--addr", "127.0.0.1:0", "--today", "2026-11-26")
	if len(rs.order) != 7 {
		t.Fatalf("the sandbox did not start:\n%s", rs.stderr)
	}
	// A valid ledger, for another API: send would plan from it and append
	// to it, were the link followed.
	ledger := `{"time":"2026-11-01T00:00:00Z","file":"loan-draft-0001.json","sha256":"` + strings.Repeat("a", 64) +
		`","state":"failed","attempt":1,"api_url":"https://elsewhere.example","partner_id":"1"}` + "\n"
	for _, tc := range []struct{ name, content string }{
		{"ledger.jsonl", ledger},
		{"send.lock", outsideContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := copySample(t, "loans.xlsx")
			if code, _, stderr := runCLI(t, "convert", "--today", "2026-11-26", in); code != exitOK {
				t.Fatalf("conversion: exit %d\n%s", code, stderr)
			}
			dir := filepath.Join(filepath.Dir(in), "loans.kiva")
			path := filepath.Join(dir, tc.name)
			outside := plantOutside(t, path, tc.content)
			code, _, stderr := runEnvCLI(t, rs.env, "send", "--today", "2026-11-26", dir)
			assertLinkRefused(t, code, exitUsage, stderr, path, outside, tc.content)
		})
	}
	t.Run("dangling send.lock", func(t *testing.T) {
		in := copySample(t, "loans.xlsx")
		if code, _, stderr := runCLI(t, "convert", "--today", "2026-11-26", in); code != exitOK {
			t.Fatalf("conversion: exit %d\n%s", code, stderr)
		}
		dir := filepath.Join(filepath.Dir(in), "loans.kiva")
		target := filepath.Join(t.TempDir(), "created.lock")
		if runtime.GOOS == "windows" {
			t.Skip("symbolic links need privileges on Windows")
		}
		if err := os.Symlink(target, filepath.Join(dir, "send.lock")); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runEnvCLI(t, rs.env, "send", "--today", "2026-11-26", dir)
		if code != exitUsage || !strings.Contains(stderr, "is a symbolic link") {
			t.Errorf("exit %d, want %d and the refusal of the link:\n%s", code, exitUsage, stderr)
		}
		if _, err := os.Lstat(target); !os.IsNotExist(err) {
			t.Errorf("a file was created through the link: %v", err)
		}
	})
	if code := rs.stop(); code != exitOK {
		t.Errorf("sandbox exit %d", code)
	}
}

func TestSandboxEnvFileRefusesSymlink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.env")
	outside := plantOutside(t, path, outsideContent)
	rs := startSandbox(t, "--addr", "127.0.0.1:0", "--env-file", path)
	if len(rs.order) != 0 {
		t.Errorf("settings printed although the env file was refused: %v", rs.env)
	}
	code := rs.stop()
	assertLinkRefused(t, code, exitError, rs.stderr.String(), path, outside, outsideContent)
}
