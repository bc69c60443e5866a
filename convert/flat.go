package convert

import (
	"fmt"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// Repayments and journals are flat: one row, one record. They stream.

// where maps a rule's JSON path to the cell of the field it came from.
func (l *layout) where(r *input.Row, vals []value, paths map[string]string) func(string) (input.Pos, string, string) {
	return func(path string) (input.Pos, string, string) {
		if key, ok := paths[path]; ok {
			if i, ok := l.index[key]; ok && vals[i].pos.Row != 0 {
				return vals[i].pos, vals[i].col, vals[i].raw
			}
		}
		return l.pos(r, -1), "", ""
	}
}

func (c *run) repayments(p *sheetPlan) error {
	l := p.layout
	vals := make([]value, len(l.fields))
	loanI, clientI, amountI := l.index[mappings.FLoanID], l.index[mappings.FClientID], l.index[mappings.FAmount]
	_, hasClient := l.index[mappings.FClientID]
	var seen seenIDs
	seen.reserve(p.estimateRows(c.book))
	// Duplicates are found by "row" in a workbook and by line in a text
	// file, the way each is shown to the user.
	where := "row"
	if c.book.Format() == input.CSV {
		where = "line"
	}
	paths := map[string]string{"loan_id": mappings.FLoanID, "client_id": mappings.FClientID, "amount": mappings.FAmount}
	err := c.dataRows(l, p.head, func(r *input.Row) error {
		ok := c.rowValues(l, r, vals)
		// A loan id read correctly counts for duplicates even when its row
		// is rejected: fixing that row must not reveal a new duplicate.
		var dupOf int
		unexpected := false
		if id := vals[loanI]; id.set && id.text != "" {
			at := r.Number
			if id.pos.Line > 0 {
				at = id.pos.Line
			}
			if first, dup := seen.first(id.text, at); dup {
				dupOf = first
			}
			unexpected = !c.expected(id)
		}
		if !ok {
			c.sum.Rejected++
			return nil
		}
		rep := kiva.Repayment{LoanID: vals[loanI].text, Amount: vals[amountI].num}
		if c.rules.ThreeColumn && hasClient {
			rep.ClientID = vals[clientI].text
		}
		bad := c.problems(c.rules.Repayment(rep), rep.LoanID, l.where(r, vals, paths))
		if dupOf > 0 {
			c.issue(Issue{Severity: kiva.Error, Pos: vals[loanI].pos, Column: vals[loanI].col, Field: mappings.FLoanID,
				Value: vals[loanI].raw, Record: rep.LoanID,
				Message: fmt.Sprintf("loan %s is already reported on %s %d", rep.LoanID, where, dupOf),
				Hint:    "a report lists each loan once: add the two amounts in one row and delete the other"})
			bad = true
		}
		if bad || unexpected {
			c.sum.Rejected++
			return nil
		}
		c.sum.Records++
		return c.out.repayment(rep, c.m.Currency)
	})
	if err == nil {
		c.missingExpected(l)
	}
	return err
}

func (c *run) journals(p *sheetPlan) error {
	l := p.layout
	vals := make([]value, len(l.fields))
	idx := func(k string) int {
		if i, ok := l.index[k]; ok {
			return i
		}
		return -1
	}
	loanI, clientI, subjI, bodyI, imgI := idx(mappings.FLoanID), idx(mappings.FClientID), idx(mappings.FSubject), idx(mappings.FBody), idx(mappings.FImageURL)
	text := func(i int) string {
		if i < 0 {
			return ""
		}
		return vals[i].text
	}
	paths := map[string]string{"internal_loan_id": mappings.FLoanID, "internal_client_id": mappings.FClientID,
		"subject": mappings.FSubject, "body": mappings.FBody, "image_url": mappings.FImageURL}
	return c.dataRows(l, p.head, func(r *input.Row) error {
		if !c.rowValues(l, r, vals) {
			c.sum.Rejected++
			return nil
		}
		j := kiva.Journal{InternalLoanID: text(loanI), Subject: text(subjI), Body: text(bodyI), ImageURL: text(imgI)}
		if c.rules.ThreeColumn {
			j.InternalClientID = text(clientI)
		}
		if c.problems(c.rules.Journal(j), j.InternalLoanID, l.where(r, vals, paths)) {
			c.sum.Rejected++
			return nil
		}
		c.sum.Records++
		return c.out.journal(j)
	})
}
