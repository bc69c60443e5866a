package annotate_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/annotate"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// samples is the bundled samples folder, relative to this package.
const samples = "../../samples"

// today is the fixed "today" of the samples (disbursal window).
var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// workDir is a temp folder holding the samples' photos, so that a
// workbook written there finds them as it would beside the samples.
func workDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "photos"), os.DirFS(filepath.Join(samples, "photos"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

func reference(t *testing.T) *kiva.Reference {
	t.Helper()
	ref, err := kiva.LoadReference(filepath.Join(samples, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// run converts input with the embedded mappings (picked automatically);
// out "" is a dry run.
func run(t *testing.T, input, out string) *convert.Summary {
	t.Helper()
	mode := convert.DryRun
	if out != "" {
		mode = convert.Write
	}
	sum, err := convert.Run(context.Background(), convert.Options{
		Input: input, Mode: mode, Candidates: mappings.Embedded(), Reference: reference(t),
		Today: today, OutDir: out, Version: "annotate-test",
	})
	if err != nil {
		t.Fatalf("converting %s: %v", filepath.Base(input), err)
	}
	return sum
}

// problems turns a conversion's issues into the annotator's problems, as
// the converter does.
func problems(sum *convert.Summary) []annotate.Problem {
	var out []annotate.Problem
	for _, is := range sum.Issues {
		out = append(out, annotate.Problem{
			Severity: is.Severity.String(), Sheet: is.Pos.Sheet, Row: is.Pos.Row, Col: is.Pos.Col,
			Column: is.Column, Value: is.Value, Message: is.Message, Hint: is.Hint,
		})
	}
	return out
}

func open(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func save(t *testing.T, f *excelize.File, path string) {
	t.Helper()
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// fillOf is a cell's fill colour ("" for none), upper case without alpha.
func fillOf(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	st := styleOf(t, f, sheet, cell)
	if st.Fill.Type != "pattern" || st.Fill.Pattern != 1 || len(st.Fill.Color) == 0 {
		return ""
	}
	c := strings.ToUpper(st.Fill.Color[0])
	if len(c) == 8 {
		c = c[2:]
	}
	return c
}

func styleOf(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// numFmt is the number format of a style: the built-in id or the code.
func numFmt(st *excelize.Style) any {
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return st.NumFmt
}

const (
	red   = "FFC7CE"
	amber = "FFEB9C"
	green = "C6EFCE"
)

// compareSheets checks that every cell of every sheet of orig has the same
// value, formula and style (fill aside) in the copy, and that the copy
// adds nothing but the status column (skip: sheet → 1-based column) and
// the fills of want (sheet!cell → colour; every other cell keeps its
// fill).
func compareSheets(t *testing.T, orig, cp *excelize.File, skip map[string]int, want map[string]string) {
	t.Helper()
	for _, sheet := range orig.GetSheetList() {
		a, err := orig.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		b, err := cp.GetRows(sheet)
		if err != nil {
			t.Fatalf("copy: %v", err)
		}
		for r := 0; r < max(len(a), len(b)); r++ {
			var ra, rb []string
			if r < len(a) {
				ra = a[r]
			}
			if r < len(b) {
				rb = b[r]
			}
			for c := 0; c < max(len(ra), len(rb)); c++ {
				if c+1 == skip[sheet] {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				va, vb := at(ra, c), at(rb, c)
				if va != vb {
					t.Errorf("%s!%s: copy has %q, original %q", sheet, cell, vb, va)
				}
				fa, _ := orig.GetCellFormula(sheet, cell)
				fb, _ := cp.GetCellFormula(sheet, cell)
				if fa != fb {
					t.Errorf("%s!%s: copy has formula %q, original %q", sheet, cell, fb, fa)
				}
				sa, sb := styleOf(t, orig, sheet, cell), styleOf(t, cp, sheet, cell)
				if numFmt(sa) != numFmt(sb) {
					t.Errorf("%s!%s: number format %v became %v", sheet, cell, numFmt(sa), numFmt(sb))
				}
				fillA, fillB := sa.Fill, sb.Fill
				sa.Fill, sb.Fill = excelize.Fill{}, excelize.Fill{}
				if !reflect.DeepEqual(sa, sb) {
					t.Errorf("%s!%s: style changed beyond the fill:\n was %+v\n now %+v", sheet, cell, *sa, *sb)
				}
				key := sheet + "!" + cell
				if w, ok := want[key]; ok {
					if got := fillOf(t, cp, sheet, cell); got != w {
						t.Errorf("%s: fill %q, want %q", key, got, w)
					}
				} else if !reflect.DeepEqual(fillA, fillB) {
					t.Errorf("%s: fill changed from %+v to %+v, but the cell has no problem", key, fillA, fillB)
				}
			}
		}
	}
}

func at(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// errorRows are the rows of the copy's errors sheet below its header.
func errorRows(t *testing.T, f *excelize.File) [][]string {
	t.Helper()
	list := f.GetSheetList()
	rows, err := f.GetRows(list[len(list)-1])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"Severity", "Sheet", "Cell", "Column", "Value", "Problem", "How to fix"}) {
		t.Fatalf("errors sheet header: %q", rows)
	}
	return rows[1:]
}

// comments maps cell → comment text of a sheet.
func comments(t *testing.T, f *excelize.File, sheet string) map[string]excelize.Comment {
	t.Helper()
	cs, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]excelize.Comment{}
	for _, c := range cs {
		m[c.Cell] = c
	}
	return m
}

func commentText(c excelize.Comment) string {
	var b strings.Builder
	b.WriteString(c.Text)
	for _, r := range c.Paragraph {
		b.WriteString(r.Text)
	}
	return b.String()
}

// batches reads every file of a batch folder whose name starts with
// prefix.
func batches(t *testing.T, dir, prefix string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = data
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s* files in %s", prefix, dir)
	}
	return out
}

func sameBatches(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("missing %s", name)
		} else if !bytes.Equal(g, w) {
			t.Errorf("%s differs from the clean conversion:\n got %s\nwant %s", name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("extra %s", name)
		}
	}
}
