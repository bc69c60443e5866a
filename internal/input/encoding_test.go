package input

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// refScan is scanText done the obvious way, on the whole input at once.
func refScan(b []byte) scanResult {
	res := scanResult{invalid: -1, nul: int64(bytes.IndexByte(b, 0))}
	if !utf8.Valid(b) {
		res.invalid = int64(firstInvalid(b))
	}
	return res
}

func checkScan(t *testing.T, data []byte, bufSize int) {
	t.Helper()
	const off = 3 // as after a UTF-8 byte-order mark
	src := bytes.NewReader(append([]byte("\xef\xbb\xbf"), data...))
	got, err := scanText(src, off, int64(len(data)), make([]byte, bufSize), true)
	if err != nil {
		t.Fatal(err)
	}
	want := refScan(data)
	if want.nul >= 0 {
		want.nul += off
	}
	if want.invalid >= 0 {
		want.invalid += off
	}
	if got.nul != want.nul || (want.nul < 0 && got.invalid != want.invalid) {
		t.Errorf("scanText(%q, buf %d) = %+v, want %+v", data, bufSize, got, want)
	}
}

func TestScanTextChunkBoundaries(t *testing.T) {
	inputs := []string{
		"", "a", "héllo wörld €uro 😀 end",
		"abc\xe9def",      // Windows-1252 é
		"ab€\xe2\x82",     // cut sequence at the end
		"ab\xe2\x82X€",    // cut sequence in the middle
		"😀😀😀\xf0\x9f\x98", // cut 4-byte sequence at the end
		"x\x80",           // stray continuation byte
		"\xed\xa0\x80",    // surrogate
		"\xc0\xaf",        // overlong
		"€€€€\x00€",       // NUL
		"é\xff\x00",       // invalid then NUL
		strings.Repeat("€", 50) + "\xe9" + strings.Repeat("ü", 50),
	}
	for _, in := range inputs {
		for size := utf8.UTFMax; size <= 24; size++ {
			checkScan(t, []byte(in), size)
		}
	}
}

func TestScanTextShortFile(t *testing.T) {
	// The file is shorter than the size given (it shrank): scan what is there.
	got, err := scanText(strings.NewReader("ab\xe9"), 0, 100, make([]byte, 8), true)
	if err != nil || got.invalid != 2 {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestTextPosition(t *testing.T) {
	tests := []struct {
		text      string
		at        int
		line, col int
	}{
		{"abc", 0, 1, 1},
		{"abc", 2, 1, 3},
		{"a\nbc", 3, 2, 2},
		{"a\r\nbc", 4, 2, 2},
		{"a\rbc", 3, 2, 2},
		{"a\r\rbc", 4, 3, 2},
		{"a\rX", 2, 2, 1},
		{"a\r\nX", 3, 2, 1},
		{"\n\n\nX", 3, 4, 1},
		{"é\nxé\xe9", 6, 2, 4},
	}
	for _, tt := range tests {
		for size := 1; size < 6; size++ {
			line, col, err := textPosition(strings.NewReader(tt.text), 0, int64(tt.at), make([]byte, size))
			if err != nil || line != tt.line || col != tt.col {
				t.Errorf("textPosition(%q, %d) buf %d = %d:%d %v, want %d:%d", tt.text, tt.at, size, line, col, err, tt.line, tt.col)
			}
		}
	}
}

func TestBinaryHint(t *testing.T) {
	if h := binaryHint([]byte("a\x00b\x00c\x00")); !strings.Contains(h, "utf-16le") {
		t.Errorf("LE hint = %q", h)
	}
	if h := binaryHint([]byte("\x00a\x00b\x00c")); !strings.Contains(h, "utf-16be") {
		t.Errorf("BE hint = %q", h)
	}
	if h := binaryHint([]byte("\x00\x00\x01\x02")); !strings.Contains(h, "not a text file") {
		t.Errorf("binary hint = %q", h)
	}
}

// refLineEnds turns every CR not followed by a LF into a LF.
func refLineEnds(b []byte) []byte {
	out := bytes.Clone(b)
	for i, c := range out {
		if c == '\r' && (i+1 == len(out) || out[i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}

func checkLineEnds(t *testing.T, data []byte, chunk int) {
	t.Helper()
	readers := map[string]func(io.Reader) io.Reader{
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data err": iotest.DataErrReader,
		"plain":    func(r io.Reader) io.Reader { return r },
	}
	for name, wrap := range readers {
		l := &lineEndReader{r: bufio.NewReaderSize(wrap(bytes.NewReader(data)), 16), limit: 1 << 62}
		var got []byte
		buf := make([]byte, chunk)
		for {
			n, err := l.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if want := refLineEnds(data); !bytes.Equal(got, want) {
			t.Fatalf("%s, chunk %d: lineEndReader(%q) = %q, want %q", name, chunk, data, got, want)
		}
	}
}

func TestLineEndReader(t *testing.T) {
	for _, in := range []string{
		"", "\r", "\n", "\r\n", "\r\r", "\n\r", "a\rb\r\nc\nd\r", "\r\r\n\r\n\r",
		strings.Repeat("ab\r", 20), strings.Repeat("ab\r\n", 20), strings.Repeat("\r", 40),
	} {
		for chunk := 1; chunk < 8; chunk++ {
			checkLineEnds(t, []byte(in), chunk)
		}
		checkLineEnds(t, []byte(in), 100)
	}
}

func TestLineEndReaderLimit(t *testing.T) {
	l := &lineEndReader{r: bufio.NewReader(strings.NewReader("abcdefgh")), limit: 5}
	b, err := io.ReadAll(l)
	if string(b) != "abcde" || err != errRecordTooLong {
		t.Errorf("got %q, %v", b, err)
	}
}

// FuzzCSVScanText checks the chunked encoding pass against refScan.
func FuzzCSVScanText(f *testing.F) {
	f.Add([]byte("abc\xe9def"), uint8(5))
	f.Add([]byte("😀😀\xf0\x9f\x98"), uint8(4))
	f.Add([]byte("€\x00"), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		checkScan(t, data, utf8.UTFMax+int(size%64))
	})
}

// FuzzCSVLineEnds checks lineEndReader against refLineEnds.
func FuzzCSVLineEnds(f *testing.F) {
	f.Add([]byte("a\rb\r\nc"), uint8(1))
	f.Add([]byte("\r\r\n\r"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		checkLineEnds(t, data, 1+int(chunk%32))
	})
}
