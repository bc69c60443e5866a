package send

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer spaces requests out: at a fixed rate the user gave, or, when the
// server answers 429 and no rate was given, at a little under the rate that
// was being accepted just before. A server's own Retry-After pause is
// handled by sender.pause; the pacer keeps the client from running into
// the limit again right after it.
type pacer struct {
	mu    sync.Mutex
	lim   *rate.Limiter // nil: no limit (yet)
	fixed bool          // the user's rate: never adapted
	// ok holds the times of the latest accepted requests, oldest first.
	ok []time.Time
	// lastThrottle and lastRaise time the adaptation.
	lastThrottle, lastRaise time.Time
}

// window is how far back the accepted rate is measured.
const window = 2 * time.Second

func newPacer(perSecond float64) *pacer {
	p := &pacer{}
	if perSecond > 0 {
		p.lim = rate.NewLimiter(rate.Limit(perSecond), 1)
		p.fixed = true
	}
	return p
}

// wait blocks until the next request may start.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	lim := p.lim
	p.mu.Unlock()
	if lim == nil {
		return nil
	}
	return lim.Wait(ctx)
}

// accepted records a request the server took (any answer but 429).
func (p *pacer) accepted(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ok = append(p.ok, now)
	p.trim(now)
	// A rate lowered by a 429 creeps back up, 10% a second, once the server
	// has stopped refusing for a few seconds: the limit may have been
	// momentary.
	if p.lim != nil && !p.fixed && now.Sub(p.lastThrottle) > 3*time.Second && now.Sub(p.lastRaise) > time.Second {
		p.lim.SetLimit(p.lim.Limit() * 1.1)
		p.lastRaise = now
	}
}

func (p *pacer) trim(now time.Time) {
	i := 0
	for i < len(p.ok) && now.Sub(p.ok[i]) > window {
		i++
	}
	if i > 0 {
		p.ok = append(p.ok[:0], p.ok[i:]...)
	}
}

// throttled lowers the rate after a 429 to 85% of what the server accepted
// over the last two seconds (at most once a second), and reports whether
// the rate is now governed (by the user's rate, or by this adaptation).
// With no accepted request to go by, it returns false: the caller must then
// hold every request back for the server's Retry-After.
func (p *pacer) throttled(now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fixed {
		return true
	}
	if p.lim != nil && now.Sub(p.lastThrottle) < window/2 {
		// Lowered a moment ago: this 429 answers a request that was sent
		// before. Lower at most once a second, or the rate collapses.
		return true
	}
	p.lastThrottle = now
	p.trim(now)
	if len(p.ok) == 0 {
		return p.lim != nil
	}
	// The accepted rate, over at least a tenth of a second: a burst of a
	// few quick answers at the start must not read as thousands a second.
	span := max(now.Sub(p.ok[0]), 100*time.Millisecond)
	r := rate.Limit(0.85 * float64(len(p.ok)) / span.Seconds())
	if p.lim == nil || r < p.lim.Limit() {
		p.lim = rate.NewLimiter(r, 1)
	}
	return true
}

// restart forgets the accepted requests: after a pause they would make the
// accepted rate look lower than it is.
func (p *pacer) restart() {
	p.mu.Lock()
	p.ok = p.ok[:0]
	p.mu.Unlock()
}

// limit is the current rate, 0 when unlimited.
func (p *pacer) limit() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lim == nil {
		return 0
	}
	return float64(p.lim.Limit())
}
