package annotate

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/mappings"
)

// TestHeadersMatchNoMapping: the status column and the errors sheet's
// header are nothing any embedded mapping reads, so that converting an
// annotated copy picks the same mapping and sheet, and ignores them.
func TestHeadersMatchNoMapping(t *testing.T) {
	for _, m := range mappings.Embedded() {
		for _, header := range [][]string{errorsHeader, {StatusHeader}} {
			if hm := m.MatchHeader(header); len(hm.Columns) > 0 {
				t.Errorf("mapping %s reads %q as %v", m.Name, header, hm.Columns)
			}
			if m.Schedule != nil {
				if hm := m.Schedule.MatchHeader(header); len(hm.Columns) > 0 {
					t.Errorf("schedule of mapping %s reads %q as %v", m.Name, header, hm.Columns)
				}
			}
		}
		for _, name := range []string{ErrorsSheet, ErrorsSheet + " (2)"} {
			if i := m.FindSheet([]string{name}); i >= 0 {
				t.Errorf("mapping %s takes the sheet %q for its own", m.Name, name)
			}
			if m.Schedule != nil && m.Schedule.FindSheet([]string{name}) >= 0 {
				t.Errorf("schedule of mapping %s takes the sheet %q", m.Name, name)
			}
		}
	}
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"repayments":       "repayments",
		"a/b:c*d?e[f]g\\h": "a_b_c_d_e_f_g_h",
		"'quoted'":         "quoted",
		"":                 "Data",
		"history":          "history_",
		"kivaconv errors":  "Data kivaconv errors",
		"a very long file name exported 2026-11-30": "a very long file name exported ",
		"ééééééééééééééééééééééééééééééééééé":       "ééééééééééééééééééééééééééééééé",
	} {
		got := sheetName(in)
		if got != strings.TrimSpace(want) && got != want {
			t.Errorf("sheetName(%q) = %q, want %q", in, got, want)
		}
		if n := len([]rune(got)); n > 31 {
			t.Errorf("sheetName(%q) has %d characters", in, n)
		}
	}
}

func TestIsErrorsSheetName(t *testing.T) {
	for name, want := range map[string]bool{
		"kivaconv errors": true, "Kivaconv Errors": true, "kivaconv errors (2)": true,
		"kivaconv errors (x)": false, "kivaconv errors 2": false, "errors": false,
	} {
		if got := isErrorsSheetName(name); got != want {
			t.Errorf("isErrorsSheetName(%q) = %v", name, got)
		}
	}
}

// csvBook opens a CSV file written from text.
func csvBook(t *testing.T, text string) input.Book {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := input.Open(path, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func readAll(t *testing.T, b input.Book) ([]*input.Row, int) {
	t.Helper()
	rs, err := b.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var rows []*input.Row
	width := 0
	for rs.Next() {
		r := *rs.Row()
		r.Cells = append([]input.Cell(nil), r.Cells...)
		rows = append(rows, &r)
		width = max(width, len(r.Cells))
	}
	return rows, width
}

// TestCSVNumberColumns: which CSV cells become number cells, and with
// what format.
func TestCSVNumberColumns(t *testing.T) {
	type cell struct {
		col  int
		text string
		num  string // "" when the cell stays text
	}
	for _, tc := range []struct {
		name    string
		csv     string
		locale  mappings.Locale
		formats map[int]string // numeric columns → format
		cells   []cell
	}{{
		name:    "semicolon: decimal comma, space thousands",
		csv:     "ID;Amount;Code;Note\n007;1 234,50;12;a\n008;3000;0012;b\n009;-12,5;13;1,5 kg\n",
		formats: map[int]string{1: "#,##0.00"},
		cells: []cell{
			{0, "007", ""}, {1, "1 234,50", "1234.5"}, {1, "3000", "3000"}, {1, "-12,5", "-12.5"},
			{2, "12", ""}, {2, "0012", ""}, {3, "1,5 kg", ""},
		},
	}, {
		name:    "comma: decimal point reads the same in a workbook",
		csv:     "ID,Amount\n007,12.50\n008,3000\n",
		formats: map[int]string{},
		cells:   []cell{{1, "12.50", ""}, {1, "3000", ""}},
	}, {
		// The mapping reads "12,50" in the copy's text cells too.
		name:    "semicolon with the mapping's decimal comma",
		csv:     "ID;Amount\n007;12,50\n008;0,75\n009;abc\n",
		locale:  mappings.Locale{Decimal: ","},
		formats: map[int]string{},
		cells:   []cell{{1, "12,50", ""}, {1, "0,75", ""}, {1, "abc", ""}},
	}, {
		// The converter refuses every workbook with this mapping: nothing
		// to gain, IDs must not turn into numbers.
		name:    "a mapping locale a workbook cannot use",
		csv:     "ID;Amount\n104410;1.234,5\n",
		locale:  mappings.Locale{Thousands: "."},
		formats: map[int]string{},
		cells:   []cell{{0, "104410", ""}, {1, "1.234,5", ""}},
	}, {
		name:    "too many digits for a number cell stay text",
		csv:     "ID;Amount\n007;12345678901234567890,5\n008;1,5\n",
		formats: map[int]string{1: "0.0"},
		cells:   []cell{{1, "12345678901234567890,5", ""}, {1, "1,5", "1.5"}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			b := csvBook(t, tc.csv)
			rows, width := readAll(t, b)
			n, err := newCSVNumbers(b, CSVOptions{Locale: tc.locale})
			if err != nil {
				t.Fatal(err)
			}
			cols := n.columns(rows, 1, width)
			for i, c := range cols {
				want, numeric := tc.formats[i]
				if c.numeric != numeric || numeric && c.format() != want {
					t.Errorf("column %d: numeric %v format %q, want %v %q", i, c.numeric, c.format(), numeric, want)
				}
			}
			for _, c := range tc.cells {
				d, ok := cols[c.col].number(c.text, true)
				got := ""
				if ok {
					got = d.String()
				}
				if got != c.num {
					t.Errorf("column %d %q: number %q, want %q", c.col, c.text, got, c.num)
				}
			}
			if _, ok := cols[1].number("12", false); ok {
				t.Error("a header or title row became a number")
			}
		})
	}
}

// TestLimits: beyond the comment and link limits, cells are still filled
// and listed, and the errors sheet says what was left out.
func TestLimits(t *testing.T) {
	defer func(c, l int) { maxComments, maxLinks = c, l }(maxComments, maxLinks)
	maxComments, maxLinks = 2, 3
	cp := annotateFiveBadRows(t)
	defer cp.Close()
	cs, _ := cp.GetComments("Sheet1")
	if len(cs) != 2 {
		t.Errorf("%d comments, want 2", len(cs))
	}
	links := 0
	for r := 2; r <= 6; r++ {
		if ok, _, _ := cp.GetCellHyperLink(ErrorsSheet, "C"+strconv.Itoa(r)); ok {
			links++
		}
		id, _ := cp.GetCellStyle("Sheet1", "A"+strconv.Itoa(r))
		st, _ := cp.GetStyle(id)
		if !isOurFill(st.Fill) {
			t.Errorf("A%d not filled", r)
		}
	}
	if links != 3 {
		t.Errorf("%d links, want 3", links)
	}
	rows, _ := cp.GetRows(ErrorsSheet)
	text := ""
	for _, r := range rows[6:] {
		text += strings.Join(r, " ") + "\n"
	}
	if !strings.Contains(text, "first 3 problems link") || !strings.Contains(text, "first 2 cells with problems have a comment") {
		t.Errorf("notes after the table: %q", text)
	}
}

// TestErrorRowsLimit: the errors sheet lists at most maxErrorRows problems
// (the copy is built in memory) and says how many more errors.csv has.
func TestErrorRowsLimit(t *testing.T) {
	defer func(n int) { maxErrorRows = n }(maxErrorRows)
	maxErrorRows = 3
	cp := annotateFiveBadRows(t)
	defer cp.Close()
	rows, _ := cp.GetRows(ErrorsSheet)
	var listed int
	var text string
	for _, r := range rows[1:] {
		line := strings.Join(r, " ")
		if strings.Contains(line, "bad ") {
			listed++
		}
		text += line + "\n"
	}
	if listed != 3 || !strings.Contains(text, "… and 2 more problems") || !strings.Contains(text, "errors.csv") {
		t.Errorf("%d problems listed; sheet:\n%s", listed, text)
	}
	// Every cell is still filled.
	for r := 2; r <= 6; r++ {
		id, _ := cp.GetCellStyle("Sheet1", "A"+strconv.Itoa(r))
		st, _ := cp.GetStyle(id)
		if !isOurFill(st.Fill) {
			t.Errorf("A%d not filled", r)
		}
	}
}

// annotateFiveBadRows annotates a sheet whose rows 2–6 each have an error
// in A ("bad 2" … "bad 6") and opens the copy.
func annotateFiveBadRows(t *testing.T) *excelize.File {
	t.Helper()
	dir := t.TempDir()
	f := excelize.NewFile()
	for r := 1; r <= 6; r++ {
		f.SetCellStr("Sheet1", "A"+strconv.Itoa(r), "x")
	}
	in := filepath.Join(dir, "in.xlsx")
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	var ps []Problem
	for r := 2; r <= 6; r++ {
		ps = append(ps, Problem{Severity: "error", Sheet: "Sheet1", Row: r, Col: 1, Message: "bad " + strconv.Itoa(r)})
	}
	dst := filepath.Join(dir, "in.checked.xlsx")
	if err := Write(dst, Options{Input: in, Problems: ps}); err != nil {
		t.Fatal(err)
	}
	cp, err := excelize.OpenFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}
