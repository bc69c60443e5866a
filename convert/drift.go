package convert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/annotate"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// Column drift: a mapping may list the columns of the export it was made
// for (columns:, written by kivaconv mappings init). When the file's
// header differs, convert says so before anything else: one warning per
// added, removed or renamed column, at the header, first in Issues, and
// Summary.Drift. A renamed column the mapping needs makes the header
// error say which column it probably became. Only the main sheet is
// compared (not a loan workbook's schedule sheet).

// Drift is Summary.Drift: how the header of the sheet read differs from
// the columns the mapping was made for.
type Drift struct {
	Sheet     string `json:"sheet,omitempty"` // "" for a text file
	HeaderRow int    `json:"header_row"`
	mappings.Drift
}

// checkColumns compares the placed header with the mapping's columns. It
// records the drift and its warnings, or returns the header error when a
// column the mapping needs seems renamed.
func (c *run) checkColumns(m *mappings.Mapping, pl placement, hs *heads) error {
	if len(m.Columns) == 0 || pl.hdrIdx < 0 {
		return nil
	}
	h, err := hs.get(pl.sheet)
	if err != nil || h == nil || pl.hdrIdx >= len(h.texts) {
		return nil // the sheet was read before: it cannot fail now
	}
	header, row := h.texts[pl.hdrIdx], &h.rows[pl.hdrIdx]
	d := m.Drift(withoutStatusColumn(header))
	if d.Empty() {
		return nil
	}
	sheet := c.sheetLabel(pl.sheet)
	if err := renamedError(m, pl.match, d, header); err != nil {
		return &headerError{file: c.book.Path(), sheet: sheet, row: row.Number, err: err}
	}
	d.Added, d.Removed = nonNil(d.Added), nonNil(d.Removed)
	if d.Renamed == nil {
		d.Renamed = []mappings.Rename{}
	}
	c.sum.Drift = &Drift{Sheet: sheet, HeaderRow: row.Number, Drift: d}

	pos := func(col int) input.Pos {
		p := input.Pos{File: c.book.Path(), Sheet: sheet, Row: row.Number, Col: col + 1}
		if row.Line > 0 {
			cell := row.Cell(col)
			p.Line, p.Byte = cell.Line, cell.Column
			if p.Line == 0 {
				p.Line = row.Line
			}
		}
		return p
	}
	readBy := func(col int) string {
		for k, cc := range pl.match.Columns {
			if cc == col {
				return k
			}
		}
		return ""
	}
	// The hints say first what the change means for the workbook (most
	// often nothing), then what the mapping needs (see values.ForMapping).
	const update = "update columns: to the new header to stop this warning"
	fine := func(workbook string) string { return values.OrForMapping(workbook, update) }

	var issues []Issue
	for _, r := range d.Renamed {
		col := findColumn(header, r.To)
		is := Issue{Severity: kiva.Warning, Pos: pos(col), Column: r.To, Field: r.Field, Value: r.To,
			Message: fmt.Sprintf("column %q of the export this mapping was made for seems renamed to %q", r.From, r.To)}
		switch k := readBy(col); {
		case k != "":
			is.Field = k
			is.Hint = fine("nothing to change in the workbook: the column is still read")
		case r.Field != "":
			is.Hint = values.OrForMapping(fmt.Sprintf("rename the column back to %q, or it is not read", r.From),
				fmt.Sprintf("if %q holds the same data, write column: %q for %s", r.To, r.To, r.Field))
		default:
			is.Hint = fine("nothing to change in the workbook: kivaconv does not read this column")
		}
		issues = append(issues, is)
	}
	for _, a := range d.Added {
		col := findColumn(header, a)
		is := Issue{Severity: kiva.Warning, Pos: pos(col), Column: a, Value: a,
			Message: fmt.Sprintf("new column %q: the export this mapping was made for did not have it", a)}
		if k := readBy(col); k != "" {
			is.Field = k
			is.Hint = fine("nothing to change in the workbook: the column is read")
		} else {
			is.Hint = values.OrForMapping("nothing to change in the workbook: kivaconv does not read this column",
				"if it holds a Kiva field, add it; then "+update)
		}
		issues = append(issues, is)
	}
	for _, r := range d.Removed {
		is := Issue{Severity: kiva.Warning, Pos: pos(-1), Column: r,
			Message: fmt.Sprintf("column %q of the export this mapping was made for is missing", r)}
		switch k := m.FieldOfColumn(r); {
		case k == "":
			is.Hint = fine("nothing to change in the workbook: kivaconv did not read that column")
		case hasKey(pl.match.Columns, k):
			is.Field = k
			is.Hint = fine(fmt.Sprintf("nothing to change in the workbook: the data is read from column %q instead", header[pl.match.Columns[k]]))
		default:
			is.Field = k
			is.Hint = values.OrForMapping(fmt.Sprintf("add the column %q back to the workbook, or its data is not read", r),
				fmt.Sprintf("remove the field %s", k))
		}
		issues = append(issues, is)
	}
	first, mark := len(c.sum.Issues), c.errs.mark()
	for _, is := range issues {
		c.issue(is)
	}
	// Before anything else: move them to the front.
	added := append([]Issue(nil), c.sum.Issues[first:]...)
	c.sum.Issues = append(added, c.sum.Issues[:first]...)
	c.errs.toFront(mark)
	return nil
}

// renamedError is the header error when a required column is missing and
// seems renamed: it names the column it probably became. nil when no
// missing column was renamed.
func renamedError(m *mappings.Mapping, match mappings.HeaderMatch, d mappings.Drift, header []string) error {
	if len(match.Missing) == 0 {
		return nil
	}
	var parts []string
	var rest []string
	for _, k := range match.Missing {
		var found *mappings.Rename
		for i := range d.Renamed {
			if d.Renamed[i].Field == k {
				found = &d.Renamed[i]
				break
			}
		}
		if found == nil {
			rest = append(rest, k)
			continue
		}
		col := findColumn(header, found.To)
		parts = append(parts, fmt.Sprintf("column %q is missing — renamed to %q (column %s)? Rename the column back to %q; or, %sif it holds the same data, write column: %q for field %s (and update columns:)",
			found.From, found.To, input.ColumnName(col+1), found.From, values.ForMapping, found.To, k))
	}
	if len(parts) == 0 {
		return nil
	}
	others := match
	others.Missing = rest
	parts = append(parts, others.Problems()...)
	return errors.New(strings.Join(parts, "; "))
}

// findColumn is the 0-based column of the first header cell with text t
// (headers are trimmed), or -1.
func findColumn(header []string, t string) int {
	t = strings.TrimSpace(t)
	for i, h := range header {
		if strings.TrimSpace(h) == t {
			return i
		}
	}
	return -1
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DriftText says how the header changed since the mapping was made, for
// the top of a report: "" without drift.
func DriftText(s *Summary) string {
	d := s.Drift
	if d == nil || d.Empty() {
		return ""
	}
	var b strings.Builder
	where := fmt.Sprintf("row %d", d.HeaderRow)
	if d.Sheet != "" {
		where = fmt.Sprintf("sheet %s, row %d", d.Sheet, d.HeaderRow)
	}
	fmt.Fprintf(&b, "  columns changed since the mapping was made (%s):\n", where)
	for _, r := range d.Renamed {
		fmt.Fprintf(&b, "    renamed: %q → %q\n", r.From, r.To)
	}
	for _, a := range d.Added {
		fmt.Fprintf(&b, "    added:   %q\n", a)
	}
	for _, r := range d.Removed {
		fmt.Fprintf(&b, "    removed: %q\n", r)
	}
	return b.String()
}

// withoutStatusColumn blanks the status column an annotated copy adds
// (annotate.StatusHeader): it is kivaconv's, not a change in the export.
// Blanking, not removing, keeps the other columns' positions.
func withoutStatusColumn(header []string) []string {
	out := header
	for i, h := range header {
		if values.Key(h) == values.Key(annotate.StatusHeader) {
			if &out[0] == &header[0] {
				out = append([]string(nil), header...)
			}
			out[i] = ""
		}
	}
	return out
}
