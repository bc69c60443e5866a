package convert_test

// Scenario tests of convert.Run: small inputs built in t.TempDir() (CSV as
// bytes, XLSX with excelize), converted with a fixed today, the embedded
// mappings (or one given inline) and a small reference; the tests check the
// Summary, every issue's position, severity and message, and the JSON that
// was written.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// scnToday is the "today" of every scenario (the disbursal window counts
// from it).
var scnToday = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// ---------------------------------------------------------------------------
// Running a conversion
// ---------------------------------------------------------------------------

// scnRef is the reference data of the loan scenarios.
const scnRef = `{
  "as_of_date_time": "2026-11-01T00:00:00Z",
  "activities": [{"activity_id": 73, "activity": "Retail"}, {"activity_id": 61, "activity": "Farming"}],
  "locales": [{"language_id": 1, "language_code": "en", "language_name": "English", "currency": "KES"}],
  "themes": [{"theme_type_id": 3, "theme_type": "Green"}],
  "locations": [{"country": "Kenya", "location": "Busia", "full_name": "Busia, Busia County, Kenya"}]
}`

func testRef(t *testing.T) *kiva.Reference {
	t.Helper()
	ref, err := kiva.DecodeReference(strings.NewReader(scnRef))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// parseMapping parses an inline mapping.
func parseMapping(t *testing.T, yaml string) *mappings.Mapping {
	t.Helper()
	m, err := mappings.Parse([]byte(yaml), "inline.yaml")
	if err != nil {
		t.Fatalf("inline mapping: %v", err)
	}
	return m
}

func builtin(t *testing.T, name string) *mappings.Mapping {
	t.Helper()
	m, err := mappings.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// opts are the knobs of one scenario's conversion.
type opts struct {
	mapping   *mappings.Mapping // nil: the best fit among the embedded mappings
	ref       *kiva.Reference
	strict    bool
	dryRun    bool
	preview   int
	outDir    string // "": a fresh temp dir
	overwrite bool
}

// run converts input and returns the summary, the output folder and Run's
// error.
func run(t *testing.T, input string, o opts) (*convert.Summary, string, error) {
	t.Helper()
	out := o.outDir
	if out == "" && !o.dryRun {
		out = filepath.Join(t.TempDir(), "out.kiva")
	}
	mode := convert.Write
	if o.dryRun {
		mode = convert.DryRun
	}
	sum, err := convert.Run(context.Background(), convert.Options{
		Input:      input,
		Mode:       mode,
		Mapping:    o.mapping,
		Candidates: mappings.Embedded(),
		Reference:  o.ref,
		Today:      scnToday,
		Strict:     o.strict,
		OutDir:     out,
		Overwrite:  o.overwrite,
		Preview:    o.preview,
		Version:    "scenario",
	})
	return sum, out, err
}

// mustRun is run for conversions that must not fail as a whole.
func mustRun(t *testing.T, input string, o opts) (*convert.Summary, string) {
	t.Helper()
	sum, out, err := run(t, input, o)
	if err != nil {
		t.Fatalf("Run(%s): %v", filepath.Base(input), err)
	}
	return sum, out
}

// ---------------------------------------------------------------------------
// Checking the summary and the issues
// ---------------------------------------------------------------------------

// counts are the Summary's counters a scenario expects.
type counts struct{ records, rejected, errors, warnings int }

func checkCounts(t *testing.T, sum *convert.Summary, want counts) {
	t.Helper()
	got := counts{sum.Records, sum.Rejected, sum.Errors, sum.Warnings}
	if got != want {
		t.Errorf("records/rejected/errors/warnings = %d/%d/%d/%d, want %d/%d/%d/%d\n%s",
			got.records, got.rejected, got.errors, got.warnings,
			want.records, want.rejected, want.errors, want.warnings, issuesText(sum))
	}
}

// want is an expected issue: where it points, its severity and a fragment
// of its message or hint.
type want struct {
	at  string // "Loans!H4" for workbooks, Pos.String() ("r.csv:4:8") for text files
	sev kiva.Severity
	msg string
}

func e(at, msg string) want { return want{at, kiva.Error, msg} }
func w(at, msg string) want { return want{at, kiva.Warning, msg} }

// where is how a test names an issue's position.
func where(is convert.Issue) string {
	if is.Pos.Sheet != "" {
		return is.Pos.Sheet + "!" + is.Pos.CellRef()
	}
	return is.Pos.String()
}

func issuesText(sum *convert.Summary) string {
	if sum == nil {
		return "  (no summary)"
	}
	var b strings.Builder
	for _, is := range sum.Issues {
		fmt.Fprintf(&b, "  [%s] %s\n", where(is), is.Text())
	}
	if b.Len() == 0 {
		return "  (no issues)"
	}
	return b.String()
}

// findIssue returns the issue matching w, failing the test when none does.
func findIssue(t *testing.T, sum *convert.Summary, w want) (convert.Issue, bool) {
	t.Helper()
	for _, is := range sum.Issues {
		if where(is) == w.at && is.Severity == w.sev && strings.Contains(is.Message+" ("+is.Hint+")", w.msg) {
			return is, true
		}
	}
	t.Errorf("no %s at %s containing %q; issues:\n%s", w.sev, w.at, w.msg, issuesText(sum))
	return convert.Issue{}, false
}

// checkIssues checks that the issues are exactly wants (in any order).
func checkIssues(t *testing.T, sum *convert.Summary, wants ...want) {
	t.Helper()
	for _, w := range wants {
		findIssue(t, sum, w)
	}
	if len(sum.Issues) != len(wants) {
		t.Errorf("%d issues, want %d:\n%s", len(sum.Issues), len(wants), issuesText(sum))
	}
}

func totalsText(sum *convert.Summary) string {
	var parts []string
	for _, tt := range sum.Totals {
		parts = append(parts, fmt.Sprintf("%s=%s/%d", tt.Currency, tt.Amount, tt.Records))
	}
	return strings.Join(parts, " ")
}

// ---------------------------------------------------------------------------
// Reading the output
// ---------------------------------------------------------------------------

// batchFiles lists the batch files of an output folder, sorted.
func batchFiles(t *testing.T, dir, prefix string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, prefix+"-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(matches)
	return matches
}

func decodeFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(path), err, data)
	}
}

// repJSON is one repayment as written; Amount keeps the JSON number's text.
type repJSON struct {
	LoanID   string      `json:"loan_id"`
	ClientID *string     `json:"client_id"`
	Amount   json.Number `json:"amount"`
}

// rep is an expected repayment: "loan", "client" ("" = no client_id key),
// "amount" as the JSON number is written.
type rep struct{ loan, client, amount string }

func (r repJSON) short() rep {
	c := ""
	if r.ClientID != nil {
		c = *r.ClientID
	}
	return rep{r.LoanID, c, r.Amount.String()}
}

// readRepayments reads every repayments batch of dir, in order.
func readRepayments(t *testing.T, dir string) []rep {
	t.Helper()
	var out []rep
	for _, f := range batchFiles(t, dir, "repayments") {
		var body struct {
			Repayments []repJSON `json:"repayments"`
		}
		decodeFile(t, f, &body)
		for _, r := range body.Repayments {
			out = append(out, r.short())
		}
	}
	return out
}

// draftJSON is a loan draft as written; amounts keep their JSON text.
type draftJSON struct {
	ActivityID            *int   `json:"activity_id"`
	ThemeTypeID           *int   `json:"theme_type_id"`
	DescriptionLanguageID *int   `json:"description_language_id"`
	Location              string `json:"location"`
	Currency              string `json:"currency"`
	ClientWaiverSigned    *bool  `json:"client_waiver_signed"`
	LoanUse               string `json:"loanuse"`
	Description           string `json:"description"`
	DisburseTime          string `json:"disburse_time"`
	Entreps               []struct {
		ClientID  string      `json:"client_id"`
		LoanID    string      `json:"loan_id"`
		FirstName string      `json:"first_name"`
		LastName  string      `json:"last_name"`
		Gender    string      `json:"gender"`
		Amount    json.Number `json:"amount"`
	} `json:"entreps"`
	Schedule []struct {
		Date      string      `json:"date"`
		Principal json.Number `json:"principal"`
		Interest  json.Number `json:"interest"`
	} `json:"schedule"`
	ImageEncoded     string `json:"image_encoded"`
	GroupName        string `json:"group_name"`
	InternalClientID string `json:"internal_client_id"`
	InternalLoanID   string `json:"internal_loan_id"`
	NotPictured      []bool `json:"not_pictured"`

	keys []string // the JSON keys present, in file order
}

// entreps is "loanID/clientID/first/gender/amount" per borrower.
func (d draftJSON) entreps() []string {
	var out []string
	for _, e := range d.Entreps {
		out = append(out, strings.Join([]string{e.LoanID, e.ClientID, e.FirstName, e.Gender, e.Amount.String()}, "/"))
	}
	return out
}

// schedule is "date/principal/interest" per installment.
func (d draftJSON) schedule() []string {
	var out []string
	for _, s := range d.Schedule {
		out = append(out, s.Date+"/"+s.Principal.String()+"/"+s.Interest.String())
	}
	return out
}

// readDrafts reads every loan-draft file of dir, in order.
func readDrafts(t *testing.T, dir string) []draftJSON {
	t.Helper()
	var out []draftJSON
	for _, f := range batchFiles(t, dir, "loan-draft") {
		var d draftJSON
		decodeFile(t, f, &d)
		data, _ := os.ReadFile(f)
		d.keys = jsonKeys(t, data)
		out = append(out, d)
	}
	return out
}

// jsonKeys is the top-level keys of a JSON object, in order.
func jsonKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func equalSlices[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s =\n  %v\nwant\n  %v", what, got, want)
	}
}

// ---------------------------------------------------------------------------
// Building inputs
// ---------------------------------------------------------------------------

// writeInput writes data to dir/name and returns the path.
func writeInput(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// utf16LE encodes s as UTF-16LE with a byte-order mark (Excel's "Unicode
// text").
func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// pngBytes is a small valid PNG photo.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := range 16 {
		img.Set(i%4, i/4, color.RGBA{uint8(40 * i), 120, 200, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Cell values of the workbook builder. A string is a text cell, an int a
// number cell, a float64 a number cell stored in its shortest form, a
// time.Time a date cell (number cell with a date format, as a serial of
// the workbook's date system), nil no cell.
type (
	// num is a number cell storing exactly this text ("84.84999999999999").
	num string
	// fmtNum is a number cell with a custom number format.
	fmtNum struct{ num, format string }
	// formula is a formula cell with no cached value.
	formula string
	// styledEmpty is a cell with a style and no value (what Excel leaves
	// after Delete on a formatted cell).
	styledEmpty struct{}
)

// sheetSpec is one sheet of a test workbook.
type sheetSpec struct {
	name       string
	above      [][]any // rows above the header (titles, notes, blank rows)
	header     []string
	rows       [][]any
	hidden     bool
	hiddenRows []int // indexes into rows
	dimension  string
}

// bookSpec is a test workbook.
type bookSpec struct {
	sheets   []sheetSpec
	date1904 bool
}

// excelSerial is t as a serial day number of the 1900 or 1904 date system
// (dates after 1900-03-01).
func excelSerial(t time.Time, date1904 bool) int64 {
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return int64(t.Sub(epoch).Hours() / 24)
}

// writeBook writes the workbook of spec to path.
func writeBook(t *testing.T, path string, spec bookSpec) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if spec.date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	styles := map[string]int{}
	style := func(format string) int {
		if id, ok := styles[format]; ok {
			return id
		}
		fc := format
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fc})
		if err != nil {
			t.Fatal(err)
		}
		styles[format] = id
		return id
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range spec.sheets {
		if i == 0 {
			must(f.SetSheetName("Sheet1", s.name))
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		var rows [][]any
		rows = append(rows, s.above...)
		if s.header != nil {
			hdr := make([]any, len(s.header))
			for j, h := range s.header {
				hdr[j] = h
			}
			rows = append(rows, hdr)
		}
		first := len(rows) + 1 // Excel row of rows[0]
		rows = append(rows, s.rows...)
		for r, row := range rows {
			for c, v := range row {
				ref, err := excelize.CoordinatesToCellName(c+1, r+1)
				must(err)
				switch v := v.(type) {
				case nil:
				case string:
					must(f.SetCellStr(s.name, ref, v))
				case int:
					must(f.SetCellInt(s.name, ref, int64(v)))
				case float64:
					must(f.SetCellFloat(s.name, ref, v, -1, 64))
				case num:
					must(setNumber(f, s.name, ref, string(v)))
				case fmtNum:
					must(setNumber(f, s.name, ref, v.num))
					must(f.SetCellStyle(s.name, ref, ref, style(v.format)))
				case time.Time:
					must(f.SetCellInt(s.name, ref, excelSerial(v, spec.date1904)))
					must(f.SetCellStyle(s.name, ref, ref, style("yyyy-mm-dd")))
				case formula:
					must(f.SetCellFormula(s.name, ref, string(v)))
				case styledEmpty:
					must(f.SetCellStyle(s.name, ref, ref, style("0.00")))
				default:
					t.Fatalf("writeBook: unsupported cell value %T", v)
				}
			}
		}
		for _, hr := range s.hiddenRows {
			must(f.SetRowVisible(s.name, first+hr, false))
		}
		if s.dimension != "" {
			must(f.SetSheetDimension(s.name, s.dimension))
		}
	}
	f.SetActiveSheet(0)
	for _, s := range spec.sheets {
		if s.hidden {
			must(f.SetSheetVisible(s.name, false))
		}
	}
	must(f.SaveAs(path))
}

// setNumber writes a number cell whose stored text is exactly stored.
func setNumber(f *excelize.File, sheet, ref, stored string) error {
	v, err := strconv.ParseFloat(stored, 64)
	if err != nil {
		return err
	}
	prec := 0
	if i := strings.IndexByte(stored, '.'); i >= 0 {
		prec = len(stored) - i - 1
	}
	if got := strconv.FormatFloat(v, 'f', prec, 64); got != stored {
		return fmt.Errorf("number %q would be stored as %q", stored, got)
	}
	return f.SetCellFloat(sheet, ref, v, prec, 64)
}

// ---------------------------------------------------------------------------
// Loan workbooks from Go tables
// ---------------------------------------------------------------------------

// loanCols is the header of the Loans sheet, columns A to T.
var loanCols = []string{
	"Loan ID", "Client ID", "First Name", "Last Name", "Gender", "Amount", // A-F
	"Currency", "Disbursal Date", "Activity", "Theme", "Location", // G-K
	"Description", "Description Language", "Loan Use", "Client Waiver Signed", // L-O
	"Image", "Group Name", "Group Loan ID", "Group Client ID", "Pictured", // P-T
}

// L is one row of the Loans sheet: header → cell value (absent: empty).
type L map[string]any

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// disbursed is the default disbursal date, 6 days before today.
var disbursed = day(2026, 11, 20)

// borrower is a valid individual loan row: every field PA2 wants, resolved
// by scnRef, and a photo (photo.png, written beside every loan workbook).
func borrower(loanID, clientID, first, amount string) L {
	return L{
		"Loan ID": loanID, "Client ID": clientID, "First Name": first, "Last Name": "Achieng",
		"Gender": "F", "Amount": num(amount), "Currency": "KES", "Disbursal Date": disbursed,
		"Activity": "Retail", "Theme": "Green", "Location": "Busia",
		"Description":          "She sells vegetables at the Busia market and wants a bigger stall.",
		"Description Language": "English", "Loan Use": "to buy more vegetables in bulk",
		"Client Waiver Signed": "Yes", "Image": "photo.png",
	}
}

// with returns a copy of l with kv (header, value, ...) set; a nil value
// empties the cell.
func (l L) with(kv ...any) L {
	out := maps.Clone(l)
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

// group makes rows members of one group loan.
func group(loanID, name, clientID string, members ...L) []L {
	out := make([]L, len(members))
	for i, m := range members {
		out[i] = m.with("Group Loan ID", loanID, "Group Name", name, "Group Client ID", clientID)
	}
	return out
}

// inst is one Schedule row: Loan ID, Due Date, Principal, Interest.
func inst(loanID string, due any, principal string) []any {
	return []any{loanID, due, num(principal), num("100")}
}

// loanBook is a loan-draft workbook: the Loans rows (one per borrower,
// from row 2) and the Schedule rows (from row 2).
type loanBook struct {
	loans    []L
	sched    [][]any
	date1904 bool
}

// loans is a shorthand for the rows of several loans.
func loans(parts ...any) []L {
	var out []L
	for _, p := range parts {
		switch p := p.(type) {
		case L:
			out = append(out, p)
		case []L:
			out = append(out, p...)
		}
	}
	return out
}

// write writes dir/loans.xlsx and dir/photo.png and returns the workbook's
// path.
func (lb loanBook) write(t *testing.T, dir string) string {
	t.Helper()
	writeInput(t, dir, "photo.png", pngBytes(t))
	rows := make([][]any, len(lb.loans))
	for i, l := range lb.loans {
		for k := range l {
			if !slices.Contains(loanCols, k) {
				t.Fatalf("loan row %d: unknown column %q", i, k)
			}
		}
		rows[i] = make([]any, len(loanCols))
		for j, c := range loanCols {
			rows[i][j] = l[c]
		}
	}
	path := filepath.Join(dir, "loans.xlsx")
	writeBook(t, path, bookSpec{date1904: lb.date1904, sheets: []sheetSpec{
		{name: "Loans", header: loanCols, rows: rows},
		{name: "Schedule", header: []string{"Loan ID", "Due Date", "Principal", "Interest"}, rows: lb.sched},
	}})
	return path
}

// ---------------------------------------------------------------------------
// Repayments
// ---------------------------------------------------------------------------

const threeColumnYAML = `
name: three
kind: repayments
repayment_format: three_column
currency: KES
fields:
  loan_id: {column: Loan ID, type: id, required: true}
  client_id: {column: Client ID, type: id}
  amount: {column: Amount, type: decimal, required: true}
`

const wholeYAML = `
name: whole
kind: repayments
amounts: whole
fields:
  loan_id: {column: Loan ID, type: id, required: true}
  amount: {column: Amount, type: decimal, required: true}
`

// repCase is one repayments scenario.
type repCase struct {
	name     string
	input    func(t *testing.T, dir string) string
	mapping  string // inline YAML; "": the best fit among the embedded mappings
	counts   counts
	issues   []want
	reps     []rep    // every repayment written, in order
	totals   string   // totalsText, when not ""
	notes    []string // fragments that must be among Summary.Notes
	unmapped []string // Summary.Unmapped, when not nil
	header   int      // Summary.HeaderRow, when not 0
}

func csvIn(name, text string) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string { return writeInput(t, dir, name, []byte(text)) }
}

func bytesIn(name string, data []byte) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string { return writeInput(t, dir, name, data) }
}

func xlsxIn(name string, spec bookSpec) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		path := filepath.Join(dir, name)
		writeBook(t, path, spec)
		return path
	}
}

// repSheet is a Repayments sheet with the template's header.
func repSheet(rows ...[]any) sheetSpec {
	return sheetSpec{name: "Repayments", header: []string{"Loan ID", "Client ID", "Amount"}, rows: rows}
}

func runRepCases(t *testing.T, cases []repCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			input := tc.input(t, t.TempDir())
			var m *mappings.Mapping
			if tc.mapping != "" {
				m = parseMapping(t, tc.mapping)
			}
			sum, out := mustRun(t, input, opts{mapping: m})
			checkCounts(t, sum, tc.counts)
			checkIssues(t, sum, tc.issues...)
			equalSlices(t, "repayments", readRepayments(t, out), tc.reps)
			if tc.totals != "" {
				equal(t, "totals", totalsText(sum), tc.totals)
			}
			for _, n := range tc.notes {
				if !slices.ContainsFunc(sum.Notes, func(s string) bool { return strings.Contains(s, n) }) {
					t.Errorf("no note containing %q in %q", n, sum.Notes)
				}
			}
			if tc.header != 0 {
				equal(t, "header row", sum.HeaderRow, tc.header)
			}
			if tc.unmapped != nil {
				equalSlices(t, "unmapped columns", sum.Unmapped, tc.unmapped)
			}
		})
	}
}

func TestScenarioRepaymentsCSV(t *testing.T) {
	runRepCases(t, []repCase{
		{
			name:   "comma",
			input:  csvIn("r.csv", "Loan ID,Client ID,Amount\n000123,C1,1500.50\n000124,C2,84.85\n"),
			counts: counts{records: 2},
			reps:   []rep{{"000123", "", "1500.5"}, {"000124", "", "84.85"}},
			totals: "=1585.35/2",
		},
		{
			name:   "semicolon with decimal comma",
			input:  csvIn("r.csv", "Loan ID;Client ID;Amount\r\n000123;C1;1500,50\r\n000124;C2;84,85\r\n000125;C3;1 234 567,5\r\n000126;C4;12 34,5\r\n"),
			counts: counts{records: 3, rejected: 1, errors: 1},
			reps:   []rep{{"000123", "", "1500.5"}, {"000124", "", "84.85"}, {"000125", "", "1234567.5"}},
			issues: []want{e("r.csv:5:11", "12 34,5")}, // groups of three are still checked
			notes:  []string{"comma for decimals, space for thousands"},
		},
		{
			name:   "bad amount at line and column",
			input:  csvIn("r.csv", "Loan ID,Client ID,Amount\n001,C1,10\n002,C2,12x\n003,C3,7\n"),
			counts: counts{records: 2, rejected: 1, errors: 1},
			issues: []want{e("r.csv:3:8", "12x")},
			reps:   []rep{{"001", "", "10"}, {"003", "", "7"}},
		},
		{
			name: "embedded newline before the bad row",
			input: csvIn("r.csv", "Loan ID,Client ID,Amount,Note\n"+
				"001,C1,10,\"first line\nsecond line\"\n"+
				"002,C2,12x,ok\n"),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("r.csv:4:8", "12x")},
			reps:   []rep{{"001", "", "10"}},
		},
		{
			name:   "title line and blank line above the header",
			input:  csvIn("r.csv", "Repayments December 2026\n\nLoan ID,Client ID,Amount\n001,C1,10\n002,C2,12x\n"),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("r.csv:5:8", "12x")},
			reps:   []rep{{"001", "", "10"}},
			header: 3,
		},
		{
			name:   "duplicate loan id",
			input:  csvIn("r.csv", "Loan ID,Client ID,Amount\n001,C1,10\n002,C2,20\n001,C1,5\n"),
			counts: counts{records: 2, rejected: 1, errors: 1},
			issues: []want{e("r.csv:4:1", "already reported on line 2")},
			reps:   []rep{{"001", "", "10"}, {"002", "", "20"}},
		},
		{
			name:   "row wider than the header",
			input:  csvIn("r.csv", "Loan ID,Client ID,Amount\n001,C1,10\n002,C2,20,oops\n"),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("r.csv:3:11", "right of the last header column")},
			reps:   []rep{{"001", "", "10"}},
		},
		{
			name:   "trailing delimiters: empty columns right of the header",
			input:  csvIn("r.csv", "Loan ID,Client ID,Amount,,\n001,C1,10,,\n002,C2,20,,\n,,,,\n"),
			counts: counts{records: 2},
			reps:   []rep{{"001", "", "10"}, {"002", "", "20"}},
		},
		{
			name:   "empty required cell",
			input:  csvIn("r.csv", "Loan ID,Client ID,Amount\n001,C1,10\n,C2,20\n003,C3,\n"),
			counts: counts{records: 1, rejected: 2, errors: 2},
			issues: []want{e("r.csv:3:1", "required, but the cell is empty"), e("r.csv:4:8", "required, but the cell is empty")},
			reps:   []rep{{"001", "", "10"}},
		},
		{
			name:    "three_column requires client ids",
			mapping: threeColumnYAML,
			input:   csvIn("r.csv", "Loan ID,Client ID,Amount\n001,C1,10.50\n002,,20\n"),
			counts:  counts{records: 1, rejected: 1, errors: 1},
			issues:  []want{e("r.csv:3:5", "required, but the cell is empty")},
			reps:    []rep{{"001", "C1", "10.5"}},
			totals:  "KES=10.5/1",
		},
		{
			name:    "whole amounts",
			mapping: wholeYAML,
			input:   csvIn("r.csv", "Loan ID,Amount\n001,1500\n002,10.50\n"),
			counts:  counts{records: 1, rejected: 1, errors: 1},
			issues:  []want{e("r.csv:3:5", "require whole amounts")},
			reps:    []rep{{"001", "", "1500"}},
		},
		{
			name: "Windows-1252",
			input: bytesIn("r.csv", []byte("Loan ID;Client ID;Amount;Agence\r\n"+
				"CAF\xc9-1;C1;2750,00;Si\xe8ge\r\n"+
				"002;C2;84,85;T\xe9vragh Ze\xefna\r\n")),
			counts:   counts{records: 2},
			reps:     []rep{{"CAFÉ-1", "", "2750"}, {"002", "", "84.85"}},
			notes:    []string{"Windows-1252"},
			unmapped: []string{"Agence"},
		},
		{
			name: "UTF-16LE with BOM, tab-delimited",
			input: bytesIn("r.txt", utf16LE("Loan ID\tClient ID\tAmount\r\n"+
				"Ñ-001\tC1\t1234.5\r\n"+
				"002\tC2\t12x\r\n")),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("r.txt:3:8", "12x")},
			reps:   []rep{{"Ñ-001", "", "1234.5"}},
		},
		{
			name:   "UTF-8 BOM",
			input:  bytesIn("r.csv", []byte("\xef\xbb\xbfLoan ID,Client ID,Amount\n001,C1,10\nx,C2,1y\n")),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("r.csv:3:6", "1y")},
			reps:   []rep{{"001", "", "10"}},
		},
	})
}

func TestScenarioRepaymentsXLSX(t *testing.T) {
	runRepCases(t, []repCase{
		{
			name: "stored doubles, text ids, zero-padded ids",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{repSheet(
				[]any{"000123", "0045871", num("84.84999999999999")},
				[]any{"000124", "0045902", num("84.849999999999994")},
				[]any{fmtNum{"125", "000000"}, fmtNum{"45903", "0000000"}, num("2835.15")},
				[]any{"000126", 45904, 3000},
				[]any{"1234567890123456789", "C5", num("0.10")},
			)}}),
			counts: counts{records: 5},
			reps: []rep{
				{"000123", "", "84.85"}, {"000124", "", "84.85"},
				{"000125", "", "2835.15"}, {"000126", "", "3000"},
				{"1234567890123456789", "", "0.1"},
			},
			totals: "=6004.95/5",
		},
		{
			name: "19-digit id stored as a number",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{repSheet(
				[]any{"001", "C1", 10},
				[]any{float64(1234567890123456789), "C2", 20},
			)}}),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("Repayments!A3", "format the column as Text")},
			reps:   []rep{{"001", "", "10"}},
		},
		{
			name: "formula without a cached value",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{repSheet(
				[]any{"001", "C1", 10},
				[]any{"002", "C2", formula("SUM(1,2)")},
			)}}),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("Repayments!C3", "save it")},
			reps:   []rep{{"001", "", "10"}},
		},
		{
			name: "hidden rows converted, one warning with the count",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{{
				name: "Repayments", header: []string{"Loan ID", "Client ID", "Amount"},
				rows:       [][]any{{"001", "C1", 10}, {"002", "C2", 20}, {"003", "C3", 30}, {"004", "C4", 40}},
				hiddenRows: []int{1, 2},
			}}}),
			counts: counts{records: 4, warnings: 1},
			issues: []want{w("Repayments!3", "2 hidden row(s)")},
			reps:   []rep{{"001", "", "10"}, {"002", "", "20"}, {"003", "", "30"}, {"004", "", "40"}},
		},
		{
			name: "title rows above a header on row 4",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{{
				name:   "Repayments",
				above:  [][]any{{"ACME Microfinance — repayments, December 2026"}, nil, {"Exported 2026-12-01"}},
				header: []string{"Loan ID", "Client ID", "Amount"},
				rows:   [][]any{{"001", "C1", 10}, {"002", "C2", "12x"}},
			}}}),
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("Repayments!C6", "12x")},
			reps:   []rep{{"001", "", "10"}},
			header: 4,
		},
		{
			name: "trailing empty columns and rows",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{{
				name: "Repayments", header: []string{"Loan ID", "Client ID", "Amount"},
				rows: [][]any{
					{"001", "C1", 10, styledEmpty{}, styledEmpty{}},
					{"002", "C2", 20, styledEmpty{}, styledEmpty{}},
					{styledEmpty{}, styledEmpty{}, styledEmpty{}, styledEmpty{}, styledEmpty{}},
					{styledEmpty{}, styledEmpty{}, styledEmpty{}, styledEmpty{}, styledEmpty{}},
					{nil, nil, nil, nil, nil, nil, nil, styledEmpty{}},
				},
				dimension: "A1:H6",
			}}}),
			counts: counts{records: 2},
			reps:   []rep{{"001", "", "10"}, {"002", "", "20"}},
		},
	})
}

// TestScenarioErrorsCSV: errors.csv lists each problem at its cell.
func TestScenarioErrorsCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.xlsx")
	writeBook(t, path, bookSpec{sheets: []sheetSpec{{
		name:   "Repayments",
		above:  [][]any{{"ACME Microfinance — repayments"}},
		header: []string{"Loan ID", "Client ID", "Amount"},
		rows:   [][]any{{"001", "C1", 10}, {"002", "C2", "=12x"}},
	}}})
	sum, out := mustRun(t, path, opts{})
	checkCounts(t, sum, counts{records: 1, rejected: 1, errors: 1})
	data, err := os.ReadFile(filepath.Join(out, "errors.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbffile,sheet,cell,row,column,field,value,severity,message")) {
		t.Errorf("errors.csv does not start with a BOM and the documented header:\n%s", data)
	}
	if want := "r.xlsx,Repayments,C4,4,Amount,amount,'=12x,error,"; !bytes.Contains(data, []byte(want)) {
		t.Errorf("errors.csv has no line starting %q:\n%s", want, data)
	}
}

// TestScenarioHiddenSheet: a hidden sheet is reported once (and not read);
// the warning concerns the whole file, so its text must not point at a
// "row 0" that does not exist.
func TestScenarioHiddenSheet(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.xlsx")
	writeBook(t, path, bookSpec{sheets: []sheetSpec{
		repSheet([]any{"001", "C1", 10}),
		{name: "Old", header: []string{"Loan ID", "Client ID", "Amount"}, rows: [][]any{{"999", "C9", 99}}, hidden: true},
	}})
	sum, out := mustRun(t, path, opts{})
	checkCounts(t, sum, counts{records: 1, warnings: 1})
	equalSlices(t, "repayments", readRepayments(t, out), []rep{{"001", "", "10"}})
	if len(sum.Issues) != 1 {
		t.Fatalf("issues:\n%s", issuesText(sum))
	}
	is := sum.Issues[0]
	equal(t, "severity", is.Severity, kiva.Warning)
	if !strings.Contains(is.Message, "1 hidden sheet(s): Old") {
		t.Errorf("message %q does not name the hidden sheet", is.Message)
	}
	if strings.Contains(is.Text(), "row 0") {
		t.Errorf("a file-level issue reads %q: there is no row 0", is.Text())
	}
	report, err := os.ReadFile(filepath.Join(out, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(report, []byte("row 0")) {
		t.Errorf("report.txt points at a row 0:\n%s", report)
	}
}

// TestScenarioRepaymentsBatches: more than 250 rows make two batch files.
func TestScenarioRepaymentsBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("Loan ID,Client ID,Amount\n")
	for i := 1; i <= 251; i++ {
		fmt.Fprintf(&b, "%06d,C%d,%d.25\n", i, i, i)
	}
	path := writeInput(t, t.TempDir(), "r.csv", []byte(b.String()))
	sum, out := mustRun(t, path, opts{})
	checkCounts(t, sum, counts{records: 251})
	equalSlices(t, "summary batches", sum.Batches, []string{"repayments-0001.json", "repayments-0002.json"})
	files := batchFiles(t, out, "repayments")
	if len(files) != 2 {
		t.Fatalf("batch files %v, want 2", files)
	}
	var first, second struct {
		Repayments []repJSON `json:"repayments"`
	}
	decodeFile(t, files[0], &first)
	decodeFile(t, files[1], &second)
	equal(t, "first batch", len(first.Repayments), 250)
	equal(t, "second batch", len(second.Repayments), 1)
	equal(t, "last repayment", second.Repayments[0].short(), rep{"000251", "", "251.25"})
	// 1+…+251 = 31626, plus 251 × 0.25
	equal(t, "totals", totalsText(sum), "=31688.75/251")
}

// TestScenarioRunRefuses: inputs that cannot be converted at all make Run
// return an error that says why.
func TestScenarioRunRefuses(t *testing.T) {
	cases := []struct {
		name    string
		file    string
		text    string
		mapping string // a built-in mapping's name; "": pick among all
		want    []string
		sel     bool // a *mappings.SelectError
	}{
		{
			name: "missing column, given mapping", file: "r.csv", mapping: "repayments",
			text: "Loan ID,Client ID,Amout\n001,C1,10\n",
			want: []string{`"Amount"`, `closest header: "Amout"`, "column C"},
		},
		{
			name: "missing column, mapping picked", file: "r.csv",
			text: "Loan ID,Client ID,Amout\n001,C1,10\n",
			want: []string{"repayments", `closest header: "Amout"`},
			sel:  true,
		},
		{
			name: "unrelated file, given mapping", file: "people.csv", mapping: "repayments",
			text: "Name,Age,Town\nBob,34,Busia\n",
			want: []string{"none of its columns were found", `"Loan ID"`, `"Amount"`},
		},
		{
			name: "unrelated file", file: "people.csv",
			text: "Name,Age,Town\nBob,34,Busia\n",
			want: []string{"do not fit any mapping", `"loans"`, `"repayments"`, `"journals"`},
			sel:  true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeInput(t, t.TempDir(), tc.file, []byte(tc.text))
			var m *mappings.Mapping
			if tc.mapping != "" {
				m = builtin(t, tc.mapping)
			}
			sum, out, err := run(t, path, opts{mapping: m})
			if err == nil {
				t.Fatalf("Run succeeded:\n%s", issuesText(sum))
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not contain %q:\n%v", s, err)
				}
			}
			if !convert.IsInputError(err) {
				t.Errorf("IsInputError(%v) = false", err)
			}
			var se *mappings.SelectError
			if got := errors.As(err, &se); got != tc.sel {
				t.Errorf("errors.As(SelectError) = %v, want %v", got, tc.sel)
			} else if got && len(se.Candidates) != 3 {
				t.Errorf("%d candidates listed, want 3", len(se.Candidates))
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("output folder %s was created for a file that cannot be converted", out)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Loan drafts
// ---------------------------------------------------------------------------

// loanCase is one loan-draft scenario.
type loanCase struct {
	name    string
	book    loanBook
	mapping func(t *testing.T) *mappings.Mapping // nil: best fit
	noRef   bool
	strict  bool
	counts  counts
	issues  []want
	totals  string // totalsText, when not ""
	check   func(t *testing.T, drafts []draftJSON)
}

// loanIDs is the loan ids of the drafts (the group's id for a group).
func loanIDs(ds []draftJSON) []string {
	var out []string
	for _, d := range ds {
		if d.InternalLoanID != "" {
			out = append(out, d.InternalLoanID)
		} else if len(d.Entreps) > 0 {
			out = append(out, d.Entreps[0].LoanID)
		}
	}
	return out
}

func draftsAre(ids ...string) func(*testing.T, []draftJSON) {
	return func(t *testing.T, ds []draftJSON) {
		t.Helper()
		equalSlices(t, "drafts written", loanIDs(ds), ids)
	}
}

// ddmmyyyy is the built-in loans mapping with locale.date_formats
// [DD/MM/YYYY], parsed like a partner's own file.
func ddmmyyyy(t *testing.T) *mappings.Mapping {
	t.Helper()
	src, err := mappings.EmbeddedYAML("loans")
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "\nlocale:\n  date_formats: [DD/MM/YYYY]\n"...)
	m, err := mappings.Parse(src, "loans-ddmmyyyy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestScenarioLoanDrafts(t *testing.T) {
	dec20, jan20 := day(2026, 12, 20), day(2027, 1, 20)
	one := borrower("L1", "C1", "Grace", "15000.50")
	oneSched := [][]any{inst("L1", dec20, "7500.25"), inst("L1", jan20, "7500.25")}

	cases := []loanCase{
		{
			name: "valid individual and group loans",
			book: loanBook{
				loans: loans(
					one,
					group("G1", "Tusubira Women Group", "GC-88",
						borrower("M1", "C11", "Sarah", "12000.35").with("Pictured", "Yes"),
						borrower("M2", "C12", "Annet", "84.84999999999999").with("Pictured", "No"),
						borrower("M3", "C13", "Rose", "9000").with("Gender", "Female"),
					),
				),
				sched: append(oneSched,
					inst("G1", dec20, "10000.20"), inst("G1", jan20, "11085.00")),
			},
			counts: counts{records: 2},
			totals: "KES=36085.7/2",
			check: func(t *testing.T, ds []draftJSON) {
				if len(ds) != 2 {
					t.Fatalf("%d drafts, want 2", len(ds))
				}
				ind, grp := ds[0], ds[1]
				equalSlices(t, "individual entreps", ind.entreps(), []string{"L1/C1/Grace/female/15000.5"})
				equalSlices(t, "individual schedule", ind.schedule(), []string{"2026-12-20/7500.25/100", "2027-01-20/7500.25/100"})
				for _, k := range []string{"group_name", "internal_loan_id", "internal_client_id", "not_pictured"} {
					if slices.Contains(ind.keys, k) {
						t.Errorf("individual draft has group-only key %q", k)
					}
				}
				equal(t, "activity_id", *ind.ActivityID, 73)
				equal(t, "theme_type_id", *ind.ThemeTypeID, 3)
				equal(t, "description_language_id", *ind.DescriptionLanguageID, 1)
				equal(t, "location", ind.Location, "Busia, Busia County, Kenya")
				equal(t, "disburse_time", ind.DisburseTime, "2026-11-20")
				equal(t, "client_waiver_signed", ind.ClientWaiverSigned != nil && *ind.ClientWaiverSigned, true)
				if !strings.HasPrefix(ind.ImageEncoded, "data:image/png;base64,") {
					t.Errorf("image_encoded starts %.40q, want a PNG data URI", ind.ImageEncoded)
				}
				equalSlices(t, "JSON key order", ind.keys, []string{"activity_id", "theme_type_id", "description_language_id",
					"location", "currency", "client_waiver_signed", "loanuse", "description", "disburse_time",
					"entreps", "schedule", "image_encoded"})

				equalSlices(t, "group entreps", grp.entreps(), []string{
					"M1/C11/Sarah/female/12000.35", "M2/C12/Annet/female/84.85", "M3/C13/Rose/female/9000"})
				equalSlices(t, "not_pictured", grp.NotPictured, []bool{false, true, false})
				equal(t, "internal_loan_id", grp.InternalLoanID, "G1")
				equal(t, "internal_client_id", grp.InternalClientID, "GC-88")
				equal(t, "group_name", grp.GroupName, "Tusubira Women Group")
				equalSlices(t, "group schedule", grp.schedule(), []string{"2026-12-20/10000.2/100", "2027-01-20/11085/100"})
			},
		},
		{
			name: "group rows before an individual row: each draft is written when its last row is read",
			book: loanBook{
				loans: loans(
					group("G1", "Umoja", "GC-1", borrower("M1", "C11", "Esther", "100"), borrower("M2", "C12", "Lucy", "100")),
					one,
				),
				sched: append(oneSched, inst("G1", dec20, "200")),
			},
			counts: counts{records: 2},
			check:  draftsAre("G1", "L1"),
		},
		{
			name: "group member with a bad amount: the whole group is rejected",
			book: loanBook{
				loans: loans(one, group("G1", "Umoja", "GC-1",
					borrower("M1", "C11", "Esther", "100"),
					borrower("M2", "C12", "Lucy", "100").with("Amount", "10O"),
					borrower("M3", "C13", "Kevin", "100"),
				)),
				sched: append(oneSched, inst("G1", dec20, "300")),
			},
			counts: counts{records: 1, rejected: 3, errors: 2},
			issues: []want{e("Loans!F4", "10O"), e("Loans!R3", "group loan G1 (3 rows) is not converted")},
			check:  draftsAre("L1"),
		},
		{
			name: "bad schedule cell rejects its loan",
			book: loanBook{
				loans: loans(one),
				sched: [][]any{inst("L1", dec20, "7500.25"), {"L1", jan20, "7500,25x", num("100")}},
			},
			counts: counts{rejected: 1, errors: 2},
			issues: []want{
				e("Schedule!C3", "7500,25x"),
				e("Loans!A2", "its schedule has errors"),
			},
			check: draftsAre(),
		},
		{
			name: "empty-string cells in optional columns",
			book: loanBook{
				loans: loans(one.with("Theme", "", "Last Name", "", "Group Name", "", "Group Loan ID", "",
					"Group Client ID", "", "Pictured", "")),
				sched: oneSched,
			},
			counts: counts{records: 1},
			check: func(t *testing.T, ds []draftJSON) {
				if len(ds) != 1 {
					t.Fatalf("%d drafts", len(ds))
				}
				if ds[0].ThemeTypeID != nil || slices.Contains(ds[0].keys, "group_name") || slices.Contains(ds[0].keys, "not_pictured") {
					t.Errorf("empty cells became fields: %v", ds[0].keys)
				}
			},
		},
		{
			name: "group rows disagree on the disbursal date",
			book: loanBook{
				loans: loans(one, group("G1", "Umoja", "GC-1",
					borrower("M1", "C11", "Esther", "100"),
					borrower("M2", "C12", "Lucy", "100").with("Disbursal Date", day(2026, 11, 21)),
					borrower("M3", "C13", "Kevin", "100").with("Gender", "M"),
				)),
				sched: append(oneSched, inst("G1", dec20, "300")),
			},
			counts: counts{records: 1, rejected: 3, errors: 1},
			issues: []want{e("Loans!H4", "H3 (its first row)")},
			check:  draftsAre("L1"),
		},
		{
			name: "group with one row",
			book: loanBook{
				loans: loans(one, group("G1", "Solo", "GC-1", borrower("M1", "C11", "Esther", "100"))),
				sched: append(oneSched, inst("G1", dec20, "100")),
			},
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("Loans!R3", "only one borrower row")},
			check:  draftsAre("L1"),
		},
		{
			name: "schedule total differs from the loan amount",
			book: loanBook{
				loans: loans(one, borrower("L2", "C2", "Mercy", "1000")),
				sched: append(oneSched, inst("L2", dec20, "500"), inst("L2", jan20, "400")),
			},
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("Loans!A3", "repays 900.00 KES of principal, but the borrowers' amounts add up to 1000.00 KES")},
			check:  draftsAre("L1"),
		},
		{
			name: "schedule rows for an unknown loan",
			book: loanBook{
				loans: loans(one),
				sched: append(oneSched, inst("ZZ9", dec20, "50")),
			},
			counts: counts{records: 1, rejected: 0, errors: 1}, // schedule rows are not loan rows
			issues: []want{e("Schedule!A4", "which is not in the loans sheet")},
			check:  draftsAre("L1"),
		},
		{
			name: "schedule under a member's loan id",
			book: loanBook{
				loans: loans(group("G1", "Umoja", "GC-1",
					borrower("M1", "C11", "Esther", "100"),
					borrower("M2", "C12", "Lucy", "100"),
				)),
				sched: [][]any{inst("M1", dec20, "200")},
			},
			counts: counts{rejected: 2, errors: 2},
			issues: []want{
				e("Schedule!A2", "give the schedule under the Group Loan ID G1"),
				e("Loans!R2", "no repayment schedule"),
			},
			check: draftsAre(),
		},
		{
			name: "loan without schedule rows",
			book: loanBook{
				loans: loans(one, borrower("L2", "C2", "Mercy", "1000")),
				sched: oneSched,
			},
			counts: counts{records: 1, rejected: 1, errors: 1},
			issues: []want{e("Loans!A3", "no repayment schedule")},
			check:  draftsAre("L1"),
		},
		{
			name: "schedule dates not ascending",
			book: loanBook{
				loans: loans(one),
				sched: [][]any{inst("L1", jan20, "7500.25"), inst("L1", dec20, "7500.25")},
			},
			counts: counts{rejected: 1, errors: 1},
			issues: []want{e("Schedule!B3", "is not after the previous payment's date 2027-01-20")},
			check:  draftsAre(),
		},
		{
			name: "disbursed 31 days ago: warning, still written",
			book: loanBook{
				loans: loans(one.with("Disbursal Date", day(2026, 10, 26))),
				sched: oneSched,
			},
			counts: counts{records: 1, warnings: 1},
			issues: []want{w("Loans!H2", "31 days ago")},
			check:  draftsAre("L1"),
		},
		{
			name: "disbursed 31 days ago, strict: rejected",
			book: loanBook{
				loans: loans(one.with("Disbursal Date", day(2026, 10, 26))),
				sched: oneSched,
			},
			strict: true,
			counts: counts{rejected: 1, errors: 1},
			issues: []want{e("Loans!H2", "31 days ago")},
			check:  draftsAre(),
		},
		{
			name: "unknown activity name",
			book: loanBook{
				loans: loans(one.with("Activity", "Retial")),
				sched: oneSched,
			},
			counts: counts{rejected: 1, errors: 1},
			issues: []want{e("Loans!I2", `unknown activity "Retial" (did you mean "Retail"?)`)},
			check:  draftsAre(),
		},
		{
			name: "activity name without reference data",
			book: loanBook{
				loans: loans(one.with("Theme", nil, "Description Language", "1", "Location", "Busia, Busia County, Kenya")),
				sched: oneSched,
			},
			noRef:  true,
			counts: counts{rejected: 1, errors: 1},
			issues: []want{e("Loans!I2", "names need reference data")},
			check:  draftsAre(),
		},
		{
			name: "numeric activity id without reference data",
			book: loanBook{
				loans: loans(one.with("Activity", 73, "Theme", nil, "Description Language", "1", "Location", "Busia, Busia County, Kenya")),
				sched: oneSched,
			},
			noRef:  true,
			counts: counts{records: 1},
			check: func(t *testing.T, ds []draftJSON) {
				if len(ds) != 1 {
					t.Fatalf("%d drafts", len(ds))
				}
				equal(t, "activity_id", *ds[0].ActivityID, 73)
				equal(t, "description_language_id", *ds[0].DescriptionLanguageID, 1)
			},
		},
		{
			name: "ambiguous text date without a declared format",
			book: loanBook{
				loans: loans(one.with("Disbursal Date", "05/01/2026")),
				sched: oneSched,
			},
			counts: counts{rejected: 1, errors: 1},
			issues: []want{e("Loans!H2", `ambiguous date "05/01/2026"`)},
			check:  draftsAre(),
		},
		{
			name: "text dates with a DD/MM/YYYY mapping",
			book: loanBook{
				loans: loans(one.with("Disbursal Date", "20/11/2026")),
				sched: [][]any{inst("L1", "20/12/2026", "7500.25"), inst("L1", "20/01/2027", "7500.25")},
			},
			mapping: ddmmyyyy,
			counts:  counts{records: 1},
			check: func(t *testing.T, ds []draftJSON) {
				if len(ds) != 1 {
					t.Fatalf("%d drafts", len(ds))
				}
				equal(t, "disburse_time", ds[0].DisburseTime, "2026-11-20")
				equalSlices(t, "schedule", ds[0].schedule(), []string{"2026-12-20/7500.25/100", "2027-01-20/7500.25/100"})
			},
		},
		{
			name: "1904 date system",
			book: loanBook{
				loans:    loans(one),
				sched:    oneSched,
				date1904: true,
			},
			counts: counts{records: 1},
			check: func(t *testing.T, ds []draftJSON) {
				if len(ds) != 1 {
					t.Fatalf("%d drafts", len(ds))
				}
				equal(t, "disburse_time", ds[0].DisburseTime, "2026-11-20")
				equalSlices(t, "schedule", ds[0].schedule(), []string{"2026-12-20/7500.25/100", "2027-01-20/7500.25/100"})
			},
		},
		{
			name: "image path that does not exist",
			book: loanBook{
				loans: loans(one.with("Image", "photos/missing.jpg")),
				sched: oneSched,
			},
			counts: counts{rejected: 1, errors: 1},
			issues: []want{e("Loans!P2", "photos/missing.jpg not found")},
			check:  draftsAre(),
		},
		{
			name: "group name on an individual row",
			book: loanBook{
				loans: loans(one.with("Group Name", "Umoja")),
				sched: oneSched,
			},
			counts: counts{rejected: 1, errors: 1},
			issues: []want{e("Loans!Q2", "only group loans may have one")},
			check:  draftsAre(),
		},
		{
			name: "duplicate borrower rows",
			book: loanBook{
				loans: loans(one, borrower("L2", "C2", "Mercy", "1000"), one),
				sched: append(oneSched, inst("L2", dec20, "1000")),
			},
			counts: counts{records: 2, rejected: 1, errors: 1},
			issues: []want{e("Loans!A4", "already in this file at A2")},
			check:  draftsAre("L1", "L2"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.book.write(t, t.TempDir())
			o := opts{strict: tc.strict}
			if !tc.noRef {
				o.ref = testRef(t)
			}
			if tc.mapping != nil {
				o.mapping = tc.mapping(t)
			}
			sum, out := mustRun(t, path, o)
			equal(t, "mapping", sum.Mapping, "loans")
			checkCounts(t, sum, tc.counts)
			checkIssues(t, sum, tc.issues...)
			if tc.totals != "" {
				equal(t, "totals", totalsText(sum), tc.totals)
			}
			if tc.check != nil {
				tc.check(t, readDrafts(t, out))
			}
		})
	}
}

// TestScenarioGroupMismatchMessage: the error for a group whose rows
// disagree names both cells and shows both values as the user sees them
// (a date, not Excel's serial number).
func TestScenarioGroupMismatchMessage(t *testing.T) {
	dec20 := day(2026, 12, 20)
	path := loanBook{
		loans: loans(group("G1", "Umoja", "GC-1",
			borrower("M1", "C11", "Esther", "100"),
			borrower("M2", "C12", "Lucy", "100").with("Disbursal Date", day(2026, 11, 21)),
		)),
		sched: [][]any{inst("G1", dec20, "200")},
	}.write(t, t.TempDir())
	sum, _ := mustRun(t, path, opts{ref: testRef(t)})
	is, ok := findIssue(t, sum, e("Loans!H3", "H2 (its first row)"))
	if !ok {
		return
	}
	for _, s := range []string{"2026-11-21", "2026-11-20"} {
		if !strings.Contains(is.Message, s) {
			t.Errorf("message %q does not show the date %s", is.Message, s)
		}
	}
}

// ---------------------------------------------------------------------------
// Journals
// ---------------------------------------------------------------------------

const journalObjectYAML = `
name: journals-object
kind: journals
journal: {wrapper: object}
fields:
  loan_id: {column: Loan ID, required: true}
  client_id: {column: Client ID}
  subject: {column: Subject, required: true}
  body: {column: Body, required: true}
  image_url: {column: Image URL}
`

func TestScenarioJournals(t *testing.T) {
	const text = "Loan ID,Client ID,Subject,Body,Image URL\n" +
		"098765,C1,New fridge,Beatrice bought a fridge.,https://media.example/098765.jpg\n" +
		"098802,C2,A second net,Samuel bought a net.,\n" +
		"101150,C3,Restocked,Halima restocked her shop.,ftp://media.example/101150.jpg\n"
	type journalJSON struct {
		InternalLoanID   string  `json:"internal_loan_id"`
		InternalClientID *string `json:"internal_client_id"`
		Subject          string  `json:"subject"`
		Body             string  `json:"body"`
		ImageURL         *string `json:"image_url"`
	}
	cases := []struct {
		name    string
		mapping string
		object  bool
	}{
		{name: "array wrapper (built-in)"},
		{name: "object wrapper", mapping: journalObjectYAML, object: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeInput(t, t.TempDir(), "j.csv", []byte(text))
			var m *mappings.Mapping
			if tc.mapping != "" {
				m = parseMapping(t, tc.mapping)
			}
			sum, out := mustRun(t, path, opts{mapping: m})
			checkCounts(t, sum, counts{records: 2, rejected: 1, errors: 1})
			checkIssues(t, sum, e("j.csv:4:48", "is not a web address"))
			files := batchFiles(t, out, "journals")
			if len(files) != 1 {
				t.Fatalf("journal files %v", files)
			}
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			var js []journalJSON
			if tc.object {
				equalSlices(t, "keys", jsonKeys(t, data), []string{"journals"})
				var body struct {
					Journals []journalJSON `json:"journals"`
				}
				decodeFile(t, files[0], &body)
				js = body.Journals
			} else {
				if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
					t.Fatalf("not a JSON array:\n%s", data)
				}
				decodeFile(t, files[0], &js)
			}
			if len(js) != 2 {
				t.Fatalf("%d journals, want 2:\n%s", len(js), data)
			}
			equal(t, "first loan", js[0].InternalLoanID, "098765")
			equal(t, "first image_url", js[0].ImageURL != nil && *js[0].ImageURL == "https://media.example/098765.jpg", true)
			equal(t, "second loan", js[1].InternalLoanID, "098802")
			equal(t, "second has no image_url", js[1].ImageURL == nil, true)
			equal(t, "two-column: no internal_client_id", js[0].InternalClientID == nil, true)
		})
	}
}

// ---------------------------------------------------------------------------
// Modes and the output folder
// ---------------------------------------------------------------------------

// TestScenarioDryRun: a dry run writes nothing and keeps the first records.
func TestScenarioDryRun(t *testing.T) {
	t.Run("repayments", func(t *testing.T) {
		dir := t.TempDir()
		path := writeInput(t, dir, "r.csv", []byte("Loan ID,Client ID,Amount\n001,C1,10\n002,C2,20.5\n003,C3,30\n004,C4,x\n"))
		sum, _ := mustRun(t, path, opts{dryRun: true, preview: 2})
		checkCounts(t, sum, counts{records: 3, rejected: 1, errors: 1})
		equal(t, "out dir", sum.OutDir, "")
		equal(t, "batches", len(sum.Batches), 0)
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("the dry run left files beside the input: %v", entries)
		}
		if len(sum.Preview) != 1 {
			t.Fatalf("preview holds %d items, want 1 repayments body", len(sum.Preview))
		}
		body, ok := sum.Preview[0].(kiva.RepaymentsBody)
		if !ok {
			t.Fatalf("preview[0] is %T", sum.Preview[0])
		}
		data, _ := json.Marshal(body)
		equal(t, "preview JSON", string(data), `{"repayments":[{"loan_id":"001","amount":10},{"loan_id":"002","amount":20.5}]}`)
	})
	t.Run("loan drafts", func(t *testing.T) {
		dir := t.TempDir()
		path := loanBook{
			loans: loans(borrower("L1", "C1", "Grace", "100"), borrower("L2", "C2", "Mercy", "200"), borrower("L3", "C3", "Rose", "300")),
			sched: [][]any{inst("L1", day(2026, 12, 20), "100"), inst("L2", day(2026, 12, 20), "200"), inst("L3", day(2026, 12, 20), "300")},
		}.write(t, dir)
		out := filepath.Join(dir, "explicit.kiva")
		sum, _ := mustRun(t, path, opts{dryRun: true, preview: 2, outDir: out, ref: testRef(t)})
		checkCounts(t, sum, counts{records: 3})
		if _, err := os.Stat(out); err == nil {
			t.Errorf("the dry run created %s", out)
		}
		if _, err := os.Stat(convert.DefaultOutDir(path)); err == nil {
			t.Errorf("the dry run created %s", convert.DefaultOutDir(path))
		}
		if len(sum.Preview) != 2 {
			t.Fatalf("preview holds %d drafts, want 2", len(sum.Preview))
		}
		for i, id := range []string{"L1", "L2"} {
			d, ok := sum.Preview[i].(*kiva.LoanDraft)
			if !ok {
				t.Fatalf("preview[%d] is %T", i, sum.Preview[i])
			}
			equal(t, "preview loan", d.LoanID(), id)
		}
	})
}

// TestScenarioDeterministic: the same input written twice gives
// byte-identical files.
func TestScenarioDeterministic(t *testing.T) {
	dir := t.TempDir()
	dec20 := day(2026, 12, 20)
	path := loanBook{
		loans: loans(
			borrower("L1", "C1", "Grace", "15000.50"),
			group("G1", "Umoja", "GC-1", borrower("M1", "C11", "Esther", "100"), borrower("M2", "C12", "Lucy", "200.25")),
			borrower("L2", "C2", "Mercy", "1000").with("Group Name", "Umoja"),
		),
		sched: [][]any{inst("L1", dec20, "15000.50"), inst("G1", dec20, "300.25"), inst("L2", dec20, "1000")},
	}.write(t, dir)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, out := range []string{a, b} {
		sum, _ := mustRun(t, path, opts{ref: testRef(t), outDir: out})
		checkCounts(t, sum, counts{records: 2, rejected: 1, errors: 1})
	}
	entries, err := os.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
		x, _ := os.ReadFile(filepath.Join(a, en.Name()))
		y, err := os.ReadFile(filepath.Join(b, en.Name()))
		if err != nil {
			t.Errorf("%s missing from the second run", en.Name())
			continue
		}
		// report.txt names its own folder.
		x = bytes.ReplaceAll(x, []byte(a), []byte("OUT"))
		y = bytes.ReplaceAll(y, []byte(b), []byte("OUT"))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs:\n%s", en.Name(), firstDiff(x, y))
		}
	}
	equalSlices(t, "files", names, []string{"errors.csv", "loan-draft-0001.json", "loan-draft-0002.json", "loans.checked.xlsx", "manifest.json", "report.txt", "review.html"})
}

// TestScenarioRewrite: converting again into the same folder replaces the
// batches and removes those the new conversion does not list.
func TestScenarioRewrite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.kiva")
	var big strings.Builder
	big.WriteString("Loan ID,Amount\n")
	for i := 1; i <= 260; i++ {
		fmt.Fprintf(&big, "%d,1\n", i)
	}
	path := writeInput(t, dir, "r.csv", []byte(big.String()))
	mustRun(t, path, opts{outDir: out})
	if n := len(batchFiles(t, out, "repayments")); n != 2 {
		t.Fatalf("first run wrote %d batch files, want 2", n)
	}
	writeInput(t, dir, "r.csv", []byte("Loan ID,Amount\n7,70\n"))
	sum, _ := mustRun(t, path, opts{outDir: out})
	equalSlices(t, "batches", sum.Batches, []string{"repayments-0001.json"})
	equalSlices(t, "repayments", readRepayments(t, out), []rep{{"7", "", "70"}})
}

// TestScenarioLedger: a folder that send has used is refused unless
// Overwrite; the ledger is left as it is.
func TestScenarioLedger(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.kiva")
	ledger := writeInput(t, out, "ledger.jsonl", []byte(`{"sent":"repayments-0001.json"}`+"\n"))
	path := writeInput(t, dir, "r.csv", []byte("Loan ID,Amount\n001,10\n"))

	_, _, err := run(t, path, opts{outDir: out})
	if !errors.Is(err, batch.ErrAlreadySent) {
		t.Fatalf("Run into a sent folder: %v, want ErrAlreadySent", err)
	}
	if !strings.Contains(err.Error(), "overwrite") {
		t.Errorf("error %q does not say how to go on", err)
	}
	if files := batchFiles(t, out, "repayments"); len(files) != 0 {
		t.Errorf("refused run wrote %v", files)
	}

	// A dry run writes nothing: the ledger does not stop it.
	sum, _ := mustRun(t, path, opts{outDir: out, dryRun: true})
	checkCounts(t, sum, counts{records: 1})

	sum, _ = mustRun(t, path, opts{outDir: out, overwrite: true})
	checkCounts(t, sum, counts{records: 1})
	equalSlices(t, "repayments", readRepayments(t, out), []rep{{"001", "", "10"}})
	data, err := os.ReadFile(ledger)
	if err != nil || string(data) != `{"sent":"repayments-0001.json"}`+"\n" {
		t.Errorf("ledger changed: %q, %v", data, err)
	}
}
