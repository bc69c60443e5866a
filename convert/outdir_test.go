package convert

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/mappings"
)

// TestOutDirOtherSource: repayments.csv and repayments.xlsx both default
// to repayments.kiva; the second conversion is refused (naming the file
// that made the folder) unless Overwrite, while the same file, its
// annotated copy, or the original after its copy may be converted again.
func TestOutDirOtherSource(t *testing.T) {
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "repayments.xlsx")
	csv := filepath.Join(dir, "repayments.csv")
	copyFile(t, "../samples/repayments.xlsx", xlsx)
	copyFile(t, "../samples/repayments.csv", csv)
	out := filepath.Join(dir, "repayments.kiva")
	run := func(input string, overwrite bool) error {
		t.Helper()
		_, err := Run(t.Context(), Options{Input: input, Mode: Write, Candidates: mappings.Embedded(), Annotate: AnnotateNever, Overwrite: overwrite})
		return err
	}
	if err := run(xlsx, false); err != nil {
		t.Fatal(err)
	}
	if err := run(xlsx, false); err != nil {
		t.Fatalf("same file again: %v", err)
	}
	err := run(csv, false)
	var oe *OtherSourceError
	if !errors.As(err, &oe) || !IsInputError(err) {
		t.Fatalf("csv after xlsx: got %v, want an OtherSourceError input error", err)
	}
	if oe.Made != "repayments.xlsx" || oe.Input != "repayments.csv" || !strings.Contains(err.Error(), "--overwrite") {
		t.Errorf("message: %v", err)
	}
	if m := readManifestSource(t, out); m != "repayments.xlsx" {
		t.Errorf("refused conversion changed the folder: source %s", m)
	}
	if err := run(csv, true); err != nil {
		t.Fatalf("--overwrite: %v", err)
	}
	if m := readManifestSource(t, out); m != "repayments.csv" {
		t.Errorf("after --overwrite the source is %s", m)
	}
	for _, tc := range [][2]string{
		{"loans.xlsx", "loans.checked.xlsx"},
		{"loans.checked.xlsx", "loans.xlsx"},
		{"loans.csv", "loans.checked.xlsx"},
		{"Loans.XLSX", "loans.xlsx"},
	} {
		if !oneWorkbook(tc[0], tc[1]) {
			t.Errorf("oneWorkbook(%q, %q) = false", tc[0], tc[1])
		}
	}
	if oneWorkbook("loans.xlsx", "loans.csv") {
		t.Error("loans.xlsx and loans.csv are one workbook")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readManifestSource(t *testing.T, dir string) string {
	t.Helper()
	m, err := batch.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m.Source.Name
}
