package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenState is one access token and what its answer said.
type tokenState struct {
	access    Secret    // prints as [redacted]
	expiry    time.Time // zero when the answer gave no lifetime
	renewAt   time.Time // expiry − min(RenewBefore, lifetime/4)
	partnerID string    // the answer's partnerId, "" when absent
	scopes    []string  // granted scopes, sorted; nil when the answer had none
}

func (t *tokenState) info() TokenInfo {
	return TokenInfo{PartnerID: t.partnerID, Scopes: slices.Clone(t.scopes), Expiry: t.expiry}
}

// tokenCall is a token fetch that concurrent callers wait for together.
type tokenCall struct {
	done chan struct{}
	tok  *tokenState
	err  error
}

// keepTokens is how many past access tokens are remembered for scrubbing.
const keepTokens = 8

// Token returns what the current token says (fetching one when there is
// none or it is due for renewal), never the token itself. When the token
// is for another partner than the configured one, the info is returned
// together with an error wrapping ErrPartnerMismatch.
func (c *Client) Token(ctx context.Context) (TokenInfo, error) {
	t, err := c.token(ctx, nil)
	if err != nil {
		return TokenInfo{}, err
	}
	if _, err := c.partnerFor(t, c.tokenOp()); err != nil && errors.Is(err, ErrPartnerMismatch) {
		return t.info(), err
	}
	return t.info(), nil
}

// PartnerID returns the configured partner ID or, when none is, the
// partnerId of the last token fetched; "" when neither is known yet.
func (c *Client) PartnerID() string {
	if c.cfg.PartnerID != "" {
		return c.cfg.PartnerID
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokenPartner
}

func (c *Client) tokenOp() string { return "token request to " + c.cfg.TokenURL }

// fresh reports whether t may still be used without renewal. Call with
// c.mu held.
func (c *Client) fresh(t *tokenState) bool {
	return t.expiry.IsZero() || c.now().Before(t.renewAt)
}

// token returns a usable token: the cached one while fresh, else the
// result of a fetch shared with every concurrent caller. stale, when not
// nil, is a token the API refused: it is dropped and never returned.
//
// The fetch runs on its own context (bounded by Timeout), so one caller
// giving up does not fail the others; a caller whose ctx ends stops
// waiting with a cancellation error.
func (c *Client) token(ctx context.Context, stale *tokenState) (*tokenState, error) {
	c.mu.Lock()
	if stale != nil && c.tok == stale {
		c.tok = nil
	}
	if t := c.tok; t != nil && c.fresh(t) {
		c.mu.Unlock()
		return t, nil
	}
	call := c.inflight
	if call == nil {
		call = &tokenCall{done: make(chan struct{})}
		c.inflight = call
		go c.fetch(call)
	}
	c.mu.Unlock()
	select {
	case <-call.done:
		return call.tok, call.err
	case <-ctx.Done():
		return nil, &Error{Op: c.tokenOp(), Class: NotApplied, Err: &cancelError{cause: ctx.Err()}}
	}
}

// fetch gets a new token and publishes it to the waiters of call.
func (c *Client) fetch(call *tokenCall) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http)
	cc := clientcredentials.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret.Reveal(),
		TokenURL:     c.cfg.TokenURL,
		Scopes:       c.cfg.Scopes,
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	if c.cfg.Audience != "" {
		cc.EndpointParams = url.Values{"audience": {c.cfg.Audience}}
	}
	start := c.now()
	tk, err := cc.Token(ctx)
	var t *tokenState
	if err != nil {
		err = c.tokenError(ctx, err)
	} else {
		t = c.newTokenState(tk, start)
	}
	c.mu.Lock()
	if t != nil {
		c.tok = t
		if t.partnerID != "" {
			c.tokenPartner = t.partnerID
		}
		c.seen = append(c.seen, t.access)
		if len(c.seen) > keepTokens {
			c.seen = slices.Delete(c.seen, 0, len(c.seen)-keepTokens)
		}
	}
	c.inflight = nil
	call.tok, call.err = t, err
	c.mu.Unlock()
	close(call.done)
}

func (c *Client) newTokenState(tk *oauth2.Token, start time.Time) *tokenState {
	t := &tokenState{access: Secret(tk.AccessToken)}
	// expires_in as sent (clientcredentials does not copy it to
	// ExpiresIn); Expiry was measured on the real clock, not c.now.
	lifetime := time.Duration(tk.ExpiresIn) * time.Second
	if s := extraText(tk.Extra("expires_in")); s != "" {
		if secs, err := strconv.ParseFloat(s, 64); err == nil && secs > 0 && secs < 1e9 {
			lifetime = time.Duration(secs * float64(time.Second))
		}
	}
	if lifetime <= 0 && !tk.Expiry.IsZero() {
		lifetime = time.Until(tk.Expiry)
	}
	if lifetime > 0 {
		t.expiry = start.Add(lifetime)
		t.renewAt = t.expiry.Add(-min(c.cfg.RenewBefore, lifetime/4))
	}
	for _, k := range []string{"partnerId", "partner_id", "partnerID"} {
		if s := extraText(tk.Extra(k)); s != "" {
			t.partnerID = s
			break
		}
	}
	t.scopes = scopeList(tk.Extra("scope"))
	return t
}

// extraText reads a token-answer field that should be text but may be a
// number.
func extraText(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}

// scopeList reads the answer's "scope": space-separated text (RFC 6749),
// or a list of strings. nil when absent.
func scopeList(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = strings.Fields(v)
	case []any:
		for _, s := range v {
			if s, ok := s.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
	default:
		return nil
	}
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tokenError turns a failed token fetch into an *Error.
func (c *Client) tokenError(ctx context.Context, err error) error {
	e := &Error{Op: c.tokenOp(), Class: NotApplied}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		switch {
		case ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded):
			e.Err = fmt.Errorf("no answer from the token server within %s: %w", c.cfg.Timeout, err)
		case errors.As(err, new(*url.Error)):
			e.Err = fmt.Errorf("the token server could not be reached: %w", withoutURL(err))
		default: // a 2xx answer without a usable token
			e.Err = fmt.Errorf("the token server's answer holds no usable token: %w", err)
		}
		e.Err = c.scrubErr(e.Err)
		return e
	}
	e.Status = re.Response.StatusCode
	e.Body = c.scrub(limitBody(re.Body, c.cfg.MaxResponse, &e.Truncated))
	e.RetryAfter = parseRetryAfter(re.Response.Header, c.now())
	detail := re.ErrorDescription
	if re.ErrorCode != "" && detail != "" {
		detail = re.ErrorCode + ": " + detail
	} else if detail == "" {
		detail = re.ErrorCode
	}
	if detail == "" {
		detail = messageFrom(re.Body)
	}
	detail = c.scrubString(detail)
	switch s := e.Status; {
	case s == 401 || s == 403:
		e.Class = Rejected
		e.Err = ErrCredentials
		msg := "the client ID or secret was refused: check KIVA_CLIENT_ID and KIVA_CLIENT_SECRET, and that they are the credentials of this environment (stage and production differ)"
		if s == 403 {
			msg = "the client ID or secret was refused, or this client may not have the scopes asked for (" + strings.Join(c.cfg.Scopes, " ") + "): check KIVA_CLIENT_ID and KIVA_CLIENT_SECRET, and ask Kiva which scopes the client has"
		}
		e.Message = joinMessage(msg, detail)
	case s == 429 || s >= 500:
		e.Message = joinMessage("the token server is unavailable; try again later", detail)
	case s >= 300 && s < 400:
		e.Class = Rejected
		e.Message = fmt.Sprintf("the token server redirected to %q; kivaconv does not follow redirects: check the token URL", re.Response.Header.Get("Location"))
	default:
		// Another 4xx, or an error code in a 2xx answer: the request
		// was refused (invalid_scope, invalid_request, bad audience...).
		e.Class = Rejected
		e.Message = joinMessage("the token server refused the request: check the token URL, audience and scopes", detail)
	}
	return e
}

func joinMessage(ours, theirs string) string {
	if theirs == "" {
		return ours
	}
	return ours + " (Kiva says: " + theirs + ")"
}

// partnerFor returns the partner id to put in API addresses: the
// configured one, else the token's. It fails when they differ or when
// neither is known. op names the call in the error.
func (c *Client) partnerFor(t *tokenState, op string) (string, error) {
	cfg := strings.TrimSpace(c.cfg.PartnerID)
	switch {
	case cfg != "" && t.partnerID != "" && cfg != t.partnerID:
		return "", &Error{Op: op, Class: NotApplied, Err: &settingsError{kind: ErrPartnerMismatch, msg: fmt.Sprintf(
			"the token is for partner %s, but the settings say %s: fix KIVA_PARTNER_ID / --partner-id, or use the API credentials of partner %s",
			t.partnerID, cfg, cfg)}}
	case cfg != "":
		return cfg, nil
	case t.partnerID != "":
		return t.partnerID, nil
	}
	return "", &Error{Op: op, Class: NotApplied, Err: &settingsError{kind: ErrNoPartnerID,
		msg: "the partner ID is not known: the token does not carry one, so set KIVA_PARTNER_ID or --partner-id"}}
}
