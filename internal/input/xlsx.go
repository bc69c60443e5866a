package input

// The XLSX/XLSM reader.
//
// Design: we do not read cells through excelize. Its row iterator
// (Rows/Columns) returns strings only and so drops three things this tool
// needs:
//   - the cell type: a 19-digit loan ID typed as text must be kept, while
//     the same digits stored as a number have already lost precision and
//     must be rejected;
//   - the style's number format: needed to keep the leading zeros of IDs
//     formatted "00000" and to recognise date cells;
//   - whether a blank cell holds a formula that was never calculated.
//
// So this file streams the worksheet XML itself: archive/zip plus a small
// allocation-free tokenizer (xlsx_scan.go) for the big parts (worksheets,
// shared strings), and encoding/xml for the small, well-defined ones
// (workbook.xml, its .rels, styles.xml). Only the shared string table is
// held in memory. excelize stays in the project for writing workbooks
// (samples, test fixtures).
//
// Every part is read through a counting reader that enforces
// Options.MaxUnzipBytes, whatever the zip headers claim.
//
// How <c> elements become Cells:
//   - t="s" (shared string), "str" (formula string), "inlineStr": Text.
//     An empty string is Blank, except as the cached result of a formula
//     (=IF(A1="","",…)), which is Text "" with Formula set: Blank with
//     Formula means "never calculated".
//   - t="n" or no t: Number, Text the content of <v> verbatim (only XML
//     white space trimmed; "1.2345678901234567E+19" stays so), Format the
//     number format code of the cell's style ("General" when unstyled).
//     Format is set for Number cells only: it is how dates and
//     leading-zero IDs are recognised, and means nothing for text.
//   - t="b": Bool "1" or "0"; t="e": Error ("#N/A"); t="d": Date (ISO
//     8601 text as stored).
//   - A cell with <f> has Formula set; with no cached <v> it is Blank.
//
// Rows absent from the XML are skipped; a row present but empty is
// returned with no cells. Cells are dense (gaps are Blank) without
// trailing blanks; cells written out of order are placed by their
// reference, the later one winning.

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

const hintResave = "open it in Excel and save it again as .xlsx (Excel Workbook)"

// xlSheet is one sheet as workbook.xml declares it.
type xlSheet struct {
	SheetInfo
	part string // zip part, "" when the relationship is missing
	kind string // worksheet, chartsheet, dialogsheet, macrosheet, or the relationship type
}

type xlsxBook struct {
	path    string
	closer  io.Closer
	zr      *zip.Reader
	byName  map[string]*zip.File
	byLower map[string]*zip.File
	limit   int64
	// unpacked counts the bytes unpacked from all parts, against
	// xlTotalUnzipFactor × limit: every pass over the workbook (header
	// search, merged cells, rows) adds, so a file cannot make reading it
	// take unbounded time through many parts or many passes.
	unpacked atomic.Int64

	wbPart     string
	date1904   bool
	sheets     []xlSheet
	sstPart    string
	stylesPart string
	notes      []string

	closed bool

	loadOnce sync.Once
	sst      *xlSST
	formats  []string
	loadErr  error
}

// openXLSX opens a workbook from a zip archive. It takes ownership of
// closer (the file), closing it on error.
func openXLSX(name string, ra io.ReaderAt, size int64, closer io.Closer, opts Options) (b *xlsxBook, err error) {
	defer func() {
		if err != nil && closer != nil {
			closer.Close()
		}
	}()
	zr, err := zip.NewReader(ra, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, &FileError{File: name, Msg: "is damaged: it is not a readable zip archive (" + err.Error() + ")",
			Hint: "download or export it again", Err: err}
	}
	b = &xlsxBook{path: name, closer: closer, zr: zr,
		byName: map[string]*zip.File{}, byLower: map[string]*zip.File{},
		limit: opts.MaxUnzipBytes}
	if b.limit <= 0 {
		b.limit = DefaultMaxUnzipBytes
	}
	for _, f := range zr.File {
		n := strings.ReplaceAll(f.Name, `\`, "/")
		if !xlSafeEntryName(n) {
			return nil, &FileError{File: name,
				Msg:  fmt.Sprintf("is damaged: it holds an entry named %q, a path outside the workbook that no spreadsheet program writes", f.Name),
				Hint: "do not open it; export the workbook from your MIS again"}
		}
		// Two entries of the same name (even differing only in case,
		// which Excel treats as the same part): which one is the workbook
		// would depend on the reader, so neither is trusted.
		if other, dup := b.byLower[strings.ToLower(n)]; dup {
			return nil, &FileError{File: name,
				Msg:  fmt.Sprintf("is damaged: it holds two entries named %q and %q", other.Name, f.Name),
				Hint: hintResave}
		}
		b.byName[n] = f
		b.byLower[strings.ToLower(n)] = f
	}
	if err := b.findWorkbook(); err != nil {
		return nil, err
	}
	if err := b.readWorkbook(); err != nil {
		return nil, err
	}
	// Refuse a zip bomb now rather than when its sheet is opened.
	for _, part := range append([]string{b.sstPart, b.stylesPart}, b.sheetParts()...) {
		if f := b.file(part); part != "" && f != nil {
			if err := b.checkSize(f); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

func (b *xlsxBook) sheetParts() []string {
	parts := make([]string, 0, len(b.sheets))
	for _, s := range b.sheets {
		parts = append(parts, s.part)
	}
	return parts
}

// file finds a part by name, falling back to a case-insensitive match
// (some writers disagree with their own relationship targets on case).
func (b *xlsxBook) file(name string) *zip.File {
	if f := b.byName[name]; f != nil {
		return f
	}
	return b.byLower[strings.ToLower(name)]
}

// findWorkbook locates the main part through the package relationships
// (_rels/.rels), and says what the archive is when it is not a workbook.
func (b *xlsxBook) findWorkbook() error {
	if f := b.file("_rels/.rels"); f != nil {
		rels, err := b.readRels(f)
		if err != nil {
			return err
		}
		for _, r := range rels {
			if xlRelType(r.Type, "officeDocument") && !r.External {
				b.wbPart = xlResolveTarget("", r.Target)
				break
			}
		}
	}
	if b.wbPart == "" || b.file(b.wbPart) == nil {
		b.wbPart = "xl/workbook.xml"
	}
	if b.file(b.wbPart) != nil && path.Ext(b.wbPart) == ".xml" {
		return nil
	}
	return xlNotWorkbook(b.path, b)
}

// xlNotWorkbook explains what a zip archive without a workbook part is.
func xlNotWorkbook(name string, b *xlsxBook) error {
	has := func(n string) bool { return b.file(n) != nil }
	fe := &FileError{File: name}
	mimetype := ""
	if f := b.file("mimetype"); f != nil && f.UncompressedSize64 < 200 {
		if rc, err := f.Open(); err == nil {
			m, _ := io.ReadAll(io.LimitReader(rc, 200))
			rc.Close()
			mimetype = strings.TrimSpace(string(m))
		}
	}
	switch {
	case has("xl/workbook.bin"):
		fe.Msg = "Excel binary workbooks (.xlsb) are not supported"
		fe.Hint = "open it in Excel and save as .xlsx (Excel Workbook)"
	case strings.HasPrefix(mimetype, "application/vnd.oasis.opendocument.spreadsheet"):
		fe.Msg = "OpenDocument spreadsheets are not supported; save as .xlsx"
		fe.Hint = "in LibreOffice: File → Save As… → Excel 2007-365 (.xlsx)"
	case strings.HasPrefix(mimetype, "application/vnd.oasis.opendocument."):
		fe.Msg = "is not an Excel workbook: it is an OpenDocument file (" + mimetype + ")"
		fe.Hint = "export the data as .xlsx or .csv"
	case has("Index/Document.iwa") || has("Index.zip"):
		fe.Msg = "Apple Numbers spreadsheets are not supported; export as .xlsx"
		fe.Hint = "in Numbers: File → Export To → Excel…"
	case has("word/document.xml"):
		fe.Msg = "is not an Excel workbook: it is a Word document"
		fe.Hint = "copy the table into Excel and save as .xlsx"
	case has("ppt/presentation.xml"):
		fe.Msg = "is not an Excel workbook: it is a PowerPoint presentation"
		fe.Hint = "copy the table into Excel and save as .xlsx"
	default:
		fe.Msg = "is not an Excel workbook: it is a zip archive without xl/workbook.xml"
		fe.Hint = "if the workbook is inside the archive, extract it first"
	}
	return fe
}

// xlResolveTarget resolves a relationship target against the part that
// holds the relationship: "worksheets/sheet1.xml" from "xl/workbook.xml"
// is "xl/worksheets/sheet1.xml"; "/xl/worksheets/sheet1.xml" is absolute.
func xlResolveTarget(source, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.Contains(target, "%") {
		if t, err := url.PathUnescape(target); err == nil {
			target = t
		}
	}
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(path.Dir(source), target)), "/")
}

// relsPart names the relationships part of a part: xl/workbook.xml →
// xl/_rels/workbook.xml.rels.
func relsPart(part string) string {
	dir, file := path.Split(part)
	return dir + "_rels/" + file + ".rels"
}

func (b *xlsxBook) damaged(part string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	return &FileError{File: b.path, Msg: "is damaged: cannot read " + part + ": " + err.Error(), Hint: hintResave, Err: err}
}

func (b *xlsxBook) readRels(f *zip.File) ([]xlRel, error) {
	rc, err := b.openPart(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rels, err := xlReadRels(rc)
	if err != nil {
		return nil, b.damaged(f.Name, err)
	}
	return rels, nil
}

func (b *xlsxBook) readWorkbook() error {
	rc, err := b.openPart(b.file(b.wbPart))
	if err != nil {
		return err
	}
	wb, err := xlReadWorkbook(rc)
	rc.Close()
	if err != nil {
		return b.damaged(b.wbPart, err)
	}
	if wb.root != "workbook" {
		return xlNotWorkbook(b.path, b) // a .docx, .pptx, …
	}
	if xlBetaNS(wb.space) {
		return &FileError{File: b.path,
			Msg:  "was saved in the format of a pre-release (beta) version of Excel 2007, which kivaconv cannot read",
			Hint: "open it in a current version of Excel and save it again as .xlsx (Excel Workbook)"}
	}
	b.date1904 = wb.date1904

	var rels []xlRel
	if f := b.file(relsPart(b.wbPart)); f != nil {
		if rels, err = b.readRels(f); err != nil {
			return err
		}
	}
	byID := map[string]xlRel{}
	for _, r := range rels {
		byID[r.ID] = r
		switch {
		case r.External:
		case xlRelType(r.Type, "sharedStrings"):
			b.sstPart = xlResolveTarget(b.wbPart, r.Target)
		case xlRelType(r.Type, "styles"):
			b.stylesPart = xlResolveTarget(b.wbPart, r.Target)
		}
	}
	// Writers that omit the relationships still use the usual names.
	dir := path.Dir(b.wbPart) + "/"
	if b.sstPart == "" && b.file(dir+"sharedStrings.xml") != nil {
		b.sstPart = dir + "sharedStrings.xml"
	}
	if b.stylesPart == "" && b.file(dir+"styles.xml") != nil {
		b.stylesPart = dir + "styles.xml"
	}

	usedBy := map[*zip.File]string{} // worksheet part → the sheet that reads it
	for i, d := range wb.sheets {
		if d.hasRID && d.rid == "" {
			// A placeholder with no content (VBA projects leave one for a
			// sheet that only holds code): nothing to read, and no damage.
			b.notes = append(b.notes, fmt.Sprintf("sheet %q has no content (an empty placeholder): skipped", d.name))
			continue
		}
		s := xlSheet{SheetInfo: SheetInfo{Name: d.name, Hidden: d.state == "hidden" || d.state == "veryHidden"}}
		if r, ok := byID[d.rid]; ok && !r.External {
			s.part = xlResolveTarget(b.wbPart, r.Target)
			s.kind = r.Type[strings.LastIndexByte(r.Type, '/')+1:]
		} else if f := b.file(fmt.Sprintf("%ssheet%d.xml", dir+"worksheets/", i+1)); f != nil && len(rels) == 0 {
			// No relationships part at all: guess the usual name.
			s.part, s.kind = f.Name, "worksheet"
		}
		// Sheets sharing one part would make every pass over the
		// workbook unpack that part once per sheet (a small file could
		// take hours); Excel never writes it.
		if f := b.file(s.part); s.part != "" && f != nil {
			if other, shared := usedBy[f]; shared {
				return &FileError{File: b.path,
					Msg:  fmt.Sprintf("is damaged: sheets %q and %q are the same part (%s), which Excel never writes", other, s.Name, s.part),
					Hint: hintResave}
			}
			usedBy[f] = s.Name
		}
		b.sheets = append(b.sheets, s)
	}
	if len(b.sheets) == 0 {
		return &FileError{File: b.path, Msg: "the workbook has no sheets", Hint: hintResave}
	}
	return nil
}

// openPart opens a part for reading, refusing it when its declared size is
// over the limit, and counting what is actually read against the limit.
func (b *xlsxBook) openPart(f *zip.File) (io.ReadCloser, error) {
	if f == nil {
		return nil, &FileError{File: b.path, Msg: "is damaged: a workbook part is missing", Hint: hintResave}
	}
	if err := b.checkSize(f); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return nil, &FileError{File: b.path, Msg: "workbook part " + f.Name + " uses an unsupported compression method", Hint: hintResave, Err: err}
		}
		return nil, b.damaged(f.Name, err)
	}
	return xlDecodeUTF16(&xlPartReader{rc: rc, left: b.limit, book: b, part: f.Name}), nil
}

// xlDecodeUTF16 turns an XML part written in UTF-16 (PhpSpreadsheet and
// some .NET writers do), with or without a byte-order mark, into UTF-8 for
// the parsers, which read UTF-8 only; a UTF-8 part passes through. With no
// mark, the encoding shows in the first character, which is '<' in any
// XML part (XML 1.0 appendix F). The size limit still counts the bytes in
// the zip.
func xlDecodeUTF16(rc io.ReadCloser) io.ReadCloser {
	br := bufio.NewReaderSize(rc, 512)
	head, _ := br.Peek(4)
	var enc encoding.Encoding
	switch {
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF,
		len(head) >= 2 && head[0] == 0 && head[1] == '<':
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
		if head[0] == 0 {
			enc = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
		}
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE,
		len(head) >= 2 && head[0] == '<' && head[1] == 0:
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
		if head[0] == '<' {
			enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		}
	default:
		return struct {
			io.Reader
			io.Closer
		}{br, rc}
	}
	return struct {
		io.Reader
		io.Closer
	}{transform.NewReader(br, enc.NewDecoder()), rc}
}

// xlTotalUnzipFactor bounds what reading one workbook may unpack in all,
// as a multiple of the per-part limit (4 GiB by default: a few passes over
// the largest sheet Excel can hold).
const xlTotalUnzipFactor = 4

// xlSafeEntryName reports whether a zip entry name (with / separators) is
// a relative path inside the archive: no leading slash, drive letter or
// ".." element. A leading slash is refused too: zip names are relative by
// definition, and an unpacking tool would write such an entry elsewhere.
func xlSafeEntryName(n string) bool {
	if n == "" || n[0] == '/' || len(n) >= 2 && n[1] == ':' {
		return false
	}
	for _, e := range strings.Split(n, "/") {
		if e == ".." {
			return false
		}
	}
	return true
}

// checkSize refuses a part whose declared size is over the limit, or
// whose compression ratio no real workbook part has: deflate cannot do
// better than about 1030:1, and XML parts are rarely over 100:1.
func (b *xlsxBook) checkSize(f *zip.File) error {
	if f.UncompressedSize64 > uint64(b.limit) {
		return b.tooBig(f.Name, fmt.Sprintf("would unpack to %d bytes", f.UncompressedSize64))
	}
	if f.UncompressedSize64 > 10<<20 && f.UncompressedSize64/max(f.CompressedSize64, 1) > 1000 {
		return &FileError{File: b.path,
			Msg: fmt.Sprintf("workbook part %s would unpack to %d bytes from %d, a ratio over 1000:1 that no real workbook has",
				f.Name, f.UncompressedSize64, f.CompressedSize64),
			Hint: "the file looks like a zip bomb; do not open it"}
	}
	return nil
}

func (b *xlsxBook) tooBig(part, what string) error {
	return &FileError{File: b.path,
		Msg:  fmt.Sprintf("workbook part %s %s, over the %d-byte limit", part, what, b.limit),
		Hint: "the file may be a zip bomb; if it is a genuine workbook, raise the unzip limit or split the data into smaller files"}
}

// xlPartReader enforces the size limit while reading (zip headers can lie)
// and turns decompression errors into FileErrors.
type xlPartReader struct {
	rc   io.ReadCloser
	left int64
	book *xlsxBook
	part string
	err  error
}

func (r *xlPartReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if int64(len(p)) > r.left+1 {
		p = p[:r.left+1] // one byte more than allowed is enough to know
	}
	n, err := r.rc.Read(p)
	r.left -= int64(n)
	if r.left < 0 {
		r.err = r.book.tooBig(r.part, "unpacks to more bytes than its header says")
		return 0, r.err
	}
	if total := r.book.unpacked.Add(int64(n)); total > xlTotalUnzipFactor*r.book.limit {
		r.err = &FileError{File: r.book.path,
			Msg:  fmt.Sprintf("reading it unpacks more than %d bytes in all (%d-byte limit per part, %d× that in all)", xlTotalUnzipFactor*r.book.limit, r.book.limit, xlTotalUnzipFactor),
			Hint: "the file may be a zip bomb; if it is a genuine workbook, split the data into smaller files"}
		return 0, r.err
	}
	if err != nil && err != io.EOF {
		r.err = r.book.damaged(r.part, err)
		return n, r.err
	}
	return n, err
}

func (r *xlPartReader) Close() error { return r.rc.Close() }

// loadShared reads the shared strings and styles, once.
func (b *xlsxBook) loadShared() error {
	b.loadOnce.Do(func() {
		if f := b.file(b.sstPart); b.sstPart != "" && f != nil {
			if b.sst, b.loadErr = xlParsePart(b, f, xlReadSST); b.loadErr != nil {
				return
			}
		}
		if f := b.file(b.stylesPart); b.stylesPart != "" && f != nil {
			b.formats, b.loadErr = xlParsePart(b, f, xlReadStyles)
		}
	})
	return b.loadErr
}

// xlParsePart opens a part and parses it, turning errors into FileErrors.
func xlParsePart[T any](b *xlsxBook, f *zip.File, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	rc, err := b.openPart(f)
	if err != nil {
		return zero, err
	}
	defer rc.Close()
	v, err := parse(rc)
	if errors.Is(err, errSSTTooLarge) {
		return zero, &FileError{File: b.path, Msg: err.Error(),
			Hint: "split the data into smaller workbooks (fewer rows each), or save the sheet as CSV", Err: err}
	}
	if err != nil {
		return zero, b.damaged(f.Name, err)
	}
	return v, nil
}

func (b *xlsxBook) Path() string   { return b.path }
func (b *xlsxBook) Format() Format { return XLSX }
func (b *xlsxBook) Date1904() bool { return b.date1904 }
func (b *xlsxBook) Notes() []string {
	return append([]string(nil), b.notes...)
}

func (b *xlsxBook) Sheets() []SheetInfo {
	infos := make([]SheetInfo, len(b.sheets))
	for i, s := range b.sheets {
		infos[i] = s.SheetInfo
	}
	return infos
}

func (b *xlsxBook) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if b.closer == nil {
		return nil
	}
	return b.closer.Close()
}

var errBookClosed = errors.New("input: workbook already closed")

// sheet finds a sheet by name: exactly, or ignoring case as Excel does.
func (b *xlsxBook) sheet(name string) (*xlSheet, error) {
	for i := range b.sheets {
		if b.sheets[i].Name == name {
			return &b.sheets[i], nil
		}
	}
	for i := range b.sheets {
		if strings.EqualFold(b.sheets[i].Name, name) {
			return &b.sheets[i], nil
		}
	}
	names := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		names[i] = fmt.Sprintf("%q", s.Name)
	}
	return nil, &FileError{File: b.path, Msg: fmt.Sprintf("no sheet named %q", name),
		Hint: "the workbook has " + strings.Join(names, ", ")}
}

// worksheet finds a sheet that has cells, and opens its part.
func (b *xlsxBook) openWorksheet(name string) (*xlSheet, io.ReadCloser, error) {
	if b.closed {
		return nil, nil, errBookClosed
	}
	s, err := b.sheet(name)
	if err != nil {
		return nil, nil, err
	}
	what := ""
	switch s.kind {
	case "worksheet":
	case "chartsheet":
		what = "a chart sheet"
	case "dialogsheet":
		what = "a dialog sheet"
	case "xlMacrosheet", "xlIntlMacrosheet":
		what = "an Excel 4.0 macro sheet"
	default:
		if s.part == "" {
			return nil, nil, &FileError{File: b.path, Msg: fmt.Sprintf("is damaged: sheet %q has no worksheet part", s.Name), Hint: hintResave}
		}
		what = "not a worksheet (" + s.kind + ")"
	}
	if what != "" {
		return nil, nil, &FileError{File: b.path, Msg: fmt.Sprintf("sheet %q is %s: it has no cells to read", s.Name, what),
			Hint: "choose a worksheet"}
	}
	f := b.file(s.part)
	if f == nil {
		return nil, nil, &FileError{File: b.path, Msg: fmt.Sprintf("is damaged: sheet %q refers to the missing part %s", s.Name, s.part), Hint: hintResave}
	}
	rc, err := b.openPart(f)
	if err != nil {
		return nil, nil, err
	}
	return s, rc, nil
}

// Open streams the rows of a worksheet. Several sheets may be open at
// once; each Rows reads its own copy of the part.
func (b *xlsxBook) Open(name string) (Rows, error) {
	if b.closed {
		return nil, errBookClosed
	}
	if err := b.loadShared(); err != nil {
		return nil, err
	}
	s, rc, err := b.openWorksheet(name)
	if err != nil {
		return nil, err
	}
	p := newXLSheetParser(rc, b.sst, b.formats, Pos{File: b.path, Sheet: s.Name}, s.part)
	return &xlsxRows{xlSheetParser: p, rc: rc}, nil
}

// Merged returns the merged ranges of a sheet that start at or above
// maxRow (all of them when maxRow <= 0).
func (b *xlsxBook) Merged(name string, maxRow int) ([]Range, error) {
	s, rc, err := b.openWorksheet(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	ranges, err := xlReadMerged(rc, maxRow)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, &PosError{Pos: Pos{File: b.path, Sheet: s.Name}, Part: s.part, Msg: err.Error(), Err: err}
	}
	return ranges, nil
}

// xlsxRows is the Rows of one worksheet.
type xlsxRows struct {
	*xlSheetParser
	rc     io.ReadCloser
	closed bool
}

func (r *xlsxRows) Next() bool {
	if r.closed {
		return false
	}
	return r.xlSheetParser.Next()
}

func (r *xlsxRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	return r.rc.Close()
}
