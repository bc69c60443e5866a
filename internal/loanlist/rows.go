package loanlist

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// Format is the file format of a loans list.
type Format string

// The formats a loans list can be written in and read from.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	JSON Format = "json"
)

// FormatOf chooses the format from the file's extension (.csv, .xlsx or
// .json, in any case).
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	case ".json":
		return JSON, nil
	}
	return "", fmt.Errorf("%s: unknown file type %q: give a name ending in .csv, .xlsx or .json", path, filepath.Ext(path))
}

// Row is one loan as the export writes it, in column order. The tags name
// the CSV header and the JSON keys.
type Row struct {
	LoanID     string `csv:"loan_id" json:"loan_id"`         // the partner's loan ID (internal_loan_id)
	ClientID   string `csv:"client_id" json:"client_id"`     // the partner's client ID (internal_client_id)
	KivaID     string `csv:"kiva_id" json:"kiva_id"`         // Kiva's loan ID
	Name       string `csv:"name" json:"name"`               // borrower or group name
	Status     string `csv:"status" json:"status"`           // Kiva status: payingBack, defaulted, …
	Currency   string `csv:"currency" json:"currency"`       // ISO 4217
	LoanAmount string `csv:"loan_amount" json:"loan_amount"` // exact decimal text as Kiva sent it; "" when absent
}

// header is the column names of every format, in order.
var header = []string{"loan_id", "client_id", "kiva_id", "name", "status", "currency", "loan_amount"}

// Rows turns loans into export rows sorted by loan ID (numbers inside IDs
// compared as numbers: L-2 before L-10), then by Kiva ID, so the file does
// not depend on the order of the API's pages.
func Rows(loans []partnerapi.Loan) []Row {
	rows := make([]Row, len(loans))
	for i, l := range loans {
		rows[i] = Row{
			LoanID:     strings.TrimSpace(l.InternalLoanID),
			ClientID:   strings.TrimSpace(l.InternalClientID),
			KivaID:     strings.TrimSpace(l.ID),
			Name:       strings.TrimSpace(l.Name),
			Status:     strings.TrimSpace(l.Status),
			Currency:   strings.TrimSpace(l.Currency),
			LoanAmount: strings.TrimSpace(l.Amount),
		}
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		if c := CompareIDs(a.LoanID, b.LoanID); c != 0 {
			return c
		}
		return CompareIDs(a.KivaID, b.KivaID)
	})
	return rows
}

// ExpectsRepayment reports whether Kiva expects repayments for a loan of
// this status: payingBack and defaulted (spec §4), in any spelling.
func ExpectsRepayment(status string) bool {
	switch values.Key(status) {
	case "payingback", "defaulted":
		return true
	}
	return false
}

// CompareIDs orders IDs the way people read them: runs of digits compare
// by their number (so "987" < "1003" and "L-2" < "L-10"), everything else
// byte by byte; IDs that tie that way ("007" and "7") compare as bytes, so
// the order is total.
func CompareIDs(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			return cmpInt(int(ca), int(cb))
		}
		i++
		j++
	}
	if c := cmpInt(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
