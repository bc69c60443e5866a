package convert

import (
	"fmt"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/mappings"
)

// The day/month order of text dates. A text date such as 03/04/2026 is 3
// April or 4 March; 15/11/2026 can only be day first (there is no month
// 15). When the mapping declares no date format for a column (neither
// locale.date_formats nor the field's formats: a declared format always
// wins), the column's own unambiguous values decide: a day first value
// makes its ambiguous values day first, and the summary says so. It is an
// error only when the column has ambiguous values and nothing to decide
// from, or values written both ways (the error names one of each).
//
// The decision needs the whole column before its first row is converted,
// and rows are streamed: so the first numeric text date met in such a
// column starts a light pass over the sheet (as groupSizes does) that
// looks only at the text cells of those columns and keeps, for each, the
// first day first and the first month first cell. Memory stays bounded by
// the number of date columns; a file whose dates are date cells or ISO
// texts is never read twice.

// dateOrders is the day/month order of one layout's date columns.
type dateOrders struct {
	sheet   string // the sheet to scan, as the book names it
	scanned bool
	err     error             // the scan could not read the sheet
	cols    map[int]*colOrder // by field index: date fields that need an order
}

// colOrder is what one column's numeric text dates show: the first cell
// written day first and the first written month first.
type colOrder struct {
	day, month orderCell
	noted      bool
}

// orderCell is a cell of the scan; row 0 means none.
type orderCell struct {
	text string
	row  int
}

func (o orderCell) String() string { return fmt.Sprintf("%s in row %d", o.text, o.row) }

// order is the column's order: DayFirst or MonthFirst when decided,
// EitherOrder when nothing decides, NoOrder when its values disagree.
func (o *colOrder) order() (values.DateOrder, orderCell) {
	switch {
	case o.day.row > 0 && o.month.row > 0:
		return values.NoOrder, orderCell{}
	case o.day.row > 0:
		return values.DayFirst, o.day
	case o.month.row > 0:
		return values.MonthFirst, o.month
	}
	return values.EitherOrder, orderCell{}
}

// needsOrder: a date field read from a column with no declared format.
func needsOrder(l *layout, fs *fieldSpec) bool {
	return fs.f.Type == mappings.TypeDate && fs.col >= 0 && len(fs.f.Formats) == 0 && len(l.dateFmts) == 0
}

// orderedDate reads a date field's cell when the mapping declares no date
// format: numeric text dates in the column's order (see above), anything
// else as values.Date reads it.
func (c *run) orderedDate(l *layout, fs *fieldSpec, cell input.Cell) (string, error) {
	if cell.Type != input.Text || l.orders == nil || !needsOrder(l, fs) || values.DateOrderOf(cell.Text) == values.NoOrder {
		return values.Date(cell, nil, l.date1904)
	}
	d := l.orders
	if !d.scanned {
		d.err = c.scanDateOrders(l)
		d.scanned = true
	}
	st := d.cols[l.index[fs.key]]
	if d.err != nil || st == nil {
		msg := "the column could not be read to tell the day from the month"
		if d.err != nil {
			msg += ": " + d.err.Error()
		}
		return "", &values.Error{Value: cell.Text, Msg: msg,
			Hint: "write the date as YYYY-MM-DD, or make it an Excel date"}
	}
	order, example := st.order()
	sep := values.DateSeparator(cell.Text)
	switch order {
	case values.NoOrder:
		return "", &values.Error{Value: cell.Text,
			Msg: fmt.Sprintf("this column has dates written day first (%s) and month first (%s), so %q cannot be read safely",
				st.day, st.month, strings.TrimSpace(cell.Text)),
			Hint: values.OrForMapping("write every date of the column the same way: make them Excel dates, or write them as YYYY-MM-DD",
				fmt.Sprintf("declare the column's format in locale.date_formats ([%s] or [%s]): the dates written the other way are then listed",
					values.DayFirst.Layout(sep), values.MonthFirst.Layout(sep)))}
	case values.EitherOrder:
		workbook := "make the column's dates Excel dates, or write them as YYYY-MM-DD"
		if iso, err := values.DateInOrder(cell, values.DayFirst, l.date1904); err == nil {
			workbook += " (" + iso + " if the day comes first)"
		}
		return "", &values.Error{Value: cell.Text,
			Msg: fmt.Sprintf("ambiguous date %q: no date in this column shows whether the day or the month comes first (none has a number over 12)",
				strings.TrimSpace(cell.Text)),
			Hint: values.OrForMapping(workbook, fmt.Sprintf("declare locale.date_formats: [%s] (or [%s])",
				values.DayFirst.Layout(sep), values.MonthFirst.Layout(sep)))}
	}
	if !st.noted {
		st.noted = true
		c.note(fmt.Sprintf("%s: text dates read %s (%s)", c.orderLabel(l, fs), order, example))
	}
	return values.DateInOrder(cell, order, l.date1904)
}

// orderLabel names a date column in a note: its header, and its sheet
// when it is not the main one (a loans workbook's schedule).
func (c *run) orderLabel(l *layout, fs *fieldSpec) string {
	label := fs.header
	if label == "" {
		label = fs.key
	}
	if l.sheet != "" && l.sheet != c.sum.Sheet {
		label += " (sheet " + l.sheet + ")"
	}
	return label
}

// scanDateOrders reads the layout's sheet once more, looking only at the
// text cells of the date columns that need an order.
func (c *run) scanDateOrders(l *layout) error {
	d := l.orders
	d.cols = map[int]*colOrder{}
	var idx []int
	for i := range l.fields {
		if needsOrder(l, &l.fields[i]) {
			d.cols[i] = &colOrder{}
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	h, err := c.readHead(d.sheet, false)
	if err != nil {
		return err
	}
	defer h.rest.Close()
	open := len(idx) // columns not yet seen both ways
	n := 0
	see := func(r *input.Row) error {
		if r.Blank() {
			return nil
		}
		for _, i := range idx {
			cell := r.Cell(l.fields[i].col)
			if cell.Type != input.Text {
				continue
			}
			st := d.cols[i]
			was := st.day.row > 0 && st.month.row > 0
			switch values.DateOrderOf(cell.Text) {
			case values.DayFirst:
				if st.day.row == 0 {
					st.day = orderCell{strings.TrimSpace(cell.Text), r.Number}
				}
			case values.MonthFirst:
				if st.month.row == 0 {
					st.month = orderCell{strings.TrimSpace(cell.Text), r.Number}
				}
			}
			if !was && st.day.row > 0 && st.month.row > 0 {
				open--
			}
		}
		if n++; n%4096 == 0 {
			return c.ctx.Err()
		}
		return nil
	}
	for i := l.dataStart; i < len(h.rows); i++ {
		if err := see(&h.rows[i]); err != nil {
			return err
		}
	}
	for open > 0 && h.rest.Next() {
		if err := see(h.rest.Row()); err != nil {
			return err
		}
	}
	return h.rest.Err()
}
