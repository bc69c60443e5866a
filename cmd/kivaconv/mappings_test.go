package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/convert"
)

func TestMappingsInit(t *testing.T) {
	in := copySample(t, "repayments.csv")
	want := filepath.Join(filepath.Dir(in), "repayments.mapping.yaml")
	code, out, errOut := runCLI(t, "mappings", "init", in)
	if code != exitOK || out != want+"\n" {
		t.Fatalf("exit %d, stdout %q (want %q)\nstderr:\n%s", code, out, want, errOut)
	}
	for _, frag := range []string{"kind: repayments (guessed from the headers: repayments ", "matched 2 of 2 required fields",
		`columns not read: "Agence"`, "next: review " + want} {
		if !strings.Contains(errOut, frag) {
			t.Errorf("stderr lacks %q:\n%s", frag, errOut)
		}
	}
	first, err := os.ReadFile(want)
	if err != nil || !strings.Contains(string(first), "kind: repayments\n") {
		t.Fatalf("mapping file: %v\n%s", err, first)
	}

	// Never over an existing file without --force.
	os.WriteFile(want, []byte("# mine\n"), 0o644)
	code, out, errOut = runCLI(t, "mappings", "init", in)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "already exists: use --force") {
		t.Errorf("second run: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if data, _ := os.ReadFile(want); string(data) != "# mine\n" {
		t.Errorf("the file was replaced: %s", data)
	}
	if code, _, errOut = runCLI(t, "mappings", "init", "--force", in); code != exitOK {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(want); string(data) != string(first) {
		t.Error("--force did not write the same mapping again")
	}

	// The mapping converts the file.
	code, _, errOut = runCLI(t, "convert", "-m", want, "--out", filepath.Join(t.TempDir(), "o"), in)
	if code != exitOK {
		t.Errorf("convert -m: exit %d: %s", code, errOut)
	}
}

func TestMappingsInitFlags(t *testing.T) {
	in := copySample(t, "journals.xlsx")
	out := filepath.Join(t.TempDir(), "mine.yaml")
	code, stdout, errOut := runCLI(t, "mappings", "init", "--kind", "journals", "--sheet", "Journals", "--name", "my-journals", "--out", out, in)
	if code != exitOK || stdout != out+"\n" {
		t.Fatalf("exit %d, stdout %q: %s", code, stdout, errOut)
	}
	if !strings.Contains(errOut, "kind: journals\n") || strings.Contains(errOut, "guessed") {
		t.Errorf("stderr: %s", errOut)
	}
	if data, _ := os.ReadFile(out); !strings.Contains(string(data), "name: my-journals\n") {
		t.Errorf("%s", data)
	}
	for _, args := range [][]string{
		{"mappings", "init"},
		{"mappings", "init", "--kind", "loans", in},
		{"mappings", "init", "--sheet", "Nope", "--out", filepath.Join(t.TempDir(), "x.yaml"), in},
		{"mappings", "init", "--name", "bad name", "--out", filepath.Join(t.TempDir(), "x.yaml"), in},
		{"mappings", "init", filepath.Join(t.TempDir(), "missing.xlsx")},
		{"mappings", "init", in, "--force"},
	} {
		if code, _, errOut := runCLI(t, args...); code != exitUsage || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestMappingsInitTODO: a required field no column fits is TODO; convert
// refuses the mapping and names the line to edit.
func TestMappingsInitTODO(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "export.xlsx")
	f := excelize.NewFile()
	for i, row := range [][]any{
		{"N° Prêt", "Code Client", "Prénom", "Montant", "Devise", "Date de décaissement", "Consentement"},
		{"0001", "C1", "Awa", 1000, "XOF", "2026-11-20", "Oui"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &row)
	}
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, errOut := runCLI(t, "mappings", "init", in)
	if code != exitOK || !strings.Contains(errOut, "kind: loan_draft (guessed") || !strings.Contains(errOut, "matched 7 of 8 required fields; TODO: gender") {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	mapping := strings.TrimSpace(out)
	data, _ := os.ReadFile(mapping)
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "column: TODO" {
			line = i + 1
		}
	}
	code, _, errOut = runCLI(t, "validate", "-m", mapping, in)
	re := regexp.MustCompile(`export\.mapping\.yaml:(\d+):\d+: field "gender" still says column: TODO`)
	m := re.FindStringSubmatch(errOut)
	if code != exitUsage || m == nil || m[1] != strconv.Itoa(line) {
		t.Errorf("validate with a TODO: exit %d (line %d):\n%s", code, line, errOut)
	}
}

func TestMappingsSubcommandsStillWork(t *testing.T) {
	for args, frag := range map[string]string{
		"mappings list":             "repayments",
		"mappings show journals":    "kind: journals",
		"mappings schema":           `"columns"`,
		"mappings init --help":      "kivaconv mappings init export-prets.xlsx",
		"mappings --help":           "init",
		"mappings help init":        "--kind",
		"mappings show repayments ": "kind: repayments",
	} {
		code, out, errOut := runCLI(t, strings.Fields(args)...)
		if code != exitOK || !strings.Contains(out, frag) {
			t.Errorf("%s: exit %d, stdout lacks %q:\n%s%s", args, code, frag, out, errOut)
		}
	}
}

// TestMappingsInitWideExport: an export with hundreds of columns gets a
// readable summary: the first unread columns and how many more (the
// mapping file lists them all).
func TestMappingsInitWideExport(t *testing.T) {
	var b strings.Builder
	b.WriteString("Loan ID,Amount")
	for i := range 300 {
		fmt.Fprintf(&b, ",Extra %d", i)
	}
	b.WriteString("\n1,2")
	for range 300 {
		b.WriteString(",x")
	}
	b.WriteString("\n")
	in := writeFile(t, "wide.csv", b.String())
	code, out, errOut := runCLI(t, "mappings", "init", in)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, `"Extra 0", "Extra 1"`) || !strings.Contains(errOut, "and 280 more (listed at the end of the mapping)") || strings.Contains(errOut, `"Extra 299"`) {
		t.Errorf("stderr:\n%s", errOut)
	}
	data, err := os.ReadFile(strings.TrimSpace(out))
	if err != nil || !strings.Contains(string(data), `"Extra 299"`) {
		t.Errorf("the mapping does not list every unread column: %v", err)
	}
}

// TestMappingBesideWorkbook: a file no built-in mapping fits is refused
// with the command that makes a mapping for it; the mapping that command
// writes beside the file is then used by a plain conversion (drag and
// drop), and the summary says so. An annotated copy in the output folder
// finds the mapping beside the original.
func TestMappingBesideWorkbook(t *testing.T) {
	in := writeFile(t, "cartera pagos.csv", "Prestamo,Socio,Cuota cobrada\nL-1,S-1,100.50\nL-2,S-2,200\n")
	code, _, stderr := runCLI(t, in)
	if code != exitUsage || !strings.Contains(stderr, `kivaconv mappings init "`+in+`"`) {
		t.Fatalf("no-fit message does not name mappings init (exit %d):\n%s", code, stderr)
	}
	yaml := `name: cartera
kind: repayments
fields:
  loan_id: {column: Prestamo}
  client_id: {column: Socio}
  amount: {column: Cuota cobrada}
`
	mp := filepath.Join(filepath.Dir(in), "cartera pagos.mapping.yaml")
	if err := os.WriteFile(mp, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, in)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "Read with the mapping cartera pagos.mapping.yaml, found beside the file.") {
		t.Errorf("the summary does not say which mapping was used:\n%s", stdout)
	}
	report, err := os.ReadFile(filepath.Join(filepath.Dir(in), "cartera pagos.kiva", "report.txt"))
	if err != nil || !strings.Contains(string(report), "found beside the file") {
		t.Errorf("report.txt: %v\n%s", err, report)
	}
	// --mapping wins over the file beside.
	code, _, stderr = runCLI(t, "validate", "--mapping", "repayments", in)
	if code != exitUsage {
		t.Errorf("--mapping repayments: exit %d, want the built-in mapping's missing columns:\n%s", code, stderr)
	}
	// A broken mapping beside the file is reported as itself.
	if err := os.WriteFile(mp, []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "validate", in)
	if code != exitUsage || !strings.Contains(stderr, "mapping beside the file") {
		t.Errorf("broken mapping beside: exit %d:\n%s", code, stderr)
	}
}

func TestMappingBesideAnnotatedCopy(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "loans.kiva")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	mp := filepath.Join(dir, "loans.mapping.yaml")
	if err := os.WriteFile(mp, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := convert.MappingBeside(filepath.Join(out, "loans.checked.xlsx")); got != mp {
		t.Errorf("MappingBeside(annotated copy) = %q, want %q", got, mp)
	}
	if got := convert.MappingBeside(filepath.Join(dir, "loans.xlsx")); got != mp {
		t.Errorf("MappingBeside(original) = %q, want %q", got, mp)
	}
	if got := convert.MappingBeside(filepath.Join(dir, "other.xlsx")); got != "" {
		t.Errorf("MappingBeside(other) = %q", got)
	}
}
