package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/richardlehane/mscfb"
)

// Open opens a spreadsheet file. The format is decided by the content, not
// the name: a zip archive is read as an XLSX/XLSM workbook, text as CSV.
// Files that are recognisably something else (Excel 97–2003 .xls, an
// encrypted workbook, OpenDocument, HTML saved as .xls, CSV renamed to
// .xlsx, …) give a *FileError that says what the file is and how to fix
// it.
func Open(path string, opts Options) (Book, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, openError(path, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, &FileError{File: path, Msg: "is a folder, not a file", Hint: "give the path of a .xlsx or .csv file"}
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &FileError{File: path, Msg: "is not a regular file", Hint: "give the path of a .xlsx or .csv file"}
	}
	head := make([]byte, headLen)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		f.Close()
		return nil, openError(path, err)
	}
	head = head[:n]
	if n == 0 {
		f.Close()
		return nil, &FileError{File: path, Msg: "file is empty", Hint: "export the data again; the file has 0 bytes"}
	}

	ext := strings.ToLower(filepath.Ext(path))
	kind := contentKind(head)
	switch kind {
	case fkZip:
		if ext == ".ods" || ext == ".numbers" {
			f.Close()
			return nil, unsupportedExt(path, ext)
		}
		b, err := openXLSX(path, f, st.Size(), f, opts)
		if err != nil {
			return nil, err
		}
		switch {
		case ext == "":
			b.notes = append(b.notes, fmt.Sprintf("%s has no extension; it is an Excel workbook and was read as one", filepath.Base(path)))
		case !isWorkbookExt(ext):
			b.notes = append(b.notes, fmt.Sprintf("%s is an Excel workbook despite its %q extension; read it as .xlsx", filepath.Base(path), ext))
		}
		return b, nil
	case fkOLE:
		defer f.Close()
		return nil, oleError(path, f)
	}
	f.Close()

	if ext == ".ods" || ext == ".numbers" || ext == ".fods" {
		return nil, unsupportedExt(path, ext)
	}
	if fe := contentError(path, ext, kind); fe != nil {
		return nil, fe
	}
	if ext == ".xls" {
		// Some MIS "Excel" exports are tab- or comma-separated text.
		b, err := openCSV(path, opts)
		if err != nil {
			return nil, err
		}
		return &notedBook{Book: b, notes: []string{filepath.Base(path) +
			" is not an Excel 97–2003 workbook but delimited text (as some systems export \"Excel\" files); read it as CSV"}}, nil
	}
	return openCSV(path, opts)
}

// headLen is how much of a file Open looks at.
const headLen = 8 << 10

func openError(path string, err error) error {
	msg := "cannot open the file"
	var pe *fs.PathError
	cause := err
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	hint := ""
	var errno syscall.Errno
	switch {
	case runtime.GOOS == "windows" && errors.As(err, &errno) && errno == 32: // ERROR_SHARING_VIOLATION
		msg, hint = "the file is open in another program", "close it in Excel and try again"
	case errors.Is(err, fs.ErrNotExist):
		msg, hint = "file not found", "check the path and the file name"
	case errors.Is(err, fs.ErrPermission):
		msg, hint = "permission denied", "check that you may read the file, and close it in any program that locks it"
	default:
		msg += ": " + cause.Error()
	}
	return &FileError{File: path, Msg: msg, Hint: hint, Err: err}
}

func isWorkbookExt(ext string) bool {
	switch ext {
	case ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam", ".xlsb":
		return true
	}
	return false
}

func unsupportedExt(path, ext string) error {
	switch ext {
	case ".numbers":
		return &FileError{File: path, Msg: "Apple Numbers spreadsheets are not supported; export as .xlsx",
			Hint: "in Numbers: File → Export To → Excel…"}
	}
	return &FileError{File: path, Msg: "OpenDocument spreadsheets are not supported; save as .xlsx",
		Hint: "in LibreOffice: File → Save As… → Excel 2007-365 (.xlsx)"}
}

// notedBook adds notes to a Book.
type notedBook struct {
	Book
	notes []string
}

func (b *notedBook) Notes() []string {
	return append(append([]string(nil), b.notes...), b.Book.Notes()...)
}

type fileKind int

const (
	fkText fileKind = iota
	fkZip
	fkOLE
	fkHTML
	fkSpreadsheetML // Excel 2003 XML Spreadsheet
	fkXML
	fkPDF
	fkArchive // gzip, rar, 7z
	fkBinary
)

var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// contentKind classifies a file by its first bytes.
func contentKind(head []byte) fileKind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return fkZip
	case bytes.HasPrefix(head, oleMagic):
		return fkOLE
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return fkPDF
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}), bytes.HasPrefix(head, []byte("Rar!\x1a\x07")),
		bytes.HasPrefix(head, []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}):
		return fkArchive
	}
	text, ok := asciiView(head)
	if !ok {
		return fkBinary
	}
	t := bytes.TrimLeft(text, " \t\r\n")
	if len(t) > 0 && t[0] == '<' {
		lower := bytes.ToLower(t)
		switch {
		case bytes.Contains(lower, []byte("urn:schemas-microsoft-com:office:spreadsheet")),
			bytes.Contains(lower, []byte(`progid="excel.sheet"`)):
			return fkSpreadsheetML
		case bytes.Contains(lower, []byte("<html")), bytes.Contains(lower, []byte("<!doctype html")),
			bytes.Contains(lower, []byte("<table")):
			return fkHTML
		case bytes.HasPrefix(lower, []byte("<?xml")):
			return fkXML
		}
	}
	return fkText
}

// asciiView returns the head of a text file as single bytes (UTF-16 is
// reduced to its low bytes), or false when the content looks binary: NUL
// bytes, or many control characters, which no text encoding that CSV
// files use produces.
func asciiView(head []byte) ([]byte, bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xff, 0xfe, 0, 0}), bytes.HasPrefix(head, []byte{0, 0, 0xfe, 0xff}):
		return nil, true // UTF-32: text, but leave it to the CSV reader
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		head = everyOtherByte(head[2:], 0)
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		head = everyOtherByte(head[2:], 1)
	default:
		// UTF-16 without a BOM: mostly NULs in the odd (LE) or even (BE)
		// positions.
		var even, odd int
		for i, c := range head {
			if c == 0 {
				if i%2 == 0 {
					even++
				} else {
					odd++
				}
			}
		}
		half := len(head) / 2
		switch {
		case odd > half*3/4 && even == 0:
			head = everyOtherByte(head, 0)
		case even > half*3/4 && odd == 0:
			head = everyOtherByte(head, 1)
		}
	}
	ctl := 0
	for _, c := range head {
		switch {
		case c == 0:
			return nil, false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1a:
			ctl++
		}
	}
	return head, ctl*20 <= len(head) // at most 5%
}

func everyOtherByte(b []byte, off int) []byte {
	out := make([]byte, 0, len(b)/2)
	for i := off; i < len(b); i += 2 {
		out = append(out, b[i])
	}
	return out
}

// contentError returns the error for content Open does not read as CSV, or
// nil.
func contentError(path, ext string, kind fileKind) error {
	fe := &FileError{File: path}
	name := filepath.Base(path)
	switch kind {
	case fkHTML:
		fe.Msg = "is not a spreadsheet: it looks like an HTML page"
		if ext == ".xls" || isWorkbookExt(ext) {
			fe.Msg = "is not a real Excel workbook: it is an HTML page saved with an Excel extension"
		}
		fe.Hint = "open it in Excel and save as .xlsx (Excel Workbook)"
	case fkSpreadsheetML:
		fe.Msg = "is an Excel 2003 XML Spreadsheet, which is not supported"
		fe.Hint = "open it in Excel and save as .xlsx (Excel Workbook)"
	case fkXML:
		fe.Msg = "is not a spreadsheet: it is an XML file"
		fe.Hint = "export the data as .xlsx or .csv"
	case fkPDF:
		fe.Msg = "is not a spreadsheet: it is a PDF document"
		fe.Hint = "export the data from your system as .xlsx or .csv"
	case fkArchive:
		fe.Msg = "is a compressed archive, not a spreadsheet"
		fe.Hint = "extract the spreadsheet from it first"
	case fkBinary:
		fe.Msg = "is not a spreadsheet or text file"
		switch {
		case ext == ".xls":
			fe.Msg = "Excel 97–2003 .xls files are not supported"
			fe.Hint = "open it in Excel and save as .xlsx (Excel Workbook)"
		case isWorkbookExt(ext):
			fe.Msg = "is not an Excel workbook: it is not a zip archive (the file is damaged or in another format)"
			fe.Hint = "open it in Excel and save as .xlsx (Excel Workbook), or export it again"
		default:
			fe.Hint = "export the data as .xlsx or .csv"
		}
	case fkText:
		if isWorkbookExt(ext) {
			fe.Msg = fmt.Sprintf("%s is not an Excel workbook: it looks like CSV text", name)
			fe.Hint = "rename it to .csv"
		} else {
			return nil
		}
	default:
		return nil
	}
	return fe
}

// oleError explains an OLE compound file: a legacy .xls, a
// password-protected (encrypted) .xlsx, or another Office 97–2003 file.
func oleError(path string, ra io.ReaderAt) error {
	streams := oleStreams(ra)
	has := func(name string) bool {
		for _, s := range streams {
			if strings.EqualFold(s, name) {
				return true
			}
		}
		return false
	}
	fe := &FileError{File: path}
	switch {
	case has("EncryptionInfo") || has("EncryptedPackage"):
		fe.Msg = "the workbook is password-protected"
		fe.Hint = "remove the password in Excel (File → Info → Protect Workbook → Encrypt with Password, clear it) and save"
	case has("Workbook") || has("Book") || streams == nil:
		// streams == nil: the directory is unreadable; .xls is by far the
		// most likely.
		fe.Msg = "Excel 97–2003 .xls files are not supported"
		fe.Hint = "open it in Excel and save as .xlsx (Excel Workbook)"
	case has("WordDocument"):
		fe.Msg = "is not a spreadsheet: it is a Word 97–2003 document"
		fe.Hint = "copy the table into Excel and save as .xlsx"
	case has("PowerPoint Document"):
		fe.Msg = "is not a spreadsheet: it is a PowerPoint 97–2003 presentation"
		fe.Hint = "copy the table into Excel and save as .xlsx"
	default:
		fe.Msg = "is not a spreadsheet Excel 2007 or later can save: it is an OLE compound file (an older Office format)"
		fe.Hint = "open it in the program that made it and save as .xlsx or .csv"
	}
	return fe
}

// oleStreams lists the entry names of an OLE compound file's directory,
// or nil when it cannot be read.
func oleStreams(ra io.ReaderAt) (names []string) {
	defer func() {
		if recover() != nil { // a hostile directory must not crash Open
			names = nil
		}
	}()
	doc, err := mscfb.New(ra)
	if err != nil {
		return nil
	}
	names = []string{}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		names = append(names, e.Name)
	}
	return names
}
