package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// Distinctive values, so that a leak into any output is easy to spot.
const (
	authTestSecret   = "S3cr3t-ZEBRA-42-never-print"
	authTestToken    = "tok-QUOKKA-77-never-print"
	authTestClientID = "kivaconv-test"
)

// authTestNow is the fixed clock of the API tests.
var authTestNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// authTestServer is a token endpoint and a Partner API on 127.0.0.1.
type authTestServer struct {
	*httptest.Server
	partnerID string   // the token's partnerId
	granted   []string // scopes the client may have
	camelCase bool     // answer config lists in camelCase
	noScope   bool     // the token answer leaves out "scope"

	mu          sync.Mutex
	tokenCalls  int
	apiCalls    int
	lastForm    map[string]string
	lastUA      string
	apiRequests []string
}

func newAuthTestServer(t *testing.T) *authTestServer {
	t.Helper()
	f := &authTestServer{partnerID: "1234", granted: slices.Clone(partnerapi.AllScopes)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", f.token)
	mux.HandleFunc("GET /v3/partner/{id}/config/{name}", f.config)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *authTestServer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.tokenCalls++
	f.lastForm = map[string]string{}
	for k := range r.PostForm {
		f.lastForm[k] = r.PostForm.Get(k)
	}
	f.lastUA = r.UserAgent()
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.PostForm.Get("client_id") != authTestClientID || r.PostForm.Get("client_secret") != authTestSecret {
		// A careless server echoing what it was given: the CLI must
		// still not print it.
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]string{
			"error":             "access_denied",
			"error_description": "Unauthorized client " + r.PostForm.Get("client_id") + " with secret " + r.PostForm.Get("client_secret"),
		})
		return
	}
	var scopes []string
	for _, s := range strings.Fields(r.PostForm.Get("scope")) {
		if slices.Contains(f.granted, s) {
			scopes = append(scopes, s)
		}
	}
	answer := map[string]any{
		"access_token": authTestToken, "token_type": "bearer", "expires_in": 43199,
		"scope": strings.Join(scopes, " "), "partnerId": f.partnerID, "iss": "fake", "jti": "1",
	}
	if f.noScope {
		delete(answer, "scope")
	}
	json.NewEncoder(w).Encode(answer)
}

func (f *authTestServer) config(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.apiCalls++
	f.apiRequests = append(f.apiRequests, r.URL.Path)
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+authTestToken {
		http.Error(w, `{"message":"bad token"}`, http.StatusUnauthorized)
		return
	}
	if r.PathValue("id") != f.partnerID {
		http.Error(w, `{"message":"not your partner"}`, http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	name := r.PathValue("name")
	var body string
	if f.camelCase {
		body = map[string]string{
			"activities": `"activities":[{"activityId":61,"activity":"Agriculture"},{"activityId":120,"activity":"Retail"}]`,
			"locales":    `"locales":[{"languageId":1,"languageCode":"en","languageName":"English","currency":"UGX"}]`,
			"themes":     `"themes":[{"themeTypeId":4,"themeType":"Women Owned Business"}]`,
			"locations":  `"locations":[{"country":"Uganda","location":"Kampala","fullName":"Kampala, Central Region, Uganda"}]`,
		}[name]
		fmt.Fprintf(w, `{"asOfDateTime":"2026-11-2%dT10:00:00Z",%s,"code":"api.success","message":"ok"}`, len(name)%10, body)
		return
	}
	body = map[string]string{
		"activities": `"activities":[{"activity_id":61,"activity":"Agriculture"},{"activity_id":120,"activity":"Retail"},{"activity_id":7,"activity":"Bakery"}]`,
		"locales":    `"locales":[{"language_id":1,"language_code":"en","language_name":"English","currency":"UGX"}]`,
		"themes":     `"themes":[{"theme_type_id":4,"theme_type":"Women Owned Business"}]`,
		"locations":  `"locations":[{"country":"Uganda","location":"Kampala","full_name":"Kampala, Central Region, Uganda"},{"country":"Uganda","location":"Jinja","full_name":"Jinja, Eastern Region, Uganda"}]`,
	}[name]
	if body == "" {
		http.NotFound(w, r)
		return
	}
	fmt.Fprintf(w, `{"as_of_date_time":"2026-11-20T10:00:00Z",%s,"code":"api.success","message":"ok"}`, body)
}

// apiEnv is an environment pointing the default profile at f.
func (f *authTestServer) env() map[string]string {
	return map[string]string{
		"KIVA_TOKEN_URL":     f.URL + "/oauth/token",
		"KIVA_API_URL":       f.URL,
		"KIVA_AUDIENCE":      "https://fake.kivaconv.test",
		"KIVA_CLIENT_ID":     authTestClientID,
		"KIVA_CLIENT_SECRET": authTestSecret,
	}
}

// runAuthCLI runs the program with env as its environment, an isolated config
// directory (returned) unless env sets one, and the fixed test clock.
func runAuthCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr, cfgDir string) {
	t.Helper()
	cfgDir = env["KIVACONV_CONFIG_DIR"]
	if cfgDir == "" {
		cfgDir = t.TempDir()
	}
	var out, errb bytes.Buffer
	io := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string {
		if k == "KIVACONV_CONFIG_DIR" {
			return cfgDir
		}
		return env[k]
	}}
	ctx := context.WithValue(context.Background(), clockKey{}, func() time.Time { return authTestNow })
	code = run(ctx, append([]string{"kivaconv"}, args...), io)
	stdout, stderr = out.String(), errb.String()
	for _, s := range []string{stdout, stderr} {
		if strings.Contains(s, authTestSecret) || strings.Contains(s, "ZEBRA") {
			t.Errorf("the client secret leaked:\n%s", s)
		}
		if strings.Contains(s, authTestToken) || strings.Contains(s, "QUOKKA") {
			t.Errorf("the access token leaked:\n%s", s)
		}
	}
	return code, stdout, stderr, cfgDir
}

func envWith(env map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

func wantIn(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("missing %q in:\n%s", p, s)
		}
	}
}

func TestClientSecretFlagRefused(t *testing.T) {
	f := newAuthTestServer(t)
	for _, args := range [][]string{
		{"auth", "check", "--client-secret", authTestSecret},
		{"auth", "check", "--client-secret=" + authTestSecret},
		{"config", "pull", "--client-secret", authTestSecret},
		{"config", "show", "--client-secret", authTestSecret},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			code, _, stderr, _ := runAuthCLI(t, f.env(), args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			wantIn(t, stderr, "--client-secret is not accepted", "--client-secret-file", "KIVA_CLIENT_SECRET")
		})
	}
	if f.tokenCalls != 0 {
		t.Errorf("%d token requests made", f.tokenCalls)
	}
}

func TestURLRules(t *testing.T) {
	f := newAuthTestServer(t)
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"http to another host", f.env(), []string{"--api-url", "http://example.org"},
			[]string{`api_url (from flag --api-url) "http://example.org"`, "https://"}},
		{"http token URL from env", envWith(f.env(), "KIVA_TOKEN_URL", "http://example.org/oauth/token"), nil,
			[]string{"token_url (from env KIVA_TOKEN_URL)", "https://"}},
		{"stage pointed at production", f.env(), []string{"--api-url", "https://partner-api.k1.kiva.org"},
			[]string{"points at production", "--env production"}},
		{"unknown profile", f.env(), []string{"--env", "prod"},
			[]string{`unknown profile "prod" (from flag --env)`, "did you mean production?"}},
		{"bad partner id", f.env(), []string{"--partner-id", "12-34"}, []string{`partner ID "12-34"`, "digits"}},
		{"no client id", envWith(f.env(), "KIVA_CLIENT_ID", ""), nil, []string{"no client ID"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr, _ := runAuthCLI(t, c.env, append([]string{"auth", "check"}, c.args...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d\n%s", code, exitUsage, stderr)
			}
			wantIn(t, stderr, c.want...)
		})
	}
	if f.tokenCalls != 0 {
		t.Errorf("%d token requests made with refused settings", f.tokenCalls)
	}
}

func TestExplicitConfigFileMustExist(t *testing.T) {
	f := newAuthTestServer(t)
	code, _, stderr, _ := runAuthCLI(t, f.env(), "config", "show", "--config", "/nonexistent/kivaconv.yaml")
	if code != exitUsage {
		t.Errorf("exit %d", code)
	}
	wantIn(t, stderr, "/nonexistent/kivaconv.yaml (from --config)")
	code, _, stderr, _ = runAuthCLI(t, envWith(f.env(), "KIVACONV_CONFIG", "/nonexistent/k.yaml"), "config", "show")
	if code != exitUsage {
		t.Errorf("exit %d", code)
	}
	wantIn(t, stderr, "(from KIVACONV_CONFIG)")
}

func TestHelpHasExamples(t *testing.T) {
	for _, args := range [][]string{
		{"auth", "check", "--help"}, {"config", "pull", "--help"}, {"config", "show", "--help"},
		{"config", "path", "--help"}, {"config", "init", "--help"},
	} {
		code, stdout, stderr, _ := runAuthCLI(t, nil, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		if !strings.Contains(stdout, "Example") {
			t.Errorf("%v: no examples in help:\n%s", args, stdout)
		}
		if strings.Contains(stdout, "client-secret ") {
			t.Errorf("%v: help lists --client-secret:\n%s", args, stdout)
		}
	}
	_, stdout, _, _ := runAuthCLI(t, nil, "auth", "check", "--help")
	wantIn(t, stdout, "(env KIVA_API_URL)", "--client-secret-file", "(env KIVA_ENV)", "--timeout")
}

// writeCfgFile writes a file with the given mode.
func writeCfgFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
