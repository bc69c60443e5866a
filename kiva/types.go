package kiva

// The payload types below are exactly the JSON bodies kivaconv writes to
// batch files and that send posts. Field order is the order Kiva documents
// (spec §5); encoding/json keeps it, so output is deterministic. Unset fields
// are omitted, never sent as zero or empty values.

// LoanDraft is the body of POST /v3/partner/{id}/loan_draft.
type LoanDraft struct {
	ActivityID            *int           `json:"activity_id,omitempty"`
	ThemeTypeID           *int           `json:"theme_type_id,omitempty"`
	DescriptionLanguageID *int           `json:"description_language_id,omitempty"`
	Location              string         `json:"location,omitempty"`
	Currency              string         `json:"currency,omitempty"`
	ClientWaiverSigned    *bool          `json:"client_waiver_signed,omitempty"`
	LoanUse               string         `json:"loanuse,omitempty"`
	Description           string         `json:"description,omitempty"`
	DisburseTime          string         `json:"disburse_time,omitempty"`
	Entreps               []Entrep       `json:"entreps"`
	Schedule              []ScheduleItem `json:"schedule,omitempty"`
	ImageEncoded          string         `json:"image_encoded,omitempty"`
	GroupName             string         `json:"group_name,omitempty"`
	InternalClientID      string         `json:"internal_client_id,omitempty"`
	InternalLoanID        string         `json:"internal_loan_id,omitempty"`
	NotPictured           []bool         `json:"not_pictured,omitempty"`
}

// IsGroup reports whether the draft is a group loan: more than one
// borrower, or any group-only field set.
func (d *LoanDraft) IsGroup() bool {
	return len(d.Entreps) > 1 || d.GroupName != "" || d.InternalLoanID != "" ||
		d.InternalClientID != "" || d.NotPictured != nil
}

// LoanID is the identifier a person knows the draft by: the group's loan ID
// for a group loan, else the borrower's.
func (d *LoanDraft) LoanID() string {
	if d.InternalLoanID != "" {
		return d.InternalLoanID
	}
	if len(d.Entreps) > 0 {
		return d.Entreps[0].LoanID
	}
	return ""
}

// Total is the sum of the borrowers' amounts.
func (d *LoanDraft) Total() Amount {
	var t Amount
	for _, e := range d.Entreps {
		t = t.Add(e.Amount)
	}
	return t
}

// Entrep is one borrower of a loan draft.
type Entrep struct {
	ClientID  string `json:"client_id,omitempty"`
	LoanID    string `json:"loan_id,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Gender    string `json:"gender,omitempty"`
	Amount    Amount `json:"amount"`
}

// ScheduleItem is one expected repayment of a loan draft.
type ScheduleItem struct {
	Date      string `json:"date"`
	Principal Amount `json:"principal"`
	Interest  Amount `json:"interest"`
}

// Repayment is one loan's repayment in a monthly report. ClientID is sent
// only by partners using PA2's three-column format.
type Repayment struct {
	LoanID   string `json:"loan_id"`
	ClientID string `json:"client_id,omitempty"`
	Amount   Amount `json:"amount"`
}

// RepaymentsBody is the body of POST /v3/partner/{id}/repayments.
type RepaymentsBody struct {
	Repayments []Repayment `json:"repayments"`
}

// Journal is one borrower update. InternalClientID is sent only by
// three-column partners.
type Journal struct {
	InternalLoanID   string `json:"internal_loan_id"`
	InternalClientID string `json:"internal_client_id,omitempty"`
	Subject          string `json:"subject"`
	Body             string `json:"body"`
	ImageURL         string `json:"image_url,omitempty"`
}

// JournalsBody is the wrapped form of a journals batch, used when the
// mapping sets journal.wrapper: object (spec §8). The default is a bare
// JSON array of Journal.
type JournalsBody struct {
	Journals []Journal `json:"journals"`
}

// Severity says whether a problem blocks the record (Error) or is a PA2
// publish-time rule a person can still fix in PA2 (Warning).
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one rule a payload breaks. Path names the JSON field
// ("entreps[1].amount", "schedule[0].date", "" for the whole record).
type Problem struct {
	Path     string
	Severity Severity
	Rule     string // stable identifier, e.g. "disburse_window"
	Message  string
	Hint     string
}
