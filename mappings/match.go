package mappings

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/textdist"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// HeaderMatch is how one header row fits one mapping's fields (the main
// sheet's, or the schedule's).
type HeaderMatch struct {
	// Columns maps each matched field key to its 0-based column.
	Columns map[string]int
	// Missing are the required field keys with no column, no constant and
	// no default, in template order.
	Missing []string
	// NotFound are the optional field keys whose column is absent and that
	// have no constant or default: they will be empty (template order).
	NotFound []string
	// Unmapped are the non-empty header texts no field uses, in column
	// order.
	Unmapped []string
	// Duplicates are fields matched by more than one column; the header is
	// then ambiguous and the file must not be converted as it is.
	Duplicates []Duplicate
	// Score ranks matches: 100 per required field matched plus 1 per
	// optional field matched. It compares header rows and mappings.
	Score int

	header []string
	fields map[string]*Field
	table  *table
}

// Duplicate is a field whose names match several columns.
type Duplicate struct {
	Field   string
	Columns []int    // 0-based, ascending
	Headers []string // the header texts of Columns
}

// MatchHeader matches a header row (cell texts, index = column) against
// the mapping's fields. Header texts match a field's column or aliases
// ignoring case, accents, spaces, underscores and punctuation.
func (m *Mapping) MatchHeader(header []string) HeaderMatch {
	return matchHeader(header, m.Fields, tableOf(m.Kind))
}

// MatchHeader matches a header row of the schedule sheet.
func (s *Schedule) MatchHeader(header []string) HeaderMatch {
	return matchHeader(header, s.Fields, scheduleTable)
}

func matchHeader(header []string, fields map[string]*Field, t *table) HeaderMatch {
	hm := HeaderMatch{Columns: map[string]int{}, header: header, fields: fields, table: t}
	keys := orderedKeys(fields, t)

	// Each header name belongs to one field (Parse rejects a name shared by
	// two fields); prio is its place in [column, aliases...].
	type owner struct {
		field string
		prio  int
	}
	index := map[string]owner{}
	for _, fk := range keys {
		for prio, n := range fields[fk].names() {
			k := values.Key(n)
			if _, taken := index[k]; k != "" && !taken {
				index[k] = owner{fk, prio}
			}
		}
	}

	hits := map[string][]int{}
	prio := map[int]int{}
	for i, h := range header {
		k := values.Key(h)
		if k == "" {
			continue
		}
		if o, ok := index[k]; ok {
			hits[o.field] = append(hits[o.field], i)
			prio[i] = o.prio
		}
	}
	used := map[int]bool{}
	for _, fk := range keys {
		cols := hits[fk]
		if len(cols) == 0 {
			continue
		}
		best := cols[0]
		for _, c := range cols[1:] {
			if prio[c] < prio[best] {
				best = c
			}
		}
		hm.Columns[fk] = best
		for _, c := range cols {
			used[c] = true
		}
		if len(cols) > 1 {
			d := Duplicate{Field: fk, Columns: cols}
			for _, c := range cols {
				d.Headers = append(d.Headers, header[c])
			}
			hm.Duplicates = append(hm.Duplicates, d)
		}
	}

	for i, h := range header {
		if !used[i] && strings.TrimSpace(h) != "" {
			hm.Unmapped = append(hm.Unmapped, h)
		}
	}
	for _, fk := range keys {
		f := fields[fk]
		if _, ok := hm.Columns[fk]; ok {
			if f.Required {
				hm.Score += 100
			} else {
				hm.Score++
			}
			continue
		}
		if f.Constant != nil || f.Default != nil {
			continue
		}
		if f.Required {
			hm.Missing = append(hm.Missing, fk)
		} else if f.Column != "" {
			hm.NotFound = append(hm.NotFound, fk)
		}
	}
	return hm
}

// orderedKeys are the keys of fields in the table's order, then any others
// sorted.
func orderedKeys(fields map[string]*Field, t *table) []string {
	keys := make([]string, 0, len(fields))
	for k, f := range fields {
		if f != nil {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if t != nil {
			if oi, oj := t.order(keys[i]), t.order(keys[j]); oi != oj {
				return oi < oj
			}
		}
		return keys[i] < keys[j]
	})
	return keys
}

// Complete reports whether the header fits: at least one column matched
// and no required field missing. Duplicates do not make a header
// incomplete (the mapping is the right one), but Err reports them.
func (hm HeaderMatch) Complete() bool {
	return len(hm.Columns) > 0 && len(hm.Missing) == 0
}

// Closest is the unused header most like the field's column or aliases
// (by edit distance on header keys, or one containing the other), for
// messages such as `missing column "Amount" (closest header: "Amout",
// column C)`. It returns "", -1 when no header is close.
func (hm HeaderMatch) Closest(fieldKey string) (header string, column int) {
	f := hm.fields[fieldKey]
	if f == nil {
		return "", -1
	}
	names := f.names()
	used := map[int]bool{}
	for _, c := range hm.Columns {
		used[c] = true
	}
	for _, d := range hm.Duplicates {
		for _, c := range d.Columns {
			used[c] = true
		}
	}
	best, bestD := -1, 0
	for i, h := range hm.header {
		hk := values.Key(h)
		if used[i] || hk == "" {
			continue
		}
		for _, n := range names {
			nk := values.Key(n)
			if nk == "" {
				continue
			}
			d := textdist.Levenshtein(hk, nk)
			close := d <= max(1, utf8.RuneCountInString(nk)/4)
			if !close {
				short, long := hk, nk
				if len(short) > len(long) {
					short, long = long, short
				}
				close = utf8.RuneCountInString(short) >= 4 && strings.Contains(long, short)
			}
			if close && (best < 0 || d < bestD) {
				best, bestD = i, d
			}
		}
	}
	if best < 0 {
		return "", -1
	}
	return hm.header[best], best
}

// columnName is how messages name a field's column: its header text.
func (hm HeaderMatch) columnName(fieldKey string) string {
	if f := hm.fields[fieldKey]; f != nil && f.Column != "" {
		return f.Column
	}
	return fieldKey
}

// Problems describes, one sentence each, what keeps the header from being
// used: each missing required column (with the closest header) and each
// field found in more than one column.
func (hm HeaderMatch) Problems() []string {
	var out []string
	if len(hm.Columns) == 0 {
		var need []string
		for _, k := range hm.Missing {
			need = append(need, hm.columnName(k))
		}
		if len(need) > 0 {
			return []string{fmt.Sprintf("none of its columns were found (it needs %s)", quoteList(need))}
		}
		return []string{"none of its columns were found"}
	}
	if len(hm.Missing) > 0 {
		cols := make([]string, len(hm.Missing))
		for i, k := range hm.Missing {
			cols[i] = fmt.Sprintf("%q", hm.columnName(k))
			if h, c := hm.Closest(k); c >= 0 {
				cols[i] += fmt.Sprintf(" (closest header: %q, column %s)", h, columnLetter(c))
			}
		}
		word := "column"
		if len(cols) > 1 {
			word = "columns"
		}
		out = append(out, fmt.Sprintf("missing %s %s", word, strings.Join(cols, ", ")))
	}
	for _, d := range hm.Duplicates {
		var cols []string
		for i, c := range d.Columns {
			cols = append(cols, fmt.Sprintf("%s %q", columnLetter(c), d.Headers[i]))
		}
		out = append(out, fmt.Sprintf("columns %s all look like %q: keep one, or name the one to use in a mapping file",
			strings.Join(cols, " and "), hm.columnName(d.Field)))
	}
	return out
}

// Err is nil when the header can be used (Complete, no Duplicates), else
// an error listing Problems.
func (hm HeaderMatch) Err() error {
	if hm.Complete() && len(hm.Duplicates) == 0 {
		return nil
	}
	return errors.New(strings.Join(hm.Problems(), "; "))
}

// FindHeaderRow finds the header row among rows (the first rows of a
// sheet, m.HeaderRow.RowsNeeded() of them: title rows above the header are
// common): the row that matches the mapping best, the first one on a tie.
// With a fixed header_row, that row. It returns the 0-based row index, or
// -1 (and the match of an empty header) when no row matches any field or
// the fixed row is beyond rows.
func FindHeaderRow(rows [][]string, m *Mapping) (int, HeaderMatch) {
	return findHeaderRow(rows, nil, m.HeaderRow, m.MatchHeader)
}

// FindHeaderRowNumbered is FindHeaderRow for rows that are not all there:
// nums[i] is the spreadsheet row number of rows[i] (a workbook stores no
// empty row), so a fixed header_row names the row a person sees.
func FindHeaderRowNumbered(rows [][]string, nums []int, m *Mapping) (int, HeaderMatch) {
	return findHeaderRow(rows, nums, m.HeaderRow, m.MatchHeader)
}

// FindScheduleHeaderRowNumbered is FindHeaderRowNumbered for the schedule
// sheet.
func FindScheduleHeaderRowNumbered(rows [][]string, nums []int, s *Schedule) (int, HeaderMatch) {
	return findHeaderRow(rows, nums, s.HeaderRow, s.MatchHeader)
}

// FindScheduleHeaderRow is FindHeaderRow for the schedule sheet.
func FindScheduleHeaderRow(rows [][]string, s *Schedule) (int, HeaderMatch) {
	return findHeaderRow(rows, nil, s.HeaderRow, s.MatchHeader)
}

// RowsNeeded is how many rows of a sheet header detection reads: 20 for
// "auto", else the fixed row's number.
func (h HeaderRow) RowsNeeded() int {
	if h <= 0 {
		return autoHeaderRows
	}
	return int(h)
}

func findHeaderRow(rows [][]string, nums []int, fixed HeaderRow, match func([]string) HeaderMatch) (int, HeaderMatch) {
	if fixed > 0 {
		i := int(fixed) - 1
		if nums != nil {
			i = slices.Index(nums, int(fixed))
		}
		if i < 0 || i >= len(rows) {
			return -1, match(nil)
		}
		return i, match(rows[i])
	}
	best, bestM := -1, HeaderMatch{}
	for i, row := range rows[:min(len(rows), autoHeaderRows)] {
		hm := match(row)
		if hm.Score > 0 && (best < 0 || hm.Score > bestM.Score) {
			best, bestM = i, hm
		}
	}
	if best < 0 {
		return -1, match(nil)
	}
	return best, bestM
}

// FindSheet is the index in sheetNames of the first of the mapping's
// sheets present (names match like headers), or -1 when none is or the
// mapping names no sheet.
func (m *Mapping) FindSheet(sheetNames []string) int { return findSheet(m.Sheets, sheetNames) }

// FindSheet is the index in sheetNames of the schedule sheet, or -1.
func (s *Schedule) FindSheet(sheetNames []string) int { return findSheet(s.Sheets, sheetNames) }

func findSheet(want, have []string) int {
	keys := make([]string, len(have))
	for i, h := range have {
		keys[i] = values.Key(h)
	}
	for _, w := range want {
		if k := values.Key(w); k != "" {
			if i := slices.Index(keys, k); i >= 0 {
				return i
			}
		}
	}
	return -1
}
