package kiva

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var testToday = time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)

func intp(i int) *int    { return &i }
func boolp(b bool) *bool { return &b }

func day(offset int) string { return testToday.AddDate(0, 0, offset).Format(time.DateOnly) }

func testRules(t testing.TB) Rules {
	return Rules{Today: testToday, Reference: loadTestReference(t)}
}

func jpegURI(t testing.TB) string {
	return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(testJPEG(t))
}

func sched(items ...string) []ScheduleItem {
	var out []ScheduleItem
	for _, it := range items {
		f := strings.Fields(it)
		out = append(out, ScheduleItem{Date: f[0], Principal: MustAmount(f[1]), Interest: MustAmount(f[2])})
	}
	return out
}

// validIndividual is a complete loan to one borrower, in UGX.
func validIndividual(t testing.TB) *LoanDraft {
	return &LoanDraft{
		ActivityID:            intp(120),
		ThemeTypeID:           intp(10),
		DescriptionLanguageID: intp(1),
		Location:              "Kampala, Central Region, Uganda",
		Currency:              "UGX",
		ClientWaiverSigned:    boolp(true),
		LoanUse:               "to buy seeds and fertilizer",
		Description:           "Grace is a farmer near Kampala. She grows maize and beans and sells them at the market with her sister.",
		DisburseTime:          "2025-06-01",
		Entreps: []Entrep{
			{ClientID: "C-1001", LoanID: "L-2001", FirstName: "Grace", LastName: "Nakato", Gender: "female", Amount: MustAmount("1500000")},
		},
		Schedule:     sched("2025-07-01 500000 30000", "2025-08-01 500000 20000", "2025-09-01 500000 10000"),
		ImageEncoded: jpegURI(t),
	}
}

// validGroup is a complete loan to a group of three, in USD.
func validGroup(t testing.TB) *LoanDraft {
	return &LoanDraft{
		ActivityID:            intp(99),
		DescriptionLanguageID: intp(3),
		Location:              "Busia, Western Province, Kenya",
		Currency:              "USD",
		ClientWaiverSigned:    boolp(true),
		LoanUse:               "To buy stock for their market stalls",
		Description:           "Este grupo vende frutas y verduras en el mercado de Busia. Ellas trabajan juntas desde hace cinco años.",
		DisburseTime:          "2025-06-10",
		Entreps: []Entrep{
			{ClientID: "C-1", LoanID: "L-1", FirstName: "Amina", LastName: "Wekesa", Gender: "female", Amount: MustAmount("400.50")},
			{ClientID: "C-2", LoanID: "L-2", FirstName: "Joseph", LastName: "Ouma", Gender: "male", Amount: MustAmount("300")},
			{ClientID: "C-3", LoanID: "L-3", FirstName: "Rose", LastName: "Li", Gender: "female", Amount: MustAmount("299.50")},
		},
		Schedule:         sched("2025-07-10 500 12.50", "2025-08-10 500 6.25"),
		ImageEncoded:     jpegURI(t),
		GroupName:        "Tusubira Market Women",
		InternalClientID: "G-77",
		InternalLoanID:   "GL-77",
		NotPictured:      []bool{false, false, true},
	}
}

type pk struct {
	Path string
	Rule string
	Sev  Severity
}

func (k pk) String() string { return fmt.Sprintf("%s %s(%s)", k.Path, k.Rule, k.Sev) }

func keysOf(ps []Problem) []pk {
	var out []pk
	for _, p := range ps {
		out = append(out, pk{p.Path, p.Rule, p.Severity})
	}
	return out
}

func e(path, rule string) pk { return pk{path, rule, Error} }
func w(path, rule string) pk { return pk{path, rule, Warning} }

func checkProblems(t *testing.T, name string, got []Problem, want []pk) {
	t.Helper()
	if !reflect.DeepEqual(keysOf(got), want) {
		t.Errorf("%s:\n got  %v\n want %v", name, keysOf(got), want)
		for _, p := range got {
			t.Logf("  %s: %s / %s", p.Rule, p.Message, p.Hint)
		}
	}
	for _, p := range got {
		if p.Message == "" || p.Hint == "" {
			t.Errorf("%s: problem %s has no message or no hint: %+v", name, p.Rule, p)
		}
	}
}

func TestValidDrafts(t *testing.T) {
	r := testRules(t)
	checkProblems(t, "individual", r.LoanDraft(validIndividual(t)), nil)
	checkProblems(t, "group", r.LoanDraft(validGroup(t)), nil)
	r.WholeAmounts = true
	checkProblems(t, "individual, whole amounts", r.LoanDraft(validIndividual(t)), nil)
}

func TestLoanDraftRules(t *testing.T) {
	ind, grp := validIndividual, validGroup
	tests := []struct {
		name   string
		draft  func(testing.TB) *LoanDraft
		edit   func(d *LoanDraft)
		rules  func(r *Rules)
		expect []pk
	}{
		// Borrowers.
		{"no borrowers", ind, func(d *LoanDraft) { d.Entreps = nil }, nil,
			[]pk{e("entreps", RuleNoBorrowers)}},
		{"client id blank", ind, func(d *LoanDraft) { d.Entreps[0].ClientID = "  " }, nil,
			[]pk{e("entreps[0].client_id", RuleClientIDMissing)}},
		{"loan id missing", ind, func(d *LoanDraft) { d.Entreps[0].LoanID = "" }, nil,
			[]pk{e("entreps[0].loan_id", RuleLoanIDMissing)}},
		{"first name missing", ind, func(d *LoanDraft) { d.Entreps[0].FirstName = "" }, nil,
			[]pk{e("entreps[0].first_name", RuleFirstNameMissing)}},
		{"gender missing", grp, func(d *LoanDraft) { d.Entreps[1].Gender = "" }, nil,
			[]pk{e("entreps[1].gender", RuleGenderMissing)}},
		{"gender not documented", grp, func(d *LoanDraft) { d.Entreps[2].Gender = "nonbinary" }, nil,
			[]pk{w("entreps[2].gender", RuleGenderUnknown)}},
		{"gender blank", ind, func(d *LoanDraft) { d.Entreps[0].Gender = " " }, nil,
			[]pk{e("entreps[0].gender", RuleGenderMissing)}},
		{"gender capitalised", ind, func(d *LoanDraft) { d.Entreps[0].Gender = "Female" }, nil,
			[]pk{w("entreps[0].gender", RuleGenderUnknown)}},
		{"amount zero", ind, func(d *LoanDraft) { d.Entreps[0].Amount = MustAmount("0") }, nil,
			[]pk{e("entreps[0].amount", RuleAmountNotPositive), e("schedule", RuleScheduleTotal)}},
		{"amount negative", grp, func(d *LoanDraft) {
			d.Entreps[0].Amount = MustAmount("-400.50")
			d.Schedule = sched("2025-07-10 199 0")
		}, nil,
			[]pk{e("entreps[0].amount", RuleAmountNotPositive)}},
		{"duplicate borrower", grp, func(d *LoanDraft) { d.Entreps[2].ClientID, d.Entreps[2].LoanID = "C-1", "L-1" }, nil,
			[]pk{e("entreps[2]", RuleDuplicateBorrower)}},
		{"same client, other loan", grp, func(d *LoanDraft) { d.Entreps[2].ClientID = "C-1" }, nil, nil},

		// Currency and amounts.
		{"currency missing", ind, func(d *LoanDraft) { d.Currency = "" }, nil,
			[]pk{e("currency", RuleCurrencyMissing)}},
		{"currency lower case", ind, func(d *LoanDraft) { d.Currency = "ugx" }, nil,
			[]pk{e("currency", RuleCurrencyFormat)}},
		{"currency not ISO", ind, func(d *LoanDraft) { d.Currency = "ABC" }, nil,
			[]pk{e("currency", RuleCurrencyUnknown)}},
		{"currency not the partner's", ind, func(d *LoanDraft) { d.Currency = "KES" }, nil,
			[]pk{e("currency", RuleCurrencyNotOffered)}},
		{"currency without reference", ind, func(d *LoanDraft) { d.Currency = "KES" }, func(r *Rules) { r.Reference = nil }, nil},
		{"UGX with decimals", ind, func(d *LoanDraft) {
			d.Entreps[0].Amount = MustAmount("1500000.5")
			d.Schedule[2].Principal = MustAmount("500000.5")
		}, nil,
			[]pk{e("entreps[0].amount", RuleAmountDecimals), e("schedule[2].principal", RuleAmountDecimals)}},
		{"UGX trailing zeros are fine", ind, func(d *LoanDraft) { d.Entreps[0].Amount = MustAmount("1500000.00") }, nil, nil},
		{"UGX decimals with whole amounts: one problem", ind, func(d *LoanDraft) {
			d.Schedule[1].Interest = MustAmount("20000.5")
		}, func(r *Rules) { r.WholeAmounts = true },
			[]pk{e("schedule[1].interest", RuleAmountDecimals)}},
		{"USD 3 decimals", grp, func(d *LoanDraft) {
			d.Entreps[0].Amount = MustAmount("400.505")
			d.Entreps[2].Amount = MustAmount("299.495")
		}, nil,
			[]pk{e("entreps[0].amount", RuleAmountDecimals), e("entreps[2].amount", RuleAmountDecimals)}},
		{"USD interest 3 decimals", grp, func(d *LoanDraft) { d.Schedule[0].Interest = MustAmount("12.505") }, nil,
			[]pk{e("schedule[0].interest", RuleAmountDecimals)}},
		{"JOD 3 decimals are fine", grp, func(d *LoanDraft) {
			d.Currency = "JOD"
			d.Entreps[0].Amount = MustAmount("400.505")
			d.Entreps[2].Amount = MustAmount("299.495")
		}, func(r *Rules) { r.Reference = nil }, nil},
		{"whole amounts required", grp, nil, func(r *Rules) { r.WholeAmounts = true },
			[]pk{e("entreps[0].amount", RuleAmountNotWhole), e("entreps[2].amount", RuleAmountNotWhole),
				e("schedule[0].interest", RuleAmountNotWhole), e("schedule[1].interest", RuleAmountNotWhole)}},
		{"USD loan of 5", grp, func(d *LoanDraft) {
			d.Entreps[0].Amount, d.Entreps[1].Amount, d.Entreps[2].Amount = MustAmount("2"), MustAmount("2"), MustAmount("1")
			d.Schedule = sched("2025-07-10 5 0")
		}, nil,
			[]pk{e("", RuleLoanTooSmall)}},
		{"USD loan of 5.01", grp, func(d *LoanDraft) {
			d.Entreps[0].Amount, d.Entreps[1].Amount, d.Entreps[2].Amount = MustAmount("2"), MustAmount("2"), MustAmount("1.01")
			d.Schedule = sched("2025-07-10 5.01 0")
		}, nil, nil},
		{"small UGX loan not checked (no rates)", ind, func(d *LoanDraft) {
			d.Entreps[0].Amount = MustAmount("5")
			d.Schedule = sched("2025-07-01 5 0")
		}, nil, nil},

		// Disbursal date.
		{"disbursal missing", ind, func(d *LoanDraft) { d.DisburseTime = "" }, nil,
			[]pk{e("disburse_time", RuleDisburseTimeMissing)}},
		{"disbursal not ISO", ind, func(d *LoanDraft) { d.DisburseTime = "2025-6-1" }, nil,
			[]pk{e("disburse_time", RuleDateFormat)}},
		{"disbursal day 31 of a 30-day month... 30 Feb", ind, func(d *LoanDraft) { d.DisburseTime = "2025-02-30" }, nil,
			[]pk{e("disburse_time", RuleDateFormat)}},
		{"disbursal with time", ind, func(d *LoanDraft) { d.DisburseTime = "2025-06-01T00:00:00Z" }, nil,
			[]pk{e("disburse_time", RuleDateFormat)}},
		{"disbursal 30 days ago", ind, func(d *LoanDraft) { d.DisburseTime = day(-30) }, nil, nil},
		{"disbursal 31 days ago", ind, func(d *LoanDraft) { d.DisburseTime = day(-31) }, nil,
			[]pk{w("disburse_time", RuleDisburseWindow)}},
		{"disbursal 90 days ahead", ind, func(d *LoanDraft) {
			d.DisburseTime = day(90)
			d.Schedule = sched(day(120)+" 500000 0", day(150)+" 500000 0", day(180)+" 500000 0")
		}, nil, nil},
		{"disbursal 91 days ahead", ind, func(d *LoanDraft) {
			d.DisburseTime = day(91)
			d.Schedule = sched(day(120)+" 500000 0", day(150)+" 500000 0", day(180)+" 500000 0")
		}, nil,
			[]pk{w("disburse_time", RuleDisburseWindow)}},
		{"today late in the evening west of UTC", ind, func(d *LoanDraft) { d.DisburseTime = day(-30) }, func(r *Rules) {
			r.Today = time.Date(2025, 6, 15, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))
		}, nil},
		{"disbursal in year 1", ind, func(d *LoanDraft) {
			d.DisburseTime = "0001-01-01"
		}, nil, []pk{w("disburse_time", RuleDisburseWindow)}},
		{"no today: no window", ind, func(d *LoanDraft) { d.DisburseTime = "2020-01-01" }, func(r *Rules) { r.Today = time.Time{} }, nil},

		// Reference ids.
		{"activity missing", ind, func(d *LoanDraft) { d.ActivityID = nil }, nil,
			[]pk{w("activity_id", RuleActivityMissing)}},
		{"activity unknown", ind, func(d *LoanDraft) { d.ActivityID = intp(999) }, nil,
			[]pk{e("activity_id", RuleActivityUnknown)}},
		{"activity zero without reference", ind, func(d *LoanDraft) { d.ActivityID = intp(0) }, func(r *Rules) { r.Reference = nil },
			[]pk{e("activity_id", RuleActivityUnknown)}},
		{"theme unknown", ind, func(d *LoanDraft) { d.ThemeTypeID = intp(999) }, nil,
			[]pk{e("theme_type_id", RuleThemeUnknown)}},
		{"theme zero", ind, func(d *LoanDraft) { d.ThemeTypeID = intp(0) }, nil,
			[]pk{e("theme_type_id", RuleThemeUnknown)}},
		{"theme absent is fine", ind, func(d *LoanDraft) { d.ThemeTypeID = nil }, nil, nil},
		{"language missing", ind, func(d *LoanDraft) { d.DescriptionLanguageID = nil }, nil,
			[]pk{w("description_language_id", RuleDescriptionLanguageMissing)}},
		{"language unknown", ind, func(d *LoanDraft) { d.DescriptionLanguageID = intp(9) }, nil,
			[]pk{e("description_language_id", RuleDescriptionLanguageUnknown)}},
		{"location missing", ind, func(d *LoanDraft) { d.Location = "" }, nil,
			[]pk{w("location", RuleLocationMissing)}},
		{"location short name", ind, func(d *LoanDraft) { d.Location = "Kampala" }, nil,
			[]pk{e("location", RuleLocationUnknown)}},
		{"location case differs", ind, func(d *LoanDraft) { d.Location = "kampala, central region, uganda" }, nil,
			[]pk{e("location", RuleLocationUnknown)}},
		{"location unknown", ind, func(d *LoanDraft) { d.Location = "Nairobi" }, nil,
			[]pk{e("location", RuleLocationUnknown)}},
		{"no reference: no existence checks", ind, func(d *LoanDraft) {
			d.ActivityID, d.ThemeTypeID, d.DescriptionLanguageID = intp(999), intp(999), intp(999)
			d.Location, d.Currency = "Nairobi", "KES"
			d.Entreps[0].Amount = MustAmount("1500000.50")
			d.Schedule[0].Principal = MustAmount("500000.50")
		}, func(r *Rules) { r.Reference = nil }, nil},
		{"reference with activities only", ind, func(d *LoanDraft) {
			d.ActivityID, d.ThemeTypeID, d.Location = intp(999), intp(999), "Nairobi"
		}, func(r *Rules) { r.Reference = &Reference{Activities: r.Reference.Activities} },
			[]pk{e("activity_id", RuleActivityUnknown)}},

		// Waiver, loan use, description, photo.
		{"waiver missing", ind, func(d *LoanDraft) { d.ClientWaiverSigned = nil }, nil,
			[]pk{e("client_waiver_signed", RuleWaiverMissing)}},
		{"waiver not signed", ind, func(d *LoanDraft) { d.ClientWaiverSigned = boolp(false) }, nil,
			[]pk{e("client_waiver_signed", RuleWaiverNotSigned)}},
		{"loan use missing", ind, func(d *LoanDraft) { d.LoanUse = "" }, nil,
			[]pk{w("loanuse", RuleLoanUseMissing)}},
		{"loan use without to", ind, func(d *LoanDraft) { d.LoanUse = "buy seeds" }, nil,
			[]pk{w("loanuse", RuleLoanUseTo)}},
		{"loan use starting with tomatoes", ind, func(d *LoanDraft) { d.LoanUse = "tomatoes and onions" }, nil,
			[]pk{w("loanuse", RuleLoanUseTo)}},
		{"loan use TO with spaces", ind, func(d *LoanDraft) { d.LoanUse = "  TO buy a sewing machine" }, nil, nil},
		{"description missing", ind, func(d *LoanDraft) { d.Description = " " }, nil,
			[]pk{w("description", RuleDescriptionMissing)}},
		{"description first person", ind, func(d *LoanDraft) { d.Description = "I have been farming for ten years." }, nil,
			[]pk{w("description", RuleDescriptionFirstPerson)}},
		{"description names the family", ind, func(d *LoanDraft) { d.Description = "Grace NAKATO grows maize." }, nil,
			[]pk{w("description", RuleDescriptionFamilyName)}},
		{"family name inside a word is fine", ind, func(d *LoanDraft) { d.Description = "Grace sells at the Nakatompa market." }, nil, nil},
		{"short family name skipped", grp, func(d *LoanDraft) { d.Description = "Rose Li and her friends sell fruit." }, nil, nil},
		{"both description warnings", ind, func(d *LoanDraft) { d.Description = "Nakato says: we need a bigger shop." }, nil,
			[]pk{w("description", RuleDescriptionFirstPerson), w("description", RuleDescriptionFamilyName)}},
		{"photo missing", ind, func(d *LoanDraft) { d.ImageEncoded = "" }, nil,
			[]pk{w("image_encoded", RuleImageMissing)}},
		{"photo type mismatch", ind, func(d *LoanDraft) {
			d.ImageEncoded = "data:image/png;base64," + base64.StdEncoding.EncodeToString(testJPEG(t))
		}, nil,
			[]pk{e("image_encoded", RuleImageInvalid)}},

		// Group fields.
		{"group name on an individual loan", ind, func(d *LoanDraft) { d.GroupName = "Tusubira" }, nil,
			[]pk{e("group_name", RuleGroupFieldOnIndividual)}},
		{"all group fields on an individual loan", ind, func(d *LoanDraft) {
			d.GroupName, d.InternalClientID, d.InternalLoanID, d.NotPictured = "T", "G", "GL", []bool{true}
		}, nil,
			[]pk{e("group_name", RuleGroupFieldOnIndividual), e("internal_client_id", RuleGroupFieldOnIndividual),
				e("internal_loan_id", RuleGroupFieldOnIndividual), e("not_pictured", RuleGroupFieldOnIndividual)}},
		{"empty not_pictured is omitted, fine", ind, func(d *LoanDraft) { d.NotPictured = []bool{} }, nil, nil},
		{"group without name", grp, func(d *LoanDraft) { d.GroupName = "" }, nil,
			[]pk{e("group_name", RuleGroupNameMissing)}},
		{"not_pictured too short", grp, func(d *LoanDraft) { d.NotPictured = []bool{true, false} }, nil,
			[]pk{e("not_pictured", RuleNotPicturedLength)}},
		{"not_pictured too long", grp, func(d *LoanDraft) { d.NotPictured = []bool{true, false, false, true} }, nil,
			[]pk{e("not_pictured", RuleNotPicturedLength)}},
		{"not_pictured absent", grp, func(d *LoanDraft) { d.NotPictured = nil }, nil, nil},

		// Schedule.
		{"schedule missing", ind, func(d *LoanDraft) { d.Schedule = nil }, nil,
			[]pk{e("schedule", RuleScheduleMissing)}},
		{"schedule date not ISO", ind, func(d *LoanDraft) { d.Schedule[1].Date = "01/08/2025" }, nil,
			[]pk{e("schedule[1].date", RuleDateFormat)}},
		{"schedule out of order", ind, func(d *LoanDraft) { d.Schedule[1].Date, d.Schedule[2].Date = "2025-09-01", "2025-08-01" }, nil,
			[]pk{e("schedule[2].date", RuleScheduleOrder)}},
		{"schedule same day twice", ind, func(d *LoanDraft) { d.Schedule[2].Date = "2025-08-01" }, nil,
			[]pk{e("schedule[2].date", RuleScheduleOrder)}},
		{"schedule on disbursal day", ind, func(d *LoanDraft) { d.Schedule[0].Date = "2025-06-01" }, nil,
			[]pk{e("schedule[0].date", RuleScheduleBeforeDisbursal)}},
		{"schedule before disbursal: one problem", ind, func(d *LoanDraft) { d.DisburseTime = "2025-08-15" }, nil,
			[]pk{e("schedule[0].date", RuleScheduleBeforeDisbursal)}},
		{"schedule day after disbursal", ind, func(d *LoanDraft) { d.Schedule[0].Date = "2025-06-02" }, nil, nil},
		{"negative principal", ind, func(d *LoanDraft) {
			d.Schedule[0].Principal = MustAmount("-1")
			d.Schedule[1].Principal = MustAmount("1000001")
		}, nil,
			[]pk{e("schedule[0].principal", RuleScheduleNegative)}},
		{"negative interest", ind, func(d *LoanDraft) { d.Schedule[2].Interest = MustAmount("-10000") }, nil,
			[]pk{e("schedule[2].interest", RuleScheduleNegative)}},
		{"zero principal and interest are fine", ind, func(d *LoanDraft) {
			d.Schedule = sched("2025-07-01 0 30000", "2025-08-01 750000 0", "2025-09-01 750000 0")
		}, nil, nil},
		{"schedule total 0.01 short", grp, func(d *LoanDraft) { d.Schedule[1].Principal = MustAmount("499.99") }, nil,
			[]pk{e("schedule", RuleScheduleTotal)}},
		{"schedule total 0.01 over", grp, func(d *LoanDraft) { d.Schedule[1].Principal = MustAmount("500.01") }, nil,
			[]pk{e("schedule", RuleScheduleTotal)}},

		// Text.
		{"replacement character", ind, func(d *LoanDraft) { d.Description = "Grace grows ma\uFFFDze." }, nil,
			[]pk{e("description", RuleTextEncoding)}},
		{"invalid UTF-8", grp, func(d *LoanDraft) { d.Entreps[1].FirstName = "Jos\xe9" }, nil,
			[]pk{e("entreps[1].first_name", RuleTextEncoding)}},
		{"accents are fine", ind, func(d *LoanDraft) {
			d.Location = "São Paulo, São Paulo, Brazil"
			d.Entreps[0].FirstName = "Zoë"
		}, nil, nil},
	}
	for _, tt := range tests {
		d := tt.draft(t)
		if tt.edit != nil {
			tt.edit(d)
		}
		r := testRules(t)
		if tt.rules != nil {
			tt.rules(&r)
		}
		checkProblems(t, tt.name, r.LoanDraft(d), tt.expect)
	}
}

func TestLoanDraftNil(t *testing.T) {
	ps := testRules(t).LoanDraft(nil)
	if len(ps) != 1 || ps[0].Rule != RuleNoDraft || ps[0].Severity != Error {
		t.Errorf("LoanDraft(nil) = %+v", ps)
	}
}

// A draft that breaks many rules reports them in JSON field order, the same
// way every time.
func TestLoanDraftOrder(t *testing.T) {
	d := validGroup(t)
	d.ActivityID = nil
	d.Location = "Busia"
	d.Currency = "usd"
	d.ClientWaiverSigned = nil
	d.LoanUse = "buy stock"
	d.Description = "We sell fruit. Ouma is our leader. J\uFFFDseph"
	d.DisburseTime = "2025-01-01"
	d.Entreps[1].Gender = "M"
	d.Entreps[2].Amount = MustAmount("0")
	d.Schedule = sched("2025-07-10 500 0", "2025-07-10 500 0")
	d.ImageEncoded = ""
	d.GroupName = ""
	d.NotPictured = []bool{true}
	want := []pk{
		e("description", RuleTextEncoding),
		w("activity_id", RuleActivityMissing),
		e("location", RuleLocationUnknown),
		e("currency", RuleCurrencyFormat),
		e("client_waiver_signed", RuleWaiverMissing),
		w("loanuse", RuleLoanUseTo),
		w("description", RuleDescriptionFirstPerson),
		w("description", RuleDescriptionFamilyName),
		w("disburse_time", RuleDisburseWindow),
		w("entreps[1].gender", RuleGenderUnknown),
		e("entreps[2].amount", RuleAmountNotPositive),
		e("schedule[1].date", RuleScheduleOrder),
		e("schedule", RuleScheduleTotal),
		w("image_encoded", RuleImageMissing),
		e("group_name", RuleGroupNameMissing),
		e("not_pictured", RuleNotPicturedLength),
	}
	r := testRules(t)
	first := r.LoanDraft(d)
	checkProblems(t, "many problems", first, want)
	for i := 0; i < 5; i++ {
		if again := r.LoanDraft(d); !reflect.DeepEqual(again, first) {
			t.Fatalf("run %d differs", i)
		}
	}
}

func TestLoanDraftMessages(t *testing.T) {
	r := testRules(t)
	find := func(ps []Problem, rule string) Problem {
		t.Helper()
		for _, p := range ps {
			if p.Rule == rule {
				return p
			}
		}
		t.Fatalf("no %s problem in %+v", rule, ps)
		return Problem{}
	}

	d := validGroup(t)
	d.Schedule[1].Principal = MustAmount("499.99")
	p := find(r.LoanDraft(d), RuleScheduleTotal)
	if want := "repays 999.99 USD of principal, but the borrowers' amounts add up to 1000.00 USD: 0.01 USD less"; !strings.Contains(p.Message, want) {
		t.Errorf("schedule total message %q lacks %q", p.Message, want)
	}

	d = validIndividual(t)
	d.Location = "kampala"
	p = find(r.LoanDraft(d), RuleLocationUnknown)
	if !strings.Contains(p.Hint, "“Kampala, Central Region, Uganda”") {
		t.Errorf("location hint %q does not give the full name", p.Hint)
	}
	d.Location = "Busia"
	p = find(r.LoanDraft(d), RuleLocationUnknown)
	if !strings.Contains(p.Hint, "“Busia, Eastern Region, Uganda” or “Busia, Western Province, Kenya”") {
		t.Errorf("ambiguous location hint %q", p.Hint)
	}

	d = validIndividual(t)
	d.Description = "Elle vend du riz. J’ai besoin d'aide."
	if p = find(r.LoanDraft(d), RuleDescriptionFirstPerson); !strings.Contains(p.Message, "“J’ai”") {
		t.Errorf("first-person message %q", p.Message)
	}

	d = validIndividual(t)
	d.Entreps[0].Gender = "Female"
	if p = find(r.LoanDraft(d), RuleGenderUnknown); !strings.Contains(p.Hint, "“female”, in lower case") {
		t.Errorf("gender hint %q", p.Hint)
	}
	if !strings.Contains(p.Message, "borrower 1 (Grace)") {
		t.Errorf("gender message %q does not name the borrower", p.Message)
	}

	d = validIndividual(t)
	d.DisburseTime = day(-45)
	if p = find(r.LoanDraft(d), RuleDisburseWindow); !strings.Contains(p.Message, "45 days ago") {
		t.Errorf("window message %q", p.Message)
	}

	d = validIndividual(t)
	d.DisburseTime = "0001-01-01"
	if p = find(r.LoanDraft(d), RuleDisburseWindow); !strings.Contains(p.Message, "739416 days ago") {
		t.Errorf("window message for year 1 %q", p.Message)
	}

	d = validIndividual(t)
	d.Entreps[0].Amount = MustAmount("1500000.5")
	if p = find(r.LoanDraft(d), RuleAmountDecimals); !strings.Contains(p.Message, "UGX amounts have no decimal places") {
		t.Errorf("decimals message %q", p.Message)
	}
	if p = find(r.LoanDraft(d), RuleScheduleTotal); !strings.Contains(p.Message, "add up to 1500000.5 UGX: 0.5 UGX less") {
		t.Errorf("total message with an amount finer than the currency %q", p.Message)
	}

	d = validIndividual(t)
	d.ImageEncoded = "data:image/gif;base64," + base64.StdEncoding.EncodeToString(testGIF(t))
	if p = find(r.LoanDraft(d), RuleImageInvalid); !strings.Contains(p.Hint, "JPEG or PNG") {
		t.Errorf("image hint %q", p.Hint)
	}
}

func TestFirstPersonWord(t *testing.T) {
	for in, want := range map[string]string{
		"Grace sells maize.":                        "",
		"I sell maize.":                             "I",
		"She said I'm happy.":                       "I'm",
		"She says: my shop is small.":               "my",
		"Give me a loan":                            "me",
		"We are a group":                            "We",
		"Our shop":                                  "Our",
		"Help us grow":                              "us",
		"She exports to US markets.":                "",
		"Thanks to the users and the museum":        "",
		"Elle dit: je vends du riz.":                "je",
		"J'ai trois enfants.":                       "J'ai",
		"Mon magasin est petit.":                    "Mon",
		"Ma famille":                                "Ma",
		"Mes enfants":                               "Mes",
		"Nous vendons":                              "Nous",
		"Notre groupe":                              "Notre",
		"Yo vendo frutas.":                          "Yo",
		"Mi tienda":                                 "Mi",
		"Mis hijos":                                 "Mis",
		"Nosotros vendemos":                         "Nosotros",
		"Nuestro grupo":                             "Nuestro",
		"Ella vende en el mercado de Misiones.":     "",
		"'Mary' sells; the borrower's shop is big.": "",
		"Elle vend l'huile et d’autres produits.":   "",
	} {
		if got := firstPersonWord(in); got != want {
			t.Errorf("firstPersonWord(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRepaymentRules(t *testing.T) {
	valid := Repayment{LoanID: "L-2001", ClientID: "C-1001", Amount: MustAmount("125000")}
	tests := []struct {
		name   string
		edit   func(p *Repayment)
		rules  Rules
		expect []pk
	}{
		{"valid", nil, Rules{Currency: "UGX"}, nil},
		{"valid two-column", func(p *Repayment) { p.ClientID = "" }, Rules{Currency: "UGX"}, nil},
		{"valid three-column", nil, Rules{ThreeColumn: true}, nil},
		{"loan id missing", func(p *Repayment) { p.LoanID = " " }, Rules{}, []pk{e("loan_id", RuleLoanIDMissing)}},
		{"client id missing, three-column", func(p *Repayment) { p.ClientID = "" }, Rules{ThreeColumn: true},
			[]pk{e("client_id", RuleClientIDMissing)}},
		{"negative", func(p *Repayment) { p.Amount = MustAmount("-100") }, Rules{}, []pk{e("amount", RuleAmountNegative)}},
		{"zero", func(p *Repayment) { p.Amount = MustAmount("0") }, Rules{}, []pk{w("amount", RuleAmountZero)}},
		{"UGX decimals", func(p *Repayment) { p.Amount = MustAmount("125000.5") }, Rules{Currency: "UGX"},
			[]pk{e("amount", RuleAmountDecimals)}},
		{"USD 2 decimals", func(p *Repayment) { p.Amount = MustAmount("84.85") }, Rules{Currency: "USD"}, nil},
		{"USD 3 decimals", func(p *Repayment) { p.Amount = MustAmount("84.855") }, Rules{Currency: "USD"},
			[]pk{e("amount", RuleAmountDecimals)}},
		{"currency setting in lower case", func(p *Repayment) { p.Amount = MustAmount("84.855") }, Rules{Currency: " usd"},
			[]pk{e("amount", RuleAmountDecimals)}},
		{"currency unknown: no decimals rule", func(p *Repayment) { p.Amount = MustAmount("84.855") }, Rules{}, nil},
		{"whole amounts", func(p *Repayment) { p.Amount = MustAmount("84.85") }, Rules{Currency: "USD", WholeAmounts: true},
			[]pk{e("amount", RuleAmountNotWhole)}},
		{"whole amounts, trailing zeros", func(p *Repayment) { p.Amount = MustAmount("85.00") }, Rules{Currency: "USD", WholeAmounts: true}, nil},
		{"broken text", func(p *Repayment) { p.LoanID = "L-\xff" }, Rules{}, []pk{e("loan_id", RuleTextEncoding)}},
	}
	for _, tt := range tests {
		p := valid
		if tt.edit != nil {
			tt.edit(&p)
		}
		checkProblems(t, tt.name, tt.rules.Repayment(p), tt.expect)
	}
}

func TestJournalRules(t *testing.T) {
	valid := Journal{InternalLoanID: "L-2001", InternalClientID: "C-1001", Subject: "A new stall", Body: "Grace opened a second stall."}
	tests := []struct {
		name   string
		edit   func(j *Journal)
		rules  Rules
		expect []pk
	}{
		{"valid", nil, Rules{}, nil},
		{"valid three-column", nil, Rules{ThreeColumn: true}, nil},
		{"valid with photo", func(j *Journal) { j.ImageURL = "https://example.org/photos/grace.jpg" }, Rules{}, nil},
		{"loan id missing", func(j *Journal) { j.InternalLoanID = "" }, Rules{}, []pk{e("internal_loan_id", RuleLoanIDMissing)}},
		{"client id missing, two-column", func(j *Journal) { j.InternalClientID = "" }, Rules{}, nil},
		{"client id missing, three-column", func(j *Journal) { j.InternalClientID = "" }, Rules{ThreeColumn: true},
			[]pk{e("internal_client_id", RuleClientIDMissing)}},
		{"subject missing", func(j *Journal) { j.Subject = "" }, Rules{}, []pk{e("subject", RuleSubjectMissing)}},
		{"body missing", func(j *Journal) { j.Body = "\n" }, Rules{}, []pk{e("body", RuleBodyMissing)}},
		{"photo link relative", func(j *Journal) { j.ImageURL = "photos/grace.jpg" }, Rules{}, []pk{e("image_url", RuleImageURLInvalid)}},
		{"photo link ftp", func(j *Journal) { j.ImageURL = "ftp://example.org/grace.jpg" }, Rules{}, []pk{e("image_url", RuleImageURLInvalid)}},
		{"photo link without host", func(j *Journal) { j.ImageURL = "https:///grace.jpg" }, Rules{}, []pk{e("image_url", RuleImageURLInvalid)}},
		{"photo link upper-case scheme", func(j *Journal) { j.ImageURL = "HTTP://example.org/a.png" }, Rules{}, nil},
		{"broken text", func(j *Journal) { j.Body = "Grace \uFFFD" }, Rules{}, []pk{e("body", RuleTextEncoding)}},
	}
	for _, tt := range tests {
		j := valid
		if tt.edit != nil {
			tt.edit(&j)
		}
		checkProblems(t, tt.name, tt.rules.Journal(j), tt.expect)
	}
}
