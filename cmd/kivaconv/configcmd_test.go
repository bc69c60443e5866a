package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	apisettings "github.com/kiva-partners/kivaconv/internal/settings"
	"github.com/kiva-partners/kivaconv/kiva"
)

func TestConfigPull(t *testing.T) {
	for _, camel := range []bool{false, true} {
		name := "snake_case"
		if camel {
			name = "camelCase"
		}
		t.Run(name, func(t *testing.T) {
			f := newAuthTestServer(t)
			f.camelCase = camel
			// The config directory does not exist yet: pull creates it.
			dir := filepath.Join(t.TempDir(), "kivaconv")
			code, stdout, stderr, _ := runAuthCLI(t, envWith(f.env(), "KIVACONV_CONFIG_DIR", dir), "config", "pull")
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			path := filepath.Join(dir, "reference.json")
			if stdout != path+"\n" {
				t.Errorf("stdout %q, want the path", stdout)
			}
			if st, err := os.Stat(dir); err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o700) {
				t.Errorf("config dir: %v %v", st.Mode(), err)
			}
			ref, err := kiva.LoadReference(path)
			if err != nil {
				t.Fatal(err)
			}
			if id, ok, _ := ref.Activity("Agriculture"); !ok || id != 61 {
				t.Errorf("Agriculture → %d %v", id, ok)
			}
			if full, ok, _ := ref.Location("Kampala, Central Region, Uganda"); !ok || full == "" {
				t.Errorf("location lookup failed")
			}
			if !ref.HasCurrency("UGX") || len(ref.Themes) != 1 {
				t.Errorf("reference: %+v", ref)
			}
			raw, _ := os.ReadFile(path)
			if !strings.Contains(string(raw), `"as_of_date_time": "2026-11-2`) || !strings.Contains(string(raw), "\n  \"activities\": [") {
				t.Errorf("file is not indented snake_case JSON with as_of_date_time:\n%s", raw)
			}
			acts := 3
			if camel {
				acts = 2
			}
			wantIn(t, stderr, "wrote "+path, "profile stage (partner 1234)", "activities, 1 locales, 1 themes")
			wantIn(t, stderr, fmt.Sprintf(": %d activities", acts))
			if f.tokenCalls != 1 || f.apiCalls != 4 {
				t.Errorf("%d token and %d API calls, want 1 and 4", f.tokenCalls, f.apiCalls)
			}
			if len(f.apiRequests) > 0 && f.apiRequests[0] != "/v3/partner/1234/config/activities" {
				t.Errorf("requests %v", f.apiRequests)
			}

			// convert finds it in the config directory by default.
			in := copySample(t, "loans.xlsx")
			os.Remove(filepath.Join(filepath.Dir(in), "reference.json"))
			s := &settings{}
			got, gotPath, err := s.reference(&IO{Getenv: func(k string) string {
				if k == "KIVACONV_CONFIG_DIR" {
					return dir
				}
				return ""
			}}, in)
			if err != nil || gotPath != path || got == nil {
				t.Errorf("convert's lookup: %v %q", err, gotPath)
			}
		})
	}
}

func TestConfigPullOutAndJSON(t *testing.T) {
	f := newAuthTestServer(t)
	out := filepath.Join(t.TempDir(), "ref.json")
	code, stdout, stderr, cfgDir := runAuthCLI(t, f.env(), "config", "pull", "--out", out, "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if res["path"] != out || res["activities"] != 3.0 || res["locations"] != 2.0 || res["partner_id"] != "1234" ||
		res["as_of_date_time"] != "2026-11-20T10:00:00Z" || res["profile"] != "stage" {
		t.Errorf("summary %v", res)
	}
	if _, err := kiva.LoadReference(out); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(cfgDir, "reference.json")); err == nil {
		t.Error("wrote to the config directory too")
	}

	code, _, stderr, _ = runAuthCLI(t, f.env(), "config", "pull", "--out", t.TempDir())
	if code != exitUsage {
		t.Errorf("--out folder: exit %d", code)
	}
	wantIn(t, stderr, "is a folder")
}

func TestConfigPullFailures(t *testing.T) {
	f := newAuthTestServer(t)
	// The token is for partner 1234; a configured 999 is refused before
	// any list is read.
	code, _, stderr, dir := runAuthCLI(t, envWith(f.env(), "KIVA_PARTNER_ID", "999"), "config", "pull")
	if code != exitUsage {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	wantIn(t, stderr, "partner 1234")
	if _, err := os.Stat(filepath.Join(dir, "reference.json")); err == nil {
		t.Error("a reference file was written")
	}

	code, _, stderr, _ = runAuthCLI(t, envWith(f.env(), "KIVA_CLIENT_SECRET", "nope-"+authTestSecret), "config", "pull")
	if code != exitUsage {
		t.Errorf("wrong secret: exit %d\n%s", code, stderr)
	}
	wantIn(t, stderr, "HTTP 401")
}

func TestConfigShow(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeCfgFile(t, cfg, "profiles:\n  stage:\n    client_id: from-config\n    partner_id: \"1234\"\n", 0o600)
	env := map[string]string{
		"KIVACONV_CONFIG_DIR": dir,
		"KIVA_CLIENT_SECRET":  authTestSecret,
		"KIVA_API_URL":        "http://127.0.0.1:9",
	}
	code, stdout, stderr, _ := runAuthCLI(t, env, "config", "show", "--scope", "read:loans")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"Config file:   " + cfg + " (read)",
		"Profile:       stage  (default)",
		"Token URL:     https://auth.staging.kiva.org/oauth/token  (preset stage)",
		"API URL:       http://127.0.0.1:9  (env KIVA_API_URL)",
		"Partner ID:    1234  (config file " + cfg + ")",
		"Scopes:        read:loans  (flag --scope)",
		"Client ID:     from-config  (config file " + cfg + ")",
		"Client secret: set (from env KIVA_CLIENT_SECRET)",
		"Journals path: /v3/partner/{id}/journals  (default)",
		"Production:    no",
	} {
		wantIn(t, stdout, want)
	}
	if stderr != "" {
		t.Errorf("complete settings, yet: %s", stderr)
	}

	// Nothing set: said so, with what is missing.
	code, stdout, stderr, cfgDir := runAuthCLI(t, map[string]string{"KIVA_ENV": "production"}, "config", "show")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	wantIn(t, stdout, "(not found: built-in settings are used", "Profile:       production  (env KIVA_ENV)", "Client secret: not set", "Client ID:     not set",
		"Partner ID:    not set (taken from the token)", "Production:    YES")
	wantIn(t, stderr, "cannot authenticate yet", "no client ID", "no client secret", "profiles: production: in "+filepath.Join(cfgDir, "config.yaml"))
}

func TestConfigPathAndInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	env := map[string]string{"KIVACONV_CONFIG_DIR": dir}
	code, stdout, _, _ := runAuthCLI(t, env, "config", "path")
	want := filepath.Join(dir, "config.yaml")
	if code != exitOK || stdout != want+"\n" {
		t.Errorf("config path: exit %d, %q", code, stdout)
	}
	code, stdout, _, _ = runAuthCLI(t, envWith(env, "KIVACONV_CONFIG", "/etc/k.yaml"), "config", "path")
	if code != exitOK || stdout != "/etc/k.yaml\n" {
		t.Errorf("KIVACONV_CONFIG: exit %d, %q", code, stdout)
	}
	code, stdout, _, _ = runAuthCLI(t, env, "config", "path", "--config", "x.yaml")
	if code != exitOK || stdout != "x.yaml\n" {
		t.Errorf("--config: exit %d, %q", code, stdout)
	}

	code, stdout, stderr, _ := runAuthCLI(t, env, "config", "init")
	if code != exitOK || stdout != want+"\n" {
		t.Fatalf("config init: exit %d, %q\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(want)
	if err != nil || string(data) != apisettings.ExampleConfig() {
		t.Fatalf("written config: %v", err)
	}
	if st, _ := os.Stat(want); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode())
	}
	code, stdout, stderr, _ = runAuthCLI(t, env, "config", "show")
	if code != exitOK {
		t.Fatalf("show after init: %d %s", code, stderr)
	}
	wantIn(t, stdout, "Profile:       stage  (config file "+want+")")

	code, _, stderr, _ = runAuthCLI(t, env, "config", "init")
	if code != exitUsage {
		t.Errorf("second init: exit %d", code)
	}
	wantIn(t, stderr, "already exists")
	if data2, _ := os.ReadFile(want); string(data2) != string(data) {
		t.Error("second init changed the file")
	}
}

func TestConfigShowNeverPrintsSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "s.secret")
	writeCfgFile(t, secretFile, authTestSecret+"\n", 0o600)
	code, stdout, stderr, _ := runAuthCLI(t, map[string]string{"KIVA_CLIENT_SECRET_FILE": secretFile}, "config", "show")
	if code != exitOK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	wantIn(t, stdout, "Client secret: set (from file "+secretFile+" (KIVA_CLIENT_SECRET_FILE))")

	// Inline secret in a config file others can read: refused, and the
	// secret is not quoted.
	if runtime.GOOS != "windows" {
		cfg := filepath.Join(dir, "config.yaml")
		writeCfgFile(t, cfg, "profiles:\n  stage:\n    client_secret: "+authTestSecret+"\n", 0o644)
		code, _, stderr, _ = runAuthCLI(t, map[string]string{"KIVACONV_CONFIG_DIR": dir}, "config", "show")
		if code != exitUsage {
			t.Errorf("exit %d", code)
		}
		wantIn(t, stderr, "chmod 600 "+cfg)
	}
}
