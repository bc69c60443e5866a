package annotate

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// csvWorkbook turns the CSV input into a new workbook with one sheet,
// read with kivaconv's reader so that rows are numbered as the
// conversion numbered them.
func (a *annotator) csvWorkbook() error {
	src := a.book.Sheets()[0].Name
	rs, err := a.book.Open(src)
	if err != nil {
		return err
	}
	var rows []*input.Row
	width := 0
	for rs.Next() {
		r := rs.Row()
		cp := &input.Row{Number: r.Number, Cells: make([]input.Cell, len(r.Cells))}
		for i, c := range r.Cells {
			cp.Cells[i] = input.Cell{Text: c.Text, Type: c.Type}
		}
		rows = append(rows, cp)
		width = max(width, len(r.Cells))
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return err
	}
	if len(rows) > 0 && rows[len(rows)-1].Number > excelize.TotalRows {
		return &input.FileError{File: a.opts.Input, Msg: fmt.Sprintf("has %d rows, more than a workbook sheet holds (%d)", rows[len(rows)-1].Number, excelize.TotalRows)}
	}
	if width > excelize.MaxColumns {
		return &input.FileError{File: a.opts.Input, Msg: fmt.Sprintf("has %d columns, more than a workbook sheet holds (%d)", width, excelize.MaxColumns)}
	}

	headerRow := 0
	for _, ds := range a.opts.DataSheets {
		if ds.Name == "" || ds.Name == src {
			headerRow = ds.HeaderRow
		}
	}
	nums, err := newCSVNumbers(a.book, a.opts.CSV)
	if err != nil {
		return err
	}
	cols := nums.columns(rows, headerRow, width)

	f := excelize.NewFile()
	sheet := sheetName(src)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		f.Close()
		return err
	}
	a.f, a.csvSheet, a.csvRows = f, sheet, rows
	numStyle := map[int]int{}
	for c, col := range cols {
		if col.numeric {
			code := col.format()
			if numStyle[c], err = f.NewStyle(&excelize.Style{CustomNumFmt: &code}); err != nil {
				return err
			}
		}
	}
	widths := make([]int, width)
	for _, r := range rows {
		for i, c := range r.Cells {
			if c.Type == input.Blank {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(i+1, r.Number)
			if err != nil {
				return err
			}
			if d, ok := cols[i].number(c.Text, r.Number > headerRow); ok {
				if err := f.SetCellDefault(sheet, ref, d.String()); err != nil {
					return err
				}
				if err := f.SetCellStyle(sheet, ref, ref, numStyle[i]); err != nil {
					return err
				}
				widths[i] = max(widths[i], len(d.String())+3)
				continue
			}
			if n := len(utf16.Encode([]rune(c.Text))); n > excelize.TotalCellChars {
				return &input.FileError{File: a.opts.Input,
					Msg: fmt.Sprintf("row %d, column %s: the text is %d characters long, more than a workbook cell holds (%d)", r.Number, input.ColumnName(i+1), n, excelize.TotalCellChars)}
			}
			// Text, as written: IDs keep their zeros, "=…" stays text.
			if err := f.SetCellStr(sheet, ref, c.Text); err != nil {
				return err
			}
			widths[i] = max(widths[i], len([]rune(c.Text)))
		}
	}
	for i, w := range widths {
		col := input.ColumnName(i + 1)
		if err := f.SetColWidth(sheet, col, col, float64(min(max(w+2, 8), 60))); err != nil {
			return err
		}
	}
	if headerRow > 0 && headerRow <= len(rows) && width > 0 {
		bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return err
		}
		h := strconv.Itoa(headerRow)
		if err := f.SetCellStyle(sheet, "A"+h, input.ColumnName(width)+h, bold); err != nil {
			return err
		}
		below := "A" + strconv.Itoa(headerRow+1)
		if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: below, ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: below, ActiveCell: below, Pane: "bottomLeft"}}}); err != nil {
			return err
		}
	}
	return nil
}

// sheetName makes a valid sheet name of a file's base name: at most 31
// characters, without []:*?/\ and the reserved name History, not starting
// or ending with an apostrophe.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, "'")
	for len(utf16.Encode([]rune(s))) > 31 {
		r := []rune(s)
		s = string(r[:len(r)-1])
	}
	s = strings.Trim(s, "' ")
	switch {
	case s == "":
		return "Data"
	case strings.EqualFold(s, "history"):
		return s + "_"
	case isErrorsSheetName(s):
		return "Data " + s[:min(len(s), 20)]
	}
	return s
}

// csvNumbers knows how the CSV's text numbers read and how a workbook's
// text cells would read them.
type csvNumbers struct {
	csv, book values.Locale
	differ    bool // the two locales can read a text differently
}

// newCSVNumbers builds the two locales as convert does: the mapping's
// explicit separators, else for the CSV a decimal comma (and space
// thousands) when it is semicolon-delimited, and a decimal point for a
// workbook.
func newCSVNumbers(book input.Book, o CSVOptions) (csvNumbers, error) {
	l := o.Locale
	dec, thousands := l.Decimal, l.Thousands
	if dec == "" {
		dec = "."
		if d, ok := book.(interface{ Delimiter() rune }); ok && d.Delimiter() == ';' && thousands != "," {
			dec = ","
			if thousands == "" {
				thousands = " "
			}
		}
	}
	var n csvNumbers
	var err error
	if n.csv, err = values.NewLocale(dec, thousands, l.CurrencySymbols...); err != nil {
		return n, err
	}
	// A mapping can declare separators that only work with the automatic
	// decimal comma (thousands "." and no decimal): the converter then
	// refuses any workbook, the copy included, whatever its cells hold.
	n.book, err = values.NewLocale(l.Decimal, l.Thousands, l.CurrencySymbols...)
	n.differ = err == nil && (n.csv.Decimal != n.book.Decimal || n.csv.Thousands != n.book.Thousands)
	return n, nil
}

// csvColumn is what a CSV column becomes in the workbook.
type csvColumn struct {
	nums     csvNumbers
	numeric  bool // numbers become number cells
	decimals int  // the most decimals written
	grouped  bool // some number has thousands separators
}

// columns decides which columns hold numbers that a workbook would read
// differently (or not at all) as text: in those, the numbers below the
// header become number cells.
func (n csvNumbers) columns(rows []*input.Row, headerRow, width int) []csvColumn {
	cols := make([]csvColumn, width)
	for i := range cols {
		cols[i].nums = n
	}
	if !n.differ {
		return cols
	}
	for _, r := range rows {
		if r.Number <= headerRow {
			continue
		}
		for i, c := range r.Cells {
			if c.Type == input.Blank {
				continue
			}
			d, err := values.Decimal(c, n.csv)
			if err != nil {
				continue
			}
			if b, err := values.Decimal(c, n.book); err != nil || !b.Equal(d) {
				cols[i].numeric = true
			}
		}
	}
	for _, r := range rows {
		if r.Number <= headerRow {
			continue
		}
		for i, c := range r.Cells {
			if !cols[i].numeric {
				continue
			}
			if d, ok := cols[i].number(c.Text, true); ok {
				cols[i].decimals = max(cols[i].decimals, min(int(-d.Exponent()), 10))
				cols[i].grouped = cols[i].grouped || n.csv.Thousands != "" && strings.ContainsAny(c.Text, n.csv.Thousands+" \u00a0\u202f\u2009")
			}
		}
	}
	return cols
}

// number is the value of a text to write as a number cell, if the column
// takes numbers, the row is data and the text is a number in the CSV's
// locale that a number cell holds exactly. Integers with a leading zero
// ("007") stay text: they are more likely codes than amounts.
func (c csvColumn) number(text string, data bool) (decimal.Decimal, bool) {
	if !c.numeric || !data {
		return decimal.Decimal{}, false
	}
	t := strings.TrimSpace(text)
	if len(t) > 1 && t[0] == '0' && t[1] >= '0' && t[1] <= '9' {
		return decimal.Decimal{}, false
	}
	d, err := values.Decimal(input.Cell{Text: text, Type: input.Text}, c.nums.csv)
	if err != nil {
		return decimal.Decimal{}, false
	}
	f, _ := d.Float64()
	if !decimal.NewFromFloat(f).Equal(d) {
		return decimal.Decimal{}, false // more digits than a number cell keeps
	}
	return d, true
}

// format is the number format of a numeric column: as many decimals as
// the file wrote, thousands grouping if it grouped.
func (c csvColumn) format() string {
	code := "0"
	if c.grouped {
		code = "#,##0"
	}
	if c.decimals > 0 {
		code += "." + strings.Repeat("0", c.decimals)
	}
	return code
}
