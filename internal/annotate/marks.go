package annotate

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/input"
)

// Fill colours: Excel's own "light red", "neutral" (amber) and "good"
// (green) fills, which keep dark text readable.
const (
	fillError   = "FFC7CE"
	fillWarning = "FFEB9C"
	fillOK      = "C6EFCE"
)

func fillOf(s severity) string {
	switch s {
	case sevError:
		return fillError
	case sevWarning:
		return fillWarning
	}
	return fillOK
}

// target is where a problem is shown: a sheet and a cell (col 0: the
// row's status cell).
type target struct {
	sheet    *sheetState
	row, col int
}

// targetOf locates a problem in the copy; ok is false for problems about
// the whole file, a sheet the copy does not have, or a cell out of range.
// A cell inside merged cells is shown on the merged range's top-left
// cell, the one Excel displays.
func (a *annotator) targetOf(p Problem) (target, bool) {
	s := a.sheet(p.Sheet)
	if s == nil || p.Row <= 0 || p.Row > excelize.TotalRows || p.Col < 0 || p.Col > excelize.MaxColumns {
		return target{}, false
	}
	t := target{sheet: s, row: p.Row, col: p.Col}
	if t.col == 0 {
		if s.data == nil || s.data.statusCol == 0 {
			t.col = 1 // no status column: the row's first cell
		}
		return t, true
	}
	t.col, t.row = a.topLeft(s, t.col, t.row)
	return t, true
}

// ref is the A1 reference of the cell where t is shown.
func (t target) ref() string {
	col := t.col
	if col == 0 {
		col = t.sheet.data.statusCol
	}
	name, _ := excelize.CoordinatesToCellName(col, t.row)
	return name
}

// topLeft maps a cell inside a merged range to the range's first cell.
func (a *annotator) topLeft(s *sheetState, col, row int) (int, int) {
	if s.merged == nil {
		m, err := a.f.GetMergeCells(s.name, true)
		if err != nil || m == nil {
			m = []excelize.MergeCell{}
		}
		s.merged = m
	}
	for _, m := range s.merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 == nil && err2 == nil && col >= c1 && col <= c2 && row >= r1 && row <= r2 {
			return c1, r1
		}
	}
	return col, row
}

// markProblems fills and comments every cell with problems, then writes
// the status columns.
func (a *annotator) markProblems() error {
	type cellKey struct {
		sheet    string
		row, col int
	}
	cells := map[cellKey][]int{}
	var order []cellKey
	rows := map[string]map[int][]int{} // data sheet → row → problems
	for i, p := range a.opts.Problems {
		t, ok := a.targetOf(p)
		if !ok {
			continue
		}
		if t.sheet.data != nil {
			if rows[t.sheet.name] == nil {
				rows[t.sheet.name] = map[int][]int{}
			}
			rows[t.sheet.name][p.Row] = append(rows[t.sheet.name][p.Row], i)
		}
		if t.col == 0 {
			continue // shown by the status cell
		}
		k := cellKey{t.sheet.name, t.row, t.col}
		if _, seen := cells[k]; !seen {
			order = append(order, k)
		}
		cells[k] = append(cells[k], i)
	}
	for _, k := range order {
		ps := a.problemsAt(cells[k])
		if err := a.markCell(a.sheets[k.sheet], k.row, k.col, worst(ps), ps); err != nil {
			return err
		}
	}
	withGroup := map[string]map[int]GroupRow{} // data sheet → row → its group
	for _, g := range a.opts.RejectedWithGroup {
		s := a.sheet(g.Sheet)
		if s == nil || s.data == nil || g.Row <= 0 {
			continue
		}
		if withGroup[s.name] == nil {
			withGroup[s.name] = map[int]GroupRow{}
		}
		withGroup[s.name][g.Row] = g
	}
	for _, s := range a.sheetList() {
		if s.data != nil {
			if err := a.writeStatus(s, rows[s.name], withGroup[s.name]); err != nil {
				return err
			}
		}
		if err := a.restoreComments(s); err != nil {
			return err
		}
	}
	return nil
}

func (a *annotator) problemsAt(idx []int) []Problem {
	out := make([]Problem, len(idx))
	for i, j := range idx {
		out[i] = a.opts.Problems[j]
	}
	return out
}

func sortedKeys(m map[int][]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// markCell fills a cell with the colour of sev and, when ps is not empty,
// comments it with ps.
func (a *annotator) markCell(s *sheetState, row, col int, sev severity, ps []Problem) error {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	if err := a.fillCell(s.name, ref, fillOf(sev)); err != nil {
		return err
	}
	if len(ps) == 0 {
		return nil
	}
	if a.comments >= maxComments {
		a.commentsLeftOut++
		return nil
	}
	a.comments++
	return a.comment(s, ref, ps)
}

// styleKey identifies a style derived from an existing one by a fill.
type styleKey struct {
	base int
	fill string
}

// fillCell gives a cell its own style with the fill replaced: a solid
// fill of colour hex, or no fill for "". Everything else of the style
// (number format, font, borders, alignment, protection) is kept.
func (a *annotator) fillCell(sheet, ref, hex string) error {
	base, err := a.f.GetCellStyle(sheet, ref)
	if err != nil {
		return err
	}
	k := styleKey{base, hex}
	id, ok := a.styles[k]
	if !ok {
		st, err := a.f.GetStyle(base)
		if err != nil {
			return err
		}
		st.Fill = excelize.Fill{}
		if hex != "" {
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{hex}}
		}
		if id, err = a.f.NewStyle(st); err != nil {
			return err
		}
		a.styles[k] = id
	}
	return a.f.SetCellStyle(sheet, ref, ref, id)
}

// isOurFill reports whether a fill is one the annotator sets.
func isOurFill(f excelize.Fill) bool {
	if f.Type != "pattern" || f.Pattern != 1 || len(f.Color) != 1 {
		return false
	}
	c := strings.ToUpper(strings.TrimPrefix(f.Color[0], "#"))
	if len(c) == 8 {
		c = c[2:] // ARGB
	}
	return c == fillError || c == fillWarning || c == fillOK
}

// Comments. The annotator's text starts with commentMarker; added to a
// comment the user had, it follows commentSeparator. This is how an
// annotated copy's comments are recognised and undone.
const (
	commentMarker    = "kivaconv check\n"
	commentSeparator = "\n\n"
)

// comment adds the comment listing ps to a cell, after the user's own
// comment if the cell has one.
func (a *annotator) comment(s *sheetState, ref string, ps []Problem) error {
	runs := []excelize.RichTextRun{{Text: commentMarker, Font: &excelize.Font{Bold: true, Size: 9}}}
	lines := 1
	for i, p := range ps {
		nl := "\n"
		if i == len(ps)-1 {
			nl = ""
		}
		label, color := "Error: ", "9C0006"
		if severityOf(p) == sevWarning {
			label, color = "Warning: ", "9C5700"
		}
		msg := strings.TrimSpace(p.Message)
		if p.Col == 0 {
			msg = describe(p) // a row's problem, shown on its status cell
		}
		runs = append(runs,
			excelize.RichTextRun{Text: label, Font: &excelize.Font{Bold: true, Size: 9, Color: color}},
			excelize.RichTextRun{Text: msg, Font: &excelize.Font{Size: 9}})
		lines += 1 + utf8.RuneCountInString(label+msg)/45
		if h := strings.TrimSpace(p.Hint); h != "" {
			runs = append(runs, excelize.RichTextRun{Text: "\nTo fix: " + h + nl, Font: &excelize.Font{Size: 9, Italic: true}})
			lines += 1 + utf8.RuneCountInString(h)/45
		} else {
			runs[len(runs)-1].Text += nl
		}
	}
	c := excelize.Comment{Cell: ref, Author: Author, Paragraph: runs, Width: 320, Height: uint(min(400, 16+14*lines))}
	if user, ok := s.comments[ref]; ok {
		// One comment a cell: the user's text, then ours.
		delete(s.comments, ref)
		c.Author = user.Author
		c.Paragraph = append(append(commentRuns(user), excelize.RichTextRun{Text: commentSeparator}), runs...)
		c.Height = min(400, c.Height+60)
	}
	return a.f.AddComment(s.name, c)
}

// restoreComments adds back the user's comments that got none of ours,
// in their order (removeOldMarks took every comment out).
func (a *annotator) restoreComments(s *sheetState) error {
	for _, cell := range s.commentCells {
		c, ok := s.comments[cell]
		if !ok {
			continue
		}
		delete(s.comments, cell)
		if err := a.f.AddComment(s.name, excelize.Comment{Cell: c.Cell, Author: c.Author, Text: c.Text, Paragraph: c.Paragraph}); err != nil {
			return err
		}
	}
	return nil
}

// commentRuns is a comment's text as runs.
func commentRuns(c excelize.Comment) []excelize.RichTextRun {
	var runs []excelize.RichTextRun
	if c.Text != "" {
		runs = append(runs, excelize.RichTextRun{Text: c.Text})
	}
	return append(runs, c.Paragraph...)
}

// splitComment tells the annotator's part of a comment from the user's:
// ours is false for a comment the annotator did not touch; user is what
// remains of a user's comment the annotator added to (nil when the whole
// comment is the annotator's).
func splitComment(c excelize.Comment) (user []excelize.RichTextRun, ours bool) {
	runs := commentRuns(c)
	i := slices.IndexFunc(runs, func(r excelize.RichTextRun) bool { return r.Text == commentMarker })
	switch {
	case i < 0:
		return nil, c.Author == Author
	case i == 0:
		return nil, true
	}
	user = runs[:i]
	if n := len(user); n > 0 && user[n-1].Text == commentSeparator {
		user = user[:n-1]
	}
	return user, true
}

// removeOldMarks undoes the comments and fills of an earlier annotation
// of the sheet (the input is an annotated copy), and records the user's
// comments. Every comment is taken out of the sheet (their shapes are
// gone already, see prepareComments): comment adds the user's back with
// ours on a cell that gets one, restoreComments the others.
func (a *annotator) removeOldMarks(s *sheetState) error {
	s.comments = map[string]excelize.Comment{}
	cmts, err := a.f.GetComments(s.name)
	if err != nil {
		return err
	}
	keep := func(c excelize.Comment) {
		if _, dup := s.comments[c.Cell]; !dup {
			s.commentCells = append(s.commentCells, c.Cell)
		}
		s.comments[c.Cell] = c
	}
	for _, c := range cmts {
		if err := a.f.DeleteComment(s.name, c.Cell); err != nil {
			return err
		}
		user, ours := splitComment(c)
		if !ours {
			keep(c)
			continue
		}
		if user != nil {
			keep(excelize.Comment{Cell: c.Cell, Author: c.Author, Paragraph: user})
		}
		id, err := a.f.GetCellStyle(s.name, c.Cell)
		if err != nil {
			return err
		}
		st, err := a.f.GetStyle(id)
		if err != nil {
			return err
		}
		if isOurFill(st.Fill) {
			if err := a.fillCell(s.name, c.Cell, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// location is the hyperlink location of a cell: 'Sheet name'!F17, the
// sheet name always quoted, its apostrophes doubled.
func location(sheet, ref string) string {
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'!" + ref
}

// cellLabel is how the errors sheet names where a problem is.
func cellLabel(p Problem) string {
	switch {
	case p.Row <= 0:
		return ""
	case p.Col <= 0:
		return "row " + strconv.Itoa(p.Row)
	}
	return input.ColumnName(p.Col) + strconv.Itoa(p.Row)
}
