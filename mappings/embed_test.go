package mappings

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The templates partners fill in: exact headers, in order.
var (
	loanTemplate = []string{"Loan ID", "Client ID", "First Name", "Last Name", "Gender", "Amount", "Currency",
		"Disbursal Date", "Activity", "Theme", "Location", "Description", "Description Language", "Loan Use",
		"Client Waiver Signed", "Image", "Group Name", "Group Loan ID", "Group Client ID", "Pictured"}
	scheduleTemplate   = []string{"Loan ID", "Due Date", "Principal", "Interest"}
	repaymentsTemplate = []string{"Loan ID", "Client ID", "Amount"}
	journalsTemplate   = []string{"Loan ID", "Client ID", "Subject", "Body", "Image URL"}
)

func TestEmbedded(t *testing.T) {
	ms := Embedded()
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
		if m.Source != "embedded:"+m.Name || len(m.SHA256) != 64 {
			t.Errorf("%s: Source %q SHA256 %q", m.Name, m.Source, m.SHA256)
		}
	}
	check(t, "names", strings.Join(names, ","), "journals,loans,repayments")
	check(t, "EmbeddedNames", strings.Join(EmbeddedNames(), ","), "journals,loans,repayments")

	ms[0].Fields[FLoanID].Column = "changed"
	if again, _ := Get(ms[0].Name); again.Fields[FLoanID].Column == "changed" {
		t.Error("Embedded returns shared mappings")
	}
	if _, err := Get("loan"); err == nil || !strings.Contains(err.Error(), "journals, loans, repayments") {
		t.Errorf("Get(loan): %v", err)
	}
	data, err := EmbeddedYAML("loans")
	if err != nil || !strings.HasPrefix(string(data), "# yaml-language-server: $schema=schema.json") {
		t.Errorf("EmbeddedYAML: %v", err)
	}
	if _, err := EmbeddedYAML("../schema"); err == nil {
		t.Error("EmbeddedYAML accepts any name")
	}
}

func TestEmbeddedTemplates(t *testing.T) {
	for _, tc := range []struct {
		name   string
		kind   Kind
		header []string
	}{
		{"loans", LoanDraft, loanTemplate},
		{"repayments", Repayments, repaymentsTemplate},
		{"journals", Journals, journalsTemplate},
	} {
		m, err := Get(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		check(t, tc.name+" kind", m.Kind, tc.kind)
		hm := m.MatchHeader(tc.header)
		if err := hm.Err(); err != nil || len(hm.Unmapped) != 0 || len(hm.NotFound) != 0 || len(hm.Columns) != len(tc.header) {
			t.Errorf("%s template: %v %+v", tc.name, err, hm)
		}
		// Each field's column is the template header, in template order.
		for i, h := range tc.header {
			key := orderedKeys(m.Fields, tableOf(m.Kind))[i]
			check(t, tc.name+" "+key, m.Fields[key].Column, h)
		}
		if len(m.Locale.DateFormats) != 0 {
			t.Errorf("%s declares date formats %v", tc.name, m.Locale.DateFormats)
		}
		for k, f := range m.Fields {
			if len(f.Formats) != 0 {
				t.Errorf("%s.%s declares date formats", tc.name, k)
			}
		}
	}
	loans, _ := Get("loans")
	check(t, "sheets[0]", loans.Sheets[0], "Loans")
	check(t, "schedule sheets[0]", loans.Schedule.Sheets[0], "Schedule")
	check(t, "group_by", loans.GroupBy, FGroupLoanID)
	check(t, "schedule required", *loans.Schedule.Required, true)
	hm := loans.Schedule.MatchHeader(scheduleTemplate)
	if err := hm.Err(); err != nil || len(hm.Unmapped) != 0 || len(hm.Columns) != 4 {
		t.Errorf("schedule template: %v %+v", err, hm)
	}
	for i, h := range scheduleTemplate {
		key := orderedKeys(loans.Schedule.Fields, scheduleTable)[i]
		check(t, "schedule "+key, loans.Schedule.Fields[key].Column, h)
	}
	// The schedule's Loan ID may be a group loan ID.
	if hm := loans.Schedule.MatchHeader([]string{"Group Loan ID", "Due Date", "Principal", "Interest"}); !hm.Complete() {
		t.Errorf("schedule with Group Loan ID: %v", hm.Err())
	}
}

func TestEmbeddedRequired(t *testing.T) {
	want := map[string][]string{
		"loans":      {FLoanID, FClientID, FFirstName, FGender, FAmount, FCurrency, FDisburseDate, FClientWaiverSigned},
		"repayments": {FLoanID, FAmount},
		"journals":   {FLoanID, FSubject, FBody},
	}
	for name, req := range want {
		m, _ := Get(name)
		var got []string
		for _, k := range orderedKeys(m.Fields, tableOf(m.Kind)) {
			if m.Fields[k].Required {
				got = append(got, k)
			}
		}
		if !slices.Equal(got, req) {
			t.Errorf("%s required = %v, want %v", name, got, req)
		}
	}
	loans, _ := Get("loans")
	for k, f := range loans.Schedule.Fields {
		if !f.Required {
			t.Errorf("schedule %s not required", k)
		}
	}
	for _, name := range []string{"repayments", "journals"} {
		m, _ := Get(name)
		check(t, name+" format", m.RepaymentFormat, TwoColumn)
		check(t, name+" batch", m.BatchSize, 250)
		// Three-column partners flip one setting; client_id then is required.
		data, _ := EmbeddedYAML(name)
		m3 := mustParse(t, strings.Replace(string(data), "repayment_format: two_column", "repayment_format: three_column", 1), name+".yaml")
		check(t, name+" three_column client_id", m3.Fields[FClientID].Required, true)
	}
}

// TestEmbeddedValues: the YAML spells out exactly the built-in words, so
// that the file documents what leaving values out gives.
func TestEmbeddedValues(t *testing.T) {
	loans, _ := Get("loans")
	if !reflect.DeepEqual(loans.Fields[FGender].Values, builtinGender) {
		t.Errorf("gender values differ from builtinGender:\n%v\n%v", loans.Fields[FGender].Values, builtinGender)
	}
	for _, k := range []string{FClientWaiverSigned, FPictured} {
		if !reflect.DeepEqual(loans.Fields[k].Values, builtinBool) {
			t.Errorf("%s values differ from builtinBool", k)
		}
	}
	for word, want := range map[string]string{
		"F": "female", "Female": "female", "Woman": "female", "Femme": "female", "Féminin": "female", "FEMININ": "female",
		"Mujer": "female", "Femenino": "female", "Feminino": "female", "Mulher": "female",
		"M": "male", "Male": "male", "Man": "male", "Homme": "male", "Masculin": "male", "Hombre": "male",
		"Masculino": "male", "Homem": "male",
	} {
		if got, ok := loans.Fields[FGender].MapValue(word); !ok || got != want {
			t.Errorf("gender %q → %q", word, got)
		}
	}
	for word, want := range map[string]string{"Yes": "true", "oui": "true", "SÍ": "true", "Sim": "true", "x": "true", "1": "true",
		"No": "false", "Non": "false", "nao": "false", "0": "false"} {
		if got, ok := loans.Fields[FClientWaiverSigned].MapValue(word); !ok || got != want {
			t.Errorf("waiver %q → %q", word, got)
		}
	}
}

// TestEmbeddedAliases: the spellings the team asked for, and the same ID
// spellings in every mapping.
func TestEmbeddedAliases(t *testing.T) {
	loans, _ := Get("loans")
	reps, _ := Get("repayments")
	jours, _ := Get("journals")
	for _, key := range []string{FLoanID, FClientID} {
		if !slices.Equal(loans.Fields[key].Aliases, reps.Fields[key].Aliases) || !slices.Equal(loans.Fields[key].Aliases, jours.Fields[key].Aliases) {
			t.Errorf("%s aliases differ between the embedded mappings", key)
		}
	}
	if got := loans.Schedule.Fields[FLoanID].Aliases; !slices.Equal(got[1:], loans.Fields[FLoanID].Aliases) || got[0] != "Group Loan ID" {
		t.Errorf("schedule loan_id aliases = %v", got)
	}
	matches := func(m *Mapping, fields map[string]*Field, tbl *table, key string, headers ...string) {
		t.Helper()
		for _, h := range headers {
			hm := matchHeader([]string{h}, fields, tbl)
			if c, ok := hm.Columns[key]; !ok || c != 0 {
				t.Errorf("%s/%s: %q does not match %s", m.Name, tbl.name, h, key)
			}
		}
	}
	matches(loans, loans.Fields, loanDraftTable, FLoanID, "LoanID", "Loan No", "Loan Number", "Account No", "Account Number",
		"N° Prêt", "Numéro de prêt", "Num Credito", "Número de Préstamo", "ID Crédito", "Contrato")
	matches(reps, reps.Fields, repaymentsTable, FLoanID, "LoanID", "Loan No", "Loan Number", "Account No", "Account Number",
		"N° Prêt", "Numéro de prêt", "Num Credito", "Número de Préstamo", "ID Crédito", "Contrato")
	// º, ª and ° are letters to values.Key: "N° Prêt" covers the "No"
	// spellings.
	for _, m := range []*Mapping{loans, reps, jours} {
		matches(m, m.Fields, tableOf(m.Kind), FLoanID, "No Prêt", "Nº Pret", "No. Crédito", "NO PRESTAMO", "nº_préstamo")
		matches(m, m.Fields, tableOf(m.Kind), FClientID, "No Cliente", "Nº Cliente", "No. Client")
	}
	matches(reps, reps.Fields, repaymentsTable, FAmount, "Amount Paid", "Repayment Amount", "Paid Amount", "Montant", "Monto", "Valor Pago")
	matches(loans, loans.Fields, loanDraftTable, FGender, "Sex", "Sexe", "Sexo", "Género", "Genero", "Gênero")
	matches(loans, loans.Fields, loanDraftTable, FDisburseDate, "Disbursement Date", "Date Disbursed", "Date de décaissement",
		"Fecha de desembolso", "Data de Desembolso")
	matches(loans, loans.Schedule.Fields, scheduleTable, FDueDate, "Due Date", "Échéance", "Fecha de vencimiento", "Data de vencimento")
}

func TestCandidates(t *testing.T) {
	exeDir, userDir := t.TempDir(), t.TempDir()
	write := func(dir, name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const mine = "kind: repayments\nfields: {loan_id: {column: Numero}, amount: {column: Valor}}\n"
	write(exeDir, "loans.yaml", "name: loans\n"+strings.Replace(mine, "repayments", "repayments", 1))
	write(exeDir, "my-repayments.yml", mine)
	write(exeDir, "notes.txt", "not a mapping")
	write(exeDir, ".hidden.yaml", "broken: [")
	broken := write(exeDir, "broken.yaml", "kind: repayments\nfields: {loan_id: {colum: X}}\n")
	if err := os.Mkdir(filepath.Join(exeDir, "sub.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	userLoans := write(userDir, "LOANS.YML", "name: loans\n"+mine)
	write(userDir, "dup.yaml", "name: my-repayments\n"+mine)
	dup2 := write(userDir, "dup2.yaml", "name: my-repayments\n"+mine)

	ms, errs := Candidates(exeDir, filepath.Join(userDir, "absent"), userDir)
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	check(t, "names", strings.Join(names, ","), "journals,loans,my-repayments,repayments")
	check(t, "loans from the later dir", ms[1].Source, userLoans)
	check(t, "loans replaced", ms[1].Kind, Repayments)
	check(t, "my-repayments from the later dir", ms[2].Source, filepath.Join(userDir, "dup.yaml"))
	check(t, "built-in", ms[3].Source, "embedded:repayments")
	if len(errs) != 2 {
		t.Fatalf("errs = %v", errs)
	}
	var list ErrorList
	if !errors.As(errs[0], &list) || list[0].Source != broken || list[0].Line != 2 {
		t.Errorf("broken file error: %v", errs[0])
	}
	if !strings.Contains(errs[1].Error(), dup2) || !strings.Contains(errs[1].Error(), `mapping name "my-repayments" is already used`) {
		t.Errorf("duplicate name error: %v", errs[1])
	}

	ms, errs = Candidates()
	if len(ms) != 3 || errs != nil {
		t.Errorf("no dirs: %d %v", len(ms), errs)
	}
}
