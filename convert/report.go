package convert

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/mappings"
)

// IsInputError reports whether err is about the input or the mapping (the
// user can fix it) rather than an unexpected failure.
func IsInputError(err error) bool {
	var he *headerError
	var se *mappings.SelectError
	return errors.As(err, &he) || errors.As(err, &se) || errors.Is(err, ErrNoData)
}

var kindNames = map[string][2]string{
	string(mappings.LoanDraft):  {"loan draft", "loan drafts"},
	string(mappings.Repayments): {"repayment", "repayments"},
	string(mappings.Journals):   {"journal", "journals"},
}

func plural(n int, kind string) string {
	names, ok := kindNames[kind]
	if !ok {
		names = [2]string{"record", "records"}
	}
	if n == 1 {
		return "1 " + names[0]
	}
	return fmt.Sprintf("%d %s", n, names[1])
}

// Report is the human summary written to report.txt and printed by
// convert: what was read, what was written, what was rejected and why.
func Report(s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kivaconv report for %s\n", filepath.Base(s.Input))
	fmt.Fprintf(&b, "  mapping:   %s (%s)\n", s.Mapping, s.MappingFrom)
	if s.Sheet != "" {
		fmt.Fprintf(&b, "  sheet:     %s, header on row %d\n", s.Sheet, s.HeaderRow)
	} else {
		fmt.Fprintf(&b, "  header:    row %d\n", s.HeaderRow)
	}
	fmt.Fprintf(&b, "  rows read: %d\n", s.Rows)
	fmt.Fprintf(&b, "  written:   %s\n", plural(s.Records, s.Kind))
	fmt.Fprintf(&b, "  rejected:  %d row(s)\n", s.Rejected)
	fmt.Fprintf(&b, "  problems:  %d error(s), %d warning(s)\n", s.Errors, s.Warnings)
	for _, t := range s.Totals {
		cur := t.Currency
		if cur == "" {
			cur = "(currency not given)"
		}
		fmt.Fprintf(&b, "  total:     %s %s in %s\n", cur, t.Amount, plural(t.Records, s.Kind))
	}
	if len(s.Unmapped) > 0 {
		fmt.Fprintf(&b, "  unmapped columns (ignored): %s\n", strings.Join(s.Unmapped, ", "))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	if s.OutDir != "" {
		fmt.Fprintf(&b, "  output:    %s\n", s.OutDir)
		switch len(s.Batches) {
		case 0:
			fmt.Fprintf(&b, "  batches:   none\n")
		case 1:
			fmt.Fprintf(&b, "  batches:   %s\n", s.Batches[0])
		default:
			fmt.Fprintf(&b, "  batches:   %d files, %s … %s\n", len(s.Batches), s.Batches[0], s.Batches[len(s.Batches)-1])
		}
	}
	if len(s.Issues) > 0 {
		b.WriteString("\nProblems (each at its cell):\n")
		for _, i := range s.Issues {
			b.WriteString("  " + i.Text() + "\n")
		}
		if s.IssuesTruncated > 0 {
			fmt.Fprintf(&b, "  … and %d more not listed\n", s.IssuesTruncated)
		}
	}
	return b.String()
}

// FriendlySummary is the few lines a coordinator reads after dropping a
// workbook on kivaconv.exe.
func FriendlySummary(s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s: %s ready for review", filepath.Base(s.Input), plural(s.Records, s.Kind))
	if s.OutDir != "" {
		fmt.Fprintf(&b, " in\n  %s\n", s.OutDir)
	} else {
		b.WriteString("\n")
	}
	for _, t := range s.Totals {
		if t.Currency != "" {
			fmt.Fprintf(&b, "Total: %s %s\n", t.Currency, t.Amount)
		}
	}
	if s.Rejected > 0 {
		fmt.Fprintf(&b, "%d row(s) have problems and were NOT converted.\n", s.Rejected)
		b.WriteString("Fix the cells listed above in the workbook, save it, and drop it on kivaconv again.\n")
	}
	if s.Warnings > 0 {
		fmt.Fprintf(&b, "%d warning(s): things to check before publishing in PA2 (listed above and in report.txt).\n", s.Warnings)
	}
	if s.Rejected == 0 && s.Warnings == 0 {
		b.WriteString("No problems found.\n")
	}
	return b.String()
}

// errorRows turns issues into the rows of errors.csv.
func errorRows(issues []Issue) []batch.ErrorRow {
	rows := make([]batch.ErrorRow, 0, len(issues))
	for _, i := range issues {
		r := batch.ErrorRow{File: filepath.Base(i.Pos.File), Sheet: i.Pos.Sheet, Row: i.Pos.Row,
			Column: i.Column, Field: i.Field, Value: i.Value, Severity: i.Severity.String(), Message: i.Message}
		if i.Pos.Row > 0 && i.Pos.Col > 0 {
			r.Cell = i.Pos.CellRef()
		}
		if i.Hint != "" {
			r.Message += " (" + i.Hint + ")"
		}
		rows = append(rows, r)
	}
	return rows
}

// manifestInfo is what the manifest records beside the batches.
func (c *run) manifestInfo() batch.ManifestInfo {
	return batch.ManifestInfo{
		ToolVersion: c.opts.Version,
		Source:      batch.Source{Name: filepath.Base(c.opts.Input), SHA256: c.sum.InputSHA256},
		Mapping:     batch.MappingInfo{Name: c.m.Name, Source: c.m.Source, SHA256: c.m.SHA256},
		Counts: batch.Counts{RowsRead: c.sum.Rows, RecordsWritten: c.sum.Records, RowsRejected: c.sum.Rejected,
			Errors: c.sum.Errors, Warnings: c.sum.Warnings},
	}
}
