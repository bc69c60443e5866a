package input

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// Cells and rows, from hand-written sheet XML.
func TestXLSXRows(t *testing.T) {
	sst := []string{
		`<t>Loan ID</t>`,
		`<t xml:space="preserve"> padded </t>`,
		`<r><rPr><b/></rPr><t>Rich</t></r><r><t xml:space="preserve"> text</t></r><rPh sb="0" eb="1"><t>フリガナ</t></rPh><phoneticPr fontId="1"/>`,
		`<t>line_x000D__x000A_two</t>`,
		`<t/>`,
		`<t>a &amp; b &lt;c&gt; &#233;&#x20AC;</t>`,
		`<t>_x005F_x000D_ stays</t>`,
	}
	styles := []int{0, 1, 14, 164, 165, 49, 4}
	numFmts := `<numFmt numFmtId="164" formatCode="00000"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/>`
	tests := []struct {
		name string
		rows string
		want []string
	}{{
		name: "shared strings",
		rows: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>5</v></c><c r="F1" t="s"><v>6</v></c></row>`,
		want: []string{`1: s"Loan ID" | s" padded " | s"Rich text" | s"line\r\ntwo" | s"a & b <c> é€" | s"_x000D_ stays"`},
	}, {
		name: "empty shared string is blank",
		rows: `<row r="1"><c r="A1" t="s"><v>4</v></c><c r="B1" t="s"><v>0</v></c></row>`,
		want: []string{`1: _ | s"Loan ID"`},
	}, {
		name: "numbers keep their digits and formats",
		rows: `<row r="2"><c r="A2"><v>84.849999999999994</v></c><c r="B2" s="1"><v>42</v></c><c r="C2" s="2"><v>45296</v></c>` +
			`<c r="D2" s="3"><v>42</v></c><c r="E2" s="4"><v>45296.5</v></c><c r="F2" t="n" s="6"><v>1.2345678901234567E+19</v></c>` +
			`<c r="G2" s="99"><v>7</v></c><c r="H2"><v> 12 </v></c></row>`,
		want: []string{`2: n"84.849999999999994" | n"42"@0 | n"45296"@mm-dd-yy | n"42"@00000 | n"45296.5"@dd/mm/yyyy | n"1.2345678901234567E+19"@#,##0.00 | n"7" | n"12"`},
	}, {
		name: "text that looks like a number stays text",
		rows: `<row r="3"><c r="A3" t="inlineStr" s="5"><is><t>1234567890123456789</t></is></c><c r="B3" t="s" s="3"><v>0</v></c></row>`,
		want: []string{`3: s"1234567890123456789" | s"Loan ID"`},
	}, {
		name: "other types",
		rows: `<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="b"><v>0</v></c><c r="C4" t="e"><v>#N/A</v></c>` +
			`<c r="D4" t="d"><v>2024-01-05T00:00:00</v></c><c r="E4" t="str"><f>A1&amp;"x"</f><v>Loan IDx</v></c>` +
			`<c r="F4" t="b"><v>true</v></c></row>`,
		want: []string{`4: b"1" | b"0" | e"#N/A" | d"2024-01-05T00:00:00" | s"Loan IDx"= | b"1"`},
	}, {
		name: "formulas",
		rows: `<row r="5"><c r="A5"><f>1+1</f></c><c r="B5"><f>1+1</f><v>2</v></c><c r="C5" t="str"><f>IF(1,"","x")</f><v></v></c>` +
			`<c r="D5" t="str"><f t="shared" si="0" ref="D5:D6"/></c><c r="E5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>` +
			`<row r="6"><c r="A6" s="2"><f>TODAY()</f></c></row>`,
		want: []string{`5: _= | n"2"= | s""= | _= | e"#DIV/0!"=`, `6: _=`},
	}, {
		name: "inline strings",
		rows: `<row r="7"><c r="A7" t="inlineStr"><is><t>plain</t></is></c><c r="B7" t="inlineStr"><is><r><t>ri</t></r><r><rPr><i/></rPr><t>ch</t></r><rPh><t>x</t></rPh></is></c>` +
			`<c r="C7" t="inlineStr"><is><t xml:space="preserve">  sp  </t></is></c><c r="D7" t="inlineStr"><is/></c><c r="E7" t="inlineStr"><is><t>tab_x0009_here</t></is></c></row>`,
		want: []string{`7: s"plain" | s"rich" | s"  sp  " | _ | s"tab\there"`},
	}, {
		name: "no r attributes",
		rows: `<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row><row><c><v>2</v></c></row><row r="10"><c r="C10"><v>3</v></c><c><v>4</v></c></row><row><c><v>5</v></c></row>`,
		want: []string{`1: s"a" | n"1"`, `2: n"2"`, `10: _ | _ | n"3" | n"4"`, `11: n"5"`},
	}, {
		name: "gaps, hidden rows, trailing blanks",
		rows: `<row r="1" spans="1:5"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1"><v>1</v></c><c r="D1" s="1"/><c r="E1" t="inlineStr"><is><t></t></is></c></row>` +
			`<row r="4" hidden="1"><c r="B4"><v>2</v></c></row><row r="5" hidden="true"/><row r="6" hidden="0" ht="20" customHeight="1"/><row r="7" hidden="false"><c r="A7" s="1"/></row>`,
		want: []string{`1: s"a" | _ | n"1"`, `4 hidden: _ | n"2"`, `5 hidden:`, `6:`, `7:`},
	}, {
		name: "cells out of order: the later wins",
		rows: `<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c><c r="C1" t="inlineStr"><is><t>c</t></is></c><c r="C1" t="s"><v>0</v></c></row>`,
		want: []string{`1: n"1" | _ | s"Loan ID"`},
	}, {
		name: "prefixed elements and odd syntax",
		rows: `<x:row r='1' xmlns:x="` + xlNS + `"><x:c r = 'A1' t = "s" ><x:v>0</x:v></x:c><!-- comment --><?pi x?><x:c r="B1"><x:v><![CDATA[12]]></x:v></x:c>` +
			`<x:c r="C1" t="inlineStr"><x:is><x:t><![CDATA[<&>]]></x:t></x:is></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>a&#13;&#10;b` + "\r\n" + `c</x:t></x:is></x:c></x:row>`,
		want: []string{`1: s"Loan ID" | n"12" | s"<&>" | s"a\r\nb\nc"`},
	}, {
		name: "unknown elements are skipped",
		rows: `<row r="1"><c r="A1" cm="1"><v>1</v><extLst><ext><v>9</v></ext></extLst></c><foo><c r="B1"><v>2</v></c></foo></row><bar><row r="9"/></bar><row r="2"><c r="A2"><v>3</v></c></row>`,
		want: []string{`1: n"1"`, `2: n"3"`},
	}, {
		name: "lower-case and last-column references",
		rows: `<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>`,
		want: []string{`1048576: ` + strings.Repeat("_ | ", xlMaxCols-1) + `n"1"`},
	}, {
		name: "empty sheetData",
		rows: ``,
		want: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := xlOpenMini(t, xlMini{
				Sheets:  []xlMiniSheet{{Name: "Loans", XML: xlSheetXML(tt.rows)}},
				SST:     sst,
				NumFmts: numFmts,
				CellXfs: styles,
			})
			got, err := xlDumpSheet(t, b, "Loans")
			if err != nil {
				t.Fatal(err)
			}
			xlDiffLines(t, got, tt.want)
		})
	}
}

// Malformed sheet XML gives a positioned error, never a panic.
func TestXLSXRowErrors(t *testing.T) {
	tests := []struct {
		name    string
		rows    string
		want    string // error text
		gotRows int    // rows read before the error
	}{
		{"bad cell ref", `<row r="7"><c r="B7X"><v>1</v></c></row>`, `mini.xlsx: Loans!7: malformed cell reference "B7X"`, 0},
		{"column beyond XFD", `<row r="1"><c r="XFE1"><v>1</v></c></row>`, `mini.xlsx: Loans!1: malformed cell reference "XFE1"`, 0},
		{"four letters", `<row r="1"><c r="AAAA1"><v>1</v></c></row>`, `malformed cell reference "AAAA1"`, 0},
		{"row zero in ref", `<row r="1"><c r="A0"><v>1</v></c></row>`, `malformed cell reference "A0"`, 0},
		{"no row in ref", `<row r="1"><c r="A"><v>1</v></c></row>`, `malformed cell reference "A"`, 0},
		{"too many cells", `<row r="1"><c r="XFD1"><v>1</v></c><c><v>2</v></c></row>`, `Loans!1: cell in column 16385, beyond Excel's last column XFD`, 0},
		{"bad row number", `<row r="1"/><row r="x"/>`, `mini.xlsx: sheet Loans: malformed row number "x" (after row 1)`, 1},
		{"row beyond the last", `<row r="1048577"/>`, `mini.xlsx: sheet Loans: malformed row number "1048577" (in the first row)`, 0},
		{"unknown type", `<row r="3"><c r="B3" t="z"><v>1</v></c></row>`, `mini.xlsx: Loans!B3: unknown cell type t="z"`, 0},
		{"bad shared string", `<row r="3"><c r="C3" t="s"><v>5</v></c></row>`, `mini.xlsx: Loans!C3: shared string index "5" out of range (the workbook has 1)`, 0},
		{"bad bool", `<row r="3"><c r="A3" t="b"><v>yes</v></c></row>`, `Loans!A3: malformed boolean "yes"`, 0},
		{"bad entity", `<row r="2"><c r="A2" t="inlineStr"><is><t>a & b</t></is></c></row>`, `Loans!A2: malformed XML at byte`, 0},
		{"unknown entity", `<row r="2"><c r="A2"><v>&nbsp;</v></c></row>`, `unknown entity &nbsp;`, 0},
		{"unquoted attribute", `<row r=2><c/></row>`, `sheet Loans: malformed <row> tag (in the first row): attribute "r": value not quoted`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := xlOpenMini(t, xlMini{
				Sheets: []xlMiniSheet{{Name: "Loans", XML: xlSheetXML(tt.rows)}},
				SST:    []string{"<t>x</t>"},
			})
			got, err := xlDumpSheet(t, b, "Loans")
			if err == nil {
				t.Fatalf("no error; rows %q", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
			var we *PosError
			if !errors.As(err, &we) || we.Pos.Sheet != "Loans" || we.Part != "xl/worksheets/sheet1.xml" {
				t.Errorf("error %#v is not a positioned *PosError", err)
			}
			if len(got) != tt.gotRows {
				t.Errorf("read %d rows before the error, want %d", len(got), tt.gotRows)
			}
		})
	}
}

func TestXLSXTruncated(t *testing.T) {
	full := xlSheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>abc</t></is></c><c r="B1"><v>12</v></c></row><row r="2"><c r="A2"><v>3</v></c></row>`)
	for n := range len(full) {
		xml := full[:n]
		p := newXLSheetParser(strings.NewReader(xml), nil, nil, Pos{File: "t.xlsx", Sheet: "S"}, "x")
		rows := 0
		for p.Next() {
			rows++
		}
		// Every strict prefix is either an empty sheet (no <sheetData>
		// yet) or an error; none may pass as complete.
		if p.Err() == nil && strings.Contains(xml, "<sheetData>") && !strings.Contains(xml, "</sheetData>") {
			t.Fatalf("prefix %d (%q): no error after %d rows", n, xml[max(0, n-20):], rows)
		}
	}
}

// An excelize-written workbook with most of what MIS exports contain.
func TestXLSXExcelizeWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loans.xlsx")
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Loans"))
	// A merged title row, a blank row, then the header.
	must(f.SetCellStr("Loans", "A1", "Loan portfolio, March"))
	must(f.MergeCell("Loans", "A1", "F1"))
	must(f.SetSheetRow("Loans", "A3", &[]any{"Loan ID", "Client ID", "Amount", "Disbursed", "Due", "Active"}))
	must(f.MergeCell("Loans", "D2", "E2"))
	must(f.SetCellStr("Loans", "D2", "Dates"))

	zeros, err := f.NewStyle(&excelize.Style{CustomNumFmt: xlPtr("00000")})
	must(err)
	dmy, err := f.NewStyle(&excelize.Style{CustomNumFmt: xlPtr("dd/mm/yyyy")})
	must(err)
	d14, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)

	must(f.SetCellStr("Loans", "A4", "1234567890123456789"))        // ID typed as text
	must(f.SetCellValue("Loans", "B4", 42))                         // ID as number, shown 00042
	must(f.SetCellStyle("Loans", "B4", "B4", zeros))                //
	must(f.SetCellValue("Loans", "C4", 1500.5))                     //
	must(f.SetCellValue("Loans", "D4", 45296))                      // 2024-01-05
	must(f.SetCellStyle("Loans", "D4", "D4", d14))                  //
	must(f.SetCellValue("Loans", "E4", 45327))                      // 2024-02-05
	must(f.SetCellStyle("Loans", "E4", "E4", dmy))                  //
	must(f.SetCellValue("Loans", "F4", true))                       //
	must(f.SetCellValue("Loans", "A5", int64(1234567890123456789))) // 19 digits as a number
	must(f.SetCellFormula("Loans", "C5", "C4*2"))                   // no cached value
	must(f.SetCellStyle("Loans", "G5", "H5", zeros))                // trailing styled blanks
	must(f.SetCellValue("Loans", "A6", 12345678901234567890.0))     // 20 digits
	must(f.SetCellValue("Loans", "C6", "0042"))                     // text with leading zeros
	must(f.SetRowVisible("Loans", 6, false))                        //
	must(f.SetRowHeight("Loans", 9, 30))                            // an empty trailing row
	must(f.SetCellValue("Loans", "D7", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)))

	_, err = f.NewSheet("Hidden")
	must(err)
	must(f.SetSheetVisible("Hidden", false))
	_, err = f.NewSheet("VeryHidden")
	must(err)
	must(f.SetSheetVisible("VeryHidden", false, true))
	_, err = f.NewSheet("Empty")
	must(err)
	must(f.SaveAs(path))
	must(f.Close())

	b, err := Open(path, Options{})
	must(err)
	defer b.Close()
	if b.Format() != XLSX || b.Path() != path || b.Date1904() || len(b.Notes()) != 0 {
		t.Errorf("Format %v Path %q Date1904 %v Notes %q", b.Format(), b.Path(), b.Date1904(), b.Notes())
	}
	wantSheets := []SheetInfo{{"Loans", false}, {"Hidden", true}, {"VeryHidden", true}, {"Empty", false}}
	if got := b.Sheets(); !slices.Equal(got, wantSheets) {
		t.Errorf("Sheets() = %v, want %v", got, wantSheets)
	}
	got, err := xlDumpSheet(t, b, "Loans")
	must(err)
	xlDiffLines(t, got, []string{
		`1: s"Loan portfolio, March"`,
		`2: _ | _ | _ | s"Dates"`,
		`3: s"Loan ID" | s"Client ID" | s"Amount" | s"Disbursed" | s"Due" | s"Active"`,
		`4: s"1234567890123456789" | n"42"@00000 | n"1500.5" | n"45296"@mm-dd-yy | n"45327"@dd/mm/yyyy | b"1"`,
		`5: n"1234567890123456789" | _ | _=`,
		`6 hidden: n"12345678901234500000" | _ | s"0042"`,
		`7: _ | _ | _ | n"45352"@mmm-yy`, // excelize picks id 17 for the 1st of a month
		`9:`,
	})
	if got := xlFormatOf(t, b, "Loans", 7, 3); !IsDateFormat(got) {
		t.Errorf("excelize's time.Time cell has format %q, not a date format", got)
	}
	for _, s := range []string{"Hidden", "VeryHidden", "Empty", "loans"} {
		if _, err := xlDumpSheet(t, b, s); err != nil {
			t.Errorf("sheet %s: %v", s, err)
		}
	}
	merged, err := b.Merged("Loans", 20)
	must(err)
	wantMerged := []Range{{1, 1, 1, 6}, {2, 4, 2, 5}}
	if !slices.Equal(merged, wantMerged) {
		t.Errorf("Merged = %v, want %v", merged, wantMerged)
	}
	if merged, _ := b.Merged("Loans", 1); !slices.Equal(merged, wantMerged[:1]) {
		t.Errorf("Merged(maxRow 1) = %v", merged)
	}
	_, err = b.Open("Nope")
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `no sheet named "Nope" (the workbook has "Loans", "Hidden", "VeryHidden", "Empty")`) {
		t.Errorf("Open(Nope) = %v", err)
	}
}

func xlPtr[T any](v T) *T { return &v }

// xlFormatOf returns the Format of a cell (1-based row, 0-based column).
func xlFormatOf(t testing.TB, b Book, sheet string, row, col int) string {
	t.Helper()
	rows, err := b.Open(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		if r := rows.Row(); r.Number == row {
			return r.Cell(col).Format
		}
	}
	t.Fatalf("no row %d", row)
	return ""
}

func TestXLSXDate1904(t *testing.T) {
	for _, tt := range []struct {
		pr   string
		want bool
	}{
		{``, false},
		{`<workbookPr/>`, false},
		{`<workbookPr date1904="1"/>`, true},
		{`<workbookPr date1904="true"/>`, true},
		{`<workbookPr date1904="0"/>`, false},
		{`<workbookPr date1904="false"/>`, false},
		{`<workbookPr defaultThemeVersion="124226" date1904=" 1 "/>`, true},
	} {
		b := xlOpenMini(t, xlMini{WorkbookPr: tt.pr, Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML("")}}})
		if got := b.Date1904(); got != tt.want {
			t.Errorf("%s: Date1904() = %v, want %v", tt.pr, got, tt.want)
		}
	}

	// And as excelize writes it.
	for _, want := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "d.xlsx")
		f := excelize.NewFile()
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: xlPtr(want)}); err != nil {
			t.Fatal(err)
		}
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		b, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := b.Date1904(); got != want {
			t.Errorf("excelize Date1904 %v: got %v", want, got)
		}
		b.Close()
	}
}

func TestXLSXSheetKinds(t *testing.T) {
	b := xlOpenMini(t, xlMini{Sheets: []xlMiniSheet{
		{Name: "Data", XML: xlSheetXML(`<row r="1"><c r="A1"><v>1</v></c></row>`)},
		{Name: "Chart1", Kind: "chartsheet", XML: `<chartsheet xmlns="` + xlNS + `"><sheetViews/><drawing r:id="rId1" xmlns:r="` + xlRelNS + `"/></chartsheet>`},
		{Name: "Dialog1", Kind: "dialogsheet", State: "hidden", XML: `<dialogsheet xmlns="` + xlNS + `"/>`},
		{Name: "Macro1", Kind: "xlMacrosheet", State: "veryHidden", XML: `<worksheet xmlns="` + xlNS + `"/>`},
	}})
	want := []SheetInfo{{"Data", false}, {"Chart1", false}, {"Dialog1", true}, {"Macro1", true}}
	if got := b.Sheets(); !slices.Equal(got, want) {
		t.Errorf("Sheets() = %v, want %v", got, want)
	}
	for name, msg := range map[string]string{
		"Chart1":  `mini.xlsx: sheet "Chart1" is a chart sheet: it has no cells to read (choose a worksheet)`,
		"Dialog1": `sheet "Dialog1" is a dialog sheet`,
		"Macro1":  `sheet "Macro1" is an Excel 4.0 macro sheet`,
	} {
		_, err := b.Open(name)
		if err == nil || err.Error() != msg && !strings.Contains(err.Error(), msg) {
			t.Errorf("Open(%s) = %v, want %q", name, err, msg)
		}
		if _, err := b.Merged(name, 5); err == nil {
			t.Errorf("Merged(%s): no error", name)
		}
	}
}

// Strict OOXML: other namespaces, absolute relationship targets, a
// prefixed relationships attribute and date1904="true".
func TestXLSXStrict(t *testing.T) {
	const (
		ns    = "http://purl.oclc.org/ooxml/spreadsheetml/main"
		relNS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
		rel   = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
	)
	data := xlZip(t,
		xlPart{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="a" Type="` + rel + `officeDocument" Target="/xl/workbook.xml"/></Relationships>`},
		xlPart{"xl/workbook.xml", `<workbook xmlns="` + ns + `" xmlns:rel="` + relNS + `" conformance="strict"><workbookPr date1904="true"/><sheets><sheet name="S &amp; P" sheetId="1" rel:id="x1"/></sheets></workbook>`},
		xlPart{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="x1" Type="` + rel + `worksheet" Target="/xl/worksheets/sheet1.xml"/>` +
			`<Relationship Id="x2" Type="` + rel + `sharedStrings" Target="/xl/sharedStrings.xml"/>` +
			`<Relationship Id="x3" Type="` + rel + `styles" Target="../xl/./styles.xml"/>` +
			`<Relationship Id="x4" Type="` + rel + `hyperlink" Target="https://example.org/" TargetMode="External"/></Relationships>`},
		xlPart{"xl/sharedStrings.xml", `<sst xmlns="` + ns + `"><si><t>hello</t></si></sst>`},
		xlPart{"xl/styles.xml", `<styleSheet xmlns="` + ns + `"><numFmts><numFmt numFmtId="200" formatCode="yyyy-mm-dd"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="200"/></cellXfs></styleSheet>`},
		xlPart{"xl/worksheets/sheet1.xml", `<worksheet xmlns="` + ns + `"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>1</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>`},
	)
	b, err := Open(xlWriteFile(t, t.TempDir(), "strict.xlsx", data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.Date1904() {
		t.Error("Date1904() = false")
	}
	if got := b.Sheets(); !slices.Equal(got, []SheetInfo{{"S & P", false}}) {
		t.Errorf("Sheets() = %v", got)
	}
	got, err := xlDumpSheet(t, b, "S & P")
	if err != nil {
		t.Fatal(err)
	}
	xlDiffLines(t, got, []string{`1: s"hello" | n"1"@yyyy-mm-dd`})
	if m, err := b.Merged("S & P", 0); err != nil || !slices.Equal(m, []Range{{1, 1, 1, 2}}) {
		t.Errorf("Merged = %v, %v", m, err)
	}
}

func TestXLSXMerged(t *testing.T) {
	tests := []struct {
		name   string
		xml    string
		maxRow int
		want   []Range
		err    string
	}{
		{"none", xlSheetXML(`<row r="1"/>`), 10, nil, ""},
		{"empty element", xlSheetXML(``) + `<mergeCells/>`, 10, nil, ""},
		{"several", strings.Replace(xlSheetXML(`<row r="1"/>`), `</worksheet>`,
			`<mergeCells count="3"><mergeCell ref="A1:C1"/><mergeCell ref="D5:B3"/><mergeCell ref="A30:A31"/></mergeCells><pageMargins left="0.7"/></worksheet>`, 1),
			10, []Range{{1, 1, 1, 3}, {3, 2, 5, 4}}, ""},
		{"all rows", strings.Replace(xlSheetXML(``), `</worksheet>`, `<mergeCells><mergeCell ref="A30:A31"/><mergeCell ref="B2"/></mergeCells></worksheet>`, 1),
			0, []Range{{30, 1, 31, 1}, {2, 2, 2, 2}}, ""},
		{"prefixed", `<x:worksheet xmlns:x="` + xlNS + `"><x:sheetData/><x:mergeCells count="1"><x:mergeCell ref="A1:B2"/></x:mergeCells></x:worksheet>`,
			5, []Range{{1, 1, 2, 2}}, ""},
		{"the word in cell text", xlSheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells mergeCell ref="A1:Z9"</t></is></c></row>`) +
			``, 5, nil, ""},
		{"the word in an attribute", xlSheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t a="x:mergeCells">v</t></is></c></row>`), 5, nil, ""},
		{"malformed", strings.Replace(xlSheetXML(``), `</worksheet>`, `<mergeCells><mergeCell ref="A1:"/></mergeCells></worksheet>`, 1),
			5, nil, `mini.xlsx: sheet S: malformed merged range "A1:"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := xlOpenMini(t, xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: tt.xml}}})
			got, err := b.Merged("S", tt.maxRow)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Errorf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("Merged = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// The merged-range scan, across every buffer boundary.
func TestXLSXMergedBoundaries(t *testing.T) {
	xml := xlSheetXML(strings.Repeat(`<row r="1"><c r="A1"><v>1</v></c></row>`, 40)) + `<x:mergeCells><x:mergeCell ref="A1:B2"/></x:mergeCells>`
	for size := 1; size < 64; size++ {
		sc := newXLScanner(strings.NewReader(xml))
		sc.buf = make([]byte, size)
		found, err := sc.skipToTag("mergeCells")
		if err != nil || !found {
			t.Fatalf("buffer %d: found %v, %v", size, found, err)
		}
		tok, err := sc.next()
		if err != nil || tok != xlStart || string(sc.name) != "mergeCell" {
			t.Fatalf("buffer %d: next token %v %q %v", size, tok, sc.name, err)
		}
	}
}

func TestXLSXMissingParts(t *testing.T) {
	sheet := xlPart{"xl/worksheets/sheet1.xml", xlSheetXML(`<row r="1"><c r="A1"><v>1</v></c></row>`)}
	// No _rels/.rels and no workbook rels: the usual names are assumed.
	data := xlZip(t,
		xlPart{"xl/workbook.xml", `<workbook xmlns="` + xlNS + `"><sheets><sheet name="One" sheetId="1"/></sheets></workbook>`},
		sheet)
	b, err := Open(xlWriteFile(t, t.TempDir(), "norels.xlsx", data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := xlDumpSheet(t, b, "One")
	if err != nil {
		t.Fatal(err)
	}
	xlDiffLines(t, got, []string{`1: n"1"`})
	b.Close()

	// A relationship to a part that is not there.
	m := xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: "x"}}}
	parts := m.parts()
	parts = parts[:len(parts)-1]
	b, err = Open(xlWriteFile(t, t.TempDir(), "missing.xlsx", xlZip(t, parts...)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = b.Open("S")
	if err == nil || err.Error() != `missing.xlsx: is damaged: sheet "S" refers to the missing part xl/worksheets/sheet1.xml (`+hintResave+`)` {
		t.Errorf("Open = %v", err)
	}

	// Case differences between the relationship and the zip entry.
	parts = m.parts()
	parts[len(parts)-1] = xlPart{"xl/Worksheets/Sheet1.XML", xlSheetXML(`<row r="2"/>`)}
	b2, err := Open(xlWriteFile(t, t.TempDir(), "case.xlsx", xlZip(t, parts...)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	if got, err := xlDumpSheet(t, b2, "S"); err != nil || len(got) != 1 {
		t.Errorf("case-insensitive part: %q, %v", got, err)
	}
}

// Rows and Book after Close.
func TestXLSXClose(t *testing.T) {
	b := xlOpenMini(t, xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(`<row r="1"/><row r="2"/>`)}}})
	rows, err := b.Open("S")
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("no row")
	}
	// A second sheet reader may be open at the same time.
	rows2, err := b.Open("S")
	if err != nil {
		t.Fatal(err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("Next after Close")
	}
	if rows.Close() != nil {
		t.Error("second Close failed")
	}
	n := 0
	for rows2.Next() {
		n++
	}
	if n != 2 || rows2.Err() != nil {
		t.Errorf("second reader: %d rows, %v", n, rows2.Err())
	}
	rows2.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := b.Open("S"); err == nil {
		t.Error("Open after Close: no error")
	}
	if _, err := b.Merged("S", 1); err == nil {
		t.Error("Merged after Close: no error")
	}
}

// A token longer than the scanner may buffer is an error, not unbounded
// memory.
func TestXLSXTokenLimit(t *testing.T) {
	xml := xlSheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>` + strings.Repeat("x", 5000) + `</t></is></c></row>`)
	p := newXLSheetParser(strings.NewReader(xml), nil, nil, Pos{File: "f.xlsx", Sheet: "S"}, "p")
	p.sc.buf = make([]byte, 256)
	p.sc.maxTok = 1024
	for p.Next() {
	}
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), "f.xlsx: S!A1: malformed XML at byte") || !strings.Contains(err.Error(), "token longer than 1024 bytes") {
		t.Errorf("error %v", err)
	}
	p = newXLSheetParser(strings.NewReader(xml), nil, nil, Pos{File: "f.xlsx", Sheet: "S"}, "p")
	p.sc.buf = make([]byte, 256)
	p.sc.maxTok = 8192
	n := 0
	for p.Next() {
		n++
		if got := p.Row().Cell(0).Text; len(got) != 5000 {
			t.Errorf("text of %d bytes", len(got))
		}
	}
	if n != 1 || p.Err() != nil {
		t.Errorf("%d rows, %v", n, p.Err())
	}
}

// The Cells slice is reused: copies must be taken by the caller, and the
// strings themselves stay valid.
func TestXLSXCellsReused(t *testing.T) {
	b := xlOpenMini(t, xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(
		`<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c><c><v>2</v></c></row><row r="2"><c><v>3</v></c></row>`)}}})
	rows, err := b.Open("S")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	rows.Next()
	first := rows.Row().Cells
	saved := slices.Clone(first)
	rows.Next()
	second := rows.Row().Cells
	if &first[0] != &second[0] {
		t.Error("Cells slice not reused")
	}
	if saved[0].Text != "a" || saved[2].Text != "2" || len(second) != 1 || second[0].Text != "3" {
		t.Errorf("saved %v, second %v", saved, second)
	}
}

func TestXLSXSharedStringsPart(t *testing.T) {
	sst, err := xlReadSST(strings.NewReader(`<?xml version="1.0"?><sst xmlns="` + xlNS + `" count="9" uniqueCount="5">` +
		`<si><t>a</t></si><si><r><t>b</t></r><r><rPr><sz val="11"/></rPr><t xml:space="preserve"> c</t></r></si><si/>` +
		`<si><t>_xD83D__xDE00_ _xD800_ _x00e9_</t><rPh sb="0" eb="1"><t>no</t></rPh></si><si><t>x</t><extLst><t>no</t></extLst></si></sst>`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range sst.len() {
		got = append(got, sst.get(i))
	}
	want := []string{"a", "b c", "", "😀 \uFFFD é", "x"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	var nilSST *xlSST
	if nilSST.len() != 0 {
		t.Error("nil table not empty")
	}
}

func TestXLSXStyles(t *testing.T) {
	formats, err := xlReadStyles(strings.NewReader(`<styleSheet xmlns="` + xlNS + `"><numFmts count="2">` +
		`<numFmt numFmtId="164" formatCode="&quot;ID&quot;00000"/><numFmt numFmtId="14" formatCode="dd/mm/yyyy"/></numFmts>` +
		`<cellStyleXfs count="1"><xf numFmtId="3"/></cellStyleXfs>` +
		`<cellXfs count="5"><xf/><xf numFmtId="164"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="49"/><xf numFmtId="300"/></cellXfs>` +
		`<dxfs><dxf><numFmt numFmtId="165" formatCode="0.0"/></dxf></dxfs></styleSheet>`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"General", `"ID"00000`, "dd/mm/yyyy", "@", "General"}
	if !slices.Equal(formats, want) {
		t.Errorf("got %q, want %q", formats, want)
	}
}

func TestXLSXResolveTarget(t *testing.T) {
	for _, tt := range []struct{ source, target, want string }{
		{"xl/workbook.xml", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"},
		{"xl/workbook.xml", "/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"},
		{"xl/workbook.xml", "../xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"},
		{"xl/workbook.xml", `worksheets\sheet1.xml`, "xl/worksheets/sheet1.xml"},
		{"xl/workbook.xml", "worksheets/my%20sheet.xml", "xl/worksheets/my sheet.xml"},
		{"", "xl/workbook.xml", "xl/workbook.xml"},
		{"", "/xl/workbook.xml", "xl/workbook.xml"},
		{"workbook.xml", "sheet.xml", "sheet.xml"},
	} {
		if got := xlResolveTarget(tt.source, tt.target); got != tt.want {
			t.Errorf("xlResolveTarget(%q, %q) = %q, want %q", tt.source, tt.target, got, tt.want)
		}
	}
}

func TestXLSXParseRef(t *testing.T) {
	for _, tt := range []struct {
		ref      string
		col, row int
		ok       bool
	}{
		{"A1", 1, 1, true}, {"Z9", 26, 9, true}, {"AA10", 27, 10, true}, {"XFD1048576", 16384, 1048576, true},
		{"b7", 2, 7, true}, {"C", 3, 0, true},
		{"XFE1", 0, 0, false}, {"A1048577", 0, 0, false}, {"A0", 0, 0, false}, {"", 0, 0, false}, {"1", 0, 0, false},
		{"AAAA1", 0, 0, false}, {"A1B", 0, 0, false}, {"$A$1", 0, 0, false}, {"A-1", 0, 0, false}, {"A 1", 0, 0, false},
		{"A0000000001", 0, 0, false},
	} {
		col, row, ok := xlParseRef([]byte(tt.ref))
		if col != tt.col || row != tt.row || ok != tt.ok {
			t.Errorf("xlParseRef(%q) = %d, %d, %v; want %d, %d, %v", tt.ref, col, row, ok, tt.col, tt.row, tt.ok)
		}
		if name := ColumnName(col); ok && !strings.EqualFold(name, strings.TrimRight(tt.ref, "0123456789")) {
			t.Errorf("ColumnName(%d) = %q for %q", col, name, tt.ref)
		}
	}
}
