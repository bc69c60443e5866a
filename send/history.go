package send

import (
	"fmt"
	"strings"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/history"
)

// RepeatWindow is how far back a loan reported by another repayments
// upload makes a new report of it a repeat, sent only with AllowRepeat.
const RepeatWindow = 25 * 24 * time.Hour

// Repeat is a loan of a repayments batch that another upload to the same
// target already reported within RepeatWindow.
type Repeat struct {
	Dir, File, LoanID string
	Prior             history.Request
}

// RepeatError is returned by Run when loans would be reported again within
// RepeatWindow without Options.AllowRepeat: nothing was sent.
type RepeatError struct{ Repeats []Repeat }

func (e *RepeatError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d loan(s) were already reported by another repayments upload in the last %d days:", len(e.Repeats), int(RepeatWindow.Hours()/24))
	for _, r := range e.Repeats {
		fmt.Fprintf(&b, "\n  - %s %s: loan %s, reported on %s from %s (%s)", r.Dir, r.File, r.LoanID, stamp(r.Prior.Time), r.Prior.Folder, r.Prior.File)
	}
	b.WriteString("\nIf these repayments are new, send again with --allow-repeat. Nothing was sent.")
	return b.String()
}

// histCheck is what Prepare needs to consult the send history.
type histCheck struct {
	db  *history.DB
	t   history.Target
	now time.Time
}

// importLedger reads a folder's ledger into the history (the first time
// send sees the folder, or on rebuild).
func importLedger(db *history.DB, dir string, now time.Time) error {
	recs, err := LedgerRecords(dir)
	if err != nil {
		return err
	}
	return db.Import(history.FolderID(dir), recs, now)
}

// LedgerRecords folds a folder's ledger into history requests: per target,
// the last state of each file (sent, failed or unconfirmed).
func LedgerRecords(dir string) ([]history.Imported, error) {
	entries, err := batch.ReadLedger(dir)
	if err != nil {
		return nil, err
	}
	kinds := map[string]batch.Batch{}
	if m, err := batch.ReadManifest(dir); err == nil {
		for _, b := range m.Batches {
			kinds[b.File] = b
		}
	}
	type key struct{ api, partner string }
	seen := map[key]batch.LedgerEntry{}
	var order []key
	for _, e := range entries {
		k := key{history.NormalizeAPI(e.APIURL), e.PartnerID}
		if _, ok := seen[k]; !ok {
			order = append(order, k)
		}
		seen[k] = e
	}
	var out []history.Imported
	for _, k := range order {
		last := seen[k]
		t := history.NewTarget(last.APIURL, k.partner, "", last.Env)
		byFile, _ := batch.LedgerStates(entries, batch.Target{APIURL: last.APIURL, PartnerID: k.partner})
		for file, st := range byFile {
			b := kinds[file]
			kind := b.Kind
			if kind == "" {
				kind = "unknown"
			}
			r := history.Request{
				Time: st.Last.Time, File: file, Kind: kind, SHA256: st.Last.SHA256, Records: b.Records,
				LoanIDs: b.LoanIDs, State: st.State, Error: st.Last.Error, Borrowers: st.Last.Borrowers,
			}
			if st.State == batch.StateSent {
				r.SHA256 = st.SentSHA256
			}
			out = append(out, history.Imported{Target: t, Request: r})
		}
	}
	return out, nil
}

// Rebuild re-imports the ledgers of dirs into the history.
func Rebuild(db *history.DB, dirs []string, now time.Time) error {
	for _, d := range dirs {
		if err := importLedger(db, d, now); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
	}
	return nil
}

// lostLedger explains a folder whose ledger is gone while the history
// says it was sent from; "" when there is nothing to say.
func (h *histCheck) lostLedger(dir, folder, what string) (string, error) {
	if h == nil {
		return "", nil
	}
	prior, err := h.db.FolderSent(folder)
	if err != nil || prior == nil {
		return "", err
	}
	return fmt.Sprintf("its %s is %s, but the send history (%s) says %s was sent from this folder on %s to %s (partner %s): without the ledger send cannot tell what Kiva already has, and could post it all twice. Restore the ledger from a backup and run `kivaconv history rebuild %s`, or convert into a new folder (drafts and batches already sent are then refused by the history). Nothing was sent",
		batch.LedgerFile, what, h.db.Path, prior.File, stamp(prior.Time), prior.APIURL, prior.PartnerID, dir), nil
}

// check consults the history for one item that the ledger would send.
func (h *histCheck) check(f *Folder, folder string, it *Item) error {
	if h == nil || h.t.PartnerID == "" {
		return nil
	}
	prior, err := h.db.SameContent(h.t, folder, it.SHA256)
	if err != nil {
		return err
	}
	if prior != nil {
		it.Status = StatusConflict
		how := "was sent"
		if prior.State != history.StateSent {
			how = "may have been sent (its answer was lost)"
		}
		it.Why = append(it.Why, fmt.Sprintf("the same content %s to this target from %s (%s) on %s; it is not sent twice", how, prior.Folder, prior.File, stamp(prior.Time)))
		return nil
	}
	for _, b := range it.Borrowers {
		prior, err := h.db.SentBorrower(h.t, folder, b)
		if err != nil {
			return err
		}
		if prior != nil {
			it.Status = StatusConflict
			it.Why = append(it.Why, fmt.Sprintf("borrower %s was already sent to this target from %s (%s) on %s; a second draft would duplicate the loan in PA2: make the change there", b, prior.Folder, prior.File, stamp(prior.Time)))
			return nil
		}
	}
	if it.Kind == batch.KindRepayments {
		reps, err := h.db.RecentLoans(h.t, it.Kind, it.SHA256, h.now.Add(-RepeatWindow), it.LoanIDs)
		if err != nil {
			return err
		}
		for _, r := range reps {
			f.Repeats = append(f.Repeats, Repeat{Dir: f.Dir, File: it.File, LoanID: r.LoanID, Prior: r.Prior})
		}
	}
	return nil
}
