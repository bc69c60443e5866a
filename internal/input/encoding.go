package input

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// encKind is how a text encoding relates to the bytes of a CSV file.
type encKind uint8

const (
	// encUTF8: the bytes are read as they are, after checking that they
	// are valid UTF-8.
	encUTF8 encKind = iota
	// encByte: an ASCII-compatible encoding (Windows-1252, Shift_JIS, ...)
	// decoded to UTF-8; a NUL byte still means the file is binary.
	encByte
	// encWide: UTF-16 or UTF-32, decoded to UTF-8; NUL bytes are normal.
	encWide
)

// textEncoding says how to turn the bytes of a text file into UTF-8.
type textEncoding struct {
	name string            // for messages: "UTF-8", "UTF-16LE", "Windows-1252"
	kind encKind           //
	enc  encoding.Encoding // nil for encUTF8
}

// decoder wraps r so that it yields UTF-8.
func (e textEncoding) decoder(r io.Reader) io.Reader {
	if e.enc == nil {
		return r
	}
	return e.enc.NewDecoder().Reader(r)
}

var (
	encodingUTF8        = textEncoding{name: "UTF-8", kind: encUTF8}
	encodingWindows1252 = textEncoding{name: "Windows-1252", kind: encByte, enc: charmap.Windows1252}
)

// utf16Encoding decodes UTF-16: a byte-order mark, when present, decides
// the byte order and is dropped; without one, e is used.
func utf16Encoding(name string, e unicode.Endianness) textEncoding {
	return textEncoding{name: name, kind: encWide, enc: unicode.UTF16(e, unicode.UseBOM)}
}

func utf32Encoding(name string, e utf32.Endianness) textEncoding {
	return textEncoding{name: name, kind: encWide, enc: utf32.UTF32(e, utf32.UseBOM)}
}

// encodingNames are the names suggested when --encoding is not understood.
const encodingNames = "utf-8, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-15"

// lookupEncoding resolves a user-given encoding name: the common names
// first, then any name the IANA or WHATWG (HTML) registries know.
func lookupEncoding(name string) (textEncoding, bool) {
	key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "_", "-")
	switch key {
	case "utf-8", "utf8", "utf-8-sig", "utf8-sig", "utf-8-bom", "utf8-bom":
		return encodingUTF8, true
	case "utf-16", "utf16", "ucs-2", "ucs2", "unicode":
		// Without a byte-order mark, UTF-16 from Windows is little-endian.
		return utf16Encoding("UTF-16", unicode.LittleEndian), true
	case "utf-16le", "utf16le", "ucs-2le", "ucs2le":
		return utf16Encoding("UTF-16LE", unicode.LittleEndian), true
	case "utf-16be", "utf16be", "ucs-2be", "ucs2be":
		return utf16Encoding("UTF-16BE", unicode.BigEndian), true
	case "utf-32", "utf32", "utf-32le", "utf32le":
		return utf32Encoding("UTF-32LE", utf32.LittleEndian), true
	case "utf-32be", "utf32be":
		return utf32Encoding("UTF-32BE", utf32.BigEndian), true
	case "windows-1252", "windows1252", "cp1252", "cp-1252", "win-1252", "win1252", "ansi":
		return encodingWindows1252, true
	case "iso-8859-1", "iso8859-1", "iso-88591", "latin1", "latin-1", "l1":
		// The real ISO-8859-1, not the WHATWG alias for Windows-1252: the
		// user asked for it by name.
		return textEncoding{name: "ISO-8859-1", kind: encByte, enc: charmap.ISO8859_1}, true
	case "iso-8859-15", "iso8859-15", "iso-885915", "latin9", "latin-9", "l9":
		return textEncoding{name: "ISO-8859-15", kind: encByte, enc: charmap.ISO8859_15}, true
	}
	e, err := ianaindex.IANA.Encoding(key)
	if err != nil || e == nil { // (nil, nil): known to IANA, not supported
		e, err = htmlindex.Get(key)
		if err != nil {
			e = nil
		}
	}
	if e == nil || e == encoding.Replacement {
		return textEncoding{}, false
	}
	canon, err := ianaindex.IANA.Name(e)
	if err != nil || canon == "" {
		canon, _ = htmlindex.Name(e)
	}
	if canon == "" {
		canon = name
	}
	switch strings.ToUpper(canon) {
	case "UTF-8":
		return encodingUTF8, true
	case "UTF-16", "UTF-16LE":
		return utf16Encoding(strings.ToUpper(canon), unicode.LittleEndian), true
	case "UTF-16BE":
		return utf16Encoding("UTF-16BE", unicode.BigEndian), true
	}
	return textEncoding{name: canon, kind: encByte, enc: e}, true
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	bomUTF32LE = []byte{0xFF, 0xFE, 0, 0}
	bomUTF32BE = []byte{0, 0, 0xFE, 0xFF}
)

// encodingFromBOM recognises a byte-order mark at the start of head. For
// UTF-8 it returns the length of the mark to skip; the UTF-16 and UTF-32
// decoders drop their mark themselves.
func encodingFromBOM(head []byte) (enc textEncoding, skip int64, ok bool) {
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return encodingUTF8, int64(len(bomUTF8)), true
	case bytes.HasPrefix(head, bomUTF32LE): // before UTF-16LE: same first bytes
		return utf32Encoding("UTF-32LE", utf32.LittleEndian), 0, true
	case bytes.HasPrefix(head, bomUTF32BE):
		return utf32Encoding("UTF-32BE", utf32.BigEndian), 0, true
	case bytes.HasPrefix(head, bomUTF16LE):
		return utf16Encoding("UTF-16LE", unicode.LittleEndian), 0, true
	case bytes.HasPrefix(head, bomUTF16BE):
		return utf16Encoding("UTF-16BE", unicode.BigEndian), 0, true
	}
	return textEncoding{}, 0, false
}

// scanResult is what one pass over the raw bytes of a file found.
type scanResult struct {
	invalid int64 // offset of the first byte that is not valid UTF-8; -1: none (or not checked)
	nul     int64 // offset of the first NUL byte; -1: none
}

// scanText reads the n bytes of r starting at off in chunks of len(buf)
// and looks for the first NUL byte and, when checkUTF8 is set, for the
// first byte that is not valid UTF-8. A multi-byte sequence cut by a chunk
// boundary is carried over to the next chunk. It stops early at a NUL
// byte, which makes the file unreadable anyway.
func scanText(r io.ReaderAt, off, n int64, buf []byte, checkUTF8 bool) (scanResult, error) {
	res := scanResult{invalid: -1, nul: -1}
	if len(buf) < utf8.UTFMax { // room for a carried sequence and one more byte
		buf = make([]byte, utf8.UTFMax)
	}
	end := off + n
	base := off // file offset of buf[0]
	keep := 0   // buf[:keep]: an incomplete sequence from the previous chunk
	for {
		want := int64(len(buf) - keep)
		if rest := end - base - int64(keep); rest < want {
			want = rest
		}
		m, err := r.ReadAt(buf[keep:keep+int(want)], base+int64(keep))
		if err != nil && err != io.EOF {
			return res, err
		}
		last := m < int(want) || base+int64(keep+m) >= end
		chunk := buf[:keep+m]
		if i := bytes.IndexByte(chunk[keep:], 0); i >= 0 {
			res.nul = base + int64(keep+i)
			return res, nil
		}
		tail := 0
		if checkUTF8 && res.invalid < 0 {
			if !last {
				tail = incompleteTail(chunk)
			}
			if body := chunk[:len(chunk)-tail]; !utf8.Valid(body) {
				res.invalid = base + int64(firstInvalid(body))
				tail = 0
			}
		}
		if last {
			return res, nil
		}
		copy(buf, chunk[len(chunk)-tail:])
		base += int64(len(chunk) - tail)
		keep = tail
	}
}

// incompleteTail returns the length of a multi-byte UTF-8 sequence that
// starts in the last three bytes of b and is cut short by the end of b.
func incompleteTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return len(b) - i
			}
			return 0
		}
	}
	return 0
}

// firstInvalid returns the index of the first byte of b that does not
// belong to a valid UTF-8 sequence, or len(b).
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// textPosition returns the 1-based line and byte column of offset at in r,
// counting from off, which is line 1 column 1. Lines end at LF, CRLF or a
// lone CR, the way the CSV reader counts them.
func textPosition(r io.ReaderAt, off, at int64, buf []byte) (line, col int, err error) {
	line = 1
	lineStart := off
	cr := false // the previous byte was a CR
	for p := off; p < at; {
		want := int64(len(buf))
		if at-p < want {
			want = at - p
		}
		m, err := r.ReadAt(buf[:want], p)
		if m == 0 {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return 0, 0, err
		}
		for i, c := range buf[:m] {
			if cr && c != '\n' {
				line++
				lineStart = p + int64(i)
			}
			cr = c == '\r'
			if c == '\n' {
				line++
				lineStart = p + int64(i) + 1
			}
		}
		p += int64(m)
	}
	if cr { // the byte at `at` is not a LF: it is the problem byte
		line++
		lineStart = at
	}
	return line, int(at-lineStart) + 1, nil
}

// guessUTF16 recognises UTF-16 text without a byte-order mark from where
// the NUL bytes of head are: text in Latin scripts has a NUL in the high
// byte of nearly every character and almost nowhere else.
func guessUTF16(head []byte) (unicode.Endianness, bool) {
	var zeros [2]int
	for i, c := range head {
		if c == 0 {
			zeros[i%2]++
		}
	}
	pairs := len(head) / 2
	switch {
	case pairs < 2:
	case zeros[1] > pairs*3/4 && zeros[0] <= pairs/64:
		return unicode.LittleEndian, true
	case zeros[0] > pairs*3/4 && zeros[1] <= pairs/64:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// binaryHint says what to do about a file with NUL bytes.
func binaryHint(head []byte) string {
	switch e, ok := guessUTF16(head); {
	case ok && e == unicode.LittleEndian:
		return "it looks like UTF-16 text without a byte-order mark: use --encoding utf-16le"
	case ok:
		return "it looks like UTF-16 text without a byte-order mark: use --encoding utf-16be"
	}
	return "this is not a text file: export the sheet as CSV (UTF-8) or open the workbook itself"
}

// describeByte is how a bad byte is shown in messages: "byte 0xE9".
func describeByte(r io.ReaderAt, at int64) string {
	var b [1]byte
	if n, _ := r.ReadAt(b[:], at); n == 1 {
		return fmt.Sprintf("byte 0x%02X", b[0])
	}
	return "a byte"
}
