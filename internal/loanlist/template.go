package loanlist

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// TemplateSheet is the sheet of the repayments template.
const TemplateSheet = "Repayments"

// TemplateHeader is the header row of the repayments template. Loan ID,
// Client ID and Amount are the built-in repayments mapping's own column
// names; Borrower name is for the person filling in the amounts, and the
// mapping leaves it aside as an unmapped column.
var TemplateHeader = []string{"Loan ID", "Client ID", "Borrower name", "Amount"}

// TemplateResult says what went into a repayments template.
type TemplateResult struct {
	// Rows is the number of loans listed.
	Rows int
	// NoLoanID are the loans Kiva expects a repayment for but that have no
	// partner loan ID (internal_loan_id), so no report can name them.
	NoLoanID []partnerapi.Loan
	// Duplicates are the loan IDs that more than one loan has; each is
	// listed once (the first loan's client ID and name).
	Duplicates []string
	// OtherStatus counts the loans left out because Kiva expects no
	// repayment for their status.
	OtherStatus int
}

// Template is the repayments template for loans: the workbook and what
// went into it. Only loans Kiva expects a repayment for (payingBack,
// defaulted) are listed, one row per partner loan ID, sorted by loan ID.
// Loan ID and Client ID are text cells in text-formatted columns (leading
// zeros stay, even when retyped); Amount is empty, formatted "#,##0.00".
// The bytes depend only on the loans.
func Template(loans []partnerapi.Loan) ([]byte, TemplateResult, error) {
	var res TemplateResult
	var keep []partnerapi.Loan
	for _, l := range loans {
		switch {
		case !ExpectsRepayment(l.Status):
			res.OtherStatus++
		default:
			keep = append(keep, l)
		}
	}
	rows := Rows(keep)
	b, err := newBook(TemplateSheet, "Kiva repayments")
	if err != nil {
		return nil, res, err
	}
	fail := func(err error) ([]byte, TemplateResult, error) {
		b.f.Close()
		return nil, res, err
	}
	if err := b.columns([]float64{18, 18, 36, 16}, []int{b.text, b.text, 0, b.money}); err != nil {
		return fail(err)
	}
	if err := b.headerRow(TemplateHeader); err != nil {
		return fail(err)
	}
	next := 2
	for i, r := range rows {
		if r.LoanID == "" {
			res.NoLoanID = append(res.NoLoanID, loanOf(r))
			continue
		}
		if i > 0 && rows[i-1].LoanID == r.LoanID {
			if n := len(res.Duplicates); n == 0 || res.Duplicates[n-1] != r.LoanID {
				res.Duplicates = append(res.Duplicates, r.LoanID)
			}
			continue
		}
		cells := []any{b.textCell(r.LoanID), b.textCell(r.ClientID), r.Name, b.emptyAmount()}
		if r.Name == "" {
			cells[2] = nil
		}
		if err := b.row(next, cells); err != nil {
			return fail(err)
		}
		next++
		res.Rows++
	}
	data, err := b.finish()
	if err != nil {
		return nil, res, err
	}
	return data, res, nil
}

// WriteTemplate writes the repayments template for loans to path (which
// must end in .xlsx), atomically.
func WriteTemplate(path string, loans []partnerapi.Loan) (TemplateResult, error) {
	if f, err := FormatOf(path); err != nil || f != XLSX {
		return TemplateResult{}, fmt.Errorf("%s: the repayments template is a workbook: give a name ending in .xlsx", path)
	}
	data, res, err := Template(loans)
	if err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	return res, batch.WriteFileAtomic(path, data)
}

// emptyAmount is an Amount cell to fill in: empty, with two decimals.
func (b *book) emptyAmount() any {
	return excelize.Cell{StyleID: b.money}
}

// loanOf is the loan a row was made from, for messages.
func loanOf(r Row) partnerapi.Loan {
	return partnerapi.Loan{ID: r.KivaID, InternalLoanID: r.LoanID, InternalClientID: r.ClientID,
		Name: r.Name, Status: r.Status, Currency: r.Currency, Amount: r.LoanAmount}
}
