package loanlist

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/xlsxzip"
)

// fixedTime is the creation date of every workbook written here, so the
// same loans give the same bytes.
var fixedTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Built-in number formats (ECMA-376 §18.8.30).
const (
	numFmtText  = 49 // "@": what is typed stays text (IDs keep leading zeros)
	numFmtMoney = 4  // "#,##0.00"
)

// book is a workbook being written with one streamed sheet.
type book struct {
	f                   *excelize.File
	sw                  *excelize.StreamWriter
	header, text, money int
}

// newBook starts a workbook whose only sheet is sheet, with fixed
// document properties and the styles the lists use.
func newBook(sheet, title string) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f}
	fail := func(err error) (*book, error) {
		f.Close()
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Created:        fixedTime.Format(time.RFC3339),
		Modified:       fixedTime.Format(time.RFC3339),
		Creator:        "kivaconv",
		LastModifiedBy: "kivaconv",
		Title:          title,
	}); err != nil {
		return fail(err)
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "kivaconv"}); err != nil {
		return fail(err)
	}
	var err error
	if b.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return fail(err)
	}
	if b.text, err = f.NewStyle(&excelize.Style{NumFmt: numFmtText}); err != nil {
		return fail(err)
	}
	if b.money, err = f.NewStyle(&excelize.Style{NumFmt: numFmtMoney}); err != nil {
		return fail(err)
	}
	if b.sw, err = f.NewStreamWriter(sheet); err != nil {
		return fail(err)
	}
	return b, nil
}

// columns sets the widths and styles of the columns (before any row).
func (b *book) columns(widths []float64, styles []int) error {
	for i, w := range widths {
		if err := b.sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
		if i < len(styles) && styles[i] != 0 {
			if err := b.sw.SetColStyle(i+1, i+1, styles[i]); err != nil {
				return err
			}
		}
	}
	// The header stays in view while scrolling.
	return b.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// headerRow writes row 1 in bold.
func (b *book) headerRow(names []string) error {
	cells := make([]any, len(names))
	for i, n := range names {
		cells[i] = excelize.Cell{StyleID: b.header, Value: n}
	}
	return b.sw.SetRow("A1", cells)
}

// row writes the cells of a 1-based row.
func (b *book) row(n int, cells []any) error {
	ref, err := excelize.CoordinatesToCellName(1, n)
	if err != nil {
		return err
	}
	return b.sw.SetRow(ref, cells)
}

// textCell is a text cell formatted as text, so Excel keeps what is typed
// over it as text too. An empty text is an empty cell with that format.
func (b *book) textCell(s string) any {
	if s == "" {
		return excelize.Cell{StyleID: b.text}
	}
	return excelize.Cell{StyleID: b.text, Value: s}
}

// finish flushes the sheet and returns the workbook's bytes, re-zipped
// deterministically.
func (b *book) finish() ([]byte, error) {
	defer b.f.Close()
	if err := b.sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return normalizeZip(buf.Bytes())
}

// exactNumber returns the float64 whose shortest decimal form is exactly
// the decimal text s (what excelize stores for precision -1, and what
// kivaconv and Excel read back), or false when s is not a decimal or no
// double has that form (more than about 15 significant digits). The float
// is only a carrier for the text: it is never computed with.
func exactNumber(s string) (float64, bool) {
	d, err := decimal.NewFromString(s)
	if err != nil || strings.ContainsAny(s, "eE") {
		return 0, false
	}
	canon := d.String() // "1500.50" → "1500.5", "007" → "7"
	f, err := strconv.ParseFloat(canon, 64)
	if err != nil || strconv.FormatFloat(f, 'f', -1, 64) != canon {
		return 0, false
	}
	return f, true
}

// amountCell is a loan amount: a number cell holding exactly the decimal
// text, or a text cell when a number cell cannot (never a rounded value).
// An empty amount is an empty cell.
func (b *book) amountCell(s string) any {
	if s == "" {
		return nil
	}
	if f, ok := exactNumber(s); ok {
		return excelize.Cell{Value: f}
	}
	return b.textCell(s)
}

// normalizeZip rewrites the archive reproducibly (see internal/xlsxzip).
func normalizeZip(data []byte) ([]byte, error) { return xlsxzip.Normalize(data, fixedTime) }

// marshalXLSX is the loans export as a workbook.
func marshalXLSX(rows []Row) ([]byte, error) {
	b, err := newBook("Loans", "Kiva loans")
	if err != nil {
		return nil, err
	}
	fail := func(err error) ([]byte, error) {
		b.f.Close()
		return nil, err
	}
	// IDs, names, statuses and currencies are text columns.
	s := b.text
	if err := b.columns([]float64{16, 16, 12, 32, 13, 10, 14}, []int{s, s, s, s, s, s, 0}); err != nil {
		return fail(err)
	}
	if err := b.headerRow(header); err != nil {
		return fail(err)
	}
	for i, r := range rows {
		cells := []any{b.textCell(r.LoanID), b.textCell(r.ClientID), b.textCell(r.KivaID),
			b.textCell(r.Name), b.textCell(r.Status), b.textCell(r.Currency), b.amountCell(r.LoanAmount)}
		if err := b.row(i+2, cells); err != nil {
			return fail(err)
		}
	}
	return b.finish()
}
