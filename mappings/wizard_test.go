package mappings_test

// Tests of the mapping wizard (Init) from the outside: it reads real files
// (the bundled samples, and exports built here with excelize), its YAML
// loads, and converting with it gives what the built-in mappings give.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

var wizToday = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

const samples = "../samples"

// initFile runs Init and fails the test on error.
func initFile(t *testing.T, path string, opts mappings.InitOptions) *mappings.Starter {
	t.Helper()
	st, err := mappings.Init(path, opts)
	if err != nil {
		t.Fatalf("Init(%s): %v", filepath.Base(path), err)
	}
	return st
}

// load parses a starter's YAML as convert -m would read the file.
func load(t *testing.T, st *mappings.Starter) *mappings.Mapping {
	t.Helper()
	path := filepath.Join(t.TempDir(), st.Name+".mapping.yaml")
	if err := os.WriteFile(path, st.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mappings.Load(path)
	if err != nil {
		t.Fatalf("the starter mapping does not load: %v\n%s", err, st.YAML)
	}
	return m
}

// convertWith converts input into a fresh folder (m nil: the embedded
// mappings pick).
func convertWith(t *testing.T, input string, m *mappings.Mapping, ref *kiva.Reference) (*convert.Summary, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.kiva")
	sum, err := convert.Run(context.Background(), convert.Options{
		Input: input, Mapping: m, Candidates: mappings.Embedded(), Reference: ref,
		Today: wizToday, OutDir: out, Version: "wizard-test",
	})
	if err != nil {
		t.Fatalf("convert %s: %v", filepath.Base(input), err)
	}
	return sum, out
}

// batchFiles reads the batch files of an output folder (every JSON file
// but the manifest, which names the mapping, and errors.csv).
func batchFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		n := e.Name()
		if n == "manifest.json" || !(strings.HasSuffix(n, ".json") || n == "errors.csv") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = data
	}
	return out
}

func sampleRef(t *testing.T) *kiva.Reference {
	t.Helper()
	ref, err := kiva.LoadReference(filepath.Join(samples, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// TestInitSamples: on each bundled sample the wizard finds every field of
// the built-in mapping, guesses the kind, and its mapping converts the
// sample to exactly the batches the built-in mapping writes.
func TestInitSamples(t *testing.T) {
	for _, tc := range []struct {
		file     string
		kind     mappings.Kind
		sheet    string
		row      int
		schedule string
		unused   []string
	}{
		{"loans.xlsx", mappings.LoanDraft, "Loans", 3, "Schedule", nil},
		{"repayments.xlsx", mappings.Repayments, "Repayments", 1, "", nil},
		{"repayments.csv", mappings.Repayments, "", 1, "", []string{"Agence"}},
		{"journals.xlsx", mappings.Journals, "Journals", 1, "", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			input := filepath.Join(samples, tc.file)
			st := initFile(t, input, mappings.InitOptions{})
			if st.Kind != tc.kind || !st.KindGuessed {
				t.Errorf("kind %s (guessed %v), want %s guessed", st.Kind, st.KindGuessed, tc.kind)
			}
			if len(st.Kinds) != 3 || st.Kinds[0].Kind != tc.kind || st.Kinds[1].Score >= st.Kinds[0].Score {
				t.Errorf("kind scores %v: %s should be first, alone", st.Kinds, tc.kind)
			}
			if st.Sheet != tc.sheet || st.HeaderRow != tc.row || st.ScheduleSheet != tc.schedule {
				t.Errorf("read sheet %q row %d schedule %q, want %q row %d schedule %q", st.Sheet, st.HeaderRow, st.ScheduleSheet, tc.sheet, tc.row, tc.schedule)
			}
			if len(st.TODO) > 0 || st.RequiredFound != st.Required || st.Required == 0 {
				t.Errorf("TODO %v, required %d of %d", st.TODO, st.RequiredFound, st.Required)
			}
			if !slices.Equal(st.Unmatched, tc.unused) {
				t.Errorf("unmatched %q, want %q", st.Unmatched, tc.unused)
			}
			for _, g := range st.Fields {
				if g.How != "exact" || g.Confidence != 1 {
					t.Errorf("%s matched %q %s %.2f: the samples use the template's headers", g.Name(), g.Header, g.How, g.Confidence)
				}
			}
			m := load(t, st)
			if !slices.Equal(m.Columns, st.Header) {
				t.Errorf("columns %q, want the header %q", m.Columns, st.Header)
			}
			want, _ := mappings.Get(map[mappings.Kind]string{mappings.LoanDraft: "loans", mappings.Repayments: "repayments", mappings.Journals: "journals"}[tc.kind])
			for k := range want.Fields {
				if m.Fields[k] == nil {
					t.Errorf("field %s is missing from the starter mapping", k)
				}
			}

			ref := sampleRef(t)
			gotSum, gotDir := convertWith(t, input, m, ref)
			wantSum, wantDir := convertWith(t, input, nil, ref)
			if gotSum.Records != wantSum.Records || gotSum.Records == 0 || gotSum.Errors != wantSum.Errors || gotSum.Warnings != wantSum.Warnings {
				t.Errorf("starter mapping: %d records, %d errors, %d warnings; built-in: %d, %d, %d\n%s",
					gotSum.Records, gotSum.Errors, gotSum.Warnings, wantSum.Records, wantSum.Errors, wantSum.Warnings, convert.Report(gotSum))
			}
			if gotSum.Drift != nil {
				t.Errorf("drift on the file the mapping was made from: %+v", gotSum.Drift)
			}
			got, wantFiles := batchFiles(t, gotDir), batchFiles(t, wantDir)
			if len(got) != len(wantFiles) {
				t.Errorf("%d batch files, built-in mapping wrote %d", len(got), len(wantFiles))
			}
			for name, w := range wantFiles {
				if !bytes.Equal(got[name], w) {
					t.Errorf("%s differs from the built-in mapping's:\n got: %.300s\nwant: %.300s", name, got[name], w)
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Exports built here
// ---------------------------------------------------------------------------

// sheet is a sheet of a workbook to build: rows of cells (strings are text
// cells, float64 numbers).
type sheet struct {
	name string
	rows [][]any
}

func writeXLSX(t *testing.T, path string, sheets ...sheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// spanishLoans is a Peruvian MIS export: a title above the header, headers
// unlike the template's, ids with leading zeros as text, amounts as text
// with a decimal comma and thousands dots, text dates DD/MM/YYYY, gender
// coded M (mujer) and H (hombre), and a schedule sheet.
func spanishLoans(t *testing.T, dir string) string {
	return writeXLSX(t, filepath.Join(dir, "Cartera Noviembre.xlsx"),
		sheet{"Cartera", [][]any{
			{"Reporte de cartera - Noviembre 2026"},
			nil,
			{"Nro. Préstamo", "Código Socio", "Nombres", "Apellidos", "Género del socio", "Importe Otorgado", "Moneda",
				"Fecha Desemb.", "Sucursal", "Destino del crédito", "Consentimiento firmado", "Tasa"},
			{"000451", "0012", "María", "Quispe", "M", "1.500,50", "PEN", "15/11/2026", "Lima Norte", "comprar mercadería para su bodega", "Sí", "2,5"},
			{"000452", "0013", "Juan", "Mamani", "H", "2.000,00", "PEN", "20/11/2026", "Lima Norte", "comprar un horno", "Sí", "2,5"},
			{"000460", "0020", "Rosa", "Flores", "M", "800,00", "PEN", "03/11/2026", "Arequipa", "comprar lana", "Sí", "3"},
		}},
		sheet{"Cronograma", [][]any{
			{"Nro. Préstamo", "Fecha Cuota", "Capital", "Interés"},
			{"000451", "15/12/2026", "750,25", "30,00"},
			{"000451", "15/01/2027", "750,25", "15,00"},
			{"000452", "20/12/2026", "2.000,00", "40,00"},
			{"000460", "03/12/2026", "800,00", "16,00"},
		}},
	)
}

func field(t *testing.T, st *mappings.Starter, name string) mappings.FieldGuess {
	t.Helper()
	for _, g := range st.Fields {
		if g.Name() == name {
			return g
		}
	}
	t.Fatalf("no field %s in the starter mapping:\n%s", name, st.YAML)
	return mappings.FieldGuess{}
}

type draft struct {
	DisburseTime string `json:"disburse_time"`
	Currency     string `json:"currency"`
	Loanuse      string `json:"loanuse"`
	Waiver       bool   `json:"client_waiver_signed"`
	Entreps      []struct {
		FirstName string      `json:"first_name"`
		LastName  string      `json:"last_name"`
		Gender    string      `json:"gender"`
		Amount    json.Number `json:"amount"`
		LoanID    string      `json:"loan_id"`
		ClientID  string      `json:"client_id"`
	} `json:"entreps"`
	Schedule []struct {
		Date      string      `json:"date"`
		Principal json.Number `json:"principal"`
		Interest  json.Number `json:"interest"`
	} `json:"schedule"`
}

func TestInitSpanishLoans(t *testing.T) {
	input := spanishLoans(t, t.TempDir())
	st := initFile(t, input, mappings.InitOptions{})
	if st.Kind != mappings.LoanDraft || st.Sheet != "Cartera" || st.HeaderRow != 3 || st.ScheduleSheet != "Cronograma" {
		t.Fatalf("kind %s, sheet %q row %d, schedule %q\n%s", st.Kind, st.Sheet, st.HeaderRow, st.ScheduleSheet, st.YAML)
	}
	if st.Name != "cartera-noviembre" {
		t.Errorf("name %q", st.Name)
	}
	for _, w := range []struct {
		field, header, how string
	}{
		{"loan_id", "Nro. Préstamo", "alias"},
		{"client_id", "Código Socio", "alias"},
		{"first_name", "Nombres", "alias"},
		{"last_name", "Apellidos", "alias"},
		{"gender", "Género del socio", "fuzzy"},
		{"amount", "Importe Otorgado", "fuzzy"},
		{"currency", "Moneda", "alias"},
		{"disburse_date", "Fecha Desemb.", "fuzzy"},
		{"loan_use", "Destino del crédito", "alias"},
		{"client_waiver_signed", "Consentimiento firmado", "alias"},
		{"schedule.loan_id", "Nro. Préstamo", "alias"},
		{"schedule.due_date", "Fecha Cuota", "alias"},
		{"schedule.principal", "Capital", "alias"},
		{"schedule.interest", "Interés", "alias"},
	} {
		g := field(t, st, w.field)
		if g.Header != w.header || g.How != w.how {
			t.Errorf("%s: matched %q (%s %.2f), want %q (%s)", w.field, g.Header, g.How, g.Confidence, w.header, w.how)
		}
		if g.How == "fuzzy" && (g.Confidence < 0.5 || g.Confidence >= 1) {
			t.Errorf("%s: fuzzy confidence %.2f", w.field, g.Confidence)
		}
	}
	if g := field(t, st, "disburse_date"); !slices.Equal(g.Formats, []string{"DD/MM/YYYY"}) {
		t.Errorf("disburse_date formats %q", g.Formats)
	}
	if g := field(t, st, "gender"); g.Values["M"] != "female" || g.Values["H"] != "male" {
		t.Errorf("gender values %v: M/H is mujer/hombre", g.Values)
	}
	if !slices.Equal(st.Unmatched, []string{"Sucursal", "Tasa"}) {
		t.Errorf("unmatched %q", st.Unmatched)
	}
	y := string(st.YAML)
	for _, frag := range []string{
		`column: Importe Otorgado  # matched "Importe Otorgado" (fuzzy, `,
		`column: Nro. Préstamo  # matched "Nro. Préstamo" (alias, 1.00)`,
		"decimal: \",\"\n  thousands: \".\"",
		"ids with leading zeros (000451)",
		`"Sucursal": values: "Lima Norte", "Arequipa"`,
		"formats: [DD/MM/YYYY]",
		"  - Género del socio\n",
	} {
		if !strings.Contains(y, frag) {
			t.Errorf("the YAML lacks %q:\n%s", frag, y)
		}
	}

	m := load(t, st)
	sum, out := convertWith(t, input, m, nil)
	if sum.Records != 3 || sum.Errors != 0 || sum.Rejected != 0 {
		t.Fatalf("%d drafts, %d errors:\n%s", sum.Records, sum.Errors, convert.Report(sum))
	}
	var d draft
	data, err := os.ReadFile(filepath.Join(out, "loan-draft-0001.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	e := d.Entreps[0]
	if e.LoanID != "000451" || e.ClientID != "0012" || e.FirstName != "María" || e.Gender != "female" || e.Amount != "1500.5" ||
		d.Currency != "PEN" || !strings.HasPrefix(d.DisburseTime, "2026-11-15") || !d.Waiver || len(d.Schedule) != 2 ||
		d.Schedule[0].Principal != "750.25" || !strings.HasPrefix(d.Schedule[1].Date, "2027-01-15") {
		t.Errorf("first draft:\n%s", data)
	}
}

// TestInitFrenchRepaymentsCSV: a French MIS's CSV (semicolon, decimal
// comma, spaces between thousands, ids with leading zeros).
func TestInitFrenchRepaymentsCSV(t *testing.T) {
	input := filepath.Join(t.TempDir(), "remboursements.csv")
	text := "Réf. Crédit;Matricule;Montant versé;Date opération;Agence\r\n" +
		"00451;M-0012;1 250,00;05/11/2026;Dakar\r\n" +
		"00452;M-0013;84,85;16/11/2026;Thiès\r\n" +
		"00460;M-0020;12 000,50;16/11/2026;Dakar\r\n"
	if err := os.WriteFile(input, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	st := initFile(t, input, mappings.InitOptions{})
	if st.Kind != mappings.Repayments || st.Sheet != "" || len(st.TODO) > 0 {
		t.Fatalf("kind %s, sheet %q, TODO %v\n%s", st.Kind, st.Sheet, st.TODO, st.YAML)
	}
	if g := field(t, st, "loan_id"); g.Header != "Réf. Crédit" || g.How != "fuzzy" {
		t.Errorf("loan_id: %q %s", g.Header, g.How)
	}
	if g := field(t, st, "amount"); g.Header != "Montant versé" || g.How != "alias" {
		t.Errorf("amount: %q %s", g.Header, g.How)
	}
	y := string(st.YAML)
	for _, frag := range []string{"decimal: \",\"\n  thousands: \" \"", `"Date opération": text dates like 05/11/2026`, "sheets:"} {
		if strings.Contains(y, frag) == (frag == "sheets:") {
			t.Errorf("YAML and %q:\n%s", frag, y)
		}
	}
	sum, out := convertWith(t, input, load(t, st), nil)
	if sum.Records != 3 || sum.Errors != 0 {
		t.Fatalf("%s", convert.Report(sum))
	}
	data, err := os.ReadFile(filepath.Join(out, "repayments-0001.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"loan_id":"00451"`, `"amount":1250`, `"amount":12000.5`} {
		if !strings.Contains(strings.Join(strings.Fields(string(data)), ""), frag) {
			t.Errorf("repayments lack %s:\n%s", frag, data)
		}
	}
}

// todoLines are the line numbers of "column: TODO" in a YAML text.
func todoLines(y []byte) []int {
	var out []int
	for i, l := range strings.Split(string(y), "\n") {
		if strings.TrimSpace(l) == "column: TODO" {
			out = append(out, i+1)
		}
	}
	return out
}

// TestInitTODO: required fields with no column are written as column:
// TODO, which the loader rejects at its line, with what to do; once
// filled in, the mapping loads and converts.
func TestInitTODO(t *testing.T) {
	dir := t.TempDir()
	input := writeXLSX(t, filepath.Join(dir, "export.xlsx"), sheet{"Clients", [][]any{
		{"Loan ID", "Client ID", "First Name", "Sexe", "Montant", "Disbursal Date", "Waiver", "Colour"},
		{"L1", "C1", "Awa", "F", 1000.0, "2026-11-20", "Yes", "blue"},
		{"L2", "C2", "Moussa", "H", 2500.0, "2026-11-21", "Yes", "red"},
	}})
	st := initFile(t, input, mappings.InitOptions{Kind: mappings.LoanDraft})
	if st.KindGuessed || !slices.Equal(st.TODO, []string{"currency"}) || st.RequiredFound != st.Required-1 {
		t.Fatalf("TODO %v, %d of %d required\n%s", st.TODO, st.RequiredFound, st.Required, st.YAML)
	}
	if !strings.Contains(string(st.YAML), "constant: XOF") {
		t.Errorf("no hint about a constant currency:\n%s", st.YAML)
	}
	lines := todoLines(st.YAML)
	if len(lines) != 1 {
		t.Fatalf("TODO lines %v", lines)
	}
	path := filepath.Join(dir, "export.mapping.yaml")
	os.WriteFile(path, st.YAML, 0o644)
	_, err := mappings.Load(path)
	var el mappings.ErrorList
	if !errors.As(err, &el) || len(el) != 1 {
		t.Fatalf("Load: %v", err)
	}
	if el[0].Line != lines[0] || !strings.Contains(el[0].Msg, `field "currency" still says column: TODO`) ||
		!strings.Contains(el[0].Error(), "export.mapping.yaml:"+strconv.Itoa(lines[0])+":") {
		t.Errorf("error %q at line %d, want line %d", el[0].Error(), el[0].Line, lines[0])
	}

	// Filled in with a constant, it loads and converts.
	fixed := bytes.Replace(st.YAML, []byte("    column: TODO\n"), []byte("    constant: XOF\n"), 1)
	m, err := mappings.Parse(fixed, "fixed.yaml")
	if err != nil {
		t.Fatalf("filled-in mapping: %v", err)
	}
	sum, _ := convertWith(t, input, m, nil)
	if sum.Records != 2 || sum.Errors != 0 {
		t.Errorf("%s", convert.Report(sum))
	}

	// Two missing: both marked, each at its own line.
	input2 := writeXLSX(t, filepath.Join(dir, "export2.xlsx"), sheet{"Clients", [][]any{
		{"Loan ID", "Client ID", "First Name", "Montant"},
		{"L1", "C1", "Awa", 1000.0},
	}})
	st = initFile(t, input2, mappings.InitOptions{Kind: mappings.LoanDraft})
	if !slices.Equal(st.TODO, []string{"gender", "currency", "disburse_date", "client_waiver_signed"}) {
		t.Errorf("TODO %v", st.TODO)
	}
	_, err = mappings.Parse(st.YAML, "x.yaml")
	if !errors.As(err, &el) || len(el) != 4 {
		t.Fatalf("Parse: %v", err)
	}
	for i, l := range todoLines(st.YAML) {
		if el[i].Line != l {
			t.Errorf("error %d at line %d, want %d", i, el[i].Line, l)
		}
	}
}

// TestInitKind: the kind is guessed from the headers; --kind forces it.
func TestInitKind(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct {
		header []string
		row    []any
		kind   mappings.Kind
		force  mappings.Kind
		todo   []string
	}{
		{[]string{"N° Prêt", "Montant remboursé"}, []any{"001", 10.0}, mappings.Repayments, "", nil},
		{[]string{"Numéro de prêt", "Titre", "Texte du journal"}, []any{"001", "Merci", "Un texte"}, mappings.Journals, "", nil},
		{[]string{"Loan No", "Name", "Sex", "Loan Amount", "Customer No"}, []any{"001", "Ann", "F", 10.0, "C1"}, mappings.LoanDraft, "", []string{"currency", "disburse_date", "client_waiver_signed"}},
		{[]string{"Loan ID", "Amount"}, []any{"001", 10.0}, mappings.Journals, mappings.Journals, []string{"subject", "body"}},
	} {
		input := writeXLSX(t, filepath.Join(dir, "k"+strconv.Itoa(i)+".xlsx"), sheet{"S", [][]any{anyStrings(tc.header), tc.row}})
		st := initFile(t, input, mappings.InitOptions{Kind: tc.force})
		if st.Kind != tc.kind || st.KindGuessed != (tc.force == "") || !slices.Equal(st.TODO, tc.todo) {
			t.Errorf("%q: kind %s (guessed %v), TODO %v; want %s, TODO %v\n%v", tc.header, st.Kind, st.KindGuessed, st.TODO, tc.kind, tc.todo, st.Kinds)
		}
	}
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// TestInitNothingFits: headers unlike any Kiva field need --kind; with it,
// every required field is TODO.
func TestInitNothingFits(t *testing.T) {
	input := writeXLSX(t, filepath.Join(t.TempDir(), "x.xlsx"), sheet{"S", [][]any{{"Colour", "Size"}, {"red", "L"}}})
	if _, err := mappings.Init(input, mappings.InitOptions{}); err == nil || !strings.Contains(err.Error(), "--kind") {
		t.Errorf("Init without kind: %v", err)
	}
	st := initFile(t, input, mappings.InitOptions{Kind: mappings.Repayments})
	if !slices.Equal(st.TODO, []string{"loan_id", "amount"}) || !slices.Equal(st.Unmatched, []string{"Colour", "Size"}) {
		t.Errorf("TODO %v unmatched %v", st.TODO, st.Unmatched)
	}
	for _, o := range []mappings.InitOptions{{Kind: "loans"}, {Name: "bad name"}, {Sheet: "Nope"}} {
		if _, err := mappings.Init(input, o); err == nil {
			t.Errorf("Init(%+v) accepted", o)
		}
	}
}

// TestInitSheetAndName: --sheet picks the sheet, --name the name.
func TestInitSheetAndName(t *testing.T) {
	input := writeXLSX(t, filepath.Join(t.TempDir(), "two.xlsx"),
		sheet{"A", [][]any{{"Loan ID", "Amount"}, {"1", 2.0}}},
		sheet{"B", [][]any{{"Loan ID", "Subject", "Body"}, {"1", "s", "b"}}})
	st := initFile(t, input, mappings.InitOptions{Sheet: "b", Name: "mine"})
	if st.Sheet != "B" || st.Kind != mappings.Journals || st.Name != "mine" || !strings.Contains(string(st.YAML), "name: mine\n") {
		t.Errorf("sheet %q kind %s name %q", st.Sheet, st.Kind, st.Name)
	}
}

var commentRE = regexp.MustCompile(`(?m)^\s*#`)

// TestInitYAMLIsCommented: every non-blank line is YAML the loader reads or
// a comment; the header comment says how to try it.
func TestInitYAMLIsCommented(t *testing.T) {
	st := initFile(t, filepath.Join(samples, "repayments.csv"), mappings.InitOptions{})
	if !commentRE.Match(st.YAML) || !strings.Contains(string(st.YAML), "kivaconv validate -m THIS-FILE repayments.csv") {
		t.Errorf("%s", st.YAML)
	}
}

// TestInitDuplicateHeaders: columns whose names read the same are named
// once, each spelling listed, and when they are the only ones that look
// like Kiva fields the error says so.
func TestInitDuplicateHeaders(t *testing.T) {
	dir := t.TempDir()
	input := writeXLSX(t, filepath.Join(dir, "d.xlsx"), sheet{"S", [][]any{
		{"Loan ID", "Amount", "Branch", "Branch", "|", ">", "~"}, {"1", 2.0, "a", "b", "x", "y", "z"}}})
	st := initFile(t, input, mappings.InitOptions{})
	want := []string{
		`2 columns are called "Branch": a mapping cannot tell them apart; rename them in the export`,
		`3 columns ("|", ">", "~") have the same name once case, accents, spaces and punctuation are ignored: a mapping cannot tell them apart; rename them in the export`,
	}
	var got []string
	for _, n := range st.Notes {
		if strings.Contains(n, "cannot tell them apart") {
			got = append(got, n)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("notes:\n%q\nwant\n%q", got, want)
	}

	only := writeXLSX(t, filepath.Join(dir, "o.xlsx"), sheet{"S", [][]any{{"Loan ID", "Amount", "amount", "Loan ID"}, {"1", 2.0, 3.0, "2"}}})
	_, err := mappings.Init(only, mappings.InitOptions{})
	if err == nil || !strings.Contains(err.Error(), `"Loan ID"`) || !strings.Contains(err.Error(), "twice") {
		t.Errorf("Init with only duplicated columns: %v, want an error naming them", err)
	}
}
