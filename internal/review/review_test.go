package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/kiva"
)

func ptr[T any](v T) *T { return &v }

// draft is a complete individual loan draft.
func draft(id, first, amount string) *kiva.LoanDraft {
	return &kiva.LoanDraft{
		ActivityID: ptr(61), ThemeTypeID: ptr(9), DescriptionLanguageID: ptr(1),
		Location: "Busia, Busia County, Kenya", Currency: "KES", ClientWaiverSigned: ptr(true),
		LoanUse: "to buy stock", Description: first + " sells fruit.", DisburseTime: "2026-11-20",
		Entreps: []kiva.Entrep{{ClientID: "C" + id, LoanID: id, FirstName: first, LastName: "Atieno", Gender: "female", Amount: kiva.MustAmount(amount)}},
		Schedule: []kiva.ScheduleItem{
			{Date: "2026-12-20", Principal: kiva.MustAmount("500"), Interest: kiva.MustAmount("50.25")},
			{Date: "2027-01-20", Principal: kiva.MustAmount("500"), Interest: kiva.MustAmount("25")},
		},
	}
}

// folder writes an output folder of kind with add, and returns it and its
// manifest.
func folder(t testing.TB, kind string, add func(w *batch.Writer) error) (string, *batch.Manifest) {
	t.Helper()
	dir := t.TempDir()
	w, err := batch.Create(dir, batch.CreateOptions{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	if err := add(w); err != nil {
		w.Abort()
		t.Fatal(err)
	}
	m, err := w.Close(batch.ManifestInfo{
		ToolVersion: "test",
		Source:      batch.Source{Name: "in.xlsx", SHA256: strings.Repeat("a", 64)},
		Mapping:     batch.MappingInfo{Name: kind, Source: "embedded:" + kind, SHA256: strings.Repeat("b", 64)},
		Counts:      batch.Counts{RowsRead: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func drafts(ds ...*kiva.LoanDraft) func(*batch.Writer) error {
	return func(w *batch.Writer) error {
		for _, d := range ds {
			if _, err := w.AddLoanDraft(d); err != nil {
				return err
			}
		}
		return nil
	}
}

func render(t testing.TB, dir string, m *batch.Manifest, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, m, dir, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct{ amount, currency, want string }{
		{"153752.5", "KES", "153,752.50"},
		{"0", "KES", "0.00"},
		{"1500", "UGX", "1,500"},
		{"1500.5", "UGX", "1,500.5"}, // more places than the currency has: all kept
		{"-1234567.891", "", "-1,234,567.891"},
		{"999", "", "999"},
		{"1000", "JOD", "1,000.000"},
		{"12345678901234567890.12", "USD", "12,345,678,901,234,567,890.12"}, // no float anywhere
		{"0.1", "XYZ", "0.1"},
	} {
		if got := formatAmount(kiva.MustAmount(tc.amount), tc.currency); got != tc.want {
			t.Errorf("formatAmount(%s, %q) = %q, want %q", tc.amount, tc.currency, got, tc.want)
		}
	}
	if got := formatMoney(kiva.MustAmount("42750.75"), "KES"); got != "KES 42,750.75" {
		t.Errorf("formatMoney = %q", got)
	}
	if got := formatCount(40000); got != "40,000" {
		t.Errorf("formatCount = %q", got)
	}
}

func TestAnchors(t *testing.T) {
	a := newAnchors("loan")
	got := []string{a.add("000123", 1), a.add("GRP 0311/a", 2), a.add("", 3), a.add("000123", 4), a.add("x_20", 5), a.add("x ", 6)}
	want := []string{"loan-000123", "loan-GRP_200311_2fa", "loann3", "loan-000123.2", "loan-x_5f20", "loan-x_20"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("anchor %d = %q, want %q", i, got[i], want[i])
		}
	}
	if a.first["000123"] != "loan-000123" {
		t.Errorf("first = %q", a.first["000123"])
	}
}

func TestCellRef(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{Sheet: "Loans", Cell: "P5", Row: 5}, "Loans!P5"},
		{Problem{Sheet: "My loans", Cell: "B2"}, "'My loans'!B2"},
		{Problem{Sheet: "O'Neil", Cell: "B2"}, "'O''Neil'!B2"},
		{Problem{Cell: "C7", Row: 7}, "C7"},
		{Problem{Sheet: "Loans", Row: 9}, "Loans row 9"},
		{Problem{Row: 9}, "row 9"},
		{Problem{Sheet: "Schedule"}, "sheet Schedule"},
		{Problem{}, ""},
	} {
		if got := cellRef(tc.p); got != tc.want {
			t.Errorf("cellRef(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// Every piece of text from the input (names, description, loan use,
// location, group name, problem value, message, hint, column, sheet,
// file, record) is escaped: no tag or attribute can be injected.
func TestEscaping(t *testing.T) {
	const (
		tag  = `<script>alert(1)</script>`
		attr = `"><img src=x onerror=alert(2)>`
		js   = `javascript:alert(3)`
	)
	evil := tag + attr
	d := draft("L1", evil, "100")
	d.Entreps[0].LastName = attr
	d.Description = "Description " + evil
	d.LoanUse = "to " + evil
	d.Location = evil
	d.DisburseTime = attr
	d.Entreps = append(d.Entreps, kiva.Entrep{ClientID: attr, LoanID: tag, FirstName: evil, Gender: attr, Amount: kiva.MustAmount("1")})
	d.GroupName = evil
	d.InternalLoanID = "G" + attr
	d.NotPictured = []bool{false, true}
	dir, m := folder(t, batch.KindLoanDraft, drafts(d))
	p := Problem{Severity: "error", File: evil, Sheet: evil, Cell: "A1", Column: evil, Field: evil,
		Value: evil, Message: evil, Hint: evil, Record: "G" + attr}
	page := render(t, dir, m, Options{Problems: []Problem{p, {Severity: "warning", Record: tag, Message: "x"}}, Title: evil, Target: evil})
	checkNoInjection(t, page)
	if !strings.Contains(page, `&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;`) {
		t.Error("the escaped text is not on the page")
	}

	// Journals: subject, body, loan id, and a link that must not run.
	jdir, jm := folder(t, batch.KindJournals, func(w *batch.Writer) error {
		return w.AddJournal(kiva.Journal{InternalLoanID: attr, InternalClientID: tag, Subject: evil, Body: evil, ImageURL: js})
	})
	page = render(t, jdir, jm, Options{})
	checkNoInjection(t, page)
	if strings.Contains(page, `href="javascript:`) {
		t.Error("a javascript: link reached the page")
	}
	// Repayments.
	rdir, rm := folder(t, batch.KindRepayments, func(w *batch.Writer) error {
		return w.AddRepayment(kiva.Repayment{LoanID: evil, ClientID: attr, Amount: kiva.MustAmount("1")}, "KES")
	})
	checkNoInjection(t, render(t, rdir, rm, Options{Problems: []Problem{{Severity: "error", Record: evil, Value: evil}}}))
}

// checkNoInjection fails if any injected tag or attribute appears raw, or
// if the page has a script other than its own.
func checkNoInjection(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img src=x", `"><img src=x`, "onerror=alert(2)>"} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("page holds raw %q: …%s…", bad, page[max(i-80, 0):min(i+80, len(page))])
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d <script elements, want 1", n)
	}
	if n := strings.Count(strings.ToLower(page), "<img"); n != strings.Count(page, `<img src="data:image/`) {
		t.Errorf("an <img> that is not a data: image")
	}
}

// The page's only script is allowed by its hash, and nothing else is:
// no source but data: images and inline styles.
func TestContentSecurityPolicy(t *testing.T) {
	dir, m := folder(t, batch.KindLoanDraft, drafts(draft("L1", "Ana", "100")))
	page := render(t, dir, m, Options{})
	meta := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if meta == nil {
		t.Fatal("no Content-Security-Policy meta tag")
	}
	csp := strings.ReplaceAll(meta[1], "&#39;", "'")
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(page)
	if script == nil {
		t.Fatal("no script")
	}
	sum := sha256.Sum256([]byte(script[1]))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	want := "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src " + hash + "; base-uri 'none'; form-action 'none'"
	if csp != want {
		t.Errorf("CSP = %q\nwant %q", csp, want)
	}
	for _, bad := range []string{"http://", "https://", "<link", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page refers to something outside itself: %q", bad)
		}
	}
}

// A draft's card has its photo thumbnail, names, amount, loan use,
// description, members with not_pictured, disbursal date and schedule
// chart; a draft without a photo has the placeholder.
func TestDraftCard(t *testing.T) {
	photo := jpegURI(t, 800, 600)
	ind := draft("000123", "Grace", "15000.5")
	ind.ImageEncoded = photo
	grp := draft("000311", "Sarah", "12000")
	grp.Entreps = append(grp.Entreps, kiva.Entrep{ClientID: "C2", LoanID: "000312", FirstName: "Annet", LastName: "Auma", Gender: "female", Amount: kiva.MustAmount("10500.5")})
	grp.GroupName, grp.InternalLoanID, grp.InternalClientID = "Tusubira Women Group", "GRP-0311", "GC-0088"
	grp.NotPictured = []bool{false, true}
	dir, m := folder(t, batch.KindLoanDraft, drafts(ind, grp))
	page := render(t, dir, m, Options{})
	card := between(t, page, `id="loan-000123"`, `</article>`)
	for _, want := range []string{
		`<img src="data:image/jpeg;base64,`, `width="200" height="150"`, `Grace Atieno`, `KES 15,000.50`,
		`This borrower will use this loan:</span> to buy stock`, `Grace sells fruit.`, `<dt>Disbursal date</dt><dd>2026-11-20</dd>`,
		`<svg class="chart"`, `<title>2026-12-20: principal 500.00 &#43; interest 50.25 = KES 550.25</title>`,
		`principal KES 1,000.00, interest KES 75.25; largest KES 550.25.`,
		`<dt>Client ID</dt><dd>C000123</dd>`, `<dt>File</dt><dd class="file">loan-draft-0001.json</dd>`,
	} {
		if !strings.Contains(card, want) {
			t.Errorf("individual card lacks %q", want)
		}
	}
	card = between(t, page, `id="loan-GRP-0311"`, `</article>`)
	for _, want := range []string{
		`aria-label="No photo"`, `<h3>Tusubira Women Group</h3>`, `KES 22,500.50`, `This group will use this loan:`,
		`Tusubira Women Group: 2 members`, `Sarah Atieno (female) · <span class="m-amt">KES 12,000.00</span> · loan 000311 · client C000311</li>`,
		`Annet Auma (female) · <span class="m-amt">KES 10,500.50</span> · loan 000312 · client C2 <span class="np">not pictured</span>`,
		`<dt>Group loan ID</dt><dd>GRP-0311</dd>`,
	} {
		if !strings.Contains(card, want) {
			t.Errorf("group card lacks %q", want)
		}
	}
	// The thumbnail is small, whatever the photo's size.
	uri := regexp.MustCompile(`src="data:image/jpeg;base64,([^"]*)"`).FindStringSubmatch(page)
	data, err := base64.StdEncoding.DecodeString(html.UnescapeString(uri[1]))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 200 || cfg.Height != 150 || len(data) > 20<<10 {
		t.Errorf("thumbnail %dx%d, %d bytes, %v", cfg.Width, cfg.Height, len(data), err)
	}
}

// between returns the text of s from the first from to the next to.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("no %q in the page", from)
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		t.Fatalf("no %q after %q", to, from)
	}
	return s[i : i+j]
}

// Problems link to their record's card; a record's card has a badge
// linking back; a problem whose record is not in the output is listed
// without a link; errors come first.
func TestProblemLinks(t *testing.T) {
	dir, m := folder(t, batch.KindLoanDraft, drafts(draft("L1", "Ana", "100"), draft("L2", "Bea", "200")))
	ps := []Problem{
		{Severity: "warning", File: "in.xlsx", Sheet: "Loans", Cell: "P4", Row: 4, Column: "Image", Message: "no photo", Record: "L1"},
		{Severity: "error", File: "in.xlsx", Sheet: "Loans", Cell: "F5", Row: 5, Column: "Amount", Value: "abc", Message: "not a number", Hint: "type a number", Record: "L9"},
		{Severity: "error", File: "in.xlsx", Sheet: "Loans", Cell: "E4", Row: 4, Column: "Gender", Value: "?", Message: "unknown gender", Record: "L1"},
		{Severity: "warning", File: "in.xlsx", Message: "whole file"},
	}
	page := render(t, dir, m, Options{Problems: ps, TruncatedProblems: 7})
	list := between(t, page, `<ol class="problems">`, `</ol>`)
	ids := regexp.MustCompile(`<li class="problem (\w+)" id="(p\d+)">`).FindAllStringSubmatch(list, -1)
	var order []string
	for _, m := range ids {
		order = append(order, m[1]+" "+m[2])
	}
	if got, want := strings.Join(order, ","), "error p1,error p2,warning p3,warning p4"; got != want {
		t.Errorf("problem order %s, want %s", got, want)
	}
	p1 := between(t, list, `id="p1"`, `</li>`)
	for _, want := range []string{`<span class="sev">error</span> <b class="file">Loans!F5</b>`, `column <b>Amount</b>`, `not a number`, `To fix: type a number`, `<code>abc</code>`, `Loan L9 is not in the batches.`} {
		if !strings.Contains(p1, want) {
			t.Errorf("p1 lacks %q:\n%s", want, p1)
		}
	}
	if strings.Contains(p1, "href") {
		t.Error("p1 links to a record that is not in the output")
	}
	if p2 := between(t, list, `id="p2"`, `</li>`); !strings.Contains(p2, `<a href="#loan-L1">Go to loan L1</a>`) {
		t.Errorf("p2 does not link to its card:\n%s", p2)
	}
	card := between(t, page, `id="loan-L1"`, `</article>`)
	if !strings.Contains(page, `<article class="card bad" id="loan-L1">`) ||
		!strings.Contains(card, `<a class="badge error" href="#p2">1 error</a><a class="badge warning" href="#p2">1 warning</a>`) ||
		!strings.Contains(card, `<li class="error"><a href="#p2">Loans!E4</a>: unknown gender</li>`) {
		t.Errorf("card L1 lacks its badges:\n%s", card)
	}
	if card := between(t, page, `id="loan-L2"`, `</article>`); strings.Contains(card, "badge") {
		t.Error("card L2 has a badge")
	}
	if !strings.Contains(page, `7 more problem(s) are not listed`) {
		t.Error("truncation not said")
	}
}

// Beyond MaxCards, drafts are compact table rows, each still with its
// anchor and badge; the page says so.
func TestMaxCards(t *testing.T) {
	var ds []*kiva.LoanDraft
	for i := range 75 {
		d := draft(fmt.Sprintf("L%03d", i), "Ana", "100")
		if i%10 == 0 {
			d.ImageEncoded = jpegURI(t, 40, 30)
		}
		ds = append(ds, d)
	}
	dir, m := folder(t, batch.KindLoanDraft, drafts(ds...))
	page := render(t, dir, m, Options{MaxCards: 10, Problems: []Problem{{Severity: "error", Record: "L070", Message: "bad"}}})
	if n := strings.Count(page, `<article class="card`); n != 10 {
		t.Errorf("%d cards, want 10", n)
	}
	rows := between(t, page, `<table id="drafts-table">`, `</table>`)
	if n := strings.Count(rows, `<tr id="loan-L`); n != 65 {
		t.Errorf("%d rows, want 65", n)
	}
	if !strings.Contains(page, "The first 10 loan drafts are shown as cards; the other 65 are listed in short form") {
		t.Error("no note about the compact rows")
	}
	if !strings.Contains(rows, `<tr id="loan-L070"><td class="num">71</td><td>L070</td><td>Ana Atieno</td><td class="num">KES 100.00</td><td>2026-11-20</td><td>yes</td><td><div class="badges"><a class="badge error" href="#p1">1 error</a></div></td><td class="file">loan-draft-0071.json</td></tr>`) {
		t.Errorf("row L070 wrong:\n%s", between(t, rows, `<tr id="loan-L070">`, `</tr>`))
	}
	if !strings.Contains(page, `<a href="#loan-L070">Go to loan L070</a>`) {
		t.Error("problem does not link to its row")
	}
	if n := strings.Count(page, "data:image/jpeg"); n != 1 {
		t.Errorf("%d photos embedded, want 1 (the one among the cards)", n)
	}
	// No cards at all.
	page = render(t, dir, m, Options{MaxCards: -1})
	if strings.Contains(page, `<article`) || strings.Count(page, `<tr id="loan-L`) != 75 {
		t.Error("MaxCards < 0 still shows cards")
	}
}

// A 40,000-draft folder gives a page of a few megabytes, in a few
// seconds: past MaxCards each draft costs one compact row of at most
// 250 bytes. Creating and deleting 40,000 files takes longer than the
// test's budget on some filesystems, so by default the test renders 2,000
// drafts and checks the per-row cost; KIVACONV_BIG_TESTS=1 runs the full
// 40,000. The folder is written directly: the batch package's writer makes
// every file durable, which costs more still.
func TestManyDrafts(t *testing.T) {
	n := 2000
	if os.Getenv("KIVACONV_BIG_TESTS") == "1" {
		n = 40000
	}
	dir := t.TempDir()
	m := &batch.Manifest{Format: batch.ManifestFormat, Kind: batch.KindLoanDraft, Complete: true,
		Tool: batch.Tool{Name: "kivaconv", Version: "test"}, Counts: batch.Counts{RowsRead: n, RecordsWritten: n}}
	m.Batches = make([]batch.Batch, n)
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	const workers = 16
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				id := fmt.Sprintf("L%05d", i)
				data, err := batch.Encode(draft(id, "Ana", "100"))
				name := batch.BatchFileName(batch.KindLoanDraft, i+1)
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, name), data, 0o644)
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
				m.Batches[i] = batch.Batch{File: name, Kind: batch.KindLoanDraft, Records: 1, SHA256: batch.SHA256(data), LoanIDs: []string{id}}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	start := time.Now()
	var buf bytes.Buffer
	if err := Render(&buf, m, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d drafts: %d bytes in %v", n, buf.Len(), time.Since(start))
	page := buf.String()
	rows := len(page) - strings.Index(page, `<table id="drafts-table">`)
	if per := rows / (n - DefaultMaxCards); per > 250 {
		t.Errorf("%d bytes per compact row: a 40,000-draft page would be %d MB", per, (per*40000+len(page)-rows)>>20)
	}
	if got := strings.Count(page, `<tr id="loan-L`); got != n-DefaultMaxCards {
		t.Errorf("%d rows, want %d", got, n-DefaultMaxCards)
	}
	if got := strings.Count(page, `<article class="card`); got != DefaultMaxCards {
		t.Errorf("%d cards, want %d", got, DefaultMaxCards)
	}
	if strings.Contains(page, "edited after convert") || strings.Contains(page, "missing from the folder") {
		t.Error("a file is reported changed or missing")
	}
}

// Repayments: a sortable table whose amount cells carry the exact decimal
// as their sort key, and totals from the manifest.
func TestRepaymentsTable(t *testing.T) {
	amounts := []string{"2750", "84.85", "1234567890123.456", "0.5", "-3"}
	dir, m := folder(t, batch.KindRepayments, func(w *batch.Writer) error {
		for i, a := range amounts {
			cid := ""
			if i == 1 {
				cid = "C1"
			}
			if err := w.AddRepayment(kiva.Repayment{LoanID: fmt.Sprintf("L%d", i), ClientID: cid, Amount: kiva.MustAmount(a)}, "KES"); err != nil {
				return err
			}
		}
		return nil
	})
	page := render(t, dir, m, Options{Problems: []Problem{{Severity: "warning", Record: "L1", Message: "check"}}})
	table := between(t, page, `<table class="sortable" id="repayments-table">`, `</table>`)
	for _, want := range []string{
		`<th class="num" data-key="amount" data-type="num"><button type="button">Amount (KES)</button></th>`,
		`<th data-key="client_id" data-type="text"><button type="button">Client ID</button></th>`,
		`<tr id="rep-L2"><td class="num" data-sort="3">3</td><td>L2</td><td></td><td class="num" data-sort="1234567890123.456">1,234,567,890,123.456</td><td class="file">repayments-0001.json</td>`,
		`<td class="num" data-sort="84.85">84.85</td>`, `<td class="num" data-sort="-3">-3.00</td>`, `<td class="num" data-sort="0.5">0.50</td>`,
		`<a class="badge warning" href="#p1">1 warning</a>`,
		`Total: KES 1,234,567,892,955.806 in 5 repayments`,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	if !strings.Contains(page, `<a href="#rep-L1">Go to repayment L1</a>`) {
		t.Error("problem does not link to its row")
	}
}

// Journals are cards; wrapped and bare batches both read; image_url is a
// link, never an image.
func TestJournals(t *testing.T) {
	for _, wrapped := range []bool{false, true} {
		dir := t.TempDir()
		w, err := batch.Create(dir, batch.CreateOptions{Kind: batch.KindJournals, JournalWrapped: wrapped})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := w.AddJournal(kiva.Journal{InternalLoanID: fmt.Sprint("L", i), Subject: fmt.Sprint("Subject ", i), Body: "Body\nline 2", ImageURL: "https://example.org/p.jpg"}); err != nil {
				t.Fatal(err)
			}
		}
		m, err := w.Close(batch.ManifestInfo{ToolVersion: "test", Source: batch.Source{Name: "j.xlsx"}})
		if err != nil {
			t.Fatal(err)
		}
		page := render(t, dir, m, Options{MaxCards: 2})
		if strings.Count(page, `<article class="card journal"`) != 2 || !strings.Contains(page, `<tr id="jour-L2"><td class="num">3</td><td>L2</td><td>Subject 2</td>`) {
			t.Errorf("wrapped=%v: journals not shown as 2 cards and 1 row", wrapped)
		}
		if !strings.Contains(page, `Photo link (not loaded): <a href="https://example.org/p.jpg" rel="noreferrer noopener">`) || strings.Contains(page, `<img src="https`) {
			t.Error("image_url not shown as a link only")
		}
	}
}

// A missing or edited batch file does not stop the report: the page says
// what is wrong where the record would be.
func TestDamagedFolder(t *testing.T) {
	dir, _ := folder(t, batch.KindLoanDraft, drafts(draft("L1", "Ana", "100"), draft("L2", "Bea", "200"), draft("L3", "Cy", "300")))
	if err := os.Remove(filepath.Join(dir, "loan-draft-0001.json")); err != nil {
		t.Fatal(err)
	}
	d := draft("L2", "Beatrice", "250")
	data, _ := batch.Encode(d)
	if err := os.WriteFile(filepath.Join(dir, "loan-draft-0002.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "loan-draft-0003.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`loan-draft-0001.json is missing from the folder: convert again`,
		`<span class="badge edited">edited after convert</span>`, `<p class="kicker">loan-draft-0002.json was changed after convert wrote it: this page shows the file as it is now</p>`,
		`Beatrice Atieno`, `KES 250.00`,
		`loan-draft-0003.json is not a loan draft (`,
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Repayments: a note at the top.
	rdir, rm := folder(t, batch.KindRepayments, func(w *batch.Writer) error {
		return w.AddRepayment(kiva.Repayment{LoanID: "L1", Amount: kiva.MustAmount("1")}, "")
	})
	os.Remove(filepath.Join(rdir, "repayments-0001.json"))
	if page := render(t, rdir, rm, Options{}); !strings.Contains(page, `<p class="banner warning">repayments-0001.json is missing from the folder: convert again</p>`) {
		t.Error("missing repayments batch not said")
	}
	// No manifest: Write says so.
	if err := Write(t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("Write without a manifest: %v", err)
	}
}

func jpegURI(t testing.TB, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestThumbnail(t *testing.T) {
	// A transparent PNG, 300×600: scaled to 100×200, drawn on white.
	img := image.NewNRGBA(image.Rect(0, 0, 300, 600))
	for y := range 600 {
		for x := range 300 {
			if x < 150 {
				img.Set(x, y, color.NRGBA{255, 0, 0, 255})
			}
		}
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	pngURI := "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBuf.Bytes())
	small := jpegURI(t, 120, 80)
	broken := strings.Replace(small, "base64,", "base64,\r\n", 1)
	broken = broken[:60] + "\n" + broken[60:]
	for _, tc := range []struct {
		name, uri string
		w, h      int
		keep      bool
		err       string
	}{
		{"large jpeg", jpegURI(t, 1600, 1200), 200, 150, false, ""},
		{"tall png", pngURI, 100, 200, false, ""},
		{"small jpeg kept", small, 120, 80, true, ""},
		{"line breaks", broken, 120, 80, true, ""},
		{"not a data URI", "https://example.org/x.jpg", 0, 0, false, "not embedded as a data URI"},
		{"not base64", "data:image/jpeg,xyz", 0, 0, false, "not base64-encoded"},
		{"bad base64", "data:image/jpeg;base64,!!!", 0, 0, false, "base64 text is damaged"},
		{"not a picture", "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString([]byte("hello world")), 0, 0, false, "not a JPEG or PNG"},
		{"truncated", small[:len(small)/2], 0, 0, false, "damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			th, err := makeThumbnail(tc.uri)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if th.W != tc.w || th.H != tc.h {
				t.Errorf("size %dx%d, want %dx%d", th.W, th.H, tc.w, tc.h)
			}
			if tc.keep != (th.URI == template.URL(strings.NewReplacer("\r", "", "\n", "").Replace(tc.uri))) {
				t.Errorf("kept = %v, want %v", !tc.keep, tc.keep)
			}
			data, err := decodeDataURI(string(th.URI))
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := image.Decode(bytes.NewReader(data))
			if err != nil || got.Bounds().Dx() != tc.w || got.Bounds().Dy() != tc.h {
				t.Fatalf("thumbnail does not decode to %dx%d: %v", tc.w, tc.h, err)
			}
			if tc.name == "tall png" {
				// Left half red, right half (transparent) white.
				if r, g, b, _ := got.At(10, 100).RGBA(); r>>8 < 230 || g>>8 > 30 || b>>8 > 30 {
					t.Errorf("left pixel %d %d %d, want red", r>>8, g>>8, b>>8)
				}
				if r, g, b, _ := got.At(90, 100).RGBA(); r>>8 < 230 || g>>8 < 230 || b>>8 < 230 {
					t.Errorf("right pixel %d %d %d, want white", r>>8, g>>8, b>>8)
				}
			}
			again, _ := makeThumbnail(tc.uri)
			if again != th {
				t.Error("thumbnail differs on a second run")
			}
		})
	}
}

func TestChart(t *testing.T) {
	if newChart(nil, "KES") != nil {
		t.Error("chart for an empty schedule")
	}
	c := newChart([]kiva.ScheduleItem{
		{Date: "2027-01-01", Principal: kiva.MustAmount("100"), Interest: kiva.MustAmount("100")},
		{Date: "2027-02-01", Principal: kiva.MustAmount("50"), Interest: kiva.MustAmount("0")},
		{Date: "2027-03-01", Principal: kiva.MustAmount("0"), Interest: kiva.MustAmount("0")},
		{Date: "2027-04-01", Principal: kiva.MustAmount("0.1"), Interest: kiva.MustAmount("0.2")},
	}, "UGX")
	if len(c.Bars) != 4 || c.Count != 4 || c.First != "2027-01-01" || c.Last != "2027-04-01" {
		t.Fatalf("chart %+v", c)
	}
	b := c.Bars[0]
	if b.PH != "40.00" || b.IH != "40.00" || b.PY != "40.00" || b.IY != "0.00" || b.X != "12.00" || b.W != "56.00" {
		t.Errorf("first bar %+v", b)
	}
	if c.Bars[1].PH != "20.00" || c.Bars[1].IH != "0.00" || c.Bars[2].PH != "0.00" {
		t.Errorf("bars %+v", c.Bars)
	}
	if got := c.Bars[3].Title; got != "2027-04-01: principal 0.1 + interest 0.2 = UGX 0.3" {
		t.Errorf("title %q", got)
	}
	if c.Principal != "UGX 150.1" || c.Interest != "UGX 100.2" || c.Largest != "UGX 200" {
		t.Errorf("caption %s %s %s", c.Principal, c.Interest, c.Largest)
	}
	// All zero: flat bars, no division by zero.
	z := newChart([]kiva.ScheduleItem{{Date: "2027-01-01"}}, "")
	if z.Bars[0].PH != "0.00" || z.Bars[0].IH != "0.00" {
		t.Errorf("zero chart %+v", z.Bars[0])
	}
}

func TestConsoleMessages(t *testing.T) {
	log := `/usr/bin/chromium: 9: [: 25276514304: unexpected operator
[23048:23076:1126/201613.555270:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Failed to connect to socket /run/dbus/system_bus_socket: No such file or directory
[23048:23048:1126/201613.997031:INFO:CONSOLE:1] "hello log", source: file:///tmp/crtest/broken.html (1)
[23048:23048:1126/201613.997391:INFO:CONSOLE:3] "Uncaught ReferenceError: undefinedFn is not defined", source: file:///tmp/a%20b.html (3)
[1:1:0101/000000.000000:INFO:CONSOLE(12)] "old format", source: file:///x.html (12)
[23091:23091:1126/201613.602740:WARNING:sandbox/policy/linux/sandbox_linux.cc:404] InitializeSandbox() called with multiple threads in process gpu-process.
[9012:9012:1126/203916.505561:INFO:CONSOLE:2] "line one
line two", source: file:///tmp/p.html (2)
[9012:9012:1126/203916.506794:INFO:CONSOLE:5] "Error: x
    at f (file:///tmp/p.html:3:20)
[9012:9012:1126/203916.507513:INFO:CONSOLE:6] "warned", source: file:///tmp/p.html (6)
[9012:9012:1126/203916.507513:INFO:CONSOLE:7] "cut
`
	got := consoleMessages([]byte(log))
	want := []ConsoleMessage{
		{Text: "hello log", Source: "file:///tmp/crtest/broken.html", Line: 1},
		{Text: "Uncaught ReferenceError: undefinedFn is not defined", Source: "file:///tmp/a%20b.html", Line: 3},
		{Text: "old format", Source: "file:///x.html", Line: 12},
		{Text: "line one\nline two", Source: "file:///tmp/p.html", Line: 2},
		{Text: "Error: x\n    at f (file:///tmp/p.html:3:20)"}, // its end never came
		{Text: "warned", Source: "file:///tmp/p.html", Line: 6},
		{Text: "cut"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestFindChromium(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, err := FindChromium(env(map[string]string{ChromiumEnv: "/nonexistent/chromium"})); err == nil || !strings.Contains(err.Error(), ChromiumEnv) {
		t.Errorf("bad override: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := FindChromium(env(map[string]string{ChromiumEnv: exe})); err != nil || got != exe {
		t.Errorf("override = %q, %v", got, err)
	}
	t.Setenv("PATH", t.TempDir())
	if p, err := FindChromium(env(nil)); err == nil {
		if !strings.HasPrefix(p, "/usr/bin/") {
			t.Errorf("found %s with an empty PATH", p)
		}
	} else if !strings.Contains(err.Error(), "install Debian's chromium") {
		t.Errorf("error does not say what to do: %v", err)
	}
}

// MaxRows and MaxProblems keep a huge report's page small: the first rows
// and problems are listed, the rest counted; totals cover everything.
func TestMaxRowsAndProblems(t *testing.T) {
	dir := t.TempDir()
	w, err := batch.Create(dir, batch.CreateOptions{Kind: batch.KindRepayments, BatchSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if err := w.AddRepayment(kiva.Repayment{LoanID: fmt.Sprintf("L%02d", i), Amount: kiva.MustAmount("10")}, "KES"); err != nil {
			t.Fatal(err)
		}
	}
	m, err := w.Close(batch.ManifestInfo{ToolVersion: "test", Source: batch.Source{Name: "r.xlsx"}})
	if err != nil {
		t.Fatal(err)
	}
	var probs []Problem
	for i := range 4 {
		probs = append(probs, Problem{Severity: "warning", Message: fmt.Sprint("check ", i)})
	}
	page := render(t, dir, m, Options{MaxRows: 7, MaxProblems: 3, Problems: probs})
	table := between(t, page, `<table class="sortable" id="repayments-table">`, `</table>`)
	if n := strings.Count(table, `<tr id="rep-`); n != 7 {
		t.Errorf("%d rows listed, want 7", n)
	}
	for _, want := range []string{"The first 7 repayments are listed; 5 more are in the batch files.", "Repayments <span class=\"count\">(12)</span>", "Total: KES 120.00 in 12 repayments", "1 more problem(s) are not listed"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "check 3") {
		t.Error("the fourth problem is listed")
	}
}

// Fields are named in plain words, never by their keys.
func TestFieldLabel(t *testing.T) {
	for _, tc := range []struct{ key, kind, want string }{
		{"image_encoded", batch.KindLoanDraft, "Photo"},
		{"image", batch.KindLoanDraft, "Photo"},
		{"disburse_date", batch.KindLoanDraft, "Disbursal date"},
		{"disburse_time", batch.KindLoanDraft, "Disbursal date"},
		{"description_language_id", batch.KindLoanDraft, "Description language"},
		{"activity_id", batch.KindLoanDraft, "Activity"},
		{"theme_type_id", batch.KindLoanDraft, "Theme"},
		{"loanuse", batch.KindLoanDraft, "Loan use"},
		{"not_pictured", batch.KindLoanDraft, "Not pictured"},
		{"entreps[1].gender", batch.KindLoanDraft, "Borrower 2 · gender"},
		{"entreps[0].loan_id", batch.KindLoanDraft, "Borrower 1 · loan ID"},
		{"entreps[2]", batch.KindLoanDraft, "Borrower 3"},
		{"schedule[0].date", batch.KindLoanDraft, "Payment 1 · date"},
		{"schedule[3].principal", batch.KindLoanDraft, "Payment 4 · principal"},
		{"schedule", batch.KindLoanDraft, "Repayment schedule"},
		{"internal_loan_id", batch.KindLoanDraft, "Group loan ID"},
		{"internal_loan_id", batch.KindJournals, "Loan ID"},
		{"internal_client_id", batch.KindJournals, "Client ID"},
		{"image_url", batch.KindJournals, "Photo link"},
		{"some_new_key", batch.KindLoanDraft, "Some new key"},
		{"", batch.KindLoanDraft, ""},
	} {
		if got := fieldLabel(tc.key, tc.kind); got != tc.want {
			t.Errorf("fieldLabel(%q, %s) = %q, want %q", tc.key, tc.kind, got, tc.want)
		}
	}
}

// textOf is the text of an HTML fragment as a reader sees it: no tags, no
// attributes.
func textOf(s string) string {
	return html.UnescapeString(regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(s, ""))
}

// The problem list names fields by label (the key only in a title
// attribute), and says whose loan each problem is about.
func TestProblemFieldsAndBorrowers(t *testing.T) {
	dir, m := folder(t, batch.KindLoanDraft, drafts(draft("L1", "Ana", "100")))
	ps := []Problem{
		{Severity: "error", File: "in.xlsx", Sheet: "Loans", Cell: "H5", Row: 5, Column: "Disbursal Date", Field: "disburse_date",
			Value: "31/02/2026", Message: "not a date", Record: "L9", Borrower: "Peter Otieno"},
		{Severity: "warning", File: "in.xlsx", Sheet: "Loans", Cell: "P4", Row: 4, Column: "Image", Field: "image_encoded",
			Message: "no photo", Record: "L1", Borrower: "Ana Atieno"},
		{Severity: "warning", File: "in.xlsx", Sheet: "Loans", Row: 4, Field: "description_language_id", Message: "no language", Record: "L1"},
		{Severity: "warning", File: "in.xlsx", Sheet: "Loans", Cell: "E9", Row: 9, Column: "Sex", Field: "entreps[1].gender", Message: "gender?", Record: "G1",
			Borrower: "Sarah Nafula (Tusubira Women Group)"},
	}
	page := render(t, dir, m, Options{Problems: ps})
	list := between(t, page, `<ol class="problems">`, `</ol>`)
	text := textOf(list)
	for _, key := range []string{"disburse_date", "image_encoded", "description_language_id", "entreps[", "field "} {
		if strings.Contains(text, key) {
			t.Errorf("the problems' text shows %q:\n%s", key, text)
		}
	}
	p1 := between(t, list, `id="p1"`, `</li>`)
	for _, want := range []string{`column <b>Disbursal Date</b>`, `<p class="who"><b>Peter Otieno</b> · <span class="file">loan L9</span></p>`,
		`Loan L9 is not in the batches.`} {
		if !strings.Contains(p1, want) {
			t.Errorf("p1 lacks %q:\n%s", want, p1)
		}
	}
	if strings.Contains(p1, "Kiva field") {
		t.Errorf("p1 repeats its column as the Kiva field:\n%s", p1)
	}
	for id, want := range map[string]string{
		"p2": `column <b>Image</b> (Kiva field: <b title="image_encoded">Photo</b>)`,
		"p3": `Kiva field: <b title="description_language_id">Description language</b>`,
		"p4": `(Kiva field: <b title="entreps[1].gender">Borrower 2 · gender</b>)`,
	} {
		if p := between(t, list, `id="`+id+`"`, `</li>`); !strings.Contains(p, want) {
			t.Errorf("%s lacks %q:\n%s", id, want, p)
		}
	}
	if p := between(t, list, `id="p4"`, `</li>`); !strings.Contains(p, `<b>Sarah Nafula (Tusubira Women Group)</b>`) {
		t.Errorf("p4 does not name its borrower:\n%s", p)
	}
	if strings.Contains(textOf(page[strings.Index(page, "</head>"):]), "hover") {
		t.Error("the page tells the reader to hover")
	}
}

// A draft's activity, theme and language are shown by name with their id
// when the reference data is known, by id alone otherwise.
func TestReferenceNames(t *testing.T) {
	dir, m := folder(t, batch.KindLoanDraft, drafts(draft("L1", "Ana", "100")))
	ref := &kiva.Reference{
		Activities: []kiva.Activity{{ID: 120, Name: "Agriculture"}, {ID: 61, Name: "Farming"}},
		Themes:     []kiva.Theme{{ID: 9, Name: "Vulnerable Groups"}},
		Locales: []kiva.Locale{{LanguageID: 1, LanguageCode: "en", LanguageName: "English", Currency: "KES"},
			{LanguageID: 1, LanguageCode: "en", LanguageName: "English (US)", Currency: "USD"}},
	}
	card := between(t, render(t, dir, m, Options{Reference: ref}), `id="loan-L1"`, `</article>`)
	for _, want := range []string{`<dt>Activity</dt><dd>Farming (61)</dd>`, `<dt>Theme</dt><dd>Vulnerable Groups (9)</dd>`,
		`<dt>Description language</dt><dd>English (1)</dd>`} {
		if !strings.Contains(card, want) {
			t.Errorf("card with reference data lacks %q", want)
		}
	}
	card = between(t, render(t, dir, m, Options{}), `id="loan-L1"`, `</article>`)
	for _, want := range []string{`<dt>Activity</dt><dd>61</dd>`, `<dt>Theme</dt><dd>9</dd>`, `<dt>Description language</dt><dd>1</dd>`} {
		if !strings.Contains(card, want) {
			t.Errorf("card without reference data lacks %q", want)
		}
	}
	// An id the reference data does not list is shown alone.
	d := draft("L2", "Bea", "100")
	d.ActivityID = ptr(999)
	dir, m = folder(t, batch.KindLoanDraft, drafts(d))
	if card := between(t, render(t, dir, m, Options{Reference: ref}), `id="loan-L2"`, `</article>`); !strings.Contains(card, `<dt>Activity</dt><dd>999</dd>`) {
		t.Error("an activity missing from the reference data is not shown by its id")
	}
}

// Borrowers names each problem's borrower from its row, or from its
// record when the problem is on another sheet.
func TestBorrowers(t *testing.T) {
	ps := []Problem{
		{Sheet: "Loans", Row: 5, Field: "amount", Record: ""},                     // Peter's rejected row
		{Sheet: "Loans", Row: 8, Field: "entreps[0].gender", Record: "GRP-1"},     // a member's cell
		{Sheet: "Loans", Row: 9, Field: "disburse_date"},                          // the group's loan-level cell
		{Sheet: "Schedule", Row: 20, Field: "schedule[0].date", Record: "GRP-1"},  // the group's schedule
		{Sheet: "Schedule", Row: 30, Field: "schedule[0].date", Record: "000200"}, // an individual's schedule
		{Sheet: "Schedule", Row: 31, Field: "schedule[0].date", Record: "GRP-2"},  // a group with no name
		{Sheet: "Schedule", Row: 32, Field: "schedule", Record: "nobody"},         // a loan not in the sheet
		{Sheet: "Loans", Row: 40, Field: "amount"},                                // a row with no name
	}
	b := NewBorrowers("Loans", ps)
	rows := []struct {
		n                                   int
		first, last, group, loanID, groupID string
	}{
		{4, "Grace", "Nakato", "", "000123", ""},
		{5, " Peter ", "Otieno", "", "000124", ""},
		{8, "Sarah", "Nafula", "Tusubira  Group", "000311", "GRP-1"},
		{9, "Annet", "Auma", "Tusubira Group", "000312", "GRP-1"},
		{10, "Mercy", "Wanjiru", "", "000200", ""},
		{11, "A", "One", "", "000401", "GRP-2"},
		{12, "B", "Two", "", "000402", "GRP-2"},
		{13, "C", "Three", "", "000403", "GRP-2"},
		{14, "D", "Four", "", "000404", "GRP-2"},
		{40, "", "", "", "000500", ""},
	}
	for _, r := range rows {
		if !b.Wants(r.n) {
			t.Fatalf("Wants(%d) = false with problems on other sheets", r.n)
		}
		b.AddRow(r.n, r.first, r.last, r.group, r.loanID, r.groupID)
	}
	want := []string{"Peter Otieno", "Sarah Nafula (Tusubira Group)", "Tusubira Group", "Tusubira Group", "Mercy Wanjiru",
		"A One, B Two, C Three and 1 other", "", ""}
	for i, p := range ps {
		if got := b.Name(p); got != want[i] {
			t.Errorf("Name(%+v) = %q, want %q", p, got, want[i])
		}
	}
	if got := b.Record(ps[0]); got != "000124" {
		t.Errorf("Record of Peter's row = %q, want 000124", got)
	}
	if got := b.Record(ps[2]); got != "GRP-1" {
		t.Errorf("Record of a group's row = %q, want GRP-1", got)
	}
	// Only rows are wanted when every problem is on one: reading stops
	// after the last.
	b = NewBorrowers("", []Problem{{Row: 3, Record: "L1"}, {Row: 7}})
	if !b.Wants(7) || b.Wants(8) {
		t.Error("Wants does not stop after the last problem's row")
	}
	var none *Borrowers
	if none.Name(ps[0]) != "" || none.Wants(1) {
		t.Error("a nil Borrowers names someone")
	}
}
