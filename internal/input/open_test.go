package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The committed bad-input corpus: each file gives a *FileError whose text
// contains these fragments (the hint is in parentheses).
func TestOpenBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"empty.xlsx", []string{"empty.xlsx: file is empty"}},
		{"csv_renamed.xlsx", []string{"csv_renamed.xlsx: csv_renamed.xlsx is not an Excel workbook: it looks like CSV text (rename it to .csv)"}},
		{"legacy.xls", []string{"legacy.xls: Excel 97–2003 .xls files are not supported (open it in Excel and save as .xlsx (Excel Workbook))"}},
		{"encrypted.xlsx", []string{"encrypted.xlsx: the workbook is password-protected (remove the password in Excel (File → Info → Protect Workbook → Encrypt with Password, clear it) and save)"}},
		{"word97.doc", []string{"word97.doc: is not a spreadsheet: it is a Word 97–2003 document"}},
		{"html_export.xls", []string{"html_export.xls: is not a real Excel workbook: it is an HTML page saved with an Excel extension", "(open it in Excel and save as .xlsx"}},
		{"xml2003.xls", []string{"xml2003.xls: is an Excel 2003 XML Spreadsheet, which is not supported", "save as .xlsx"}},
		{"document.docx", []string{"document.docx: is not an Excel workbook: it is a Word document"}},
		{"docx_renamed.xlsx", []string{"docx_renamed.xlsx: is not an Excel workbook: it is a Word document (copy the table into Excel and save as .xlsx)"}},
		{"sheet.ods", []string{"sheet.ods: OpenDocument spreadsheets are not supported; save as .xlsx"}},
		{"ods_renamed.xlsx", []string{"ods_renamed.xlsx: OpenDocument spreadsheets are not supported; save as .xlsx"}},
		{"binary.xlsb", []string{"binary.xlsb: Excel binary workbooks (.xlsb) are not supported", "save as .xlsx"}},
		{"report.pdf.xlsx", []string{"report.pdf.xlsx: is not a spreadsheet: it is a PDF document"}},
		{"garbage.xlsx", []string{"garbage.xlsx: is not an Excel workbook: it is not a zip archive"}},
		{"truncated.xlsx", []string{"truncated.xlsx: is damaged: it is not a readable zip archive", "(download or export it again)"}},
		{"bomb.xlsx", []string{"bomb.xlsx: workbook part xl/worksheets/sheet1.xml would unpack to 20971632 bytes from 20502", "a ratio over 1000:1", "zip bomb"}},
		{"bomb_header.xlsx", []string{"bomb_header.xlsx: workbook part xl/worksheets/sheet1.xml would unpack to 5368709120 bytes, over the 1073741824-byte limit", "zip bomb"}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", tt.file)
			b, err := Open(path, Options{})
			if err == nil {
				b.Close()
				t.Fatal("no error")
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Errorf("%T is not a *FileError: %v", err, err)
			} else if fe.File != path {
				t.Errorf("FileError.File = %q, want %q", fe.File, path)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n\t%s\nwant it to contain:\n\t%s", err, w)
				}
			}
		})
	}
	// Every committed file is covered (tsv_export.xls opens: see below).
	entries, _ := os.ReadDir(filepath.Join("testdata", "bad"))
	for _, e := range entries {
		if !seen[e.Name()] && e.Name() != "tsv_export.xls" {
			t.Errorf("testdata/bad/%s has no test case", e.Name())
		}
	}
}

// The hand-made compound files are readable as such (the .xls message is
// also what an unreadable directory gives, so check the directory).
func TestOLEStreams(t *testing.T) {
	for file, want := range map[string]string{"legacy.xls": "Workbook", "word97.doc": "WordDocument", "encrypted.xlsx": "EncryptedPackage"} {
		f, err := os.Open(filepath.Join("testdata", "bad", file))
		if err != nil {
			t.Fatal(err)
		}
		names := oleStreams(f)
		f.Close()
		if !slices.Contains(names, want) {
			t.Errorf("%s: streams %q, want %q among them", file, names, want)
		}
	}
	if names := oleStreams(bytes.NewReader(append(append([]byte{}, oleMagic...), make([]byte, 600)...))); names != nil {
		t.Errorf("broken directory: %q", names)
	}
}

// An "Excel" export that is tab-separated text is read as CSV, with a note.
func TestOpenTextXLS(t *testing.T) {
	b, err := Open(filepath.Join("testdata", "bad", "tsv_export.xls"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Format() != CSV {
		t.Errorf("Format() = %v", b.Format())
	}
	notes := strings.Join(b.Notes(), "\n")
	if !strings.Contains(notes, "tsv_export.xls is not an Excel 97–2003 workbook but delimited text") {
		t.Errorf("Notes() = %q", b.Notes())
	}
	rows, err := b.Open(b.Sheets()[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() || rows.Row().Cell(1).Text != "Client ID" {
		t.Errorf("first row %+v, %v", rows.Row(), rows.Err())
	}
}

// A password-protected workbook written by excelize now, not only the
// committed one.
func TestOpenEncrypted(t *testing.T) {
	for _, ext := range []string{".xlsx", ".xlsm", ".xls"} {
		p := xlWriteFile(t, t.TempDir(), "secret"+ext, xlEncryptedWorkbook(t))
		_, err := Open(p, Options{})
		if err == nil || !strings.Contains(err.Error(), "the workbook is password-protected") {
			t.Errorf("%s: %v", ext, err)
		}
	}
}

func TestOpenOSErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.xlsx")
	_, err := Open(missing, Options{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: errors.Is(%v, fs.ErrNotExist) is false", err)
	}
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != missing || !strings.Contains(err.Error(), "nope.xlsx: file not found") {
		t.Errorf("missing file: %v", err)
	}

	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "is a folder, not a file") {
		t.Errorf("folder: %v", err)
	}

	if runtime.GOOS == "linux" {
		if _, err := Open("/dev/null", Options{}); err == nil || !strings.Contains(err.Error(), "null: is not a regular file") {
			t.Errorf("device: %v", err)
		}
	}

	if runtime.GOOS != "windows" && os.Geteuid() != 0 {
		locked := xlWriteFile(t, dir, "locked.xlsx", []byte("x"))
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		_, err := Open(locked, Options{})
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "locked.xlsx: permission denied") {
			t.Errorf("unreadable file: %v", err)
		}
	}
}

// Content decides, not the name.
func TestOpenSniffing(t *testing.T) {
	dir := t.TempDir()
	wb := xlZip(t, (xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(`<row r="1"><c r="A1"><v>1</v></c></row>`)}}}).parts()...)

	// A workbook named .csv (or with no extension) is read as a workbook,
	// with a note.
	for _, name := range []string{"loans.csv", "loans", "loans.xls"} {
		b, err := Open(xlWriteFile(t, dir, name, wb), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Format() != XLSX || len(b.Notes()) != 1 || !strings.Contains(b.Notes()[0], "is an Excel workbook") {
			t.Errorf("%s: Format %v, Notes %q", name, b.Format(), b.Notes())
		}
		b.Close()
	}
	for _, name := range []string{"loans.xlsx", "loans.XLSM", "loans.xltx"} {
		b, err := Open(xlWriteFile(t, dir, name, wb), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Format() != XLSX || len(b.Notes()) != 0 {
			t.Errorf("%s: Format %v, Notes %q", name, b.Format(), b.Notes())
		}
		b.Close()
	}

	// Text is CSV whatever its name, unless the name claims a workbook.
	csv := []byte("\xef\xbb\xbfLoan ID;Amount\r\nL-1;100,5\r\n")
	for _, name := range []string{"loans.csv", "loans.txt", "loans.tsv", "loans"} {
		b, err := Open(xlWriteFile(t, dir, name, csv), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Format() != CSV {
			t.Errorf("%s: Format %v", name, b.Format())
		}
		b.Close()
	}
	utf16 := []byte{0xff, 0xfe, 'I', 0, 'D', 0, '\t', 0, 'A', 0, '\r', 0, '\n', 0, '1', 0, '\t', 0, '2', 0}
	for _, tt := range []struct {
		name    string
		data    []byte
		want    string
		wantCSV bool
	}{
		{"loans.xlsx", utf16, "loans.xlsx is not an Excel workbook: it looks like CSV text (rename it to .csv)", false},
		{"unicode.txt", utf16, "", true},
		{"unicode.xls", utf16, "", true},
		{"page.csv", []byte("<!DOCTYPE html>\n<html><body>Session expired</body></html>"), "page.csv: is not a spreadsheet: it looks like an HTML page", false},
		{"page16.xls", append([]byte{0xff, 0xfe}, []byte("<\x00h\x00t\x00m\x00l\x00>\x00")...), "is an HTML page saved with an Excel extension", false},
		{"data.xml", []byte("<?xml version=\"1.0\"?><loans/>"), "data.xml: is not a spreadsheet: it is an XML file", false},
		{"loans.ods", []byte("Loan ID\n"), "loans.ods: OpenDocument spreadsheets are not supported; save as .xlsx", false},
		{"loans.numbers", wb, "loans.numbers: Apple Numbers spreadsheets are not supported; export as .xlsx", false},
		{"loans.csv.gz", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}, "is a compressed archive, not a spreadsheet (extract the spreadsheet from it first)", false},
		{"image.csv", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...), "image.csv: is not a spreadsheet or text file", false},
		{"old.xls", []byte{0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00}, "old.xls: Excel 97–2003 .xls files are not supported", false},
		{"archive.xlsx", xlZip(t, xlPart{"readme.txt", "hello"}), "archive.xlsx: is not an Excel workbook: it is a zip archive without xl/workbook.xml", false},
		{"apple.xlsx", xlZip(t, xlPart{"Index/Document.iwa", "x"}), "apple.xlsx: Apple Numbers spreadsheets are not supported", false},
		{"empty.zip", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), "empty.zip: is not an Excel workbook: it is a zip archive without xl/workbook.xml", false},
		{"unknown.ole", xlOLEFile(map[string][]byte{"Contents": nil}), "unknown.ole: is not a spreadsheet Excel 2007 or later can save: it is an OLE compound file", false},
		{"broken.xls", append(append([]byte{}, oleMagic...), make([]byte, 100)...), "broken.xls: Excel 97–2003 .xls files are not supported", false},
	} {
		b, err := Open(xlWriteFile(t, dir, tt.name, tt.data), Options{})
		if tt.wantCSV {
			if err != nil || b.Format() != CSV {
				t.Errorf("%s: %v, want a CSV book", tt.name, err)
			}
			if err == nil {
				b.Close()
			}
			continue
		}
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n\tgot  %v\n\twant %s", tt.name, err, tt.want)
		}
		if err == nil {
			b.Close()
		}
	}
}

// The zip-bomb guard: declared sizes, ratios, and sizes that headers lie
// about.
func TestOpenUnzipLimit(t *testing.T) {
	dir := t.TempDir()
	rows := strings.Repeat(`<row><c><v>1</v></c></row>`, 50000) // about 1.3 MB
	wb := xlZip(t, (xlMini{Sheets: []xlMiniSheet{{Name: "S", XML: xlSheetXML(rows)}}}).parts()...)
	p := xlWriteFile(t, dir, "big.xlsx", wb)

	// Declared size over the limit: refused at Open.
	_, err := Open(p, Options{MaxUnzipBytes: 1 << 20})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "big.xlsx: workbook part xl/worksheets/sheet1.xml would unpack to 1") ||
		!strings.Contains(err.Error(), "bytes, over the 1048576-byte limit") {
		t.Errorf("declared size: %v", err)
	}
	// Within the default limit it reads.
	b, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := xlDumpSheet(t, b, "S")
	if err != nil || len(got) != 50000 {
		t.Errorf("%d rows, %v", len(got), err)
	}
	b.Close()

	// A header that understates the size: archive/zip notices that the
	// data runs past it, and so would our counting reader.
	lying := xlLyingZip(t, wb, "xl/worksheets/sheet1.xml", 1000)
	b, err = Open(xlWriteFile(t, dir, "lying.xlsx", lying), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = xlDumpSheet(t, b, "S")
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "lying.xlsx: is damaged: cannot read xl/worksheets/sheet1.xml") {
		t.Errorf("lying header: %v", err)
	}
	b.Close()

	// The committed bomb opens when the ratio check is not reached:
	// never with the default options.
	if _, err := Open(filepath.Join("testdata", "bad", "bomb.xlsx"), Options{MaxUnzipBytes: 100 << 20}); err == nil ||
		!strings.Contains(err.Error(), "ratio over 1000:1") {
		t.Errorf("bomb with a higher limit: %v", err)
	}
}

// The counting reader stops at the limit even when the archive does not.
func TestXLSXPartReaderLimit(t *testing.T) {
	b := &xlsxBook{path: "x.xlsx", limit: 100}
	for _, n := range []int{99, 100, 101, 5000} {
		r := &xlPartReader{rc: io.NopCloser(bytes.NewReader(make([]byte, n))), left: b.limit, book: b, part: "xl/p.xml"}
		got, err := io.ReadAll(r)
		if n <= 100 {
			if err != nil || len(got) != n {
				t.Errorf("%d bytes: read %d, %v", n, len(got), err)
			}
			continue
		}
		var fe *FileError
		if !errors.As(err, &fe) || len(got) > 100 ||
			err.Error() != "x.xlsx: workbook part xl/p.xml unpacks to more bytes than its header says, over the 100-byte limit (the file may be a zip bomb; if it is a genuine workbook, raise the unzip limit or split the data into smaller files)" {
			t.Errorf("%d bytes: read %d, %v", n, len(got), err)
		}
	}
	// Decompression errors are FileErrors too.
	r := &xlPartReader{rc: io.NopCloser(io.MultiReader(bytes.NewReader([]byte("abc")), xlErrReader{zip.ErrChecksum})), left: 100, book: b, part: "xl/p.xml"}
	if _, err := io.ReadAll(r); err == nil || !errors.Is(err, zip.ErrChecksum) || !strings.Contains(err.Error(), "x.xlsx: is damaged: cannot read xl/p.xml: zip: checksum error") {
		t.Errorf("checksum: %v", err)
	}
}

type xlErrReader struct{ err error }

func (r xlErrReader) Read([]byte) (int, error) { return 0, r.err }

// excelize can read what Open accepts, and the other way round, for a
// workbook it wrote: a cross-check of the sheet list and cell texts.
func TestOpenMatchesExcelize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "B2", &[]any{"a", 1.5, true, "0042"})
	f.SetSheetRow("Sheet1", "A4", &[]any{nil, nil, "x"})
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	want, err := f.GetRows("Sheet1", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rows, err := b.Open("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][]string
	for rows.Next() {
		r := rows.Row()
		for len(got) < r.Number-1 {
			got = append(got, nil)
		}
		var texts []string
		for _, c := range r.Cells {
			texts = append(texts, c.Text)
		}
		got = append(got, texts)
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, excelize %q", got, want)
	}
	for i := range got {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: got %q, excelize %q", i+1, got[i], want[i])
		}
	}
}
