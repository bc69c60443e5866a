package batch

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/kiva-partners/kivaconv/kiva"
)

// Batch sizes for repayments and journals. Kiva asks for at most 200–300
// loans per repayments call (spec §4); 250 is the rule of spec §7.
const (
	BatchSize    = 250
	MaxBatchSize = 300
)

// ErrAlreadySent is wrapped by Create's error for a folder that holds a
// send ledger.
var ErrAlreadySent = errors.New("folder has already been sent from")

// CreateOptions configure a Writer.
type CreateOptions struct {
	// Kind is the kind of every record: KindLoanDraft, KindRepayments or
	// KindJournals.
	Kind string
	// BatchSize is the number of records per repayments or journals file:
	// 0 means BatchSize, at most MaxBatchSize. Loan drafts are always one
	// per file.
	BatchSize int
	// JournalWrapped writes journals as {"journals": [...]} rather than a
	// bare JSON array (the mapping's journal.wrapper: object).
	JournalWrapped bool
	// Overwrite converts into a folder that send has already posted from.
	// The ledger is left as it is: it records what Kiva received.
	Overwrite bool
	// Errors has the Writer write errors.csv itself: the header line,
	// then one line per AddError call, in order (see MarshalErrors). The
	// lines go to a temporary file as they are added, so memory does not
	// grow with their number (the Writer keeps no row), and Close renames
	// the file into place before it writes the manifest. Without Errors,
	// WriteErrors writes the file from rows the caller holds.
	Errors bool
}

// ManifestInfo is what the caller knows about the conversion; the Writer
// adds the records written, the totals and the batches.
type ManifestInfo struct {
	ToolVersion string // recorded with the name ToolName
	Source      Source // Name is reduced to its base name
	Mapping     MappingInfo
	// Counts of rows and problems. RecordsWritten is ignored: the manifest
	// records what the Writer wrote. RowsRejected > 0 makes the manifest
	// incomplete.
	Counts Counts
}

// Writer writes one output folder: batch files as records are added, then
// the manifest on Close. Repayments and journals are collected into
// batches of the batch size; each full batch, and each loan draft, is
// handed to one background goroutine that encodes it, hashes it and writes
// it to a temporary file, in order, while the caller reads on; every few
// hundred files, and at Close, the files written are made durable at once
// and renamed to their final names (see "Commit protocol" in the package
// doc). A writer holds at most a few batches (or 16 loan drafts) in
// memory, and per batch file (not per record) its name, count and
// sha256 (and a loan draft's loan id). With CreateOptions.Errors it
// streams errors.csv as well, keeping no row. After a write error every method
// returns that error (an error of the background goroutine surfaces on the
// next Add call, or at Close) and no manifest is written. A caller that
// gives up calls Abort. A Writer is not safe for concurrent use.
type Writer struct {
	dir     string
	kind    string
	size    int
	wrapped bool

	batches  []Batch // written; set by Close
	records  int
	reps     []kiva.Repayment // batch being filled
	jours    []kiva.Journal   // batch being filled
	handed   int              // batches (or loan drafts) handed to fl
	fl       *flusher         // the background writer; nil after Close or a failure
	errs     *errorStream     // errors.csv being written (CreateOptions.Errors); nil after Close or a failure
	streamed bool             // CreateOptions.Errors
	totals   Totals
	err      error // sticky
	closed   bool
}

// useSyncfs can be turned off by tests to exercise, on Linux, the
// one-fsync-per-file path other systems take.
var useSyncfs = true

// Create prepares dir (creating it and its parents as needed) for a new
// conversion. It refuses a folder that holds a send ledger, unless
// opts.Overwrite. It then removes the previous conversion's manifest.json
// (so a crash from here on leaves a folder send refuses), report.txt,
// errors.csv and stray temporary files. Batch files of the previous
// conversion stay until Close replaces or removes them; the Writer takes
// them over (renames them to temporary names, to rewrite them in place)
// when it writes its first batch or loan draft (see "Commit protocol" in
// the package doc). A symbolic link in the place of any file of the
// folder (manifest.json, report.txt, errors.csv, ledger.jsonl, a batch
// file) is refused with an error wrapping ErrSymlink, before anything is
// changed.
func Create(dir string, opts CreateOptions) (*Writer, error) {
	if !validKind(opts.Kind) {
		return nil, fmt.Errorf("batch: unknown kind %q (want %s, %s or %s)", opts.Kind, KindLoanDraft, KindRepayments, KindJournals)
	}
	size := opts.BatchSize
	switch {
	case size == 0:
		size = BatchSize
	case size < 0 || size > MaxBatchSize:
		return nil, fmt.Errorf("batch: batch size %d: must be between 1 and %d", size, MaxBatchSize)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	// No file of the folder is written through a symbolic link: one in the
	// place of any is refused before anything changes.
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 && isFolderFile(e.Name()) {
			return nil, symlinkError(filepath.Join(dir, e.Name()))
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, LedgerFile)); err == nil {
		if !opts.Overwrite {
			return nil, fmt.Errorf("%s: %w (it holds %s): choose another --out folder, or pass --overwrite to convert into it anyway", dir, ErrAlreadySent, LedgerFile)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, name := range []string{ManifestFile, ReportFile, ErrorsFile} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("removing the previous conversion's %s (close it if another program has it open): %w", name, err)
		}
	}
	old := []string{}
	for _, e := range entries {
		if reuseFiles && IsBatchFile(e.Name()) && e.Type().IsRegular() {
			old = append(old, e.Name())
		}
		if tempFileRE.MatchString(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("removing a leftover temporary file: %w", err)
			}
		}
	}
	// The removal of the old manifest must reach the disk before any new
	// batch file does.
	if err := syncDir(dir); err != nil {
		return nil, fmt.Errorf("%s: syncing directory: %w", dir, err)
	}
	w := &Writer{
		dir:      dir,
		kind:     opts.Kind,
		size:     size,
		wrapped:  opts.JournalWrapped,
		streamed: opts.Errors,
	}
	if opts.Errors {
		if w.errs, err = startErrorStream(filepath.Join(dir, ErrorsFile)); err != nil {
			return nil, err
		}
	}
	var dirf *os.File
	if haveSyncfs && useSyncfs {
		// Opened before any batch is written: syncfs reports the
		// writeback errors that happen after the descriptor is opened.
		if d, err := os.Open(dir); err == nil {
			dirf = d
		}
	}
	w.fl = startFlusher(w, dirf, old)
	return w, nil
}

// Dir is the output folder.
func (w *Writer) Dir() string { return w.dir }

func (w *Writer) check(kind string) error {
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return errors.New("batch: writer is closed")
	case w.kind != kind:
		return fmt.Errorf("batch: cannot add a %s record to a %s folder", kind, w.kind)
	case w.fl != nil && w.fl.failed.Load():
		return w.fail(w.fl.stop())
	}
	return nil
}

// fail records a write error: the folder is unfinished for good. It stops
// the background writer and removes the temporary batch files not renamed
// yet, and errors.csv's temporary file (a crash instead leaves them to the
// next Create). The first error is kept.
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	if w.errs != nil {
		w.errs.abort()
		w.errs = nil
	}
	if w.fl != nil {
		w.fl.stop()
		w.fl.discard()
		w.fl = nil
	}
	return w.err
}

// Totals sums amounts per currency, exactly. The zero value is ready to
// use. The Writer keeps one for what it writes; a dry run keeps its own.
type Totals struct {
	byCur map[string]*total
	last  *total // the total the previous amount went to
}

// Add counts one record of amount a in currency ("" when unknown).
func (ts *Totals) Add(currency string, a kiva.Amount) {
	t := ts.last
	if t == nil || t.Currency != currency {
		t = ts.byCur[currency]
		if t == nil {
			if ts.byCur == nil {
				ts.byCur = map[string]*total{}
			}
			t = &total{Total: Total{Currency: currency}}
			ts.byCur[currency] = t
		}
		ts.last = t
	}
	t.add(a)
}

// AddTotal adds a whole Total: its amount and its record count.
func (ts *Totals) AddTotal(t Total) {
	ts.Add(t.Currency, t.Amount)
	ts.last.Records += t.Records - 1
}

// Sorted returns the totals, by currency.
func (ts *Totals) Sorted() []Total {
	out := make([]Total, 0, len(ts.byCur))
	for _, t := range ts.byCur {
		out = append(out, t.sum())
	}
	slices.SortFunc(out, func(a, b Total) int { return strings.Compare(a.Currency, b.Currency) })
	return out
}

// total is a Total being summed. Amounts of up to 18 digits (all real
// money) are added as int64 coefficients at a common exponent, exactly and
// without allocating; any other amount, or a sum that would overflow, is
// added to Amount as a decimal. The sum is Amount + fast × 10^exp, with the
// exponent adding the amounts one by one would give.
type total struct {
	Total
	fast int64
	exp  int32
}

func (t *total) add(a kiva.Amount) {
	t.Records++
	d := a.Decimal()
	if e := d.Exponent(); e <= 0 && e >= -18 && d.NumDigits() <= 18 {
		c := d.CoefficientInt64()
		sum, exp := t.fast, t.exp
		ok := true
		switch {
		case e < exp:
			sum, ok = mulPow10(sum, exp-e)
			exp = e
		case e > exp:
			c, ok = mulPow10(c, e-exp)
		}
		if ok {
			if s := sum + c; (s > sum) == (c > 0) {
				t.fast, t.exp = s, exp
				return
			}
		}
	}
	t.Amount = t.Amount.Add(a)
}

// mulPow10 is x×10^n, and whether it fits an int64.
func mulPow10(x int64, n int32) (int64, bool) {
	for ; n > 0; n-- {
		if x > math.MaxInt64/10 || x < math.MinInt64/10 {
			return 0, false
		}
		x *= 10
	}
	return x, true
}

// sum is the exact total.
func (t *total) sum() Total {
	out := t.Total
	out.Amount = out.Amount.Add(kiva.NewAmount(decimal.New(t.fast, t.exp)))
	return out
}

// AddLoanDraft hands d to the background writer as the next loan-draft
// file and returns that file's name ("loan-draft-0007.json"). The draft's
// total counts in its currency.
//
// The file is written like a repayments batch (see "Commit protocol" in
// the package doc): it exists under its final name, complete and durable,
// only once Close has returned (it may appear there at an earlier commit,
// but nothing says when); until then the caller must not expect to read
// it. The Writer keeps d until it has encoded it, in the background: the
// caller must not change d, or anything it points to, after AddLoanDraft.
// An error writing it is returned by a later call or by Close.
func (w *Writer) AddLoanDraft(d *kiva.LoanDraft) (file string, err error) {
	if err := w.check(KindLoanDraft); err != nil {
		return "", err
	}
	if d == nil {
		return "", errors.New("batch: nil loan draft")
	}
	w.handed++
	file = BatchFileName(w.kind, w.handed)
	w.fl.jobs <- flushJob{file: file, draft: d}
	w.records++
	w.totals.Add(d.Currency, d.Total())
	return file, nil
}

// AddRepayment adds r, whose amount is in currency ("" when unknown), to
// the current repayments batch. A full batch is handed to the background
// writer; the last one is written by Close.
func (w *Writer) AddRepayment(r kiva.Repayment, currency string) error {
	if err := w.check(KindRepayments); err != nil {
		return err
	}
	w.reps = append(w.reps, r)
	w.records++
	w.totals.Add(currency, r.Amount)
	if len(w.reps) >= w.size {
		w.handOver()
	}
	return nil
}

// AddJournal adds j to the current journals batch. A full batch is handed
// to the background writer; the last one is written by Close. Journals
// have no totals.
func (w *Writer) AddJournal(j kiva.Journal) error {
	if err := w.check(KindJournals); err != nil {
		return err
	}
	w.jours = append(w.jours, j)
	w.records++
	if len(w.jours) >= w.size {
		w.handOver()
	}
	return nil
}

// handOver gives the batch being filled, if any, to the background writer
// and starts a new one in a recycled (or new) slice: the writer owns the
// records it was given until it recycles their slice.
func (w *Writer) handOver() {
	if len(w.reps)+len(w.jours) == 0 {
		return
	}
	w.handed++
	w.fl.jobs <- flushJob{file: BatchFileName(w.kind, w.handed), reps: w.reps, jours: w.jours}
	select {
	case j := <-w.fl.free:
		w.reps, w.jours = j.reps, j.jours
	default:
		w.reps, w.jours = nil, nil
		if w.kind == KindRepayments {
			w.reps = make([]kiva.Repayment, 0, w.size)
		} else {
			w.jours = make([]kiva.Journal, 0, w.size)
		}
	}
}

// Close writes the last partial batch, commits the batch files (loan
// drafts included: only now are they all under their final names),
// removes batch files a previous conversion left in the folder that this
// one did not rewrite, puts errors.csv in place (with
// CreateOptions.Errors), and writes manifest.json last: the manifest is the
// commit point. It returns the manifest written. A Writer with no records
// writes a manifest with no batches.
func (w *Writer) Close(info ManifestInfo) (*Manifest, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.closed {
		return nil, errors.New("batch: writer is closed")
	}
	if err := w.commitBatches(); err != nil {
		return nil, w.fail(err)
	}
	if w.errs != nil {
		err := w.errs.close()
		w.errs = nil
		if err != nil {
			return nil, w.fail(err)
		}
	}
	m := &Manifest{
		Format:   ManifestFormat,
		Tool:     Tool{Name: ToolName, Version: info.ToolVersion},
		Kind:     w.kind,
		Source:   Source{Name: filepath.Base(info.Source.Name), SHA256: info.Source.SHA256},
		Mapping:  info.Mapping,
		Complete: info.Counts.RowsRejected == 0,
		Counts:   info.Counts,
		Totals:   w.totals.Sorted(),
		Batches:  w.batches,
	}
	m.Counts.RecordsWritten = w.records
	if m.Batches == nil {
		m.Batches = []Batch{}
	}
	data, err := Encode(m)
	if err != nil {
		return nil, w.fail(fmt.Errorf("encoding %s: %w", ManifestFile, err))
	}
	if err := WriteFileAtomic(filepath.Join(w.dir, ManifestFile), data); err != nil {
		return nil, w.fail(err)
	}
	w.closed = true
	return m, nil
}

// commitBatches is Close's part for the batch files: it hands over the
// last batch, if any, waits for the background writer, commits the files it
// has not committed yet (durable, then renamed), removes the previous
// conversion's files that were taken over but not needed and the stale
// batch files, and syncs the folder once. See "Commit protocol" in the
// package doc for what a crash at each point leaves.
func (w *Writer) commitBatches() error {
	w.handOver()
	fl := w.fl
	if err := fl.stop(); err != nil {
		return err
	}
	if err := fl.commit(); err != nil {
		return err
	}
	fl.closeDir()
	w.batches = fl.batches
	changed := fl.removeSpare() || len(fl.temps) > 0
	w.fl = nil
	return w.removeStale(!changed)
}

// ErrAborted is what a Writer's methods return after Abort.
var ErrAborted = errors.New("batch: conversion aborted")

// Abort gives up the conversion after a failure elsewhere: it stops the
// background writer and removes the temporary files not committed yet,
// and writes no manifest, so the folder is left as a crash would leave it
// (send refuses it; the next conversion replaces or removes the batch
// files already committed). After Abort every method returns ErrAborted,
// or the write error that came first. Abort after a successful Close, or
// a second time, does nothing.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.fail(ErrAborted)
}

// removeStale removes batch files not written by this conversion, then
// syncs the folder, unless onlyIfRemoved and nothing was removed.
func (w *Writer) removeStale(onlyIfRemoved bool) error {
	ours := make(map[string]bool, len(w.batches))
	for _, b := range w.batches {
		ours[b.File] = true
	}
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return err
	}
	removed := false
	for _, e := range entries {
		if IsBatchFile(e.Name()) && !ours[e.Name()] {
			if err := os.Remove(filepath.Join(w.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing a previous conversion's batch file: %w", err)
			}
			removed = true
		}
	}
	if removed || !onlyIfRemoved {
		if err := syncDir(w.dir); err != nil {
			return fmt.Errorf("%s: syncing directory: %w", w.dir, err)
		}
	}
	return nil
}

// isFolderFile reports whether name is one of the files of an output
// folder that kivaconv writes.
func isFolderFile(name string) bool {
	switch name {
	case ManifestFile, ReportFile, ErrorsFile, LedgerFile:
		return true
	}
	return IsBatchFile(name)
}

// WriteReport writes report.txt with text as given.
func (w *Writer) WriteReport(text string) error {
	return WriteFileAtomic(filepath.Join(w.dir, ReportFile), []byte(text))
}

// AddError adds r as the next line of errors.csv, for a Writer created
// with CreateOptions.Errors. The line is encoded at once and the Writer
// keeps nothing of r. A failure writing the file ends the conversion, like
// a failure writing a batch: it is returned here or by a later call.
func (w *Writer) AddError(r ErrorRow) error {
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return errors.New("batch: writer is closed")
	case !w.streamed:
		return errors.New("batch: AddError needs a writer created with CreateOptions.Errors")
	}
	if err := w.errs.add(r); err != nil {
		return w.fail(err)
	}
	return nil
}

// WriteErrors writes errors.csv from rows (see MarshalErrors), for a
// Writer created without CreateOptions.Errors, at any time. It writes the
// header line even when there are no rows.
func (w *Writer) WriteErrors(rows []ErrorRow) error {
	if w.streamed {
		return errors.New("batch: errors.csv is written by AddError (CreateOptions.Errors)")
	}
	return writeAtomic(filepath.Join(w.dir, ErrorsFile), func(f io.Writer) error {
		return encodeErrors(f, rows)
	})
}
