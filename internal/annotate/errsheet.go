package annotate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// errorsHeader heads the errors sheet. No mapping has these as column
// names or aliases (a test checks), so the sheet is never taken for data.
var errorsHeader = []string{"Severity", "Sheet", "Cell", "Column", "Value", "Problem", "How to fix"}

// errorsWidths are the column widths of the errors sheet.
var errorsWidths = []float64{10, 18, 10, 20, 22, 70, 60}

// isErrorsSheetName reports whether name is ErrorsSheet, possibly with a
// " (N)" suffix.
func isErrorsSheetName(name string) bool {
	n := strings.ToLower(name)
	if n == ErrorsSheet {
		return true
	}
	rest, ok := strings.CutPrefix(n, ErrorsSheet+" (")
	if !ok {
		return false
	}
	num, ok := strings.CutSuffix(rest, ")")
	_, err := strconv.Atoi(num)
	return ok && err == nil
}

// removeOldErrorsSheets deletes the errors sheets of an earlier
// annotation (named like ErrorsSheet, with its header); a sheet of the
// user's that happens to have such a name is kept.
func (a *annotator) removeOldErrorsSheets() ([]string, error) {
	var removed []string
	for _, name := range a.f.GetSheetList() {
		if !isErrorsSheetName(name) || len(a.f.GetSheetList()) == 1 {
			continue
		}
		ours := true
		for i, h := range errorsHeader {
			v, err := a.f.GetCellValue(name, row1Ref(i+1))
			if err != nil {
				return nil, err
			}
			ours = ours && v == h
		}
		if !ours {
			continue
		}
		if err := a.f.DeleteSheet(name); err != nil {
			return nil, err
		}
		removed = append(removed, name)
	}
	return removed, nil
}

// row1Ref is the reference of a cell of row 1.
func row1Ref(col int) string {
	ref, _ := excelize.CoordinatesToCellName(col, 1)
	return ref
}

// writeErrorsSheet adds the last sheet: one row per problem, in the
// order given, each with a link to its cell.
func (a *annotator) writeErrorsSheet() error {
	name := ErrorsSheet
	for n := 2; ; n++ {
		if idx, _ := a.f.GetSheetIndex(name); idx < 0 {
			break
		}
		name = fmt.Sprintf("%s (%d)", ErrorsSheet, n)
	}
	if _, err := a.f.NewSheet(name); err != nil {
		return err
	}
	f := a.f
	headStyle, err := f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
	})
	if err != nil {
		return err
	}
	top, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	link, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Color: "0563C1", Underline: "single"},
		Alignment: &excelize.Alignment{Vertical: "top"},
	})
	if err != nil {
		return err
	}
	sev := map[severity]int{}
	for _, s := range []severity{sevError, sevWarning} {
		if sev[s], err = f.NewStyle(&excelize.Style{
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fillOf(s)}},
			Alignment: &excelize.Alignment{Vertical: "top"},
		}); err != nil {
			return err
		}
	}
	for i, w := range errorsWidths {
		col := string(rune('A' + i))
		if err := f.SetColWidth(name, col, col, w); err != nil {
			return err
		}
		st := top
		if i >= 4 {
			st = wrap
		}
		if err := f.SetColStyle(name, col, st); err != nil {
			return err
		}
	}
	for i, h := range errorsHeader {
		if err := f.SetCellStr(name, row1Ref(i+1), h); err != nil {
			return err
		}
	}
	last := string(rune('A' + len(errorsHeader) - 1))
	if err := f.SetCellStyle(name, "A1", last+"1", headStyle); err != nil {
		return err
	}

	links := 0
	row := 1
	for _, p := range a.opts.Problems {
		if row-1 == maxErrorRows {
			break
		}
		row++
		r := strconv.Itoa(row)
		sheet := p.Sheet
		t, located := a.targetOf(p)
		if located {
			sheet = t.sheet.name
		} else if s := a.sheet(p.Sheet); s != nil {
			sheet = s.name
		}
		// Text only: SetCellStr never makes a formula of "=…".
		vals := []string{severityOf(p).String(), sheet, cellLabel(p), p.Column, p.Value, strings.TrimSpace(p.Message), strings.TrimSpace(p.Hint)}
		for i, v := range vals {
			if err := f.SetCellStr(name, string(rune('A'+i))+r, v); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(name, "A"+r, "A"+r, sev[severityOf(p)]); err != nil {
			return err
		}
		if located && links < maxLinks {
			links++
			tip := "Go to " + t.ref() + " in " + t.sheet.name
			if err := f.SetCellHyperLink(name, "C"+r, location(t.sheet.name, t.ref()), "Location",
				excelize.HyperlinkOpts{Tooltip: &tip}); err != nil {
				return err
			}
			if err := f.SetCellStyle(name, "C"+r, "C"+r, link); err != nil {
				return err
			}
		}
	}
	if len(a.opts.Problems) == 0 {
		row++
		if err := f.SetCellStr(name, "A2", "No errors or warnings: every row is OK."); err != nil {
			return err
		}
	}
	if err := f.AutoFilter(name, "A1:"+last+strconv.Itoa(row), nil); err != nil {
		return err
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	var notes []string
	if left := len(a.opts.Problems) - (row - 1); left > 0 {
		notes = append(notes, fmt.Sprintf("… and %d more problems, not listed here: errors.csv, in the folder of this copy, lists every one.", left))
	}
	if n := len(a.opts.Problems); links < n && links == maxLinks {
		notes = append(notes, fmt.Sprintf("Only the first %d problems link to their cell.", maxLinks))
	}
	if a.commentsLeftOut > 0 {
		notes = append(notes, fmt.Sprintf("Only the first %d cells with problems have a comment; every one is filled.", maxComments))
	}
	for i, n := range notes {
		if err := f.SetCellStr(name, "A"+strconv.Itoa(row+2+i), n); err != nil {
			return err
		}
	}
	return nil
}
