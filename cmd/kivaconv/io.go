package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IO is where a command reads and writes. stdout carries data (summaries,
// JSON); stderr carries progress and diagnostics.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	InTTY  bool // stdin is a terminal: a person can answer a question
	ErrTTY bool // stderr is a terminal: progress may be drawn
	Color  bool // colour allowed on stderr
	Getenv func(string) string
	// Explorer is true when Windows started the program by a double click
	// or a drag-and-drop: the console closes on exit, so we wait for Enter.
	Explorer bool
}

func newSystemIO() *IO {
	// A "dumb" terminal (Emacs shell buffers, some CI consoles) shows
	// escape codes as text: treat it like a pipe.
	tty := term.IsTerminal(int(os.Stderr.Fd())) && os.Getenv("TERM") != "dumb" && enableEscapes(os.Stderr)
	return &IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTTY:    term.IsTerminal(int(os.Stdin.Fd())),
		ErrTTY:   tty,
		Color:    tty && os.Getenv("NO_COLOR") == "",
		Getenv:   os.Getenv,
		Explorer: startedByExplorer(),
	}
}
