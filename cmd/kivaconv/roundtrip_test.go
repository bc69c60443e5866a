package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// TestFixAndDropAgain is the coordinator's loop: drop a workbook with
// mistakes, open the annotated copy in the output folder, fix the marked
// cells there, drop the copy again: the same folder now holds every draft,
// exactly as from a workbook that was right the first time.
func TestFixAndDropAgain(t *testing.T) {
	clean := copySample(t, "loans.xlsx")
	if code, _, stderr := runCLI(t, "--today", "2026-11-26", clean); code != exitOK {
		t.Fatalf("clean sample: exit %d\n%s", code, stderr)
	}
	cleanDir := filepath.Join(filepath.Dir(clean), "loans.kiva")

	in := copySample(t, "loans.xlsx")
	f, err := excelize.OpenFile(in)
	if err != nil {
		t.Fatal(err)
	}
	orig := map[string]string{}
	for _, c := range []string{"F4", "E5"} {
		orig[c], _ = f.GetCellValue("Loans", c, excelize.Options{RawCellValue: true})
	}
	f.SetCellStr("Loans", "F4", "12x") // amount
	f.SetCellStr("Loans", "E5", "")    // gender
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	code, stdout, _ := runCLI(t, "--today", "2026-11-26", in)
	if code != exitRejected {
		t.Fatalf("broken workbook: exit %d\n%s", code, stdout)
	}
	dir := filepath.Join(filepath.Dir(in), "loans.kiva")
	checked := filepath.Join(dir, "loans.checked.xlsx")
	for _, p := range []string{checked, filepath.Join(dir, "review.html")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s not written: %v", p, err)
		}
	}
	if !strings.Contains(stdout, "loans.checked.xlsx") {
		t.Errorf("the summary does not point at the annotated copy:\n%s", stdout)
	}

	// Fix the marked cells in the copy: the ones with kivaconv's comments.
	f, err = excelize.OpenFile(checked)
	if err != nil {
		t.Fatal(err)
	}
	comments, err := f.GetComments("Loans")
	if err != nil {
		t.Fatal(err)
	}
	marked := map[string]bool{}
	for _, c := range comments {
		if c.Author == annotate.Author {
			marked[c.Cell] = true
		}
	}
	if !marked["F4"] || !marked["E5"] {
		t.Fatalf("marked cells %v, want F4 and E5", marked)
	}
	// What the coordinator types: the amount as a number, the gender as text.
	f.SetCellDefault("Loans", "F4", orig["F4"])
	f.SetCellStr("Loans", "E5", orig["E5"])
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// Drop the fixed copy: it converts into its own folder, cleanly.
	code, stdout, stderr := runCLI(t, "--today", "2026-11-26", checked)
	if code != exitOK {
		t.Fatalf("fixed copy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for i := 1; i <= 6; i++ {
		name := "loan-draft-000" + string(rune('0'+i)) + ".json"
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(cleanDir, name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the clean sample's", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "loans.checked.kiva")); err == nil {
		t.Error("the fixed copy was converted into a folder of its own")
	}
}

// TestDropCopyFromItsFolder: the fixed copy named from inside its own
// folder ("kivaconv loans.checked.xlsx" in loans.kiva) converts into that
// folder, with the photos and the reference data beside the original
// workbook, exactly as the clean sample does.
func TestDropCopyFromItsFolder(t *testing.T) {
	clean := copySample(t, "loans.xlsx")
	if code, _, stderr := runCLI(t, "--today", "2026-11-26", clean); code != exitOK {
		t.Fatalf("clean sample: exit %d\n%s", code, stderr)
	}
	cleanDir := filepath.Join(filepath.Dir(clean), "loans.kiva")

	in := copySample(t, "loans.xlsx")
	f, err := excelize.OpenFile(in)
	if err != nil {
		t.Fatal(err)
	}
	amount, _ := f.GetCellValue("Loans", "F4", excelize.Options{RawCellValue: true})
	f.SetCellStr("Loans", "F4", "12x")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if code, stdout, _ := runCLI(t, "--today", "2026-11-26", in); code != exitRejected {
		t.Fatalf("broken workbook: exit %d\n%s", code, stdout)
	}
	dir := filepath.Join(filepath.Dir(in), "loans.kiva")
	f, err = excelize.OpenFile(filepath.Join(dir, "loans.checked.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellDefault("Loans", "F4", amount)
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, "--today", "2026-11-26", "loans.checked.xlsx")
	if code != exitOK {
		t.Fatalf("fixed copy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat("loans.checked.kiva"); err == nil {
		t.Fatal("the copy was converted into a folder of its own")
	}
	for i := 1; i <= 6; i++ {
		name := "loan-draft-000" + string(rune('0'+i)) + ".json"
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(cleanDir, name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the clean sample's", name)
		}
	}
}

// The reference data config pull writes wins over a reference.json kept
// beside the workbook.
func TestPulledReferenceComesFirst(t *testing.T) {
	in := copySample(t, "loans.xlsx") // with samples/reference.json beside it
	cfg := t.TempDir()
	data, err := os.ReadFile("../../samples/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	// Kiva's lists for this partner have no "Retail" activity.
	pulled := bytes.ReplaceAll(data, []byte(`"Retail"`), []byte(`"Retail Shop"`))
	if bytes.Equal(pulled, data) {
		t.Fatal("the sample reference has no Retail activity")
	}
	if err := os.WriteFile(filepath.Join(cfg, "reference.json"), pulled, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	io := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string {
		if k == "KIVACONV_CONFIG_DIR" {
			return cfg
		}
		return ""
	}}
	code := run(t.Context(), []string{"kivaconv", "validate", "--today", "2026-11-26", in}, io)
	if code != exitRejected || !strings.Contains(out.String(), `"Retail"`) {
		t.Fatalf("exit %d; the pulled reference data was not used:\n%s\n%s", code, out.String(), errb.String())
	}
}
