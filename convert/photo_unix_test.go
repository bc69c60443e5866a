//go:build unix

package convert

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpenNonblockFIFO: the flag a photo is opened with makes opening a
// FIFO with no writer return at once, so that a FIFO put in place of the
// photo between readPhoto's stat and its open cannot hang the conversion
// (the opened file is then refused as not regular).
func TestOpenNonblockFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.jpg"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	done := make(chan error, 1)
	go func() {
		f, err := root.OpenFile("fifo.jpg", os.O_RDONLY|openNonblock, 0)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("open: %v", err)
		}
	case <-time.After(10 * time.Second):
		panic("opening a FIFO with openNonblock waited for a writer")
	}
}
