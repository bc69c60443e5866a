package convert

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/loanlist"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// Mode says what Run does with the records.
type Mode int

const (
	// Write writes the batch folder (convert).
	Write Mode = iota
	// DryRun writes nothing; the summary carries the first records' JSON
	// (preview) and every issue (validate).
	DryRun
)

// Options configure one conversion of one input file.
type Options struct {
	Input string // the spreadsheet
	Mode  Mode
	// Mapping to use; nil picks the best fit among Candidates.
	Mapping *mappings.Mapping
	// MappingBeside says Mapping was found beside the input (see
	// MappingBeside), not chosen by the user: the summary says so.
	MappingBeside bool
	Candidates    []*mappings.Mapping
	// Reference data for names → ids lookups and id checks; may be nil.
	// ReferencePath is where it came from, for the summary.
	Reference     *kiva.Reference
	ReferencePath string
	// Today anchors the date rules (the disbursal window).
	Today time.Time
	// Strict turns warnings into errors.
	Strict bool
	// OutDir is the batch folder; "" means "<input>.kiva" beside the input.
	OutDir string
	// Overwrite allows writing into a folder that has a send ledger.
	Overwrite bool
	// Encoding and Delimiter force how text input is read.
	Encoding  string
	Delimiter rune
	// Preview is how many records' JSON a DryRun keeps (0: none).
	Preview int
	// Version is the tool version recorded in the manifest.
	Version string
	// Progress, when set, is called now and then with the rows read so far.
	Progress func(rows int)
	// Annotate says when to write the annotated copy of the input.
	Annotate AnnotateMode
	// Target says where send would post the batches ("stage:
	// https://…"), for review.html; "" when unknown.
	Target string
	// Expected, when set, is the list of loans a repayments report must
	// cover (see expected.go); other kinds are refused.
	Expected *loanlist.Set
}

// DefaultOutDir is where the batches of input go by default: "<name>.kiva"
// beside the input; for an annotated copy in its own output folder
// ("loans.kiva/loans.checked.xlsx", fixed and dropped again), that folder.
func DefaultOutDir(inputPath string) string {
	if IsAnnotatedCopy(inputPath) {
		return filepath.Dir(inputPath)
	}
	base := filepath.Base(inputPath)
	return filepath.Join(filepath.Dir(inputPath), strings.TrimSuffix(base, filepath.Ext(base))+".kiva")
}

// Summary is what a conversion did.
type Summary struct {
	Input       string `json:"input"`
	InputSHA256 string `json:"input_sha256"`
	Mapping     string `json:"mapping"`
	MappingFrom string `json:"mapping_source"`
	// MappingBeside is set when the mapping was found beside the input
	// ("loans.mapping.yaml" beside "loans.xlsx").
	MappingBeside bool     `json:"mapping_beside,omitempty"`
	Kind          string   `json:"kind"`
	OutDir        string   `json:"out_dir"`
	Sheet         string   `json:"sheet"`
	HeaderRow     int      `json:"header_row"`
	Rows          int      `json:"rows"`
	Records       int      `json:"records"`
	Rejected      int      `json:"rejected_rows"`
	Errors        int      `json:"errors"`
	Warnings      int      `json:"warnings"`
	Totals        []Total  `json:"totals"`
	Batches       []string `json:"batches"`
	Unmapped      []string `json:"unmapped_columns"`
	Notes         []string `json:"notes"`
	Issues        []Issue  `json:"-"`
	// IssuesTruncated counts issues not kept in Issues (over maxIssues).
	IssuesTruncated int `json:"issues_truncated"`
	// Preview holds the first records as the JSON that would be written.
	Preview []any `json:"-"`
	// Expected compares the report with Options.Expected; nil without it.
	Expected *ExpectedSummary `json:"expected,omitempty"`
	// ScheduleSheet and ScheduleHeaderRow locate a loans workbook's
	// schedule sheet; empty for other kinds.
	ScheduleSheet     string `json:"schedule_sheet,omitempty"`
	ScheduleHeaderRow int    `json:"schedule_header_row,omitempty"`
	// Review and Annotated are the review.html and the annotated copy of
	// the input written in the output folder ("" when none).
	Review    string `json:"review,omitempty"`
	Annotated string `json:"annotated,omitempty"`
	// Drift is how the header differs from the columns the mapping was
	// made for (mapping key columns:); nil when it does not differ or the
	// mapping has no columns. Its issues come first in Issues.
	Drift *Drift `json:"column_changes,omitempty"`
	// RejectedWithGroup counts the rejected rows (part of Rejected) that
	// have no error of their own: rows of a group loan rejected because of
	// another of its rows or of its schedule, a group loan being sent
	// whole or not at all. The other Rejected - RejectedWithGroup rows
	// have problems. GroupRejections lists those rows (the first
	// maxErrors), for the annotated copy; no issue is recorded for them.
	RejectedWithGroup int              `json:"rejected_with_group_rows"`
	GroupRejections   []GroupRejection `json:"-"`
}

// maxErrors and maxWarnings bound the issues kept in memory (and listed in
// report.txt, review.html and the annotated copy, which say how many more
// there are); all are counted, and errors.csv lists every one (errorsOut).
const (
	maxErrors   = 100000
	maxWarnings = 20000
)

// ErrNoData is returned when the sheet has a header but no data rows.
var ErrNoData = errors.New("no data rows")

func (c *run) noData(p *sheetPlan) error {
	where := filepath.Base(c.opts.Input)
	if p.layout.sheet != "" {
		where += ": sheet " + p.layout.sheet
	}
	return fmt.Errorf("%s: %w under the header (row %d): nothing to convert", where, ErrNoData, p.layout.headerRow)
}

// run is the state of one conversion.
type run struct {
	ctx  context.Context
	opts Options
	sum  *Summary
	// cells counts the cells of the data rows read (up to each row's
	// last non-blank cell): the annotated copy's size (AnnotateMaxCells).
	cells int
	book  input.Book
	rules kiva.Rules
	out   sink
	errs  *errorsOut // nil in a dry run
	m     *mappings.Mapping

	merged map[string][]input.Range // merged cells near the top of each sheet read
	exp    *expectedCheck           // nil without Options.Expected
	photos photoBudget              // the pixels of the photos decoded
}

// Run converts one input file. It returns an error only when the file
// cannot be converted at all (unreadable, no mapping fits, required columns
// missing, output not writable); rejected rows are counted in the Summary.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	c, err := convertFile(ctx, opts)
	if err != nil {
		return nil, err
	}
	// The input is closed by now: the annotated copy may replace it (a
	// fixed copy dropped again).
	if opts.Mode == Write {
		c.writeArtifacts()
	}
	return c.sum, nil
}

// convertFile is Run up to the batches, the report and errors.csv.
func convertFile(ctx context.Context, opts Options) (*run, error) {
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	c := &run{ctx: ctx, opts: opts, merged: map[string][]input.Range{},
		sum: &Summary{Input: opts.Input, Totals: []Total{}, Batches: []string{}, Unmapped: []string{}, Notes: []string{}}}
	if opts.Mode == Write {
		c.errs = &errorsOut{}
		defer c.errs.discard()
	}
	book, err := input.Open(opts.Input, input.Options{Encoding: opts.Encoding, Delimiter: opts.Delimiter})
	if err != nil {
		return nil, err
	}
	defer book.Close()
	sha, err := batch.FileSHA256(opts.Input)
	if err != nil {
		return nil, err
	}
	c.sum.InputSHA256 = sha
	c.book = book
	c.sum.Notes = append(c.sum.Notes, book.Notes()...)

	m, main, err := c.chooseMapping()
	if err != nil {
		return nil, err
	}
	defer main.close()
	c.m = m
	c.sum.Mapping, c.sum.MappingFrom, c.sum.Kind = m.Name, m.Source, string(m.Kind)
	c.sum.MappingBeside = opts.MappingBeside && m == opts.Mapping
	if err := c.startExpected(); err != nil {
		return nil, err
	}
	c.rules = kiva.Rules{
		Today:        opts.Today,
		Reference:    opts.Reference,
		ThreeColumn:  m.RepaymentFormat == mappings.ThreeColumn,
		WholeAmounts: m.Amounts == mappings.AmountsWhole,
		Currency:     m.Currency,
	}
	c.noteHiddenSheets()
	switch {
	case !needsReference(m):
	case opts.Reference == nil:
		c.sum.Notes = append(c.sum.Notes, "no reference data: activity, theme, language and location were not checked against Kiva's lists (use --reference FILE)")
	case opts.ReferencePath != "":
		c.sum.Notes = append(c.sum.Notes, "reference data: "+opts.ReferencePath)
	}

	// Everything that can refuse the whole file is checked before the
	// output folder is touched.
	var sched *schedule
	if m.Kind == mappings.LoanDraft {
		if sched, err = c.readSchedule(main); err != nil {
			return nil, err
		}
	}
	if main.empty() {
		return nil, c.noData(main)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	if opts.Mode == Write {
		dir := opts.OutDir
		if dir == "" {
			dir = DefaultOutDir(opts.Input)
		}
		c.sum.OutDir = dir
		if !opts.Overwrite {
			if err := checkOutDirSource(dir, opts.Input); err != nil {
				return nil, err
			}
		}
		w, err := batch.Create(dir, batch.CreateOptions{
			Kind:           string(m.Kind),
			BatchSize:      m.BatchSize,
			JournalWrapped: m.Journal.Wrapper == "object",
			Overwrite:      opts.Overwrite,
			Errors:         true, // streamed by c.errs
		})
		if err != nil {
			return nil, err
		}
		if err := c.errs.start(w); err != nil {
			w.Abort()
			return nil, err
		}
		c.out = &writerSink{w: w}
	} else {
		c.out = &previewSink{max: opts.Preview, sum: c.sum, wrapped: m.Journal.Wrapper == "object"}
	}

	switch m.Kind {
	case mappings.Repayments:
		err = c.repayments(main)
	case mappings.Journals:
		err = c.journals(main)
	case mappings.LoanDraft:
		err = c.loanDrafts(main, sched)
	default:
		err = fmt.Errorf("mapping %s: unsupported kind %q", m.Name, m.Kind)
	}
	if err == nil && c.sum.Rows == 0 {
		err = c.noData(main)
	}
	if err != nil {
		c.out.abort()
		return nil, err
	}
	if err := c.out.close(c); err != nil {
		return nil, err
	}
	return c, nil
}

func needsReference(m *mappings.Mapping) bool {
	for _, f := range m.Fields {
		if f.Lookup != "" {
			return true
		}
	}
	return false
}

// note adds a fact about the whole file to the summary, once.
func (c *run) note(s string) {
	if !contains(c.sum.Notes, s) {
		c.sum.Notes = append(c.sum.Notes, s)
	}
}

// issue records a problem, applying --strict.
func (c *run) issue(is Issue) {
	if is.Severity == kiva.Warning && c.opts.Strict {
		is.Severity = kiva.Error
	}
	if is.Severity == kiva.Error {
		c.sum.Errors++
	} else {
		c.sum.Warnings++
	}
	c.errs.add(is) // every issue, in order
	// Errors are kept first: a rejected row must always be explained.
	if is.Severity == kiva.Error && c.sum.Errors <= maxErrors || is.Severity == kiva.Warning && c.sum.Warnings <= maxWarnings {
		c.sum.Issues = append(c.sum.Issues, is)
	} else {
		c.sum.IssuesTruncated++
	}
}

// problems turns rule problems into issues located through where, and
// reports whether any of them is an error.
func (c *run) problems(ps []kiva.Problem, record string, where func(path string) (input.Pos, string, string)) bool {
	bad := false
	for _, p := range ps {
		pos, col, raw := where(p.Path)
		is := Issue{Severity: p.Severity, Pos: pos, Column: col, Field: p.Path, Value: raw,
			Message: p.Message, Hint: p.Hint, Record: record}
		c.issue(is)
		if p.Severity == kiva.Error || c.opts.Strict {
			bad = true
		}
	}
	return bad
}

// progress reports rows read every so often and checks for cancellation.
func (c *run) progress() error {
	if c.sum.Rows%256 != 0 {
		return nil
	}
	if c.opts.Progress != nil && c.sum.Rows%4096 == 0 {
		c.opts.Progress(c.sum.Rows)
	}
	return c.ctx.Err()
}

// dataRows calls fn for every non-blank data row of a sheet, from the row
// after the header to the end. Hidden rows are converted and counted.
func (c *run) dataRows(l *layout, h *head, fn func(r *input.Row) error) error {
	hidden, firstHidden := 0, 0
	visit := func(r *input.Row) error {
		if r.Blank() {
			return nil
		}
		if r.Hidden {
			if hidden == 0 {
				firstHidden = r.Number
			}
			hidden++
		}
		c.sum.Rows++
		c.cells += len(r.Cells)
		if err := c.progress(); err != nil {
			return err
		}
		return fn(r)
	}
	for i := l.dataStart; i < len(h.rows); i++ {
		if err := visit(&h.rows[i]); err != nil {
			return err
		}
	}
	h.rest = input.Prefetch(h.rest) // the file is decoded on another core
	for h.rest.Next() {
		if err := visit(h.rest.Row()); err != nil {
			return err
		}
	}
	if err := h.rest.Err(); err != nil {
		return err
	}
	if hidden > 0 {
		c.issue(Issue{Severity: kiva.Warning, Pos: input.Pos{File: l.file, Sheet: l.sheet, Row: firstHidden},
			Message: fmt.Sprintf("%d hidden row(s) in this sheet were converted too (the first is row %d)", hidden, firstHidden),
			Hint:    "unhide them in Excel to review them, or delete the ones that must not be sent"})
	}
	return nil
}

// noteHiddenSheets warns about hidden sheets, which are never read unless
// the mapping names them.
func (c *run) noteHiddenSheets() {
	var names []string
	for _, s := range c.book.Sheets() {
		if s.Hidden {
			names = append(names, s.Name)
		}
	}
	if len(names) > 0 {
		c.issue(Issue{Severity: kiva.Warning, Pos: input.Pos{File: c.book.Path()},
			Message: fmt.Sprintf("the workbook has %d hidden sheet(s): %s", len(names), strings.Join(names, ", ")),
			Hint:    "only the mapped sheets are read; unhide the others in Excel if they hold loans"})
	}
}

// sheetLabel is the sheet name used in positions ("" for CSV).
func (c *run) sheetLabel(sheet string) string {
	if c.book.Format() == input.CSV {
		return ""
	}
	return sheet
}

// locale builds the number locale of a mapping. An unset decimal separator
// is "," for semicolon-delimited text files (Excel's export in
// decimal-comma locales) and "." otherwise.
//
// With that automatic comma and no thousands separator declared, spaces
// group thousands ("1 500,50", as decimal-comma locales write it): a space
// can never be a decimal mark, and groups of three are still checked.
func (c *run) locale(m *mappings.Mapping) (values.Locale, error) {
	dec, thousands := m.Locale.Decimal, m.Locale.Thousands
	if dec == "" {
		dec = "."
		if d, ok := c.book.(interface{ Delimiter() rune }); ok && d.Delimiter() == ';' && thousands != "," {
			dec = ","
			note := "decimal separator: comma (the file is semicolon-delimited; set locale.decimal to choose)"
			if thousands == "" {
				thousands = " "
				note = "numbers read as 1 234,50: comma for decimals, space for thousands (the file is semicolon-delimited; set locale.decimal and locale.thousands to choose)"
			}
			c.note(note)
		}
	}
	return values.NewLocale(dec, thousands, m.Locale.CurrencySymbols...)
}
