package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"

	"github.com/kiva-partners/kivaconv/kiva"
)

// flushQueue is how many full batches may wait for the background writer
// before Add blocks: enough to ride out a slow write, small enough that a
// writer's memory does not depend on the input's size. draftQueue is the
// same for loan drafts, one per file: usually much smaller than a batch,
// though one with a photo may not be.
const (
	flushQueue = 4
	draftQueue = 16
)

// commitEvery is how many temporary batch files the background writer lets
// pile up before it commits them (makes them durable, then renames them);
// a variable for tests. Committing as it goes keeps Close's share small;
// each commit costs one syncfs, shared by a few hundred files.
var commitEvery = 256

// flushJob is one full batch, or one loan draft, handed to the background
// writer, which owns its slice until it sends it back on free (and the
// draft until it is written).
type flushJob struct {
	file  string
	reps  []kiva.Repayment
	jours []kiva.Journal
	draft *kiva.LoanDraft
}

// flusher is the background writer of a Writer: one goroutine that takes
// full batches (or loan drafts) in order, encodes and hashes each and
// writes it to a temporary file beside its final name. Every commitEvery
// files it commits them: one syncfs, then the renames to their final names,
// in order, on a short-lived goroutine of their own so that writing goes
// on meanwhile (one commit at a time). When the folder holds a previous
// conversion's batch files, another short-lived goroutine takes them over
// first (see takeOver), for the writer to rewrite in place.
//
// The flusher holds no pointer to its Writer, so that a Writer dropped
// without Close or Abort can be collected; a cleanup then stops the
// goroutine (see startFlusher).
type flusher struct {
	dir     string
	kind    string
	wrapped bool

	jobs    chan flushJob // full batches, in order
	free    chan flushJob // emptied slices, for the Writer to refill
	done    chan struct{} // closed when the goroutine has ended
	failed  atomic.Bool   // err is set (read without waiting for done)
	stopped bool          // jobs is closed (Writer side only)
	cleanup runtime.Cleanup

	// Owned by the goroutine until done is closed, then by the Writer.
	dirf      *os.File          // the folder, open since Create, for syncFS; nil: fsync each file
	old       []string          // names of the previous conversion's batch files, until taken over
	takeover  chan spareChunk   // taken-over files, while the takeover goroutine runs
	spare     []string          // taken over and not reused yet
	unused    []string          // taken over but not to be written to
	batches   []Batch           // one per job written, in order
	temps     []string          // temps[i] holds the content of batches[i] until renamed
	committed int               // temps[:committed] are renamed to their final names
	syncing   chan commitResult // the commit in flight, if any, of temps[committed:syncEnd]
	syncEnd   int
	err       error       // the first failure; later jobs are dropped
	buf       []byte      // encoding buffer of repayments and journals, reused
	perm      fs.FileMode // a new file's mode (0666 less the umask), for reused files; see newFilePerm
	permKnown bool
}

// startFlusher starts w's background writer. dirf is the open folder when
// syncfs is to be used (the flusher then owns it), old the names of the
// batch files found in the folder.
func startFlusher(w *Writer, dirf *os.File, old []string) *flusher {
	queue := flushQueue
	if w.kind == KindLoanDraft {
		queue = draftQueue
	}
	f := &flusher{
		dir:     w.dir,
		kind:    w.kind,
		wrapped: w.wrapped,
		dirf:    dirf,
		old:     old,
		jobs:    make(chan flushJob, queue),
		free:    make(chan flushJob, flushQueue+2),
		done:    make(chan struct{}),
	}
	go f.run()
	// A Writer dropped without Close (its caller failed half way) must not
	// leave the goroutine waiting forever; its temporary files go too (no
	// manifest will list them; else the next Create removes them).
	f.cleanup = runtime.AddCleanup(w, func(f *flusher) {
		close(f.jobs)
		<-f.done
		f.discard()
	}, f)
	return f
}

func (f *flusher) run() {
	defer close(f.done)
	for j := range f.jobs {
		if f.err == nil {
			err := f.write(j)
			if err == nil {
				err = f.pollTakeover(false)
			}
			// The first commit waits until the old files are all taken
			// over: a rename to a final name must not race with the
			// takeover of the old file of that name.
			if err == nil && f.takeover == nil && len(f.temps)-max(f.committed, f.syncEnd) >= commitEvery {
				err = f.commitAsync()
			}
			if err != nil {
				f.err = err
				f.failed.Store(true)
			}
		}
		if j.draft != nil {
			continue // nothing to recycle
		}
		clear(j.reps)
		clear(j.jours)
		j.reps, j.jours = j.reps[:0], j.jours[:0]
		select {
		case f.free <- j:
		default:
		}
	}
}

// stop ends the goroutine once it has written every batch handed over, and
// returns its error. It may be called more than once.
func (f *flusher) stop() error {
	if !f.stopped {
		f.stopped = true
		f.cleanup.Stop()
		close(f.jobs)
		<-f.done
	}
	return f.err
}

// discard, after a failure, waits for the helper goroutines, removes the
// temporary files not renamed yet and the taken-over ones, and closes the
// folder. Errors are ignored: the next Create removes leftovers.
func (f *flusher) discard() {
	if f.syncing != nil {
		f.committed += (<-f.syncing).renamed
		f.syncing = nil
	}
	removeAll(f.temps[f.committed:])
	f.temps = f.temps[:f.committed]
	f.removeSpare()
	f.closeDir()
}

func (f *flusher) closeDir() {
	if f.dirf != nil {
		f.dirf.Close()
		f.dirf = nil
	}
}

// write encodes one batch or loan draft and writes it to a temporary file.
func (f *flusher) write(j flushJob) error {
	if f.old != nil {
		f.takeOver()
	}
	b := Batch{File: j.file, Kind: f.kind}
	var data []byte
	switch {
	case j.draft != nil:
		// Loan drafts keep encoding/json: no hand-written encoder covers
		// their many fields.
		var err error
		if data, err = Encode(j.draft); err != nil {
			return fmt.Errorf("encoding %s: %w", j.file, err)
		}
		b.Records = 1
		b.LoanIDs = []string{j.draft.LoanID()}
	case f.kind == KindRepayments:
		f.buf = appendRepaymentsBody(f.buf[:0], j.reps)
		data = f.buf
		b.Records = len(j.reps)
	default:
		f.buf = appendJournalsBody(f.buf[:0], j.jours, f.wrapped)
		data = f.buf
		b.Records = len(j.jours)
	}
	sum := sha256.Sum256(data)
	b.SHA256 = hex.EncodeToString(sum[:])
	path := filepath.Join(f.dir, j.file)
	tmp, err := f.reuseSpare(path, data)
	if tmp == "" && err == nil {
		tmp, err = writeTemp(path, func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		}, f.dirf == nil)
	}
	if err != nil {
		return err
	}
	f.temps = append(f.temps, tmp)
	f.batches = append(f.batches, b)
	return nil
}

// spareChunk is a group of taken-over files. err is set when their
// renames could not be made durable: they must not be written to.
type spareChunk struct {
	paths []string
	err   error
}

// takeOver starts renaming the batch files of the previous conversion to
// temporary names, on a goroutine of its own, in groups; once a group's
// renames are durable (the folder is synced), its files come on
// f.takeover, to be rewritten in place by reuseSpare. Reusing their inodes
// and blocks rather than creating thousands of files and deleting as many
// old ones keeps a re-conversion of a large input fast where creating or
// freeing files is slow (ext4 without a journal passes over recently freed
// inodes one by one; a discard mount trims every freed block). No new byte
// goes into a taken-over file before its rename is durable, so a crash
// cannot leave new, unfinished content under a batch file's name; the old
// files were unlisted already (Create removed the manifest).
func (f *flusher) takeOver() {
	old := f.old
	f.old = nil
	if len(old) == 0 {
		return
	}
	ch := make(chan spareChunk, len(old)) // never blocks the sender
	f.takeover = ch
	go func(dir string) {
		defer close(ch)
		// Small first groups get the writer going; larger ones later
		// share a folder sync between more files.
		for size := 16; len(old) > 0; size = min(2*size, 512) {
			part := old[:min(size, len(old))]
			old = old[len(part):]
			var c spareChunk
			for _, name := range part {
				tmp := filepath.Join(dir, "."+name+".tmp-r"+strconv.FormatUint(rand.Uint64(), 36))
				if os.Rename(filepath.Join(dir, name), tmp) == nil {
					c.paths = append(c.paths, tmp)
				} // else left as it is: Close replaces or removes it
			}
			if len(c.paths) == 0 {
				continue
			}
			if err := syncDir(dir); err != nil {
				c.err = fmt.Errorf("%s: syncing directory: %w", dir, err)
				ch <- c
				return
			}
			ch <- c
		}
	}(f.dir)
}

// pollTakeover takes the groups of taken-over files that are ready (or,
// with wait, the next one), and notes when the takeover has ended.
func (f *flusher) pollTakeover(wait bool) error {
	for f.takeover != nil {
		var c spareChunk
		var ok bool
		if wait {
			c, ok = <-f.takeover
		} else {
			select {
			case c, ok = <-f.takeover:
			default:
				return nil
			}
		}
		if !ok {
			f.takeover = nil
			return nil
		}
		if c.err != nil {
			f.unused = append(f.unused, c.paths...)
			return c.err
		}
		f.spare = append(f.spare, c.paths...)
		if wait {
			return nil
		}
	}
	return nil
}

// reuseSpare writes data over a taken-over file and returns its name, or
// "" when there is none left. The file is overwritten from the start and
// cut to the new length, so no byte of the old content stays. A file that
// is not a plain file with a single link is not written to (another name
// of it must keep its content); it is removed with the other spare files,
// as Close would have removed or replaced it under its old name.
func (f *flusher) reuseSpare(path string, data []byte) (string, error) {
	for {
		if len(f.spare) == 0 {
			if f.takeover == nil {
				return "", nil
			}
			if err := f.pollTakeover(true); err != nil {
				return "", err
			}
			continue
		}
		tmp := f.spare[len(f.spare)-1]
		f.spare = f.spare[:len(f.spare)-1]
		fd, err := os.OpenFile(tmp, os.O_WRONLY|openNoFollow, 0)
		if err != nil {
			f.unused = append(f.unused, tmp)
			continue
		}
		fi, err := fd.Stat()
		if err != nil || !fi.Mode().IsRegular() || !singleLink(fi) {
			fd.Close()
			f.unused = append(f.unused, tmp)
			continue
		}
		_, err = fd.Write(data)
		if err == nil && fi.Size() > int64(len(data)) {
			err = fd.Truncate(int64(len(data)))
		}
		if err == nil && f.dirf == nil {
			err = fd.Sync()
		}
		// A reused file gets the mode a new one would (see createTempFile).
		if err == nil && !f.permKnown {
			if f.perm, err = newFilePerm(f.dir); err == nil {
				f.permKnown = true
			}
		}
		if err == nil && fi.Mode().Perm() != f.perm {
			err = fd.Chmod(f.perm)
		}
		if err = errors.Join(err, fd.Close()); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("writing %s: %w", path, err)
		}
		return tmp, nil
	}
}

// commitResult is the outcome of a background commit.
type commitResult struct {
	syncErr error // syncfs failed: nothing was renamed
	renamed int
	err     error // a rename failed
}

// commitAsync waits for the previous commit, then commits the files
// written since on a goroutine of its own: one syncfs, then the renames.
// Where files are fsynced one by one, that goroutine only renames them.
func (f *flusher) commitAsync() error {
	if err := f.finishCommit(); err != nil {
		return err
	}
	f.syncEnd = len(f.temps)
	temps := f.temps[f.committed:f.syncEnd]
	finals := f.finalNames(f.committed, f.syncEnd)
	done := make(chan commitResult, 1)
	f.syncing = done
	go func(d *os.File) {
		var r commitResult
		if d != nil {
			if r.syncErr = syncFS(d); r.syncErr != nil {
				done <- r
				return
			}
		}
		r.renamed, r.err = renameAll(temps, finals)
		done <- r
	}(f.dirf)
	return nil
}

// finishCommit waits for the commit in flight, if any. Where syncfs turned
// out to be missing, it completes the commit itself (see syncFallback).
func (f *flusher) finishCommit() error {
	if f.syncing == nil {
		return nil
	}
	r := <-f.syncing
	f.syncing = nil
	f.committed += r.renamed
	if r.err != nil {
		return r.err
	}
	if r.syncErr != nil {
		if err := f.syncFallback(r.syncErr, f.temps[f.committed:f.syncEnd]); err != nil {
			return err
		}
		return f.renameUpTo(f.syncEnd)
	}
	return nil
}

// commit is Close's: once the goroutine has ended, it waits for the commit
// in flight and commits every file left, with one syncfs. The folder
// itself is synced once, by Close.
func (f *flusher) commit() error {
	for f.takeover != nil { // the takeover ends before any rename
		if err := f.pollTakeover(true); err != nil {
			return err
		}
	}
	if err := f.finishCommit(); err != nil {
		return err
	}
	pending := f.temps[f.committed:]
	if len(pending) == 0 {
		return nil
	}
	if f.dirf != nil {
		if err := f.syncFallback(syncFS(f.dirf), pending); err != nil {
			return err
		}
	}
	return f.renameUpTo(len(f.temps))
}

// syncFallback is err, syncfs's answer for the files pending; where the
// kernel has no syncfs (an old or sandboxed one) it fsyncs them instead,
// and has each next file fsynced as it is written.
func (f *flusher) syncFallback(err error, pending []string) error {
	if errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.EPERM) || errors.Is(err, errors.ErrUnsupported) {
		f.closeDir()
		err = fsyncFiles(pending)
	}
	if err != nil {
		return fmt.Errorf("%s: making batch files durable: %w", f.dir, err)
	}
	return nil
}

func (f *flusher) finalNames(from, to int) []string {
	finals := make([]string, 0, to-from)
	for _, b := range f.batches[from:to] {
		finals = append(finals, filepath.Join(f.dir, b.File))
	}
	return finals
}

// renameUpTo renames temps[committed:end], in order, to their final names.
func (f *flusher) renameUpTo(end int) error {
	n, err := renameAll(f.temps[f.committed:end], f.finalNames(f.committed, end))
	f.committed += n
	return err
}

// renameAll renames temps[i] to finals[i], in order, and says how many it
// renamed before an error.
func renameAll(temps, finals []string) (int, error) {
	for i, tmp := range temps {
		if err := os.Rename(tmp, finals[i]); err != nil {
			return i, fmt.Errorf("writing %s: %w", finals[i], err)
		}
	}
	return len(temps), nil
}

// removeSpare waits for the takeover to end, removes the taken-over files
// not reused, and reports whether there were any.
func (f *flusher) removeSpare() bool {
	if f.takeover != nil {
		for c := range f.takeover {
			f.unused = append(f.unused, c.paths...)
		}
		f.takeover = nil
	}
	had := len(f.spare)+len(f.unused) > 0
	removeAll(f.spare)
	removeAll(f.unused)
	f.spare, f.unused = nil, nil
	return had
}

// fsyncFiles fsyncs each of the files.
func fsyncFiles(paths []string) error {
	for _, p := range paths {
		fd, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		if err = errors.Join(fd.Sync(), fd.Close()); err != nil {
			return err
		}
	}
	return nil
}

// removeAll removes the files, ignoring errors: a leftover temporary file
// is removed by the next Create.
func removeAll(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}
