package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/kiva-partners/kivaconv/kiva"
)

// File names in an output folder.
const (
	ManifestFile = "manifest.json"
	ReportFile   = "report.txt"
	ErrorsFile   = "errors.csv"
	// LedgerFile is send's record of what it posted from the folder. Its
	// presence means the folder has been sent from: Create refuses to
	// convert into it again unless told to overwrite.
	LedgerFile = "ledger.jsonl"
)

// Kinds of record, one per output folder. They are the mapping kinds.
const (
	KindLoanDraft  = "loan_draft"
	KindRepayments = "repayments"
	KindJournals   = "journals"
)

// ToolName is the default tool name recorded in the manifest.
const ToolName = "kivaconv"

// ManifestFormat is the version of the manifest layout this package writes
// and reads. A manifest with a higher format comes from a newer kivaconv.
const ManifestFormat = 1

// Manifest is the content of manifest.json: what was converted, from what,
// and which batch files send should post, in order.
type Manifest struct {
	Format  int         `json:"format"`
	Tool    Tool        `json:"tool"`
	Kind    string      `json:"kind"`
	Source  Source      `json:"source"`
	Mapping MappingInfo `json:"mapping"`
	// Complete is false when input rows were rejected: send refuses a
	// partial conversion unless asked to post it anyway.
	Complete bool    `json:"complete"`
	Counts   Counts  `json:"counts"`
	Totals   []Total `json:"totals"`
	Batches  []Batch `json:"batches"`
}

// Tool names the program that wrote the folder.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Source is the converted input file.
type Source struct {
	Name   string `json:"name"` // base name, so the manifest does not depend on where the file was
	SHA256 string `json:"sha256"`
}

// MappingInfo is the mapping the conversion used.
type MappingInfo struct {
	Name   string `json:"name"`
	Source string `json:"source"` // where it was read from: a path, or the embedded default's name
	SHA256 string `json:"sha256"`
}

// Counts are the conversion's numbers.
type Counts struct {
	RowsRead       int `json:"rows_read"`
	RecordsWritten int `json:"records_written"`
	RowsRejected   int `json:"rows_rejected"`
	Errors         int `json:"errors"`
	Warnings       int `json:"warnings"`
}

// Total is the exact sum of the records' amounts in one currency. Currency
// is "" when the records do not say it. Journals have no totals.
type Total struct {
	Currency string      `json:"currency"`
	Amount   kiva.Amount `json:"amount"`
	Records  int         `json:"records"`
}

// Batch is one batch file: the body of one POST.
type Batch struct {
	File    string `json:"file"`
	Kind    string `json:"kind"`
	Records int    `json:"records"`
	SHA256  string `json:"sha256"`
	// LoanIDs holds the internal loan id of a loan-draft file's draft (""
	// where the draft has none yet). Repayments and journals batches have
	// none listed: the manifest must not grow with the number of records
	// (a batch's ids are in its file).
	LoanIDs []string `json:"loan_ids,omitempty"`
}

var (
	batchFileRE = regexp.MustCompile(`^(loan-draft|repayments|journals)-[0-9]{4,}\.json$`)
	// tempFileRE matches the temporary files WriteFileAtomic makes for the
	// files of an output folder, which a crash can leave behind.
	tempFileRE = regexp.MustCompile(`^\.(manifest\.json|report\.txt|errors\.csv|(loan-draft|repayments|journals)-[0-9]{4,}\.json)\.tmp-[^/\\]*$`)
	sha256RE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// filePrefix is the batch file name prefix of a kind.
func filePrefix(kind string) string {
	switch kind {
	case KindLoanDraft:
		return "loan-draft"
	case KindRepayments:
		return "repayments"
	case KindJournals:
		return "journals"
	}
	return ""
}

// BatchFileName is the name of the n-th (1-based) batch file of a kind:
// "repayments-0001.json". Numbers have at least four digits.
func BatchFileName(kind string, n int) string {
	return fmt.Sprintf("%s-%04d.json", filePrefix(kind), n)
}

// IsBatchFile reports whether name has the form of a batch file of any
// kind ("loan-draft-0001.json").
func IsBatchFile(name string) bool { return batchFileRE.MatchString(name) }

func validKind(kind string) bool { return filePrefix(kind) != "" }

// ReadManifest reads and checks DIR/manifest.json. It does not look at the
// batch files: see Verify.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, derr := os.Stat(dir); derr != nil {
			return nil, fmt.Errorf("%s: %w", dir, derr)
		}
		return nil, fmt.Errorf("no %s in %s: convert did not finish, or this is not a kivaconv output folder", ManifestFile, dir)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := decodeStrictEnd(data, &m); err != nil {
		return nil, fmt.Errorf("%s: not a valid manifest: %w", path, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// decodeStrictEnd decodes one JSON value and refuses anything after it.
// Unknown fields are tolerated, so a newer kivaconv may add some without
// raising the format.
func decodeStrictEnd(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the manifest object")
	}
	return nil
}

// check is what send relies on before it opens any file the manifest
// names: a known format and kind, and batch file names that stay inside
// the folder and cannot repeat.
func (m *Manifest) check() error {
	switch {
	case m.Format == 0:
		return errors.New("no format number: not a kivaconv manifest")
	case m.Format > ManifestFormat:
		return fmt.Errorf("format %d is newer than this kivaconv understands (%d): update kivaconv", m.Format, ManifestFormat)
	case m.Format < 0:
		return fmt.Errorf("invalid format %d", m.Format)
	}
	if !validKind(m.Kind) {
		return fmt.Errorf("unknown kind %q (want %s, %s or %s)", m.Kind, KindLoanDraft, KindRepayments, KindJournals)
	}
	seen := make(map[string]bool, len(m.Batches))
	for i, b := range m.Batches {
		where := "batches[" + strconv.Itoa(i) + "]"
		if b.Kind != m.Kind {
			return fmt.Errorf("%s: %s: kind %q in a %s manifest", where, b.File, b.Kind, m.Kind)
		}
		if !batchFileRE.MatchString(b.File) || !strings.HasPrefix(b.File, filePrefix(m.Kind)+"-") {
			return fmt.Errorf("%s: %q is not a %s batch file name", where, b.File, m.Kind)
		}
		if seen[b.File] {
			return fmt.Errorf("%s: %s is listed twice", where, b.File)
		}
		seen[b.File] = true
		if !sha256RE.MatchString(b.SHA256) {
			return fmt.Errorf("%s: %s: sha256 %q is not 64 lower-case hex digits", where, b.File, b.SHA256)
		}
		if b.Records < 0 {
			return fmt.Errorf("%s: %s: negative record count", where, b.File)
		}
	}
	return nil
}

// Errors Verify reports, wrapped in a *BatchError.
var (
	ErrBatchMissing  = errors.New("listed in the manifest but missing")
	ErrBatchModified = errors.New("changed after convert wrote it")
	ErrBatchUnlisted = errors.New("not listed in the manifest; send will not post it")
)

// BatchError is a problem with one batch file found by Verify.
type BatchError struct {
	Dir, File string
	// Want and Got are the manifest's and the file's sha256 when the file
	// was modified.
	Want, Got string
	Err       error
}

func (e *BatchError) Error() string {
	s := filepath.Join(e.Dir, e.File) + ": " + e.Err.Error()
	if errors.Is(e.Err, ErrBatchModified) {
		s += " (sha256 " + short(e.Got) + ", manifest says " + short(e.Want) + "): re-run convert, or review the edit"
	}
	return s
}

func (e *BatchError) Unwrap() error { return e.Err }

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// Verify checks the batch files against the manifest: each listed file
// exists and has the recorded sha256, and no batch-named file is there
// that the manifest does not list (a reviewer may have added or renamed
// one). It returns one *BatchError per problem, in manifest order then
// name order, or nil when the folder is as convert left it.
func (m *Manifest) Verify(dir string) []error {
	var errs []error
	listed := make(map[string]bool, len(m.Batches))
	for _, b := range m.Batches {
		listed[b.File] = true
		got, err := FileSHA256(filepath.Join(dir, b.File))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			errs = append(errs, &BatchError{Dir: dir, File: b.File, Err: ErrBatchMissing})
		case err != nil:
			errs = append(errs, &BatchError{Dir: dir, File: b.File, Err: err})
		case got != b.SHA256:
			errs = append(errs, &BatchError{Dir: dir, File: b.File, Want: b.SHA256, Got: got, Err: ErrBatchModified})
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return append(errs, err)
	}
	for _, e := range entries { // sorted by name
		if IsBatchFile(e.Name()) && !listed[e.Name()] {
			errs = append(errs, &BatchError{Dir: dir, File: e.Name(), Err: ErrBatchUnlisted})
		}
	}
	return errs
}
