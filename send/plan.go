package send

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/history"
	"github.com/kiva-partners/kivaconv/kiva"
)

// Status is what the plan says of a batch file before sending.
type Status string

const (
	StatusPending     Status = "pending"      // never sent to this API and partner: will be sent
	StatusRetry       Status = "retry"        // an earlier attempt failed without effect: will be sent again
	StatusSent        Status = "already_sent" // accepted earlier: not sent again
	StatusUnconfirmed Status = "unconfirmed"  // answer lost earlier: sent again only with ResendUnconfirmed
	StatusConflict    Status = "conflict"     // sent earlier with other content under this name: not sent
	StatusInvalid     Status = "invalid"      // breaks a rule, or unreadable: not sent
)

// Folder is one batch folder as Prepare found it.
type Folder struct {
	Dir      string
	Manifest *batch.Manifest
	Items    []*Item
	// Errors refuse the folder (nothing from it is sent) unless
	// Options.Partial allows sending its valid files; Warnings do not.
	Errors   []string
	Warnings []string
	// Refused is set when the folder will not be sent at all.
	Refused bool
	// Repeats are loans of its repayments that another upload to the
	// target reported within RepeatWindow (from the send history).
	Repeats []Repeat
}

// Item is one batch file of a folder.
type Item struct {
	File    string
	Kind    string
	Records int
	SHA256  string // of the file as validated now
	Edited  bool   // differs from the manifest's sha256
	Totals  []batch.Total
	Status  Status
	// Prior is the ledger's last word on the file, when there is one.
	Prior *batch.LedgerEntry
	// Why explains an invalid or conflict status, or a reviewer's edit.
	Why []string
	// LoanID names a loan draft for messages.
	LoanID string
	// Borrowers are a loan draft's borrowers, "client_id/loan_id".
	Borrowers []string
	// LoanIDs are the loans a batch names (a draft's, or a repayments or
	// journals batch's).
	LoanIDs []string
}

// Path is the item's file path.
func (f *Folder) Path(it *Item) string { return filepath.Join(f.Dir, it.File) }

// willSend reports whether the item is to be posted.
func (it *Item) willSend(resendUnconfirmed bool) bool {
	switch it.Status {
	case StatusPending, StatusRetry:
		return true
	case StatusUnconfirmed:
		return resendUnconfirmed
	}
	return false
}

// wasUnconfirmed reports whether the ledger's last word on the item is
// that its answer was lost (or the program stopped while it was in
// flight).
func (it *Item) wasUnconfirmed() bool {
	return it.Prior != nil && (it.Prior.State == batch.StateUnconfirmed || it.Prior.State == batch.StateSending)
}

// Prepare reads and checks one folder: manifest, batch files against it,
// every file's content against the rules, and the ledger's states for
// target. It returns an error only when the folder cannot be read at all
// (no manifest, a damaged ledger); problems with batch files are in the
// Folder.
func Prepare(dir string, rules kiva.Rules, target batch.Target, partial bool) (*Folder, error) {
	return prepare(dir, rules, target, partial, nil)
}

// prepare is Prepare, consulting the send history when h is not nil.
func prepare(dir string, rules kiva.Rules, target batch.Target, partial bool, h *histCheck) (*Folder, error) {
	m, err := batch.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	folder := history.FolderID(dir)
	entries, err := batch.ReadLedger(dir)
	if err != nil {
		// A damaged ledger of a folder the history says was sent from.
		msg, herr := h.lostLedger(dir, folder, "damaged ("+err.Error()+")")
		if herr != nil || msg == "" {
			return nil, err
		}
		return &Folder{Dir: dir, Manifest: m, Errors: []string{msg}, Refused: true}, nil
	}
	if len(entries) == 0 {
		msg, err := h.lostLedger(dir, folder, "missing or empty")
		if err != nil {
			return nil, err
		}
		if msg != "" {
			return &Folder{Dir: dir, Manifest: m, Errors: []string{msg}, Refused: true}, nil
		}
	}
	f := &Folder{Dir: dir, Manifest: m}
	if !m.Complete {
		msg := fmt.Sprintf("the conversion rejected %d row(s) (see %s): fix them and convert again, or send the valid batches with --partial",
			m.Counts.RowsRejected, filepath.Join(dir, batch.ErrorsFile))
		if partial {
			f.Warnings = append(f.Warnings, "partial conversion: "+msg)
		} else {
			f.Errors = append(f.Errors, msg)
		}
	}
	if len(m.Batches) == 0 {
		f.Warnings = append(f.Warnings, "the manifest lists no batch file: nothing to send")
	}
	if rules.Currency == "" && len(m.Totals) == 1 {
		rules.Currency = m.Totals[0].Currency
	}
	// A reviewer's edit is allowed (the file is re-validated below); a
	// missing file, or a batch-named file the manifest does not list, is
	// reported.
	edited := map[string]bool{}
	for _, e := range m.Verify(dir) {
		var be *batch.BatchError
		switch {
		case errors.As(e, &be) && errors.Is(e, batch.ErrBatchModified):
			edited[be.File] = true
		case errors.As(e, &be) && errors.Is(e, batch.ErrBatchUnlisted):
			f.Warnings = append(f.Warnings, e.Error())
		default:
			f.Errors = append(f.Errors, e.Error())
		}
	}
	byFile, sentSHA := batch.LedgerStates(entries, target)
	sentBorrowers := batch.SentBorrowers(entries, target)
	v := newValidator(rules)
	for _, b := range m.Batches {
		it := &Item{File: b.File, Kind: b.Kind, Records: b.Records, Edited: edited[b.File]}
		f.Items = append(f.Items, it)
		if len(b.LoanIDs) == 1 {
			it.LoanID = b.LoanIDs[0]
		}
		if st, ok := byFile[b.File]; ok {
			last := st.Last
			it.Prior = &last
		}
		data, err := os.ReadFile(filepath.Join(dir, b.File))
		if err != nil {
			it.Status = StatusInvalid
			it.Why = append(it.Why, err.Error())
			continue
		}
		it.SHA256 = batch.SHA256(data)
		if it.Edited {
			it.Why = append(it.Why, fmt.Sprintf("edited after convert (sha256 %s, manifest says %s); re-validated", short(it.SHA256), short(b.SHA256)))
		}
		// The ledger first: a file already accepted is never sent again,
		// whatever it holds now.
		if st, ok := byFile[b.File]; ok && st.State == batch.StateSent {
			if st.SentSHA256 == it.SHA256 {
				it.Status = StatusSent
			} else {
				it.Status = StatusConflict
				it.Why = append(it.Why, fmt.Sprintf("was sent on %s with other content (sha256 %s); it now holds %s. It is not sent again: if the change is needed, make it in PA2",
					stamp(st.Last.Time), short(st.SentSHA256), short(it.SHA256)))
			}
			continue
		}
		if e, ok := sentSHA[it.SHA256]; ok {
			it.Status = StatusSent
			it.Prior = &e
			it.Why = append(it.Why, "the same content was sent as "+e.File)
			continue
		}
		probs, count, totals := v.check(b.File, b.Kind, data)
		it.Totals = totals
		it.Borrowers = v.borrowers
		it.LoanIDs = v.loans
		if b.Kind == batch.KindLoanDraft {
			it.LoanIDs = b.LoanIDs
		}
		if count >= 0 && count != b.Records && !it.Edited {
			probs = append(probs, fmt.Sprintf("holds %d record(s), the manifest says %d", count, b.Records))
		}
		if count >= 0 {
			it.Records = count
		}
		if len(probs) > 0 {
			it.Status = StatusInvalid
			it.Why = append(it.Why, probs...)
			if it.wasUnconfirmed() {
				it.Why = append(it.Why, "an earlier send of it is unconfirmed: check PA2; if it is there, run send --mark-sent "+b.File)
			}
			continue
		}
		if dup := alreadySent(it.Borrowers, sentBorrowers); dup != "" {
			// Another draft of the same loan was accepted (the folder was
			// converted again and the draft changed, or moved to another
			// file): a second draft would duplicate the loan in PA2.
			e := sentBorrowers[dup]
			it.Status = StatusConflict
			it.Why = append(it.Why, fmt.Sprintf("borrower %s was already sent in %s on %s; a second draft would duplicate the loan in PA2: make the change there", dup, e.File, stamp(e.Time)))
			continue
		}
		if err := h.check(f, folder, it); err != nil {
			return nil, err
		}
		if it.Status == StatusConflict {
			continue
		}
		switch st := byFile[b.File]; st.State {
		case batch.StateUnconfirmed:
			it.Status = StatusUnconfirmed
		case batch.StateFailed:
			it.Status = StatusRetry
		default:
			it.Status = StatusPending
		}
	}
	for _, it := range f.Items {
		if it.Status == StatusInvalid || it.Status == StatusConflict {
			msg := it.File + ": " + strings.Join(it.Why, "; ")
			if partial || it.Status == StatusConflict {
				f.Warnings = append(f.Warnings, msg+" (not sent)")
			} else {
				f.Errors = append(f.Errors, msg)
			}
		}
	}
	if len(f.Errors) > 0 && !partial {
		f.Refused = true
	}
	return f, nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "an earlier run"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// validator re-checks batch files: their JSON shape, the rules of each
// record, and the rules across a folder's files (a loan repaid twice in
// one report).
type validator struct {
	rules kiva.Rules
	// borrowers are the last loan draft's borrowers (draftBorrowers).
	borrowers []string
	// loans are the last repayments or journals batch's loan ids.
	loans []string
	// repaid maps a repayment's loan id to the file that has it.
	repaid map[string]string
}

func newValidator(r kiva.Rules) *validator {
	return &validator{rules: r, repaid: map[string]string{}}
}

// alreadySent returns the first of borrowers found in sent, or "".
func alreadySent(borrowers []string, sent map[string]batch.LedgerEntry) string {
	for _, b := range borrowers {
		if _, ok := sent[b]; ok {
			return b
		}
	}
	return ""
}

// draftBorrowers lists a draft's borrowers as "client_id/loan_id"; a
// borrower without both ids is left out (the rules report it).
func draftBorrowers(d *kiva.LoanDraft) []string {
	var out []string
	for _, e := range d.Entreps {
		if e.ClientID != "" && e.LoanID != "" {
			out = append(out, e.ClientID+"/"+e.LoanID)
		}
	}
	return out
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields: a reviewer's typo in a field name would otherwise be sent, or be
// silently dropped.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err == nil {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// check validates one file's content. It returns the problems (blocking
// ones only), the number of records (-1 when the file could not be
// decoded) and the file's totals.
func (v *validator) check(file, kind string, data []byte) (probs []string, records int, totals []batch.Total) {
	v.borrowers, v.loans = nil, nil
	var ts batch.Totals
	ruleProblems := func(prefix string, ps []kiva.Problem) {
		for _, p := range ps {
			if p.Severity != kiva.Error {
				continue
			}
			where := prefix
			if p.Path != "" {
				if where != "" {
					where += "."
				}
				where += p.Path
			}
			msg := p.Message
			if where != "" {
				msg = where + ": " + msg
			}
			probs = append(probs, msg)
		}
	}
	switch kind {
	case batch.KindLoanDraft:
		var d kiva.LoanDraft
		if err := decodeStrict(data, &d); err != nil {
			return []string{"not a loan draft: " + err.Error()}, -1, nil
		}
		ruleProblems("", v.rules.LoanDraft(&d))
		v.borrowers = draftBorrowers(&d)
		ts.Add(d.Currency, d.Total())
		return probs, 1, ts.Sorted()
	case batch.KindRepayments:
		var body kiva.RepaymentsBody
		if err := decodeStrict(data, &body); err != nil {
			return []string{`not a repayments batch ({"repayments": [...]}): ` + err.Error()}, -1, nil
		}
		if body.Repayments == nil {
			return []string{`no "repayments" list`}, -1, nil
		}
		if n := len(body.Repayments); n > batch.MaxBatchSize {
			probs = append(probs, fmt.Sprintf("%d repayments in one batch; Kiva takes at most %d per call", n, batch.MaxBatchSize))
		}
		for i, r := range body.Repayments {
			prefix := fmt.Sprintf("repayments[%d]", i)
			ruleProblems(prefix, v.rules.Repayment(r))
			if r.LoanID != "" {
				if other, dup := v.repaid[r.LoanID]; dup {
					probs = append(probs, fmt.Sprintf("%s: loan %s is repaid twice in this report (also in %s)", prefix, r.LoanID, other))
				} else {
					v.repaid[r.LoanID] = file + " " + prefix
				}
			}
			ts.Add(v.rules.Currency, r.Amount)
			if r.LoanID != "" {
				v.loans = append(v.loans, r.LoanID)
			}
		}
		return probs, len(body.Repayments), ts.Sorted()
	case batch.KindJournals:
		var js []kiva.Journal
		trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
		if len(trimmed) > 0 && trimmed[0] == '{' {
			var body kiva.JournalsBody
			if err := decodeStrict(data, &body); err != nil {
				return []string{`not a journals batch: ` + err.Error()}, -1, nil
			}
			js = body.Journals
		} else if err := decodeStrict(data, &js); err != nil {
			return []string{`not a journals batch: ` + err.Error()}, -1, nil
		}
		if len(js) == 0 {
			probs = append(probs, "no journal in the batch")
		}
		for i, j := range js {
			ruleProblems(fmt.Sprintf("journals[%d]", i), v.rules.Journal(j))
			if j.InternalLoanID != "" {
				v.loans = append(v.loans, j.InternalLoanID)
			}
		}
		return probs, len(js), nil
	}
	return []string{"unknown kind " + kind}, -1, nil
}
