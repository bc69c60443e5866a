package main

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, documented in the README and in `kivaconv --help`.
const (
	exitOK          = 0   // everything converted (warnings allowed)
	exitError       = 1   // an unexpected error: output could not be written, a bug
	exitUsage       = 2   // bad flags or arguments, unreadable input, no mapping fits, bad mapping
	exitRejected    = 3   // batches written, but some rows were rejected (validate: errors found); send: some batches failed
	exitUnconfirmed = 4   // send: some batches' answers were lost; a person must check PA2
	exitCanceled    = 130 // interrupted (Ctrl-C)
)

// codedError carries an exit code through urfave/cli.
type codedError struct {
	code     int
	err      error
	reported bool // already told to the user: print nothing more
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &codedError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func inputError(err error) error { return &codedError{code: exitUsage, err: err} }

// reported is an outcome already explained on the output, with its code.
func reported(code int) error {
	if code == exitOK {
		return nil
	}
	return &codedError{code: code, err: fmt.Errorf("exit %d", code), reported: true}
}

// worse combines the outcomes of several files: an interruption beats an
// unexpected error, which beats a usage error, which beats unconfirmed
// batches, which beat rejected rows.
func worse(a, b int) int {
	rank := func(c int) int {
		switch c {
		case exitCanceled:
			return 5
		case exitError:
			return 4
		case exitUsage:
			return 3
		case exitUnconfirmed:
			return 2
		case exitRejected:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// exitCode maps an error to the process exit code: the one place that does.
func exitCode(err error) int {
	var ce *codedError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitCanceled
	case errors.As(err, &ce):
		return ce.code
	}
	return exitError
}
