package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// TestSamplesAccepted posts every expected batch of the samples, as send
// would, and checks each is accepted once, with no duplicate.
func TestSamplesAccepted(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	drafts := sampleDrafts(t)
	for i, body := range drafts {
		a := e.do("POST", api+"loan_draft", tok, body)
		m := a.json(t)
		if a.status != 200 || m["code"] != "api.success" || len(m["loan_draft_uuid"].(string)) != 36 {
			t.Fatalf("draft %d: %d %s", i+1, a.status, a.body)
		}
	}
	for _, name := range []string{"repayments.xlsx", "repayments.csv"} {
		a := e.do("POST", api+"repayments", tok, readSample(t, "expected/"+name+"/repayments-0001.json"))
		m := a.json(t)
		if a.status != 200 || m["code"] != "api.success" || m["upload_id"] == nil {
			t.Fatalf("%s: %d %s", name, a.status, a.body)
		}
		if p := m["problems"].([]any); len(p) != 0 {
			t.Errorf("%s: problems %v; every sample loan must be payingBack or defaulted", name, p)
		}
	}
	a := e.do("POST", api+"journals", tok, readSample(t, "expected/journals.xlsx/journals-0001.json"))
	if a.status != http.StatusCreated {
		t.Fatalf("journals: %d %s", a.status, a.body)
	}
	confirm := a.json(t)["confirm_url"].(string)
	if want := e.ts.URL + "/sandbox/journals/1/confirm"; confirm != want {
		t.Errorf("confirm_url %q, want %q", confirm, want)
	}

	st := e.s.State()
	if len(st.Drafts) != len(drafts) || len(st.Repayments) != 2 || len(st.Journals) != 1 {
		t.Fatalf("state: %d drafts, %d uploads, %d journal posts", len(st.Drafts), len(st.Repayments), len(st.Journals))
	}
	if len(st.Duplicates) != 0 || len(st.Refused) != 0 || len(st.Faults) != 0 {
		t.Errorf("duplicates %v, refused %v, faults %v", st.Duplicates, st.Refused, st.Faults)
	}
	if d := st.Drafts[0]; d.LoanID != "000123" || d.Borrowers[0].Name != "Grace Nakato" || d.Amount.String() != "15000.5" || d.Currency != "KES" {
		t.Errorf("first draft recorded as %+v", d)
	}
	if u := st.Repayments[0]; len(u.Repayments) != 12 || len(u.Totals) != 1 || u.Totals[0].Amount.String() != "40393.07" || u.Totals[0].Currency != "KES" {
		t.Errorf("first upload recorded as %+v", u.Totals)
	}

	// Opening the confirm link publishes the post.
	page := e.do("GET", strings.TrimPrefix(confirm, e.ts.URL), "", nil)
	if page.status != 200 || !strings.Contains(string(page.body), "confirmed") {
		t.Errorf("confirm page: %d %s", page.status, page.body)
	}
	if j := e.s.State().Journals[0]; !j.Confirmed || j.ConfirmedAt.IsZero() {
		t.Errorf("journal post not confirmed: %+v", j)
	}
	if a := e.do("GET", "/sandbox/journals/99/confirm", "", nil); a.status != 404 {
		t.Errorf("unknown confirm link: %d", a.status)
	}
}

func TestJournalShapes(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	bare := readSample(t, "expected/journals.xlsx/journals-0001.json")
	wrapped := []byte(`{"journals":` + string(bare) + `}`)
	for i, c := range []struct {
		path    string
		body    []byte
		wrapped bool
	}{
		{"/v3/partner/1234/journals", bare, false},
		{"/v3/partners/1234/journals", wrapped, true},
	} {
		// Reset between posts: the same journals twice would be duplicates.
		e.s.Reset()
		a := e.do("POST", c.path, tok, c.body)
		if a.status != 201 {
			t.Fatalf("%s: %d %s", c.path, a.status, a.body)
		}
		p := e.s.State().Journals[0]
		if p.Path != c.path || p.Wrapped != c.wrapped || len(p.Journals) != 4 || p.N != i+1 {
			t.Errorf("%s: recorded %+v", c.path, p)
		}
	}
}

func TestDuplicates(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	group := sampleDrafts(t)[4] // GRP-0311, four borrowers
	reps := readSample(t, "expected/repayments.csv/repayments-0001.json")
	jours := readSample(t, "expected/journals.xlsx/journals-0001.json")
	for range 2 {
		for _, c := range []struct {
			path string
			body []byte
		}{{"loan_draft", group}, {"repayments", reps}, {"journals", jours}} {
			if a := e.do("POST", api+c.path, tok, c.body); a.status/100 != 2 {
				t.Fatalf("%s: %d %s", c.path, a.status, a.body)
			}
		}
	}
	st := e.s.State()
	count := map[string]int{}
	for _, d := range st.Duplicates {
		count[d.Kind]++
	}
	if count["loan_draft"] != 4 || count["repayments"] != 1 || count["journal"] != 4 {
		t.Fatalf("duplicates by kind %v, want 4 borrowers, 1 upload, 4 journals:\n%+v", count, st.Duplicates)
	}
	d := st.Duplicates[0]
	if d.Key != "client 0047001, loan 000311" || d.First != st.Drafts[0].UUID || d.Again != st.Drafts[1].UUID {
		t.Errorf("draft duplicate %+v", d)
	}
	for _, d := range st.Duplicates {
		if d.Kind == "repayments" && (d.First != "upload 1" || d.Again != "upload 2") {
			t.Errorf("upload duplicate %+v", d)
		}
	}
	// The same loans with another amount are a new report, not a duplicate.
	other := []byte(strings.Replace(string(reps), "2750", "2751", 1))
	if a := e.do("POST", api+"repayments", tok, other); a.status != 200 {
		t.Fatal(a.status)
	}
	if n := len(e.s.State().Duplicates); n != 9 {
		t.Errorf("a changed report counted as duplicate (%d duplicates)", n)
	}
}

func TestValidation(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	draft := sampleDrafts(t)[0]
	reps := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"repayments":[`)
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"loan_id":"L%05d","amount":10}`, i)
		}
		b.WriteString("]}")
		return []byte(b.String())
	}
	for _, c := range []struct {
		name, path string
		body       []byte
		field      string // an errors[].field expected, "" for none
		msg        string // in "message"
	}{
		{"draft as array", "loan_draft", []byte(`[` + string(draft) + `]`), "", "JSON array"},
		{"draft empty", "loan_draft", nil, "", "no body"},
		{"draft not JSON", "loan_draft", []byte(`{"activity_id": 61,`), "", "JSON"},
		{"draft unknown field", "loan_draft", editJSON(t, draft, func(m map[string]any) { m["loan_use"] = "to buy" }), "loan_use", "Unknown field"},
		{"draft retired user_id", "loan_draft", editJSON(t, draft, func(m map[string]any) { m["user_id"] = 7 }), "user_id", "Unknown field"},
		{"draft wrong type", "loan_draft", editJSON(t, draft, func(m map[string]any) { m["activity_id"] = "Cafe" }), "activity_id", "number"},
		{"draft date format", "loan_draft", editJSON(t, draft, func(m map[string]any) { m["disburse_time"] = "10/11/2026" }), "disburse_time", "refused"},
		{"draft unknown activity", "loan_draft", editJSON(t, draft, func(m map[string]any) { m["activity_id"] = 7777 }), "activity_id", "refused"},
		{"draft no borrowers", "loan_draft", editJSON(t, draft, func(m map[string]any) { m["entreps"] = []any{} }), "entreps", "refused"},
		{"draft two values", "loan_draft", append(append([]byte{}, draft...), draft...), "", "more than one"},
		{"repayments bare array", "repayments", []byte(`[{"loan_id":"000123","amount":1}]`), "", `{"repayments": [...]}`},
		{"repayments empty", "repayments", []byte(`{"repayments":[]}`), "", "missing or empty"},
		{"repayments 301", "repayments", reps(301), "", "at most 300"},
		{"repayments duplicate loan", "repayments", []byte(`{"repayments":[{"loan_id":"000123","amount":1},{"loan_id":"000123","amount":2}]}`), "repayments[1].loan_id", "twice"},
		{"repayments negative", "repayments", []byte(`{"repayments":[{"loan_id":"000123","amount":-5}]}`), "repayments[0].amount", "negative"},
		{"repayments KES decimals", "repayments", []byte(`{"repayments":[{"loan_id":"000123","amount":10.555}]}`), "repayments[0].amount", "decimal"},
		{"repayments no loan id", "repayments", []byte(`{"repayments":[{"loan_id":"","amount":10}]}`), "repayments[0].loan_id", "no loan ID"},
		{"repayments user_id", "repayments", []byte(`{"user_id":1,"repayments":[{"loan_id":"000123","amount":10}]}`), "user_id", "Unknown field"},
		{"journals no subject", "journals", []byte(`[{"internal_loan_id":"098765","subject":" ","body":"Doing well."}]`), "[0].subject", "subject"},
		{"journals wrapped no body", "journals", []byte(`{"journals":[{"internal_loan_id":"098765","subject":"Hi","body":""}]}`), "journals[0].body", "text"},
		{"journals bad link", "journals", []byte(`[{"internal_loan_id":"098765","subject":"Hi","body":"Fine.","image_url":"file:///c/x.jpg"}]`), "[0].image_url", "web address"},
		{"journals other object", "journals", []byte(`{"updates":[]}`), "updates", "Unknown field"},
		{"journals empty", "journals", []byte(`[]`), "", "empty"},
		{"journals string", "journals", []byte(`"hello"`), "", "something else"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := e.do("POST", api+c.path, tok, c.body)
			if a.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", a.status, a.body)
			}
			m := a.json(t)
			if m["code"] != "api.error" || !strings.Contains(m["message"].(string), c.msg) {
				t.Errorf("answer %s, want code api.error and a message with %q", a.body, c.msg)
			}
			if c.field != "" {
				found := false
				errs, _ := m["errors"].([]any)
				for _, x := range errs {
					fe := x.(map[string]any)
					if fe["field"] == c.field && fe["message"] != "" {
						found = true
					}
				}
				if !found {
					t.Errorf("no error for field %q in %s", c.field, a.body)
				}
			}
		})
	}
	st := e.s.State()
	if len(st.Drafts)+len(st.Repayments)+len(st.Journals) != 0 {
		t.Errorf("refused bodies were stored: %+v", st)
	}
	if len(st.Refused) == 0 || st.Refused[0].Status != 400 || st.Refused[0].Endpoint != EndpointLoanDraft {
		t.Errorf("refusals not recorded: %+v", st.Refused)
	}
}

// TestWarningsAccepted: PA2 publish-time rules are warnings; such a draft
// is accepted and the warnings kept.
func TestWarningsAccepted(t *testing.T) {
	e := newEnv(t, Options{})
	draft := editJSON(t, sampleDrafts(t)[1], func(m map[string]any) {
		m["loanuse"] = "buys seed"        // loan use not starting with "to "
		m["disburse_time"] = "2026-09-01" // outside PA2's window: fixed in PA2
	})
	a := e.do("POST", api+"loan_draft", e.token(), draft)
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	fields := map[string]bool{}
	for _, w := range e.s.State().Drafts[0].Warnings {
		fields[w.Field] = true
	}
	if !fields["loanuse"] || !fields["disburse_time"] {
		t.Errorf("warnings kept for %v, want loanuse and disburse_time", fields)
	}
}

func TestRepaymentProblems(t *testing.T) {
	e := newEnv(t, Options{})
	body := []byte(`{"repayments":[
		{"loan_id":"000123","amount":100},
		{"loan_id":"999999","amount":5},
		{"loan_id":"104502","client_id":"0052210","amount":7.5},
		{"loan_id":"087001","amount":1}]}`)
	a := e.do("POST", api+"repayments", e.token(), body)
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	probs := a.json(t)["problems"].([]any)
	want := map[string]string{"999999": "not one of partner 1234's loans", "104502": "fundRaising", "087001": "ended"}
	if len(probs) != len(want) {
		t.Fatalf("problems %v, want %d", probs, len(want))
	}
	for _, p := range probs {
		m := p.(map[string]any)
		id := m["loan_id"].(string)
		if !strings.Contains(m["message"].(string), want[id]) {
			t.Errorf("problem for %s: %q, want %q", id, m["message"], want[id])
		}
	}
	u := e.s.State().Repayments[0]
	if len(u.Totals) != 2 || u.Totals[0].Currency != "" || u.Totals[0].Amount.String() != "5" || u.Totals[1].Amount.String() != "108.5" {
		t.Errorf("totals %+v", u.Totals)
	}
}

func TestLoans(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token(partnerapi.ScopeReadLoans)
	get := func(q string) (int, map[string]any) {
		a := e.do("GET", api+"loans"+q, tok, nil)
		return a.status, a.json(t)
	}
	ids := func(m map[string]any) []string {
		var out []string
		for _, x := range m["data"].([]any) {
			out = append(out, x.(map[string]any)["internal_loan_id"].(string))
		}
		return out
	}
	status, all := get("")
	if status != 200 || all["total_records"] != float64(len(e.s.loans)) || len(all["data"].([]any)) != min(len(e.s.loans), 20) {
		t.Fatalf("all loans: %d %v", status, all["total_records"])
	}
	first := all["data"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "internal_loan_id", "internal_client_id", "name", "status", "currency", "loan_amount"} {
		if _, ok := first[k]; !ok {
			t.Errorf("loan item lacks %q: %v", k, first)
		}
	}
	if _, ok := first["id"].(float64); !ok {
		t.Errorf("id is not a number: %v", first["id"])
	}
	if _, ok := first["loan_amount"].(string); !ok {
		t.Errorf("loan_amount is not exact text: %v", first["loan_amount"])
	}

	_, repayable := get("?status=payingBack,defaulted&limit=300")
	for _, x := range repayable["data"].([]any) {
		if st := x.(map[string]any)["status"]; st != "payingBack" && st != "defaulted" {
			t.Errorf("status filter let %v through", st)
		}
	}
	if n := int(repayable["total_records"].(float64)); n < 12 || n >= len(e.s.loans) {
		t.Errorf("%d repayable loans of %d", n, len(e.s.loans))
	}
	_, repeated := get("?status=payingBack&status=defaulted&limit=300")
	if repeated["total_records"] != repayable["total_records"] {
		t.Error("repeated status parameters differ from a comma-separated list")
	}
	_, ended := get("?status=ended")
	if got := ids(ended); len(got) != 2 {
		t.Errorf("ended loans %v", got)
	}

	// Pages are consecutive and cover the whole list.
	var paged []string
	for off := 0; ; off += 5 {
		_, m := get(fmt.Sprintf("?limit=5&offset=%d", off))
		page := ids(m)
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
	}
	if strings.Join(paged, ",") != strings.Join(ids(mustGet(get, "?limit=300")), ",") || len(paged) != len(e.s.loans) {
		t.Errorf("paging gave %v", paged)
	}

	_, q := get("?query=nakato")
	if got := ids(q); len(got) != 1 || got[0] != "000123" {
		t.Errorf("query nakato: %v", got)
	}
	_, q = get("?query=0047003")
	if got := ids(q); len(got) != 1 || got[0] != "000313" {
		t.Errorf("query by client id: %v", got)
	}

	for _, bad := range []string{"?limit=301", "?limit=0", "?limit=x", "?offset=-1", "?status=paying_back"} {
		if status, m := get(bad); status != 400 || m["code"] != "api.error" {
			t.Errorf("%s: %d %v", bad, status, m)
		}
	}
}

func mustGet(get func(string) (int, map[string]any), q string) map[string]any {
	_, m := get(q)
	return m
}

func TestConfig(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	for name, n := range map[string]int{"activities": 11, "locales": 2, "themes": 6, "locations": 8} {
		a := e.do("GET", api+"config/"+name, tok, nil)
		m := a.json(t)
		if a.status != 200 || m["code"] != "api.success" || m["as_of_date_time"] != "2026-11-01T00:00:00Z" || m["message"] == "" {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
		if l, _ := m[name].([]any); len(l) != n {
			t.Errorf("%s: %d items, want %d", name, len(l), n)
		}
	}
	if m := e.do("GET", api+"config/locations", tok, nil).json(t); m["locations"].([]any)[0].(map[string]any)["full_name"] == nil {
		t.Error("locations lack full_name")
	}
	if a := e.do("GET", api+"config/sectors", tok, nil); a.status != 404 || !strings.Contains(string(a.body), "activities") {
		t.Errorf("unknown list: %d %s", a.status, a.body)
	}
}

func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	var wg sync.WaitGroup
	const n = 20
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := []byte(fmt.Sprintf(`{"repayments":[{"loan_id":"000123","amount":%d}]}`, i+1))
			req, _ := http.NewRequest("POST", e.ts.URL+api+"repayments", strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := e.ts.Client().Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- resp.Status
			}
			_ = e.s.State()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := e.s.State()
	seen := map[int]bool{}
	for _, u := range st.Repayments {
		seen[u.UploadID] = true
	}
	if len(st.Repayments) != n || len(seen) != n || len(st.Duplicates) != 0 {
		t.Errorf("%d uploads, %d distinct ids, %d duplicates", len(st.Repayments), len(seen), len(st.Duplicates))
	}
}
