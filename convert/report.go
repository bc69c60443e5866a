package convert

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// IsInputError reports whether err is about the input or the mapping (the
// user can fix it) rather than an unexpected failure.
func IsInputError(err error) bool {
	var he *headerError
	var se *mappings.SelectError
	var ke *ExpectedKindError
	var oe *OtherSourceError
	return errors.As(err, &he) || errors.As(err, &se) || errors.As(err, &ke) || errors.As(err, &oe) || errors.Is(err, ErrNoData) || input.IsInputError(err)
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

// Report is report.txt: the summary, then every problem at its cell.
func Report(s *Summary) string {
	var b strings.Builder
	b.WriteString(SummaryText(s))
	if len(s.Issues) > 0 {
		b.WriteString("\nProblems (each at its cell):\n")
		for _, i := range s.Issues {
			b.WriteString("  " + i.Text() + "\n")
		}
		if s.IssuesTruncated > 0 {
			fmt.Fprintf(&b, "  … and %d more not listed here (%s lists every problem)\n", s.IssuesTruncated, batch.ErrorsFile)
		}
	}
	return b.String()
}

// SummaryText is what was read, what was (or would be) written and how
// many problems there are, without the list of problems.
func SummaryText(s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kivaconv report for %s\n", filepath.Base(s.Input))
	b.WriteString(DriftText(s))
	if s.MappingBeside {
		fmt.Fprintf(&b, "  mapping:   %s (%s, found beside the file)\n", s.Mapping, s.MappingFrom)
	} else {
		fmt.Fprintf(&b, "  mapping:   %s (%s)\n", s.Mapping, s.MappingFrom)
	}
	if s.Sheet != "" {
		fmt.Fprintf(&b, "  sheet:     %s, header on row %d\n", s.Sheet, s.HeaderRow)
	} else {
		fmt.Fprintf(&b, "  header:    row %d\n", s.HeaderRow)
	}
	fmt.Fprintf(&b, "  rows read: %d\n", s.Rows)
	if s.OutDir == "" {
		fmt.Fprintf(&b, "  would write: %s (dry run: nothing written)\n", plural(s.Records, s.Kind))
	} else {
		fmt.Fprintf(&b, "  written:   %s\n", plural(s.Records, s.Kind))
	}
	if s.RejectedWithGroup > 0 {
		fmt.Fprintf(&b, "  rejected:  %s (%d with problems, %d with their group loan)\n", rowsWord(s.Rejected), s.Rejected-s.RejectedWithGroup, s.RejectedWithGroup)
	} else {
		fmt.Fprintf(&b, "  rejected:  %s\n", rowsWord(s.Rejected))
	}
	fmt.Fprintf(&b, "  problems:  %d error(s), %d warning(s)\n", s.Errors, s.Warnings)
	for _, t := range s.Totals {
		cur := t.Currency
		if cur == "" {
			cur = "(currency not given)"
		}
		fmt.Fprintf(&b, "  total:     %s %s in %s\n", cur, FormatAmount(t.Amount, t.Currency), plural(t.Records, s.Kind))
	}
	if s.Expected != nil {
		b.WriteString(expectedText(s.Expected))
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
	return b.String()
}

// FormatAmount writes an amount for people: thousands grouped, and the
// currency's decimal places when it is known (KES 153,752.50); without a
// known currency, two decimals (or more when the amount has them), so the
// totals of one summary line up (1,000.00, 100.50).
func FormatAmount(a kiva.Amount, currency string) string {
	places, ok := kiva.CurrencyPlaces(currency)
	if !ok {
		places = 2
	}
	places = max(places, a.Places())
	txt := a.Decimal().StringFixed(int32(places))
	sign := ""
	if strings.HasPrefix(txt, "-") {
		sign, txt = "-", txt[1:]
	}
	intPart, frac, hasFrac := strings.Cut(txt, ".")
	var g strings.Builder
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			g.WriteByte(',')
		}
		g.WriteRune(d)
	}
	if hasFrac {
		return sign + g.String() + "." + frac
	}
	return sign + g.String()
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
	if s.MappingBeside {
		fmt.Fprintf(&b, "Read with the mapping %s, found beside the file.\n", filepath.Base(s.MappingFrom))
	}
	for _, t := range s.Totals {
		fmt.Fprintf(&b, "Total: %s\n", strings.TrimSpace(t.Currency+" "+FormatAmount(t.Amount, t.Currency)))
	}
	fix := "Fix the cells listed above in the workbook, save it, and drop it on kivaconv again.\n"
	if s.Annotated != "" {
		fix = "Open " + filepath.Base(s.Annotated) + " in that folder: the cells to fix are red (errors) or\namber (warnings), each with a comment. Fix them there, save, and drop that file\non kivaconv again.\n"
	}
	switch {
	case s.Rejected > 0:
		if own := s.Rejected - s.RejectedWithGroup; s.RejectedWithGroup > 0 {
			fmt.Fprintf(&b, "%d row(s) were NOT converted: %d with problems, %d because their group loan has problems (a group is sent whole or not at all).\n",
				s.Rejected, own, s.RejectedWithGroup)
		} else {
			fmt.Fprintf(&b, "%d row(s) have problems and were NOT converted.\n", s.Rejected)
		}
		b.WriteString(fix)
	case s.Errors > 0:
		fmt.Fprintf(&b, "%d error(s) to fix (listed above).\n", s.Errors)
		b.WriteString(fix)
	}
	if s.Warnings > 0 {
		fmt.Fprintf(&b, "%d warning(s): things to check before publishing in PA2 (listed above and in report.txt).\n", s.Warnings)
		if s.Errors == 0 && s.Annotated != "" {
			fmt.Fprintf(&b, "Their cells are marked in %s in that folder.\n", filepath.Base(s.Annotated))
		}
	}
	if s.Errors == 0 && s.Warnings == 0 {
		b.WriteString("No problems found.\n")
	}
	if s.Review != "" {
		fmt.Fprintf(&b, reviewLine[s.Kind], filepath.Base(s.Review))
	}
	// What happened to review.html and the annotated copy matters to the
	// person who dropped the file; the other notes are in report.txt.
	for _, n := range s.Notes {
		if strings.Contains(n, "review.html") || strings.Contains(n, ".checked.") || strings.HasPrefix(n, "no annotated copy") {
			b.WriteString("Note: " + n + "\n")
		}
	}
	return b.String()
}

// reviewLine is the friendly summary's last advice, per kind.
var reviewLine = map[string]string{
	string(mappings.LoanDraft):  "To see every loan as Kiva will show it, open %s in a web browser.\n",
	string(mappings.Repayments): "To check every repayment and the totals, open %s in a web browser.\n",
	string(mappings.Journals):   "To read every journal as Kiva will show it, open %s in a web browser.\n",
}

// errorRow is the row of errors.csv for i.
func errorRow(i Issue) batch.ErrorRow {
	r := batch.ErrorRow{File: filepath.Base(i.Pos.File), Sheet: i.Pos.Sheet, Row: i.Pos.Row,
		Column: i.Column, Field: i.Field, Value: i.Value, Severity: i.Severity.String(), Message: i.Message}
	if i.Pos.Row > 0 && i.Pos.Col > 0 {
		r.Cell = i.Pos.CellRef()
	}
	if i.Hint != "" {
		r.Message += " (" + i.Hint + ")"
	}
	return r
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

func rowsWord(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}
