package mappings

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func repaymentsMapping(t testing.TB) *Mapping {
	t.Helper()
	m, err := Get("repayments")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatchHeaderSpellings(t *testing.T) {
	m := repaymentsMapping(t)
	for _, loanID := range []string{"Loan ID", "LOAN_ID", "Loan Id ", "loan-id", "Loan  ID", "loan.id", " LoanID",
		"N° Prêt", "Nº Préstamo", "NUMERO DE PRESTAMO", "Número de Préstamo", "num_credito", "Contrato", "Account No.", "ID Crédito"} {
		for _, amount := range []string{"Amount", "AMOUNT PAID", "Montant payé", "montant_paye", "Monto", "Valor Pago", "Repayment Amount", "Paid Amount"} {
			hm := m.MatchHeader([]string{loanID, amount})
			if hm.Columns[FLoanID] != 0 || hm.Columns[FAmount] != 1 || !hm.Complete() || hm.Err() != nil {
				t.Errorf("[%q %q]: %+v", loanID, amount, hm)
			}
		}
	}
}

func TestMatchHeaderAccents(t *testing.T) {
	m, _ := Get("loans")
	header := []string{"N° Prêt", "Code Client", "Prénom", "Nom", "Sexe", "Montant Décaissé", "Devise",
		"Date de Décaissement", "Activité", "Localité", "Objet du prêt", "Consentement signé"}
	hm := m.MatchHeader(header)
	want := map[string]int{FLoanID: 0, FClientID: 1, FFirstName: 2, FLastName: 3, FGender: 4, FAmount: 5,
		FCurrency: 6, FDisburseDate: 7, FActivity: 8, FLocation: 9, FLoanUse: 10, FClientWaiverSigned: 11}
	if !reflect.DeepEqual(hm.Columns, want) {
		t.Errorf("Columns = %v\nwant %v", hm.Columns, want)
	}
	if !hm.Complete() || len(hm.Unmapped) != 0 {
		t.Errorf("Missing %v Unmapped %v", hm.Missing, hm.Unmapped)
	}
	check(t, "Score", hm.Score, 8*100+4)
}

func TestMatchHeaderReport(t *testing.T) {
	m := repaymentsMapping(t)
	t.Run("missing with closest", func(t *testing.T) {
		hm := m.MatchHeader([]string{"Loan ID", "Notes", "Amout", ""})
		check(t, "Missing", strings.Join(hm.Missing, ","), FAmount)
		check(t, "Unmapped", strings.Join(hm.Unmapped, ","), "Notes,Amout")
		check(t, "NotFound", strings.Join(hm.NotFound, ","), FClientID)
		h, c := hm.Closest(FAmount)
		check(t, "Closest", h, "Amout")
		check(t, "Closest column", c, 2)
		check(t, "Complete", hm.Complete(), false)
		check(t, "Score", hm.Score, 100)
		want := `missing column "Amount" (closest header: "Amout", column C)`
		if err := hm.Err(); err == nil || err.Error() != want {
			t.Errorf("Err = %v, want %s", err, want)
		}
	})
	t.Run("closest by containment", func(t *testing.T) {
		hm := m.MatchHeader([]string{"Loan ID", "Amount (XOF)"})
		if h, c := hm.Closest(FAmount); h != "Amount (XOF)" || c != 1 {
			t.Errorf("Closest = %q %d", h, c)
		}
	})
	t.Run("nothing close", func(t *testing.T) {
		hm := m.MatchHeader([]string{"Loan ID", "Branch", "Officer"})
		if h, c := hm.Closest(FAmount); h != "" || c != -1 {
			t.Errorf("Closest = %q %d", h, c)
		}
		if h, c := hm.Closest("nope"); h != "" || c != -1 {
			t.Errorf("Closest(unknown field) = %q %d", h, c)
		}
		check(t, "Err", hm.Err().Error(), `missing column "Amount"`)
	})
	t.Run("used columns are not closest", func(t *testing.T) {
		hm := m.MatchHeader([]string{"Amount", "Loan No"})
		if _, c := hm.Closest(FClientID); c != -1 {
			t.Errorf("Closest(client_id) = column %d", c)
		}
	})
	t.Run("duplicates", func(t *testing.T) {
		hm := m.MatchHeader([]string{"Montant", "Loan ID", "Amount", "AMOUNT"})
		check(t, "Columns[amount]", hm.Columns[FAmount], 2) // the column name wins over aliases
		want := []Duplicate{{Field: FAmount, Columns: []int{0, 2, 3}, Headers: []string{"Montant", "Amount", "AMOUNT"}}}
		if !reflect.DeepEqual(hm.Duplicates, want) {
			t.Errorf("Duplicates = %+v", hm.Duplicates)
		}
		check(t, "Complete", hm.Complete(), true)
		check(t, "Unmapped", len(hm.Unmapped), 0)
		err := hm.Err()
		if err == nil || err.Error() != `columns A "Montant" and C "Amount" and D "AMOUNT" all look like "Amount": keep one, or name the one to use in a mapping file` {
			t.Errorf("Err = %v", err)
		}
	})
	t.Run("no columns", func(t *testing.T) {
		hm := m.MatchHeader(nil)
		check(t, "Complete", hm.Complete(), false)
		check(t, "Err", hm.Err().Error(), `none of its columns were found (it needs "Loan ID", "Amount")`)
	})
	t.Run("constants and defaults are never missing", func(t *testing.T) {
		m := mustParse(t, `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID, required: true, default: "0"}
  amount: {constant: "10"}
`, "m.yaml")
		hm := m.MatchHeader([]string{"Loan ID"})
		if !hm.Complete() || len(hm.Missing)+len(hm.NotFound) != 0 {
			t.Errorf("%+v", hm)
		}
	})
}

func TestFindHeaderRow(t *testing.T) {
	m := repaymentsMapping(t)
	rows := [][]string{
		{"ACME Microfinance"},
		{},
		{"Repayments report", "", "March 2024"},
		{"Printed by: admin", "", "Amount in XOF"},
		{"Loan No.", "Client No.", "Amount Paid", "Branch"},
		{"L-001", "C-001", "1500", "Dakar"},
		{"L-002", "C-002", "2500", "Thiès"},
	}
	i, hm := FindHeaderRow(rows, m)
	check(t, "row", i, 4)
	check(t, "Score", hm.Score, 201)
	check(t, "Unmapped", strings.Join(hm.Unmapped, ","), "Branch")

	t.Run("fixed", func(t *testing.T) {
		m := m.Clone()
		m.HeaderRow = 5
		i, hm := FindHeaderRow(rows, m)
		check(t, "row", i, 4)
		check(t, "Complete", hm.Complete(), true)
		m.HeaderRow = 2
		i, hm = FindHeaderRow(rows, m)
		check(t, "row", i, 1)
		check(t, "Complete", hm.Complete(), false)
		m.HeaderRow = 50
		i, hm = FindHeaderRow(rows, m)
		check(t, "row", i, -1)
		check(t, "Missing", strings.Join(hm.Missing, ","), "loan_id,amount")
	})
	t.Run("none", func(t *testing.T) {
		i, hm := FindHeaderRow(rows[:4], m)
		check(t, "row", i, -1)
		check(t, "Complete", hm.Complete(), false)
		i, _ = FindHeaderRow(nil, m)
		check(t, "empty", i, -1)
	})
	t.Run("best row wins over a partial one", func(t *testing.T) {
		rows := [][]string{{"Amount"}, {"Loan ID", "Amount"}, {"Loan ID", "Amount"}}
		i, _ := FindHeaderRow(rows, m)
		check(t, "row", i, 1)
	})
	t.Run("only the first 20 rows", func(t *testing.T) {
		rows := make([][]string, 30)
		rows[25] = []string{"Loan ID", "Amount"}
		i, _ := FindHeaderRow(rows, m)
		check(t, "row", i, -1)
	})
	t.Run("schedule", func(t *testing.T) {
		loans, _ := Get("loans")
		rows := [][]string{{"Repayment schedule"}, {"Loan ID", "Date d'échéance", "Capital", "Intérêts"}}
		i, hm := FindScheduleHeaderRow(rows, loans.Schedule)
		check(t, "row", i, 1)
		check(t, "Complete", hm.Complete(), true)
		check(t, "Err", hm.Err(), nil)
	})
}

func TestFindSheet(t *testing.T) {
	loans, _ := Get("loans")
	sheets := []string{"Notes", "PRÉSTAMOS", "Échéancier", "Loans "}
	check(t, "main", loans.FindSheet(sheets), 3) // "Loans" comes first in the mapping
	check(t, "schedule", loans.Schedule.FindSheet(sheets), 2)
	check(t, "none", loans.FindSheet([]string{"Sheet1"}), -1)
	check(t, "no sheets named", repaymentsMapping(t).FindSheet(sheets), -1)
}

func TestSelect(t *testing.T) {
	cands := Embedded()
	sample := func(header ...string) func(*Mapping) HeaderMatch {
		return func(m *Mapping) HeaderMatch { return m.MatchHeader(header) }
	}
	t.Run("repayments", func(t *testing.T) {
		m, hm, err := Select(cands, sample("Loan ID", "Client ID", "Amount"))
		if err != nil || m.Name != "repayments" || hm.Columns[FClientID] != 1 {
			t.Fatalf("%v %v", m, err)
		}
	})
	t.Run("journals", func(t *testing.T) {
		m, _, err := Select(cands, sample("Loan ID", "Subject", "Body", "Amount"))
		if err != nil || m.Name != "journals" {
			t.Fatalf("%v %v", m, err)
		}
	})
	t.Run("loans beat repayments on a loan sheet", func(t *testing.T) {
		m, _, err := Select(cands, sample(loanTemplate...))
		if err != nil || m.Name != "loans" {
			t.Fatalf("%v %v", m, err)
		}
	})
	t.Run("tie", func(t *testing.T) {
		mine := repaymentsMapping(t)
		mine.Name, mine.Source = "my-repayments", "/home/ana/.config/kivaconv/mappings/my-repayments.yaml"
		_, _, err := Select(append(cands, mine), sample("Loan ID", "Amount"))
		var se *SelectError
		if !errors.As(err, &se) || len(se.Tied) != 2 {
			t.Fatalf("got %v", err)
		}
		want := `this file fits more than one mapping equally well: "my-repayments" (repayments, from /home/ana/.config/kivaconv/mappings/my-repayments.yaml) and "repayments" (built in).
Choose the mapping to use. If one of them is your own copy of a built-in mapping, give it the built-in name (for example name: loans) so that it replaces the built-in one.`
		check(t, "Error", err.Error(), want)
	})
	t.Run("poor fit", func(t *testing.T) {
		_, _, err := Select(cands, sample("Loan ID", "Amout", "Sujet"))
		var se *SelectError
		if !errors.As(err, &se) || len(se.Tied) != 0 || len(se.Candidates) != 3 {
			t.Fatalf("got %v", err)
		}
		want := `the column headers of this file do not fit any mapping:
  - "journals" (built in): missing column "Body"
  - "repayments" (built in): missing column "Amount" (closest header: "Amout", column B)
  - "loans" (loan drafts, built in): missing columns "Client ID", "First Name", "Gender", "Amount" (closest header: "Amout", column B), "Currency", "Disbursal Date", "Client Waiver Signed"
Rename the columns in the file to the names above, or add a mapping file that gives the names your file uses.`
		check(t, "Error", err.Error(), want)
	})
	t.Run("nothing at all", func(t *testing.T) {
		_, _, err := Select(cands, sample("Foo", "Bar"))
		if err == nil || !strings.Contains(err.Error(), `- "repayments" (built in): none of its columns were found (it needs "Loan ID", "Amount")`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("no candidates", func(t *testing.T) {
		_, _, err := Select(nil, sample("Loan ID"))
		if err == nil || err.Error() != "there is no mapping to read this file with" {
			t.Fatalf("got %v", err)
		}
	})
}

func TestRowsNeeded(t *testing.T) {
	check(t, "auto", HeaderRow(0).RowsNeeded(), 20)
	check(t, "fixed", HeaderRow(35).RowsNeeded(), 35)
}
