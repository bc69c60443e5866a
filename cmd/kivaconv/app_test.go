package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// cli runs the program in-process, as main does, with buffers for the
// streams and an isolated config directory.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cfg := t.TempDir()
	io := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string {
		if k == "KIVACONV_CONFIG_DIR" {
			return cfg
		}
		return ""
	}}
	code = run(context.Background(), append([]string{"kivaconv"}, args...), io)
	return code, out.String(), errb.String()
}

// copySample copies a bundled sample (and its reference data and photos)
// into a temp dir, so outputs land there.
func copySample(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{name, "reference.json", "photos/nakato.jpg", "photos/group-tusubira.jpg"} {
		data, err := os.ReadFile(filepath.Join("../../samples", f))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, name)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDragAndDrop(t *testing.T) {
	in := copySample(t, "loans.xlsx")
	code, out, errOut := runCLI(t, "--today", "2026-11-26", in)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "6 loan drafts ready for review") || !strings.Contains(out, "loans.kiva") {
		t.Errorf("summary does not say what was written and where:\n%s", out)
	}
	for _, f := range []string{"manifest.json", "loan-draft-0001.json", "loan-draft-0006.json", "report.txt", "errors.csv"} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(in), "loans.kiva", f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}

func TestConvertJSONSummary(t *testing.T) {
	in := copySample(t, "repayments.xlsx")
	out := filepath.Join(t.TempDir(), "batches")
	code, stdout, stderr := runCLI(t, "convert", "--json", "--out", out, in)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		ExitCode int `json:"exit_code"`
		Results  []struct {
			Records  int      `json:"records"`
			Rejected int      `json:"rejected_rows"`
			OutDir   string   `json:"out_dir"`
			Batches  []string `json:"batches"`
			Totals   []struct {
				Amount json.Number `json:"amount"`
			} `json:"totals"`
		} `json:"results"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	r := got.Results[0]
	if r.Records != 12 || r.Rejected != 0 || r.OutDir != out || len(r.Batches) != 1 || r.Totals[0].Amount != "40393.07" {
		t.Errorf("summary = %+v", r)
	}
	// A converted file has no "error" key at all (not an empty one); a file
	// that could not be converted has it.
	var raw struct{ Results []map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatal(err)
	}
	if e, ok := raw.Results[0]["error"]; ok {
		t.Errorf("success carries \"error\": %s", e)
	}
	_, stdout, _ = runCLI(t, "convert", "--json", writeFile(t, "empty.csv", ""))
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatal(err)
	}
	if e, ok := raw.Results[0]["error"]; !ok || len(e) < 3 {
		t.Errorf("a failed file has no error: %s", stdout)
	}
}

func TestPreviewWritesNothing(t *testing.T) {
	in := copySample(t, "repayments.xlsx")
	code, stdout, stderr := runCLI(t, "preview", "-n", "2", in)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var body struct {
		Repayments []map[string]any `json:"repayments"`
	}
	if err := json.NewDecoder(strings.NewReader(stdout)).Decode(&body); err != nil || len(body.Repayments) != 2 {
		t.Fatalf("preview stdout = %q (%v)", stdout, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(in), "repayments.kiva")); !os.IsNotExist(err) {
		t.Errorf("preview wrote an output folder")
	}
	if !strings.Contains(stdout, "would write: 12 repayments") {
		t.Errorf("summary missing on stdout:\n%s", stdout)
	}
}

// TestBrokenCopy breaks cells of the loans sample and checks that the
// errors point at them, and that the other loans are still written.
func TestBrokenCopy(t *testing.T) {
	in := copySample(t, "loans.xlsx")
	f, err := excelize.OpenFile(in)
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellStr("Loans", "F4", "12x")        // amount of the first loan
	f.SetCellStr("Loans", "E5", "")           // gender of the second
	f.SetCellStr("Loans", "H9", "2026-11-17") // disbursal date differs inside group GRP-0311
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	code, stdout, _ := runCLI(t, "validate", "--today", "2026-11-26", in)
	if code != exitRejected {
		t.Fatalf("validate exit %d, want %d\n%s", code, exitRejected, stdout)
	}
	for _, want := range []string{"Loans!F4", "12x", "Loans!E5", "Loans!H9"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("validate output lacks %q:\n%s", want, stdout)
		}
	}

	code, _, stderr := runCLI(t, "convert", "--today", "2026-11-26", in)
	if code != exitRejected {
		t.Fatalf("convert exit %d, want %d\n%s", code, exitRejected, stderr)
	}
	dir := filepath.Join(filepath.Dir(in), "loans.kiva")
	man, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(man), `"complete": false`) || !strings.Contains(string(man), `"records_written": 3`) {
		t.Errorf("manifest:\n%s", man)
	}
	errs, _ := os.ReadFile(filepath.Join(dir, "errors.csv"))
	if !strings.Contains(string(errs), "Loans,F4,4,Amount,amount,12x,error") {
		t.Errorf("errors.csv lacks the F4 row:\n%s", errs)
	}
}

func TestExitCodes(t *testing.T) {
	xls := writeFile(t, "old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"+strings.Repeat("\x00", 600))
	missing := writeFile(t, "pay.csv", "Loan ID,Amout\nL1,5\n")
	rejected := writeFile(t, "pay2.csv", "Loan ID,Amount\nL1,5\nL2,abc\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"unknown command", []string{"sned"}, exitUsage, "sned: no such file or command"},
		{"flag after file", []string{"convert", missing, "--out", "x"}, exitUsage, "flags must come before the files: kivaconv convert --out x " + missing},
		{"flags after file", []string{"convert", missing, "--strict", "--today=2026-11-26", "--mapping", "my map"}, exitUsage,
			`kivaconv convert --strict --today=2026-11-26 --mapping "my map" ` + missing},
		{"flag after dropped file", []string{missing, "--out", "x"}, exitUsage, "flags must come before the files: kivaconv --out x " + missing},
		{"no file", []string{"convert"}, exitUsage, "no input file"},
		{"bad today", []string{"convert", "--today", "26/11/2026", missing}, exitUsage, "--today"},
		{"legacy xls", []string{"convert", xls}, exitUsage, "save as .xlsx"},
		{"missing column", []string{"convert", "--mapping", "repayments", missing}, exitUsage, `"Amout"`},
		{"missing file", []string{"convert", filepath.Join(t.TempDir(), "nope.xlsx")}, exitUsage, "nope.xlsx"},
		{"unknown mapping", []string{"convert", "--mapping", "nope", missing}, exitUsage, `mapping "nope"`},
		{"rows rejected", []string{"convert", "--mapping", "repayments", rejected}, exitRejected, "pay2.csv:3:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
		})
	}
}

func TestMappingsCommands(t *testing.T) {
	code, out, _ := runCLI(t, "mappings", "list")
	if code != 0 || !strings.Contains(out, "loans") || !strings.Contains(out, "repayments") || !strings.Contains(out, "journals") {
		t.Errorf("list: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "mappings", "show", "repayments")
	if code != 0 || !strings.Contains(out, "kind: repayments") {
		t.Errorf("show: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "mappings", "schema")
	var schema map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &schema) != nil {
		t.Errorf("schema: %d %.200s", code, out)
	}
}

// TestBadInputCorpus runs every file of the bad-input corpus through the
// real command: a clear one-line message naming the file, exit 2, no panic
// and no output folder.
func TestBadInputCorpus(t *testing.T) {
	src := filepath.Join("..", "..", "internal", "input", "testdata", "bad")
	entries, err := os.ReadDir(src)
	if err != nil || len(entries) == 0 {
		t.Fatalf("corpus: %v", err)
	}
	for _, e := range entries {
		if e.Name() == "tsv_export.xls" {
			continue // a TSV saved as .xls: readable
		}
		t.Run(e.Name(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			in := filepath.Join(t.TempDir(), e.Name())
			os.WriteFile(in, data, 0o644)
			code, stdout, stderr := runCLI(t, "convert", in)
			if code != exitUsage {
				t.Errorf("exit %d, want %d\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, e.Name()) || strings.Contains(stderr, "panic") || stdout != "" {
				t.Errorf("stdout %q, stderr:\n%s", stdout, stderr)
			}
			if _, err := os.Stat(strings.TrimSuffix(in, filepath.Ext(in)) + ".kiva"); !os.IsNotExist(err) {
				t.Errorf("an output folder was created")
			}
		})
	}
}
