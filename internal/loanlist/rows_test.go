package loanlist

import (
	"slices"
	"strconv"
	"testing"

	"github.com/kiva-partners/kivaconv/batch"
)

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
		ok   bool
	}{
		{"loans.csv", CSV, true},
		{"out/LOANS.CSV", CSV, true},
		{"loans.xlsx", XLSX, true},
		{"loans.Json", JSON, true},
		{"loans.xls", "", false},
		{"loans", "", false},
		{"loans.csv.txt", "", false},
	} {
		got, err := FormatOf(tc.path)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q (ok %v)", tc.path, got, err, tc.want, tc.ok)
		}
	}
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"L-10", "1003", "L-2", "987", "", "007", "7", "A", "L-02", "L-2a", "b", "10"}
	slices.SortFunc(ids, CompareIDs)
	want := []string{"", "007", "7", "10", "987", "1003", "A", "L-02", "L-2", "L-2a", "L-10", "b"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted = %q\nwant     %q", ids, want)
	}
	for _, a := range want {
		if CompareIDs(a, a) != 0 {
			t.Errorf("CompareIDs(%q, %q) != 0", a, a)
		}
		for _, b := range want {
			if CompareIDs(a, b) != -CompareIDs(b, a) {
				t.Errorf("CompareIDs(%q, %q) is not antisymmetric", a, b)
			}
		}
	}
}

func TestExpectsRepayment(t *testing.T) {
	for s, want := range map[string]bool{
		"payingBack": true, "defaulted": true, "PAYING_BACK": true, " payingback ": true,
		"ended": false, "fundRaising": false, "": false, "refunded": false,
	} {
		if got := ExpectsRepayment(s); got != want {
			t.Errorf("ExpectsRepayment(%q) = %v", s, got)
		}
	}
}

func TestGuardFormula(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"Ana":           "Ana",
		"=1+1":          "'=1+1",
		"+254712345678": "'+254712345678",
		"@SUM(A1)":      "'@SUM(A1)",
		"\tx":           "'\tx",
		"-12.50":        "-12.50",
		"-2+3+cmd|' /C": "'-2+3+cmd|' /C",
		"'quoted":       "'quoted",
	} {
		got := batch.GuardFormula(in)
		if got != want {
			t.Errorf("guardFormula(%q) = %q, want %q", in, got, want)
		}
		if back := batch.UnguardFormula(got); back != in {
			t.Errorf("unguardFormula(%q) = %q, want %q", got, back, in)
		}
	}
}

func TestExactNumber(t *testing.T) {
	for _, tc := range []struct {
		in  string
		ok  bool
		out string // FormatFloat(f, 'f', -1): what the workbook stores
	}{
		{"1500", true, "1500"},
		{"1500.50", true, "1500.5"},
		{"84.85", true, "84.85"},
		{"0.1", true, "0.1"},
		{"007", true, "7"},
		{"123456789012.34", true, "123456789012.34"},
		{"12345678901234567.89", false, ""}, // no double has this form: kept as text
		{"1e3", false, ""},
		{"abc", false, ""},
		{"", false, ""},
	} {
		f, ok := exactNumber(tc.in)
		if ok != tc.ok {
			t.Errorf("exactNumber(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			continue
		}
		if ok {
			if got := formatFloat(f); got != tc.out {
				t.Errorf("exactNumber(%q) stores %q, want %q", tc.in, got, tc.out)
			}
		}
	}
}
