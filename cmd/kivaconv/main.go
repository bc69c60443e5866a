// Command kivaconv turns MIS spreadsheet exports into Kiva Partner API JSON
// batches for review. See doc.go for the manual.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args, newSystemIO())
	stop()
	os.Exit(code)
}
