package convert

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// headerScanRows is how far down a sheet the header row is looked for.
const headerScanRows = 20

// head is the top of a sheet, read once and kept so the header can be found
// (and mappings compared) before streaming the rest.
type head struct {
	sheet string
	rows  []input.Row // deep copies of the first rows
	texts [][]string  // header candidates: cell texts, merged cells filled
	rest  input.Rows  // the stream, positioned after rows
}

// readHead opens a sheet and buffers its first rows. With texts, it also
// prepares them as header candidates, which needs the sheet's merged cells
// (read once per sheet: in a workbook they follow all the rows).
func (c *run) readHead(sheet string, texts bool) (*head, error) {
	rs, err := c.book.Open(sheet)
	if err != nil {
		return nil, err
	}
	h := &head{sheet: sheet, rest: rs}
	for len(h.rows) < headerScanRows && rs.Next() {
		r := rs.Row()
		cp := *r
		cp.Cells = append([]input.Cell(nil), r.Cells...)
		h.rows = append(h.rows, cp)
	}
	if err := rs.Err(); err != nil {
		rs.Close()
		return nil, err
	}
	if !texts {
		return h, nil
	}
	merged, ok := c.merged[sheet]
	if !ok {
		if merged, err = c.book.Merged(sheet, 0); err != nil {
			rs.Close()
			return nil, err
		}
		c.merged[sheet] = merged
	}
	h.texts = headerTexts(h.rows, merged)
	return h, nil
}

// headerTexts returns the texts of each buffered row as header candidates.
// A cell covered by a merged range takes the text of the range's top-left
// cell when the range spans rows (a two-row header whose first column is
// merged down); cells covered horizontally stay empty, so a title merged
// across the sheet does not repeat itself.
func headerTexts(rows []input.Row, merged []input.Range) [][]string {
	byNumber := map[int]int{}
	out := make([][]string, len(rows))
	for i, r := range rows {
		byNumber[r.Number] = i
		t := make([]string, len(r.Cells))
		for j, c := range r.Cells {
			t[j] = strings.TrimSpace(c.Text)
		}
		out[i] = t
	}
	for _, m := range merged {
		if m.ToRow == m.FromRow {
			continue
		}
		top, ok := byNumber[m.FromRow]
		if !ok || m.FromCol-1 >= len(out[top]) {
			continue
		}
		text := out[top][m.FromCol-1]
		for rn := m.FromRow + 1; rn <= m.ToRow; rn++ {
			i, ok := byNumber[rn]
			if !ok {
				continue
			}
			col := m.FromCol - 1
			for len(out[i]) <= col {
				out[i] = append(out[i], "")
			}
			if out[i][col] == "" {
				out[i][col] = text
			}
		}
	}
	return out
}

// fieldSpec is one mapped field, resolved against a header.
type fieldSpec struct {
	key    string
	f      *mappings.Field
	col    int             // 0-based column, -1 when the field has no column
	header string          // header text of col
	words  map[string]bool // bool fields: the mapping's words
}

// layout is a sheet whose header has been matched to a mapping: the plan
// for reading every data row.
type layout struct {
	file      string
	sheet     string // "" for CSV
	headerRow int    // row number of the header
	width     int    // columns covered by the header
	headers   []string
	fields    []fieldSpec
	index     map[string]int // field key → index in fields
	unmapped  []string
	loc       values.Locale
	dateFmts  []string
	date1904  bool
	dataStart int         // index into head.rows of the first data row
	orders    *dateOrders // day/month order of text dates (dateorder.go)
}

// pos locates a cell of the layout's sheet.
func (l *layout) pos(r *input.Row, col int) input.Pos {
	p := input.Pos{File: l.file, Sheet: l.sheet, Row: r.Number, Col: col + 1}
	if r.Line > 0 {
		c := r.Cell(col)
		p.Line, p.Byte = c.Line, c.Column
		if p.Line == 0 {
			p.Line = r.Line
		}
	}
	return p
}

// headerError is a header that cannot be used: required columns missing
// (with the closest header found) or a field found in two columns.
type headerError struct {
	file, sheet string
	row         int
	err         error
}

func (e *headerError) Error() string {
	where := filepath.Base(e.file)
	if e.sheet != "" {
		where += ": sheet " + e.sheet
	}
	if e.row == 0 {
		return fmt.Sprintf("%s: no header row fits the mapping in the first %d rows: %v", where, headerScanRows, e.err)
	}
	return fmt.Sprintf("%s: the header (row %d) does not fit the mapping: %v", where, e.row, e.err)
}

func (e *headerError) Unwrap() error { return e.err }

// newLayout matches a mapping's fields against the header found in h.
func newLayout(book input.Book, h *head, sheetLabel string, fields map[string]*mappings.Field, hdrIdx int, match mappings.HeaderMatch, loc values.Locale, dateFmts []string) (*layout, error) {
	l := &layout{
		file:      book.Path(),
		sheet:     sheetLabel,
		headerRow: h.rows[hdrIdx].Number,
		headers:   h.texts[hdrIdx],
		index:     map[string]int{},
		loc:       loc,
		dateFmts:  dateFmts,
		date1904:  book.Date1904(),
		dataStart: hdrIdx + 1,
		orders:    &dateOrders{sheet: h.sheet},
	}
	for i := len(l.headers) - 1; i >= 0; i-- {
		if l.headers[i] != "" {
			l.width = i + 1
			break
		}
	}
	if err := match.Err(); err != nil {
		return nil, &headerError{file: l.file, sheet: l.sheet, row: l.headerRow, err: err}
	}
	// Fields are read in column order, so a row's problems are listed left
	// to right; fields without a column (constants, defaults) come last.
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	colOf := func(k string) int {
		if col, ok := match.Columns[k]; ok {
			return col
		}
		return 1 << 30
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := colOf(keys[i]), colOf(keys[j]); a != b {
			return a < b
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		col, ok := match.Columns[k]
		if !ok {
			col = -1
		}
		fs := fieldSpec{key: k, f: fields[k], col: col, words: boolWords(fields[k].Values)}
		if col >= 0 && col < len(l.headers) {
			fs.header = l.headers[col]
		}
		l.index[k] = len(l.fields)
		l.fields = append(l.fields, fs)
	}
	l.unmapped = match.Unmapped
	return l, nil
}

// value is one field of one row, typed.
type value struct {
	set  bool
	text string      // text, id, enum, date (YYYY-MM-DD), lookup result
	num  kiva.Amount // decimal
	i    int64       // integer, lookup id
	b    bool        // bool
	raw  string      // the stored cell text, for messages
	pos  input.Pos
	col  string // header text
}
