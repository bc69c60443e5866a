package sandbox

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// TestEmbeddedReferenceMatchesSamples: the embedded reference data is a
// byte-for-byte copy of samples/reference.json (copy it again when the
// samples change).
func TestEmbeddedReferenceMatchesSamples(t *testing.T) {
	embedded, err := data.ReadFile("data/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(embedded, readSample(t, "reference.json")) {
		t.Error("sandbox/data/reference.json differs from samples/reference.json: cp samples/reference.json sandbox/data/")
	}
}

// TestLoansCoverSamples reads the sample reports with kivaconv's own
// converter and checks that every loan they name is in the sandbox's loans
// list as payingBack or defaulted, with the client ID the samples give, so
// the samples and the sandbox never drift apart.
func TestLoansCoverSamples(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := kiva.LoadReference(filepath.Join("..", "..", "samples", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	type use struct{ loanID, clientID string }
	var uses []use
	for _, name := range []string{"repayments.xlsx", "repayments.csv", "journals.xlsx"} {
		sum, err := convert.Run(context.Background(), convert.Options{
			Input:      filepath.Join("..", "..", "samples", name),
			Mode:       convert.DryRun,
			Candidates: mappings.Embedded(),
			Reference:  ref,
			Today:      sampleToday,
			Preview:    1 << 20,
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sum.Errors != 0 || sum.Records == 0 {
			t.Fatalf("%s: %d records, %d errors", name, sum.Records, sum.Errors)
		}
		n := 0
		for _, p := range sum.Preview {
			switch v := p.(type) {
			case kiva.RepaymentsBody:
				for _, r := range v.Repayments {
					uses = append(uses, use{r.LoanID, r.ClientID})
					n++
				}
			case []kiva.Journal:
				for _, j := range v {
					uses = append(uses, use{j.InternalLoanID, j.InternalClientID})
					n++
				}
			case kiva.JournalsBody:
				for _, j := range v.Journals {
					uses = append(uses, use{j.InternalLoanID, j.InternalClientID})
					n++
				}
			default:
				t.Fatalf("%s: unexpected preview %T", name, p)
			}
		}
		if n != sum.Records {
			t.Fatalf("%s: saw %d of %d records", name, n, sum.Records)
		}
	}
	if len(uses) < 20 {
		t.Fatalf("only %d loans found in the samples", len(uses))
	}
	for _, u := range uses {
		l := s.byLoan[u.loanID]
		switch {
		case l == nil:
			t.Errorf("loan %s of the samples is not in sandbox/data/loans.json", u.loanID)
		case !repayable(l.Status):
			t.Errorf("loan %s is %s in the sandbox; the samples report repayments or journals for it", u.loanID, l.Status)
		case u.clientID != "" && u.clientID != l.InternalClientID:
			t.Errorf("loan %s: client %s in the samples, %s in the sandbox", u.loanID, u.clientID, l.InternalClientID)
		}
	}
}

// TestLoansListWellFormed: ids unique, statuses known, amounts exact.
func TestLoansListWellFormed(t *testing.T) {
	loans, err := embeddedLoans()
	if err != nil {
		t.Fatal(err)
	}
	ids, internal := map[int]bool{}, map[string]bool{}
	statuses := map[string]int{}
	for _, l := range loans {
		if ids[l.ID] || internal[l.InternalLoanID] {
			t.Errorf("loan %d / %s listed twice", l.ID, l.InternalLoanID)
		}
		ids[l.ID], internal[l.InternalLoanID] = true, true
		statuses[l.Status]++
		known := false
		for _, s := range loanStatuses {
			known = known || s == l.Status
		}
		if !known {
			t.Errorf("loan %s: unknown status %q", l.InternalLoanID, l.Status)
		}
		if _, err := kiva.ParseAmount(l.LoanAmount); err != nil || l.Currency != "KES" || l.Name == "" || l.InternalClientID == "" {
			t.Errorf("loan %+v is incomplete", l)
		}
	}
	for _, st := range []string{"payingBack", "defaulted", "fundRaising", "ended"} {
		if statuses[st] == 0 {
			t.Errorf("no %s loan: status filtering would not show", st)
		}
	}
}
