package convert

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/kiva-partners/kivaconv/batch"
)

// maxPending is how many rows of errors.csv found before the output folder
// exists wait in memory; the rest wait in a temporary file. Tests lower it.
var maxPending = 10000

// errorsOut sends every issue to errors.csv as it is found, in order, so
// that errors.csv lists every problem however many there are (Summary.Issues
// keeps only the first maxErrors and maxWarnings), and memory does not grow
// with their number: the batch Writer streams the rows to the file. The
// issues found before the folder is created (at the header, in the schedule
// sheet of a loans workbook: the folder is touched only once nothing can
// refuse the whole file) wait, the first maxPending in memory and the rest
// gob-encoded in a file of the system's temporary folder, until start.
// A nil *errorsOut (a dry run: no errors.csv) does nothing.
type errorsOut struct {
	w       *batch.Writer // nil until start
	pending []batch.ErrorRow
	spill   *os.File // rows past maxPending, before start
	buf     *bufio.Writer
	enc     *gob.Encoder
	spilled int
	err     error // writing the spill file; sticky, returned by start
}

// add sends the row of is to errors.csv, or keeps it until start. A
// failure of the Writer is its own: its next call, or Close, returns it.
func (o *errorsOut) add(is Issue) {
	if o == nil || o.err != nil {
		return
	}
	r := errorRow(is)
	switch {
	case o.w != nil:
		o.w.AddError(r)
	case o.spill == nil && len(o.pending) < maxPending:
		o.pending = append(o.pending, r)
	default:
		o.err = o.toSpill(r)
	}
}

func (o *errorsOut) toSpill(r batch.ErrorRow) error {
	if o.spill == nil {
		f, err := os.CreateTemp("", "kivaconv-problems-*.gob")
		if err != nil {
			return fmt.Errorf("keeping the problems found until %s is written: %w", batch.ErrorsFile, err)
		}
		o.spill = f
		o.buf = bufio.NewWriterSize(f, 64<<10)
		o.enc = gob.NewEncoder(o.buf)
	}
	if err := o.enc.Encode(&r); err != nil {
		return fmt.Errorf("keeping the problems found until %s is written: %w", batch.ErrorsFile, err)
	}
	o.spilled++
	return nil
}

// mark and toFront move the rows added since mark to the front, as long as
// they all wait in memory (drift issues come first; they are found at the
// header, before anything else is read).
func (o *errorsOut) mark() int {
	if o == nil {
		return 0
	}
	return len(o.pending)
}

func (o *errorsOut) toFront(mark int) {
	if o == nil || o.w != nil || o.spill != nil || mark > len(o.pending) {
		return
	}
	o.pending = slices.Concat(o.pending[mark:], o.pending[:mark])
}

// start hands the rows kept so far to w, which was created with
// CreateOptions.Errors, in order; the rows that follow go to w at once.
func (o *errorsOut) start(w *batch.Writer) error {
	if o == nil {
		return nil
	}
	defer o.discard()
	if o.err != nil {
		return o.err
	}
	for _, r := range o.pending {
		if err := w.AddError(r); err != nil {
			return err
		}
	}
	o.pending = nil
	if o.spill != nil {
		if err := o.readSpill(w); err != nil {
			return err
		}
	}
	o.w = w
	return nil
}

func (o *errorsOut) readSpill(w *batch.Writer) error {
	failed := func(err error) error {
		return fmt.Errorf("reading back the problems kept in %s: %w", o.spill.Name(), err)
	}
	if err := o.buf.Flush(); err != nil {
		return failed(err)
	}
	if _, err := o.spill.Seek(0, io.SeekStart); err != nil {
		return failed(err)
	}
	dec := gob.NewDecoder(bufio.NewReaderSize(o.spill, 64<<10))
	for range o.spilled {
		var r batch.ErrorRow
		if err := dec.Decode(&r); err != nil {
			return failed(err)
		}
		if err := w.AddError(r); err != nil {
			return err
		}
	}
	return nil
}

// discard removes the spill file, if any.
func (o *errorsOut) discard() {
	if o == nil || o.spill == nil {
		return
	}
	o.spill.Close()
	os.Remove(o.spill.Name())
	o.spill, o.buf, o.enc = nil, nil, nil
}
