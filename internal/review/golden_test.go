package review_test

import (
	"bytes"
	"context"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/review"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

var update = flag.Bool("update", false, "rewrite review/testdata/*.golden.html")

// today is the fixed "today" of every conversion here (the samples' golden
// files use the same).
var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

const samplesDir = "../../samples"

// sample is one conversion whose report the tests look at.
type sample struct {
	name   string // golden file: testdata/<name>.golden.html
	input  func(t *testing.T) string
	target string
}

func sampleInput(name string) func(*testing.T) string {
	return func(*testing.T) string { return filepath.Join(samplesDir, name) }
}

// samples are the bundled samples, and a loans workbook with broken cells:
// a rejected row (amount not a number), a rejected group loan (a member's
// amount not a number), markup in a name and a description.
var samples = []sample{
	{name: "loans", input: sampleInput("loans.xlsx"), target: "stage: https://partnerapi.staging.kiva.org"},
	{name: "repayments-xlsx", input: sampleInput("repayments.xlsx")},
	{name: "repayments-csv", input: sampleInput("repayments.csv")},
	{name: "journals", input: sampleInput("journals.xlsx")},
	{name: "loans-broken", input: brokenLoans},
}

// brokenLoans copies samples/loans.xlsx (and its photos) into a temporary
// folder and breaks a few cells.
func brokenLoans(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "photos"), os.DirFS(filepath.Join(samplesDir, "photos"))); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(samplesDir, "loans.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ref, v := range map[string]string{
		"F5": "thirty thousand",                 // Peter's amount: the row is rejected
		"F9": "lots",                            // Annet's amount: group loan GRP-0311 is rejected
		"C7": `Jo<script>alert(1)</script>seph`, // markup in a name
		"L7": `Joseph "><img src=x onerror=alert(2)> rides`,
	} {
		if err := f.SetCellStr("Loans", ref, v); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "loans-broken.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// problemsOf turns a conversion's issues into the report's problems, as
// convert does.
func problemsOf(sum *convert.Summary) []review.Problem {
	var ps []review.Problem
	for _, is := range sum.Issues {
		cell := ""
		if is.Pos.Row > 0 && is.Pos.Col > 0 {
			cell = is.Pos.CellRef()
		}
		ps = append(ps, review.Problem{
			Severity: is.Severity.String(), File: filepath.Base(is.Pos.File), Sheet: is.Pos.Sheet,
			Cell: cell, Row: is.Pos.Row, Column: is.Column, Field: is.Field, Value: is.Value,
			Message: is.Message, Hint: is.Hint, Record: is.Record,
		})
	}
	return ps
}

// converted is a sample converted into a temporary folder.
type converted struct {
	dir  string
	sum  *convert.Summary
	opts review.Options
	// page is the review.html convert wrote: with what only convert
	// knows (the borrowers' names, read from the input's rows).
	page []byte
}

var (
	convertOnce sync.Map // sample name → *converted (shared by the tests of one run)
	sampleRoot  string
	rootOnce    sync.Once
)

// TestMain removes the shared conversions' folder at the end.
func TestMain(m *testing.M) {
	code := m.Run()
	if sampleRoot != "" {
		os.RemoveAll(sampleRoot)
	}
	os.Exit(code)
}

// convertSample converts s once per test run.
func convertSample(t *testing.T, s sample) *converted {
	t.Helper()
	if c, ok := convertOnce.Load(s.name); ok {
		return c.(*converted)
	}
	rootOnce.Do(func() {
		var err error
		if sampleRoot, err = os.MkdirTemp("", "kivaconv-review-"); err != nil {
			t.Fatal(err)
		}
	})
	ref, err := kiva.LoadReference(filepath.Join(samplesDir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(sampleRoot, s.name+".kiva")
	sum, err := convert.Run(context.Background(), convert.Options{
		Input: s.input(t), Candidates: mappings.Embedded(), Reference: ref,
		Today: today, OutDir: out, Version: "golden", Target: s.target,
	})
	if err != nil && !strings.Contains(s.name, "broken") {
		t.Fatal(err)
	}
	if sum == nil {
		t.Fatalf("convert %s: %v", s.name, err)
	}
	page, err := os.ReadFile(filepath.Join(out, review.File))
	if err != nil {
		t.Fatal(err)
	}
	c := &converted{dir: out, sum: sum, page: page, opts: review.Options{
		Problems: problemsOf(sum), TruncatedProblems: sum.IssuesTruncated,
		Target: s.target, Title: filepath.Base(sum.Input), Reference: ref,
	}}
	actual, _ := convertOnce.LoadOrStore(s.name, c)
	return actual.(*converted)
}

// TestGolden compares the page convert wrote for each sample, byte for
// byte, with testdata/<sample>.golden.html.
var shaRE = regexp.MustCompile(`\(sha256 [0-9a-f]{12}…\)`)

func TestGolden(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			c := convertSample(t, s)
			// A workbook made by the test carries excelize's save time: its
			// checksum differs on every run.
			got := shaRE.ReplaceAll(c.page, []byte("(sha256 SHA…)"))
			checkPlainText(t, string(got))
			path := filepath.Join("testdata", s.name+".golden.html")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./review -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run go test ./review -update if intended):\n%s", review.File, path, firstDiff(got, want))
			}
		})
	}
}

// TestDeterministic: the same folder gives the same bytes, through Write
// and through Render, every time.
func TestDeterministic(t *testing.T) {
	c := convertSample(t, samples[0])
	m, err := batch.ReadManifest(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i := range 3 {
		var buf bytes.Buffer
		if err := review.Render(&buf, m, c.dir, c.opts); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
		} else if !bytes.Equal(buf.Bytes(), first) {
			t.Fatalf("render %d differs:\n%s", i, firstDiff(buf.Bytes(), first))
		}
	}
	if err := review.Write(c.dir, c.opts); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(filepath.Join(c.dir, review.File))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, first) {
		t.Errorf("Write and Render differ:\n%s", firstDiff(written, first))
	}
}

// TestBrokenSample checks what the broken workbook's report must say: the
// rejected row's error is listed (with its cell) though the row has no
// card, the other problems link to their cards, and no markup from the
// cells reaches the page as markup.
func TestBrokenSample(t *testing.T) {
	c := convertSample(t, samples[len(samples)-1])
	if c.sum.Rejected == 0 {
		t.Fatalf("the broken sample rejected no row:\n%s", convert.Report(c.sum))
	}
	var buf bytes.Buffer
	m, err := batch.ReadManifest(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := review.Render(&buf, m, c.dir, c.opts); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script>alert", "<img src=x", `"><img src=x`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds raw %q", bad)
		}
	}
	for _, want := range []string{
		`Jo&lt;script&gt;alert(1)&lt;/script&gt;seph`,
		`Loans!F5`,
		`thirty thousand`,
		`<p class="banner error">5 row(s) were rejected`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="loan-000124"`) {
		t.Error("the rejected row has a card")
	}

	// The page convert wrote says whose loan each problem is about, read
	// from the rejected rows themselves: their records are in no batch.
	page = string(c.page)
	for cell, want := range map[string][]string{
		"Loans!F5": {`<p class="who"><b>Peter Otieno</b> · <span class="file">loan 000124</span></p>`, `Loan 000124 is not in the batches.`},
		"Loans!F9": {`<p class="who"><b>Annet Auma (Tusubira Women Group)</b> · <span class="file">loan GRP-0311</span></p>`, `Loan GRP-0311 is not in the batches.`},
		"Loans!R8": {`<p class="who"><b>Tusubira Women Group</b> · <span class="file">loan GRP-0311</span></p>`},
		"Loans!P7": {`<p class="who"><b>Jo&lt;script&gt;alert(1)&lt;/script&gt;seph Kiprop</b> · <span class="file">loan 000131</span></p>`},
	} {
		i := strings.Index(page, `<b class="file">`+cell+`</b>`)
		if i < 0 {
			t.Errorf("no problem at %s", cell)
			continue
		}
		item := page[i : i+strings.Index(page[i:], "</li>")]
		for _, w := range want {
			if !strings.Contains(item, w) {
				t.Errorf("the problem at %s lacks %q:\n%s", cell, w, item)
			}
		}
	}
	if n, named := strings.Count(page, `<li class="problem `), strings.Count(page, `<p class="who"><b>`); n != named {
		t.Errorf("%d of %d problems name their borrower", named, n)
	}
}

func firstDiff(got, want []byte) string {
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + clip(g) + "\n  want: " + clip(w)
		}
	}
	return ""
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// rawKeys are field keys of the mappings and the Kiva JSON that a person
// must never read on the page (a title attribute may carry them).
var rawKeys = regexp.MustCompile(`(?i)\b(image_encoded|image_url|disburse_date|disburse_time|description_language(_id)?|activity_id|theme_type_id|loanuse|loan_use|not_pictured|internal_(loan|client)_id|group_(loan|client)_id|group_name|client_waiver_signed|first_name|last_name|loan_id|client_id|due_date)\b|entreps\[|schedule\[`)

// pageText is the text a person reads on page: no style sheet, script,
// tags or attributes.
func pageText(page string) string {
	for _, el := range []string{"style", "script"} {
		page = regexp.MustCompile(`(?s)<`+el+`[^>]*>.*?</`+el+`>`).ReplaceAllString(page, " ")
	}
	page = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(page, " ")
	return html.UnescapeString(page)
}

// checkPlainText fails when the page's text shows a field key, or asks
// the reader to hover (there is no hovering on a phone).
func checkPlainText(t *testing.T, page string) {
	t.Helper()
	text := pageText(page)
	if keys := rawKeys.FindAllString(text, -1); len(keys) > 0 {
		t.Errorf("the page's text shows field keys: %q", keys)
	}
	if i := strings.Index(strings.ToLower(text), "hover"); i >= 0 {
		t.Errorf("the page's text says hover: %q", text[max(i-60, 0):min(i+40, len(text))])
	}
}
