package partnerapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// PostLoanDraft posts one loan draft (a JSON object) to the loan_draft
// endpoint. A 2xx answer is a *Response with LoanDraftUUID when the answer
// names one; anything else is an *Error (see Class). It is never resent,
// except once with a new token after a 401 or 403.
func (c *Client) PostLoanDraft(ctx context.Context, body []byte) (*Response, error) {
	return c.do(ctx, http.MethodPost, KindLoanDraft, nil, body)
}

// PostRepayments posts a repayments report ({"repayments":[…]}). The
// Response carries UploadID and per-loan Problems when the answer has
// them. Resending is up to the caller, as for PostLoanDraft.
func (c *Client) PostRepayments(ctx context.Context, body []byte) (*Response, error) {
	return c.do(ctx, http.MethodPost, KindRepayments, nil, body)
}

// PostJournals posts journals to the journals endpoint (Config.JournalsPath).
// The Response carries every confirm_url of the answer, in order.
// Resending is up to the caller, as for PostLoanDraft.
func (c *Client) PostJournals(ctx context.Context, body []byte) (*Response, error) {
	return c.do(ctx, http.MethodPost, KindJournals, nil, body)
}

// answer is an HTTP answer as read: status, headers and size-limited body.
type answer struct {
	status int
	header http.Header
	body   []byte
	cut    bool
}

// do makes one API call: token, partner id, request, and the single
// retry with a new token after a 401 or 403.
func (c *Client) do(ctx context.Context, method, kind string, query url.Values, body []byte) (*Response, error) {
	var stale *tokenState
	for attempt := 0; ; attempt++ {
		t, err := c.token(ctx, stale)
		if err != nil {
			return nil, err
		}
		pid, err := c.partnerFor(t, method+" "+c.EndpointURL(kind))
		if err != nil {
			return nil, err
		}
		u := c.endpointURL(kind, url.PathEscape(pid))
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		op := method + " " + u
		a, err := c.roundTrip(ctx, op, method, u, t.access, body)
		if err != nil {
			return nil, err
		}
		if (a.status == http.StatusUnauthorized || a.status == http.StatusForbidden) && attempt == 0 {
			// Refused before it was applied: safe to send once more
			// with a new token (spec §3).
			stale = t
			continue
		}
		return c.result(op, kind, t, a)
	}
}

// roundTrip sends one request and reads its answer. A transport failure
// is an *Error classed by whether the request had been completely written.
func (c *Client) roundTrip(ctx context.Context, op, method, u string, access Secret, body []byte) (*answer, error) {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	w := newWriteTrace()
	rctx = httptrace.WithClientTrace(rctx, w.trace())
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		return nil, &Error{Op: op, Class: NotApplied, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+access.Reveal())
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, op, w.written(c.wroteWait), err)
	}
	defer resp.Body.Close()
	b, cut, _ := readBody(resp.Body, c.cfg.MaxResponse)
	return &answer{status: resp.StatusCode, header: resp.Header, body: c.scrub(b), cut: cut}, nil
}

// wroteWait is how long a failed request waits for the transport to say
// whether it had been written completely. HTTP/2 can return a failed
// request (cancelled, timed out) before its body writer reports.
const wroteWait = 5 * time.Second

// writeTrace follows the writing of one request.
type writeTrace struct {
	started, complete atomic.Bool // headers written; whole request written
	once              sync.Once
	done              chan struct{} // closed when the transport reports the end of writing
}

func newWriteTrace() *writeTrace { return &writeTrace{done: make(chan struct{})} }

func (w *writeTrace) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		WroteHeaders: func() { w.started.Store(true) },
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				w.complete.Store(true)
			}
			w.once.Do(func() { close(w.done) })
		},
	}
}

// written reports, after a failure, whether the request may have been
// written completely, so that Kiva may have applied it. When the headers
// went out but the transport has not said how writing the body ended, it
// waits for that (at most wait); no word means the worst: written.
func (w *writeTrace) written(wait time.Duration) bool {
	if w.complete.Load() {
		return true
	}
	if !w.started.Load() {
		return false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-w.done:
		return w.complete.Load()
	case <-t.C:
		return true
	}
}

func (c *Client) transportError(ctx context.Context, op string, written bool, err error) *Error {
	e := &Error{Op: op, Written: written, Class: NotApplied}
	if written {
		e.Class = Unknown
	}
	switch {
	case ctx.Err() != nil:
		e.Err = &cancelError{cause: ctx.Err(), written: written}
		return e
	}
	err = withoutURL(err)
	switch {
	case errors.Is(err, context.DeadlineExceeded) && written:
		err = fmt.Errorf("no answer within %s after the request was sent (it may have been applied): %w", c.cfg.Timeout, err)
	case errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("the request could not be sent within %s (it was not applied): %w", c.cfg.Timeout, err)
	case written:
		err = fmt.Errorf("the connection failed after the request was sent (it may have been applied): %w", err)
	default:
		err = fmt.Errorf("the request was not sent: %w", err)
	}
	e.Err = c.scrubErr(err)
	return e
}

// result turns an answer into a Response (2xx) or a classified *Error.
func (c *Client) result(op, kind string, t *tokenState, a *answer) (*Response, error) {
	if a.status >= 200 && a.status < 300 {
		r := &Response{Status: a.status, Body: a.body, Truncated: a.cut}
		decodeAnswer(kind, r)
		return r, nil
	}
	e := &Error{
		Op: op, Status: a.status, Body: a.body, Truncated: a.cut, Written: true,
		Message:    c.scrubString(messageFrom(a.body)),
		RetryAfter: parseRetryAfter(a.header, c.now()),
		Class:      Rejected,
	}
	switch s := a.status; {
	case s == http.StatusUnauthorized:
		e.Class = NotApplied
		e.Message = joinMessage("the API refused the access token, even a newly fetched one: check that the token URL, audience and API URL belong to the same environment", e.Message)
	case s == http.StatusForbidden:
		e.MissingScopes = missingScopes(requiredScope(kind), t.scopes)
		if len(e.MissingScopes) == 0 {
			e.Message = joinMessage("access denied, even with a newly fetched token", e.Message)
		}
	case s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable:
		e.Class = NotApplied
	case s >= 500:
		e.Class = Unknown
	case s >= 300 && s < 400:
		e.Message = fmt.Sprintf("the server answered with a redirect to %q; kivaconv does not follow redirects: check the API URL", a.header.Get("Location"))
	}
	return nil, e
}

// missingScopes is the required scope when the granted scopes are known
// and lack it.
func missingScopes(required string, granted []string) []string {
	if required == "" || granted == nil || slices.Contains(granted, required) {
		return nil
	}
	return []string{required}
}

// GET retry policy: GET calls are idempotent, so they are retried here
// (POSTs never are).
const (
	getAttempts    = 3
	getBackoff     = 500 * time.Millisecond
	getMaxBackoff  = 5 * time.Second
	getMaxWaitHint = 30 * time.Second // a longer Retry-After ends the retries
)

// get makes a GET call, retrying transient failures (connection, 429,
// 5xx) up to getAttempts times with exponential backoff that honours
// Retry-After.
func (c *Client) get(ctx context.Context, kind string, query url.Values) (*Response, error) {
	for attempt := 1; ; attempt++ {
		r, err := c.do(ctx, http.MethodGet, kind, query, nil)
		if err == nil || attempt == getAttempts || !retryable(ctx, err) {
			return r, err
		}
		var e *Error
		errors.As(err, &e)
		wait := min(getBackoff<<(attempt-1), getMaxBackoff)
		if e.RetryAfter > getMaxWaitHint {
			return nil, err
		}
		wait = max(wait, e.RetryAfter)
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, &Error{Op: e.Op, Class: NotApplied, Err: &cancelError{cause: serr}}
		}
	}
}

// retryable reports whether a GET failure may pass with time.
func retryable(ctx context.Context, err error) bool {
	var e *Error
	var se *settingsError
	if ctx.Err() != nil || !errors.As(err, &e) || errors.As(err, &se) {
		return false
	}
	var ce *cancelError
	if errors.As(err, &ce) {
		return false
	}
	switch e.Status {
	case 0:
		return e.Class != Rejected
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// withoutURL drops the *url.Error layer ("Post \"https://…\": "): the
// Op of the *Error already names the address.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
