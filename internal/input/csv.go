package input

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// Reading CSV, TSV and TXT exports.
//
// openCSV decides everything about the file once: its encoding (byte-order
// mark, else one streaming pass that checks the whole file is UTF-8, else
// Windows-1252), its delimiter (sniffed from the first 64 KiB of text) and
// whether it is empty. Each Open then streams the records with
// encoding/csv from a fresh reader over the same file:
//
//	file → [decoder to UTF-8] → lineEndReader (lone CR → LF) → csv.Reader
//
// Positions are those of encoding/csv over that UTF-8 text: 1-based lines
// (LF, CRLF or a lone CR ends a line) and 1-based byte columns; a UTF-8
// byte-order mark is not counted.

const (
	csvSniffBytes = 64 << 10  // text looked at to choose the delimiter
	csvBufSize    = 64 << 10  // read buffers
	csvScanBuf    = 256 << 10 // chunk of the encoding pass
	sniffRecords  = 100       // records looked at to choose the delimiter
	// maxCSVRecord caps the bytes one record may take, so that an unclosed
	// quote (or a file with no line breaks) fails early instead of reading
	// the whole file into one field.
	maxCSVRecord = 8 << 20
)

var errRecordTooLong = errors.New("record too long")

// csvBook is an opened CSV file: one sheet named after the file.
type csvBook struct {
	path      string
	sheet     string
	f         *os.File
	start     int64 // offset of the text: after a UTF-8 byte-order mark
	size      int64 // file size when it was opened; later growth is not read
	enc       textEncoding
	delim     rune
	sepLine   bool // the first line is Excel's "sep=;" directive, not a row
	notes     []string
	maxRecord int64
	closed    bool
}

// openCSV opens a delimited text file (CSV, TSV, TXT): it finds the
// encoding and the delimiter and checks that the file is not empty.
func openCSV(path string, opts Options) (Book, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	b, err := newCSVBook(f, path, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return b, nil
}

func newCSVBook(f *os.File, path string, opts Options) (*csvBook, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, &FileError{File: path, Msg: "cannot read the file", Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, &FileError{File: path, Msg: "not a regular file", Hint: "give the path of a CSV file"}
	}
	b := &csvBook{path: path, sheet: csvSheetName(path), f: f, size: st.Size(), maxRecord: maxCSVRecord}

	head := make([]byte, min(b.size, csvSniffBytes))
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, b.readError(err)
	}
	if err := b.chooseEncoding(head[:n], opts.Encoding); err != nil {
		return nil, err
	}

	sample, complete, err := b.sample()
	if err != nil {
		return nil, err
	}
	sepDelim, sepLen := sepDirective(sample)
	if sepLen > 0 {
		b.sepLine = true
		sample = sample[sepLen:]
	}
	switch {
	case opts.Delimiter != 0:
		if !validDelim(opts.Delimiter) {
			return nil, &FileError{File: path, Msg: fmt.Sprintf("invalid delimiter %q", opts.Delimiter),
				Hint: "use a comma, a semicolon, a tab or a pipe (|)"}
		}
		b.delim = opts.Delimiter
	case b.sepLine:
		b.delim = sepDelim
		if b.delim != ',' {
			b.notes = append(b.notes, "delimiter: "+delimName(b.delim)+" (from the sep= line)")
		}
	default:
		ext := strings.ToLower(filepath.Ext(path))
		tsv := ext == ".tsv" || ext == ".tab"
		b.delim = sniffDelimiter(sample, complete, tsv || b.enc.kind == encWide, tsv)
		if b.delim != ',' {
			b.notes = append(b.notes, "delimiter: "+delimName(b.delim))
		}
	}
	if complete && blankText(sample, b.delim) {
		return nil, &FileError{File: path, Msg: "file is empty",
			Hint: "it has no text, only blank lines or empty fields: export the sheet again"}
	}
	return b, nil
}

// csvSheetName is the name of the one sheet of a CSV file: its base name
// without the extension.
func csvSheetName(path string) string {
	base := filepath.Base(path)
	if name := strings.TrimSuffix(base, filepath.Ext(base)); name != "" {
		return name
	}
	return base
}

func (b *csvBook) readError(err error) error {
	return &FileError{File: b.path, Msg: "cannot read the file: " + err.Error(), Err: err}
}

// chooseEncoding sets b.enc and b.start from a forced encoding name, else
// a byte-order mark, else by checking that the whole file is UTF-8
// (Windows-1252 if not). UTF-16 without a byte-order mark is recognised
// by its NUL bytes; any other NUL byte means a binary file.
func (b *csvBook) chooseEncoding(head []byte, forced string) error {
	bom := false
	if forced != "" {
		enc, ok := lookupEncoding(forced)
		if !ok {
			return &FileError{File: b.path, Msg: fmt.Sprintf("unknown encoding %q", forced),
				Hint: "use one of " + encodingNames + ", or another IANA encoding name"}
		}
		if enc.kind == encUTF8 && (bytes.HasPrefix(head, bomUTF16LE) || bytes.HasPrefix(head, bomUTF16BE)) {
			return &FileError{File: b.path, Msg: "the file is UTF-16 (it starts with a UTF-16 byte-order mark), not " + forced,
				Hint: "leave out --encoding, or use --encoding utf-16"}
		}
		if enc.kind != encWide && bytes.HasPrefix(head, bomUTF8) {
			b.start = int64(len(bomUTF8))
		}
		b.enc = enc
	} else if enc, skip, ok := encodingFromBOM(head); ok {
		b.enc, b.start, bom = enc, skip, true
	} else if e, ok := guessUTF16(head); ok {
		b.enc = utf16Encoding("UTF-16LE", e)
		if e == unicode.BigEndian {
			b.enc.name = "UTF-16BE"
		}
		b.notes = append(b.notes, "decoded as "+b.enc.name+" (the file has no byte-order mark)")
	} else {
		b.enc = encodingUTF8 // unless the pass below finds a byte that is not UTF-8
	}
	if b.enc.kind == encWide {
		return nil
	}
	for b.start < int64(len(head)) && bytes.HasPrefix(head[b.start:], bomUTF8) && b.enc.kind == encUTF8 {
		b.start += int64(len(bomUTF8)) // a byte-order mark written twice
	}

	buf := make([]byte, b.bufSize(csvScanBuf, false))
	res, err := scanText(b.f, b.start, b.size-b.start, buf, b.enc.kind == encUTF8)
	if err != nil {
		return b.readError(err)
	}
	if res.nul >= 0 {
		line, _, err := textPosition(b.f, b.start, res.nul, buf)
		if err != nil {
			return b.readError(err)
		}
		return &FileError{File: b.path, Msg: fmt.Sprintf("binary file? (a NUL byte on line %d)", line), Hint: binaryHint(head)}
	}
	if res.invalid < 0 {
		return nil
	}
	line, col, err := textPosition(b.f, b.start, res.invalid, buf)
	if err != nil {
		return b.readError(err)
	}
	what := describeByte(b.f, res.invalid)
	switch {
	case forced == "" && !bom:
		b.enc = encodingWindows1252
		b.notes = append(b.notes, fmt.Sprintf("decoded as Windows-1252 (the file is not valid UTF-8: %s on line %d)", what, line))
		return nil
	case bom:
		return &FileError{File: b.path,
			Msg:  fmt.Sprintf("the file starts with a UTF-8 byte-order mark but is not valid UTF-8: %s on line %d, column %d", what, line, col),
			Hint: "use --encoding windows-1252 if it was saved in Windows-1252 (ANSI)"}
	}
	return &FileError{File: b.path,
		Msg:  fmt.Sprintf("not valid UTF-8: %s on line %d, column %d", what, line, col),
		Hint: "use --encoding windows-1252"}
}

// text returns a reader of the file's text as UTF-8 with every line
// ending a LF or CRLF.
func (b *csvBook) text() *lineEndReader {
	r := bufio.NewReaderSize(io.NewSectionReader(b.f, b.start, b.size-b.start), b.bufSize(csvBufSize, false))
	if b.enc.enc != nil {
		r = bufio.NewReaderSize(b.enc.decoder(r), b.bufSize(csvBufSize, true))
	}
	return &lineEndReader{r: r, limit: math.MaxInt64}
}

// bufSize is the size of a buffer for the whole text, capped at limit:
// small files get small buffers. decoded: for the text after decoding,
// which can take up to 4 bytes of UTF-8 for each byte of the file.
func (b *csvBook) bufSize(limit int, decoded bool) int {
	n := b.size - b.start
	if decoded && b.enc.enc != nil {
		n *= 4
	}
	return int(min(max(n, 16), int64(limit)))
}

// sample returns the first csvSniffBytes of text, and whether that is the
// whole file.
func (b *csvBook) sample() ([]byte, bool, error) {
	r := b.text()
	buf := make([]byte, b.bufSize(csvSniffBytes, true))
	n, err := io.ReadFull(r, buf)
	switch err {
	case nil:
		var one [1]byte
		_, err = io.ReadFull(r, one[:])
		return buf, err == io.EOF, nil
	case io.EOF, io.ErrUnexpectedEOF:
		return buf[:n], true, nil
	}
	return nil, false, b.readError(err)
}

// sepDirective recognises Excel's "sep=;" first line, which names the
// delimiter and is not a row. It returns the delimiter and the length of
// the line, or 0.
func sepDirective(s []byte) (rune, int) {
	if len(s) < 5 || !strings.EqualFold(string(s[:4]), "sep=") {
		return 0, 0
	}
	d, size := utf8.DecodeRune(s[4:])
	n := 4 + size
	switch {
	case !validDelim(d) || d == utf8.RuneError:
		return 0, 0
	case n == len(s):
	case s[n] == '\n':
		n++
	case s[n] == '\r' && n+1 < len(s) && s[n+1] == '\n':
		n += 2
	default:
		return 0, 0
	}
	return d, n
}

// validDelim is what encoding/csv accepts as a delimiter.
func validDelim(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

func delimName(d rune) string {
	switch d {
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	case '|':
		return "pipe"
	}
	return fmt.Sprintf("%q", d)
}

// blankText reports whether s holds nothing but line breaks, spaces and
// delimiters: no record of it has a value.
func blankText(s []byte, delim rune) bool {
	for _, c := range s {
		switch {
		case c == '\n' || c == '\r' || c == ' ' || c == '\t':
		case delim < utf8.RuneSelf && rune(c) == delim:
		default:
			return false
		}
	}
	return true
}

// sniffDelimiter chooses among comma, semicolon, tab and pipe the one that
// splits the first records of s into the most consistent number of fields
// (more than one). Quotes are honoured, so delimiters inside quoted fields
// do not count. Consistency decides, so a semicolon export with decimal
// commas ("L1;12,50") picks the semicolon: the header has no comma and its
// count differs. Ties go to the delimiter whose first record has the
// usual count (the header), then to the order , ; tab | (tab first when
// tabFirst). With no candidate, the file has one column: comma, or tab for
// a .tsv file (tabDefault).
func sniffDelimiter(s []byte, complete, tabFirst, tabDefault bool) rune {
	order := []byte{',', ';', '\t', '|'}
	if tabFirst {
		order = []byte{'\t', ',', ';', '|'}
	}
	var (
		best            byte
		bestFreq, bestN int
		bestHeader      bool
		counts, sorted  []int
		defaultDelim    = ','
	)
	if tabDefault {
		defaultDelim = '\t'
	}
	for _, d := range order {
		counts = fieldCounts(counts[:0], s, d, complete, sniffRecords)
		if len(counts) == 0 {
			continue
		}
		sorted = append(sorted[:0], counts...)
		mode, freq := modeOf(sorted)
		if mode < 2 {
			continue
		}
		header := counts[0] == mode
		better := best == 0
		if !better {
			// freq/len(counts) against bestFreq/bestN, without division.
			switch a, b := freq*bestN, bestFreq*len(counts); {
			case a > b:
				better = true
			case a == b:
				better = header && !bestHeader
			}
		}
		if better {
			best, bestFreq, bestN, bestHeader = d, freq, len(counts), header
		}
	}
	if best == 0 {
		return defaultDelim
	}
	return rune(best)
}

// fieldCounts appends to dst the number of fields of each non-empty
// record of s split at d, up to max records. A record cut short by the
// end of an incomplete sample is left out.
func fieldCounts(dst []int, s []byte, d byte, complete bool, max int) []int {
	fields, quoted, fieldStart, empty := 1, false, true, true
	for i := 0; i < len(s) && len(dst) < max; i++ {
		c := s[i]
		if quoted {
			if c == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					i++
				} else {
					quoted = false
				}
			}
			continue
		}
		switch c {
		case '\n':
			if !empty {
				dst = append(dst, fields)
			}
			fields, fieldStart, empty = 1, true, true
		case '\r':
		case d:
			fields++
			fieldStart, empty = true, false
		case '"':
			quoted = fieldStart
			fieldStart, empty = false, false
		default:
			fieldStart, empty = false, false
		}
	}
	if complete && !quoted && !empty && len(dst) < max {
		dst = append(dst, fields)
	}
	return dst
}

// modeOf sorts counts and returns the most frequent value (the larger on
// a tie) and how often it occurs.
func modeOf(counts []int) (mode, freq int) {
	slices.Sort(counts)
	for i := 0; i < len(counts); {
		j := i
		for j < len(counts) && counts[j] == counts[i] {
			j++
		}
		if j-i >= freq {
			mode, freq = counts[i], j-i
		}
		i = j
	}
	return mode, freq
}

// Delimiter is the field delimiter in use (forced, from a sep= line, or
// sniffed).
func (b *csvBook) Delimiter() rune { return b.delim }

// Encoding names the encoding the file is decoded from ("UTF-8",
// "UTF-16LE", "Windows-1252", ...).
func (b *csvBook) Encoding() string { return b.enc.name }

func (b *csvBook) Path() string                        { return b.path }
func (b *csvBook) Format() Format                      { return CSV }
func (b *csvBook) Sheets() []SheetInfo                 { return []SheetInfo{{Name: b.sheet}} }
func (b *csvBook) Date1904() bool                      { return false }
func (b *csvBook) Notes() []string                     { return slices.Clone(b.notes) }
func (b *csvBook) Merged(string, int) ([]Range, error) { return nil, nil }

func (b *csvBook) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	return b.f.Close()
}

// Open streams the records of the file. The sheet name is the one Sheets
// returns (or empty).
func (b *csvBook) Open(sheet string) (Rows, error) {
	if sheet != "" && !strings.EqualFold(sheet, b.sheet) {
		return nil, &FileError{File: b.path, Msg: fmt.Sprintf("no sheet %q", sheet),
			Hint: fmt.Sprintf("a CSV file has one sheet, %q", b.sheet)}
	}
	if b.closed {
		return nil, &FileError{File: b.path, Msg: "the file is closed", Err: os.ErrClosed}
	}
	text := b.text()
	text.limit = b.maxRecord + csvBufSize
	// encoding/csv uses a *bufio.Reader of 4 KiB or more as it is.
	r := csv.NewReader(bufio.NewReaderSize(text, max(b.bufSize(csvBufSize, true), 4096)))
	r.Comma = b.delim
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	rs := &csvRows{book: b, r: r, text: text, nextLine: 1}
	if b.sepLine {
		// The directive is one line without quotes: it parses as a record.
		if _, err := r.Read(); err != nil && err != io.EOF {
			rs.fail(err)
		}
		rs.nextLine = 2
	}
	return rs, nil
}

// lineEndReader turns every lone CR into a LF (encoding/csv only knows LF
// and CRLF; old Mac exports end lines with CR alone), and fails with
// errRecordTooLong once it has returned limit bytes.
type lineEndReader struct {
	r     *bufio.Reader
	n     int64 // bytes returned
	limit int64
}

func (l *lineEndReader) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		return 0, errRecordTooLong
	}
	if rest := l.limit - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	for b := p[:n]; ; {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			break
		}
		if i+1 < len(b) {
			if b[i+1] != '\n' {
				b[i] = '\n'
			}
			b = b[i+1:]
			continue
		}
		// The CR is the last byte read: look at the next one.
		if next, _ := l.r.Peek(1); len(next) == 0 || next[0] != '\n' {
			b[i] = '\n'
		}
		break
	}
	l.n += int64(n)
	return n, err
}

// csvRows streams the records of a csvBook. encoding/csv skips empty
// lines; csvRows gives them back as blank rows so that row numbers are the
// ones a spreadsheet shows.
type csvRows struct {
	book *csvBook
	r    *csv.Reader
	text *lineEndReader
	row  Row
	err  error
	done bool

	num      int      // rows returned
	nextLine int      // line after the last record returned
	rec      []string // a record read but not returned yet (blank lines come first)
	recLine  int      // line where rec starts
}

func (rs *csvRows) Next() bool {
	if rs.done {
		return false
	}
	if rs.rec == nil {
		rec, err := rs.r.Read()
		if err != nil {
			rs.fail(err)
			return false
		}
		rs.rec = rec
		rs.recLine, _ = rs.r.FieldPos(0)
		rs.text.limit = rs.r.InputOffset() + rs.book.maxRecord + csvBufSize
	}
	rs.num++
	rs.row.Number = rs.num
	if rs.nextLine < rs.recLine { // an empty line
		rs.row.Line = rs.nextLine
		rs.row.Cells = append(rs.row.Cells[:0], Cell{Line: rs.nextLine, Column: 1})
		rs.nextLine++
		return true
	}
	rs.row.Line = rs.recLine
	cells := rs.row.Cells[:0]
	for i, s := range rs.rec {
		line, col := rs.r.FieldPos(i)
		c := Cell{Line: line, Column: col}
		if s != "" {
			c.Text, c.Type = s, Text
		}
		cells = append(cells, c)
	}
	rs.row.Cells = cells
	// The record ends on the line where its last field starts, plus the
	// line breaks inside that field (only a quoted field has them).
	last := cells[len(cells)-1]
	rs.nextLine = last.Line + strings.Count(last.Text, "\n") + 1
	rs.rec = nil
	return true
}

// fail ends the stream; io.EOF is the normal end.
func (rs *csvRows) fail(err error) {
	rs.done = true
	rs.rec = nil
	if err != io.EOF {
		rs.err = rs.wrap(err)
	}
}

// wrap turns an error of encoding/csv into one that says where the
// problem is and how to fix it.
func (rs *csvRows) wrap(err error) error {
	b := rs.book
	pos := Pos{File: filepath.Base(b.path), Row: rs.num + 1}
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		pos.Line, pos.Byte = pe.Line, pe.Column
		if blanks := pe.StartLine - rs.nextLine; blanks > 0 { // skipped by encoding/csv
			pos.Row += blanks
		}
		e := &PosError{Pos: pos, Err: err}
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			e.Msg = `a quote (") inside a field that does not start with one`
			e.Hint = `a quote inside an unquoted field: double it ("") and put the whole field in quotes, or remove it`
		case errors.Is(pe.Err, csv.ErrQuote) && b.byteAt(pe.Line, pe.Column) == '"':
			e.Msg = "text after the closing quote of a quoted field"
			e.Hint = `a quote inside a quoted field must be doubled ("")`
		case errors.Is(pe.Err, csv.ErrQuote):
			// encoding/csv reports the end of the file; the record start
			// is where to look.
			e.Pos.Line, e.Pos.Byte = pe.StartLine, 0
			e.Msg = "a quoted field in the record starting on this line is never closed (the file ends inside quotes)"
			e.Hint = `a quote inside a quoted field must be doubled (""); add the missing closing quote`
		default:
			e.Msg = pe.Err.Error()
		}
		return e
	case errors.Is(err, errRecordTooLong):
		pos.Line = rs.nextLine
		return &PosError{Pos: pos, Err: err,
			Msg:  fmt.Sprintf("the record starting on or after this line is longer than %d MiB", b.maxRecord>>20),
			Hint: `probably a quote that is never closed: a quote inside a quoted field must be doubled ("")`}
	}
	return b.readError(err)
}

// byteAt returns the byte at a 1-based line and byte column of the text,
// or 0.
func (b *csvBook) byteAt(line, col int) byte {
	if line < 1 || col < 1 {
		return 0
	}
	r := bufio.NewReaderSize(b.text(), b.bufSize(csvBufSize, true))
	for l := 1; l < line; {
		_, err := r.ReadSlice('\n')
		switch err {
		case nil:
			l++
		case bufio.ErrBufferFull:
		default:
			return 0
		}
	}
	for ; col > 0; col-- {
		c, err := r.ReadByte()
		if err != nil || c == '\n' {
			return 0
		}
		if col == 1 {
			return c
		}
	}
	return 0
}

func (rs *csvRows) Row() *Row  { return &rs.row }
func (rs *csvRows) Err() error { return rs.err }
func (rs *csvRows) Close() error {
	rs.done = true
	rs.rec = nil
	return nil
}
