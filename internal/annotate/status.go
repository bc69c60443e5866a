package annotate

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// dataSheet is a sheet with records and its status column.
type dataSheet struct {
	headerRow int
	// statusCol is the 1-based column of the status cells: the column
	// already headed StatusHeader (an annotated copy), else the one right
	// of the last column used from the header down; 0 when the sheet has
	// no room left.
	statusCol int
	existing  bool   // the copy had the status column already
	headerRef string // the last header cell: the status header takes its style
	rows      []int  // rows below the header with content, ascending
	stale     []int  // rows whose old status cell must be emptied
}

// scanDataSheet reads a data sheet the way the converter does (with
// kivaconv's reader) to place the status column and find the rows that
// hold something.
func (a *annotator) scanDataSheet(sheet string, headerRow int) (*dataSheet, error) {
	if headerRow <= 0 {
		headerRow = 1
	}
	d := &dataSheet{headerRow: headerRow}
	statusIdx, lastCol, lastHeader := -1, 0, -1
	visit := func(r *input.Row) {
		if r.Number < headerRow {
			return
		}
		if r.Number == headerRow {
			for i, c := range r.Cells {
				if statusIdx < 0 && c.Type == input.Text && values.Key(c.Text) == values.Key(StatusHeader) {
					statusIdx = i
				} else if !blankCell(c) {
					lastHeader = i
				}
			}
		}
		for i, c := range r.Cells {
			if i != statusIdx && !blankCell(c) {
				lastCol = max(lastCol, i+1)
			}
		}
		if r.Number == headerRow {
			return
		}
		switch {
		case !blankExcept(r, statusIdx):
			d.rows = append(d.rows, r.Number)
		case statusIdx >= 0 && !blankCell(r.Cell(statusIdx)):
			d.stale = append(d.stale, r.Number)
		}
	}
	if a.csvSheet != "" {
		for _, r := range a.csvRows {
			visit(r)
		}
	} else {
		rs, err := a.book.Open(sheet)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			visit(rs.Row())
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, err
		}
	}
	switch {
	case statusIdx >= 0:
		d.statusCol, d.existing = statusIdx+1, true
	case lastCol < excelize.MaxColumns:
		d.statusCol = lastCol + 1
	}
	if lastHeader >= 0 {
		d.headerRef = input.ColumnName(lastHeader+1) + strconv.Itoa(headerRow)
	}
	return d, nil
}

// blankCell is a cell the converter sees as empty.
func blankCell(c input.Cell) bool {
	switch c.Type {
	case input.Blank:
		return !c.Formula
	case input.Text:
		return strings.TrimSpace(c.Text) == ""
	}
	return false
}

// blankExcept is input.Row.Blank ignoring the 0-based column skip.
func blankExcept(r *input.Row, skip int) bool {
	for i, c := range r.Cells {
		if i != skip && !blankCell(c) {
			return false
		}
	}
	return true
}

// writeStatus fills the status column of a data sheet: the header, then
// one cell per row with content ("OK" or the row's first problem), and
// the fill and comment of whole-row problems on rows without content.
// rowProbs holds every problem of each row (indices into Problems),
// withGroup the rows rejected with their group loan.
func (a *annotator) writeStatus(s *sheetState, rowProbs map[int][]int, withGroup map[int]GroupRow) error {
	d := s.data
	if d.statusCol == 0 {
		return nil
	}
	col := input.ColumnName(d.statusCol)
	ref := func(row int) string { return col + strconv.Itoa(row) }
	header := ref(d.headerRow)
	if err := a.f.SetCellStr(s.name, header, StatusHeader); err != nil {
		return err
	}
	if !d.existing {
		if d.headerRef != "" {
			st, err := a.f.GetCellStyle(s.name, d.headerRef)
			if err != nil {
				return err
			}
			if err := a.f.SetCellStyle(s.name, header, header, st); err != nil {
				return err
			}
		}
		if err := a.f.SetColWidth(s.name, col, col, 45); err != nil {
			return err
		}
	}
	for _, row := range d.stale {
		if err := a.f.SetCellValue(s.name, ref(row), nil); err != nil {
			return err
		}
		if err := a.fillCell(s.name, ref(row), ""); err != nil {
			return err
		}
	}
	filled := map[int]bool{}
	for _, row := range d.rows {
		filled[row] = true
		ps := a.problemsAt(rowProbs[row])
		text, sev := statusText(ps)
		if g, ok := withGroup[row]; ok {
			text, sev = a.groupStatus(s, g, ps), sevError
		}
		if err := a.f.SetCellStr(s.name, ref(row), text); err != nil {
			return err
		}
		if err := a.markCell(s, row, d.statusCol, sev, wholeRow(ps)); err != nil {
			return err
		}
	}
	// Problems on rows without content: the cell is filled and commented
	// but left empty, so that converting the copy does not read the row.
	for _, row := range sortedKeys(rowProbs) {
		if filled[row] {
			continue
		}
		ps := a.problemsAt(rowProbs[row])
		_, sev := statusText(ps)
		if err := a.markCell(s, row, d.statusCol, sev, wholeRow(ps)); err != nil {
			return err
		}
	}
	return nil
}

// wholeRow keeps the problems about a whole row.
func wholeRow(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Col == 0 {
			out = append(out, p)
		}
	}
	return out
}

// Severities, as a status cell and fills show them.
type severity int

const (
	sevOK severity = iota
	sevWarning
	sevError
)

func severityOf(p Problem) severity {
	if strings.EqualFold(strings.TrimSpace(p.Severity), "warning") {
		return sevWarning
	}
	return sevError
}

func (s severity) String() string {
	return [...]string{"OK", "warning", "error"}[s]
}

// worst is the highest severity of ps (sevOK for none).
func worst(ps []Problem) severity {
	w := sevOK
	for _, p := range ps {
		w = max(w, severityOf(p))
	}
	return w
}

// statusText is the status of a row with problems ps: "OK", or "error: "
// with the first error (else "warning: " with the first warning) and how
// many more problems the row has.
func statusText(ps []Problem) (string, severity) {
	w := worst(ps)
	if w == sevOK {
		return "OK", sevOK
	}
	var first Problem
	for _, p := range ps {
		if severityOf(p) == w {
			first = p
			break
		}
	}
	s := w.String() + ": " + describe(first)
	if n := len(ps) - 1; n > 0 {
		s += " (+" + strconv.Itoa(n) + " more)"
	}
	return s, w
}

// groupStatus is the status of a row rejected with its group loan g:
// "rejected with group G1 (see F4)", F4 being where the copy shows the
// problem that rejected the group (its first error: the first one a
// person fixing the group from the top meets; the group's own message,
// on its first row, only points at its rows). A cell on another sheet
// is named with its sheet ("see Schedule!C3"), a problem about a whole
// row by that row's status cell. Problems the row has (warnings, or that
// message) are counted as "(+N more)".
func (a *annotator) groupStatus(s *sheetState, g GroupRow, ps []Problem) string {
	text := "rejected with group " + g.Group
	if t, ok := a.targetOf(Problem{Sheet: g.CauseSheet, Row: g.CauseRow, Col: g.CauseCol}); ok {
		ref := t.ref()
		if t.sheet != s {
			ref = sheetRef(t.sheet.name) + "!" + ref
		}
		text += " (see " + ref + ")"
	}
	if n := len(ps); n > 0 {
		text += " (+" + strconv.Itoa(n) + " more)"
	}
	return text
}

// sheetRef is a sheet name as a formula writes it before "!": quoted
// ('My loans') unless it is letters, digits, '_' and '.' not starting
// with a digit.
func sheetRef(name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || r == '.' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// describe is a problem in one line: its column and message.
func describe(p Problem) string {
	msg := strings.TrimSpace(p.Message)
	if msg == "" {
		msg = "problem"
	}
	if c := strings.TrimSpace(p.Column); c != "" && !strings.HasPrefix(msg, c) {
		msg = c + ": " + msg
	}
	return msg
}
