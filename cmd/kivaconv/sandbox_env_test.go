package main

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// freeLoopbackPort returns a port nothing listens on now, on 127.0.0.1.
func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// tokenStatus asks a sandbox for a token with the settings of env.
func tokenStatus(t *testing.T, tokenURL string, env map[string]string) int {
	t.Helper()
	resp, err := http.PostForm(tokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {env["KIVA_CLIENT_ID"]},
		"client_secret": {env["KIVA_CLIENT_SECRET"]}, "audience": {env["KIVA_AUDIENCE"]},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSandboxKeepsCredentialsAcrossRestarts: a restarted sandbox with the
// same --env-file keeps the client ID and secret, so a terminal that
// loaded the file before the restart still gets tokens (the README's
// fault rehearsal).
func TestSandboxKeepsCredentialsAcrossRestarts(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	addr := freeLoopbackPort(t)
	first := startSandbox(t, "--addr", addr, "--env-file", envFile, "--client-id", "trainer")
	if len(first.order) != 7 {
		t.Fatalf("first run printed %v\n%s", first.env, first.stderr)
	}
	written, _ := os.ReadFile(envFile)
	if code := first.stop(); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, first.stderr)
	}
	if strings.Contains(first.stderr.String(), "last run") {
		t.Errorf("the first run speaks of a last run:\n%s", first.stderr)
	}

	// The restart gives no --client-id: the file's is kept, as its secret.
	second := startSandbox(t, "--addr", addr, "--env-file", envFile, "--faults", "loan_draft:500")
	if len(second.order) != 7 {
		t.Fatalf("second run printed %v\n%s", second.env, second.stderr)
	}
	for _, k := range first.order {
		if second.env[k] != first.env[k] {
			t.Errorf("%s changed across the restart", k)
		}
	}
	if again, _ := os.ReadFile(envFile); string(again) != string(written) {
		t.Error("the env file changed across the restart")
	}
	// The other terminal's settings, loaded before the restart, still work.
	if st := tokenStatus(t, second.env["KIVA_TOKEN_URL"], first.env); st != 200 {
		t.Errorf("token with the settings loaded before the restart: %d, want 200", st)
	}
	if code := second.stop(); code != exitOK {
		t.Errorf("second run: exit %d", code)
	}
	errText := second.stderr.String()
	sandboxWantIn(t, errText, "Same settings as the last run's "+envFile)
	if strings.Contains(errText, first.env["KIVA_CLIENT_SECRET"]) || strings.Contains(first.stderr.String(), first.env["KIVA_CLIENT_SECRET"]) {
		t.Error("stderr holds the client secret")
	}

	// Flags still win; what changed is named, the secret's value never.
	third := startSandbox(t, "--addr", "127.0.0.1:0", "--env-file", envFile, "--client-id", "other")
	if third.env["KIVA_CLIENT_ID"] != "other" || third.env["KIVA_CLIENT_SECRET"] != first.env["KIVA_CLIENT_SECRET"] {
		t.Errorf("--client-id other: client %q, secret kept %v", third.env["KIVA_CLIENT_ID"],
			third.env["KIVA_CLIENT_SECRET"] == first.env["KIVA_CLIENT_SECRET"])
	}
	third.stop()
	sandboxWantIn(t, third.stderr.String(), "Changed since the last run's "+envFile+": KIVA_TOKEN_URL, KIVA_API_URL, KIVA_CLIENT_ID. Load it again")

	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte("given-secret\n"), 0o600)
	fourth := startSandbox(t, "--addr", "127.0.0.1:0", "--env-file", envFile, "--client-secret-file", secretFile)
	fourth.stop()
	if fourth.env["KIVA_CLIENT_SECRET"] != "given-secret" || fourth.env["KIVA_CLIENT_ID"] != "other" {
		t.Errorf("--client-secret-file beats the env file: client %q, secret given %v", fourth.env["KIVA_CLIENT_ID"], fourth.env["KIVA_CLIENT_SECRET"] == "given-secret")
	}
	sandboxWantIn(t, fourth.stderr.String(), "KIVA_CLIENT_SECRET. Load it again")
	if strings.Contains(fourth.stderr.String(), "given-secret") || strings.Contains(fourth.stderr.String(), first.env["KIVA_CLIENT_SECRET"]) {
		t.Error("stderr holds a client secret")
	}
}

// TestSandboxEnvFileNotOurs: a file the sandbox did not write gives new
// credentials, said on stderr without quoting the file.
func TestSandboxEnvFileNotOurs(t *testing.T) {
	const theirSecret = "their-production-secret"
	good := "KIVA_ENV=sandbox\nKIVA_TOKEN_URL=http://127.0.0.1:8089/oauth/token\nKIVA_AUDIENCE=https://sandbox.kivaconv.local\n" +
		"KIVA_API_URL=http://127.0.0.1:8089\nKIVA_PARTNER_ID=1234\nKIVA_CLIENT_ID=kivaconv-sandbox\nKIVA_CLIENT_SECRET=" + theirSecret + "\n"
	for name, c := range map[string]struct{ content, why string }{
		"other settings":    {"KIVA_CLIENT_SECRET=" + theirSecret + "\nDB_PASSWORD=x\n", "it has 2 lines, not the sandbox's 7"},
		"production":        {strings.Replace(good, "KIVA_ENV=sandbox", "KIVA_ENV=production", 1), "does not point at a sandbox"},
		"real token URL":    {strings.Replace(good, "http://127.0.0.1:8089/oauth", "https://auth.k1.kiva.org/oauth", 1), "does not point at a sandbox"},
		"reordered":         {strings.Replace(good, "KIVA_ENV=sandbox\nKIVA_TOKEN_URL", "KIVA_TOKEN_URL", 1), "lines"},
		"secret with space": {strings.Replace(good, theirSecret, theirSecret+" x", 1), "KIVA_CLIENT_SECRET is empty or holds spaces"},
		"empty secret":      {strings.Replace(good, theirSecret, "", 1), "KIVA_CLIENT_SECRET is empty"},
		"no final newline":  {strings.TrimSuffix(good, "\n"), "does not end"},
		"huge":              {good + strings.Repeat("#", 20<<10), "larger than"},
	} {
		t.Run(name, func(t *testing.T) {
			envFile := filepath.Join(t.TempDir(), "sandbox.env")
			os.WriteFile(envFile, []byte(c.content), 0o600)
			rs := startSandbox(t, "--addr", "127.0.0.1:0", "--env-file", envFile)
			if code := rs.stop(); code != exitOK {
				t.Fatalf("exit %d\n%s", code, rs.stderr)
			}
			if s := rs.env["KIVA_CLIENT_SECRET"]; s == theirSecret || len(s) < 20 {
				t.Errorf("secret kept from a file that is not the sandbox's, or too short (%d)", len(s))
			}
			errText := rs.stderr.String()
			sandboxWantIn(t, errText, envFile+" is not a settings file a sandbox wrote", c.why, "using a new client secret")
			if strings.Contains(errText, theirSecret) || strings.Contains(errText, rs.env["KIVA_CLIENT_SECRET"]) {
				t.Error("stderr holds a secret")
			}
			if data, _ := os.ReadFile(envFile); !strings.Contains(string(data), rs.env["KIVA_CLIENT_SECRET"]) {
				t.Error("the env file was not replaced")
			}
		})
	}

	t.Run("this sandbox's file", func(t *testing.T) {
		envFile := filepath.Join(t.TempDir(), "sandbox.env")
		os.WriteFile(envFile, []byte(good), 0o600)
		rs := startSandbox(t, "--addr", "127.0.0.1:0", "--env-file", envFile)
		rs.stop()
		if rs.env["KIVA_CLIENT_SECRET"] != theirSecret {
			t.Error("a well-formed sandbox env file's secret was not kept")
		}
	})

	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 || os.PathSeparator != '/' {
			t.Skip("root reads any file; no Unix modes on this OS")
		}
		envFile := filepath.Join(t.TempDir(), "sandbox.env")
		os.WriteFile(envFile, []byte(good), 0o000)
		rs := startSandbox(t, "--addr", "127.0.0.1:0", "--env-file", envFile)
		rs.stop()
		if rs.env["KIVA_CLIENT_SECRET"] == theirSecret {
			t.Error("secret kept from an unreadable file")
		}
		sandboxWantIn(t, rs.stderr.String(), envFile+" cannot be read (permission denied): using a new client secret")
	})
}

// TestSandboxHostCheck: the command's sandbox refuses requests addressed
// to a name that is not a loopback one; --allow-remote also admits IP
// addresses and this computer's name.
func TestSandboxHostCheck(t *testing.T) {
	get := func(base, host string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/sandbox/state.json", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	rs := startSandbox(t, "--addr", "127.0.0.1:0")
	base := rs.env["KIVA_API_URL"]
	for host, want := range map[string]int{"evil.example": 421, "192.0.2.7:8089": 421, "localhost:8089": 200, "127.0.0.1": 200, "[::1]:8089": 200} {
		if got := get(base, host); got != want {
			t.Errorf("Host %q: %d, want %d", host, got, want)
		}
	}
	rs.stop()
	sandboxWantIn(t, rs.stderr.String(), "GET /sandbox/state.json 421 (Host refused")

	remote := startSandbox(t, "--addr", "127.0.0.1:0", "--allow-remote")
	base = remote.env["KIVA_API_URL"]
	hosts := map[string]int{"evil.example": 421, "192.0.2.7:8089": 200, "localhost": 200}
	if hostname, err := os.Hostname(); err == nil && hostname != "" {
		hosts[hostname+":8089"] = 200
	}
	for host, want := range hosts {
		if got := get(base, host); got != want {
			t.Errorf("--allow-remote, Host %q: %d, want %d", host, got, want)
		}
	}
	remote.stop()
}
