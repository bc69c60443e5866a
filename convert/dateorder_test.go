package convert_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// dateOrderCase is a scenario of text dates written day/month (15/11/2026)
// with no declared date format: each column's unambiguous values decide
// the order of its ambiguous ones.
type dateOrderCase struct {
	name    string
	input   func(t *testing.T, dir string) string
	mapping func(t *testing.T) *mappings.Mapping // nil: best fit
	counts  counts
	issues  []want
	// disbursed and schedules are the drafts' disburse_time and
	// schedule dates, in order (checked when not nil).
	disbursed []string
	schedules [][]string
	notes     []string // fragments that must be among Summary.Notes
	noNote    string   // a fragment no note may contain
	// warnings are not counted or checked: the CSV mapping leaves out
	// what PA2 wants before publishing (activity, photo, ...).
	noWarnings bool
}

// csvLoansYAML is a loan-draft mapping without a schedule, for CSV files.
const csvLoansYAML = `
name: csvloans
kind: loan_draft
fields:
  loan_id: {column: Loan ID, type: id, required: true}
  client_id: {column: Client ID, type: id, required: true}
  first_name: {column: First Name, required: true}
  gender: {column: Gender, type: enum, values: {F: female, M: male}, required: true}
  amount: {column: Amount, type: decimal, required: true}
  currency: {constant: KES}
  disburse_date: {column: Disbursal Date, type: date, required: true}
  client_waiver_signed: {constant: "yes", type: bool}
`

func csvLoans(t *testing.T) *mappings.Mapping { return parseMapping(t, csvLoansYAML) }

func csvLoansDDMM(t *testing.T) *mappings.Mapping {
	return parseMapping(t, csvLoansYAML+"locale:\n  date_formats: [DD/MM/YYYY]\n")
}

// csvDates is a loans CSV whose rows (from row 2) have these disbursal
// dates.
func csvDates(dates ...string) func(t *testing.T, dir string) string {
	var b strings.Builder
	b.WriteString("Loan ID,Client ID,First Name,Gender,Amount,Disbursal Date\n")
	for i, d := range dates {
		n := string(rune('1' + i))
		b.WriteString("L" + n + ",C" + n + ",Grace,F,1000," + d + "\n")
	}
	return csvIn("l.csv", b.String())
}

// bookDates is a loan workbook with one borrower per disbursal date (row
// 2 on) and a two-installment schedule per loan, due on the dues (a text
// or a date cell each).
func bookDates(disbursed []any, dues ...any) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		var ls []L
		var sched [][]any
		for i, d := range disbursed {
			id := "L" + string(rune('1'+i))
			ls = append(ls, borrower(id, "C"+id, "Grace", "1000").with("Disbursal Date", d))
			for _, due := range dues {
				sched = append(sched, inst(id, due, "500"))
			}
		}
		return loanBook{loans: ls, sched: sched}.write(t, dir)
	}
}

func TestScenarioTextDateOrder(t *testing.T) {
	dec20, jan20 := day(2026, 12, 20), day(2027, 1, 20)
	cases := []dateOrderCase{
		{
			name:      "xlsx: a day-first value decides, per column",
			input:     bookDates([]any{"03/11/2026", "15/11/2026", "05/11/2026 00:00:00"}, "20/12/2026", "05/01/2027"),
			counts:    counts{records: 3},
			disbursed: []string{"2026-11-03", "2026-11-15", "2026-11-05"},
			schedules: [][]string{{"2026-12-20", "2027-01-05"}, {"2026-12-20", "2027-01-05"}, {"2026-12-20", "2027-01-05"}},
			notes: []string{
				"Disbursal Date: text dates read day first (15/11/2026 in row 3)",
				"Due Date (sheet Schedule): text dates read day first (20/12/2026 in row 2)",
			},
		},
		{
			name:      "xlsx: a month-first value decides",
			input:     bookDates([]any{"11/03/2026", "11/15/2026"}, dec20, jan20),
			counts:    counts{records: 2},
			disbursed: []string{"2026-11-03", "2026-11-15"},
			notes:     []string{"Disbursal Date: text dates read month first (11/15/2026 in row 3)"},
		},
		{
			name:      "xlsx: date cells are unaffected, beside text dates",
			input:     bookDates([]any{day(2026, 11, 4), "15/11/2026", "03/11/2026"}, dec20, jan20),
			counts:    counts{records: 3},
			disbursed: []string{"2026-11-04", "2026-11-15", "2026-11-03"},
			notes:     []string{"Disbursal Date: text dates read day first (15/11/2026 in row 3)"},
			noNote:    "Due Date",
		},
		{
			name:   "xlsx: nothing decides",
			input:  bookDates([]any{"03/11/2026", "04/11/2026", day(2026, 11, 15)}, dec20, jan20),
			counts: counts{records: 1, rejected: 2, errors: 2},
			issues: []want{
				e("Loans!H2", `ambiguous date "03/11/2026": no date in this column shows whether the day or the month comes first (none has a number over 12) (make the column's dates Excel dates, or write them as YYYY-MM-DD (2026-11-03 if the day comes first); or, for whoever maintains the mapping: declare locale.date_formats: [DD/MM/YYYY] (or [MM/DD/YYYY]))`),
				e("Loans!H3", `ambiguous date "04/11/2026"`),
			},
			disbursed: []string{"2026-11-15"},
			noNote:    "text dates read",
		},
		{
			name:   "xlsx: values written both ways: every text date of the column is an error naming one of each",
			input:  bookDates([]any{"15/11/2026", "11/16/2026", "03/11/2026", day(2026, 11, 4)}, dec20, jan20),
			counts: counts{records: 1, rejected: 3, errors: 3},
			issues: []want{
				e("Loans!H2", `this column has dates written day first (15/11/2026 in row 2) and month first (11/16/2026 in row 3), so "15/11/2026" cannot be read safely (write every date of the column the same way`),
				e("Loans!H3", `so "11/16/2026" cannot be read safely`),
				e("Loans!H4", `(15/11/2026 in row 2) and month first (11/16/2026 in row 3), so "03/11/2026"`),
			},
			disbursed: []string{"2026-11-04"},
			noNote:    "text dates read",
		},
		{
			name:   "xlsx: 31/02 and 29/02 name the month and the day",
			input:  bookDates([]any{"31/02/2026", "29/02/2026", "15/11/2026"}, dec20, jan20),
			counts: counts{records: 1, rejected: 2, errors: 2},
			issues: []want{
				e("Loans!H2", `"31/02/2026" is not a calendar date: February has no 31st day (check the day and month in the cell`),
				e("Loans!H3", `"29/02/2026" is not a calendar date: 2026 is not a leap year, so February has no 29th day (check the day and month in the cell`),
			},
			disbursed: []string{"2026-11-15"},
		},
		{
			name:       "csv: a day-first value decides",
			input:      csvDates("03/11/2026", "15/11/2026", "04.11.2026"),
			mapping:    csvLoans,
			noWarnings: true,
			counts:     counts{records: 3},
			disbursed:  []string{"2026-11-03", "2026-11-15", "2026-11-04"},
			notes:      []string{"Disbursal Date: text dates read day first (15/11/2026 in row 3)"},
		},
		{
			name:       "csv: a month-first value decides",
			input:      csvDates("11-03-2026", "11-15-2026"),
			mapping:    csvLoans,
			noWarnings: true,
			counts:     counts{records: 2},
			disbursed:  []string{"2026-11-03", "2026-11-15"},
			notes:      []string{"Disbursal Date: text dates read month first (11-15-2026 in row 3)"},
		},
		{
			name:       "csv: values written both ways",
			input:      csvDates("15/11/2026", "11/16/2026"),
			mapping:    csvLoans,
			noWarnings: true,
			counts:     counts{rejected: 2, errors: 2},
			issues: []want{
				e("l.csv:2:20", "day first (15/11/2026 in row 2) and month first (11/16/2026 in row 3)"),
				e("l.csv:3:20", "day first (15/11/2026 in row 2) and month first (11/16/2026 in row 3)"),
			},
		},
		{
			name:       "csv: nothing decides",
			input:      csvDates("03/11/2026", "2026-11-15"),
			mapping:    csvLoans,
			noWarnings: true,
			counts:     counts{records: 1, rejected: 1, errors: 1},
			issues:     []want{e("l.csv:2:20", `ambiguous date "03/11/2026": no date in this column shows`)},
		},
		{
			name:       "csv: a declared format wins over the column's values",
			input:      csvDates("03/11/2026", "11/15/2026"),
			mapping:    csvLoansDDMM,
			noWarnings: true,
			counts:     counts{records: 1, rejected: 1, errors: 1},
			issues:     []want{e("l.csv:3:20", "there is no month 15")},
			disbursed:  []string{"2026-11-03"},
			noNote:     "text dates read",
		},
		{
			name:      "xlsx: a declared format wins over the column's values",
			input:     bookDates([]any{"03/11/2026", "11/15/2026"}, "20/12/2026", "20/01/2027"),
			counts:    counts{records: 1, rejected: 1, errors: 1},
			issues:    []want{e("Loans!H3", `"11/15/2026" is not a calendar date: there is no month 15 (check the day and month in the cell (read with the format DD/MM/YYYY)`)},
			mapping:   ddmmyyyy,
			disbursed: []string{"2026-11-03"},
			noNote:    "text dates read",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.input(t, t.TempDir())
			o := opts{ref: testRef(t)}
			if tc.mapping != nil {
				o.mapping = tc.mapping(t)
			}
			sum, out := mustRun(t, path, o)
			if tc.noWarnings {
				cp := *sum
				cp.Warnings = 0
				cp.Issues = slices.DeleteFunc(slices.Clone(sum.Issues), func(is convert.Issue) bool { return is.Severity == kiva.Warning })
				sum = &cp
			}
			checkCounts(t, sum, tc.counts)
			checkIssues(t, sum, tc.issues...)
			ds := readDrafts(t, out)
			if tc.disbursed != nil {
				var got []string
				for _, d := range ds {
					got = append(got, d.DisburseTime)
				}
				equalSlices(t, "disburse_time", got, tc.disbursed)
			}
			if tc.schedules != nil {
				var got [][]string
				for _, d := range ds {
					var dates []string
					for _, s := range d.Schedule {
						dates = append(dates, s.Date)
					}
					got = append(got, dates)
				}
				if !slices.EqualFunc(got, tc.schedules, slices.Equal[[]string]) {
					t.Errorf("schedule dates = %q, want %q", got, tc.schedules)
				}
			}
			for _, n := range tc.notes {
				if !slices.ContainsFunc(sum.Notes, func(s string) bool { return strings.Contains(s, n) }) {
					t.Errorf("no note containing %q in %q", n, sum.Notes)
				}
				if txt := convert.SummaryText(sum); !strings.Contains(txt, "note: "+n) {
					t.Errorf("the summary (report.txt, convert's output) has no note %q:\n%s", n, txt)
				}
			}
			if tc.noNote != "" && slices.ContainsFunc(sum.Notes, func(s string) bool { return strings.Contains(s, tc.noNote) }) {
				t.Errorf("a note contains %q: %q", tc.noNote, sum.Notes)
			}
		})
	}
}
