// Command kivaconv turns MIS spreadsheet exports into Kiva Partner API JSON
// batches for review. The manual is README.md and `kivaconv --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// Most of the heap is long-lived and pointer-free (the set of loan
		// ids seen): collecting at 1.5× instead of 2× the live heap keeps
		// memory flat at little CPU cost (README "Performance").
		debug.SetGCPercent(50)
	}
	// SIGTERM (a scheduler stopping a job, `kill`) is a Ctrl-C too.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C cancels the work, which then stops cleanly (a
		// send records what was in flight); a second one kills at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args, newSystemIO())
	stop()
	os.Exit(code)
}
