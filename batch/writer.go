package batch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
// the manifest on Close. Records of a repayments or journals writer are
// buffered until a batch is full, so a writer holds at most one batch.
// After a write error every method returns that error and no manifest is
// written. A Writer is not safe for concurrent use.
type Writer struct {
	dir     string
	kind    string
	size    int
	wrapped bool

	batches    []Batch
	records    int
	repayments []kiva.Repayment // pending batch
	journals   []kiva.Journal   // pending batch
	pendingIDs []string
	totals     map[string]*Total
	err        error // sticky
	closed     bool
}

// Create prepares dir (creating it and its parents as needed) for a new
// conversion. It refuses a folder that holds a send ledger, unless
// opts.Overwrite. It then removes the previous conversion's manifest.json
// (so a crash from here on leaves a folder send refuses), report.txt,
// errors.csv and stray temporary files. Batch files of the previous
// conversion stay until Close replaces or removes them.
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
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
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
	return &Writer{
		dir:     dir,
		kind:    opts.Kind,
		size:    size,
		wrapped: opts.JournalWrapped,
		totals:  make(map[string]*Total),
	}, nil
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
	}
	return nil
}

// fail records a write error: the folder is unfinished for good.
func (w *Writer) fail(err error) error {
	w.err = err
	return err
}

func (w *Writer) addTotal(currency string, a kiva.Amount) {
	t := w.totals[currency]
	if t == nil {
		t = &Total{Currency: currency}
		w.totals[currency] = t
	}
	t.Amount = t.Amount.Add(a)
	t.Records++
}

// AddLoanDraft writes d as the next loan-draft file and returns its name
// ("loan-draft-0007.json"). The draft's total counts in its currency.
func (w *Writer) AddLoanDraft(d *kiva.LoanDraft) (file string, err error) {
	if err := w.check(KindLoanDraft); err != nil {
		return "", err
	}
	if d == nil {
		return "", errors.New("batch: nil loan draft")
	}
	file = BatchFileName(w.kind, len(w.batches)+1)
	if err := w.writeBatch(file, d, []string{d.LoanID()}); err != nil {
		return "", w.fail(err)
	}
	w.records++
	w.addTotal(d.Currency, d.Total())
	return file, nil
}

// AddRepayment adds r, whose amount is in currency ("" when unknown), to
// the current repayments batch. The batch is written when it is full, else
// on Close.
func (w *Writer) AddRepayment(r kiva.Repayment, currency string) error {
	if err := w.check(KindRepayments); err != nil {
		return err
	}
	w.repayments = append(w.repayments, r)
	w.pendingIDs = append(w.pendingIDs, r.LoanID)
	w.records++
	w.addTotal(currency, r.Amount)
	if len(w.repayments) >= w.size {
		return w.flush()
	}
	return nil
}

// AddJournal adds j to the current journals batch. The batch is written
// when it is full, else on Close. Journals have no totals.
func (w *Writer) AddJournal(j kiva.Journal) error {
	if err := w.check(KindJournals); err != nil {
		return err
	}
	w.journals = append(w.journals, j)
	w.pendingIDs = append(w.pendingIDs, j.InternalLoanID)
	w.records++
	if len(w.journals) >= w.size {
		return w.flush()
	}
	return nil
}

// flush writes the pending repayments or journals batch, if any.
func (w *Writer) flush() error {
	if len(w.pendingIDs) == 0 {
		return nil
	}
	var body any
	switch {
	case w.kind == KindRepayments:
		body = kiva.RepaymentsBody{Repayments: w.repayments}
	case w.wrapped:
		body = kiva.JournalsBody{Journals: w.journals}
	default:
		body = w.journals
	}
	file := BatchFileName(w.kind, len(w.batches)+1)
	if err := w.writeBatch(file, body, w.pendingIDs); err != nil {
		return w.fail(err)
	}
	clear(w.repayments)
	clear(w.journals)
	w.repayments, w.journals = w.repayments[:0], w.journals[:0]
	w.pendingIDs = nil // now owned by the Batch
	return nil
}

func (w *Writer) writeBatch(file string, body any, ids []string) error {
	data, err := Encode(body)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", file, err)
	}
	if err := WriteFileAtomic(filepath.Join(w.dir, file), data); err != nil {
		return err
	}
	w.batches = append(w.batches, Batch{
		File:    file,
		Kind:    w.kind,
		Records: len(ids),
		SHA256:  SHA256(data),
		LoanIDs: ids,
	})
	return nil
}

// Close writes the last partial batch, removes batch files a previous
// conversion left in the folder that this one did not rewrite, and writes
// manifest.json last: the manifest is the commit point. It returns the
// manifest written. A Writer with no records writes a manifest with no
// batches.
func (w *Writer) Close(info ManifestInfo) (*Manifest, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.closed {
		return nil, errors.New("batch: writer is closed")
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	if err := w.removeStale(); err != nil {
		return nil, w.fail(err)
	}
	m := &Manifest{
		Format:   ManifestFormat,
		Tool:     Tool{Name: ToolName, Version: info.ToolVersion},
		Kind:     w.kind,
		Source:   Source{Name: filepath.Base(info.Source.Name), SHA256: info.Source.SHA256},
		Mapping:  info.Mapping,
		Complete: info.Counts.RowsRejected == 0,
		Counts:   info.Counts,
		Totals:   w.sortedTotals(),
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

// removeStale removes batch files not written by this conversion.
func (w *Writer) removeStale() error {
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
	if removed {
		if err := syncDir(w.dir); err != nil {
			return fmt.Errorf("%s: syncing directory: %w", w.dir, err)
		}
	}
	return nil
}

func (w *Writer) sortedTotals() []Total {
	out := make([]Total, 0, len(w.totals))
	for _, t := range w.totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Total) int { return strings.Compare(a.Currency, b.Currency) })
	return out
}

// WriteReport writes report.txt with text as given.
func (w *Writer) WriteReport(text string) error {
	return WriteFileAtomic(filepath.Join(w.dir, ReportFile), []byte(text))
}

// WriteErrors writes errors.csv (see MarshalErrors). It writes the header
// line even when there are no rows.
func (w *Writer) WriteErrors(rows []ErrorRow) error {
	data, err := MarshalErrors(rows)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", ErrorsFile, err)
	}
	return WriteFileAtomic(filepath.Join(w.dir, ErrorsFile), data)
}
