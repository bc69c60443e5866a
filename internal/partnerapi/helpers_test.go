package partnerapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testSecret   = "SeCrEt/9f+3e=1d7a&x"
	testClientID = "client-abc"
	testAudience = "https://partner-api-stage.example"
	testUA       = "kivaconv/9.9.9 (+test)"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// apiRequest is an API request as the fake server saw it.
type apiRequest struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         string
}

// fakeKiva is a token endpoint (/oauth/token) and an API on one loopback
// server. token answers the n-th token request (1-based); api handles
// the n-th API request.
type fakeKiva struct {
	t     *testing.T
	srv   *httptest.Server
	token func(w http.ResponseWriter, r *http.Request, n int)
	api   func(w http.ResponseWriter, r *http.Request, n int)

	tokenHits atomic.Int32
	apiHits   atomic.Int32

	mu          sync.Mutex
	tokenForms  []url.Values
	tokenHeads  []http.Header
	apiRequests []apiRequest
}

func newFakeKiva(t *testing.T) *fakeKiva {
	t.Helper()
	k := &fakeKiva{t: t}
	k.token = func(w http.ResponseWriter, r *http.Request, n int) {
		writeToken(w, fmt.Sprintf("tok-%d", n), 3600, strings.Join(AllScopes, " "), "123")
	}
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"code":"api.success"}`)
	}
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			if err := r.ParseForm(); err != nil {
				t.Errorf("token request form: %v", err)
			}
			k.mu.Lock()
			k.tokenForms = append(k.tokenForms, r.PostForm)
			k.tokenHeads = append(k.tokenHeads, r.Header.Clone())
			k.mu.Unlock()
			k.token(w, r, int(k.tokenHits.Add(1)))
			return
		}
		body, _ := io.ReadAll(r.Body)
		k.mu.Lock()
		k.apiRequests = append(k.apiRequests, apiRequest{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body)})
		k.mu.Unlock()
		k.api(w, r, int(k.apiHits.Add(1)))
	}))
	t.Cleanup(k.srv.Close)
	return k
}

func (k *fakeKiva) requests() []apiRequest {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]apiRequest(nil), k.apiRequests...)
}

func writeToken(w http.ResponseWriter, access string, expiresIn int, scope string, partnerID any) {
	m := map[string]any{"access_token": access, "token_type": "bearer", "expires_in": expiresIn, "iss": "https://auth.example/", "jti": "j1"}
	if scope != "" {
		m["scope"] = scope
	}
	if partnerID != nil {
		m["partnerId"] = partnerID
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(m)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// config is a Config pointing at k.
func (k *fakeKiva) config(clock *fakeClock) Config {
	return Config{
		TokenURL:     k.srv.URL + "/oauth/token",
		Audience:     testAudience,
		APIURL:       k.srv.URL,
		ClientID:     testClientID,
		ClientSecret: Secret(testSecret),
		UserAgent:    testUA,
		HTTPClient:   k.srv.Client(),
		Now:          clock.Now,
	}
}

// client returns a Client for k; edit may change the Config. Sleeps of
// the GET retries are recorded, not slept.
func (k *fakeKiva) client(clock *fakeClock, edit func(*Config)) (*Client, *[]time.Duration) {
	k.t.Helper()
	cfg := k.config(clock)
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		k.t.Fatal(err)
	}
	var mu sync.Mutex
	slept := new([]time.Duration)
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*slept = append(*slept, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, slept
}

// asError returns err as *Error, failing the test when it is not one.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e
}
