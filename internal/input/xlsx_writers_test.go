package input

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// Cells as real writers produce them, which the reader once got wrong
// (issue 13). Each fixture is built here, part by part.

// Excel 2013 and later write a second workbookPr, in the x15 namespace,
// inside extLst; it must not reset the 1904 date system.
func TestXLSXDate1904ExtensionWorkbookPr(t *testing.T) {
	const x15 = `http://schemas.microsoft.com/office/spreadsheetml/2010/11/main`
	ext := `<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x15="` + x15 + `"><x15:workbookPr chartTrackingRefBase="1"/></ext></extLst>`
	for _, tt := range []struct {
		name, workbook string
		want           bool
	}{
		{"Excel 2013+ for Mac", `<workbook xmlns="` + xlNS + `" xmlns:r="` + xlRelNS + `"><workbookPr date1904="1" defaultThemeVersion="166925"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>` + ext + `</workbook>`, true},
		{"1900 system with the extension", `<workbook xmlns="` + xlNS + `" xmlns:r="` + xlRelNS + `"><workbookPr/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>` + ext + `</workbook>`, false},
		{"extension with date1904 does not count", `<workbook xmlns="` + xlNS + `" xmlns:r="` + xlRelNS + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets><extLst><ext xmlns:x15="` + x15 + `"><x15:workbookPr date1904="1"/></ext></extLst></workbook>`, false},
		{"prefixed main namespace", `<x:workbook xmlns:x="` + xlNS + `" xmlns:r="` + xlRelNS + `"><x:workbookPr date1904="true"/><x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets>` + ext + `</x:workbook>`, true},
		{"Strict", `<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"><workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>` + ext + `</workbook>`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := xlOpenParts(t, xlReplacePart(xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML("")}}}.parts(), "xl/workbook.xml", tt.workbook))
			if got := b.Date1904(); got != tt.want {
				t.Errorf("Date1904() = %v, want %v", got, tt.want)
			}
			if got := b.Sheets(); !slices.Equal(got, []SheetInfo{{"S", false}}) {
				t.Errorf("Sheets() = %v", got)
			}
		})
	}
}

// A <numFmt> of a differential format (conditional formatting) or an
// <xf> of cellStyleXfs is not a cell's number format.
func TestXLSXStylesOnlyCellFormats(t *testing.T) {
	parts := xlMini{
		Sheets:  []xlMiniSheet{{Name: "S", XML: xlSheetXML(`<row r="1"><c r="A1" s="1"><v>45296</v></c></row>`)}},
		CellXfs: []int{0, 164},
	}.parts()
	styles := `<styleSheet xmlns="` + xlNS + `"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts>` +
		`<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>` +
		`<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></dxf></dxfs>` +
		`<extLst><ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:cellXfs><x14:xf numFmtId="14"/></x14:cellXfs></ext></extLst></styleSheet>`
	b := xlOpenParts(t, xlReplacePart(parts, "xl/styles.xml", styles))
	got, err := xlDumpSheet(t, b, "S")
	if err != nil {
		t.Fatal(err)
	}
	xlDiffLines(t, got, []string{`1: n"45296"@0.00`})
}

// Apache POI (and others) write an empty <v/> in a shared-string cell: an
// empty cell, not a damaged sheet that loses every later row.
func TestXLSXEmptySharedStringValue(t *testing.T) {
	b := xlOpenMini(t, xlMini{SST: []string{"<t>Loan ID</t>", "<t>L-1</t>"}, Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v/></c><c r="C1" t="s"><v></v></c><c r="D1" t="s"><v> </v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v/></c><c r="C2"><v>7</v></c></row>`)}}})
	got, err := xlDumpSheet(t, b, "S")
	if err != nil {
		t.Fatal(err)
	}
	xlDiffLines(t, got, []string{`1: s"Loan ID"`, `2: s"L-1" | _ | n"7"`})
}

// Strict OOXML date cells as Excel writes them keep their ISO text, with
// every fractional digit; values.Date reads them (tested there).
func TestXLSXStrictDateCells(t *testing.T) {
	b := xlOpenMini(t, xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(
		`<row r="1"><c r="A1" t="d"><v>2014-01-16T15:59:59.99999979045242400</v></c><c r="B1" t="d"><v>2014-01-16T00:00:00</v></c></row>`)}}})
	got, err := xlDumpSheet(t, b, "S")
	if err != nil {
		t.Fatal(err)
	}
	xlDiffLines(t, got, []string{`1: d"2014-01-16T15:59:59.99999979045242400" | d"2014-01-16T00:00:00"`})
}

// utf16Part encodes an XML part in UTF-16, with or without a byte-order
// mark, rewriting its declaration as such writers do.
func utf16Part(body string, order binary.AppendByteOrder, bom bool) string {
	body = strings.Replace(body, `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
	units := utf16.Encode([]rune(body))
	var buf bytes.Buffer
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		buf.Write(order.AppendUint16(nil, u))
	}
	return buf.String()
}

// PhpSpreadsheet (and some .NET writers) can write XML parts in UTF-16.
func TestXLSXUTF16Parts(t *testing.T) {
	m := xlMini{
		WorkbookPr: `<workbookPr date1904="1"/>`,
		SST:        []string{"<t>Préstamo №</t>", "<t>𝄞 Ñandú</t>"},
		CellXfs:    []int{0, 14},
		Sheets: []xlMiniSheet{{Name: "Hoja1", XML: xlSheetXML(
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" s="1"><v>45296</v></c><c r="B2" t="inlineStr"><is><t>año</t></is></c></row>`)}},
	}
	want := []string{`1: s"Préstamo №" | s"𝄞 Ñandú"`, `2: n"45296"@mm-dd-yy | s"año"`}
	for _, tt := range []struct {
		name  string
		order binary.AppendByteOrder
		bom   bool
	}{
		{"UTF-16LE with BOM", binary.LittleEndian, true},
		{"UTF-16BE with BOM", binary.BigEndian, true},
		{"UTF-16LE without BOM", binary.LittleEndian, false},
		{"UTF-16BE without BOM", binary.BigEndian, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parts := m.parts()
			for i := range parts {
				if strings.HasSuffix(parts[i].Name, ".xml") || strings.HasSuffix(parts[i].Name, ".rels") {
					parts[i].Body = utf16Part(parts[i].Body, tt.order, tt.bom)
				}
			}
			b := xlOpenParts(t, parts)
			if !b.Date1904() {
				t.Error("Date1904() = false: workbook.xml was not read")
			}
			got, err := xlDumpSheet(t, b, "Hoja1")
			if err != nil {
				t.Fatal(err)
			}
			xlDiffLines(t, got, want)
			if m, err := b.Merged("Hoja1", 0); err != nil || len(m) != 0 {
				t.Errorf("Merged = %v, %v", m, err)
			}
		})
	}
}

// A sheet entry with an empty relationship id is a placeholder (VBA
// projects leave one): skipped, with a note, not reported as damage.
func TestXLSXPlaceholderSheet(t *testing.T) {
	wb := `<workbook xmlns="` + xlNS + `" xmlns:r="` + xlRelNS + `"><sheets><sheet name="Datos" sheetId="1" r:id="rId1"/><sheet name="Módulo1" sheetId="2" state="veryHidden" r:id=""/></sheets></workbook>`
	b := xlOpenParts(t, xlReplacePart(xlMini{Sheets: []xlMiniSheet{{Name: "Datos", XML: xlSheetXML(`<row r="1"><c r="A1"><v>1</v></c></row>`)}}}.parts(), "xl/workbook.xml", wb))
	if got := b.Sheets(); !slices.Equal(got, []SheetInfo{{"Datos", false}}) {
		t.Errorf("Sheets() = %v", got)
	}
	if got := b.Notes(); len(got) != 1 || !strings.Contains(got[0], `"Módulo1"`) {
		t.Errorf("Notes() = %q", got)
	}
	got, err := xlDumpSheet(t, b, "Datos")
	if err != nil {
		t.Fatal(err)
	}
	xlDiffLines(t, got, []string{`1: n"1"`})
}

// A workbook saved by a pre-release Excel 2007 says so.
func TestXLSXBetaFormat(t *testing.T) {
	for _, ns := range []string{
		"http://schemas.microsoft.com/office/excel/2006/2",
		"http://schemas.openxmlformats.org/spreadsheetml/2006/5/main",
		"http://schemas.openxmlformats.org/spreadsheetml/2006/7/main",
	} {
		wb := `<workbook xmlns="` + ns + `" xmlns:r="` + xlRelNS + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`
		parts := xlReplacePart(xlMini{SST: []string{}, Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)}}}.parts(), "xl/workbook.xml", wb)
		_, err := Open(xlWriteFile(t, t.TempDir(), "beta.xlsx", xlZip(t, parts...)), Options{})
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "pre-release (beta) version of Excel 2007") || !strings.Contains(fe.Hint, "save it again") {
			t.Errorf("%s: err = %v", ns, err)
		}
	}
}

// Elements of another namespace that reuse a SpreadsheetML local name
// (an extension inside a cell, a shared string or a row) are not cells,
// values or text; the main namespace may have any prefix, declared on the
// root or on the element.
func TestXLSXNamespaces(t *testing.T) {
	const other = `http://example.org/extension`
	for _, tt := range []struct{ name, xml string }{
		{"extension v in a cell", xlSheetXML(`<row r="1"><c r="A1"><v>1</v><o:v xmlns:o="` + other + `">9</o:v></c></row>`)},
		{"extension row and c", xlSheetXML(`<o:row xmlns:o="` + other + `" r="5"><o:c r="A5"><o:v>9</o:v></o:c></o:row><row r="1"><c r="A1"><v>1</v></c></row>`)},
		{"default namespace redeclared", xlSheetXML(`<row r="1"><c r="A1"><v>1</v><ext xmlns="` + other + `"><v>9</v></ext></c></row>`)},
		{"prefix bound on the row, rebound on a cell", xlSheetXML(`<x:row xmlns:x="` + xlNS + `" r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1" xmlns:x="` + other + `"><x:v>9</x:v></x:c></x:row>`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := xlOpenMini(t, xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: tt.xml}}})
			got, err := xlDumpSheet(t, b, "S")
			if err != nil {
				t.Fatal(err)
			}
			xlDiffLines(t, got, []string{`1: n"1"`})
		})
	}

	sst, err := xlReadSST(strings.NewReader(`<sst xmlns="` + xlNS + `"><si><t>a</t><o:t xmlns:o="` + other + `">junk</o:t></si><o:si xmlns:o="` + other + `"><t>b</t></o:si><x:si xmlns:x="` + xlNS + `"><x:r><x:t>c</x:t></x:r></x:si></sst>`))
	if err != nil {
		t.Fatal(err)
	}
	if sst.len() != 2 || sst.get(0) != "a" || sst.get(1) != "c" {
		t.Errorf("shared strings = %d %q", sst.len(), sst.data)
	}
}

// xlOpenParts writes the parts as a workbook and opens it.
func xlOpenParts(t testing.TB, parts []xlPart) Book {
	t.Helper()
	b, err := Open(xlWriteFile(t, t.TempDir(), "w.xlsx", xlZip(t, parts...)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// xlReplacePart returns parts with the body of one replaced.
func xlReplacePart(parts []xlPart, name, body string) []xlPart {
	for i := range parts {
		if parts[i].Name == name {
			parts[i].Body = body
		}
	}
	return parts
}
