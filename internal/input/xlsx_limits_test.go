package input

import (
	"errors"
	"strings"
	"testing"
)

// Issue 8: hostile workbooks are refused with a clear message, within
// bounded memory and time. Each file here is small on disk.

func xlOpenErr(t *testing.T, parts []xlPart, opts Options) error {
	t.Helper()
	b, err := Open(xlWriteFile(t, t.TempDir(), "w.xlsx", xlZip(t, parts...)), opts)
	if err == nil {
		b.Close()
	}
	return err
}

func xlWantFileError(t *testing.T, err error, want string) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want a FileError containing %q", err, err, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to contain %q", err, want)
	}
}

func xlOneSheet() []xlPart {
	return xlMini{Sheets: []xlMiniSheet{{Name: "Loans", XML: xlSheetXML(`<row r="1"><c><v>1</v></c></row>`)}}}.parts()
}

// Two entries of one name: convert would read one and the annotated copy
// carry the other.
func TestXLSXDuplicateEntries(t *testing.T) {
	for _, dup := range []string{"xl/worksheets/sheet1.xml", "XL/Worksheets/Sheet1.xml"} {
		parts := append(xlOneSheet(), xlPart{dup, xlSheetXML(`<row r="1"><c><v>2</v></c></row>`)})
		xlWantFileError(t, xlOpenErr(t, parts, Options{}), "is damaged: it holds two entries named")
	}
}

func TestXLSXUnsafeEntryNames(t *testing.T) {
	for _, name := range []string{"../evil.txt", "xl/../../evil.txt", "/etc/evil", `..\evil.txt`, "C:/evil.txt"} {
		parts := append(xlOneSheet(), xlPart{name, "x"})
		xlWantFileError(t, xlOpenErr(t, parts, Options{}), "a path outside the workbook")
	}
	// ".." inside a name is fine.
	parts := append(xlOneSheet(), xlPart{"xl/media/a..b.png", "x"})
	if err := xlOpenErr(t, parts, Options{}); err != nil {
		t.Fatal(err)
	}
}

// Sheets that share one worksheet part: each pass over the workbook would
// unpack it once per sheet (2,000 sheets took minutes).
func TestXLSXSharedWorksheetPart(t *testing.T) {
	parts := xlMini{Sheets: []xlMiniSheet{
		{Name: "A", XML: xlSheetXML(`<row r="1"><c><v>1</v></c></row>`)},
		{Name: "B", XML: xlSheetXML(`<row r="1"><c><v>1</v></c></row>`)},
	}}.parts()
	rels := `<?xml version="1.0"?><Relationships xmlns="` + xlPkgNS + `">` +
		`<Relationship Id="rId1" Type="` + xlRelBase + `worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + xlRelBase + `worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>`
	parts = xlReplacePart(parts, "xl/_rels/workbook.xml.rels", rels)
	xlWantFileError(t, xlOpenErr(t, parts, Options{}), `sheets "A" and "B" are the same part`)
}

// The shared strings are held in memory: over the limit, a clear error.
// About 200 KB on disk.
func TestXLSXSharedStringsTooLarge(t *testing.T) {
	// A little variety keeps the compression ratio under the zip-bomb
	// check's 1000:1.
	var text strings.Builder
	for i := 0; text.Len() < 1<<20; i++ {
		text.WriteString(strings.Repeat("a", 200))
		text.WriteByte(byte('b' + i*7%23))
	}
	si := "<t>" + text.String() + "</t>"
	sst := make([]string, xlMaxSSTBytes>>20+1)
	for i := range sst {
		sst[i] = si
	}
	parts := xlMini{SST: sst, Sheets: []xlMiniSheet{{Name: "Loans", XML: xlSheetXML(`<row r="1"><c t="s"><v>0</v></c></row>`)}}}.parts()
	data := xlZip(t, parts...)
	if len(data) > 4<<20 {
		t.Fatalf("the fixture is %d bytes, meant to be small", len(data))
	}
	b, err := Open(xlWriteFile(t, t.TempDir(), "w.xlsx", data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = b.Open("Loans")
	xlWantFileError(t, err, "shared text is over 200 MiB")
}

// One row's text is held in memory: a row of 65 MiB is refused at the
// cell that passes the limit.
func TestXLSXRowTooLarge(t *testing.T) {
	cell := `<c t="inlineStr"><is><t>` + strings.Repeat("b", 1<<20) + `</t></is></c>`
	row := `<row r="1">` + strings.Repeat(cell, xlMaxRowBytes>>20+1) + `</row>`
	b := xlOpenMini(t, xlMini{Sheets: []xlMiniSheet{{Name: "Loans", XML: xlSheetXML(row)}}})
	_, err := xlDumpSheet(t, b, "Loans")
	if err == nil || !strings.Contains(err.Error(), "the row holds more than 64 MiB of text") {
		t.Fatalf("err = %v", err)
	}
}

// Every pass over a workbook counts against one budget: many passes over
// a large part end with a clear error, not an hour of work.
func TestXLSXTotalUnpackBudget(t *testing.T) {
	rows := strings.Repeat(`<row><c><v>1</v></c></row>`, 30000) // ~750 KB
	parts := xlMini{Sheets: []xlMiniSheet{{Name: "Loans", XML: xlSheetXML(rows)}}}.parts()
	b, err := Open(xlWriteFile(t, t.TempDir(), "w.xlsx", xlZip(t, parts...)), Options{MaxUnzipBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var last error
	for range 2 * xlTotalUnzipFactor {
		if _, last = xlDumpSheet(t, b, "Loans"); last != nil {
			break
		}
	}
	xlWantFileError(t, last, "unpacks more than 4194304 bytes in all")
}
