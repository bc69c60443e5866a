package partnerapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/lenient"
)

// Sentinels that an *Error may wrap (errors.Is), for callers that must
// stop rather than go on with the next batch: every call would fail the
// same way until the settings or credentials are fixed.
var (
	// ErrCredentials: the token server refused the client ID or secret
	// (or the scopes asked for).
	ErrCredentials = errors.New("API credentials refused")
	// ErrPartnerMismatch: the token is for another partner than the
	// configured partner ID.
	ErrPartnerMismatch = errors.New("partner ID mismatch")
	// ErrNoPartnerID: no partner ID is configured and the token carries
	// none.
	ErrNoPartnerID = errors.New("partner ID unknown")
)

// MaxRetryAfter caps the Retry-After kept on an Error.
const MaxRetryAfter = 10 * time.Minute

// settingsError is a problem with the settings, found before any request
// was sent. Its text is for the user; kind is the sentinel it matches.
type settingsError struct {
	msg  string
	kind error
}

func (e *settingsError) Error() string { return e.msg }
func (e *settingsError) Unwrap() error { return e.kind }

// cancelError is the caller cancelling a call (its context ended). It
// matches context.Canceled or context.DeadlineExceeded with errors.Is.
type cancelError struct {
	cause   error // the caller's ctx.Err()
	written bool
}

func (e *cancelError) Error() string {
	if e.written {
		return "cancelled after the request was sent, before its answer arrived (it may have been applied)"
	}
	return "cancelled before the request was completely sent (it was not applied)"
}

func (e *cancelError) Unwrap() error { return e.cause }

// redactedError replaces the text of an error that held the token or the
// secret. It still matches what the original matched (errors.Is) but does
// not unwrap to it, so the original text cannot be reached and printed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

const redactedMark = "[redacted]"

// secretForms returns the strings that must never leave the client: the
// client secret and the access tokens fetched so far, as is and in their
// URL-encoded and JSON-escaped forms (a server could echo a form body or
// a header). Very short values are skipped: scrubbing them would mangle
// ordinary text while protecting nothing.
func (c *Client) secretForms() []string {
	c.mu.Lock()
	vals := []string{c.cfg.ClientSecret.Reveal()}
	for _, t := range c.seen {
		vals = append(vals, t.Reveal())
	}
	c.mu.Unlock()
	var out []string
	for _, v := range vals {
		if len(v) < 4 {
			continue
		}
		out = append(out, v, url.QueryEscape(v), url.PathEscape(v))
		if j, err := json.Marshal(v); err == nil {
			out = append(out, string(j[1:len(j)-1]))
		}
	}
	return out
}

// scrub removes secrets from a body. It returns b itself when there is
// nothing to remove.
func (c *Client) scrub(b []byte) []byte {
	for _, s := range c.secretForms() {
		if bytes.Contains(b, []byte(s)) {
			b = bytes.ReplaceAll(b, []byte(s), []byte(redactedMark))
		}
	}
	return b
}

func (c *Client) scrubString(s string) string {
	for _, v := range c.secretForms() {
		s = strings.ReplaceAll(s, v, redactedMark)
	}
	return s
}

func (c *Client) scrubErr(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := c.scrubString(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date
// (relative to now). It returns 0 when absent or unreadable, and at most
// MaxRetryAfter.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), MaxRetryAfter)
}

// messageFrom finds a human message in an error answer: the JSON fields
// message, error_description, error (text, or an object's message),
// errors[0] (text, or its message) or detail; for a body that is not
// JSON, its first 200 characters (an HTML page gives its <title>).
func messageFrom(body []byte) string {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return ""
	}
	if json.Valid(b) {
		return jsonMessage(b, 0)
	}
	if b[0] == '<' {
		return htmlTitle(b)
	}
	return shorten(string(b), 200)
}

func jsonMessage(v json.RawMessage, depth int) string {
	if depth > 3 {
		return ""
	}
	if s, ok := lenient.Text(v); ok && lenient.Kind(v) == '"' {
		return shorten(s, 500)
	}
	if lenient.Kind(v) == '[' {
		var items []json.RawMessage
		if json.Unmarshal(v, &items) == nil && len(items) > 0 {
			return jsonMessage(items[0], depth+1)
		}
		return ""
	}
	obj, ok := objectOf(v)
	if !ok {
		return ""
	}
	for _, name := range []string{"message", "error_description", "error", "errors", "detail"} {
		if fv, ok := obj.get(name); ok {
			if m := jsonMessage(fv, depth+1); m != "" {
				return m
			}
		}
	}
	return ""
}

func htmlTitle(b []byte) string {
	lower := bytes.ToLower(b)
	i := bytes.Index(lower, []byte("<title>"))
	if i < 0 {
		return ""
	}
	rest := b[i+len("<title>"):]
	if j := bytes.Index(bytes.ToLower(rest), []byte("</title>")); j >= 0 {
		return shorten(string(rest[:j]), 200)
	}
	return ""
}

// shorten collapses white space and keeps at most n characters.
func shorten(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
