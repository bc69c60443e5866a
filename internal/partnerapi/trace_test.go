package partnerapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptrace"
	"testing"
	"time"
)

// lateTrace is a transport that behaves like HTTP/2's when a request
// fails: RoundTrip may return before the trace hears how writing the
// request ended. Token requests go to base.
type lateTrace struct {
	base http.RoundTripper
	// wrote is what the trace hears after RoundTrip returned: nil = the
	// request was written completely; an error = writing it failed;
	// errNever = nothing.
	wrote error
}

var errNever = errors.New("never")

func (t *lateTrace) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/oauth/token" {
		return t.base.RoundTrip(r)
	}
	trace := httptrace.ContextClientTrace(r.Context())
	if trace.WroteHeaders != nil {
		trace.WroteHeaders()
	}
	if t.wrote != errNever && trace.WroteRequest != nil {
		returned := make(chan struct{})
		go func() {
			<-returned
			time.Sleep(10 * time.Millisecond) // the body writer is slow to report
			trace.WroteRequest(httptrace.WroteRequestInfo{Err: t.wrote})
		}()
		defer close(returned)
	}
	return nil, errors.New("http2: stream reset")
}

// Whether a failed POST had been written must not depend on when the
// transport gets round to telling: a request written completely is
// "answer lost", never "not applied" (which send retries: a duplicate).
func TestWrittenIsKnownBeforeClassifying(t *testing.T) {
	for _, tt := range []struct {
		name  string
		wrote error
		class Class
		wait  time.Duration // how long the client waits to be told
	}{
		{"written, told late", nil, Unknown, time.Minute},
		{"write failed, told late", errors.New("broken pipe"), NotApplied, time.Minute},
		{"never told: assume the worst", errNever, Unknown, 20 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKiva(t)
			c, _ := k.client(newFakeClock(), func(c *Config) {
				c.HTTPClient = &http.Client{Transport: &lateTrace{base: k.srv.Client().Transport, wrote: tt.wrote}}
			})
			c.wroteWait = tt.wait
			_, err := c.PostLoanDraft(context.Background(), []byte(`{"a":1}`))
			e := asError(t, err)
			if e.Class != tt.class || e.Written != (tt.class == Unknown) {
				t.Errorf("class %v written %v (%v); want %v", e.Class, e.Written, e, tt.class)
			}
		})
	}
}
