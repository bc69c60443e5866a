package kiva

import (
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/hinttest"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// TestHintsWorkbookFirst: the hints of the rules say first what to change
// in the workbook (or the MIS, or PA2), and advice for whoever maintains
// the mapping only after values.ForMapping.
func TestHintsWorkbookFirst(t *testing.T) {
	if forMapping != values.ForMapping {
		t.Fatalf("forMapping = %q, values.ForMapping = %q", forMapping, values.ForMapping)
	}
	r := testRules(t)
	ind := func(f func(d *LoanDraft)) []Problem {
		d := validIndividual(t)
		f(d)
		return r.LoanDraft(d)
	}
	grp := func(f func(d *LoanDraft)) []Problem {
		d := validGroup(t)
		f(d)
		return r.LoanDraft(d)
	}
	var all []Problem
	for _, ps := range [][]Problem{
		r.LoanDraft(nil),
		r.LoanDraft(&LoanDraft{}),
		r.LoanDraft(&LoanDraft{ActivityID: intp(-1), ThemeTypeID: intp(-1), DescriptionLanguageID: intp(-1), Location: "Kampla", Currency: "ugx", DisburseTime: "1/6/2025"}),
		ind(func(d *LoanDraft) { d.Currency = "QQQ" }),
		ind(func(d *LoanDraft) { d.Currency = "EUR" }),
		ind(func(d *LoanDraft) { d.Location = "kampala" }),
		ind(func(d *LoanDraft) { d.Entreps[0].Amount = MustAmount("1500000.5") }),
		ind(func(d *LoanDraft) { d.Entreps[0].Gender = "Femme" }),
		ind(func(d *LoanDraft) { d.Entreps[0].Gender = "Female" }),
		ind(func(d *LoanDraft) { d.Entreps[0].Amount = MustAmount("0") }),
		ind(func(d *LoanDraft) { d.ClientWaiverSigned = boolp(false) }),
		ind(func(d *LoanDraft) { d.ClientWaiverSigned = nil }),
		ind(func(d *LoanDraft) { d.LoanUse = "buy seeds" }),
		ind(func(d *LoanDraft) { d.Description = "I sell vegetables. Nakato" }),
		ind(func(d *LoanDraft) { d.DisburseTime = day(-200) }),
		ind(func(d *LoanDraft) { d.DisburseTime = day(200) }),
		ind(func(d *LoanDraft) {
			d.Schedule = sched("2025-05-01 500000 30000", "2025-05-01 -1 -1", "2025-99-01 1000001 0")
		}),
		ind(func(d *LoanDraft) { d.ImageEncoded = "https://example.com/a.jpg" }),
		ind(func(d *LoanDraft) { d.ImageEncoded = "data:image/gif;base64,R0lG" }),
		ind(func(d *LoanDraft) { d.ImageEncoded = "data:image/jpeg;base64,%%%" }),
		ind(func(d *LoanDraft) { d.ImageEncoded = "data:image/jpeg,abc" }),
		ind(func(d *LoanDraft) { d.GroupName = "Group" }),
		ind(func(d *LoanDraft) { d.Entreps = nil }),
		grp(func(d *LoanDraft) { d.GroupName, d.NotPictured = "", []bool{true} }),
		grp(func(d *LoanDraft) { d.Entreps[1].ClientID, d.Entreps[1].LoanID = "C-1", "L-1" }),
		grp(func(d *LoanDraft) {
			d.Entreps[0].Amount, d.Entreps[1].Amount, d.Entreps[2].Amount = MustAmount("1"), MustAmount("1"), MustAmount("1")
		}),
		Rules{ThreeColumn: true}.Repayment(Repayment{Amount: MustAmount("-1")}),
		Rules{}.Repayment(Repayment{LoanID: "L-1", Amount: MustAmount("0")}),
		Rules{Currency: "USD", WholeAmounts: true}.Repayment(Repayment{LoanID: "L-1", Amount: MustAmount("1.5")}),
		Rules{ThreeColumn: true}.Journal(Journal{ImageURL: "photo.jpg"}),
	} {
		all = append(all, ps...)
	}
	rules := map[string]bool{}
	for _, p := range all {
		rules[p.Rule] = true
		if err := hinttest.Check(p.Hint); err != nil {
			t.Errorf("%s: %v", p.Rule, err)
		}
		if strings.Contains(strings.ToLower(p.Hint), "mapping") && !strings.Contains(p.Hint, forMapping) {
			t.Errorf("%s: hint %q talks of the mapping without %q", p.Rule, p.Hint, forMapping)
		}
	}
	t.Logf("%d rules covered", len(rules))
	if len(rules) < 40 {
		t.Errorf("only %d rules covered", len(rules))
	}
	// The photo problems convert reports for a photo file.
	jpeg := testJPEG(t)
	for _, err := range []error{
		CheckImageSize(0), CheckImageSize(MaxImageBytes + 1),
		func() error { _, _, err := EncodeImage([]byte("<html><body>not a photo</body></html>")); return err }(),
		func() error { _, _, err := EncodeImage(jpeg[:len(jpeg)/2]); return err }(),
		func() error {
			_, _, err := EncodeImage(append([]byte("\xff\xd8\xff"), make([]byte, 64)...))
			return err
		}(),
	} {
		ie, ok := err.(*ImageError)
		if !ok {
			t.Errorf("error %v (%T), want an *ImageError", err, err)
			continue
		}
		if err := hinttest.Check(ie.Hint); err != nil {
			t.Error(err)
		}
	}
}
