package input

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test helpers for the XLSX reader: building workbooks part by part, and
// printing rows compactly.

// The -update flag rewrites committed fixtures. Another test file of the
// package may define it too; whichever runs first wins (package-level
// variables are initialised before init functions).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite committed test fixtures")
	}
}

func xlUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// xlPart is one zip entry.
type xlPart struct{ Name, Body string }

// xlZip builds a zip archive of the parts, in order.
func xlZip(t testing.TB, parts ...xlPart) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.Body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	xlNS      = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	xlRelNS   = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	xlPkgNS   = `http://schemas.openxmlformats.org/package/2006/relationships`
	xlRelBase = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
)

// xlMini describes a small hand-made workbook.
type xlMini struct {
	WorkbookPr string        // e.g. `<workbookPr date1904="1"/>`
	Sheets     []xlMiniSheet // at least one
	SST        []string      // <si> contents (inner XML); nil: no sharedStrings part
	NumFmts    string        // inner XML of <numFmts>
	CellXfs    []int         // numFmtId of each cell format; nil: no styles part
}

type xlMiniSheet struct {
	Name, State string
	Kind        string // relationship type; "" is worksheet
	XML         string // the whole part; see xlSheetXML
}

// xlSheetXML wraps rows in a worksheet part.
func xlSheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="` + xlNS + `" xmlns:r="` + xlRelNS + `"><dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>` +
		`<sheetFormatPr defaultRowHeight="15"/><sheetData>` + rows + `</sheetData></worksheet>`
}

func (m xlMini) parts() []xlPart {
	var wb, rels, ct strings.Builder
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<workbook xmlns="` + xlNS + `" xmlns:r="` + xlRelNS + `">` + m.WorkbookPr + `<sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="` + xlPkgNS + `">`)
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	var sheetParts []xlPart
	for i, s := range m.Sheets {
		kind := s.Kind
		if kind == "" {
			kind = "worksheet"
		}
		dir := kind + "s"
		state := ""
		if s.State != "" {
			state = ` state="` + s.State + `"`
		}
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, s.Name, i+1, state, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s%s" Target="%s/sheet%d.xml"/>`, i+1, xlRelBase, kind, dir, i+1)
		fmt.Fprintf(&ct, `<Override PartName="/xl/%s/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.%s+xml"/>`, dir, i+1, kind)
		sheetParts = append(sheetParts, xlPart{fmt.Sprintf("xl/%s/sheet%d.xml", dir, i+1), s.XML})
	}
	wb.WriteString(`</sheets></workbook>`)
	var extra []xlPart
	if m.SST != nil {
		fmt.Fprintf(&rels, `<Relationship Id="rIdS" Type="%ssharedStrings" Target="sharedStrings.xml"/>`, xlRelBase)
		var sst strings.Builder
		fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst xmlns="%s" count="%d" uniqueCount="%d">`, xlNS, len(m.SST), len(m.SST))
		for _, si := range m.SST {
			sst.WriteString("<si>" + si + "</si>")
		}
		sst.WriteString("</sst>")
		extra = append(extra, xlPart{"xl/sharedStrings.xml", sst.String()})
	}
	if m.CellXfs != nil {
		fmt.Fprintf(&rels, `<Relationship Id="rIdY" Type="%sstyles" Target="styles.xml"/>`, xlRelBase)
		var st strings.Builder
		st.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<styleSheet xmlns="` + xlNS + `">`)
		if m.NumFmts != "" {
			st.WriteString("<numFmts>" + m.NumFmts + "</numFmts>")
		}
		st.WriteString(`<cellStyleXfs count="1"><xf numFmtId="49"/></cellStyleXfs><cellXfs>`)
		for _, id := range m.CellXfs {
			fmt.Fprintf(&st, `<xf numFmtId="%d" fontId="0" applyNumberFormat="1"/>`, id)
		}
		st.WriteString(`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`)
		extra = append(extra, xlPart{"xl/styles.xml", st.String()})
	}
	rels.WriteString(`</Relationships>`)
	ct.WriteString(`</Types>`)
	parts := []xlPart{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="` + xlPkgNS + `">` +
			`<Relationship Id="rId1" Type="` + xlRelBase + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
	}
	parts = append(parts, extra...)
	return append(parts, sheetParts...)
}

// xlWriteFile writes data to dir/name and returns the path.
func xlWriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// xlOpenMini writes a hand-made workbook to a temporary file and opens it.
func xlOpenMini(t testing.TB, m xlMini) Book {
	t.Helper()
	p := xlWriteFile(t, t.TempDir(), "mini.xlsx", xlZip(t, m.parts()...))
	b, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// xlDumpCell prints a cell compactly: a type letter (_ blank, s text,
// n number, b bool, e error, d date), the quoted text, @format for
// numbers that are not General, and = for formulas.
func xlDumpCell(c Cell) string {
	var b strings.Builder
	b.WriteString([...]string{"_", "s", "n", "b", "e", "d"}[c.Type])
	if c.Type != Blank || c.Text != "" {
		fmt.Fprintf(&b, "%q", c.Text)
	}
	if c.Format != "" && c.Format != "General" {
		b.WriteString("@" + c.Format)
	}
	if c.Formula {
		b.WriteString("=")
	}
	return b.String()
}

// xlDumpRow prints a row as "7 hidden: s"x" | _ | n"1"".
func xlDumpRow(r *Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", r.Number)
	if r.Hidden {
		b.WriteString(" hidden")
	}
	b.WriteString(":")
	for i, c := range r.Cells {
		if i > 0 {
			b.WriteString(" |")
		}
		b.WriteString(" " + xlDumpCell(c))
	}
	return b.String()
}

// xlDumpSheet reads a whole sheet into dumped rows, and the error that
// stopped it.
func xlDumpSheet(t testing.TB, b Book, sheet string) ([]string, error) {
	t.Helper()
	rows, err := b.Open(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		out = append(out, xlDumpRow(rows.Row()))
	}
	return out, rows.Err()
}

func xlDiffLines(t testing.TB, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows differ\ngot:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
