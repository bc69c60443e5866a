package input

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// The row parser is checked three ways on every input: it must not panic,
// it must give the same result whatever the read sizes and buffer size
// (the tokenizer's refill logic), and where encoding/xml accepts the
// input, it must agree with xlRefParse, a plain encoding/xml
// implementation of the same rules.

var xlFuzzSST = []string{"", "a", "Loan ID", "0042", "x\ny"}
var xlFuzzFormats = []string{"General", "0", "mm-dd-yy", "00000", "@"}

// xlFuzzResult is what a parse produced: dumped rows, then the error.
type xlFuzzResult struct {
	rows []string
	err  error
}

func xlTestSST() *xlSST {
	t := &xlSST{}
	var b strings.Builder
	for _, s := range xlFuzzSST {
		b.WriteString(s)
		t.ends = append(t.ends, uint32(b.Len()))
	}
	t.data = b.String()
	return t
}

// xlParseWith runs the production parser over data read through r, with
// an initial buffer of bufSize bytes (0: the default).
func xlParseWith(data []byte, wrap func(io.Reader) io.Reader, bufSize int) xlFuzzResult {
	var r io.Reader = bytes.NewReader(data)
	if wrap != nil {
		r = wrap(r)
	}
	p := newXLSheetParser(r, xlTestSST(), xlFuzzFormats, Pos{File: "f.xlsx", Sheet: "S"}, "xl/worksheets/sheet1.xml")
	if bufSize > 0 {
		p.sc.buf = make([]byte, bufSize)
	}
	var res xlFuzzResult
	for p.Next() {
		r := p.Row()
		if len(r.Cells) > xlMaxCols {
			panic("more cells than columns")
		}
		if n := len(r.Cells); n > 0 && r.Cells[n-1].Type == Blank && !r.Cells[n-1].Formula {
			panic("trailing blank cell kept")
		}
		res.rows = append(res.rows, xlDumpRow(r))
		if len(res.rows) > 100000 {
			break
		}
	}
	res.err = p.Err()
	return res
}

func FuzzXLSXSheet(f *testing.F) {
	for _, seed := range xlFuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		got := xlParseWith(data, nil, 0)
		small := xlParseWith(data, iotest.OneByteReader, 7)
		if !xlSameResult(got, small) {
			t.Fatalf("read size changes the result:\n64K buffer: %q %v\n1-byte reads: %q %v", got.rows, got.err, small.rows, small.err)
		}
		ref, xmlErr := xlRefParse(data, xlFuzzSST, xlFuzzFormats)
		if xmlErr != nil {
			return // not well-formed: only "no panic" applies
		}
		if !xlSameRows(got.rows, ref.rows) || (ref.err == nil) != (got.err == nil) {
			t.Fatalf("differs from encoding/xml:\ngot: %q %v\nref: %q %v", got.rows, got.err, ref.rows, ref.err)
		}
	})
}

func xlSameRows(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n") && len(a) == len(b)
}

func xlSameResult(a, b xlFuzzResult) bool {
	if !xlSameRows(a.rows, b.rows) || (a.err == nil) != (b.err == nil) {
		return false
	}
	if a.err == nil {
		return true
	}
	// Syntax error offsets may differ by where a refill happened; the
	// messages otherwise agree.
	var sa, sb *xlSyntaxError
	if errors.As(a.err, &sa) && errors.As(b.err, &sb) {
		return sa.Msg == sb.Msg
	}
	return a.err.Error() == b.err.Error()
}

// xlRefParse is the reference: the same rules over encoding/xml tokens.
// xmlErr reports input encoding/xml rejects (within <sheetData>); err in
// the result is a content error such as a malformed reference.
func xlRefParse(data []byte, sst, formats []string) (res xlFuzzResult, xmlErr error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	tok := func() (xml.Token, error) {
		t, err := d.Token()
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		// encoding/xml lets repeated attributes pass; XML does not.
		if se, ok := t.(xml.StartElement); ok {
			for i, a := range se.Attr {
				for _, b := range se.Attr[:i] {
					if a.Name == b.Name {
						return nil, errors.New("repeated attribute")
					}
				}
			}
		}
		return t, err
	}
	attr := func(se xml.StartElement, name string) (string, bool) {
		for _, a := range se.Attr {
			if a.Name.Space == "" && a.Name.Local == name {
				return a.Value, true
			}
		}
		return "", false
	}
	// text collects the character data directly inside the element just
	// started, skipping child elements.
	text := func() (string, error) {
		var b strings.Builder
		for depth := 0; ; {
			t, err := tok()
			if err != nil {
				return "", err
			}
			switch t := t.(type) {
			case xml.CharData:
				if depth == 0 {
					b.Write(t)
				}
			case xml.StartElement:
				depth++
			case xml.EndElement:
				if depth == 0 {
					return b.String(), nil
				}
				depth--
			}
		}
	}
	// Elements count in the namespace of the root only.
	var (
		main     string
		rootSeen bool
	)
	is := func(se xml.StartElement, local string) bool {
		return se.Name.Local == local && se.Name.Space == main
	}
	richText := func() (string, error) {
		var b strings.Builder
		for depth := 0; ; { // depth 1: inside <r>
			t, err := tok()
			if err != nil {
				return "", err
			}
			switch t := t.(type) {
			case xml.StartElement:
				switch {
				case is(t, "t"):
					s, err := text()
					if err != nil {
						return "", err
					}
					b.WriteString(s)
				case is(t, "r") && depth == 0:
					depth = 1
				default:
					if err := d.Skip(); err != nil {
						return "", err
					}
				}
			case xml.EndElement:
				if depth == 0 {
					return b.String(), nil
				}
				depth = 0
			}
		}
	}

	// Find <sheetData>, in the root element's namespace.
	for {
		t, err := tok()
		if err == io.ErrUnexpectedEOF {
			return res, nil // no <sheetData>
		}
		if err != nil {
			return res, err
		}
		se, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		if !rootSeen {
			rootSeen, main = true, se.Name.Space
			continue
		}
		if is(se, "sheetData") {
			break
		}
	}
	lastRow := 0
	for {
		t, err := tok()
		if err != nil {
			return res, err
		}
		if _, ok := t.(xml.EndElement); ok {
			return res, nil // </sheetData>
		}
		se, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		if !is(se, "row") {
			if err := d.Skip(); err != nil {
				return res, err
			}
			continue
		}
		row := Row{Number: lastRow + 1}
		if v, ok := attr(se, "r"); ok {
			n, ok := xlParseUint(bytes.TrimSpace([]byte(v)))
			if !ok || n < 1 || n > xlMaxRows {
				res.err = fmt.Errorf("malformed row number %q", v)
				return res, nil
			}
			row.Number = n
		}
		if v, _ := attr(se, "hidden"); xlBool([]byte(v)) {
			row.Hidden = true
		}
		lastRow = row.Number
		col := 0
	cells:
		for {
			t, err := tok()
			if err != nil {
				return res, err
			}
			switch t := t.(type) {
			case xml.EndElement:
				break cells
			case xml.StartElement:
				if !is(t, "c") {
					if err := d.Skip(); err != nil {
						return res, err
					}
					continue
				}
				if v, ok := attr(t, "r"); ok {
					c, ok := xlParseCellRef([]byte(v))
					if !ok {
						res.err = fmt.Errorf("malformed cell reference %q", v)
						return res, nil
					}
					col = c - 1
				}
				style := 0
				if v, ok := attr(t, "s"); ok {
					if n, ok := xlParseUint([]byte(v)); ok {
						style = n
					}
				}
				typ, _ := attr(t, "t")
				if col >= xlMaxCols {
					res.err = errors.New("too many columns")
					return res, nil
				}
				var (
					val                  string
					hasV, hasIS, formula bool
				)
				for done := false; !done; {
					t, err := tok()
					if err != nil {
						return res, err
					}
					switch t := t.(type) {
					case xml.EndElement:
						done = true
					case xml.StartElement:
						switch {
						case is(t, "v"):
							hasV = true
							val, err = text()
						case is(t, "is"):
							hasIS = true
							val, err = richText()
						case is(t, "f"):
							formula = true
							err = d.Skip()
						default:
							err = d.Skip()
						}
						if err != nil {
							return res, err
						}
					}
				}
				cell, err := xlRefCell(typ, val, hasV, hasIS, formula, style, sst, formats)
				if err != nil {
					res.err = err
					return res, nil
				}
				for len(row.Cells) <= col {
					row.Cells = append(row.Cells, Cell{})
				}
				row.Cells[col] = cell
				col++
			}
		}
		for n := len(row.Cells); n > 0 && row.Cells[n-1].Type == Blank && !row.Cells[n-1].Formula; n-- {
			row.Cells = row.Cells[:n-1]
		}
		res.rows = append(res.rows, xlDumpRow(&row))
	}
}

func xlRefCell(typ, val string, hasV, hasIS, formula bool, style int, sst, formats []string) (Cell, error) {
	c := Cell{Formula: formula}
	trim := strings.Trim(val, " \t\r\n")
	switch typ {
	case "", "n":
		if hasV && trim != "" {
			c.Type, c.Text, c.Format = Number, trim, "General"
			if style < len(formats) {
				c.Format = formats[style]
			}
		}
	case "s":
		if hasV && trim != "" {
			i, ok := xlParseUint([]byte(trim))
			if !ok || i >= len(sst) {
				return c, fmt.Errorf("bad shared string index %q", trim)
			}
			c.Type, c.Text = Text, sst[i]
			if c.Text == "" && !formula {
				c.Type = Blank
			}
		}
	case "str", "inlineStr":
		if hasV || hasIS {
			s := string(xlUnescapeXstring([]byte(val)))
			if s != "" || formula {
				c.Type, c.Text = Text, s
			}
		}
	case "b":
		if hasV {
			switch trim {
			case "1", "true":
				c.Text = "1"
			case "0", "false":
				c.Text = "0"
			default:
				return c, fmt.Errorf("bad boolean %q", trim)
			}
			c.Type = Bool
		}
	case "e":
		if hasV && trim != "" {
			c.Type, c.Text = Error, trim
		}
	case "d":
		if hasV && trim != "" {
			c.Type, c.Text = Date, trim
		}
	default:
		return c, fmt.Errorf("unknown type %q", typ)
	}
	return c, nil
}

// xlFuzzSeeds are sheet XML snippets as Excel, LibreOffice, excelize and
// the Open XML SDK write them, plus the odd syntax the tokenizer handles,
// and the committed workbook fixtures' worksheets.
func xlFuzzSeeds() [][]byte {
	seeds := []string{
		xlSheetXML(`<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>2</v></c><c r="B1" s="1"><v>42</v></c><c r="C1" s="2"><v>45296</v></c></row>`),
		xlSheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>1234567890123456789</t></is></c><c r="B1"><v>1.2345678901234567E+19</v></c></row><row r="3" hidden="1"/>`),
		xlSheetXML(`<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2" t="d"><v>2024-01-05</v></c><c r="D2" t="str"><f>A1</f><v></v></c><c r="E2"><f>1+1</f></c></row>`),
		xlSheetXML(`<row><c t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve"> a </t></r><r><t>b_x000D_</t></r><rPh><t>c</t></rPh></is></c><c><v>1</v></c></row>`),
		`<x:worksheet xmlns:x="` + xlNS + `"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
		xlSheetXML(`<row r='1'><c r = 'A1' ><v><![CDATA[1]]></v></c><!-- c --><?p?><c r="C1" t="inlineStr"><is><t>&lt;&amp;&#233;&#x20AC;</t></is></c></row>`),
		xlSheetXML(`<row r="5"><c r="XFD5"><v>1</v></c></row><row r="1048576"><c r="A1048576" s="3"><v>7</v></c></row>`),
		xlSheetXML(`<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c></row>`) + `<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`,
		`<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet><sheetData/></worksheet>`,
		xlSheetXML(`<row r="1"><c r="B7X"><v>1</v></c></row>`),
		xlSheetXML(`<row r="1"><c r="A1" t="s"><v>9</v></c></row>`),
		xlSheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>a & b</t></is></c></row>`),
		// Issue 13: elements are matched by namespace, not by local name
		// (an extension's <v> is not the cell's value); an empty <v/> in
		// a shared-string cell is an empty cell.
		xlSheetXML(`<row r="1"><c r="A1" xmlns:e="urn:ext"><e:v>9</e:v><v>1</v></c><c r="B1" t="s"><v/></c></row>`),
		`<worksheet xmlns="` + xlNS + `"><e:sheetData xmlns:e="urn:ext"><row><c><v>1</v></c></row></e:sheetData><sheetData><row r="2"><c><v>2</v></c></row></sheetData></worksheet>`,
		`<worksheet xmlns="` + xlStrictMainNS + `"><sheetData><row r="1"><c t="d"><v>2014-01-16T15:59:59.99999979045242400</v></c></row></sheetData></worksheet>`,
	}
	var out [][]byte
	for _, s := range seeds {
		out = append(out, []byte(s))
	}
	// The worksheets of the committed fixtures.
	paths, _ := filepath.Glob(filepath.Join("testdata", "xlsx", "*.xlsx"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, part := range xlUnzipParts(data, "xl/worksheets/") {
			out = append(out, part)
		}
	}
	return out
}

// xlUnzipParts returns the parts of a zip archive under a prefix.
func xlUnzipParts(data []byte, prefix string) [][]byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	var parts [][]byte
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, prefix) || f.UncompressedSize64 > 1<<20 {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err == nil {
			parts = append(parts, b)
		}
	}
	return parts
}

// Every seed, read byte by byte with a tiny buffer, gives the same result
// as a normal read; and the reference agrees where it applies.
func TestXLSXParserConsistency(t *testing.T) {
	for i, seed := range xlFuzzSeeds() {
		got := xlParseWith(seed, nil, 0)
		for _, size := range []int{1, 2, 3, 7, 64} {
			small := xlParseWith(seed, iotest.OneByteReader, size)
			if !xlSameResult(got, small) {
				t.Errorf("seed %d, buffer %d: %q %v; normal read: %q %v", i, size, small.rows, small.err, got.rows, got.err)
			}
			half := xlParseWith(seed, iotest.HalfReader, size)
			if !xlSameResult(got, half) {
				t.Errorf("seed %d, buffer %d, half reads: %q %v; normal read: %q %v", i, size, half.rows, half.err, got.rows, got.err)
			}
		}
		ref, xmlErr := xlRefParse(seed, xlFuzzSST, xlFuzzFormats)
		if xmlErr == nil && (!xlSameRows(got.rows, ref.rows) || (got.err == nil) != (ref.err == nil)) {
			t.Errorf("seed %d differs from encoding/xml:\ngot: %q %v\nref: %q %v", i, got.rows, got.err, ref.rows, ref.err)
		}
	}
}

// A read error is reported as such, positioned.
func TestXLSXReadError(t *testing.T) {
	data := []byte(xlSheetXML(strings.Repeat(`<row><c><v>1</v></c></row>`, 5000)))
	boom := errors.New("disk on fire")
	r := io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotest.ErrReader(boom))
	p := newXLSheetParser(r, nil, nil, Pos{File: "f.xlsx", Sheet: "S"}, "p")
	n := 0
	for p.Next() {
		n++
	}
	if !errors.Is(p.Err(), boom) || n == 0 || !strings.HasPrefix(p.Err().Error(), "f.xlsx: S!") && !strings.HasPrefix(p.Err().Error(), "f.xlsx: sheet S: ") {
		t.Errorf("after %d rows: %v", n, p.Err())
	}
}

// The shared string reader and the merged-range scan: no panics, and the
// same result whatever the read sizes.
func FuzzXLSXSharedStrings(f *testing.F) {
	f.Add([]byte(`<sst xmlns="` + xlNS + `" uniqueCount="3"><si><t>a</t></si><si><r><t>b</t></r><rPh><t>x</t></rPh></si><si><t>_x000D_&amp;</t></si></sst>`))
	f.Add([]byte(`<x:sst xmlns:x="` + xlNS + `"><x:si><x:t xml:space="preserve"> a </x:t></x:si><x:si/></x:sst>`))
	f.Add([]byte(`<sst xmlns="` + xlNS + `" xmlns:e="urn:ext"><si><t>a</t><e:t>hidden</e:t></si><si><e:si><t>x</t></e:si></si></sst>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(r io.Reader, size int) string {
			sst, err := xlReadSSTSized(r, size)
			if err != nil {
				var se *xlSyntaxError
				if errors.As(err, &se) {
					return "error: " + se.Msg
				}
				return "error: " + err.Error()
			}
			var b strings.Builder
			for i := range sst.len() {
				fmt.Fprintf(&b, "%q ", sst.get(i))
			}
			return b.String()
		}
		a := read(bytes.NewReader(data), 0)
		b := read(iotest.OneByteReader(bytes.NewReader(data)), 5)
		if a != b {
			t.Fatalf("read size changes the result:\n%s\n%s", a, b)
		}
	})
}

// xlReadSSTSized is xlReadSST with a given initial buffer size.
func xlReadSSTSized(r io.Reader, size int) (*xlSST, error) {
	if size == 0 {
		return xlReadSST(r)
	}
	return xlReadSSTWith(r, func(sc *xlScanner) { sc.buf = make([]byte, size) })
}

func FuzzXLSXMerged(f *testing.F) {
	f.Add([]byte(xlSheetXML(`<row r="1"/>`)+`<mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="C3"/></mergeCells>`), 0)
	f.Add([]byte(`<x:worksheet><x:sheetData/><x:mergeCells><x:mergeCell ref="XFD1048576:A1"/></x:mergeCells></x:worksheet>`), 5)
	f.Fuzz(func(t *testing.T, data []byte, maxRow int) {
		read := func(r io.Reader, size int) string {
			sc := newXLScanner(r)
			if size > 0 {
				sc.buf = make([]byte, size)
			}
			ranges, err := xlReadMergedFrom(sc, maxRow)
			if err != nil {
				var se *xlSyntaxError
				if errors.As(err, &se) {
					return "error: " + se.Msg
				}
				return "error: " + err.Error()
			}
			for _, rg := range ranges {
				if rg.FromRow > rg.ToRow || rg.FromCol > rg.ToCol || rg.FromRow < 1 || rg.ToCol > xlMaxCols || maxRow > 0 && rg.FromRow > maxRow {
					t.Fatalf("bad range %+v", rg)
				}
			}
			return fmt.Sprint(ranges)
		}
		a := read(bytes.NewReader(data), 0)
		b := read(iotest.OneByteReader(bytes.NewReader(data)), 3)
		if a != b {
			t.Fatalf("read size changes the result:\n%s\n%s", a, b)
		}
	})
}
