package convert_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// driftMapping is the built-in repayments mapping's fields (amount has
// the alias "Amount Paid"), made for an export with the columns Loan ID,
// Client ID, Amount and Agence.
const driftMapping = `kind: repayments
columns: [Loan ID, Client ID, Amount, Agence]
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  amount: {column: Amount, aliases: [Amount Paid]}
`

// TestScenarioDriftFirst: a later export renamed Amount (to a name the
// mapping still reads) and added Branch. Both are warnings at their
// header cells, before the row errors, and the summary (and its JSON)
// lists them.
func TestScenarioDriftFirst(t *testing.T) {
	for _, tc := range []struct {
		name    string
		input   func(*testing.T, string) string
		renamed string
		added   string
		sheet   string
		row3    string
	}{
		{
			name:    "csv",
			input:   csvIn("r.csv", "Loan ID,Client ID,Amount Paid,Agence,Branch\n001,C1,10,X,b\n002,C2,12x,Y,b\n003,C3,7,Z,b\n"),
			renamed: "r.csv:1:19", added: "r.csv:1:38", row3: "r.csv:3:8",
		},
		{
			name: "workbook",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{{name: "Repayments",
				header: []string{"Loan ID", "Client ID", "Amount Paid", "Agence", "Branch"},
				rows:   [][]any{{"001", "C1", 10, "X", "b"}, {"002", "C2", "12x", "Y", "b"}, {"003", "C3", 7, "Z", "b"}}}}}),
			renamed: "Repayments!C1", added: "Repayments!E1", sheet: "Repayments", row3: "Repayments!C3",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := tc.input(t, t.TempDir())
			sum, out := mustRun(t, input, opts{mapping: parseMapping(t, driftMapping)})
			checkCounts(t, sum, counts{records: 2, rejected: 1, errors: 1, warnings: 2})
			equalSlices(t, "repayments", readRepayments(t, out), []rep{{"001", "", "10"}, {"003", "", "7"}})
			if len(sum.Issues) != 3 {
				t.Fatalf("issues:\n%s", issuesText(sum))
			}
			first := []want{
				w(tc.renamed, `column "Amount" of the export this mapping was made for seems renamed to "Amount Paid"`),
				w(tc.added, `new column "Branch"`),
				e(tc.row3, "12x"),
			}
			for i, wt := range first {
				is := sum.Issues[i]
				if where(is) != wt.at || is.Severity != wt.sev || !strings.Contains(is.Message+is.Value, wt.msg) {
					t.Errorf("issue %d is [%s] %s, want %s at %s: %q", i, where(is), is.Text(), wt.sev, wt.at, wt.msg)
				}
			}
			if is := sum.Issues[0]; is.Field != "amount" || !strings.Contains(is.Hint, "nothing to change in the workbook: the column is still read") {
				t.Errorf("rename issue: field %q hint %q", is.Field, is.Hint)
			}

			want := &convert.Drift{Sheet: tc.sheet, HeaderRow: 1, Drift: mappings.Drift{
				Added: []string{"Branch"}, Removed: []string{},
				Renamed: []mappings.Rename{{From: "Amount", To: "Amount Paid", Similarity: 1, Field: "amount"}}}}
			if !reflect.DeepEqual(sum.Drift, want) {
				t.Errorf("Drift = %+v, want %+v", sum.Drift, want)
			}
			data, err := json.Marshal(sum)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Changes struct {
					HeaderRow int      `json:"header_row"`
					Added     []string `json:"added"`
					Removed   []string `json:"removed"`
					Renamed   []struct {
						From, To, Field string
					} `json:"renamed"`
				} `json:"column_changes"`
			}
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			c := got.Changes
			if c.HeaderRow != 1 || !reflect.DeepEqual(c.Added, []string{"Branch"}) || c.Removed == nil || len(c.Renamed) != 1 ||
				c.Renamed[0].From != "Amount" || c.Renamed[0].To != "Amount Paid" || c.Renamed[0].Field != "amount" {
				t.Errorf("summary JSON column_changes: %s", data)
			}
			if txt := convert.DriftText(sum); !strings.Contains(txt, `renamed: "Amount" → "Amount Paid"`) || !strings.Contains(txt, `added:   "Branch"`) {
				t.Errorf("DriftText:\n%s", txt)
			}
		})
	}
}

// TestScenarioDriftRemoved: a removed column the mapping does not need is
// a warning on the header row; one it reads but does not require leaves
// its field empty.
func TestScenarioDriftRemoved(t *testing.T) {
	input := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Amount\n001,10\n"))
	sum, _ := mustRun(t, input, opts{mapping: parseMapping(t, driftMapping)})
	checkCounts(t, sum, counts{records: 1, warnings: 2})
	checkIssues(t, sum,
		w("r.csv:1", `column "Client ID" of the export this mapping was made for is missing (add the column "Client ID" back to the workbook, or its data is not read; or, for whoever maintains the mapping: remove the field client_id`),
		w("r.csv:1", `column "Agence" of the export this mapping was made for is missing (nothing to change in the workbook: kivaconv did not read that column`))
	if sum.Drift == nil || !reflect.DeepEqual(sum.Drift.Removed, []string{"Client ID", "Agence"}) || len(sum.Drift.Added) != 0 {
		t.Errorf("Drift = %+v", sum.Drift)
	}
}

// TestScenarioDriftRenamedRequired: a required column renamed to a name the
// mapping does not know stops the file, and the error names the new column.
func TestScenarioDriftRenamedRequired(t *testing.T) {
	m := parseMapping(t, `kind: repayments
columns: [Loan ID, Amount, Agence]
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount}
`)
	input := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Montant payé,Agence\n001,10,X\n"))
	_, _, err := run(t, input, opts{mapping: m})
	if err == nil || !convert.IsInputError(err) {
		t.Fatalf("Run: %v", err)
	}
	for _, frag := range []string{`r.csv: the header (row 1) does not fit the mapping`, `column "Amount" is missing — renamed to "Montant payé" (column B)? Rename the column back to "Amount"; or, for whoever maintains the mapping:`,
		`write column: "Montant payé" for field amount`} {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("error %q lacks %q", err, frag)
		}
	}
	// Without columns: the usual message.
	m.Columns = nil
	_, _, err = run(t, input, opts{mapping: m})
	if err == nil || strings.Contains(err.Error(), "renamed") || !strings.Contains(err.Error(), `missing column "Amount"`) {
		t.Errorf("without columns: %v", err)
	}
}

// TestScenarioNoDrift: the same columns in another order, or in another
// case, say nothing; nor does a mapping without columns.
func TestScenarioNoDrift(t *testing.T) {
	for name, m := range map[string]string{
		"reordered": driftMapping,
		"no list":   strings.Replace(driftMapping, "columns: [Loan ID, Client ID, Amount, Agence]\n", "", 1),
	} {
		t.Run(name, func(t *testing.T) {
			input := writeInput(t, t.TempDir(), "r.csv", []byte("AGENCE,amount,loan id,Client ID\nX,10,001,C1\n"))
			sum, _ := mustRun(t, input, opts{mapping: parseMapping(t, m)})
			checkCounts(t, sum, counts{records: 1})
			if sum.Drift != nil || convert.DriftText(sum) != "" {
				t.Errorf("Drift = %+v", sum.Drift)
			}
			data, _ := json.Marshal(sum)
			if strings.Contains(string(data), "column_changes") {
				t.Errorf("JSON has column_changes: %s", data)
			}
		})
	}
}

// TestScenarioDriftStrict: --strict makes drift warnings errors (the file
// is still converted: they concern the header, not a row).
func TestScenarioDriftStrict(t *testing.T) {
	input := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Client ID,Amount,Agence,Branch\n001,C1,10,X,b\n"))
	sum, _ := mustRun(t, input, opts{mapping: parseMapping(t, driftMapping), strict: true})
	if sum.Records != 1 || sum.Errors != 1 || sum.Issues[0].Severity != kiva.Error {
		t.Errorf("strict:\n%s", issuesText(sum))
	}
}
