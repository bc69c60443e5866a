package convert

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/annotate"
	"github.com/kiva-partners/kivaconv/mappings"
)

// convertCSV writes text to dir/name and converts it into its default
// output folder.
func convertCSV(t *testing.T, dir, name, text string) *Summary {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return convertPath(t, path)
}

func convertPath(t *testing.T, path string) *Summary {
	t.Helper()
	sum, err := Run(context.Background(), Options{Input: path, Mode: Write, Candidates: mappings.Embedded(), Version: "artifacts-test"})
	if err != nil {
		t.Fatalf("Run(%s): %v", path, err)
	}
	return sum
}

const (
	brokenCSV = "Loan ID,Amount\n001,10\n002,12x\n"
	fixedCSV  = "Loan ID,Amount\n001,10\n002,12\n"
)

func hasNote(sum *Summary, part string) bool {
	for _, n := range sum.Notes {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// An annotated copy a person saved after kivaconv wrote it may hold their
// fixes: converting the original again neither replaces nor removes it,
// and says so. A copy nobody saved is replaced, and removed once the
// original is clean.
func TestEditedCopyIsKept(t *testing.T) {
	dir := t.TempDir()
	sum := convertCSV(t, dir, "rep.csv", brokenCSV)
	copyPath := filepath.Join(dir, "rep.kiva", "rep.checked.xlsx")
	if sum.Annotated != copyPath {
		t.Fatalf("annotated copy %q, want %q", sum.Annotated, copyPath)
	}

	// Untouched, it is brought up to date and then removed.
	sum = convertCSV(t, dir, "rep.csv", brokenCSV)
	if sum.Annotated != copyPath || hasNote(sum, "kept") {
		t.Fatalf("an untouched copy was not rewritten: %q, notes %q", sum.Annotated, sum.Notes)
	}
	sum = convertCSV(t, dir, "rep.csv", fixedCSV)
	if _, err := os.Stat(copyPath); !os.IsNotExist(err) {
		t.Fatalf("the untouched copy of a now clean file is still there (%v)", err)
	}

	// The person fixes B3 in the copy and saves it: their spreadsheet
	// program records a new modification time.
	convertCSV(t, dir, "rep.csv", brokenCSV)
	f, err := excelize.OpenFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("rep", "B3", 12); err != nil {
		t.Fatal(err)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	props.Modified, props.LastModifiedBy = "2026-11-27T09:30:00Z", "Amina"
	if err := f.SetDocProps(props); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	saved, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, csv string
		annotated string
	}{
		{"original dropped again, still broken", brokenCSV, copyPath},
		{"original fixed instead", fixedCSV, ""},
	} {
		sum := convertCSV(t, dir, "rep.csv", tc.csv)
		now, err := os.ReadFile(copyPath)
		if err != nil {
			t.Fatalf("%s: the edited copy is gone: %v", tc.name, err)
		}
		if !bytes.Equal(now, saved) {
			t.Errorf("%s: the edited copy was rewritten", tc.name)
		}
		if !hasNote(sum, "rep.checked.xlsx in the output folder may hold fixes typed into it, so it was kept") {
			t.Errorf("%s: no note says the copy was kept: %q", tc.name, sum.Notes)
		}
		if sum.Annotated != tc.annotated {
			t.Errorf("%s: Annotated = %q, want %q", tc.name, sum.Annotated, tc.annotated)
		}
	}

	// Dropping the edited copy itself converts it, cleanly, and marks it
	// anew; made from the fixed copy, it still holds fixes the original
	// lacks, so converting the original again keeps it too.
	sum = convertPath(t, copyPath)
	if sum.Errors != 0 || sum.Records != 2 || sum.OutDir != filepath.Join(dir, "rep.kiva") || sum.Annotated != copyPath {
		t.Fatalf("the fixed copy: %d errors, %d records, into %s, annotated %q", sum.Errors, sum.Records, sum.OutDir, sum.Annotated)
	}
	if hasNote(sum, "kept") {
		t.Errorf("the input itself was treated as a copy to keep: %q", sum.Notes)
	}
	converted, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(converted, saved) {
		t.Error("the copy converted again was not brought up to date")
	}
	sum = convertCSV(t, dir, "rep.csv", brokenCSV)
	if now, err := os.ReadFile(copyPath); err != nil || !bytes.Equal(now, converted) || !hasNote(sum, "kept") {
		t.Errorf("the converted fixed copy was not kept (%v): notes %q", err, sum.Notes)
	}
}

// A copy given by a path relative to its own folder is recognised: it
// converts into that folder, not into a new one inside it.
func TestAnnotatedCopyRelativePath(t *testing.T) {
	dir := t.TempDir()
	convertCSV(t, dir, "rep.csv", brokenCSV)
	t.Chdir(filepath.Join(dir, "rep.kiva"))
	for _, p := range []string{"rep.checked.xlsx", "./rep.checked.xlsx", filepath.Join("..", "rep.kiva", "rep.checked.xlsx")} {
		if !IsAnnotatedCopy(p) {
			t.Errorf("IsAnnotatedCopy(%q) = false", p)
		}
	}
	if !IsAnnotatedCopy(filepath.Join("a", "x.checked.kiva", "x.checked.xlsx")) {
		t.Error("the copy of a workbook named x.checked.xlsx is not recognised")
	}
	sum := convertPath(t, "rep.checked.xlsx")
	if sum.OutDir != "." {
		t.Errorf("converted into %q, want the copy's own folder", sum.OutDir)
	}
	if _, err := os.Stat("rep.checked.kiva"); err == nil {
		t.Error("a folder rep.checked.kiva was made inside rep.kiva")
	}
	for _, p := range []string{filepath.Join("x", "rep.checked.xlsx"), "checked.xlsx", ".checked.xlsx", "rep.xlsx"} {
		if IsAnnotatedCopy(p) {
			t.Errorf("IsAnnotatedCopy(%q) = true", p)
		}
	}
}

// A crash while writing the annotated copy is a note: the conversion,
// whose batches are written, still succeeds.
func TestArtifactPanicIsANote(t *testing.T) {
	old := annotateWrite
	annotateWrite = func(string, annotate.Options) error { panic("boom") }
	t.Cleanup(func() { annotateWrite = old })
	dir := t.TempDir()
	sum := convertCSV(t, dir, "rep.csv", brokenCSV)
	if sum.Records != 1 || sum.Annotated != "" || sum.Review == "" {
		t.Errorf("records %d, annotated %q, review %q", sum.Records, sum.Annotated, sum.Review)
	}
	if !hasNote(sum, "could not be written: internal error: boom") {
		t.Errorf("notes %q", sum.Notes)
	}
}

// The annotated copy is built in memory, so its limit counts cells, not
// rows: 126 rows of 2,000 columns get none (the old limit of 50,000 rows
// let 50,000 rows of 16,384 columns through).
func TestAnnotateLimitCountsCells(t *testing.T) {
	const cols = 2000
	var b strings.Builder
	b.WriteString("Loan ID,Amount")
	for i := 3; i <= cols; i++ {
		b.WriteString(",extra" + strconv.Itoa(i))
	}
	b.WriteString("\n")
	pad := strings.Repeat(",", cols-3) + ",x\n"
	for i := range 126 {
		amount := "10"
		if i == 0 {
			amount = "12x" // one problem, so that a copy would be wanted
		}
		fmt.Fprintf(&b, "%03d,%s%s", i+1, amount, pad)
	}
	dir := t.TempDir()
	sum := convertCSV(t, dir, "wide.csv", b.String())
	if sum.Errors == 0 {
		t.Fatalf("no errors: %+v", sum)
	}
	if sum.Annotated != "" || !hasNote(sum, "its data has 252000 cells, more than the 250000") {
		t.Fatalf("annotated %q, notes %q", sum.Annotated, sum.Notes)
	}
	if _, err := os.Stat(filepath.Join(dir, "wide.kiva", "wide.checked.xlsx")); !os.IsNotExist(err) {
		t.Fatalf("a copy was written: %v", err)
	}
}

// With the mapping picked automatically, a file that cannot be read is
// reported as what is wrong with it, not as "no mapping fits".
func TestAutoMappingReportsReadError(t *testing.T) {
	for name, tc := range map[string]struct{ text, want string }{
		"unterminated quote": {"Loan ID,Amount,Client ID\n001,\"10,C1\n002,12,C2\n", "never closed"},
		"quote inside field": {"Loan ID,Amount,Client ID\n001,1\"0,C1\n", `a quote (") inside a field`},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.csv")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Run(context.Background(), Options{Input: path, Mode: Write, Candidates: mappings.Embedded(), Version: "test"})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "no readable sheet") {
				t.Fatalf("err = %v, want the read error (%q)", err, tc.want)
			}
			if !IsInputError(err) {
				t.Errorf("%v is not an input error (exit 2)", err)
			}
		})
	}
}

// One vocabulary: headers the wizard knows ("Nro Préstamo", "Cod Socio")
// are the built-in mappings' aliases, so convert takes such an export as
// it is.
func TestBuiltinMappingsKnowWizardHeaders(t *testing.T) {
	dir := t.TempDir()
	sum := convertCSV(t, dir, "pagos.csv", "Nro Préstamo,Cod Socio,Monto abonado\nP-1,S-1,150.50\nP-2,S-2,80\n")
	if sum.Mapping != "repayments" || sum.Records != 2 || sum.Errors != 0 {
		t.Fatalf("mapping %q, %d records, %d errors: %+v", sum.Mapping, sum.Records, sum.Errors, sum.Issues)
	}
}
