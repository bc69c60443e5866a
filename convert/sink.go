package convert

import (
	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/kiva"
)

// sink receives the valid records, in order.
type sink interface {
	loanDraft(d *kiva.LoanDraft) error
	repayment(r kiva.Repayment, currency string) error
	journal(j kiva.Journal) error
	close(c *run) error
	abort() // after a failure: leave no half-made output
}

// writerSink writes the batch folder.
type writerSink struct{ w *batch.Writer }

func (s *writerSink) loanDraft(d *kiva.LoanDraft) error { _, err := s.w.AddLoanDraft(d); return err }
func (s *writerSink) repayment(r kiva.Repayment, cur string) error {
	return s.w.AddRepayment(r, cur)
}
func (s *writerSink) journal(j kiva.Journal) error { return s.w.AddJournal(j) }

func (s *writerSink) abort() { s.w.Abort() }

// close commits the batches and errors.csv, streamed as the issues were
// found (the manifest is written last by Close), then writes the report,
// which names the batches.
func (s *writerSink) close(c *run) error {
	man, err := s.w.Close(c.manifestInfo())
	if err != nil {
		return err
	}
	for _, b := range man.Batches {
		c.sum.Batches = append(c.sum.Batches, b.File)
	}
	c.sum.Totals = man.Totals // the writer sums what it wrote
	return s.w.WriteReport(Report(c.sum))
}

// previewSink keeps the first records for a dry run, and the totals.
type previewSink struct {
	max     int
	sum     *Summary
	wrapped bool
	reps    []kiva.Repayment
	jours   []kiva.Journal
	totals  batch.Totals
}

func (s *previewSink) loanDraft(d *kiva.LoanDraft) error {
	s.totals.Add(d.Currency, d.Total())
	if len(s.sum.Preview) < s.max {
		s.sum.Preview = append(s.sum.Preview, d)
	}
	return nil
}

func (s *previewSink) repayment(r kiva.Repayment, currency string) error {
	s.totals.Add(currency, r.Amount)
	if len(s.reps) < s.max {
		s.reps = append(s.reps, r)
	}
	return nil
}

func (s *previewSink) journal(j kiva.Journal) error {
	if len(s.jours) < s.max {
		s.jours = append(s.jours, j)
	}
	return nil
}

func (s *previewSink) abort() {}

// close shapes the kept records like the batch bodies they would become.
func (s *previewSink) close(*run) error {
	s.sum.Totals = s.totals.Sorted()
	switch {
	case s.reps != nil:
		s.sum.Preview = append(s.sum.Preview, kiva.RepaymentsBody{Repayments: s.reps})
	case s.jours != nil && s.wrapped:
		s.sum.Preview = append(s.sum.Preview, kiva.JournalsBody{Journals: s.jours})
	case s.jours != nil:
		s.sum.Preview = append(s.sum.Preview, s.jours)
	}
	return nil
}
