package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/kiva"
)

func mustAmount(t *testing.T, s string) kiva.Amount {
	t.Helper()
	a, err := kiva.ParseAmount(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPageEscapesAndShowsDuplicates(t *testing.T) {
	e := newEnv(t, Options{Faults: "journals:502"})
	tok := e.token()
	evil := `<script>alert("x")</script>`
	draft := editJSON(t, sampleDrafts(t)[0], func(m map[string]any) {
		b := m["entreps"].([]any)[0].(map[string]any)
		b["first_name"] = evil
	})
	for range 2 {
		if a := e.do("POST", api+"loan_draft", tok, draft); a.status != 200 {
			t.Fatalf("%d %s", a.status, a.body)
		}
	}
	e.do("POST", api+"repayments", tok, readSample(t, "expected/repayments.xlsx/repayments-0001.json"))
	e.do("POST", api+"journals", tok, readSample(t, "expected/journals.xlsx/journals-0001.json")) // 502, applied

	a := e.do("GET", "/", "", nil)
	page := string(a.body)
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", a.status, a.header.Get("Content-Type"))
	}
	if strings.Contains(page, "<script") {
		t.Error("the page holds a <script> tag: the borrower's name was not escaped")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the escaped name is missing from the page")
	}
	if !strings.Contains(a.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Error("no restrictive Content-Security-Policy")
	}
	for _, want := range []string{
		"2 loan draft(s)", "1 repayment upload(s)", "1 journal post(s)", "1 duplicate(s)",
		`class="dup"`, "Received twice", "client 0045871, loan 000123",
		"KES 15,000.50", "KES 40,393.07", // amounts with the currency's decimals
		"/sandbox/journals/1/confirm", "502", // the journal post, applied despite the fault
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, secret := range []string{tok, testSecret.Reveal(), DefaultClientID} {
		if strings.Contains(page, secret) {
			t.Errorf("page shows a credential %q", secret)
		}
	}
	for _, res := range []string{"http://", "https://"} {
		// The only absolute links are the sandbox's own confirm links.
		for _, part := range strings.Split(page, res)[1:] {
			if !strings.HasPrefix(part, strings.TrimPrefix(e.ts.URL, "http://")) {
				t.Errorf("page refers to an external resource: %s%.40s", res, part)
			}
		}
	}
}

// TestNoSecretsExposed: neither state.json nor the log holds the token,
// the client secret or the client ID.
func TestNoSecretsExposed(t *testing.T) {
	e := newEnv(t, Options{Faults: "loans:401"})
	tok := e.token()
	e.do("POST", api+"loan_draft", tok, sampleDrafts(t)[1])
	e.do("GET", api+"loans?status=payingBack", tok, nil)
	e.do("GET", api+"loans", "wrong-"+tok, nil)
	bad := e.tokenForm()
	bad.Set("client_secret", testSecret.Reveal()+"x")
	e.postToken(bad)

	a := e.do("GET", "/sandbox/state.json", "", nil)
	if a.status != 200 {
		t.Fatal(a.status)
	}
	var st State
	if err := json.Unmarshal(a.body, &st); err != nil {
		t.Fatalf("state.json: %v", err)
	}
	if len(st.Drafts) != 1 || st.TokensIssued != 1 || len(st.Faults) != 1 || st.PartnerID != "1234" {
		t.Errorf("state.json: %d drafts, %d tokens, faults %v", len(st.Drafts), st.TokensIssued, st.Faults)
	}
	for name, text := range map[string]string{"state.json": string(a.body), "log": e.log.String()} {
		for _, secret := range []string{tok, testSecret.Reveal(), DefaultClientID} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds a credential %.12q…", name, secret)
			}
		}
	}
	if lines := strings.Count(e.log.String(), "\n"); lines != 6 {
		t.Errorf("log has %d lines, want one per request (6):\n%s", lines, e.log)
	}
	if !strings.Contains(e.log.String(), "POST /v3/partner/1234/loan_draft 200") {
		t.Errorf("log lacks method, path and status:\n%s", e.log)
	}
}

func TestReset(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	e.do("POST", api+"loan_draft", tok, sampleDrafts(t)[1])
	e.do("POST", api+"loan_draft", tok, sampleDrafts(t)[1])
	if n := len(e.s.State().Duplicates); n != 1 {
		t.Fatalf("%d duplicates", n)
	}

	req, _ := http.NewRequest("POST", e.ts.URL+"/sandbox/reset", nil)
	req.Header.Set("Origin", "https://evil.example")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || len(e.s.State().Drafts) != 2 {
		t.Fatalf("reset from another site: %d, %d drafts left", resp.StatusCode, len(e.s.State().Drafts))
	}

	if a := e.do("POST", "/sandbox/reset", "", nil); a.status != 200 {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	st := e.s.State()
	if len(st.Drafts)+len(st.Duplicates)+len(st.Refused) != 0 {
		t.Errorf("after reset: %+v", st)
	}
	// Tokens survive; the same draft is no longer a duplicate.
	if a := e.do("POST", api+"loan_draft", tok, sampleDrafts(t)[1]); a.status != 200 {
		t.Fatal(a.status)
	}
	if n := len(e.s.State().Duplicates); n != 0 {
		t.Errorf("%d duplicates after reset", n)
	}

	// The page's form (same origin) is redirected back to the page.
	form, _ := http.NewRequest("POST", e.ts.URL+"/sandbox/reset", strings.NewReader(""))
	form.Header.Set("Origin", e.ts.URL)
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	noRedirect := *e.ts.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = noRedirect.Do(form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("form reset: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestStateIsACopy(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", api+"loan_draft", e.token(), sampleDrafts(t)[1])
	st := e.s.State()
	st.Drafts[0].Borrowers[0].Name = "changed"
	st.Drafts[0].Body[0] = 'X'
	again := e.s.State()
	if again.Drafts[0].Borrowers[0].Name == "changed" || again.Drafts[0].Body[0] == 'X' {
		t.Error("State shares memory with the server")
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct{ amount, cur, want string }{
		{"15000.5", "KES", "KES 15,000.50"},
		{"1234567", "JPY", "JPY 1,234,567"},
		{"100.125", "KES", "KES 100.125"},
		{"-999.5", "USD", "USD -999.50"},
		{"5", "", "5 (unknown loans)"},
	} {
		if got := money(mustAmount(t, c.amount), c.cur); got != c.want {
			t.Errorf("money(%s, %s) = %q, want %q", c.amount, c.cur, got, c.want)
		}
	}
}
