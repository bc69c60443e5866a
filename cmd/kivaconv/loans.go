package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/internal/loanlist"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// kivaStatuses are the loan statuses Kiva documents (spec §4), with the
// ones its samples also list.
var kivaStatuses = []string{
	"refunded", "inactive", "inactive_expired", "fundRaising", "expired", "raised",
	"payingBack", "ended", "reviewed", "issue", "defaulted",
	"deleted", "issue_revising", "issue_approving",
}

// repaymentStatuses are the statuses Kiva expects repayments for.
var repaymentStatuses = []string{"payingBack", "defaulted"}

func loansCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:      "loans",
		Usage:     "list the partner's loans on Kiva into a CSV, XLSX or JSON file",
		ArgsUsage: " ",
		Description: `Reads every page of the Partner API's loans list (scope read:loans) and writes one
row per loan: loan_id (your loan ID), client_id, kiva_id, name, status, currency and
loan_amount. The format follows the file name: .csv (UTF-8 for Excel), .xlsx or
.json; --out - prints the JSON. Rows are sorted by loan ID. The count of loans per
status goes to stderr, the file's path to stdout.

The file is also the list that convert --expected compares a repayments report
with: loans that should be in the report and are not, and loans in the report that
Kiva does not expect.

Statuses: ` + strings.Join(kivaStatuses[:7], ", ") + `,
` + strings.Join(kivaStatuses[7:], ", ") + `.
An unknown status is sent as given, with a warning. Kiva expects repayments for
payingBack and defaulted loans (the default).

Examples:
   kivaconv loans --out loans.xlsx
   kivaconv loans --status payingBack,defaulted,ended --out loans.csv
   kivaconv loans --query "Nakato" --out - | jq '.[].loan_id'
   kivaconv loans --out expected.csv && kivaconv convert --expected expected.csv repayments.xlsx`,
		Flags: append(apiFlags(),
			&cli.StringFlag{Name: "status", Value: strings.Join(repaymentStatuses, ","),
				Usage: "loan `STATUSES`, comma separated"},
			&cli.StringFlag{Name: "query", Usage: "Kiva's search `TEXT` (a name or ID)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"},
				Usage: "output `FILE`: .csv, .xlsx or .json; - prints JSON on stdout"}),
		Action: func(c *cli.Context) error { return runLoans(c, io) },
	}
}

func templateCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:  "template",
		Usage: "write a spreadsheet to fill in, prefilled from Kiva",
		Description: `Writes a workbook to fill in, with what Kiva already knows filled in.

Examples:
   kivaconv template repayments --out repayments-2026-11.xlsx`,
		Subcommands: []*cli.Command{{
			Name:      "repayments",
			Usage:     "write this month's repayments workbook: every loan Kiva expects a repayment for",
			ArgsUsage: " ",
			Description: `Reads the partner's payingBack and defaulted loans from the Partner API (scope
read:loans) and writes a workbook with one sheet, Repayments: Loan ID, Client ID and
Borrower name filled in, one row per loan sorted by loan ID, and an empty Amount
column. Type the amount each borrower repaid in the period; delete the rows of
borrowers who repaid nothing (an empty Amount is an error); save; then convert it
with the built-in repayments mapping. Loans without a loan ID of yours on Kiva
cannot be reported and are listed on stderr.

Examples:
   kivaconv template repayments --out repayments-2026-11.xlsx
   kivaconv convert --expected repayments-2026-11.xlsx repayments-2026-11-filled.xlsx
   kivaconv template repayments --env production --out repayments.xlsx`,
			Flags: append(apiFlags(),
				&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the workbook to write, `FILE`.xlsx"}),
			Action: func(c *cli.Context) error { return runTemplateRepayments(c, io) },
		}},
	}
}

// checkStatuses warns about statuses Kiva does not document; they are
// still sent, as written.
func checkStatuses(io *IO, statuses []string) {
	for _, s := range statuses {
		known := ""
		for _, k := range kivaStatuses {
			if values.Key(k) == values.Key(s) {
				known = k
				break
			}
		}
		switch {
		case known == s:
		case known != "":
			fmt.Fprintf(io.Err, "kivaconv: warning: status %q is spelled %q by Kiva; sent as given\n", s, known)
		default:
			fmt.Fprintf(io.Err, "kivaconv: warning: status %q is not one Kiva documents (%s); sent as given\n", s, strings.Join(kivaStatuses, ", "))
		}
	}
}

// splitStatuses reads --status: comma or space separated, blanks dropped.
func splitStatuses(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

// fetchLoans reads every loan matching q, drawing a count on a terminal.
func fetchLoans(c *cli.Context, io *IO, q partnerapi.LoansQuery) ([]partnerapi.Loan, error) {
	p, err := resolveProfile(c, io)
	if err != nil {
		return nil, err
	}
	cl, err := newClient(c, io, p)
	if err != nil {
		return nil, err
	}
	if p.IsProduction() {
		fmt.Fprintf(io.Err, "kivaconv: reading loans from profile %s (Kiva's PRODUCTION environment)\n", p.Name)
	}
	var loans []partnerapi.Loan
	err = cl.EachLoan(c.Context, q, func(l partnerapi.Loan) error {
		loans = append(loans, l)
		if io.ErrTTY && len(loans)%partnerapi.MaxLoansLimit == 0 {
			fmt.Fprintf(io.Err, "\r\033[K%d loans read…", len(loans))
		}
		return nil
	})
	if io.ErrTTY && len(loans) >= partnerapi.MaxLoansLimit {
		fmt.Fprint(io.Err, "\r\033[K")
	}
	if err != nil {
		return nil, apiError(p, err)
	}
	return loans, nil
}

// statusCounts is "120 loans: defaulted 3, payingBack 117" (statuses
// sorted by name; a loan without one counts as "no status").
func statusCounts(loans []partnerapi.Loan) string {
	n := map[string]int{}
	for _, l := range loans {
		s := l.Status
		if s == "" {
			s = "no status"
		}
		n[s]++
	}
	names := make([]string, 0, len(n))
	for s := range n {
		names = append(names, s)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, s := range names {
		parts[i] = fmt.Sprintf("%s %d", s, n[s])
	}
	word := "loans"
	if len(loans) == 1 {
		word = "loan"
	}
	if len(parts) == 0 {
		return fmt.Sprintf("0 %s", word)
	}
	return fmt.Sprintf("%d %s: %s", len(loans), word, strings.Join(parts, ", "))
}

func runLoans(c *cli.Context, io *IO) error {
	if c.NArg() > 0 {
		return usageErrorf("loans takes no arguments (got %q); flags go before any argument", c.Args().First())
	}
	out := c.String("out")
	if out == "" {
		return usageErrorf("--out FILE is required: a .csv, .xlsx or .json file, or - for JSON on stdout")
	}
	format := loanlist.JSON
	if out != "-" {
		f, err := loanlist.FormatOf(out)
		if err != nil {
			return usageErrorf("--out %v", err)
		}
		format = f
	}
	statuses := splitStatuses(c.String("status"))
	checkStatuses(io, statuses)
	loans, err := fetchLoans(c, io, partnerapi.LoansQuery{Status: statuses, Query: c.String("query")})
	if err != nil {
		return err
	}
	if out == "-" {
		data, err := loanlist.Marshal(format, loans)
		if err != nil {
			return err
		}
		if _, err := io.Out.Write(data); err != nil {
			return err
		}
		fmt.Fprintf(io.Err, "kivaconv: %s\n", statusCounts(loans))
		return nil
	}
	if _, err := loanlist.Write(out, loans); err != nil {
		return err
	}
	fmt.Fprintf(io.Err, "kivaconv: %s\n", statusCounts(loans))
	fmt.Fprintln(io.Out, out)
	return nil
}

// maxListed is how many loans a warning names before "… and N more".
const maxListed = 10

func runTemplateRepayments(c *cli.Context, io *IO) error {
	if c.NArg() > 0 {
		return usageErrorf("template repayments takes no arguments (got %q); flags go before any argument", c.Args().First())
	}
	out := c.String("out")
	if out == "" {
		return usageErrorf("--out FILE.xlsx is required: the workbook to write")
	}
	if f, err := loanlist.FormatOf(out); err != nil || f != loanlist.XLSX {
		return usageErrorf("--out %s: the repayments template is a workbook: give a name ending in .xlsx", out)
	}
	loans, err := fetchLoans(c, io, partnerapi.LoansQuery{Status: repaymentStatuses})
	if err != nil {
		return err
	}
	res, err := loanlist.WriteTemplate(out, loans)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Err, "kivaconv: %s\n", statusCounts(loans))
	if n := len(res.NoLoanID); n > 0 {
		var names []string
		for i, l := range res.NoLoanID {
			if i == maxListed {
				names = append(names, fmt.Sprintf("… and %d more", n-maxListed))
				break
			}
			names = append(names, strings.TrimSpace("Kiva loan "+l.ID+" "+parenthesized(l.Name)))
		}
		fmt.Fprintf(io.Err, "kivaconv: warning: %d loan(s) have no loan ID of yours on Kiva and are not in the template: %s (add the MIS loan ID to the loan in PA2 to report its repayments)\n",
			n, strings.Join(names, "; "))
	}
	if n := len(res.Duplicates); n > 0 {
		ids := res.Duplicates
		more := ""
		if n > maxListed {
			ids, more = ids[:maxListed], fmt.Sprintf(" … and %d more", n-maxListed)
		}
		fmt.Fprintf(io.Err, "kivaconv: warning: several Kiva loans share the loan ID %s%s: each is listed once\n", strings.Join(ids, ", "), more)
	}
	if res.OtherStatus > 0 {
		fmt.Fprintf(io.Err, "kivaconv: note: %d loan(s) with another status than payingBack or defaulted were left out\n", res.OtherStatus)
	}
	fmt.Fprintf(io.Err, "kivaconv: %d loan(s) in %s. Type the amounts repaid in the Amount column, delete the rows of borrowers who repaid nothing, save, then: kivaconv convert %s\n",
		res.Rows, out, out)
	fmt.Fprintln(io.Out, out)
	return nil
}

func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
