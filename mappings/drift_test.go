package mappings

import (
	"reflect"
	"testing"
)

func TestDiffColumns(t *testing.T) {
	r := func(from, to string) Rename { return Rename{From: from, To: to} }
	for _, tc := range []struct {
		name     string
		was, now []string
		added    []string
		removed  []string
		renamed  []Rename
	}{
		{name: "same", was: []string{"Loan ID", "Amount"}, now: []string{"Loan ID", "Amount"}},
		{name: "reordered only", was: []string{"Loan ID", "Client ID", "Amount"}, now: []string{"Amount", "Loan ID", "Client ID"}},
		{name: "case, accents, spacing", was: []string{"Loan ID", "Montant payé"}, now: []string{"LOAN_ID", " montant paye "}},
		{name: "blank headers ignored", was: []string{"Loan ID", "", "Amount"}, now: []string{"", "Loan ID", "Amount", "  "}},
		{name: "none before", was: nil, now: []string{"Loan ID"}, added: []string{"Loan ID"}},
		{name: "added", was: []string{"Loan ID", "Amount"}, now: []string{"Loan ID", "Amount", "Branch"}, added: []string{"Branch"}},
		{name: "removed", was: []string{"Loan ID", "Amount", "Agence"}, now: []string{"Loan ID", "Amount"}, removed: []string{"Agence"}},
		{name: "renamed, more words", was: []string{"Loan ID", "Amount", "Agence"}, now: []string{"Loan ID", "Amount Paid", "Agence"},
			renamed: []Rename{r("Amount", "Amount Paid")}},
		{name: "renamed, translated", was: []string{"Loan ID", "Amount"}, now: []string{"Loan ID", "Montant"},
			renamed: []Rename{r("Amount", "Montant")}},
		{name: "renamed, typo fixed", was: []string{"Disbursment Date", "Amount"}, now: []string{"Amount", "Disbursement Date"},
			renamed: []Rename{r("Disbursment Date", "Disbursement Date")}},
		{name: "unrelated swap is not a rename", was: []string{"Loan ID", "Colour"}, now: []string{"Loan ID", "Size"},
			added: []string{"Size"}, removed: []string{"Colour"}},
		{name: "renamed and added", was: []string{"Loan ID", "Amount", "Agence"}, now: []string{"Loan ID", "Montant remboursé", "Agence", "Téléphone"},
			added: []string{"Téléphone"}, renamed: []Rename{r("Amount", "Montant remboursé")}},
		{name: "best pairs", was: []string{"First Name", "Last Name", "Amount"}, now: []string{"Nom de famille", "Prénom", "Amount"},
			renamed: []Rename{r("Last Name", "Nom de famille"), r("First Name", "Prénom")}},
		{name: "repeated column", was: []string{"Date", "Amount", "Date"}, now: []string{"Date", "Amount"}, removed: []string{"Date"}},
		{name: "repeated now", was: []string{"Date", "Amount"}, now: []string{"Date", "Amount", "Date"}, added: []string{"Date"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := DiffColumns(tc.was, tc.now)
			for i := range d.Renamed {
				if d.Renamed[i].Similarity <= 0 || d.Renamed[i].Similarity > 1 {
					t.Errorf("rename %v: similarity out of range", d.Renamed[i])
				}
				d.Renamed[i].Similarity = 0
			}
			if !reflect.DeepEqual(d.Added, tc.added) || !reflect.DeepEqual(d.Removed, tc.removed) || !reflect.DeepEqual(d.Renamed, tc.renamed) {
				t.Errorf("DiffColumns(%q, %q)\n got added %q removed %q renamed %v\nwant added %q removed %q renamed %v",
					tc.was, tc.now, d.Added, d.Removed, d.Renamed, tc.added, tc.removed, tc.renamed)
			}
			if d.Empty() != (tc.added == nil && tc.removed == nil && tc.renamed == nil) {
				t.Errorf("Empty() = %v", d.Empty())
			}
		})
	}
}

func TestMappingDrift(t *testing.T) {
	m, err := Parse([]byte(`kind: repayments
columns: [Loan ID, Amount, Agence]
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, aliases: [Somme encaissée]}
`), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// "Somme encaissée" shares no word with "Amount", but both are names
	// of the amount field: a rename for sure.
	d := m.Drift([]string{"Loan ID", "Somme encaissée", "Agence"})
	want := []Rename{{From: "Amount", To: "Somme encaissée", Similarity: 1, Field: "amount"}}
	if !reflect.DeepEqual(d.Renamed, want) || len(d.Added)+len(d.Removed) != 0 {
		t.Errorf("Drift = %+v, want renamed %+v", d, want)
	}
	if r, ok := d.RenameOf("amount"); !ok || r.To != "Somme encaissée" {
		t.Errorf("RenameOf(amount) = %v, %v", r, ok)
	}
	if got := m.FieldOfColumn("SOMME ENCAISSEE"); got != "amount" {
		t.Errorf("FieldOfColumn = %q", got)
	}
	if d := m.Drift([]string{"Agence", "Amount", "Loan ID"}); !d.Empty() {
		t.Errorf("reordered: %+v", d)
	}
	m.Columns = nil
	if d := m.Drift([]string{"Something else"}); !d.Empty() {
		t.Errorf("without columns: %+v", d)
	}
}

func TestParseColumns(t *testing.T) {
	m, err := Parse([]byte("kind: repayments\ncolumns:\n  - Loan ID\n  - \"N° Prêt\"\nfields: {loan_id: {column: Loan ID}, amount: {column: Amount}}\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Columns, []string{"Loan ID", "N° Prêt"}) || !reflect.DeepEqual(m.Clone().Columns, m.Columns) {
		t.Errorf("columns %q", m.Columns)
	}
	for doc, want := range map[string]string{
		"kind: repayments\ncolumns: Loan ID\nfields: {loan_id: {column: A}, amount: {column: B}}\n":   "c.yaml:2:10: columns must be a list",
		"kind: repayments\ncolumns: [A, \"\"]\nfields: {loan_id: {column: A}, amount: {column: B}}\n": "c.yaml:2:14: empty item in columns",
	} {
		_, err := Parse([]byte(doc), "c.yaml")
		if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
			t.Errorf("Parse(%q) = %v, want %q...", doc, err, want)
		}
	}
}
