package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kiva-partners/kivaconv/kiva"
)

// State is everything the sandbox received since it started (or since the
// last reset). It never holds a token, a client ID or a secret, so it can
// be shown and saved as is (GET /sandbox/state.json).
type State struct {
	PartnerID string `json:"partner_id"`
	Audience  string `json:"audience"`
	// FaultPlan is the --faults plan in its normalized form, "" when none.
	FaultPlan    string `json:"fault_plan"`
	TokensIssued int    `json:"tokens_issued"`
	// InFlight counts the API requests being handled right now (a test
	// waits for 0 before it reads what arrived).
	InFlight int `json:"in_flight"`

	Drafts     []Draft           `json:"loan_drafts"`
	Repayments []RepaymentUpload `json:"repayment_uploads"`
	Journals   []JournalPost     `json:"journal_posts"`
	// Duplicates lists what arrived a second time: a borrower (client ID,
	// loan ID) already in an earlier draft, a repayments upload with
	// exactly the loans and amounts of an earlier one, a journal already
	// posted. An empty list proves nothing was applied twice.
	Duplicates []Duplicate `json:"duplicates"`
	// Faults lists the faults injected, in order.
	Faults []FaultEvent `json:"faults_injected"`
	// Refused lists the API and token requests answered with an error
	// status (validation, authentication, rate limit), newest last; at most
	// maxRefused are kept and RefusedDropped counts the others.
	Refused        []Refusal `json:"refused"`
	RefusedDropped int       `json:"refused_dropped,omitempty"`
}

// Draft is a loan draft the sandbox accepted.
type Draft struct {
	UUID      string      `json:"loan_draft_uuid"`
	Received  time.Time   `json:"received"`
	LoanID    string      `json:"loan_id"` // the group's loan ID, or the borrower's
	GroupName string      `json:"group_name,omitempty"`
	Borrowers []Borrower  `json:"borrowers"`
	Amount    kiva.Amount `json:"amount"`
	Currency  string      `json:"currency"`
	// Warnings are the rules' warnings (PA2 publish-time rules): accepted,
	// as Kiva accepts partial drafts.
	Warnings []FieldError    `json:"warnings,omitempty"`
	Body     json.RawMessage `json:"body"`
}

// Borrower is one borrower of a received draft.
type Borrower struct {
	ClientID string `json:"client_id"`
	LoanID   string `json:"loan_id"`
	Name     string `json:"name"`
}

// RepaymentUpload is one accepted POST of repayments.
type RepaymentUpload struct {
	UploadID   int              `json:"upload_id"`
	Received   time.Time        `json:"received"`
	Repayments []kiva.Repayment `json:"repayments"`
	// Totals per currency (of the loans in the sandbox's loans list; ""
	// for loans it does not know).
	Totals   []Total         `json:"totals"`
	Problems []LoanProblem   `json:"problems"`
	Body     json.RawMessage `json:"body"`
}

// Total is the sum of an upload's amounts in one currency.
type Total struct {
	Currency string      `json:"currency"`
	Amount   kiva.Amount `json:"amount"`
	Loans    int         `json:"loans"`
}

// LoanProblem is a per-loan problem of a repayments upload: the upload was
// accepted, but this loan will need a person's attention in PA2.
type LoanProblem struct {
	LoanID  string `json:"loan_id"`
	Message string `json:"message"`
}

// JournalPost is one accepted POST of journals.
type JournalPost struct {
	N           int             `json:"n"`
	Received    time.Time       `json:"received"`
	Path        string          `json:"path"`    // the URL path it was posted to
	Wrapped     bool            `json:"wrapped"` // {"journals":[…]} rather than a bare array
	Journals    []kiva.Journal  `json:"journals"`
	ConfirmURL  string          `json:"confirm_url"`
	Confirmed   bool            `json:"confirmed"`
	ConfirmedAt time.Time       `json:"confirmed_at,omitzero"`
	Body        json.RawMessage `json:"body"`
}

// Duplicate is something that arrived a second time.
type Duplicate struct {
	Kind     string    `json:"kind"` // "loan_draft", "repayments" or "journal"
	Received time.Time `json:"received"`
	// Key is what repeated, e.g. "client 0045871, loan 000123".
	Key string `json:"key"`
	// First and Again name the earlier and the new record: a draft's UUID,
	// "upload N", "journal post N".
	First string `json:"first"`
	Again string `json:"again"`
}

// FaultEvent is one injected fault.
type FaultEvent struct {
	Time     time.Time `json:"time"`
	Endpoint string    `json:"endpoint"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Kind     FaultKind `json:"kind"`
	// Applied is true when the request took effect before the fault (500,
	// 502, 504 and drop-after on a valid request).
	Applied bool `json:"applied"`
}

// Refusal is a request answered with an error status by the sandbox's own
// rules (not by an injected fault).
type Refusal struct {
	Time     time.Time `json:"time"`
	Endpoint string    `json:"endpoint"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Status   int       `json:"status"`
	Message  string    `json:"message"`
}

// maxRefused bounds State.Refused, so a client hammering the sandbox
// cannot grow it without limit.
const maxRefused = 1000

// store is the mutable state behind State; Server.mu guards it.
type store struct {
	drafts     []Draft
	repayments []RepaymentUpload
	journals   []JournalPost
	duplicates []Duplicate
	faults     []FaultEvent
	refused    []Refusal
	dropped    int

	borrowers map[[2]string]string // (client ID, loan ID) → draft UUID
	uploads   map[string]int       // loan set and amounts → upload ID
	posted    map[string]int       // journal key → post N
}

func (st *store) reset() {
	*st = store{
		borrowers: map[[2]string]string{},
		uploads:   map[string]int{},
		posted:    map[string]int{},
	}
}

// repaymentsKey identifies an upload by its loans and amounts, in any order.
func repaymentsKey(reps []kiva.Repayment) string {
	parts := make([]string, len(reps))
	for i, r := range reps {
		parts[i] = r.LoanID + "=" + r.Amount.String()
	}
	slices.Sort(parts)
	return strings.Join(parts, ";")
}

func journalKey(j kiva.Journal) string {
	return j.InternalLoanID + "\x00" + j.Subject + "\x00" + j.Body
}

func cloneRaw(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}

// snapshot copies the store deeply enough that the caller may change the
// result freely.
func (st *store) snapshot() State {
	var s State
	s.Drafts = make([]Draft, len(st.drafts))
	for i, d := range st.drafts {
		d.Borrowers = slices.Clone(d.Borrowers)
		d.Warnings = slices.Clone(d.Warnings)
		d.Body = cloneRaw(d.Body)
		s.Drafts[i] = d
	}
	s.Repayments = make([]RepaymentUpload, len(st.repayments))
	for i, u := range st.repayments {
		u.Repayments = slices.Clone(u.Repayments)
		u.Totals = slices.Clone(u.Totals)
		u.Problems = slices.Clone(u.Problems)
		u.Body = cloneRaw(u.Body)
		s.Repayments[i] = u
	}
	s.Journals = make([]JournalPost, len(st.journals))
	for i, j := range st.journals {
		j.Journals = slices.Clone(j.Journals)
		j.Body = cloneRaw(j.Body)
		s.Journals[i] = j
	}
	s.Duplicates = append([]Duplicate{}, st.duplicates...)
	s.Faults = append([]FaultEvent{}, st.faults...)
	s.Refused = append([]Refusal{}, st.refused...)
	s.RefusedDropped = st.dropped
	return s
}

func (st *store) refuse(r Refusal) {
	if len(st.refused) >= maxRefused {
		st.refused = slices.Delete(st.refused, 0, 1)
		st.dropped++
	}
	st.refused = append(st.refused, r)
}

// addDraft records an accepted draft and any borrower already received.
func (st *store) addDraft(d Draft) {
	for _, b := range d.Borrowers {
		k := [2]string{b.ClientID, b.LoanID}
		if first, ok := st.borrowers[k]; ok {
			st.duplicates = append(st.duplicates, Duplicate{
				Kind: EndpointLoanDraft, Received: d.Received,
				Key:   fmt.Sprintf("client %s, loan %s", b.ClientID, b.LoanID),
				First: first, Again: d.UUID,
			})
			continue
		}
		st.borrowers[k] = d.UUID
	}
	st.drafts = append(st.drafts, d)
}

// addUpload records an accepted repayments upload.
func (st *store) addUpload(u RepaymentUpload) {
	k := repaymentsKey(u.Repayments)
	if first, ok := st.uploads[k]; ok {
		st.duplicates = append(st.duplicates, Duplicate{
			Kind: EndpointRepayments, Received: u.Received,
			Key:   fmt.Sprintf("%d loans with the same amounts", len(u.Repayments)),
			First: fmt.Sprintf("upload %d", first), Again: fmt.Sprintf("upload %d", u.UploadID),
		})
	} else {
		st.uploads[k] = u.UploadID
	}
	st.repayments = append(st.repayments, u)
}

// addJournals records an accepted journals post.
func (st *store) addJournals(p JournalPost) {
	for _, j := range p.Journals {
		k := journalKey(j)
		if first, ok := st.posted[k]; ok {
			st.duplicates = append(st.duplicates, Duplicate{
				Kind: "journal", Received: p.Received,
				Key:   fmt.Sprintf("loan %s: %s", j.InternalLoanID, j.Subject),
				First: fmt.Sprintf("journal post %d", first), Again: fmt.Sprintf("journal post %d", p.N),
			})
			continue
		}
		st.posted[k] = p.N
	}
	st.journals = append(st.journals, p)
}
