package send

import (
	"math"
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	p := newPacer(0)
	if p.throttled(t0) {
		t.Fatal("no history: the caller must pause")
	}
	// 50 accepted over one second, then a 429: 85% of 50/s.
	p = newPacer(0)
	for i := range 50 {
		p.accepted(t0.Add(time.Duration(i) * 20 * time.Millisecond))
	}
	now := t0.Add(time.Second)
	if !p.throttled(now) {
		t.Fatal("with history the pacer governs")
	}
	if got := p.limit(); math.Abs(got-0.85*50/time.Second.Seconds()*1) > 1 {
		t.Fatalf("limit %.1f, want about 42.5", got)
	}
	// A second 429 within the cooldown does not lower it again.
	before := p.limit()
	p.throttled(now.Add(100 * time.Millisecond))
	if p.limit() != before {
		t.Fatalf("lowered twice: %.1f → %.1f", before, p.limit())
	}
	// Quiet for more than 3 s: it creeps back up by 10%.
	p.accepted(now.Add(4 * time.Second))
	if got := p.limit(); math.Abs(got-before*1.1) > 0.01 {
		t.Fatalf("after a quiet spell %.2f, want %.2f", got, before*1.1)
	}
	// A quick burst at the start does not read as thousands a second.
	p = newPacer(0)
	for i := range 10 {
		p.accepted(t0.Add(time.Duration(i) * time.Millisecond))
	}
	p.throttled(t0.Add(10 * time.Millisecond))
	if got := p.limit(); got > 86 {
		t.Fatalf("burst read as %.0f/s", got)
	}
	// The user's rate is never adapted.
	p = newPacer(5)
	for i := range 50 {
		p.accepted(t0.Add(time.Duration(i) * time.Millisecond))
	}
	if !p.throttled(t0.Add(time.Second)) || p.limit() != 5 {
		t.Fatalf("fixed rate changed to %.1f", p.limit())
	}
}
