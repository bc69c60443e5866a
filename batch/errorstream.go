package batch

import (
	"errors"
	"io"
)

// errorStream writes errors.csv while the conversion runs, row by row, so
// that memory does not grow with the number of problems. The rows are
// encoded into a buffer on the caller's goroutine; each full buffer goes,
// through a pipe, to writeAtomic running on a goroutine of its own, which
// copies it into the temporary file beside errors.csv. close ends the
// pipe: writeAtomic then makes the file durable and renames it into place,
// like every other file of the folder. abort makes writeAtomic fail, which
// removes the temporary file.
type errorStream struct {
	pw   *io.PipeWriter
	enc  *errorsEncoder
	done chan error // writeAtomic's result
	err  error      // sticky
	end  bool       // closed or aborted
}

// errStreamEnded is what a write to a stream whose file has been written
// (or has failed) returns; it is never seen by a caller, whose write
// reaches the pipe only before close or abort.
var errStreamEnded = errors.New("batch: errors.csv is already written")

// startErrorStream creates the temporary file of errors.csv at path and
// starts the stream into it.
func startErrorStream(path string) (*errorStream, error) {
	pr, pw := io.Pipe()
	s := &errorStream{pw: pw, done: make(chan error, 1)}
	started := make(chan struct{})
	go func() {
		err := writeAtomic(path, func(f io.Writer) error {
			close(started)
			_, err := io.Copy(f, pr)
			return err
		})
		// Whatever happened, the writing side must not block any more.
		if err != nil {
			pr.CloseWithError(err)
		} else {
			pr.CloseWithError(errStreamEnded)
		}
		s.done <- err
	}()
	select {
	case <-started:
	case err := <-s.done: // the temporary file could not be created
		return nil, err
	}
	enc, err := newErrorsEncoder(pw) // buffered: does not write to the pipe yet
	if err != nil {
		s.abort()
		return nil, err
	}
	s.enc = enc
	return s, nil
}

// add writes r. An error (the file could not be written) is sticky.
func (s *errorStream) add(r ErrorRow) error {
	if s.err != nil {
		return s.err
	}
	if err := s.enc.write(r); err != nil {
		s.err = err
	}
	return s.err
}

// close writes out the rest and waits for errors.csv to be in place under
// its final name (or for the error that kept it from being so).
func (s *errorStream) close() error {
	if s.end {
		return s.err
	}
	s.end = true
	if s.err == nil {
		s.err = s.enc.flush()
	}
	if s.err != nil {
		s.pw.CloseWithError(s.err)
		<-s.done
		return s.err
	}
	s.pw.Close()
	s.err = <-s.done
	return s.err
}

// abort gives up the file: the temporary file is removed, and errors.csv
// is not written.
func (s *errorStream) abort() {
	if s.end {
		return
	}
	s.end = true
	s.pw.CloseWithError(ErrAborted)
	<-s.done
}
