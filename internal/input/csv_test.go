package input

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// writeTemp writes data to a file called name in a fresh directory.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readCSV opens path and returns a deep copy of every row, and the error
// of Open or of the stream.
func readCSV(t testing.TB, path string, opts Options) (Book, []Row, error) {
	t.Helper()
	book, err := openCSV(path, opts)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { book.Close() })
	rs, err := book.Open(book.Sheets()[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var rows []Row
	for rs.Next() {
		r := *rs.Row()
		r.Cells = append([]Cell(nil), r.Cells...)
		rows = append(rows, r)
	}
	return book, rows, rs.Err()
}

// texts returns the cell texts of rows.
func texts(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r.Cells))
		for j, c := range r.Cells {
			out[i][j] = c.Text
		}
	}
	return out
}

func utf16Bytes(t testing.TB, e unicode.Endianness, bom bool, s string) []byte {
	t.Helper()
	policy := unicode.IgnoreBOM
	if bom {
		policy = unicode.UseBOM
	}
	b, err := unicode.UTF16(e, policy).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVEncodings(t *testing.T) {
	want := [][]string{{"Client", "Ville"}, {"Hélène", "Señor €5"}}
	const text = "Client,Ville\r\nHélène,Señor €5\r\n"
	win1252 := []byte("Client,Ville\r\nH\xe9l\xe8ne,Se\xf1or \x805\r\n")
	late := append(bytes.Repeat([]byte("L-0001,100\n"), 10000), "Cr\xe9dit,5\n"...) // > 64 KiB of ASCII first
	tests := []struct {
		name     string
		data     []byte
		encoding string
		want     [][]string // nil: only check the rest
		wantEnc  string
		note     string // a Notes entry containing this
		err      string // Open fails with a *FileError containing this
	}{
		{name: "utf-8", data: []byte(text), want: want, wantEnc: "UTF-8"},
		{name: "utf-8 BOM", data: append(bomUTF8, text...), want: want, wantEnc: "UTF-8"},
		{name: "utf-8 BOM twice", data: append(append(bomUTF8, bomUTF8...), text...), want: want, wantEnc: "UTF-8"},
		{name: "utf-16le BOM tabs", data: utf16Bytes(t, unicode.LittleEndian, true, strings.ReplaceAll(text, ",", "\t")), want: want, wantEnc: "UTF-16LE", note: "delimiter: tab"},
		{name: "utf-16be BOM", data: utf16Bytes(t, unicode.BigEndian, true, text), want: want, wantEnc: "UTF-16BE"},
		{name: "utf-32le BOM", data: []byte("\xff\xfe\x00\x00a\x00\x00\x00,\x00\x00\x00\xe9\x00\x00\x00\n\x00\x00\x00"), want: [][]string{{"a", "é"}}, wantEnc: "UTF-32LE"},
		{name: "windows-1252", data: win1252, want: want, wantEnc: "Windows-1252",
			note: "decoded as Windows-1252 (the file is not valid UTF-8: byte 0xE9 on line 2)"},
		{name: "late invalid byte", data: late, wantEnc: "Windows-1252", note: "byte 0xE9 on line 10001"},
		{name: "forced windows-1252", data: win1252, encoding: "cp1252", want: want, wantEnc: "Windows-1252"},
		{name: "forced windows-1252 on utf-8", data: []byte("é\n"), encoding: "Windows-1252", want: [][]string{{"Ã©"}}},
		{name: "forced latin1", data: []byte("\xe9\x80\n"), encoding: "latin1", want: [][]string{{"é\u0080"}}, wantEnc: "ISO-8859-1"},
		{name: "forced iso-8859-15", data: []byte("\xa4\n"), encoding: "ISO-8859-15", want: [][]string{{"€"}}},
		{name: "forced utf-8", data: []byte(text), encoding: "utf-8", want: want},
		{name: "forced utf-8-sig", data: append(bomUTF8, text...), encoding: "utf-8-sig", want: want},
		{name: "forced UTF8 (WHATWG name)", data: []byte(text), encoding: "UTF8", want: want, wantEnc: "UTF-8"},
		{name: "forced utf-8 on windows-1252", data: win1252, encoding: "utf-8",
			err: "not valid UTF-8: byte 0xE9 on line 2, column 2 (use --encoding windows-1252)"},
		{name: "forced utf-8 late invalid byte", data: late, encoding: "utf8", err: "line 10001, column 3"},
		{name: "forced utf-8 on utf-16", data: utf16Bytes(t, unicode.LittleEndian, true, text), encoding: "utf-8", err: "UTF-16 byte-order mark"},
		{name: "forced utf-16le without BOM", data: utf16Bytes(t, unicode.LittleEndian, false, text), encoding: "utf-16le", want: want},
		{name: "forced utf-16le with BOM", data: utf16Bytes(t, unicode.LittleEndian, true, text), encoding: "UTF-16LE", want: want},
		{name: "forced utf-16be without BOM", data: utf16Bytes(t, unicode.BigEndian, false, text), encoding: "utf-16be", want: want},
		{name: "forced utf-16 follows the BOM", data: utf16Bytes(t, unicode.BigEndian, true, text), encoding: "utf-16", want: want},
		{name: "forced shift_jis (IANA name)", data: []byte("\x93\xfa\x96\x7b,1\n"), encoding: "Shift_JIS", want: [][]string{{"日本", "1"}}, wantEnc: "Shift_JIS"},
		{name: "forced koi8-r", data: []byte("\xf0\xd2\xc9\xd7\xc5\xd4\n"), encoding: "koi8-r", want: [][]string{{"Привет"}}},
		{name: "unknown encoding", data: []byte(text), encoding: "klingon", err: `unknown encoding "klingon" (use one of utf-8, utf-16`},
		{name: "replacement encoding refused", data: []byte(text), encoding: "iso-2022-kr", err: "unknown encoding"},
		{name: "BOM then invalid", data: append(bomUTF8, win1252...), err: "starts with a UTF-8 byte-order mark but is not valid UTF-8: byte 0xE9 on line 2, column 2"},
		{name: "NUL byte", data: []byte("a,b\n1,\x002\n"), err: "binary file? (a NUL byte on line 2) (this is not a text file"},
		{name: "NUL byte late", data: append(bytes.Repeat([]byte("a,b\n"), 50000), 0), err: "binary file? (a NUL byte on line 50001)"},
		{name: "utf-16le without BOM", data: utf16Bytes(t, unicode.LittleEndian, false, text), want: want, wantEnc: "UTF-16LE", note: "decoded as UTF-16LE (the file has no byte-order mark)"},
		{name: "utf-16be without BOM", data: utf16Bytes(t, unicode.BigEndian, false, text), want: want, wantEnc: "UTF-16BE", note: "decoded as UTF-16BE (the file has no byte-order mark)"},
		{name: "forced cp1252 on utf-16le without BOM", data: utf16Bytes(t, unicode.LittleEndian, false, text), encoding: "cp1252", err: "binary file? (a NUL byte on line 1) (it looks like UTF-16 text without a byte-order mark: use --encoding utf-16le)"},
		{name: "NUL bytes at random", data: []byte("a\x00\x00b,c\x00\n"), err: "binary file? (a NUL byte on line 1) (this is not a text file"},
		{name: "NUL under forced windows-1252", data: []byte("a\x00b\n"), encoding: "windows-1252", err: "binary file?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "enc.csv", tt.data)
			book, rows, err := readCSV(t, path, Options{Encoding: tt.encoding})
			if tt.err != "" {
				var fe *FileError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want a *FileError containing %q", err, tt.err)
				}
				if !strings.HasPrefix(err.Error(), "enc.csv: ") {
					t.Errorf("error %q does not start with the file name", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil && !reflect.DeepEqual(texts(rows), tt.want) {
				t.Errorf("rows = %q, want %q", texts(rows), tt.want)
			}
			for _, r := range rows {
				for _, c := range r.Cells {
					if !utf8.ValidString(c.Text) || strings.ContainsRune(c.Text, utf8.RuneError) {
						t.Errorf("cell %q is not clean UTF-8", c.Text)
					}
				}
			}
			if got := book.(*csvBook).Encoding(); tt.wantEnc != "" && got != tt.wantEnc {
				t.Errorf("encoding = %q, want %q", got, tt.wantEnc)
			}
			notes := strings.Join(book.Notes(), "\n")
			if tt.note != "" && !strings.Contains(notes, tt.note) {
				t.Errorf("notes = %q, want one containing %q", notes, tt.note)
			}
			if tt.note == "" && strings.Contains(notes, "Windows-1252") {
				t.Errorf("unexpected note %q", notes)
			}
		})
	}
}

func TestCSVLateInvalidByte(t *testing.T) {
	// The first 64 KiB are ASCII: the sniff sample alone would say UTF-8.
	var b bytes.Buffer
	b.WriteString("Name;Amount\n")
	for b.Len() < 200<<10 {
		b.WriteString("Diallo;12,50\n")
	}
	b.WriteString("Ndiay\xe9;7,25\n")
	path := writeTemp(t, "late.csv", b.Bytes())
	book, rows, err := readCSV(t, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	if got := last.Cell(0).Text; got != "Ndiayé" {
		t.Errorf("last name = %q, want Ndiayé", got)
	}
	if got := book.(*csvBook).Delimiter(); got != ';' {
		t.Errorf("delimiter = %q", got)
	}
	want := []string{"delimiter: semicolon", fmt.Sprintf("decoded as Windows-1252 (the file is not valid UTF-8: byte 0xE9 on line %d)", last.Line)}
	if got := book.Notes(); len(got) != 2 || got[0] != want[1] || got[1] != want[0] {
		t.Errorf("notes = %q, want %q", got, want)
	}
}

func TestCSVDelimiters(t *testing.T) {
	tests := []struct {
		name  string
		file  string // default "d.csv"
		data  string
		delim rune // forced
		want  rune
		note  string // "": no note
		rows  [][]string
	}{
		{name: "comma", data: "a,b,c\n1,2,3\n", want: ',', rows: [][]string{{"a", "b", "c"}, {"1", "2", "3"}}},
		{name: "semicolon", data: "a;b;c\n1;2;3\n", want: ';', note: "delimiter: semicolon"},
		{name: "tab", data: "a\tb\n1\t2\n", want: '\t', note: "delimiter: tab"},
		{name: "pipe", data: "a|b\n1|2\n", want: '|', note: "delimiter: pipe"},
		{name: "french decimal commas", data: "Loan ID;Amount\nL1;12,50\nL2;7,25\nL3;1000\n", want: ';', note: "delimiter: semicolon",
			rows: [][]string{{"Loan ID", "Amount"}, {"L1", "12,50"}, {"L2", "7,25"}, {"L3", "1000"}}},
		{name: "french one data row", data: "Loan ID;Amount\nL1;12,50\n", want: ';', note: "delimiter: semicolon"},
		{name: "french every row a decimal comma", data: "Loan ID;Amount\r\n" + strings.Repeat("L1;12,50\r\n", 200), want: ';', note: "delimiter: semicolon"},
		{name: "french ragged row", data: "Loan ID;Amount\nL1;12,50\nL2;7,25;x\nL3;3,5\n", want: ';', note: "delimiter: semicolon"},
		{name: "french with a title line", data: "Remboursements mars\n\nLoan ID;Amount\nL1;12,50\nL2;7,25\nL3;3,10\n", want: ';', note: "delimiter: semicolon"},
		{name: "comma with semicolons in text", data: "Name,Note\nA,x;y\nB,z\n", want: ','},
		{name: "comma with quoted semicolons", data: "a,b\n\"x;y;z\",1\n\"p;q\",2\n", want: ','},
		{name: "semicolon with quoted commas", data: "a;b\n\"x,y,z\";1\n\"p,q\";\"2,5\"\n", want: ';', note: "delimiter: semicolon"},
		{name: "quoted newline with commas", data: "a;b\n\"x,\ny,z\";1\n", want: ';', note: "delimiter: semicolon"},
		{name: "single column", data: "Loan ID\nL1\nL2\n", want: ','},
		{name: "single column tsv", file: "d.tsv", data: "Loan ID\nL1\n", want: '\t', note: "delimiter: tab"},
		{name: "tsv tie goes to tab", file: "d.tsv", data: "a,b\tc\n1,2\t3\n", want: '\t', note: "delimiter: tab"},
		{name: "csv tie goes to comma", data: "a,b\tc\n1,2\t3\n", want: ','},
		{name: "blank lines ignored", data: "\n\na;b\n\n1;2\n", want: ';', note: "delimiter: semicolon"},
		{name: "forced", data: "a;b\n1;2\n", delim: ',', want: ',', rows: [][]string{{"a;b"}, {"1;2"}}},
		{name: "forced tab, no note", data: "a\tb\n", delim: '\t', want: '\t'},
		{name: "sep= line", data: "sep=;\r\na;b,c\n1;2,5\n", want: ';', note: "delimiter: semicolon (from the sep= line)",
			rows: [][]string{{"a", "b,c"}, {"1", "2,5"}}},
		{name: "sep= line comma", data: "sep=,\na;b,c\n", want: ',', rows: [][]string{{"a;b", "c"}}},
		{name: "pipe testdata", file: "pipe.txt", want: '|', note: "delimiter: pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := tt.file
			if name == "" {
				name = "d.csv"
			}
			var path string
			if tt.data == "" {
				path = filepath.Join("testdata", "csv", name)
			} else {
				path = writeTemp(t, name, []byte(tt.data))
			}
			book, rows, err := readCSV(t, path, Options{Delimiter: tt.delim})
			if err != nil {
				t.Fatal(err)
			}
			if got := book.(*csvBook).Delimiter(); got != tt.want {
				t.Errorf("delimiter = %q, want %q", got, tt.want)
			}
			var notes []string
			if tt.note != "" {
				notes = []string{tt.note}
			}
			if got := book.Notes(); !reflect.DeepEqual(got, notes) && !(len(got) == 0 && len(notes) == 0) {
				t.Errorf("notes = %q, want %q", got, notes)
			}
			if tt.rows != nil && !reflect.DeepEqual(texts(rows), tt.rows) {
				t.Errorf("rows = %q, want %q", texts(rows), tt.rows)
			}
		})
	}
	t.Run("invalid forced", func(t *testing.T) {
		_, _, err := readCSV(t, writeTemp(t, "d.csv", []byte("a\n")), Options{Delimiter: '"'})
		if err == nil || !strings.Contains(err.Error(), `invalid delimiter '"'`) {
			t.Errorf("error = %v", err)
		}
	})
}

func TestSniffDelimiterPartialSample(t *testing.T) {
	// An incomplete sample ends inside a record: that record is left out.
	s := []byte("a;b\n1;2\n3;4,5,6,7,8,9")
	if got := sniffDelimiter(s, false, false, false); got != ';' {
		t.Errorf("got %q", got)
	}
	if got := fieldCounts(nil, s, ';', false, 100); !reflect.DeepEqual(got, []int{2, 2}) {
		t.Errorf("counts = %v", got)
	}
	if got := fieldCounts(nil, s, ';', true, 100); !reflect.DeepEqual(got, []int{2, 2, 2}) {
		t.Errorf("counts = %v", got)
	}
}

type cellPos struct {
	text         string
	line, column int
}

func positions(rows []Row) [][]cellPos {
	out := make([][]cellPos, len(rows))
	for i, r := range rows {
		for _, c := range r.Cells {
			out[i] = append(out[i], cellPos{c.Text, c.Line, c.Column})
		}
	}
	return out
}

func TestCSVPositions(t *testing.T) {
	type rowPos struct{ number, line int }
	tests := []struct {
		name  string
		data  string
		rows  []rowPos
		cells [][]cellPos
	}{
		{
			name: "quoted newline",
			data: "\"a\nb\",c\nd,e\n",
			rows: []rowPos{{1, 1}, {2, 3}},
			cells: [][]cellPos{
				{{"a\nb", 1, 1}, {"c", 2, 4}},
				{{"d", 3, 1}, {"e", 3, 3}},
			},
		},
		{
			name: "quoted CRLF keeps a newline",
			data: "x,\"a\r\nb\"\r\nd,e\r\n",
			rows: []rowPos{{1, 1}, {2, 3}},
			cells: [][]cellPos{
				{{"x", 1, 1}, {"a\nb", 1, 3}},
				{{"d", 3, 1}, {"e", 3, 3}},
			},
		},
		{
			name: "blank lines are blank rows",
			data: "\na,b\n\n\n\"1\n\n2\",x\n\nc\n\n\n",
			rows: []rowPos{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 8}, {7, 9}},
			cells: [][]cellPos{
				{{"", 1, 1}},
				{{"a", 2, 1}, {"b", 2, 3}},
				{{"", 3, 1}},
				{{"", 4, 1}},
				{{"1\n\n2", 5, 1}, {"x", 7, 4}},
				{{"", 8, 1}},
				{{"c", 9, 1}},
			},
		},
		{
			name: "byte columns",
			data: "é,\"ü\",x\n",
			rows: []rowPos{{1, 1}},
			cells: [][]cellPos{
				{{"é", 1, 1}, {"ü", 1, 4}, {"x", 1, 9}},
			},
		},
		{
			name: "BOM is not a column",
			data: "\xef\xbb\xbfa,b\n",
			rows: []rowPos{{1, 1}},
			cells: [][]cellPos{
				{{"a", 1, 1}, {"b", 1, 3}},
			},
		},
		{
			name: "empty fields keep their place",
			data: ",a,,b,\n",
			rows: []rowPos{{1, 1}},
			cells: [][]cellPos{
				{{"", 1, 1}, {"a", 1, 2}, {"", 1, 4}, {"b", 1, 5}, {"", 1, 7}},
			},
		},
		{
			name: "lone CR",
			data: "a,b\r1,\"x\ry\"\r\r2,3",
			rows: []rowPos{{1, 1}, {2, 2}, {3, 4}, {4, 5}},
			cells: [][]cellPos{
				{{"a", 1, 1}, {"b", 1, 3}},
				{{"1", 2, 1}, {"x\ny", 2, 3}},
				{{"", 4, 1}},
				{{"2", 5, 1}, {"3", 5, 3}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, err := readCSV(t, writeTemp(t, "p.csv", []byte(tt.data)), Options{Delimiter: ','})
			if err != nil {
				t.Fatal(err)
			}
			var got []rowPos
			for _, r := range rows {
				got = append(got, rowPos{r.Number, r.Line})
			}
			if !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows (number, line) = %v, want %v", got, tt.rows)
			}
			if !reflect.DeepEqual(positions(rows), tt.cells) {
				t.Errorf("cells = %v, want %v", positions(rows), tt.cells)
			}
			for _, r := range rows {
				for _, c := range r.Cells {
					if (c.Type == Text) != (c.Text != "") || c.Type > Text {
						t.Errorf("cell %q has type %v", c.Text, c.Type)
					}
				}
			}
		})
	}
}

func TestCSVBlankRows(t *testing.T) {
	_, rows, err := readCSV(t, writeTemp(t, "b.csv", []byte("a,b\n\n,\n1,2\n")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var blank []bool
	for _, r := range rows {
		blank = append(blank, r.Blank())
	}
	if want := []bool{false, true, true, false}; !reflect.DeepEqual(blank, want) {
		t.Errorf("Blank() = %v, want %v", blank, want)
	}
	if rows[3].Number != 4 {
		t.Errorf("last row number = %d, want 4", rows[3].Number)
	}
}

func TestCSVLineEndings(t *testing.T) {
	want := [][]string{{"a", "b"}, {"1", "x\ny"}, {"2", ""}}
	for name, data := range map[string]string{
		"LF":            "a,b\n1,\"x\ny\"\n2,\n",
		"CRLF":          "a,b\r\n1,\"x\r\ny\"\r\n2,\r\n",
		"CR":            "a,b\r1,\"x\ry\"\r2,\r",
		"CR no final":   "a,b\r1,\"x\ry\"\r2,",
		"mixed":         "a,b\r\n1,\"x\ny\"\r2,\n",
		"LF no final":   "a,b\n1,\"x\ny\"\n2,",
		"CRLF no final": "a,b\r\n1,\"x\r\ny\"\r\n2,",
	} {
		t.Run(name, func(t *testing.T) {
			_, rows, err := readCSV(t, writeTemp(t, "le.csv", []byte(data)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(texts(rows), want) {
				t.Errorf("rows = %q, want %q", texts(rows), want)
			}
		})
	}
}

func TestCSVLongCRFile(t *testing.T) {
	// Lone CRs at every possible buffer boundary.
	var b strings.Builder
	b.WriteString("id,name\r")
	n := 0
	for b.Len() < 3*csvBufSize {
		n++
		fmt.Fprintf(&b, "%d,%s\r", n, strings.Repeat("x", n%17))
	}
	_, rows, err := readCSV(t, writeTemp(t, "cr.csv", []byte(b.String())), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 {
		t.Fatalf("%d rows, want %d", len(rows), n+1)
	}
	for i, r := range rows[1:] {
		if r.Line != i+2 || r.Number != i+2 || r.Cell(0).Text != fmt.Sprint(i+1) || strings.ContainsAny(r.Cell(1).Text, "\r\n") {
			t.Fatalf("row %d = %+v", i+2, r)
		}
	}
}

func TestCSVRagged(t *testing.T) {
	_, rows, err := readCSV(t, writeTemp(t, "r.csv", []byte("a,b,c\n1\n1,2,3,4,5\n,,x,,\n")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4", "5"}, {"", "", "x", "", ""}}
	if !reflect.DeepEqual(texts(rows), want) {
		t.Errorf("rows = %q, want %q", texts(rows), want)
	}
	if c := rows[1].Cell(2); c.Type != Blank {
		t.Errorf("missing cell = %+v", c)
	}
}

func TestCSVBadQuotes(t *testing.T) {
	tests := []struct {
		name string
		data string
		rows int    // rows returned before the error
		row  int    // Pos.Row; 0: rows+1
		err  string // the whole message
	}{
		{name: "bare quote", data: "a,b\n1,12\" pipe\n", rows: 1,
			err: `q.csv:2:5: a quote (") inside a field that does not start with one (a quote inside an unquoted field: double it ("") and put the whole field in quotes, or remove it)`},
		{name: "text after closing quote", data: "a,b\n\"x\ny\",\"ab\"c\n", rows: 1,
			err: `q.csv:3:7: text after the closing quote of a quoted field (a quote inside a quoted field must be doubled (""))`},
		{name: "text after closing quote on last line", data: "a,b\n\"ab\"c", rows: 1,
			err: `q.csv:2:4: text after the closing quote of a quoted field`},
		{name: "never closed", data: "a,b\n1,2\n3,\"oops\n4,5\n6,7\n", rows: 2,
			err: `q.csv:3: a quoted field in the record starting on this line is never closed (the file ends inside quotes) (a quote inside a quoted field must be doubled (""); add the missing closing quote)`},
		{name: "never closed, blank lines before", data: "a\n\n\n\"x\n", rows: 1, row: 4,
			err: `q.csv:4: a quoted field in the record starting on this line is never closed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, err := readCSV(t, writeTemp(t, "q.csv", []byte(tt.data)), Options{Delimiter: ','})
			if len(rows) != tt.rows {
				t.Errorf("%d rows before the error, want %d", len(rows), tt.rows)
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Fatalf("error = %v\nwant     %s", err, tt.err)
			}
			var pe *csv.ParseError
			var ce *PosError
			if !errors.As(err, &pe) || !errors.As(err, &ce) {
				t.Errorf("error %T does not wrap a *csv.ParseError in a *PosError", err)
			}
			row := tt.row
			if row == 0 {
				row = tt.rows + 1
			}
			if ce != nil && ce.Pos.Row != row {
				t.Errorf("Pos.Row = %d, want %d", ce.Pos.Row, row)
			}
		})
	}
}

func TestCSVRecordTooLong(t *testing.T) {
	data := "a,b\n1,2\n3,\"" + strings.Repeat("unclosed quote ", 100000) + "\n"
	book, err := openCSV(writeTemp(t, "long.csv", []byte(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	book.(*csvBook).maxRecord = 1 << 20
	rs, err := book.Open("")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rs.Next() {
		n++
	}
	want := "long.csv:3: the record starting on or after this line is longer than 1 MiB (probably a quote that is never closed"
	if err := rs.Err(); err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, errRecordTooLong) {
		t.Errorf("error = %v, want %s", err, want)
	}
	if n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
}

func TestCSVEmpty(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":             nil,
		"BOM only":          bomUTF8,
		"UTF-16 BOM only":   bomUTF16LE,
		"blank lines":       []byte("\n\r\n\r\n\n"),
		"spaces":            []byte("  \n\t\n"),
		"empty fields":      []byte(";;;\n;;;\n"),
		"sep line only":     []byte("sep=;\n"),
		"UTF-16 blank line": utf16Bytes(t, unicode.LittleEndian, true, "\r\n\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := readCSV(t, writeTemp(t, "e.csv", data), Options{})
			var fe *FileError
			if !errors.As(err, &fe) || fe.Msg != "file is empty" || fe.Hint == "" {
				t.Errorf("error = %v, want a *FileError \"file is empty\"", err)
			}
			if err != nil && err.Error() != "e.csv: file is empty (it has no text, only blank lines or empty fields: export the sheet again)" {
				t.Errorf("message = %q", err)
			}
		})
	}
	t.Run("header only", func(t *testing.T) {
		_, rows, err := readCSV(t, writeTemp(t, "h.csv", []byte("Loan ID,Amount")), Options{})
		if err != nil || len(rows) != 1 {
			t.Errorf("rows = %v, err = %v", rows, err)
		}
	})
}

func TestCSVBook(t *testing.T) {
	path := writeTemp(t, "Repayments March.2024.csv", []byte("a,b\n1,2\n"))
	book, err := openCSV(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := book.Sheets(); !reflect.DeepEqual(got, []SheetInfo{{Name: "Repayments March.2024"}}) {
		t.Errorf("Sheets = %v", got)
	}
	if book.Format() != CSV || book.Date1904() || book.Path() != path {
		t.Errorf("Format %v, Date1904 %v, Path %q", book.Format(), book.Date1904(), book.Path())
	}
	if m, err := book.Merged("Repayments March.2024", 10); m != nil || err != nil {
		t.Errorf("Merged = %v, %v", m, err)
	}
	if _, err := book.Open("Sheet1"); err == nil || !strings.Contains(err.Error(), `a CSV file has one sheet, "Repayments March.2024"`) {
		t.Errorf("Open(Sheet1) error = %v", err)
	}
	// Two streams at once are independent.
	r1, err := book.Open("repayments march.2024")
	if err != nil {
		t.Fatal(err)
	}
	r1.Next()
	r2, _ := book.Open("")
	r2.Next()
	r2.Next()
	r1.Next()
	if r1.Row().Cell(1).Text != "2" || r2.Row().Cell(1).Text != "2" || r1.Row().Number != 2 {
		t.Errorf("streams: %+v %+v", r1.Row(), r2.Row())
	}
	if r1.Next() || r1.Err() != nil {
		t.Errorf("r1 did not end cleanly: %v", r1.Err())
	}
	r2.Close()
	if r2.Next() {
		t.Error("Next after Close")
	}
	if err := book.Close(); err != nil {
		t.Fatal(err)
	}
	if err := book.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := book.Open(""); err == nil {
		t.Error("Open after Close succeeded")
	}
	if got := csvSheetName("/x/.csv"); got != ".csv" {
		t.Errorf("csvSheetName(.csv) = %q", got)
	}
}

func TestCSVNotRegular(t *testing.T) {
	_, err := openCSV(t.TempDir(), Options{})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("error = %v", err)
	}
	if _, err := openCSV(filepath.Join(t.TempDir(), "missing.csv"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestCSVPosStrings(t *testing.T) {
	_, rows, err := readCSV(t, writeTemp(t, "repayments.csv", []byte("id,amount\n\"L\n1\",12x\n")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := rows[1].Cells[1]
	pos := Pos{File: "/data/in/repayments.csv", Row: rows[1].Number, Col: 2, Line: c.Line, Byte: c.Column}
	if got := pos.String(); got != "repayments.csv:3:4" {
		t.Errorf("Pos = %q", got)
	}
	if got := pos.CellRef(); got != "B2" {
		t.Errorf("CellRef = %q", got)
	}
	if got := (Pos{File: "a.csv", Line: 7}).String(); got != "a.csv:7" {
		t.Errorf("line-only Pos = %q", got)
	}
	e := &PosError{Pos: Pos{File: "a.csv", Line: 3, Byte: 9}, Msg: "bad", Hint: "fix it"}
	if e.Error() != "a.csv:3:9: bad (fix it)" {
		t.Errorf("PosError = %q", e)
	}
}

func TestCSVTestdata(t *testing.T) {
	tests := []struct {
		file  string
		enc   string
		delim rune
		rows  [][]string
		lines []int
	}{
		{file: "excel_unicode.txt", enc: "UTF-16LE", delim: '\t', rows: [][]string{
			{"Loan ID", "Client", "Amount"},
			{"L-001", "Ndèye Fatou Diop", "1500.00"},
			{"L-002", "Ouédraogo, Aminata", "820.50"},
			{"L-003", "Şükrü Öztürk", "€ 99"},
		}, lines: []int{1, 2, 3, 4}},
		{file: "french_1252.csv", enc: "Windows-1252", delim: ';', rows: [][]string{
			{"N° prêt", "Client", "Montant", "Agence"},
			{"000123", "Hélène Müller", "2 750,00", "Siège"},
			{"000124", "Peña Ibáñez", "8 100,00", "Thiès"},
			{"000311", "Zoë « la grande »", "1 500,50", "Koné – Nord"},
		}, lines: []int{1, 2, 3, 4}},
		{file: "mac_cr.csv", enc: "UTF-8", delim: ',', rows: [][]string{
			{"Loan ID", "Amount"}, {"L-1", "100"}, {"L-2", "200"},
		}, lines: []int{1, 2, 3}},
		{file: "multiline_bom.csv", enc: "UTF-8", delim: ',', rows: [][]string{
			{"Loan ID", "Description", "Amount"},
			{"1", "Two\nlines", "10"},
			{""},
			{"2", `Said "hi"`, "20", "extra"},
			{"3", "", "30"},
		}, lines: []int{1, 2, 4, 5, 6}},
		{file: "repayments_sample.csv", enc: "Windows-1252", delim: ';'},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			book, rows, err := readCSV(t, filepath.Join("testdata", "csv", tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := book.(*csvBook)
			if b.Encoding() != tt.enc || b.Delimiter() != tt.delim {
				t.Errorf("encoding %s, delimiter %q; want %s, %q", b.Encoding(), b.Delimiter(), tt.enc, tt.delim)
			}
			if tt.rows != nil && !reflect.DeepEqual(texts(rows), tt.rows) {
				t.Errorf("rows = %q\nwant %q", texts(rows), tt.rows)
			}
			var lines []int
			for _, r := range rows {
				lines = append(lines, r.Line)
			}
			if tt.lines != nil && !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
			if tt.file == "repayments_sample.csv" {
				if got := rows[3].Cells[3].Text; got != "Tévragh Zeïna" {
					t.Errorf("agence = %q", got)
				}
				for _, r := range rows {
					if len(r.Cells) != 4 {
						t.Errorf("row %d has %d cells", r.Number, len(r.Cells))
					}
				}
			}
		})
	}
}

func TestCSVCellsReused(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "L%d,%d,2024-01-15\n", i, i*10)
	}
	path := writeTemp(t, "reuse.csv", []byte(b.String()))
	book, err := openCSV(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rs, _ := book.Open("")
	rs.Next()
	first := &rs.Row().Cells[0]
	for rs.Next() {
		if &rs.Row().Cells[0] != first {
			t.Fatal("Cells slice was not reused")
		}
	}
	allocs := testing.AllocsPerRun(5, func() {
		rs, _ := book.Open("")
		for rs.Next() {
		}
	})
	if perRow := allocs / 1000; perRow > 1.1 {
		t.Errorf("%.2f allocations per row, want ≈ 1 (the record string)", perRow)
	}
}

func TestLookupEncoding(t *testing.T) {
	for name, want := range map[string]string{
		"utf-8": "UTF-8", "UTF_8": "UTF-8", " utf8 ": "UTF-8", "utf-8-sig": "UTF-8", "csUTF8": "UTF-8",
		"utf-16": "UTF-16", "UTF-16LE": "UTF-16LE", "utf-16be": "UTF-16BE", "ucs-2": "UTF-16",
		"windows-1252": "Windows-1252", "cp1252": "Windows-1252",
		"iso-8859-1": "ISO-8859-1", "latin1": "ISO-8859-1", "ISO-8859-15": "ISO-8859-15", "latin9": "ISO-8859-15",
		"shift_jis": "Shift_JIS", "gbk": "GBK", "ibm850": "IBM850", "macintosh": "macintosh", "sjis": "Shift_JIS",
	} {
		enc, ok := lookupEncoding(name)
		if !ok || enc.name != want {
			t.Errorf("lookupEncoding(%q) = %q, %v; want %q", name, enc.name, ok, want)
		}
	}
	for _, name := range []string{"", "klingon", "replacement", "iso-2022-kr", "utf-7"} {
		if enc, ok := lookupEncoding(name); ok {
			t.Errorf("lookupEncoding(%q) = %q, want unknown", name, enc.name)
		}
	}
}

// BenchmarkCSVRead reads a 3-column repayment file of 1M rows (~30 MB):
// open (encoding pass + sniff) and stream every row.
func BenchmarkCSVRead(b *testing.B) {
	const rows = 1_000_000
	path := benchFile(b, rows, func(i int) string { return fmt.Sprintf("L%07d,2024-%02d-15,%d.%02d\n", i, i%12+1, i%100000, i%100) })
	benchRead(b, path, rows)
}

// BenchmarkCSVRead1252 is the same file with a Windows-1252 byte at the
// end: the whole file goes through the decoder.
func BenchmarkCSVRead1252(b *testing.B) {
	const rows = 1_000_000
	path := benchFile(b, rows, func(i int) string {
		if i == rows-1 {
			return "Cr\xe9dit,2024-01-15,1.00\n"
		}
		return fmt.Sprintf("L%07d,2024-%02d-15,%d.%02d\n", i, i%12+1, i%100000, i%100)
	})
	benchRead(b, path, rows)
}

// BenchmarkCSVEncodingPass is the UTF-8 check alone (the first pass of
// BenchmarkCSVRead), to see what it costs.
func BenchmarkCSVEncodingPass(b *testing.B) {
	path := benchFile(b, 1_000_000, func(i int) string { return fmt.Sprintf("L%07d,2024-%02d-15,%d.%02d\n", i, i%12+1, i%100000, i%100) })
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	buf := make([]byte, csvScanBuf)
	b.SetBytes(st.Size())
	for b.Loop() {
		res, err := scanText(f, 0, st.Size(), buf, true)
		if err != nil || res.invalid >= 0 || res.nul >= 0 {
			b.Fatal(res, err)
		}
	}
}

func benchFile(b *testing.B, rows int, line func(int) string) string {
	b.Helper()
	var buf bytes.Buffer
	buf.WriteString("Loan ID,Date,Amount\n")
	for i := range rows {
		buf.WriteString(line(i))
	}
	return writeTemp(b, "bench.csv", buf.Bytes())
}

func benchRead(b *testing.B, path string, rows int) {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		book, err := openCSV(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		rs, _ := book.Open("")
		n := 0
		for rs.Next() {
			n++
		}
		if rs.Err() != nil || n != rows+1 {
			b.Fatal(n, rs.Err())
		}
		book.Close()
	}
	b.ReportMetric(float64(b.N)*float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

var (
	fuzzEncodings  = []string{"", "", "", "utf-8", "windows-1252", "utf-16le", "utf-16", "shift_jis", "iso-8859-15", "bogus"}
	fuzzDelimiters = []rune{0, 0, 0, ',', ';', '\t', '|', '§', ' ', '"'}
)

// FuzzCSVReader opens arbitrary bytes as a CSV file: it must never panic,
// fail only with the documented error types, return valid UTF-8 and sane
// positions, and agree with encoding/csv on UTF-8 input.
func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), uint8(0), uint8(0))
	f.Add([]byte("a;b\r\n\"x\r\ny\";2,5\r\n\r\n"), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, enc, delim uint8) {
		opts := Options{
			Encoding:  fuzzEncodings[int(enc)%len(fuzzEncodings)],
			Delimiter: fuzzDelimiters[int(delim)%len(fuzzDelimiters)],
		}
		path := writeTemp(t, "fuzz.csv", data)
		book, err := openCSV(path, opts)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("open error %T: %v", err, err)
			}
			return
		}
		defer book.Close()
		b := book.(*csvBook)
		rs, err := book.Open("")
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		lastLine := 0
		for n := 1; rs.Next(); n++ {
			r := rs.Row()
			if r.Number != n || r.Line <= lastLine || r.Line < 1 {
				t.Fatalf("row %d: Number %d, Line %d after line %d", n, r.Number, r.Line, lastLine)
			}
			lastLine = r.Line
			if len(r.Cells) == 0 {
				t.Fatalf("row %d has no cells", n)
			}
			var rec []string
			for _, c := range r.Cells {
				if !utf8.ValidString(c.Text) {
					t.Fatalf("row %d: invalid UTF-8 %q", n, c.Text)
				}
				if c.Line < r.Line || c.Column < 1 {
					t.Fatalf("row %d (line %d): cell %q at %d:%d", n, r.Line, c.Text, c.Line, c.Column)
				}
				if (c.Type == Text) != (c.Text != "") || (c.Type != Text && c.Type != Blank) || c.Formula || c.Format != "" {
					t.Fatalf("row %d: cell %+v", n, c)
				}
				rec = append(rec, c.Text)
			}
			if !(len(rec) == 1 && rec[0] == "") {
				rows = append(rows, rec)
			}
		}
		err = rs.Err()
		if err != nil {
			var ce *PosError
			var fe *FileError
			if !errors.As(err, &ce) && !errors.As(err, &fe) {
				t.Fatalf("stream error %T: %v", err, err)
			}
			if ce != nil && (ce.Pos.Line < 1 || ce.Pos.Row < 1) {
				t.Fatalf("error position %+v", ce.Pos)
			}
		}

		// Differential check: the same text through encoding/csv alone.
		if b.enc.kind != encUTF8 {
			return
		}
		text := refLineEnds(bytes.TrimPrefix(data, bomUTF8))
		ref := csv.NewReader(bytes.NewReader(text))
		ref.Comma = b.delim
		ref.FieldsPerRecord = -1
		var want [][]string
		var refErr error
		for i := 0; ; i++ {
			rec, err := ref.Read()
			if err != nil {
				if err != io.EOF {
					refErr = err
				}
				break
			}
			if i == 0 && b.sepLine || len(rec) == 1 && rec[0] == "" {
				continue
			}
			want = append(want, rec)
		}
		if (err != nil) != (refErr != nil) || !reflect.DeepEqual(rows, want) && !(len(rows) == 0 && len(want) == 0) {
			t.Fatalf("rows %q, err %v\nencoding/csv: %q, err %v", rows, err, want, refErr)
		}
	})
}
