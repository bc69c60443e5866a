package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

func TestAuthCheckText(t *testing.T) {
	f := newAuthTestServer(t)
	code, stdout, stderr, _ := runAuthCLI(t, envWith(f.env(), "KIVA_PARTNER_ID", "1234"), "auth", "check")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	wantIn(t, stdout,
		"Profile:     stage (default)",
		"API URL:     "+f.URL,
		"Partner ID:  1234 (configured, env KIVA_PARTNER_ID; the token agrees)",
		"Scopes:      create:journal_update create:loan_draft create:repayment read:loans",
		"(in 11h59m)",
		"OK: Kiva issued a token for partner 1234 on stage.",
	)
	if strings.Contains(stdout, "missing") {
		t.Errorf("reports a missing scope:\n%s", stdout)
	}
	// The token request: credentials in the form, settings as resolved.
	form := f.lastForm
	if form["grant_type"] != "client_credentials" || form["client_id"] != authTestClientID ||
		form["audience"] != "https://fake.kivaconv.test" || form["scope"] != strings.Join(partnerapi.AllScopes, " ") {
		t.Errorf("token request form: client_id=%q audience=%q scope=%q grant_type=%q",
			form["client_id"], form["audience"], form["scope"], form["grant_type"])
	}
	if f.lastUA != "kivaconv/"+version+" (+https://github.com/kiva-partners/kivaconv)" {
		t.Errorf("User-Agent %q", f.lastUA)
	}
	if f.apiCalls != 0 {
		t.Errorf("auth check called the API %d times", f.apiCalls)
	}
}

func TestAuthCheckJSON(t *testing.T) {
	f := newAuthTestServer(t)
	f.granted = []string{partnerapi.ScopeReadLoans, partnerapi.ScopeLoanDraft}
	code, stdout, stderr, _ := runAuthCLI(t, f.env(), "auth", "check", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	want := map[string]any{
		"profile":        "stage",
		"api_url":        f.URL,
		"token_url":      f.URL + "/oauth/token",
		"partner_id":     "1234", // from the token: none configured
		"scopes":         []any{"create:loan_draft", "read:loans"},
		"missing_scopes": []any{"create:repayment", "create:journal_update"},
	}
	// 12:00:00 + expires_in 43199 s. The client measures the lifetime
	// with the oauth2 package, which may lose a fraction of a second.
	if exp, _ := got["expires_at"].(string); exp != "2026-11-26T23:59:59Z" && exp != "2026-11-26T23:59:58Z" {
		t.Errorf("expires_at = %q, want 2026-11-26T23:59:59Z", exp)
	}
	delete(got, "expires_at")
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("got  %s\nwant %s", gotJSON, wantJSON)
	}
}

func TestAuthCheckMissingScopes(t *testing.T) {
	f := newAuthTestServer(t)
	f.granted = []string{partnerapi.ScopeReadLoans, partnerapi.ScopeLoanDraft, partnerapi.ScopeJournalUpdate}
	// create:journal_update is granted to the client but not asked for.
	code, stdout, stderr, _ := runAuthCLI(t, f.env(), "auth", "check", "--scope", "read:loans,create:loan_draft,create:repayment")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if scope := f.lastForm["scope"]; scope != "read:loans create:loan_draft create:repayment" {
		t.Errorf("asked for %q", scope)
	}
	wantIn(t, stdout,
		"Scopes:      create:loan_draft read:loans",
		"missing create:repayment: needed for sending repayments\n",
		"missing create:journal_update: needed for sending journals (not asked for: scopes from flag --scope)",
		"Ask Kiva to grant the missing scopes",
	)
}

func TestAuthCheckFailures(t *testing.T) {
	f := newAuthTestServer(t)
	closed := newAuthTestServer(t)
	closed.Close()
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"wrong secret", envWith(f.env(), "KIVA_CLIENT_SECRET", authTestSecret+"-wrong"), nil, exitUsage,
			[]string{"HTTP 401", "client ID or secret was refused", "client secret set (from env KIVA_CLIENT_SECRET)", "[redacted]"}},
		{"wrong client id", envWith(f.env(), "KIVA_CLIENT_ID", "someone-else"), nil, exitUsage,
			[]string{"HTTP 401", "client ID someone-else"}},
		{"partner mismatch", envWith(f.env(), "KIVA_PARTNER_ID", "999"), nil, exitUsage,
			[]string{"the token is for partner 1234", "says partner 999 (from env KIVA_PARTNER_ID)"}},
		{"token server unreachable", envWith(f.env(), "KIVA_TOKEN_URL", closed.URL+"/oauth/token"), nil, exitError,
			[]string{"Could not reach the token server", "(env KIVA_TOKEN_URL)"}},
		{"no secret", envWith(f.env(), "KIVA_CLIENT_SECRET", ""), nil, exitUsage,
			[]string{"no client secret", "--client-secret-file"}},
		{"argument", f.env(), []string{"extra"}, exitUsage, []string{"takes no arguments"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, json := range []bool{false, true} {
				args := append([]string{"auth", "check"}, c.args...)
				if json {
					args = []string{"auth", "check", "--json"}
					args = append(args, c.args...)
				}
				code, stdout, stderr, _ := runAuthCLI(t, c.env, args...)
				if code != c.code {
					t.Errorf("json=%v: exit %d, want %d\n%s\n%s", json, code, c.code, stdout, stderr)
				}
				wantIn(t, stderr, c.want...)
				if strings.Contains(stdout, "OK:") {
					t.Errorf("says OK:\n%s", stdout)
				}
			}
		})
	}
	// The mismatch is shown in the report, too.
	_, stdout, _, _ := runAuthCLI(t, envWith(f.env(), "KIVA_PARTNER_ID", "999"), "auth", "check")
	wantIn(t, stdout, "Partner ID:  MISMATCH: configured 999 (env KIVA_PARTNER_ID), the token says 1234")
}

func TestAuthCheckProductionIsNamed(t *testing.T) {
	f := newAuthTestServer(t)
	// Production's URLs overridden to the loopback fake: the profile is
	// still production by name, and says so.
	code, stdout, stderr, _ := runAuthCLI(t, f.env(), "auth", "check", "--env", "production")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	wantIn(t, stderr, "profile production is Kiva's PRODUCTION environment")
	wantIn(t, stdout, "Profile:     production (flag --env)")

	code, _, stderr, _ = runAuthCLI(t, f.env(), "auth", "check")
	if code != exitOK || strings.Contains(stderr, "PRODUCTION") {
		t.Errorf("stage run: exit %d, stderr %q", code, stderr)
	}
}

func TestAuthCheckConfigFile(t *testing.T) {
	f := newAuthTestServer(t)
	dir := t.TempDir()
	writeCfgFile(t, dir+"/train.secret", authTestSecret+"\n", 0o600)
	writeCfgFile(t, dir+"/config.yaml", `env: training
profiles:
  training:
    token_url: `+f.URL+`/oauth/token
    audience: https://fake.kivaconv.test
    api_url: `+f.URL+`
    partner_id: 1234
    client_id: `+authTestClientID+`
    client_secret_file: train.secret
`, 0o600)
	code, stdout, stderr, _ := runAuthCLI(t, map[string]string{"KIVACONV_CONFIG_DIR": dir}, "auth", "check")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	wantIn(t, stdout, "Profile:     training (config file "+dir+"/config.yaml)",
		"Partner ID:  1234 (configured, config file "+dir+"/config.yaml; the token agrees)")

	// A broken config file is a usage error with its line.
	writeCfgFile(t, dir+"/config.yaml", "profiles:\n  training:\n    clientid: x\n", 0o600)
	code, _, stderr, _ = runAuthCLI(t, map[string]string{"KIVACONV_CONFIG_DIR": dir}, "auth", "check")
	if code != exitUsage {
		t.Errorf("exit %d", code)
	}
	wantIn(t, stderr, dir+"/config.yaml:3:5: unknown key \"clientid\"", "did you mean client_id?")
}

func TestUntilText(t *testing.T) {
	for _, c := range []struct {
		secs int
		want string
	}{
		{43199, "in 11h59m"}, {7200, "in 2h0m"}, {300, "in 5m"}, {59, "in less than a minute"}, {0, "expired"}, {-5, "expired"},
	} {
		if got := untilText(time.Duration(c.secs) * time.Second); got != c.want {
			t.Errorf("untilText(%ds) = %q, want %q", c.secs, got, c.want)
		}
	}
	if !slices.Contains(partnerapi.AllScopes, partnerapi.ScopeRepayment) || len(scopeUse) != len(partnerapi.AllScopes) {
		t.Error("scopeUse does not cover every scope")
	}
}

// A token answer without "scope" grants what was asked for (RFC 6749
// §5.1): auth check must not report every scope missing.
func TestAuthCheckAnswerWithoutScope(t *testing.T) {
	f := newAuthTestServer(t)
	f.noScope = true
	code, stdout, stderr, _ := runAuthCLI(t, f.env(), "auth", "check", "--scope", "read:loans,create:repayment")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	wantIn(t, stdout,
		"Scopes:      not listed in Kiva's answer, so those asked for: read:loans create:repayment",
		"missing create:loan_draft: needed for sending loan drafts (not asked for",
	)
	if strings.Contains(stdout, "missing read:loans") || strings.Contains(stdout, "missing create:repayment") {
		t.Errorf("reports an asked-for scope missing:\n%s", stdout)
	}
}
