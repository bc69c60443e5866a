package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kiva-partners/kivaconv/kiva"
)

// Limits of the Partner API (spec §4).
const (
	maxRepayments   = 300
	maxLoansPage    = 300
	defaultLoansPge = 20
)

// decodeJSON decodes body strictly into v: one JSON value that starts with
// open ('{' or '['), no unknown field, nothing after it. what names the
// expected shape in the error.
func decodeJSON(body []byte, open byte, what string, v any) *FieldError {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return &FieldError{Message: "The request has no body: send " + what + "."}
	}
	if trimmed[0] != open {
		got := "something else"
		switch trimmed[0] {
		case '{':
			got = "a JSON object"
		case '[':
			got = "a JSON array"
		}
		return &FieldError{Message: fmt.Sprintf("The body is %s; send %s.", got, what)}
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &FieldError{Message: "The body holds more than one JSON value: send " + what + "."}
	}
	return nil
}

// jsonError turns a decoding error into a problem a person can act on.
func jsonError(err error) *FieldError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &FieldError{Message: fmt.Sprintf("The body is not valid JSON (at byte %d: %v).", syn.Offset, syn)}
	case errors.As(err, &typ):
		return &FieldError{Field: typ.Field, Message: fmt.Sprintf("%s must be a JSON %s, not a %s.", fieldName(typ.Field), jsonKind(typ.Type.Kind().String()), typ.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FieldError{Message: "The body ends in the middle of the JSON."}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &FieldError{Field: name, Message: fmt.Sprintf("Unknown field %q: the Partner API has no such field (check its spelling, or leave it out).", name)}
	}
	return &FieldError{Message: "The body could not be read: " + strings.TrimPrefix(msg, "json: ")}
}

func fieldName(f string) string {
	if f == "" {
		return "The body"
	}
	return "Field " + f
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean (true or false)"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return "number"
}

// split separates the rules' errors from their warnings; paths get prefix.
func split(ps []kiva.Problem, prefix string) (errs, warns []FieldError) {
	for _, p := range ps {
		fe := FieldError{Field: joinPath(prefix, p.Path), Message: p.Message, Rule: p.Rule, Hint: p.Hint}
		if p.Severity == kiva.Error {
			errs = append(errs, fe)
		} else {
			warns = append(warns, fe)
		}
	}
	return errs, warns
}

func joinPath(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	}
	return prefix + "." + path
}

// refusal is the message of a 400 answer listing errs.
func refusal(what string, errs []FieldError) string {
	first := errs[0].Message
	if errs[0].Field != "" {
		first = errs[0].Field + ": " + first
	}
	if len(errs) == 1 {
		return what + " was refused: " + first
	}
	return fmt.Sprintf("%s was refused: %d problems; the first: %s", what, len(errs), first)
}

func (s *Server) rules(currency string) kiva.Rules {
	return kiva.Rules{Today: s.today(), Reference: s.ref, Currency: currency}
}

// ---------------------------------------------------------------------------
// POST loan_draft
// ---------------------------------------------------------------------------

type draftAnswer struct {
	Code          string `json:"code"`
	Message       string `json:"message"`
	LoanDraftUUID string `json:"loan_draft_uuid"`
}

func (s *Server) postLoanDraft(w http.ResponseWriter, r *http.Request, body []byte) {
	var d kiva.LoanDraft
	if fe := decodeJSON(body, '{', "one loan draft as a JSON object", &d); fe != nil {
		s.fail(w, r, EndpointLoanDraft, http.StatusBadRequest, "The loan draft was refused: "+fe.Message, []FieldError{*fe})
		return
	}
	errs, warns := split(s.rules("").LoanDraft(&d), "")
	if len(errs) > 0 {
		s.fail(w, r, EndpointLoanDraft, http.StatusBadRequest, refusal("The loan draft", errs), errs)
		return
	}
	dr := Draft{
		UUID: newUUID(), Received: s.now(), LoanID: d.LoanID(), GroupName: d.GroupName,
		Amount: d.Total(), Currency: d.Currency, Warnings: warns, Body: body,
	}
	for _, e := range d.Entreps {
		dr.Borrowers = append(dr.Borrowers, Borrower{ClientID: e.ClientID, LoanID: e.LoanID,
			Name: strings.TrimSpace(e.FirstName + " " + e.LastName)})
	}
	s.mu.Lock()
	s.st.addDraft(dr)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, draftAnswer{Code: "api.success",
		Message: "Loan draft created: a person reviews and publishes it in PA2 (Loans → Drafts).", LoanDraftUUID: dr.UUID})
}

// ---------------------------------------------------------------------------
// POST repayments
// ---------------------------------------------------------------------------

type repaymentsAnswer struct {
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	UploadID int           `json:"upload_id"`
	Problems []LoanProblem `json:"problems"`
}

func (s *Server) postRepayments(w http.ResponseWriter, r *http.Request, body []byte) {
	var b kiva.RepaymentsBody
	if fe := decodeJSON(body, '{', `an object {"repayments": [...]}`, &b); fe != nil {
		s.fail(w, r, EndpointRepayments, http.StatusBadRequest, "The repayments were refused: "+fe.Message, []FieldError{*fe})
		return
	}
	reps := b.Repayments
	switch {
	case len(reps) == 0:
		s.fail(w, r, EndpointRepayments, http.StatusBadRequest,
			`The repayments were refused: the "repayments" list is missing or empty.`, nil)
		return
	case len(reps) > maxRepayments:
		s.fail(w, r, EndpointRepayments, http.StatusBadRequest,
			fmt.Sprintf("The repayments were refused: %d loans in one call; send at most %d per call (split the report).", len(reps), maxRepayments), nil)
		return
	}
	var errs []FieldError
	seen := map[string]int{}
	for i, rep := range reps {
		cur := ""
		if l := s.byLoan[rep.LoanID]; l != nil {
			cur = l.Currency
		}
		p := fmt.Sprintf("repayments[%d]", i)
		e, _ := split(s.rules(cur).Repayment(rep), p)
		errs = append(errs, e...)
		if rep.LoanID == "" {
			continue
		}
		if j, dup := seen[rep.LoanID]; dup {
			errs = append(errs, FieldError{Field: p + ".loan_id", Rule: "duplicate_loan",
				Message: fmt.Sprintf("Loan %s is reported twice (repayments[%d] and [%d]).", rep.LoanID, j, i),
				Hint:    "Report each loan once per upload: add the amounts up in the MIS report."})
		} else {
			seen[rep.LoanID] = i
		}
	}
	if len(errs) > 0 {
		s.fail(w, r, EndpointRepayments, http.StatusBadRequest, refusal("The repayments", errs), errs)
		return
	}
	problems := []LoanProblem{}
	totals := map[string]*Total{}
	for _, rep := range reps {
		l := s.byLoan[rep.LoanID]
		cur := ""
		switch {
		case l == nil:
			problems = append(problems, LoanProblem{LoanID: rep.LoanID,
				Message: fmt.Sprintf("Loan %s is not one of partner %s's loans.", rep.LoanID, s.opts.PartnerID)})
		case !repayable(l.Status):
			cur = l.Currency
			problems = append(problems, LoanProblem{LoanID: rep.LoanID,
				Message: fmt.Sprintf("Loan %s is %s: repayments are expected only for payingBack or defaulted loans.", rep.LoanID, l.Status)})
		default:
			cur = l.Currency
		}
		t := totals[cur]
		if t == nil {
			t = &Total{Currency: cur}
			totals[cur] = t
		}
		t.Amount = t.Amount.Add(rep.Amount)
		t.Loans++
	}
	u := RepaymentUpload{Received: s.now(), Repayments: reps, Problems: problems, Body: body}
	for _, t := range totals {
		u.Totals = append(u.Totals, *t)
	}
	sort.Slice(u.Totals, func(i, j int) bool { return u.Totals[i].Currency < u.Totals[j].Currency })
	s.mu.Lock()
	s.lastUpload++
	u.UploadID = s.lastUpload
	s.st.addUpload(u)
	s.mu.Unlock()
	msg := "Repayments received: a person finalizes them in PA2."
	if len(problems) > 0 {
		msg = fmt.Sprintf("Repayments received, %d with problems: a person resolves them in PA2.", len(problems))
	}
	writeJSON(w, http.StatusOK, repaymentsAnswer{Code: "api.success", Message: msg, UploadID: u.UploadID, Problems: problems})
}

// ---------------------------------------------------------------------------
// POST journals
// ---------------------------------------------------------------------------

type journalsAnswer struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	ConfirmURL string `json:"confirm_url"`
}

func (s *Server) postJournals(w http.ResponseWriter, r *http.Request, body []byte) {
	var js []kiva.Journal
	wrapped := len(bytes.TrimSpace(body)) > 0 && bytes.TrimSpace(body)[0] == '{'
	var fe *FieldError
	prefix := ""
	if wrapped {
		var b kiva.JournalsBody
		fe = decodeJSON(body, '{', `a JSON array of journals, or {"journals": [...]}`, &b)
		js, prefix = b.Journals, "journals"
	} else {
		fe = decodeJSON(body, '[', `a JSON array of journals, or {"journals": [...]}`, &js)
	}
	if fe != nil {
		s.fail(w, r, EndpointJournals, http.StatusBadRequest, "The journals were refused: "+fe.Message, []FieldError{*fe})
		return
	}
	if len(js) == 0 {
		s.fail(w, r, EndpointJournals, http.StatusBadRequest, "The journals were refused: the list is missing or empty.", nil)
		return
	}
	var errs []FieldError
	for i, j := range js {
		e, _ := split(s.rules("").Journal(j), fmt.Sprintf("%s[%d]", prefix, i))
		errs = append(errs, e...)
	}
	if len(errs) > 0 {
		s.fail(w, r, EndpointJournals, http.StatusBadRequest, refusal("The journals", errs), errs)
		return
	}
	p := JournalPost{Received: s.now(), Path: r.URL.Path, Wrapped: wrapped, Journals: js, Body: body}
	s.mu.Lock()
	s.lastPost++
	p.N = s.lastPost
	p.ConfirmURL = fmt.Sprintf("%s/sandbox/journals/%d/confirm", baseURL(r), p.N)
	s.st.addJournals(p)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, journalsAnswer{Code: "api.success",
		Message: "Journals received: open confirm_url to publish them.", ConfirmURL: p.ConfirmURL})
}

// ---------------------------------------------------------------------------
// GET loans
// ---------------------------------------------------------------------------

type loansAnswer struct {
	TotalRecords int    `json:"total_records"`
	Data         []Loan `json:"data"`
}

func (s *Server) getLoans(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	bad := func(msg string) { s.fail(w, r, EndpointLoans, http.StatusBadRequest, msg, nil) }
	want := map[string]bool{}
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			st = strings.TrimSpace(st)
			if st == "" {
				continue
			}
			canon := ""
			for _, k := range loanStatuses {
				if strings.EqualFold(k, st) {
					canon = k
				}
			}
			if canon == "" {
				bad(fmt.Sprintf("Unknown loan status %q (valid: %s).", st, strings.Join(loanStatuses, ", ")))
				return
			}
			want[canon] = true
		}
	}
	offset, limit := 0, defaultLoansPge
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad(fmt.Sprintf("offset %q must be a whole number, 0 or more.", v))
			return
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLoansPage {
			bad(fmt.Sprintf("limit %q must be a whole number from 1 to %d: fetch more pages with offset.", v, maxLoansPage))
			return
		}
		limit = n
	}
	query := strings.ToLower(strings.TrimSpace(q.Get("query")))
	var match []Loan
	for _, l := range s.loans {
		if len(want) > 0 && !want[l.Status] {
			continue
		}
		if query != "" && !strings.Contains(strings.ToLower(l.InternalLoanID+"\x00"+l.InternalClientID+"\x00"+l.Name+"\x00"+strconv.Itoa(l.ID)), query) {
			continue
		}
		match = append(match, l)
	}
	page := []Loan{}
	if offset < len(match) {
		page = match[offset:min(offset+limit, len(match))]
	}
	writeJSON(w, http.StatusOK, loansAnswer{TotalRecords: len(match), Data: page})
}

// ---------------------------------------------------------------------------
// GET config/{name}
// ---------------------------------------------------------------------------

var configNames = []string{"activities", "locales", "themes", "locations"}

func (s *Server) getConfig(w http.ResponseWriter, r *http.Request, _ []byte) {
	name := r.PathValue("name")
	var list any
	switch name {
	case "activities":
		list = nonNil(s.ref.Activities)
	case "locales":
		list = nonNil(s.ref.Locales)
	case "themes":
		list = nonNil(s.ref.Themes)
	case "locations":
		list = nonNil(s.ref.Locations)
	default:
		s.fail(w, r, EndpointConfig, http.StatusNotFound,
			fmt.Sprintf("Unknown config list %q (known: %s).", name, strings.Join(configNames, ", ")), nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"as_of_date_time": s.ref.AsOf,
		name:              list,
		"code":            "api.success",
		"message":         "Successfully retrieved " + name + ".",
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
