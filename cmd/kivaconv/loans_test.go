package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/loanlist"
)

// Distinctive credentials, so that a leak into any output is easy to spot.
const (
	loansTestSecret = "loans-secret-WOMBAT-never-print"
	loansTestToken  = "loans-token-PLATYPUS-never-print"
)

// loansFake is a token endpoint and a paged loans list on 127.0.0.1.
type loansFake struct {
	*httptest.Server
	loans     []map[string]any
	failLoans int // answer the loans list with this status when not 0

	mu       sync.Mutex
	requests []string // "status=…&query=…&offset=…&limit=…" of each loans request
}

// newLoansFake serves n loans: IDs 000001…, every 10th defaulted, every
// 25th ended, loan 7 without a partner loan ID.
func newLoansFake(t *testing.T, n int) *loansFake {
	t.Helper()
	f := &loansFake{}
	for i := 1; i <= n; i++ {
		status := "payingBack"
		switch {
		case i%25 == 0:
			status = "ended"
		case i%10 == 0:
			status = "defaulted"
		}
		l := map[string]any{
			"id": 5000 + i, "internal_loan_id": fmt.Sprintf("%06d", i), "internal_client_id": fmt.Sprintf("C%d", i),
			"name": fmt.Sprintf("Borrower %d", i), "status": status, "currency": "KES", "loan_amount": "1000.50",
		}
		if i == 7 {
			delete(l, "internal_loan_id")
		}
		f.loans = append(f.loans, l)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", f.token)
	mux.HandleFunc("GET /v3/partner/{id}/loans", f.list)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *loansFake) token(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil || r.PostForm.Get("client_secret") != loansTestSecret {
		http.Error(w, `{"error":"access_denied"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": loansTestToken, "token_type": "bearer", "expires_in": 43199,
		"scope": r.PostForm.Get("scope"), "partnerId": "1234",
	})
}

func (f *loansFake) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	f.requests = append(f.requests, fmt.Sprintf("status=%s&query=%s&offset=%s&limit=%s", q.Get("status"), q.Get("query"), q.Get("offset"), q.Get("limit")))
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+loansTestToken || r.PathValue("id") != "1234" {
		http.Error(w, `{"message":"bad token"}`, http.StatusUnauthorized)
		return
	}
	if f.failLoans != 0 {
		http.Error(w, `{"message":"insufficient scope"}`, f.failLoans)
		return
	}
	var match []map[string]any
	for _, l := range f.loans {
		if st := q.Get("status"); st == "" || slices.Contains(strings.Split(st, ","), l["status"].(string)) {
			match = append(match, l)
		}
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	page := []map[string]any{}
	if offset < len(match) {
		page = match[offset:min(offset+limit, len(match))]
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"total_records": len(match), "data": page})
}

// runLoansCLI runs the program against f with the sandbox profile, an
// isolated config directory and buffers; it fails the test if a secret
// shows up in the output.
func runLoansCLI(t *testing.T, f *loansFake, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env := map[string]string{
		"KIVA_ENV":            "sandbox",
		"KIVA_TOKEN_URL":      f.URL + "/oauth/token",
		"KIVA_API_URL":        f.URL,
		"KIVA_CLIENT_ID":      "kivaconv-test",
		"KIVA_CLIENT_SECRET":  loansTestSecret,
		"KIVA_PARTNER_ID":     "1234",
		"KIVACONV_CONFIG_DIR": t.TempDir(),
	}
	var out, errb bytes.Buffer
	io := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }}
	code = run(context.Background(), append([]string{"kivaconv"}, args...), io)
	stdout, stderr = out.String(), errb.String()
	for _, s := range []string{stdout, stderr} {
		if strings.Contains(s, loansTestSecret) || strings.Contains(s, "WOMBAT") || strings.Contains(s, "PLATYPUS") {
			t.Errorf("a secret leaked:\n%s", s)
		}
	}
	return code, stdout, stderr
}

// loansWantIn checks that s contains every part.
func loansWantIn(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("missing %q in:\n%s", p, s)
		}
	}
}

func (f *loansFake) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func TestLoansCommand(t *testing.T) {
	// 650 loans: 624 payingBack or defaulted (every 25th is ended), in
	// three pages of 300.
	for _, ext := range []string{".csv", ".xlsx", ".json"} {
		t.Run(ext, func(t *testing.T) {
			f := newLoansFake(t, 650)
			path := filepath.Join(t.TempDir(), "loans"+ext)
			code, stdout, stderr := runLoansCLI(t, f, "loans", "--out", path)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if stdout != path+"\n" {
				t.Errorf("stdout = %q", stdout)
			}
			loansWantIn(t, stderr, "624 loans: defaulted 52, payingBack 572")
			wantReqs := []string{
				"status=payingBack,defaulted&query=&offset=0&limit=300",
				"status=payingBack,defaulted&query=&offset=300&limit=300",
				"status=payingBack,defaulted&query=&offset=600&limit=300",
			}
			if got := f.seen(); !slices.Equal(got, wantReqs) {
				t.Errorf("requests = %q", got)
			}
			set, err := loanlist.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			// Loan 7 has no partner loan ID; the file is sorted by loan ID
			// and keeps the leading zeros.
			if set.Len() != 623 || set.At(0).LoanID != "000001" || set.At(622).LoanID != "000649" {
				t.Errorf("read back %d loans, first %+v", set.Len(), set.At(0))
			}
		})
	}
}

func TestLoansCommandStdoutAndFlags(t *testing.T) {
	f := newLoansFake(t, 30)
	code, stdout, stderr := runLoansCLI(t, f, "loans", "--status", "payingback, ended,weird", "--query", "Nakato", "--out", "-")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	loansWantIn(t, stderr,
		`status "payingback" is spelled "payingBack" by Kiva; sent as given`,
		`status "weird" is not one Kiva documents`,
		"1 loan: ended 1")
	if got := f.seen(); !slices.Equal(got, []string{"status=payingback,ended,weird&query=Nakato&offset=0&limit=300"}) {
		t.Errorf("requests = %q", got)
	}
	var rows []loanlist.Row
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not the JSON list: %v\n%s", err, stdout)
	}
	if len(rows) != 1 || rows[0] != (loanlist.Row{LoanID: "000025", ClientID: "C25", KivaID: "5025", Name: "Borrower 25", Status: "ended", Currency: "KES", LoanAmount: "1000.50"}) {
		t.Errorf("rows = %+v", rows)
	}
}

func TestLoansCommandErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		args     []string
		fail     int
		code     int
		want     []string
		requests bool
	}{
		{"no --out", []string{"loans"}, 0, exitUsage, []string{"--out FILE is required"}, false},
		{"unknown extension", []string{"loans", "--out", filepath.Join(dir, "l.xls")}, 0, exitUsage, []string{".csv, .xlsx or .json"}, false},
		{"argument", []string{"loans", "extra"}, 0, exitUsage, []string{"takes no arguments"}, false},
		{"template as CSV", []string{"template", "repayments", "--out", filepath.Join(dir, "t.csv")}, 0, exitUsage, []string{"ending in .xlsx"}, false},
		{"template without --out", []string{"template", "repayments"}, 0, exitUsage, []string{"--out FILE.xlsx is required"}, false},
		{"scope refused", []string{"loans", "--out", filepath.Join(dir, "l.csv")}, http.StatusForbidden, exitUsage, []string{"HTTP 403", "insufficient scope"}, true},
		{"server error", []string{"loans", "--out", filepath.Join(dir, "l.csv")}, http.StatusBadRequest, exitError, []string{"HTTP 400"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newLoansFake(t, 5)
			f.failLoans = tc.fail
			code, stdout, stderr := runLoansCLI(t, f, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			loansWantIn(t, stderr, tc.want...)
			if stdout != "" {
				t.Errorf("stdout = %q", stdout)
			}
			if got := len(f.seen()) > 0; got != tc.requests {
				t.Errorf("requests made: %v, want %v", got, tc.requests)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written after errors: %v", entries)
	}
}

// TestTemplateAndExpected is the monthly round: write the template, fill
// it in, convert it with the loans list as --expected.
func TestTemplateAndExpected(t *testing.T) {
	f := newLoansFake(t, 12)
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "repayments.xlsx")
	code, stdout, stderr := runLoansCLI(t, f, "template", "repayments", "--out", tmpl)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stdout != tmpl+"\n" {
		t.Errorf("stdout = %q", stdout)
	}
	loansWantIn(t, stderr, "12 loans: defaulted 1, payingBack 11",
		"1 loan(s) have no loan ID of yours on Kiva and are not in the template: Kiva loan 5007 (Borrower 7)",
		"11 loan(s) in "+tmpl, "kivaconv convert "+tmpl)
	if got := f.seen(); !slices.Equal(got, []string{"status=payingBack,defaulted&query=&offset=0&limit=300"}) {
		t.Errorf("requests = %q", got)
	}

	// Fill in every amount but the last; delete the last row (the borrower
	// repaid nothing) and add a loan Kiva does not expect.
	wb, err := excelize.OpenFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for row := 2; row <= 11; row++ {
		if err := wb.SetCellFloat("Repayments", fmt.Sprintf("D%d", row), 100.25, -1, 64); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.RemoveRow("Repayments", 12); err != nil {
		t.Fatal(err)
	}
	if err := wb.SetSheetRow("Repayments", "A12", &[]any{"999999", "C999", "Stranger", 5}); err != nil {
		t.Fatal(err)
	}
	filled := filepath.Join(dir, "filled.xlsx")
	if err := wb.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	wb.Close()

	code, stdout, stderr = runLoansCLI(t, f, "convert", "--json", "--expected", tmpl, "--out", filepath.Join(dir, "out"), filled)
	if code != exitRejected {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitRejected, stdout, stderr)
	}
	var res struct {
		Results []struct {
			Records  int `json:"records"`
			Errors   int `json:"errors"`
			Warnings int `json:"warnings"`
			Expected struct {
				File     string `json:"file"`
				Expected int    `json:"expected"`
				Missing  []struct {
					LoanID string `json:"loan_id"`
					Name   string `json:"name"`
				}
				Unexpected []struct {
					LoanID string `json:"loan_id"`
					Sheet  string `json:"sheet"`
					Cell   string `json:"cell"`
				}
			} `json:"expected"`
			Issues []struct {
				Field, Value, Message, Cell string
			} `json:"issues"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	r := res.Results[0]
	e := r.Expected
	if r.Records != 10 || r.Errors != 1 || r.Warnings != 1 || e.File != tmpl || e.Expected != 11 ||
		len(e.Missing) != 1 || e.Missing[0].LoanID != "000012" || e.Missing[0].Name != "Borrower 12" ||
		len(e.Unexpected) != 1 || e.Unexpected[0].LoanID != "999999" || e.Unexpected[0].Cell != "A12" {
		t.Errorf("result = %+v", r)
	}

	// The same check in text: the summary line and the problems.
	code, stdout, stderr = runLoansCLI(t, f, "validate", "--expected", tmpl, filled)
	if code != exitRejected {
		t.Errorf("validate: exit %d", code)
	}
	loansWantIn(t, stdout, "Repayments!A12: error: Loan ID: loan 999999 is not in repayments.xlsx",
		"warning: loan 000012 (client C12, Borrower 12) is in repayments.xlsx but not in this report")
	code, stdout, _ = runLoansCLI(t, f, "preview", "--expected", tmpl, filled)
	if code != exitRejected {
		t.Errorf("preview: exit %d", code)
	}
	loansWantIn(t, stdout, "expected:  11 loan(s) in repayments.xlsx: 1 missing from this report, 1 not expected")
}

func TestExpectedFlagErrors(t *testing.T) {
	f := newLoansFake(t, 1)
	journals := writeFile(t, "j.csv", "Loan ID,Subject,Body\n001,Hello,A story\n")
	list := writeFile(t, "list.csv", "loan_id\n001\n")
	code, _, stderr := runLoansCLI(t, f, "validate", "--expected", list, journals)
	if code != exitUsage {
		t.Errorf("journals: exit %d", code)
	}
	loansWantIn(t, stderr, "read as journals", "leave out --expected")

	bad := writeFile(t, "bad.csv", "name\nAwa\n")
	code, _, stderr = runLoansCLI(t, f, "convert", "--expected", bad, journals)
	if code != exitUsage {
		t.Errorf("bad list: exit %d", code)
	}
	loansWantIn(t, stderr, "--expected: bad.csv: no loan ID column")
	if len(f.seen()) != 0 {
		t.Error("convert called the API")
	}
}

func TestLoansHelp(t *testing.T) {
	f := newLoansFake(t, 1)
	for _, args := range [][]string{{"loans", "--help"}, {"template", "repayments", "--help"}} {
		code, stdout, stderr := runLoansCLI(t, f, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		loansWantIn(t, stdout, "Examples:", "--out", "--env", "--client-secret-file")
	}
	_, stdout, _ := runLoansCLI(t, f, "convert", "--help")
	loansWantIn(t, stdout, "--expected FILE")
}
