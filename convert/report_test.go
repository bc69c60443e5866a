package convert

import (
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct{ amount, currency, want string }{
		{"153752.5", "KES", "153,752.50"},
		{"1000", "", "1,000.00"},
		{"100.5", "", "100.50"},
		{"0.125", "", "0.125"},
		{"-1234567.891", "", "-1,234,567.891"},
		{"15000", "UGX", "15,000"},
	} {
		a, err := kiva.ParseAmount(tc.amount)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatAmount(a, tc.currency); got != tc.want {
			t.Errorf("FormatAmount(%s, %q) = %q, want %q", tc.amount, tc.currency, got, tc.want)
		}
	}
}

// TestFriendlySummaryClosingLine: only a loan-draft summary speaks of
// loans in its last advice.
func TestFriendlySummaryClosingLine(t *testing.T) {
	for kind, want := range map[mappings.Kind]string{
		mappings.LoanDraft:  "every loan as Kiva will show it",
		mappings.Repayments: "every repayment",
		mappings.Journals:   "every journal",
	} {
		got := FriendlySummary(&Summary{Input: "x.xlsx", Kind: string(kind), Review: "x.kiva/review.html", Records: 2})
		if !strings.Contains(got, want) {
			t.Errorf("%s: closing line lacks %q:\n%s", kind, want, got)
		}
		if kind != mappings.LoanDraft && strings.Contains(got, "loan") {
			t.Errorf("%s: summary speaks of loans:\n%s", kind, got)
		}
	}
}

// TestSummaryRejectedWithGroup: rows rejected only because their group loan
// was are counted apart from the rows with problems of their own.
func TestSummaryRejectedWithGroup(t *testing.T) {
	s := &Summary{Input: "x.xlsx", Kind: string(mappings.LoanDraft), Rejected: 5, RejectedWithGroup: 3, Errors: 2}
	if got := FriendlySummary(s); !strings.Contains(got, "5 row(s) were NOT converted: 2 with problems, 3 because their group loan has problems") {
		t.Errorf("friendly summary:\n%s", got)
	}
	if got := SummaryText(s); !strings.Contains(got, "rejected:  5 rows (2 with problems, 3 with their group loan)") {
		t.Errorf("summary text:\n%s", got)
	}
	s.RejectedWithGroup = 0
	if got := FriendlySummary(s); !strings.Contains(got, "5 row(s) have problems and were NOT converted.") {
		t.Errorf("without group rejections:\n%s", got)
	}
}
