package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Excel's grid limits (XFD1048576).
const (
	xlMaxCols = 16384
	xlMaxRows = 1048576
	// xlMaxRowBytes bounds the text of one row held in memory (Excel's
	// own limit of 32,767 characters a cell allows far more, but no
	// export has rows near this).
	xlMaxRowBytes = 64 << 20
)

// xlSheetParser streams the rows of one worksheet part (the <sheetData> of
// xl/worksheets/sheetN.xml). It implements the iteration half of Rows.
type xlSheetParser struct {
	sc      *xlScanner
	sst     *xlSST
	formats []string // number format code by cellXfs index
	pos     Pos      // File and Sheet, for errors
	part    string   // zip part name, for errors

	row     Row
	lastRow int
	vals    []byte      // decoded text values of the current row
	pend    []xlPending // cells whose Text is a slice of vals
	scratch []byte      // decoded attribute values
	started bool
	done    bool
	err     error
}

// xlPending is a cell whose text is vals[from:to], turned into one string
// per row when the row ends.
type xlPending struct{ col, from, to int }

func newXLSheetParser(r io.Reader, sst *xlSST, formats []string, pos Pos, part string) *xlSheetParser {
	return &xlSheetParser{sc: newXLScanner(r), sst: sst, formats: formats, pos: pos, part: part}
}

func (p *xlSheetParser) Row() *Row  { return &p.row }
func (p *xlSheetParser) Err() error { return p.err }

// Next advances to the next <row> element.
func (p *xlSheetParser) Next() bool {
	if p.done || p.err != nil {
		return false
	}
	if !p.started {
		p.started = true
		if !p.findSheetData() {
			return false
		}
	}
	for {
		tok, err := p.sc.next()
		if err != nil {
			p.failBetween(err)
			return false
		}
		switch tok {
		case xlEOF:
			p.failBetween(p.sc.syntax("unexpected end of input in <sheetData>"))
			return false
		case xlStart:
			if p.sc.is("row") {
				if err := p.readRow(); err != nil {
					p.err = err
					return false
				}
				return true
			}
			if err := p.sc.skipElement(); err != nil {
				p.failBetween(err)
				return false
			}
		case xlEnd: // </sheetData>: the rest of the part is not rows
			p.done = true
			return false
		}
	}
}

// findSheetData skips to the content of <sheetData>. It reports false
// when there are no rows to read.
func (p *xlSheetParser) findSheetData() bool {
	for root := true; ; {
		tok, err := p.sc.next()
		if err != nil {
			p.failBetween(err)
			return false
		}
		switch {
		case tok == xlEOF:
			p.done = true // no <sheetData>: an empty sheet
			return false
		case tok == xlStart && root:
			root = false // <worksheet>
			if p.sc.empty {
				p.done = true
				return false
			}
		case tok == xlStart && p.sc.is("sheetData"):
			if p.sc.empty {
				p.done = true
				return false
			}
			return true
		}
	}
}

// failBetween records an error met outside a row, positioned at the
// sheet and saying which row came before.
func (p *xlSheetParser) failBetween(err error) {
	var fe *FileError
	if errors.As(err, &fe) {
		p.err = err
		return
	}
	where := " (before the first row)"
	if p.lastRow > 0 {
		where = fmt.Sprintf(" (after row %d)", p.lastRow)
	}
	p.err = &PosError{Pos: p.pos, Part: p.part, Msg: err.Error() + where, Err: err}
}

func (p *xlSheetParser) errorf(col int, err error, format string, args ...any) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err // a problem with the whole file (size limit, damaged zip)
	}
	pos := p.pos
	if p.started && p.row.Number > 0 {
		pos.Row = p.row.Number
		pos.Col = col
	}
	return &PosError{Pos: pos, Part: p.part, Msg: fmt.Sprintf(format, args...), Err: err}
}

// afterRow says where a row without a number is, for messages.
func (p *xlSheetParser) afterRow() string {
	if p.lastRow == 0 {
		return " (in the first row)"
	}
	return fmt.Sprintf(" (after row %d)", p.lastRow)
}

// attrValue returns an attribute value with entity references decoded.
func (p *xlSheetParser) attrValue(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '&') < 0 {
		return raw, nil
	}
	var err error
	p.scratch, err = xlAppendText(p.scratch[:0], raw)
	return p.scratch, err
}

func (p *xlSheetParser) readRow() error {
	sc := p.sc
	// Until the r attribute is read, errors are positioned at the sheet.
	p.row.Number = 0
	p.row.Hidden = false
	p.row.Cells = p.row.Cells[:0]
	p.vals = p.vals[:0]
	p.pend = p.pend[:0]
	number := p.lastRow + 1
	for attrs := sc.attrs; ; {
		name, raw, rest, ok, err := xlAttr(attrs)
		if err != nil {
			return p.errorf(0, err, "malformed <row> tag%s: %v", p.afterRow(), err)
		}
		if !ok {
			break
		}
		attrs = rest
		switch string(name) {
		case "r":
			v, err := p.attrValue(raw)
			n, ok := xlParseUint(bytes.TrimSpace(v))
			if err != nil || !ok || n < 1 || n > xlMaxRows {
				return p.errorf(0, nil, "malformed row number %q%s", v, p.afterRow())
			}
			number = n
		case "hidden":
			v, _ := p.attrValue(raw)
			p.row.Hidden = xlBool(v)
		}
	}
	p.row.Number = number
	p.lastRow = number
	if !sc.empty {
		col := 0 // 0-based column of the next cell without an r attribute
		for done := false; !done; {
			tok, err := sc.next()
			if err != nil {
				return p.errorf(0, err, "%v", err)
			}
			switch tok {
			case xlEOF:
				return p.errorf(0, nil, "unexpected end of input in <row>")
			case xlStart:
				if sc.is("c") {
					if col, err = p.readCell(col); err != nil {
						return err
					}
				} else if err := sc.skipElement(); err != nil {
					return p.errorf(0, err, "%v", err)
				}
			case xlEnd:
				done = true
			}
		}
	}
	// One string for all the text of the row instead of one per cell.
	if len(p.pend) > 0 {
		s := string(p.vals)
		for _, pc := range p.pend {
			p.row.Cells[pc.col].Text = s[pc.from:pc.to]
		}
	}
	cells := p.row.Cells
	for len(cells) > 0 && cells[len(cells)-1].Type == Blank && !cells[len(cells)-1].Formula {
		cells = cells[:len(cells)-1]
	}
	p.row.Cells = cells
	return nil
}

// readCell reads a <c> element whose start tag was just read; col is the
// 0-based column it has when it has no r attribute. It returns the column
// of the next cell.
func (p *xlSheetParser) readCell(col int) (int, error) {
	sc := p.sc
	typ := xlTypeN
	var badType string
	style := 0
	for attrs := sc.attrs; ; {
		name, raw, rest, ok, err := xlAttr(attrs)
		if err != nil {
			return col, p.errorf(col+1, err, "malformed <c> tag: %v", err)
		}
		if !ok {
			break
		}
		attrs = rest
		switch string(name) {
		case "r":
			v, err := p.attrValue(raw)
			c, ok := xlParseCellRef(v)
			if err != nil || !ok {
				return col, p.errorf(0, nil, "malformed cell reference %q", v)
			}
			col = c - 1
		case "s":
			v, _ := p.attrValue(raw)
			if n, ok := xlParseUint(v); ok {
				style = n
			}
		case "t":
			v, _ := p.attrValue(raw)
			if typ = xlCellType(v); typ == xlTypeUnknown {
				badType = string(v)
			}
		}
	}
	if col >= xlMaxCols {
		return col, p.errorf(0, nil, "cell in column %d, beyond Excel's last column XFD", col+1)
	}

	// The content: <f>, <v>, <is>.
	var (
		hasV, hasIS, formula bool
		from, to             int
	)
	if !sc.empty {
		for done := false; !done; {
			tok, err := sc.next()
			if err != nil {
				return col, p.errorf(col+1, err, "%v", err)
			}
			switch tok {
			case xlEOF:
				return col, p.errorf(col+1, nil, "unexpected end of input in <c>")
			case xlStart:
				switch {
				case sc.is("v"):
					hasV = true
					from = len(p.vals)
					p.vals, err = sc.appendText(p.vals)
					to = len(p.vals)
				case sc.is("is"):
					hasIS = true
					from = len(p.vals)
					p.vals, err = xlReadRichText(sc, p.vals)
					to = len(p.vals)
				case sc.is("f"):
					formula = true
					err = sc.skipElement()
				default:
					err = sc.skipElement()
				}
				if err != nil {
					return col, p.errorf(col+1, err, "%v", err)
				}
				if len(p.vals) > xlMaxRowBytes {
					return col, p.errorf(col+1, nil, "the row holds more than %d MiB of text, more than any real row", xlMaxRowBytes>>20)
				}
			case xlEnd:
				done = true
			}
		}
	}

	cell := Cell{Formula: formula}
	pending := false
	switch typ {
	case xlTypeN:
		from, to = xlTrimSpace(p.vals, from, to)
		if hasV && to > from {
			cell.Type = Number
			cell.Format = "General"
			if style < len(p.formats) {
				cell.Format = p.formats[style]
			}
			pending = true
		}
	case xlTypeS:
		from, to = xlTrimSpace(p.vals, from, to)
		// An empty <v/> (Apache POI writes one) is an empty cell.
		if hasV && to > from {
			i, ok := xlParseUint(p.vals[from:to])
			if !ok || i >= p.sst.len() {
				return col, p.errorf(col+1, nil, "shared string index %q out of range (the workbook has %d)", p.vals[from:to], p.sst.len())
			}
			cell.Text = p.sst.get(i)
			cell.Type = Text
			if cell.Text == "" && !formula {
				cell.Type = Blank
			}
		}
	case xlTypeStr, xlTypeInlineStr:
		if hasIS || hasV {
			to = from + len(xlUnescapeXstring(p.vals[from:to]))
			p.vals = p.vals[:to]
			// An empty string is Blank, except as the cached result of a
			// formula (=IF(A1="","",…)): Blank with Formula would mean
			// "not calculated".
			if to > from || formula {
				cell.Type = Text
				pending = true
			}
		}
	case xlTypeB:
		from, to = xlTrimSpace(p.vals, from, to)
		if hasV {
			switch string(p.vals[from:to]) {
			case "1", "true":
				cell.Text = "1"
			case "0", "false":
				cell.Text = "0"
			default:
				return col, p.errorf(col+1, nil, "malformed boolean %q", p.vals[from:to])
			}
			cell.Type = Bool
		}
	case xlTypeE:
		from, to = xlTrimSpace(p.vals, from, to)
		if hasV && to > from {
			cell.Type = Error
			pending = true
		}
	case xlTypeD:
		from, to = xlTrimSpace(p.vals, from, to)
		if hasV && to > from {
			cell.Type = Date
			pending = true
		}
	default:
		return col, p.errorf(col+1, nil, "unknown cell type t=%q", badType)
	}

	cells := p.row.Cells
	if col < len(cells) {
		// Out of order or repeated: the later cell wins.
		cells[col] = cell
		for i := 0; i < len(p.pend); i++ {
			if p.pend[i].col == col {
				p.pend = append(p.pend[:i], p.pend[i+1:]...)
				i--
			}
		}
	} else {
		for len(cells) < col {
			cells = append(cells, Cell{})
		}
		cells = append(cells, cell)
	}
	p.row.Cells = cells
	if pending {
		p.pend = append(p.pend, xlPending{col, from, to})
	}
	return col + 1, nil
}

// Cell types (the t attribute of <c>).
const (
	xlTypeN   = iota // number (also when t is absent)
	xlTypeS          // shared string
	xlTypeStr        // formula string
	xlTypeInlineStr
	xlTypeB
	xlTypeE
	xlTypeD
	xlTypeUnknown
)

func xlCellType(t []byte) int {
	switch string(t) {
	case "n", "":
		return xlTypeN
	case "s":
		return xlTypeS
	case "str":
		return xlTypeStr
	case "inlineStr":
		return xlTypeInlineStr
	case "b":
		return xlTypeB
	case "e":
		return xlTypeE
	case "d":
		return xlTypeD
	}
	return xlTypeUnknown
}

// xlReadRichText reads the content of a CT_Rst element (<si> or <is>)
// whose start tag was just read, appending its text to dst.
func xlReadRichText(sc *xlScanner, dst []byte) ([]byte, error) {
	if sc.empty {
		return dst, nil
	}
	depth := 0 // 1 inside <r>
	for {
		tok, err := sc.next()
		if err != nil {
			return dst, err
		}
		switch tok {
		case xlEOF:
			return dst, sc.syntax("unexpected end of input in rich text")
		case xlStart:
			switch {
			case sc.is("t"):
				dst, err = sc.appendText(dst)
			case sc.is("r") && depth == 0:
				if !sc.empty {
					depth = 1
				}
			default: // rPh, rPr, phoneticPr, extensions
				err = sc.skipElement()
			}
			if err != nil {
				return dst, err
			}
		case xlEnd:
			if depth == 0 {
				return dst, nil
			}
			depth = 0
		}
	}
}

// xlTrimSpace narrows b[from:to] to exclude XML white space.
func xlTrimSpace(b []byte, from, to int) (int, int) {
	for from < to && xlIsSpace(b[from]) {
		from++
	}
	for to > from && xlIsSpace(b[to-1]) {
		to--
	}
	return from, to
}

// xlParseUint parses a decimal number of at most 9 digits.
func xlParseUint(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// xlBool parses an xsd:boolean attribute ("1", "true"); anything else is
// false.
func xlBool(b []byte) bool {
	b = bytes.TrimSpace(b)
	return string(b) == "1" || string(b) == "true"
}

// xlParseCellRef parses an A1-style reference ("B7", "XFD1048576") and
// returns its 1-based column.
func xlParseCellRef(b []byte) (col int, ok bool) {
	col, row, ok := xlParseRef(b)
	return col, ok && row > 0
}

// xlParseRef parses "B7" into column 2, row 7. The row may be absent (a
// whole-column reference) and is then 0. Letters may be either case.
func xlParseRef(b []byte) (col, row int, ok bool) {
	i := 0
	for ; i < len(b); i++ {
		c := b[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		if i == 3 {
			return 0, 0, false
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || col > xlMaxCols {
		return 0, 0, false
	}
	if i == len(b) {
		return col, 0, true
	}
	row, ok = xlParseUint(b[i:])
	if !ok || row < 1 || row > xlMaxRows {
		return 0, 0, false
	}
	return col, row, true
}
