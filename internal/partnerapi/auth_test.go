package partnerapi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTokenRequestForm(t *testing.T) {
	k := newFakeKiva(t)
	c, _ := k.client(newFakeClock(), nil)
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := k.tokenHits.Load(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
	form, h := k.tokenForms[0], k.tokenHeads[0]
	want := map[string]string{
		"grant_type":    "client_credentials",
		"client_id":     testClientID,
		"client_secret": testSecret,
		"audience":      testAudience,
		"scope":         "read:loans create:loan_draft create:repayment create:journal_update",
	}
	if len(form) != len(want) {
		t.Errorf("form fields %v, want exactly %v", form, slices.Sorted(maps.Keys(want)))
	}
	for k, v := range want {
		if got := form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
	if a := h.Get("Authorization"); a != "" {
		t.Errorf("token request has Authorization %q: credentials must be in the form body, not Basic auth", a)
	}
	for name, v := range map[string]string{
		"Content-Type": "application/x-www-form-urlencoded",
		"Accept":       "application/json",
		"User-Agent":   testUA,
	} {
		if got := h.Get(name); got != v {
			t.Errorf("token request %s = %q, want %q", name, got, v)
		}
	}
}

func TestTokenScopesAndNoAudience(t *testing.T) {
	k := newFakeKiva(t)
	c, _ := k.client(newFakeClock(), func(c *Config) {
		c.Scopes = []string{ScopeReadLoans}
		c.Audience = ""
	})
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	form := k.tokenForms[0]
	if got := form.Get("scope"); got != "read:loans" {
		t.Errorf("scope %q", got)
	}
	if _, ok := form["audience"]; ok {
		t.Errorf("empty audience was sent: %v", form)
	}
}

func TestTokenInfo(t *testing.T) {
	clock := newFakeClock()
	for _, tt := range []struct {
		name      string
		partnerID any
		scope     string
		want      TokenInfo
	}{
		{"string partner", "123", "read:loans create:repayment", TokenInfo{"123", []string{"create:repayment", "read:loans"}, clock.Now().Add(time.Hour)}},
		{"number partner", 456, "create:loan_draft", TokenInfo{"456", []string{"create:loan_draft"}, clock.Now().Add(time.Hour)}},
		{"no partner, no scope", nil, "", TokenInfo{"", nil, clock.Now().Add(time.Hour)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKiva(t)
			k.token = func(w http.ResponseWriter, r *http.Request, n int) {
				writeToken(w, "tok", 3600, tt.scope, tt.partnerID)
			}
			c, _ := k.client(clock, nil)
			got, err := c.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Token() = %+v, want %+v", got, tt.want)
			}
			if c.PartnerID() != tt.want.PartnerID {
				t.Errorf("PartnerID() = %q", c.PartnerID())
			}
		})
	}
}

func TestTokenReuse(t *testing.T) {
	k := newFakeKiva(t)
	c, _ := k.client(newFakeClock(), nil)
	ctx := context.Background()
	for range 5 {
		if _, err := c.PostLoanDraft(ctx, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Loans(ctx, LoansQuery{}); err == nil {
		// The default API answer has no loans list: an error is expected,
		// but the call was made with the same token.
		t.Fatal("want an error for an answer without a loans list")
	}
	if n := k.tokenHits.Load(); n != 1 {
		t.Errorf("%d token requests for 6 API calls, want 1", n)
	}
	for _, r := range k.requests() {
		if got := r.Header.Get("Authorization"); got != "Bearer tok-1" {
			t.Errorf("%s %s Authorization %q", r.Method, r.Path, got)
		}
		if got := r.Header.Get("User-Agent"); got != testUA {
			t.Errorf("%s User-Agent %q", r.Method, got)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("%s Accept %q", r.Method, got)
		}
		wantCT := ""
		if r.Method == http.MethodPost {
			wantCT = "application/json"
		}
		if got := r.Header.Get("Content-Type"); got != wantCT {
			t.Errorf("%s Content-Type %q, want %q", r.Method, got, wantCT)
		}
	}
}

func TestTokenRenewal(t *testing.T) {
	for _, tt := range []struct {
		name        string
		lifetime    int // seconds
		renewBefore time.Duration
		fresh       time.Duration // still reused at this age
		renewed     time.Duration // renewed at this age
	}{
		// Default RenewBefore (5 min) is capped at a quarter of 2 s.
		{"short lifetime", 2, 0, 1499 * time.Millisecond, 1500 * time.Millisecond},
		{"one second", 1, 0, 749 * time.Millisecond, 750 * time.Millisecond},
		{"long lifetime", 43199, 0, 43199*time.Second - 5*time.Minute - time.Millisecond, 43199*time.Second - 5*time.Minute},
		{"explicit renew before", 3600, 10 * time.Second, 3590*time.Second - time.Millisecond, 3590 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			start := clock.Now()
			k := newFakeKiva(t)
			k.token = func(w http.ResponseWriter, r *http.Request, n int) {
				writeToken(w, fmt.Sprintf("tok-%d", n), tt.lifetime, ScopeLoanDraft, "123")
			}
			c, _ := k.client(clock, func(c *Config) { c.RenewBefore = tt.renewBefore })
			ctx := context.Background()
			info, err := c.Token(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := start.Add(time.Duration(tt.lifetime) * time.Second); !info.Expiry.Equal(want) {
				t.Errorf("Expiry %v, want %v", info.Expiry, want)
			}
			clock.Add(tt.fresh)
			if _, err := c.PostLoanDraft(ctx, []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
			if n := k.tokenHits.Load(); n != 1 {
				t.Fatalf("token renewed early, at %v: %d requests", tt.fresh, n)
			}
			clock.Add(tt.renewed - tt.fresh)
			if _, err := c.PostLoanDraft(ctx, []byte(`{}`)); err != nil {
				t.Fatal(err)
			}
			if n := k.tokenHits.Load(); n != 2 {
				t.Fatalf("token not renewed at %v: %d requests", tt.renewed, n)
			}
			reqs := k.requests()
			if got := reqs[len(reqs)-1].Header.Get("Authorization"); got != "Bearer tok-2" {
				t.Errorf("after renewal Authorization %q", got)
			}
		})
	}
}

func TestTokenConcurrentCallersShareOneFetch(t *testing.T) {
	k := newFakeKiva(t)
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	k.token = func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
		writeToken(w, fmt.Sprintf("tok-%d", n), 3600, ScopeLoanDraft, "123")
	}
	c, _ := k.client(newFakeClock(), nil)
	const callers = 20
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
			errs <- err
		})
	}
	<-arrived
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := k.tokenHits.Load(); n != 1 {
		t.Errorf("%d token requests for %d concurrent callers, want 1", n, callers)
	}
	if n := k.apiHits.Load(); n != callers {
		t.Errorf("%d API requests, want %d", n, callers)
	}
}

func TestTokenWaitCancelled(t *testing.T) {
	k := newFakeKiva(t)
	arrived := make(chan struct{})
	release := make(chan struct{})
	k.token = func(w http.ResponseWriter, r *http.Request, n int) {
		close(arrived)
		<-release
		writeToken(w, "tok", 3600, ScopeLoanDraft, "123")
	}
	c, _ := k.client(newFakeClock(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.PostLoanDraft(ctx, []byte(`{}`))
		done <- err
	}()
	<-arrived
	cancel()
	err := <-done
	close(release)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v does not wrap context.Canceled", err)
	}
	if e := asError(t, err); e.Class != NotApplied || e.Written {
		t.Errorf("class %v written %v, want not applied, not written", e.Class, e.Written)
	}
	if n := k.apiHits.Load(); n != 0 {
		t.Errorf("%d API requests", n)
	}
}

func TestTokenErrors(t *testing.T) {
	for _, tt := range []struct {
		name      string
		status    int
		body      string
		header    map[string]string
		class     Class
		creds     bool
		wantInMsg []string
		retry     time.Duration
	}{
		{"bad secret", 401, `{"error":"access_denied","error_description":"Unauthorized"}`, nil, Rejected, true,
			[]string{"client ID or secret was refused", "KIVA_CLIENT_SECRET", "access_denied: Unauthorized"}, 0},
		{"forbidden", 403, `{"error":"access_denied","error_description":"Client has not been granted scopes: create:repayment"}`, nil, Rejected, true,
			[]string{"client ID or secret was refused", "scopes", "Client has not been granted scopes: create:repayment"}, 0},
		{"rate limited", 429, `{"error":"too_many_requests"}`, map[string]string{"Retry-After": "30"}, NotApplied, false,
			[]string{"unavailable", "too_many_requests"}, 30 * time.Second},
		{"unavailable", 503, `<html><title>Service Unavailable</title></html>`, nil, NotApplied, false,
			[]string{"unavailable", "Service Unavailable"}, 0},
		{"server error", 500, `oops`, nil, NotApplied, false, []string{"unavailable", "oops"}, 0},
		{"bad scope", 400, `{"error":"invalid_scope","error_description":"scope not allowed"}`, nil, Rejected, false,
			[]string{"refused the request", "invalid_scope: scope not allowed"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKiva(t)
			k.token = func(w http.ResponseWriter, r *http.Request, n int) {
				for h, v := range tt.header {
					w.Header().Set(h, v)
				}
				writeJSON(w, tt.status, tt.body)
			}
			c, _ := k.client(newFakeClock(), nil)
			_, err := c.PostRepayments(context.Background(), []byte(`{}`))
			e := asError(t, err)
			if e.Class != tt.class || e.Status != tt.status || e.RetryAfter != tt.retry {
				t.Errorf("class %v status %d retry %v, want %v %d %v", e.Class, e.Status, e.RetryAfter, tt.class, tt.status, tt.retry)
			}
			if !strings.HasPrefix(e.Op, "token request to http://127.0.0.1:") {
				t.Errorf("Op %q", e.Op)
			}
			if errors.Is(err, ErrCredentials) != tt.creds {
				t.Errorf("errors.Is(ErrCredentials) = %v", !tt.creds)
			}
			if string(e.Body) != tt.body {
				t.Errorf("Body %q", e.Body)
			}
			for _, s := range tt.wantInMsg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q lacks %q", err.Error(), s)
				}
			}
			if n := k.apiHits.Load(); n != 0 {
				t.Errorf("%d API requests after a failed token request", n)
			}
		})
	}
}

func TestTokenServerUnreachable(t *testing.T) {
	k := newFakeKiva(t)
	dead := deadAddress(t)
	c, _ := k.client(newFakeClock(), func(c *Config) { c.TokenURL = "http://" + dead + "/oauth/token" })
	_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
	e := asError(t, err)
	if e.Class != NotApplied || e.Status != 0 || e.Err == nil {
		t.Errorf("got %+v, want not applied with a transport error", e)
	}
	if !strings.Contains(err.Error(), "connection refused") && !strings.Contains(err.Error(), "connect") {
		t.Errorf("error %q does not say the connection failed", err)
	}
}

// deadAddress returns a loopback address nothing listens on.
func deadAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestPartnerID(t *testing.T) {
	t.Run("mismatch", func(t *testing.T) {
		k := newFakeKiva(t)
		k.token = func(w http.ResponseWriter, r *http.Request, n int) {
			writeToken(w, "tok", 3600, ScopeLoanDraft, 456)
		}
		c, _ := k.client(newFakeClock(), func(c *Config) { c.PartnerID = "123" })
		_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
		if !errors.Is(err, ErrPartnerMismatch) {
			t.Fatalf("error %v is not ErrPartnerMismatch", err)
		}
		for _, s := range []string{"token is for partner 456", "settings say 123", "KIVA_PARTNER_ID"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%q lacks %q", err, s)
			}
		}
		if e := asError(t, err); e.Class != NotApplied || e.Written {
			t.Errorf("class %v written %v", e.Class, e.Written)
		}
		info, err := c.Token(context.Background())
		if !errors.Is(err, ErrPartnerMismatch) || info.PartnerID != "456" {
			t.Errorf("Token() = %+v, %v", info, err)
		}
		if n := k.apiHits.Load(); n != 0 {
			t.Errorf("%d API requests despite the mismatch", n)
		}
		if c.PartnerID() != "123" {
			t.Errorf("PartnerID() = %q: the configured one wins", c.PartnerID())
		}
	})
	t.Run("from token", func(t *testing.T) {
		k := newFakeKiva(t)
		k.token = func(w http.ResponseWriter, r *http.Request, n int) {
			writeToken(w, "tok", 3600, ScopeLoanDraft, 789)
		}
		c, _ := k.client(newFakeClock(), nil)
		if got := c.EndpointURL(KindLoanDraft); got != k.srv.URL+"/v3/partner/{id}/loan_draft" {
			t.Errorf("EndpointURL before the token = %q", got)
		}
		if _, err := c.PostLoanDraft(context.Background(), []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if p := k.requests()[0].Path; p != "/v3/partner/789/loan_draft" {
			t.Errorf("path %q", p)
		}
		if got := c.EndpointURL(KindLoanDraft); got != k.srv.URL+"/v3/partner/789/loan_draft" {
			t.Errorf("EndpointURL after the token = %q", got)
		}
	})
	t.Run("configured and same in token", func(t *testing.T) {
		k := newFakeKiva(t)
		c, _ := k.client(newFakeClock(), func(c *Config) { c.PartnerID = "123" })
		if _, err := c.PostLoanDraft(context.Background(), []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("configured, token has none", func(t *testing.T) {
		k := newFakeKiva(t)
		k.token = func(w http.ResponseWriter, r *http.Request, n int) {
			writeToken(w, "tok", 3600, ScopeLoanDraft, nil)
		}
		c, _ := k.client(newFakeClock(), func(c *Config) { c.PartnerID = "55" })
		if _, err := c.PostLoanDraft(context.Background(), []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if p := k.requests()[0].Path; p != "/v3/partner/55/loan_draft" {
			t.Errorf("path %q", p)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		k := newFakeKiva(t)
		k.token = func(w http.ResponseWriter, r *http.Request, n int) {
			writeToken(w, "tok", 3600, ScopeLoanDraft, nil)
		}
		c, _ := k.client(newFakeClock(), nil)
		_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
		if !errors.Is(err, ErrNoPartnerID) {
			t.Fatalf("error %v is not ErrNoPartnerID", err)
		}
		for _, s := range []string{"KIVA_PARTNER_ID", "--partner-id"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%q lacks %q", err, s)
			}
		}
		if n := k.apiHits.Load(); n != 0 {
			t.Errorf("%d API requests", n)
		}
	})
}
