package input

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// The committed fixtures under testdata/xlsx (hand-made workbooks whose
// XML is written out below) and testdata/bad (files Open must refuse with
// a clear message) are generated here:
//
//	go test ./input -run TestXLSXFixtures -update
//
// Without -update the test checks that the committed files are what the
// code below generates (except the encrypted workbook, whose encryption
// salt is random).

// xlFixtureBooks are the hand-made workbooks of testdata/xlsx.
var xlFixtureBooks = map[string]xlMini{
	// Rows and cells without r attributes, as some exporters write them.
	"norefs.xlsx": {Sheets: []xlMiniSheet{{Name: "Data", XML: xlSheetXML(
		`<row><c t="inlineStr"><is><t>Loan ID</t></is></c><c t="inlineStr"><is><t>Amount</t></is></c></row>` +
			`<row><c t="inlineStr"><is><t>00123</t></is></c><c><v>150.5</v></c></row>` +
			`<row><c/><c><v>7</v></c></row>`)}}},
	// Inline and shared rich text, phonetic runs, ST_Xstring escapes.
	"richtext.xlsx": {
		SST: []string{`<r><rPr><b/></rPr><t>Client</t></r><r><t xml:space="preserve"> name</t></r>`, `<t>a_x000D__x000A_b</t><rPh sb="0" eb="1"><t>ア</t></rPh>`},
		Sheets: []xlMiniSheet{{Name: "Text", XML: xlSheetXML(
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>` +
				`<c r="C1" t="inlineStr"><is><r><t>in</t></r><r><rPr><i/></rPr><t>line</t></r></is></c><c r="D1" t="inlineStr"><is><t>_x005F_x0041_</t></is></c></row>`)}}},
	// Every cell type, formulas with and without cached values, number
	// formats (leading zeros, dates) and long numbers.
	"types.xlsx": {
		SST:     []string{`<t>Loan ID</t>`},
		NumFmts: `<numFmt numFmtId="164" formatCode="00000"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/>`,
		CellXfs: []int{0, 164, 14, 165, 49},
		Sheets: []xlMiniSheet{{Name: "Types", XML: xlSheetXML(
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>42</v></c><c r="C1" s="2"><v>45296</v></c><c r="D1" s="3"><v>45327</v></c></row>` +
				`<row r="2"><c r="A2" t="inlineStr" s="4"><is><t>1234567890123456789</t></is></c><c r="B2"><v>1.2345678901234567E+19</v></c><c r="C2"><v>84.849999999999994</v></c></row>` +
				`<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="e"><v>#N/A</v></c><c r="C3" t="d"><v>2024-01-05T00:00:00Z</v></c><c r="D3" t="str"><f>A1</f><v>Loan ID</v></c></row>` +
				`<row r="4"><c r="A4"><f>B1*2</f></c><c r="B4"><f>B1*2</f><v>84</v></c><c r="C4" t="str"><f>IF(1,"","x")</f><v></v></c></row>`)}}},
	// The two date systems, written each way.
	"date1904_1.xlsx":     {WorkbookPr: `<workbookPr date1904="1"/>`, Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(``)}}},
	"date1904_true.xlsx":  {WorkbookPr: `<workbookPr date1904="true"/>`, Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(``)}}},
	"date1904_0.xlsx":     {WorkbookPr: `<workbookPr date1904="0"/>`, Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(``)}}},
	"date1904_false.xlsx": {WorkbookPr: `<workbookPr date1904="false"/>`, Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(``)}}},
	// Prefixed elements (as the Open XML SDK writes them), a merged
	// header, hidden and very hidden sheets and a chart sheet.
	"prefixed.xlsx": {Sheets: []xlMiniSheet{
		{Name: "Loans", XML: `<?xml version="1.0" encoding="utf-8"?><x:worksheet xmlns:x="` + xlNS + `"><x:sheetData>` +
			`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Portfolio</x:t></x:is></x:c></x:row>` +
			`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Loan ID</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>Amount</x:t></x:is></x:c></x:row>` +
			`<x:row r="3" hidden="1"><x:c r="A3" t="inlineStr"><x:is><x:t>L1</x:t></x:is></x:c><x:c r="B3"><x:v>100</x:v></x:c></x:row>` +
			`</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>`},
		{Name: "Lists", State: "hidden", XML: xlSheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>F</t></is></c></row>`)},
		{Name: "Secret", State: "veryHidden", XML: xlSheetXML(``)},
		{Name: "Chart", Kind: "chartsheet", XML: `<chartsheet xmlns="` + xlNS + `"/>`},
	}},
}

// xlWantFixtureRows are the rows of the fixtures' first sheets.
var xlWantFixtureRows = map[string][]string{
	"norefs.xlsx":   {`1: s"Loan ID" | s"Amount"`, `2: s"00123" | n"150.5"`, `3: _ | n"7"`},
	"richtext.xlsx": {`1: s"Client name" | s"a\r\nb" | s"inline" | s"_x0041_"`},
	"types.xlsx": {
		`1: s"Loan ID" | n"42"@00000 | n"45296"@mm-dd-yy | n"45327"@dd/mm/yyyy`,
		`2: s"1234567890123456789" | n"1.2345678901234567E+19" | n"84.849999999999994"`,
		`3: b"1" | e"#N/A" | d"2024-01-05T00:00:00Z" | s"Loan ID"=`,
		`4: _= | n"84"= | s""=`,
	},
	"prefixed.xlsx":       {`1: s"Portfolio"`, `2: s"Loan ID" | s"Amount"`, `3 hidden: s"L1" | n"100"`},
	"date1904_1.xlsx":     nil,
	"date1904_true.xlsx":  nil,
	"date1904_0.xlsx":     nil,
	"date1904_false.xlsx": nil,
}

// xlBadFiles are the files of testdata/bad: name → content generator.
// The expected messages are in open_test.go.
func xlBadFiles(t testing.TB) map[string][]byte {
	csv := []byte("Loan ID,Client ID,Amount\r\nL-1,C-1,100.00\r\nL-2,C-2,250.50\r\n")
	workbookWith := func(sheet xlPart) []byte {
		m := xlMini{Sheets: []xlMiniSheet{{Name: "Sheet1", XML: "placeholder"}}}
		parts := m.parts()
		parts[len(parts)-1] = sheet
		return xlZipRaw(t, parts)
	}
	files := map[string][]byte{
		"empty.xlsx":       {},
		"csv_renamed.xlsx": csv,
		"tsv_export.xls":   []byte("Loan ID\tClient ID\tAmount\r\nL-1\tC-1\t100.00\r\n"),
		"html_export.xls": []byte(`<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">` +
			"\r\n<head><meta http-equiv=Content-Type content=\"text/html; charset=utf-8\"></head>\r\n<body><table><tr><td>Loan ID</td></tr><tr><td>L-1</td></tr></table></body></html>\r\n"),
		"xml2003.xls": []byte(`<?xml version="1.0"?>` + "\r\n" + `<?mso-application progid="Excel.Sheet"?>` + "\r\n" +
			`<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">` +
			`<Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">Loan ID</Data></Cell></Row></Table></Worksheet></Workbook>` + "\r\n"),
		"legacy.xls": xlOLEFile(map[string][]byte{"Workbook": xlBIFF8Stub()}),
		"word97.doc": xlOLEFile(map[string][]byte{"WordDocument": make([]byte, 4096)}),
		"document.docx": xlZip(t,
			xlPart{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
			xlPart{"_rels/.rels", `<Relationships xmlns="` + xlPkgNS + `"><Relationship Id="rId1" Type="` + xlRelBase + `officeDocument" Target="word/document.xml"/></Relationships>`},
			xlPart{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`}),
		"docx_renamed.xlsx": nil, // same as document.docx, below
		"sheet.ods": xlZipStored(t,
			xlPart{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
			xlPart{"content.xml", `<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`}),
		"ods_renamed.xlsx": nil, // same as sheet.ods
		"binary.xlsb": xlZip(t,
			xlPart{"_rels/.rels", `<Relationships xmlns="` + xlPkgNS + `"><Relationship Id="rId1" Type="` + xlRelBase + `officeDocument" Target="xl/workbook.bin"/></Relationships>`},
			xlPart{"xl/workbook.bin", "\x83\x01\x00"}),
		"report.pdf.xlsx": []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
		"garbage.xlsx":    bytes.Repeat([]byte{0x00, 0x01, 0x02, 0xff}, 64),
		// A real zip bomb: 20 MiB of white space in the worksheet,
		// compressed 1028:1.
		"bomb.xlsx": workbookWith(xlPart{"xl/worksheets/sheet1.xml", `<worksheet xmlns="` + xlNS + `"><sheetData>` +
			strings.Repeat(" ", 20<<20) + `</sheetData></worksheet>`}),
		// A worksheet whose zip header claims 5 GiB.
		"bomb_header.xlsx": xlLyingZip(t, workbookWith(xlPart{"xl/worksheets/sheet1.xml", xlSheetXML(`<row r="1"/>`)}),
			"xl/worksheets/sheet1.xml", 5<<30),
	}
	files["docx_renamed.xlsx"] = files["document.docx"]
	files["ods_renamed.xlsx"] = files["sheet.ods"]
	trunc := xlZip(t, (xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(strings.Repeat(`<row><c><v>1</v></c></row>`, 100))}}}).parts()...)
	files["truncated.xlsx"] = trunc[:len(trunc)/2]
	return files
}

// xlZipRaw is xlZip with the best compression, which a zip bomb needs.
func xlZipRaw(t testing.TB, parts []xlPart) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
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

// xlZipStored is xlZip without compression (an ODF mimetype entry must be
// stored).
func xlZipStored(t testing.TB, parts ...xlPart) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.Body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlLyingZip copies a zip archive, declaring a false uncompressed size for
// one entry in its headers.
func xlLyingZip(t testing.TB, data []byte, name string, size uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		h := f.FileHeader
		if f.Name == name {
			h.UncompressedSize64 = size
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlBIFF8Stub is the start of an Excel 97–2003 Workbook stream: a BIFF8
// BOF record (workbook globals) and an EOF record, padded to the 4096
// bytes that keep a stream out of the compound file's mini stream.
func xlBIFF8Stub() []byte {
	b := make([]byte, 4096)
	binary.LittleEndian.PutUint16(b[0:], 0x0809) // BOF
	binary.LittleEndian.PutUint16(b[2:], 16)
	binary.LittleEndian.PutUint16(b[4:], 0x0600) // BIFF8
	binary.LittleEndian.PutUint16(b[6:], 0x0005) // workbook globals
	binary.LittleEndian.PutUint16(b[8:], 0x0DBB) // build
	binary.LittleEndian.PutUint16(b[10:], 0x07CC)
	binary.LittleEndian.PutUint16(b[20:], 0x000A) // EOF
	return b
}

// xlOLEFile writes a minimal OLE compound file (version 3, 512-byte
// sectors) holding the given streams, each at least 4096 bytes long so
// that none lives in the mini stream. Sector 0 is the FAT, sector 1 the
// directory, then the streams in name order.
func xlOLEFile(streams map[string][]byte) []byte {
	const (
		sector     = 512
		freeSect   = 0xFFFFFFFF
		endOfChain = 0xFFFFFFFE
		fatSect    = 0xFFFFFFFD
		noStream   = 0xFFFFFFFF
	)
	var names []string
	for n := range streams {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) > 3 {
		panic("xlOLEFile: at most 3 streams")
	}
	header := make([]byte, sector)
	copy(header, oleMagic)
	le := binary.LittleEndian
	le.PutUint16(header[24:], 0x003E)
	le.PutUint16(header[26:], 3)
	le.PutUint16(header[28:], 0xFFFE)
	le.PutUint16(header[30:], 9)
	le.PutUint16(header[32:], 6)
	le.PutUint32(header[44:], 1) // FAT sectors
	le.PutUint32(header[48:], 1) // first directory sector
	le.PutUint32(header[56:], 4096)
	le.PutUint32(header[60:], endOfChain)
	le.PutUint32(header[68:], endOfChain)
	le.PutUint32(header[76:], 0) // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(header[76+4*i:], freeSect)
	}

	fat := make([]byte, sector)
	for i := 0; i < sector/4; i++ {
		le.PutUint32(fat[4*i:], freeSect)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endOfChain)
	dir := make([]byte, sector)
	entry := func(i int, name string, typ byte, right, child, start uint32, size int) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66] = typ
		e[67] = 1 // black
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint32(e[120:], uint32(size))
	}
	for i := range 4 {
		le.PutUint32(dir[128*i+68:], noStream)
		le.PutUint32(dir[128*i+72:], noStream)
		le.PutUint32(dir[128*i+76:], noStream)
	}
	entry(0, "Root Entry", 5, noStream, 1, endOfChain, 0)
	var body []byte
	next := uint32(2)
	for i, n := range names {
		data := streams[n]
		if len(data) < 4096 {
			data = append(data, make([]byte, 4096-len(data))...)
		}
		nsect := (len(data) + sector - 1) / sector
		right := uint32(noStream)
		if i+1 < len(names) {
			right = uint32(i + 2)
		}
		entry(i+1, n, 2, right, noStream, next, len(data))
		for s := 0; s < nsect; s++ {
			v := next + uint32(s) + 1
			if s == nsect-1 {
				v = endOfChain
			}
			le.PutUint32(fat[4*(int(next)+s):], v)
		}
		next += uint32(nsect)
		padded := make([]byte, nsect*sector)
		copy(padded, data)
		body = append(body, padded...)
	}
	out := append(header, fat...)
	out = append(out, dir...)
	return append(out, body...)
}

// xlEncryptedWorkbook returns a password-protected workbook written by
// excelize.
func xlEncryptedWorkbook(t testing.TB) []byte {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "enc.xlsx")
	f := excelize.NewFile()
	f.SetCellStr("Sheet1", "A1", "Loan ID")
	if err := f.SaveAs(p, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestXLSXFixtures(t *testing.T) {
	check := func(dir, name string, want []byte, exact bool) {
		p := filepath.Join("testdata", dir, name)
		if xlUpdate() {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%v (run go test ./input -run TestXLSXFixtures -update)", err)
			return
		}
		if exact && !bytes.Equal(got, want) {
			t.Errorf("%s is not what the generator makes (run go test ./input -run TestXLSXFixtures -update)", p)
		}
	}
	for name, m := range xlFixtureBooks {
		check("xlsx", name, xlZip(t, m.parts()...), true)
	}
	for name, data := range xlBadFiles(t) {
		check("bad", name, data, true)
	}
	// The encryption salt is random: -update writes the file only when it
	// is missing, so updating the goldens does not churn it.
	if _, err := os.Stat(filepath.Join("testdata", "bad", "encrypted.xlsx")); xlUpdate() && err != nil {
		check("bad", "encrypted.xlsx", xlEncryptedWorkbook(t), false)
	} else if !xlUpdate() {
		check("bad", "encrypted.xlsx", nil, false)
	}
	for name, data := range xlExcelizeSheetSeeds(t) {
		check(filepath.Join("fuzz", "FuzzXLSXSheet"), name, []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)), true)
	}
}

// xlExcelizeSheetSeeds are worksheet parts as excelize writes them, with
// its StreamWriter and with its cell API, kept as fuzz seeds.
func xlExcelizeSheetSeeds(t testing.TB) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	seeds := map[string][]byte{}
	for _, kind := range []string{"stream", "cells"} {
		p := filepath.Join(dir, kind+".xlsx")
		f := excelize.NewFile()
		zeros, _ := f.NewStyle(&excelize.Style{CustomNumFmt: xlPtr("00000")})
		d14, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		rows := [][]any{
			{"Loan ID", "Client ID", "Amount", "Date", "Active"},
			{"1234567890123456789", 42, 1500.25, 45296, true},
			{nil, "C-2", -0.5, nil, false},
			{"x\ty_z", excelize.Cell{Formula: "C2*2"}, 12345678901234567890.0},
		}
		if kind == "stream" {
			sw, err := f.NewStreamWriter("Sheet1")
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := sw.SetRow(cell, r, excelize.RowOpts{Hidden: i == 2}); err != nil {
					t.Fatal(err)
				}
			}
			if err := sw.MergeCell("A5", "C5"); err != nil {
				t.Fatal(err)
			}
			if err := sw.Flush(); err != nil {
				t.Fatal(err)
			}
		} else {
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+2)
				for j, v := range r {
					c, _ := excelize.CoordinatesToCellName(j+1, i+2)
					if fc, ok := v.(excelize.Cell); ok {
						f.SetCellFormula("Sheet1", c, fc.Formula)
						continue
					}
					f.SetCellValue("Sheet1", c, v)
				}
				_ = cell
			}
			f.SetCellStyle("Sheet1", "B3", "B3", zeros)
			f.SetCellStyle("Sheet1", "D3", "D3", d14)
			f.SetRowVisible("Sheet1", 4, false)
			f.MergeCell("Sheet1", "A1", "E1")
		}
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		f.Close()
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range xlUnzipParts(data, "xl/worksheets/sheet1.xml") {
			seeds["seed-excelize-"+kind] = part
		}
	}
	return seeds
}

// The committed workbooks read as expected.
func TestXLSXCommittedFixtures(t *testing.T) {
	date1904 := map[string]bool{"date1904_1.xlsx": true, "date1904_true.xlsx": true}
	for name, want := range xlWantFixtureRows {
		t.Run(name, func(t *testing.T) {
			b, err := Open(filepath.Join("testdata", "xlsx", name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if b.Date1904() != date1904[name] {
				t.Errorf("Date1904() = %v", b.Date1904())
			}
			got, err := xlDumpSheet(t, b, b.Sheets()[0].Name)
			if err != nil {
				t.Fatal(err)
			}
			xlDiffLines(t, got, want)
		})
	}
	b, err := Open(filepath.Join("testdata", "xlsx", "prefixed.xlsx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got, want := b.Sheets(), []SheetInfo{{"Loans", false}, {"Lists", true}, {"Secret", true}, {"Chart", false}}; !slices.Equal(got, want) {
		t.Errorf("Sheets() = %v, want %v", got, want)
	}
	if m, err := b.Merged("Loans", 5); err != nil || len(m) != 1 || m[0] != (Range{1, 1, 1, 2}) {
		t.Errorf("Merged = %v, %v", m, err)
	}
	if _, err := b.Open("Chart"); err == nil || !strings.Contains(err.Error(), "is a chart sheet") {
		t.Errorf("Open(Chart) = %v", err)
	}
}
