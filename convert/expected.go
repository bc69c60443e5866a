package convert

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// A repayments report can be compared with the list of loans Kiva expects
// a repayment for (Options.Expected, from kivaconv loans or the repayments
// template). A loan ID of the report that is not in the list is an error
// at its cell: the row is rejected, since Kiva would refuse a repayment
// for a loan it does not expect. A listed loan that the report does not
// have is a warning: a borrower who repaid nothing in the period is left
// out of the report (Kiva's rules warn about zero amounts, so no 0 line is
// wanted), but a forgotten row looks the same and a person must decide.
//
// Memory: the list is in memory already; the comparison adds one bool per
// listed loan, and keeps at most maxErrors unexpected loans for the
// summary (all are counted).

// ExpectedSummary is the comparison of a repayments report with the list
// of expected loans.
type ExpectedSummary struct {
	// File is the list, as given.
	File string `json:"file"`
	// Expected is the number of loans in the list.
	Expected int `json:"expected"`
	// Missing are the listed loans the report does not have, in the list's
	// order.
	Missing []ExpectedLoan `json:"missing"`
	// Unexpected are the report's loan IDs that are not in the list, in
	// the report's order (at most maxErrors; UnexpectedCount counts all).
	Unexpected      []UnexpectedLoan `json:"unexpected"`
	UnexpectedCount int              `json:"unexpected_count"`
}

// ExpectedLoan is a listed loan missing from the report.
type ExpectedLoan struct {
	LoanID   string `json:"loan_id"`
	ClientID string `json:"client_id,omitempty"`
	Name     string `json:"name,omitempty"`
}

// UnexpectedLoan is a loan ID of the report that the list does not have,
// at the cell it was read from.
type UnexpectedLoan struct {
	LoanID string `json:"loan_id"`
	Sheet  string `json:"sheet,omitempty"` // "" for CSV
	Cell   string `json:"cell"`            // "A7"
	Row    int    `json:"row"`
	Line   int    `json:"line,omitempty"` // CSV: the line of the cell
}

// expectedCheck is the state of the comparison during a run.
type expectedCheck struct {
	found []bool // by position in the list
	name  string // the list's base name, for messages
}

// ExpectedKindError is Options.Expected given for a conversion that is not
// of repayments.
type ExpectedKindError struct {
	Input, Mapping string
	Kind           mappings.Kind
}

func (e *ExpectedKindError) Error() string {
	return fmt.Sprintf("%s: --expected compares a repayments report with the loans Kiva expects, but this file was read as %s (mapping %s): leave out --expected, or choose a repayments mapping with -m",
		filepath.Base(e.Input), kindNames[string(e.Kind)][1], e.Mapping)
}

// startExpected prepares the comparison once the mapping is known.
func (c *run) startExpected() error {
	set := c.opts.Expected
	if set == nil {
		return nil
	}
	if c.m.Kind != mappings.Repayments {
		return &ExpectedKindError{Input: c.opts.Input, Mapping: c.m.Name, Kind: c.m.Kind}
	}
	c.exp = &expectedCheck{found: make([]bool, set.Len()), name: filepath.Base(set.Path)}
	if c.exp.name == "." {
		c.exp.name = "the expected list"
	}
	c.sum.Expected = &ExpectedSummary{File: set.Path, Expected: set.Len(),
		Missing: []ExpectedLoan{}, Unexpected: []UnexpectedLoan{}}
	return nil
}

// expected records the loan ID of a report row read correctly. It returns
// false, after an error at the ID's cell, when the list does not have it.
func (c *run) expected(id value) bool {
	if c.exp == nil {
		return true
	}
	if i, ok := c.opts.Expected.Index(id.text); ok {
		c.exp.found[i] = true
		return true
	}
	s := c.sum.Expected
	s.UnexpectedCount++
	if len(s.Unexpected) < maxErrors {
		u := UnexpectedLoan{LoanID: id.text, Sheet: id.pos.Sheet, Row: id.pos.Row, Line: id.pos.Line}
		if id.pos.Row > 0 && id.pos.Col > 0 {
			u.Cell = id.pos.CellRef()
		}
		s.Unexpected = append(s.Unexpected, u)
	}
	c.issue(Issue{Severity: kiva.Error, Pos: id.pos, Column: id.col, Field: mappings.FLoanID, Value: id.raw, Record: id.text,
		Message: fmt.Sprintf("loan %s is not in %s, the list of loans Kiva expects a repayment for", id.text, c.exp.name),
		Hint: values.OrForSetup("check the loan ID against the MIS",
			"for a loan disbursed since the list was made, make a fresh list with kivaconv loans or kivaconv template repayments")})
	return false
}

// missingExpected warns about every listed loan the report did not have,
// once all rows are read. l locates the warnings on the report's sheet.
func (c *run) missingExpected(l *layout) {
	if c.exp == nil {
		return
	}
	set := c.opts.Expected
	for i, seen := range c.exp.found {
		if seen {
			continue
		}
		e := set.At(i)
		c.sum.Expected.Missing = append(c.sum.Expected.Missing, ExpectedLoan{LoanID: e.LoanID, ClientID: e.ClientID, Name: e.Name})
		var who []string
		if e.ClientID != "" {
			who = append(who, "client "+e.ClientID)
		}
		if e.Name != "" {
			who = append(who, e.Name)
		}
		desc := "loan " + e.LoanID
		if len(who) > 0 {
			desc += " (" + strings.Join(who, ", ") + ")"
		}
		c.issue(Issue{Severity: kiva.Warning, Pos: input.Pos{File: l.file, Sheet: l.sheet}, Value: e.LoanID, Record: e.LoanID,
			Message: desc + " is in " + c.exp.name + " but not in this report",
			Hint:    "leave it out if the borrower repaid nothing this period; otherwise add a row with the amount repaid"})
	}
}

// expectedText is the summary line of the comparison.
func expectedText(e *ExpectedSummary) string {
	return fmt.Sprintf("  expected:  %d loan(s) in %s: %d missing from this report, %d not expected\n",
		e.Expected, filepath.Base(e.File), len(e.Missing), e.UnexpectedCount)
}
