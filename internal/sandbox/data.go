package sandbox

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/kiva-partners/kivaconv/kiva"
)

// data holds the sandbox's built-in partner data, consistent with the
// samples: reference.json is a copy of samples/reference.json, loans.json
// lists every loan of the sample repayment reports and journals (tests
// check both stay in step with samples/).
//
//go:embed data/reference.json data/loans.json
var data embed.FS

// Loan is one item of the partner's loans list (GET …/loans), in the shape
// Kiva answers and the client decodes.
type Loan struct {
	ID               int    `json:"id"`
	InternalLoanID   string `json:"internal_loan_id"`
	InternalClientID string `json:"internal_client_id"`
	Name             string `json:"name"`
	Status           string `json:"status"`
	Currency         string `json:"currency"`
	LoanAmount       string `json:"loan_amount"` // exact decimal text
}

// Loan statuses Kiva knows (spec §4).
var loanStatuses = []string{
	"refunded", "inactive", "inactive_expired", "fundRaising", "expired", "raised",
	"payingBack", "ended", "reviewed", "issue", "defaulted", "deleted", "issue_revising", "issue_approving",
}

// repayable reports whether Kiva expects repayments for a loan in status.
func repayable(status string) bool { return status == "payingBack" || status == "defaulted" }

func embeddedReference() (*kiva.Reference, error) {
	b, err := data.ReadFile("data/reference.json")
	if err != nil {
		return nil, err
	}
	ref, err := kiva.DecodeReference(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("embedded reference data: %w", err)
	}
	return ref, nil
}

// embeddedLoans returns the built-in loans list, sorted by Kiva loan id.
func embeddedLoans() ([]Loan, error) {
	b, err := data.ReadFile("data/loans.json")
	if err != nil {
		return nil, err
	}
	var loans []Loan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&loans); err != nil {
		return nil, fmt.Errorf("embedded loans list: %w", err)
	}
	sort.Slice(loans, func(i, j int) bool { return loans[i].ID < loans[j].ID })
	return loans, nil
}
