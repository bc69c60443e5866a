package annotate_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// groupLoans writes dir/loans.xlsx: the loans sample (header on row 3)
// with one bad amount in the Tusubira group (rows 8-11, Annet's F9) and
// an activity in the Umoja group (rows 12-14, Lucy's I13) that disagrees
// with its first row. Both groups are rejected whole; their other rows
// have nothing wrong.
func groupLoans(t *testing.T, dir string) string {
	t.Helper()
	f := open(t, filepath.Join(samples, "loans.xlsx"))
	if err := f.SetCellStr("Loans", "F9", "10x"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("Loans", "I13", "Farming"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "loans.xlsx")
	save(t, f, path)
	return path
}

// TestRejectedWithGroup: rows with nothing wrong that were rejected
// because a group-mate's row is wrong are not "OK" in the copy, and are
// counted apart from the rows with problems, without adding issues.
func TestRejectedWithGroup(t *testing.T) {
	dir := workDir(t)
	in := groupLoans(t, dir)
	out := filepath.Join(t.TempDir(), "loans.kiva")
	sum := run(t, in, out)

	var got []string
	for _, g := range sum.GroupRejections {
		got = append(got, fmt.Sprintf("%s!%d %s %s!%s", g.Pos.Sheet, g.Pos.Row, g.Group, g.Cause.Sheet, g.Cause.CellRef()))
	}
	orig := open(t, in)
	tusubira, _ := cellValue(orig, "Loans", "R8")
	umoja, _ := cellValue(orig, "Loans", "R12")
	want := []string{
		"Loans!8 " + tusubira + " Loans!F9", "Loans!10 " + tusubira + " Loans!F9", "Loans!11 " + tusubira + " Loans!F9",
		"Loans!12 " + umoja + " Loans!I13", "Loans!14 " + umoja + " Loans!I13",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows rejected with their group:\n%s\nwant\n%s\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), convert.Report(sum))
	}
	if sum.RejectedWithGroup != 5 || sum.Rejected != 7 {
		t.Errorf("rejected %d rows, %d with their group; want 7 and 5", sum.Rejected, sum.RejectedWithGroup)
	}
	// No issue for them: the bad amount, the group's message on its first
	// row, and the disagreeing activity.
	if sum.Errors != 3 || len(sum.Issues) != 3+sum.Warnings {
		t.Errorf("%d errors, %d issues (%d warnings), want 3 errors:\n%s", sum.Errors, len(sum.Issues), sum.Warnings, convert.Report(sum))
	}
	lines := csvLines(t, filepath.Join(out, "errors.csv"))
	if len(lines) != 1+sum.Errors+sum.Warnings {
		t.Errorf("errors.csv has %d lines, want a header and %d issues", len(lines), sum.Errors+sum.Warnings)
	}

	if sum.Annotated == "" {
		t.Fatalf("no annotated copy:\n%s", convert.Report(sum))
	}
	cp := open(t, sum.Annotated)
	status := func(row int) string {
		v, err := cp.GetCellValue("Loans", fmt.Sprintf("U%d", row))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if h := status(3); h != annotate.StatusHeader {
		t.Fatalf("status column U: header %q", h)
	}
	for row, want := range map[int]string{
		8:  "rejected with group " + tusubira + " (see F9) (+1 more)", // the group's message is on R8
		10: "rejected with group " + tusubira + " (see F9)",
		11: "rejected with group " + tusubira + " (see F9)",
		12: "rejected with group " + umoja + " (see I13) (+1 more)", // its photo's warning
		14: "rejected with group " + umoja + " (see I13)",
	} {
		if got := status(row); got != want {
			t.Errorf("U%d = %q, want %q", row, got, want)
		}
		if fill := fillOf(t, cp, "Loans", fmt.Sprintf("U%d", row)); fill != red {
			t.Errorf("U%d filled %q, want red", row, fill)
		}
	}
	for _, row := range []int{9, 13} {
		if got := status(row); !strings.HasPrefix(got, "error: ") {
			t.Errorf("U%d = %q, want the row's own error", row, got)
		}
	}
	for _, row := range []int{4, 5, 6, 7} {
		if got := status(row); got != "OK" && !strings.HasPrefix(got, "warning: ") {
			t.Errorf("U%d = %q, want OK", row, got)
		}
	}
	if n := len(errorRows(t, cp)); n != len(sum.Issues) {
		t.Errorf("the errors sheet lists %d problems, want the %d issues", n, len(sum.Issues))
	}
}

func csvLines(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestRejectedWithGroupCause: how the status names the problem that
// rejected the group: a cell on another sheet with its sheet, a whole-row
// problem by its status cell, an unknown one not at all.
func TestRejectedWithGroupCause(t *testing.T) {
	in := filepath.Join(samples, "loans.xlsx")
	dst := filepath.Join(t.TempDir(), "loans.checked.xlsx")
	err := annotate.Write(dst, annotate.Options{Input: in, DataSheets: loanSheets,
		Problems: []annotate.Problem{
			{Severity: "error", Sheet: "Schedule", Row: 3, Col: 3, Column: "Principal", Message: "bad"},
			{Severity: "error", Sheet: "Loans", Row: 12, Message: "no schedule"},
		},
		RejectedWithGroup: []annotate.GroupRow{
			{Sheet: "Loans", Row: 8, Group: "G1", CauseSheet: "Schedule", CauseRow: 3, CauseCol: 3},
			{Sheet: "loans", Row: 13, Group: "G2", CauseSheet: "Loans", CauseRow: 12},
			{Sheet: "Loans", Row: 14, Group: "G2"},
			{Sheet: "Nowhere", Row: 4, Group: "G3"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	cp := open(t, dst)
	for cell, want := range map[string]string{
		"U8":  "rejected with group G1 (see Schedule!C3)",
		"U13": "rejected with group G2 (see U12)",
		"U14": "rejected with group G2",
		"U4":  "OK",
	} {
		if got, _ := cellValue(cp, "Loans", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	if n := len(errorRows(t, cp)); n != 2 {
		t.Errorf("the errors sheet lists %d problems, want 2", n)
	}
}
