package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

const testSecret = partnerapi.Secret("s3cret-value-for-tests")

// sampleToday is the "today" the samples are valid for.
var sampleToday = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// fakeClock is the server's clock in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sandbox served on loopback with a fake clock.
type env struct {
	t     *testing.T
	s     *Server
	ts    *httptest.Server
	clock *fakeClock
	log   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newEnv starts a sandbox; tweak, when given, adjusts the server before it
// serves.
func newEnv(t *testing.T, opts Options, tweak ...func(*Server)) *env {
	t.Helper()
	if opts.ClientSecret == "" {
		opts.ClientSecret = testSecret
	}
	if opts.Today.IsZero() {
		opts.Today = sampleToday
	}
	e := &env{t: t, clock: &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}, log: &syncBuffer{}}
	opts.Log = e.log
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.now = e.clock.Now
	for _, f := range tweak {
		f(s)
	}
	e.s = s
	e.ts = httptest.NewServer(s.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// tokenForm is a valid token request's form.
func (e *env) tokenForm() url.Values {
	return url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {e.s.Options().ClientID},
		"client_secret": {e.s.ClientSecret().Reveal()},
		"audience":      {e.s.Options().Audience},
	}
}

func (e *env) postToken(form url.Values) (int, map[string]any) {
	e.t.Helper()
	resp, err := e.ts.Client().PostForm(e.ts.URL+"/oauth/token", form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		e.t.Fatalf("token answer is not JSON: %v", err)
	}
	return resp.StatusCode, m
}

// token gets a token with the given scopes (none: all).
func (e *env) token(scopes ...string) string {
	e.t.Helper()
	f := e.tokenForm()
	if len(scopes) > 0 {
		f.Set("scope", strings.Join(scopes, " "))
	}
	status, m := e.postToken(f)
	if status != http.StatusOK {
		e.t.Fatalf("token request: %d %v", status, m)
	}
	return m["access_token"].(string)
}

// answer is an HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", a.status, err, a.body)
	}
	return m
}

// do sends a request; path is relative to the server, token may be "".
func (e *env) do(method, path, token string, body []byte) answer {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

const api = "/v3/partner/1234/"

func readSample(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "samples", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sampleDrafts returns the bodies of samples/expected/loans.xlsx.
func sampleDrafts(t *testing.T) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "samples", "expected", "loans.xlsx", "loan-draft-*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample drafts: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// editJSON decodes body into a generic value, lets f change it and
// encodes it again.
func editJSON(t *testing.T, body []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ---------------------------------------------------------------------------

func TestNewDefaultsAndErrors(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := s.Options()
	if o.ClientID != DefaultClientID || o.PartnerID != "1234" || o.Audience != DefaultAudience || o.TokenTTL != 12*time.Hour {
		t.Errorf("defaults: %+v", o)
	}
	if len(o.Scopes) != 4 {
		t.Errorf("default scopes %v, want all four", o.Scopes)
	}
	if len(s.ClientSecret().Reveal()) < 20 {
		t.Errorf("random secret too short: %d chars", len(s.ClientSecret().Reveal()))
	}
	s2, _ := New(Options{})
	if s.ClientSecret().Reveal() == s2.ClientSecret().Reveal() {
		t.Error("two runs drew the same secret")
	}
	for _, c := range []struct {
		opts Options
		want string
	}{
		{Options{Faults: "500,boom"}, `unknown fault kind "boom"`},
		{Options{Scopes: []string{"read:loan"}}, `scope "read:loan" is not one Kiva grants`},
		{Options{TokenTTL: time.Millisecond}, "too short"},
		{Options{Latency: -time.Second}, "negative"},
		{Options{Rate: -1}, "requests per second"},
		{Options{PartnerID: "12/34"}, "cannot hold"},
	} {
		if _, err := New(c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", c.opts, err, c.want)
		}
	}
}

func TestTokenFlow(t *testing.T) {
	e := newEnv(t, Options{})
	status, m := e.postToken(e.tokenForm())
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, m)
	}
	want := map[string]any{
		"token_type": "bearer", "expires_in": float64(43199),
		"scope":     "read:loans create:loan_draft create:repayment create:journal_update",
		"partnerId": "1234", "iss": e.ts.URL + "/",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if tok, _ := m["access_token"].(string); len(tok) < 30 {
		t.Errorf("access_token %q looks too weak", tok)
	}
	if jti, _ := m["jti"].(string); jti == "" {
		t.Error("no jti")
	}

	t.Run("basic auth", func(t *testing.T) {
		f := e.tokenForm()
		f.Del("client_id")
		f.Del("client_secret")
		req, _ := http.NewRequest("POST", e.ts.URL+"/oauth/token", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(DefaultClientID, testSecret.Reveal())
		resp, err := e.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("basic auth: %d", resp.StatusCode)
		}
	})

	for _, c := range []struct {
		name   string
		edit   func(url.Values)
		status int
		err    string
		desc   string
	}{
		{"bad secret", func(f url.Values) { f.Set("client_secret", "nope") }, 401, "access_denied", "Unauthorized"},
		{"bad client", func(f url.Values) { f.Set("client_id", "other") }, 401, "access_denied", "Unauthorized"},
		{"no credentials", func(f url.Values) { f.Del("client_id"); f.Del("client_secret") }, 401, "access_denied", "Unauthorized"},
		{"wrong audience", func(f url.Values) { f.Set("audience", "https://partner-api.k1.kiva.org") }, 403, "access_denied", "Service not found: https://partner-api.k1.kiva.org"},
		{"no audience", func(f url.Values) { f.Del("audience") }, 403, "access_denied", "audience"},
		{"grant type", func(f url.Values) { f.Set("grant_type", "password") }, 400, "unsupported_grant_type", "client_credentials"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := e.tokenForm()
			c.edit(f)
			status, m := e.postToken(f)
			if status != c.status || m["error"] != c.err || !strings.Contains(m["error_description"].(string), c.desc) {
				t.Errorf("got %d %v, want %d %s %q", status, m, c.status, c.err, c.desc)
			}
			if _, ok := m["access_token"]; ok {
				t.Error("an error answer carries a token")
			}
		})
	}

	t.Run("json body refused", func(t *testing.T) {
		resp, err := e.ts.Client().Post(e.ts.URL+"/oauth/token", "application/json", strings.NewReader(`{"grant_type":"client_credentials"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
	if n := e.s.State().TokensIssued; n != 2 {
		t.Errorf("tokens issued %d, want 2", n)
	}
}

func TestTokenScopes(t *testing.T) {
	for _, c := range []struct {
		allowed []string
		ask     string
		want    string
	}{
		{nil, "", "read:loans create:loan_draft create:repayment create:journal_update"},
		{nil, "create:journal_update read:loans bogus", "read:loans create:journal_update"},
		{[]string{"read:loans"}, "", "read:loans"},
		{[]string{"read:loans"}, "create:loan_draft", ""},
		{[]string{"read:loans", "create:repayment"}, "create:repayment create:loan_draft", "create:repayment"},
	} {
		e := newEnv(t, Options{Scopes: c.allowed})
		f := e.tokenForm()
		if c.ask != "" {
			f.Set("scope", c.ask)
		}
		status, m := e.postToken(f)
		if status != 200 || m["scope"] != c.want {
			t.Errorf("allowed %v, asked %q: %d scope %q, want %q", c.allowed, c.ask, status, m["scope"], c.want)
		}
	}
}

func TestTokenExpiry(t *testing.T) {
	e := newEnv(t, Options{TokenTTL: time.Hour})
	_, m := e.postToken(e.tokenForm())
	if m["expires_in"] != float64(3599) {
		t.Errorf("expires_in %v, want 3599", m["expires_in"])
	}
	tok := m["access_token"].(string)
	e.clock.Advance(59 * time.Minute)
	if a := e.do("GET", api+"config/themes", tok, nil); a.status != 200 {
		t.Fatalf("before expiry: %d %s", a.status, a.body)
	}
	e.clock.Advance(time.Minute)
	a := e.do("GET", api+"config/themes", tok, nil)
	if a.status != http.StatusUnauthorized || !strings.Contains(a.json(t)["message"].(string), "expired") {
		t.Fatalf("at expiry: %d %s", a.status, a.body)
	}
	if a := e.do("GET", api+"config/themes", e.token(), nil); a.status != 200 {
		t.Fatalf("fresh token: %d %s", a.status, a.body)
	}
}

func TestAPIAuth(t *testing.T) {
	e := newEnv(t, Options{})
	all := e.token()
	readOnly := e.token(partnerapi.ScopeReadLoans)
	noScope := newEnvToken(t, e)
	draft := sampleDrafts(t)[1]
	for _, c := range []struct {
		name, method, path, token string
		body                      []byte
		status                    int
		msg                       string
	}{
		{"no token", "GET", api + "loans", "", nil, 401, "Missing access token"},
		{"unknown token", "GET", api + "loans", "not-a-token", nil, 401, "Unknown access token"},
		{"wrong partner", "GET", "/v3/partner/9999/loans", all, nil, 403, "partner 1234, not partner 9999"},
		{"missing scope", "POST", api + "loan_draft", readOnly, draft, 403, "create:loan_draft"},
		{"missing scope journals", "POST", api + "journals", readOnly, []byte(`[]`), 403, "create:journal_update"},
		{"config needs any token", "GET", api + "config/locales", noScope, nil, 200, ""},
		{"loans need read:loans", "GET", api + "loans", noScope, nil, 403, "read:loans"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := e.do(c.method, c.path, c.token, c.body)
			if a.status != c.status {
				t.Fatalf("status %d, want %d: %s", a.status, c.status, a.body)
			}
			if c.msg != "" {
				if m := a.json(t)["message"].(string); !strings.Contains(m, c.msg) {
					t.Errorf("message %q does not contain %q", m, c.msg)
				}
			}
			if c.status == 401 && !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Error("401 without WWW-Authenticate: Bearer")
			}
		})
	}
	if n := len(e.s.State().Drafts); n != 0 {
		t.Errorf("%d drafts stored by refused requests", n)
	}
}

// newEnvToken returns a token granted no scope at all.
func newEnvToken(t *testing.T, e *env) string {
	t.Helper()
	// A server allowing only read:loans, asked for another scope, grants none;
	// use the same server with a client asking for an unknown scope instead.
	f := e.tokenForm()
	f.Set("scope", "no:such-scope")
	status, m := e.postToken(f)
	if status != 200 || m["scope"] != "" {
		t.Fatalf("token without scope: %d %v", status, m)
	}
	return m["access_token"].(string)
}
