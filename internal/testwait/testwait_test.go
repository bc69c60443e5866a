package testwait

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestUntilReturnsWhenTrue(t *testing.T) {
	var n atomic.Int32
	go func() {
		for range 3 {
			time.Sleep(time.Millisecond)
			n.Add(1)
		}
	}()
	Until(t, 10*time.Second, "three ticks", func() bool { return n.Load() == 3 })
}

// fatalRecorder records Fatalf instead of stopping the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = format
	panic(f)
}

func TestUntilFailsAfterTimeout(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	func() {
		defer func() {
			if r := recover(); r != rec {
				panic(r)
			}
		}()
		Until(rec, 20*time.Millisecond, "never", func() bool { return false })
	}()
	if rec.msg == "" {
		t.Fatal("Until returned without failing")
	}
}
