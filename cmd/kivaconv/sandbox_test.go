package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// sandboxStderr is a stderr buffer the sandbox's goroutines write to while
// the test reads it.
type sandboxStderr struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *sandboxStderr) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *sandboxStderr) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningSandbox is `kivaconv sandbox` run in-process.
type runningSandbox struct {
	env    map[string]string // the KIVA_* lines printed on stdout
	order  []string          // their names, in order
	stderr *sandboxStderr
	cancel context.CancelFunc
	done   chan int // the exit code, once run returns
}

// startSandbox runs the command with args until the test stops it; it
// returns once the KIVA_* lines are printed (or the command ended).
func startSandbox(t *testing.T, args ...string) *runningSandbox {
	t.Helper()
	pr, pw := io.Pipe()
	rs := &runningSandbox{env: map[string]string{}, stderr: &sandboxStderr{}, done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	rs.cancel = cancel
	cfg := t.TempDir()
	cio := &IO{In: strings.NewReader(""), Out: pw, Err: rs.stderr, Getenv: func(k string) string {
		if k == "KIVACONV_CONFIG_DIR" {
			return cfg
		}
		return ""
	}}
	go func() {
		code := run(ctx, append([]string{"kivaconv", "sandbox"}, args...), cio)
		pw.Close()
		rs.done <- code
	}()
	t.Cleanup(func() {
		cancel()
		pr.Close()
	})
	sc := bufio.NewScanner(pr)
	for len(rs.order) < 7 && sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("stdout line %q is not NAME=value", sc.Text())
		}
		rs.env[k] = v
		rs.order = append(rs.order, k)
	}
	return rs
}

// stop cancels the command (Ctrl-C) and returns its exit code.
func (rs *runningSandbox) stop() int {
	rs.cancel()
	return <-rs.done
}

func TestSandboxCommand(t *testing.T) {
	rs := startSandbox(t, "--addr", "127.0.0.1:0", "--faults", "loans:503")
	want := []string{"KIVA_ENV", "KIVA_TOKEN_URL", "KIVA_AUDIENCE", "KIVA_API_URL", "KIVA_PARTNER_ID", "KIVA_CLIENT_ID", "KIVA_CLIENT_SECRET"}
	if strings.Join(rs.order, " ") != strings.Join(want, " ") {
		t.Fatalf("stdout names %v, want %v\nstderr:\n%s", rs.order, want, rs.stderr)
	}
	e := rs.env
	api, err := url.Parse(e["KIVA_API_URL"])
	if err != nil || api.Scheme != "http" || api.Hostname() != "127.0.0.1" || api.Port() == "0" || api.Port() == "" {
		t.Fatalf("KIVA_API_URL %q", e["KIVA_API_URL"])
	}
	if e["KIVA_ENV"] != "sandbox" || e["KIVA_TOKEN_URL"] != e["KIVA_API_URL"]+"/oauth/token" ||
		e["KIVA_PARTNER_ID"] != "1234" || e["KIVA_CLIENT_ID"] != "kivaconv-sandbox" || e["KIVA_AUDIENCE"] == "" || len(e["KIVA_CLIENT_SECRET"]) < 20 {
		t.Errorf("settings %v", e)
	}

	resp, err := http.PostForm(e["KIVA_TOKEN_URL"], url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e["KIVA_CLIENT_ID"]},
		"client_secret": {e["KIVA_CLIENT_SECRET"]}, "audience": {e["KIVA_AUDIENCE"]},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		PartnerID   string `json:"partnerId"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok.AccessToken == "" || tok.PartnerID != "1234" {
		t.Fatalf("token request: %d %+v", resp.StatusCode, tok)
	}
	req, _ := http.NewRequest("GET", e["KIVA_API_URL"]+"/v3/partner/1234/loans", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("the fault plan was not applied: %d", resp.StatusCode)
	}
	page, err := http.Get(e["KIVA_API_URL"] + "/")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()

	if code := rs.stop(); code != exitOK {
		t.Errorf("exit %d after Ctrl-C, want 0\n%s", code, rs.stderr)
	}
	errText := rs.stderr.String()
	sandboxWantIn(t, errText, e["KIVA_API_URL"]+"/", "Export the KIVA_* lines", "Tokens live 12h.", "Faults (loans:503)", "answer HTTP 503",
		"POST /oauth/token 200", "GET /v3/partner/1234/loans 503 (fault 503", "stopped")
	for _, secret := range []string{e["KIVA_CLIENT_SECRET"], tok.AccessToken} {
		if strings.Contains(errText, secret) {
			t.Error("stderr holds the client secret or the token")
		}
	}
}

func TestSandboxEnvFileAndSecretFile(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	os.WriteFile(secretFile, []byte("my-test-secret\n"), 0o600)
	envFile := filepath.Join(dir, "sandbox.env")
	rs := startSandbox(t, "--addr", "127.0.0.1:0", "--client-secret-file", secretFile, "--env-file", envFile,
		"--partner-id", "777", "--client-id", "trainer", "--today", "2026-11-26")
	if rs.env["KIVA_CLIENT_SECRET"] != "my-test-secret" || rs.env["KIVA_PARTNER_ID"] != "777" || rs.env["KIVA_CLIENT_ID"] != "trainer" {
		t.Errorf("settings %v", rs.env)
	}
	data, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	var printed strings.Builder
	for _, k := range rs.order {
		printed.WriteString(k + "=" + rs.env[k] + "\n")
	}
	if string(data) != printed.String() {
		t.Errorf("env file:\n%s\nstdout:\n%s", data, printed.String())
	}
	if fi, _ := os.Stat(envFile); fi.Mode().Perm()&0o077 != 0 && os.PathSeparator == '/' {
		t.Errorf("env file mode %v: others may read the secret", fi.Mode().Perm())
	}
	if code := rs.stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
	sandboxWantIn(t, rs.stderr.String(), envFile, "2026-11-26")
}

func TestSandboxRefusals(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "0.0.0.0:0"}, "--allow-remote"},
		{[]string{"--addr", ":0"}, "every network interface"},
		{[]string{"--addr", "192.0.2.1:0"}, "--allow-remote"},
		{[]string{"--addr", "nonsense"}, "HOST:PORT"},
		{[]string{"--addr", "127.0.0.1:0", "--faults", "loan_draft:600"}, "valid kinds: 500, 502, 503, 504, 429, 401, drop-before, drop-after, hang"},
		{[]string{"--addr", "127.0.0.1:0", "--today", "26/11/2026"}, "2026-11-26"},
		{[]string{"--addr", "127.0.0.1:0", "--client-secret-file", empty}, "is empty"},
		{[]string{"--addr", "127.0.0.1:0", "--scopes", "read:loans,write:loans"}, `"write:loans"`},
		{[]string{"--addr", "127.0.0.1:0", "--token-ttl", "10ms"}, "too short"},
		{[]string{"--addr", "127.0.0.1:0", "extra"}, "no arguments"},
	} {
		rs := startSandbox(t, c.args...)
		if len(rs.order) != 0 {
			t.Errorf("%v: printed settings %v", c.args, rs.env)
		}
		if code := <-rs.done; code != exitUsage {
			t.Errorf("%v: exit %d, want %d", c.args, code, exitUsage)
		}
		if !strings.Contains(rs.stderr.String(), c.want) {
			t.Errorf("%v: stderr %q lacks %q", c.args, rs.stderr, c.want)
		}
	}
}

func TestSandboxHelp(t *testing.T) {
	code, out, _ := runCLI(t, "sandbox", "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	sandboxWantIn(t, out, "Examples:", "--faults", "--env-file", "--allow-remote", "drop-after", "KIVA_")
}

func sandboxWantIn(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("output lacks %q:\n%s", p, s)
		}
	}
}
