package loanlist

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"

	"github.com/gocarina/gocsv"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// Write writes the loans export to path in the format its extension names
// (.csv, .xlsx or .json), atomically: a temporary file beside it, synced,
// then renamed over path. It returns the format written.
func Write(path string, loans []partnerapi.Loan) (Format, error) {
	f, err := FormatOf(path)
	if err != nil {
		return "", err
	}
	data, err := Marshal(f, loans)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return f, batch.WriteFileAtomic(path, data)
}

// Marshal is the content of a loans export in format f, rows sorted as
// Rows sorts them:
//
//   - CSV: UTF-8 with a byte-order mark and CRLF line ends (what Excel
//     reads correctly), the header loan_id, client_id, kiva_id, name,
//     status, currency, loan_amount, and cells that a spreadsheet would
//     run as a formula prefixed with a single quote;
//   - XLSX: one sheet "Loans", bold header, IDs as text cells, the loan
//     amount a number cell holding exactly Kiva's decimal text (a text
//     cell when a double cannot hold it exactly);
//   - JSON: an array of objects with those seven keys, every value a
//     string ("" when absent), two-space indented.
func Marshal(f Format, loans []partnerapi.Loan) ([]byte, error) {
	rows := Rows(loans)
	switch f {
	case CSV:
		return marshalCSV(rows)
	case XLSX:
		return marshalXLSX(rows)
	case JSON:
		return marshalJSON(rows)
	}
	return nil, fmt.Errorf("unknown format %q: use csv, xlsx or json", f)
}

// utf8BOM makes Excel read a CSV file as UTF-8 rather than the ANSI code
// page.
const utf8BOM = "\ufeff"

func marshalCSV(rows []Row) ([]byte, error) {
	guarded := make([]Row, len(rows))
	for i, r := range rows {
		guarded[i] = Row{
			LoanID:     batch.GuardFormula(r.LoanID),
			ClientID:   batch.GuardFormula(r.ClientID),
			KivaID:     batch.GuardFormula(r.KivaID),
			Name:       batch.GuardFormula(r.Name),
			Status:     batch.GuardFormula(r.Status),
			Currency:   batch.GuardFormula(r.Currency),
			LoanAmount: batch.GuardFormula(r.LoanAmount),
		}
	}
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := gocsv.MarshalCSV(guarded, gocsv.NewSafeCSVWriter(cw)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func marshalJSON(rows []Row) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if rows == nil {
		rows = []Row{}
	}
	if err := enc.Encode(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
