package partnerapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/kiva"
)

// loansServer serves total loans in pages, honouring offset and limit.
// totalKey is the spelling of the total ("" = none).
func loansServer(total int, totalKey string) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var items []string
		for i := off; i < total && i < off+lim; i++ {
			items = append(items, fmt.Sprintf(`{"id":%d,"internal_loan_id":"L-%04d","status":"payingBack","loan_amount":"10.00"}`, 2400000+i, i))
		}
		head := ""
		if totalKey != "" {
			head = fmt.Sprintf(`%q:%d,`, totalKey, total)
		}
		writeJSON(w, 200, "{"+head+`"data":[`+strings.Join(items, ",")+"]}")
	}
}

func TestLoansQuery(t *testing.T) {
	k := newFakeKiva(t)
	k.api = loansServer(5, "total_records")
	c, _ := k.client(newFakeClock(), nil)
	page, err := c.Loans(context.Background(), LoansQuery{Status: []string{"payingBack", " defaulted "}, Query: "Amina O", Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalRecords != 5 || len(page.Loans) != 3 || page.Loans[0].InternalLoanID != "L-0002" {
		t.Errorf("page %+v", page)
	}
	r := k.requests()[0]
	if r.Method != http.MethodGet || r.Path != "/v3/partner/123/loans" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	want := map[string][]string{"status": {"payingBack,defaulted"}, "query": {"Amina O"}, "offset": {"2"}, "limit": {"300"}}
	if !reflect.DeepEqual(map[string][]string(r.Query), want) {
		t.Errorf("query %v, want %v", r.Query, want)
	}
	for _, bad := range []LoansQuery{{Limit: 301}, {Limit: -1}, {Offset: -1}} {
		if _, err := c.Loans(context.Background(), bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
		if err := c.EachLoan(context.Background(), bad, func(Loan) error { return nil }); err == nil {
			t.Errorf("EachLoan %+v accepted", bad)
		}
	}
	if n := k.apiHits.Load(); n != 1 {
		t.Errorf("invalid queries were sent: %d requests", n)
	}
}

func TestEachLoanPaging(t *testing.T) {
	for _, tt := range []struct {
		name     string
		total    int
		totalKey string
		limit    int
		pages    int
	}{
		{"three pages", 650, "total_records", 0, 3},
		{"camelCase total", 650, "totalRecords", 0, 3},
		{"no total: short page ends", 650, "", 0, 3},
		{"exact multiple with total", 600, "total_records", 0, 2},
		{"exact multiple without total: empty page ends", 600, "", 0, 3},
		{"small pages", 7, "total_records", 3, 3},
		{"none", 0, "total_records", 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKiva(t)
			k.api = loansServer(tt.total, tt.totalKey)
			c, _ := k.client(newFakeClock(), nil)
			var ids []string
			err := c.EachLoan(context.Background(), LoansQuery{Status: []string{"payingBack"}, Limit: tt.limit}, func(l Loan) error {
				ids = append(ids, l.InternalLoanID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != tt.total {
				t.Errorf("%d loans, want %d", len(ids), tt.total)
			}
			for i, id := range ids {
				if want := fmt.Sprintf("L-%04d", i); id != want {
					t.Fatalf("loan %d is %s, want %s", i, id, want)
				}
			}
			reqs := k.requests()
			if len(reqs) != tt.pages {
				t.Errorf("%d requests, want %d", len(reqs), tt.pages)
			}
			limit := tt.limit
			if limit == 0 {
				limit = 300
			}
			for i, r := range reqs {
				if got, want := r.Query.Get("offset"), strconv.Itoa(i*limit); got != want {
					t.Errorf("page %d offset %s, want %s", i, got, want)
				}
				if got := r.Query.Get("limit"); got != strconv.Itoa(limit) {
					t.Errorf("page %d limit %s", i, got)
				}
			}
		})
	}
}

func TestEachLoanNeverEnding(t *testing.T) {
	t.Run("always full pages", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = loansServer(1<<30, "")
		c, _ := k.client(newFakeClock(), nil)
		c.maxPages = 4
		n := 0
		err := c.EachLoan(context.Background(), LoansQuery{Limit: 2}, func(Loan) error { n++; return nil })
		if err == nil || !strings.Contains(err.Error(), "did not end after 4 pages") {
			t.Fatalf("error %v", err)
		}
		if n != 8 || k.apiHits.Load() != 4 {
			t.Errorf("%d loans in %d requests", n, k.apiHits.Load())
		}
	})
	t.Run("offset ignored", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"data":[{"id":1},{"id":2}]}`)
		}
		c, _ := k.client(newFakeClock(), nil)
		err := c.EachLoan(context.Background(), LoansQuery{Limit: 2}, func(Loan) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "same page") {
			t.Fatalf("error %v", err)
		}
		if n := k.apiHits.Load(); n != 2 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("callback error stops", func(t *testing.T) {
		k := newFakeKiva(t)
		k.api = loansServer(650, "total_records")
		c, _ := k.client(newFakeClock(), nil)
		stop := errors.New("enough")
		n := 0
		err := c.EachLoan(context.Background(), LoansQuery{}, func(Loan) error {
			if n++; n == 10 {
				return stop
			}
			return nil
		})
		if err != stop || k.apiHits.Load() != 1 {
			t.Errorf("error %v after %d requests", err, k.apiHits.Load())
		}
	})
}

func TestLoansAnswerShapes(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		total, n   int
		bad        bool
	}{
		{"snake", `{"total_records":2,"data":[{"id":1},{"id":2}]}`, 2, 2, false},
		{"camel", `{"totalRecords":"2","loans":[{"id":1},{"id":2}]}`, 2, 2, false},
		{"nested", `{"data":{"loans":[{"id":1}]},"total":1}`, 1, 1, false},
		{"bare list", `[{"id":1}]`, -1, 1, false},
		{"empty", ``, 0, 0, true},
		{"html", `<html></html>`, 0, 0, true},
		{"no list", `{"code":"api.success"}`, 0, 0, true},
		{"bad total", `{"total_records":"many","data":[]}`, 0, 0, true},
		{"item not object", `{"data":[1]}`, 0, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKiva(t)
			k.api = func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, tt.body) }
			c, slept := k.client(newFakeClock(), nil)
			page, err := c.Loans(context.Background(), LoansQuery{})
			if tt.bad {
				e := asError(t, err)
				if e.Status != 200 || string(e.Body) != tt.body || !strings.Contains(e.Error(), "not a loans list") {
					t.Errorf("error %v", e)
				}
				if k.apiHits.Load() != 1 || len(*slept) != 0 {
					t.Errorf("an unreadable answer was retried")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalRecords != tt.total || len(page.Loans) != tt.n {
				t.Errorf("page %+v", page)
			}
		})
	}
}

func TestConfigListAndReference(t *testing.T) {
	answers := map[string]string{
		"activities": `{"as_of_date_time":"2025-06-01T08:30:00Z","activities":[{"activity_id":120,"activity":"Farming"}],"code":"api.success","message":""}`,
		"locales":    `{"asOfDateTime":"2025-06-02T08:30:00Z","locales":[{"languageId":1,"languageCode":"en","languageName":"English","currency":"KES"}],"code":"api.success"}`,
		"themes":     `{"as_of_date_time":"2025-05-30T00:00:00Z","themes":[{"theme_type_id":"7","theme_type":"Underserved"}]}`,
		"locations":  `{"locations":[{"country":"Kenya","location":"Nairobi","full_name":"Nairobi, Kenya"}]}`,
	}
	k := newFakeKiva(t)
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		name := strings.TrimPrefix(r.URL.Path, "/v3/partner/123/config/")
		body, ok := answers[name]
		if !ok {
			writeJSON(w, 404, `{"message":"no such list"}`)
			return
		}
		writeJSON(w, 200, body)
	}
	// A token without any scope may read the config lists.
	k.token = func(w http.ResponseWriter, r *http.Request, n int) { writeToken(w, "tok", 3600, "", "123") }
	c, _ := k.client(newFakeClock(), nil)
	ctx := context.Background()

	act, err := c.ConfigList(ctx, "activities")
	if err != nil {
		t.Fatal(err)
	}
	if want := []kiva.Activity{{ID: 120, Name: "Farming"}}; !reflect.DeepEqual(act.Activities, want) || act.AsOf != "2025-06-01T08:30:00Z" {
		t.Errorf("activities %+v", act)
	}
	if _, err := c.ConfigList(ctx, "sectors"); err == nil || !strings.Contains(err.Error(), "activities, locales, themes, locations") {
		t.Errorf("unknown list: %v", err)
	}

	ref, err := c.Reference(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := &kiva.Reference{
		AsOf:       "2025-06-02T08:30:00Z",
		Activities: []kiva.Activity{{ID: 120, Name: "Farming"}},
		Locales:    []kiva.Locale{{LanguageID: 1, LanguageCode: "en", LanguageName: "English", Currency: "KES"}},
		Themes:     []kiva.Theme{{ID: 7, Name: "Underserved"}},
		Locations:  []kiva.Location{{Country: "Kenya", Location: "Nairobi", FullName: "Nairobi, Kenya"}},
	}
	if !reflect.DeepEqual(ref, want) {
		got, _ := json.Marshal(ref)
		t.Errorf("reference %s", got)
	}

	answers["themes"] = `{"code":"api.error","message":"try later"}`
	_, err = c.Reference(ctx)
	if e := asError(t, err); e.Status != 200 || !strings.Contains(e.Error(), "not a themes list") {
		t.Errorf("error answer: %v", err)
	}
}

func TestLaterAsOf(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"2025-06-02T00:00:00Z", "2025-06-01T23:00:00Z", true},
		{"2025-06-02T00:00:00+02:00", "2025-06-01T23:00:00Z", false},
		{"", "x", false},
		{"x", "", true},
		{"b", "a", true},
	} {
		if got := laterAsOf(tt.a, tt.b); got != tt.want {
			t.Errorf("laterAsOf(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

// A server that caps pages below the limit asked for (100 of 300) must not
// end the listing after its first page when total_records says there are
// more: the repayments template would silently miss loans.
func TestEachLoanServerCapsPageSize(t *testing.T) {
	k := newFakeKiva(t)
	full := loansServer(250, "total_records")
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		q := r.URL.Query()
		if lim, _ := strconv.Atoi(q.Get("limit")); lim > 100 {
			q.Set("limit", "100")
			r.URL.RawQuery = q.Encode()
		}
		full(w, r, n)
	}
	c, _ := k.client(newFakeClock(), nil)
	var ids []string
	err := c.EachLoan(context.Background(), LoansQuery{}, func(l Loan) error {
		ids = append(ids, l.InternalLoanID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 250 || ids[249] != "L-0249" {
		t.Fatalf("%d loans, want 250", len(ids))
	}
}
