package partnerapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStatusClasses(t *testing.T) {
	clock := newFakeClock()
	for _, tt := range []struct {
		status  int
		header  map[string]string
		body    string
		class   Class // 0: success
		retry   time.Duration
		message string
	}{
		{200, nil, `{"loan_draft_uuid":"u-1"}`, 0, 0, ""},
		{201, nil, `{}`, 0, 0, ""},
		{204, nil, ``, 0, 0, ""},
		{400, nil, `{"code":"validation","message":"disburse_time is required"}`, Rejected, 0, "disburse_time is required"},
		{404, nil, `not found`, Rejected, 0, "not found"},
		{409, nil, `{"error":"duplicate"}`, Rejected, 0, "duplicate"},
		{422, nil, `{"errors":[{"message":"bad amount"}]}`, Rejected, 0, "bad amount"},
		{429, map[string]string{"Retry-After": "120"}, `{"message":"slow down"}`, NotApplied, 2 * time.Minute, "slow down"},
		{429, map[string]string{"Retry-After": clock.Now().Add(90 * time.Second).Format(http.TimeFormat)}, ``, NotApplied, 90 * time.Second, ""},
		{429, map[string]string{"Retry-After": "86400"}, ``, NotApplied, MaxRetryAfter, ""},
		{500, nil, `{"message":"boom"}`, Unknown, 0, "boom"},
		{502, nil, `<html><head><title>502 Bad Gateway</title></head></html>`, Unknown, 0, "502 Bad Gateway"},
		{503, map[string]string{"Retry-After": "5"}, ``, NotApplied, 5 * time.Second, ""},
		{504, nil, ``, Unknown, 0, ""},
		{501, nil, ``, Unknown, 0, ""},
		{418, nil, ``, Rejected, 0, ""},
	} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			k := newFakeKiva(t)
			k.api = func(w http.ResponseWriter, r *http.Request, n int) {
				for h, v := range tt.header {
					w.Header().Set(h, v)
				}
				writeJSON(w, tt.status, tt.body)
			}
			c, _ := k.client(clock, func(c *Config) { c.PartnerID = "123" })
			resp, err := c.PostLoanDraft(context.Background(), []byte(`{"loanuse":"to buy"}`))
			if n := k.apiHits.Load(); n != 1 {
				t.Errorf("%d API requests, want 1 (a POST is never resent here)", n)
			}
			if tt.class == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != tt.status || string(resp.Body) != tt.body {
					t.Errorf("response %d %q", resp.Status, resp.Body)
				}
				return
			}
			if resp != nil {
				t.Errorf("response %+v with an error", resp)
			}
			e := asError(t, err)
			if e.Class != tt.class || e.Status != tt.status || e.RetryAfter != tt.retry || e.Message != tt.message {
				t.Errorf("got class %v status %d retry %v message %q, want %v %d %v %q", e.Class, e.Status, e.RetryAfter, e.Message, tt.class, tt.status, tt.retry, tt.message)
			}
			if string(e.Body) != tt.body || !e.Written {
				t.Errorf("body %q written %v", e.Body, e.Written)
			}
			if want := "POST " + k.srv.URL + "/v3/partner/123/loan_draft"; e.Op != want {
				t.Errorf("Op %q, want %q", e.Op, want)
			}
			if ClassOf(err) != tt.class {
				t.Errorf("ClassOf = %v", ClassOf(err))
			}
		})
	}
}

func TestUnauthorizedRetriesOnceWithNewToken(t *testing.T) {
	t.Run("second try succeeds", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				writeJSON(w, 401, `{"message":"token expired"}`)
				return
			}
			writeJSON(w, 200, `{"upload_id":"up-7"}`)
		}
		c, _ := k.client(newFakeClock(), nil)
		resp, err := c.PostRepayments(context.Background(), []byte(`{"repayments":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		if resp.UploadID != "up-7" {
			t.Errorf("UploadID %q", resp.UploadID)
		}
		reqs := k.requests()
		if len(reqs) != 2 || k.tokenHits.Load() != 2 {
			t.Fatalf("%d API and %d token requests, want 2 and 2", len(reqs), k.tokenHits.Load())
		}
		if a, b := reqs[0].Header.Get("Authorization"), reqs[1].Header.Get("Authorization"); a != "Bearer tok-1" || b != "Bearer tok-2" {
			t.Errorf("tokens %q then %q", a, b)
		}
		if reqs[0].Body != reqs[1].Body || reqs[1].Body != `{"repayments":[]}` {
			t.Errorf("bodies %q, %q", reqs[0].Body, reqs[1].Body)
		}
	})
	t.Run("still refused", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 401, `{"message":"invalid token"}`)
		}
		c, _ := k.client(newFakeClock(), nil)
		_, err := c.PostRepayments(context.Background(), []byte(`{}`))
		e := asError(t, err)
		if e.Class != NotApplied || e.Status != 401 {
			t.Errorf("class %v status %d", e.Class, e.Status)
		}
		for _, s := range []string{"refused the access token", "invalid token"} {
			if !strings.Contains(e.Error(), s) {
				t.Errorf("%q lacks %q", e, s)
			}
		}
		if n := k.apiHits.Load(); n != 2 {
			t.Errorf("%d API requests, want exactly 2", n)
		}
		if n := k.tokenHits.Load(); n != 2 {
			t.Errorf("%d token requests, want 2", n)
		}
	})
}

func TestForbiddenMissingScope(t *testing.T) {
	k := newFakeKiva(t)
	k.token = func(w http.ResponseWriter, r *http.Request, n int) {
		writeToken(w, fmt.Sprintf("tok-%d", n), 3600, "read:loans create:loan_draft", "123")
	}
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 403, `{"message":"Insufficient scope"}`)
	}
	c, _ := k.client(newFakeClock(), nil)
	_, err := c.PostRepayments(context.Background(), []byte(`{}`))
	e := asError(t, err)
	if e.Class != Rejected || e.Status != 403 {
		t.Errorf("class %v status %d", e.Class, e.Status)
	}
	if !reflect.DeepEqual(e.MissingScopes, []string{ScopeRepayment}) {
		t.Errorf("MissingScopes %v", e.MissingScopes)
	}
	for _, s := range []string{"Insufficient scope", "lacks the scope create:repayment"} {
		if !strings.Contains(e.Error(), s) {
			t.Errorf("%q lacks %q", e, s)
		}
	}
	if n, m := k.apiHits.Load(), k.tokenHits.Load(); n != 2 || m != 2 {
		t.Errorf("%d API and %d token requests, want 2 and 2", n, m)
	}

	// A scope the token has: 403 is not explained by scopes.
	_, err = c.PostLoanDraft(context.Background(), []byte(`{}`))
	if e := asError(t, err); e.MissingScopes != nil || !strings.Contains(e.Message, "access denied") {
		t.Errorf("loan draft 403: %+v", e)
	}
}

func TestConnectionRefused(t *testing.T) {
	k := newFakeKiva(t)
	c, _ := k.client(newFakeClock(), func(c *Config) { c.APIURL = "http://" + deadAddress(t) })
	_, err := c.PostJournals(context.Background(), []byte(`[]`))
	e := asError(t, err)
	if e.Class != NotApplied || e.Written || e.Status != 0 || e.Err == nil {
		t.Errorf("got class %v written %v status %d err %v; want not applied, not written", e.Class, e.Written, e.Status, e.Err)
	}
	if !strings.Contains(e.Error(), "not sent") {
		t.Errorf("%q does not say the request was not sent", e)
	}
}

func TestConnectionClosedAfterRequestRead(t *testing.T) {
	k := newFakeKiva(t)
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		// The fake server has read the whole body already.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	}
	c, _ := k.client(newFakeClock(), nil)
	_, err := c.PostLoanDraft(context.Background(), []byte(`{"a":1}`))
	e := asError(t, err)
	if e.Class != Unknown || !e.Written || e.Status != 0 {
		t.Errorf("got class %v written %v status %d (%v); want answer lost, written", e.Class, e.Written, e.Status, e)
	}
	if n := k.apiHits.Load(); n != 1 {
		t.Errorf("%d API requests: a written POST must not be resent", n)
	}
}

func TestNoAnswerWithinTimeout(t *testing.T) {
	k := newFakeKiva(t)
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		<-r.Context().Done() // hang until the client gives up
	}
	c, _ := k.client(newFakeClock(), func(c *Config) { c.Timeout = 200 * time.Millisecond })
	_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
	e := asError(t, err)
	if e.Class != Unknown || !e.Written {
		t.Errorf("got class %v written %v; want answer lost, written", e.Class, e.Written)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Errorf("error %q", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Error("a timeout is not the caller cancelling")
	}
}

func TestCallerCancels(t *testing.T) {
	t.Run("after writing", func(t *testing.T) {
		k := newFakeKiva(t)
		got := make(chan struct{})
		k.api = func(w http.ResponseWriter, r *http.Request, n int) {
			close(got)
			<-r.Context().Done()
		}
		c, _ := k.client(newFakeClock(), nil)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-got; cancel() }()
		_, err := c.PostLoanDraft(ctx, []byte(`{}`))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v does not wrap context.Canceled", err)
		}
		if e := asError(t, err); e.Class != Unknown || !e.Written {
			t.Errorf("class %v written %v; want answer lost, written", e.Class, e.Written)
		}
	})
	t.Run("before sending", func(t *testing.T) {
		k := newFakeKiva(t)
		c, _ := k.client(newFakeClock(), nil)
		if _, err := c.Token(context.Background()); err != nil { // cached
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.PostLoanDraft(ctx, []byte(`{}`))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v does not wrap context.Canceled", err)
		}
		if e := asError(t, err); e.Class != NotApplied || e.Written {
			t.Errorf("class %v written %v; want not applied", e.Class, e.Written)
		}
		if n := k.apiHits.Load(); n != 0 {
			t.Errorf("%d API requests", n)
		}
	})
}

func TestBodySizeCap(t *testing.T) {
	long := `{"message":"` + strings.Repeat("x", 500) + `"}`
	for _, status := range []int{200, 400} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			k := newFakeKiva(t)
			k.api = func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, status, long) }
			c, _ := k.client(newFakeClock(), func(c *Config) { c.MaxResponse = 100 })
			resp, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
			var body []byte
			var cut bool
			if status == 200 {
				if err != nil {
					t.Fatal(err)
				}
				body, cut = resp.Body, resp.Truncated
			} else {
				e := asError(t, err)
				body, cut = e.Body, e.Truncated
				if e.Class != Rejected {
					t.Errorf("class %v", e.Class)
				}
				if len([]rune(e.Message)) > 201 {
					t.Errorf("message of %d characters", len(e.Message))
				}
			}
			if string(body) != long[:100] || !cut {
				t.Errorf("body %d bytes, truncated %v; want the first 100 bytes, truncated", len(body), cut)
			}
		})
	}
	t.Run("exactly the cap", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, long[:100]) }
		c, _ := k.client(newFakeClock(), func(c *Config) { c.MaxResponse = 100 })
		resp, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Body) != 100 || resp.Truncated {
			t.Errorf("%d bytes, truncated %v", len(resp.Body), resp.Truncated)
		}
	})
}

func TestRedirectNotFollowed(t *testing.T) {
	k := newFakeKiva(t)
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/elsewhere" {
			t.Error("redirect followed")
		}
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}
	c, _ := k.client(newFakeClock(), nil)
	_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
	e := asError(t, err)
	if e.Status != 307 || e.Class != Rejected || !strings.Contains(e.Message, `redirect to "/elsewhere"`) {
		t.Errorf("got %v (class %v)", e, e.Class)
	}
}

func TestGETRetries(t *testing.T) {
	t.Run("recovers", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1:
				w.Header().Set("Retry-After", "2")
				writeJSON(w, 503, ``)
			case 2:
				writeJSON(w, 500, ``)
			default:
				writeJSON(w, 200, `{"total_records":0,"data":[]}`)
			}
		}
		c, slept := k.client(newFakeClock(), nil)
		page, err := c.Loans(context.Background(), LoansQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalRecords != 0 || len(page.Loans) != 0 {
			t.Errorf("page %+v", page)
		}
		if n := k.apiHits.Load(); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
		if want := []time.Duration{2 * time.Second, time.Second}; !reflect.DeepEqual(*slept, want) {
			t.Errorf("slept %v, want %v (Retry-After, then backoff)", *slept, want)
		}
	})
	t.Run("gives up after 3", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 502, ``) }
		c, slept := k.client(newFakeClock(), nil)
		_, err := c.ConfigList(context.Background(), "themes")
		if e := asError(t, err); e.Status != 502 {
			t.Errorf("got %v", e)
		}
		if n := k.apiHits.Load(); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
		if want := []time.Duration{500 * time.Millisecond, time.Second}; !reflect.DeepEqual(*slept, want) {
			t.Errorf("slept %v, want %v", *slept, want)
		}
	})
	t.Run("long Retry-After ends it", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", "300")
			writeJSON(w, 429, ``)
		}
		c, slept := k.client(newFakeClock(), nil)
		_, err := c.Loans(context.Background(), LoansQuery{})
		if e := asError(t, err); e.Status != 429 || e.RetryAfter != 5*time.Minute {
			t.Errorf("got %v", e)
		}
		if n := k.apiHits.Load(); n != 1 || len(*slept) != 0 {
			t.Errorf("%d requests, slept %v", n, *slept)
		}
	})
	t.Run("not retried", func(t *testing.T) {
		for _, status := range []int{400, 404, 403} {
			k := newFakeKiva(t)
			k.api = func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, status, ``) }
			c, _ := k.client(newFakeClock(), nil)
			if _, err := c.Loans(context.Background(), LoansQuery{}); err == nil {
				t.Fatal("no error")
			}
			want := int32(1)
			if status == 403 {
				want = 2 // the new-token retry only
			}
			if n := k.apiHits.Load(); n != want {
				t.Errorf("status %d: %d requests, want %d", status, n, want)
			}
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		k := newFakeKiva(t)
		c, slept := k.client(newFakeClock(), func(c *Config) { c.APIURL = "http://" + deadAddress(t) })
		_, err := c.Loans(context.Background(), LoansQuery{})
		if e := asError(t, err); e.Class != NotApplied {
			t.Errorf("got %v", e)
		}
		if len(*slept) != 2 {
			t.Errorf("slept %v, want 2 waits for 3 attempts", *slept)
		}
	})
}

func TestDefaultHTTPClient(t *testing.T) {
	k := newFakeKiva(t)
	c, _ := k.client(newFakeClock(), func(c *Config) { c.HTTPClient = nil })
	if _, err := c.PostLoanDraft(context.Background(), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
}

func TestResponseBodyReadFailsAfter2xx(t *testing.T) {
	k := newFakeKiva(t)
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		io.WriteString(w, `{"confirm_url":"https://x/1"`)
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	c, _ := k.client(newFakeClock(), nil)
	resp, err := c.PostJournals(context.Background(), []byte(`[]`))
	if err != nil {
		t.Fatalf("a 2xx whose body broke is still applied: got %v", err)
	}
	if resp.Status != 200 || !resp.Truncated || !strings.HasPrefix(string(resp.Body), `{"confirm_url"`) {
		t.Errorf("response %d truncated %v body %q", resp.Status, resp.Truncated, resp.Body)
	}
}
