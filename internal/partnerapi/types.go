package partnerapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Scopes Kiva grants (spec §3).
const (
	ScopeReadLoans      = "read:loans"
	ScopeLoanDraft      = "create:loan_draft"
	ScopeJournalUpdate  = "create:journal_update"
	ScopeRepayment      = "create:repayment"
	DefaultJournalsPath = "/v3/partner/{id}/journals"
)

// AllScopes is what kivaconv asks for unless told otherwise.
var AllScopes = []string{ScopeReadLoans, ScopeLoanDraft, ScopeRepayment, ScopeJournalUpdate}

// Secret is a client secret. It prints as "[redacted]" in every format
// verb and JSON, so a Config or Profile that ends up in a log, an error or
// a test failure message does not carry it. Reveal returns the value.
type Secret string

func (s Secret) String() string   { return redact(s) }
func (s Secret) GoString() string { return redact(s) }
func (s Secret) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, redact(s))
}
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redact(s)) }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redact(s)), nil }

// Reveal returns the secret itself: only for the token request body.
func (s Secret) Reveal() string { return string(s) }

func redact(s Secret) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Class says what a failed call means for the request it carried. Send's
// whole safety story rests on it: only NotApplied may be retried without
// asking a person.
type Class int

const (
	// NotApplied: the request surely did not take effect: connection
	// refused, failed before the request was completely written, 429,
	// 503, or 401 even after a fresh token. Safe to retry.
	NotApplied Class = iota + 1
	// Unknown: the request was written but its answer was lost
	// (connection dropped, timeout after writing, 500, 502, 504). It may
	// have been applied: never resend silently.
	Unknown
	// Rejected: Kiva answered with another 4xx (or an undecodable 2xx is
	// NOT this: see Response). The request was refused; fix and resend.
	Rejected
)

func (c Class) String() string {
	switch c {
	case NotApplied:
		return "not applied"
	case Unknown:
		return "answer lost"
	case Rejected:
		return "rejected"
	}
	return "unknown class"
}

// Error is a failed API or token call. It never holds the token or the
// client secret.
type Error struct {
	Op     string // "POST https://…/v3/partner/123/loan_draft", or "token request to https://…"
	Status int    // HTTP status; 0 when no answer arrived
	Body   []byte // the answer's body, size-limited; nil when none
	// Message is Kiva's own message decoded from Body when it has one
	// ("message", "error_description", "error"), else "".
	Message string
	// RetryAfter is the server's Retry-After (seconds or HTTP date), 0 when absent.
	RetryAfter time.Duration
	Class      Class
	// MissingScopes lists the scopes a 403 shows the token lacks for the
	// call (compared with the granted scopes), when that can be told.
	MissingScopes []string
	// Written is true when the request had been completely written to the
	// connection before the failure.
	Written bool
	Err     error // the transport error, when Status is 0
	// Truncated is true when Body is incomplete: the answer was longer
	// than the client's MaxResponse, or the connection broke while it was
	// being read.
	Truncated bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	switch {
	case e.Status != 0:
		fmt.Fprintf(&b, "HTTP %d %s", e.Status, http.StatusText(e.Status))
		if e.Message != "" {
			b.WriteString(": ")
			b.WriteString(e.Message)
		}
		if len(e.MissingScopes) > 0 {
			fmt.Fprintf(&b, " (the token lacks the scope %s: ask Kiva to grant it to this client)", strings.Join(e.MissingScopes, ", "))
		}
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString("failed")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of an error from the client: an *Error's
// Class; Unknown for anything else that is not a context cancellation
// before sending (callers that cannot tell must assume the worst).
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) && e.Class != 0 {
		return e.Class
	}
	return Unknown
}

// Response is a 2xx answer. The raw status and body are kept for the
// ledger; the known fields are decoded leniently (snake_case or
// camelCase), and missing ones are "".
type Response struct {
	Status int
	Body   []byte // size-limited raw body
	// LoanDraftUUID is loan_draft_uuid / loanDraftUuid of a loan-draft answer.
	LoanDraftUUID string
	// UploadID is upload_id / uploadId of a repayments answer.
	UploadID string
	// Problems are per-loan problems of a repayments answer.
	Problems []LoanProblem
	// ConfirmURLs are the confirm_url values of a journals answer (one per
	// journal, or one for the batch), in the order given.
	ConfirmURLs []string
	// Truncated is true when Body is incomplete: the answer was longer
	// than the client's MaxResponse, or the connection broke while it was
	// being read (the request was still applied: the status says so).
	Truncated bool
}

// LoanProblem is one per-loan problem in a repayments answer.
type LoanProblem struct {
	LoanID  string          `json:"loan_id,omitempty"`
	Message string          `json:"message,omitempty"`
	Raw     json.RawMessage `json:"raw,omitempty"`
}

// TokenInfo describes the current token without revealing it.
type TokenInfo struct {
	PartnerID string    // the token answer's partnerId, "" when absent
	Scopes    []string  // granted scopes (the answer's "scope"), sorted
	Expiry    time.Time // when the token expires
}

// LoansQuery is a loans-list request (spec §4).
type LoansQuery struct {
	Status []string // e.g. payingBack, defaulted; joined with commas
	Query  string
	Offset int
	Limit  int // 1..300; 0 means 300
}

// LoansPage is one page of the loans list.
type LoansPage struct {
	TotalRecords int
	Loans        []Loan
}

// Loan is one item of the loans list, decoded leniently. Raw keeps the
// item as Kiva sent it.
type Loan struct {
	ID               string // Kiva's loan id
	InternalLoanID   string // the partner's loan id (internal_loan_id / loan_id in the partner's terms)
	InternalClientID string
	Name             string // borrower or group display name
	Status           string
	Currency         string
	Amount           string // exact decimal text as sent, "" when absent
	Raw              json.RawMessage
}
