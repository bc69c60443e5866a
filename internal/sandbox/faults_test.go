package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/internal/testwait"
)

func TestParseFaults(t *testing.T) {
	for _, c := range []struct {
		spec  string
		want  string // normalized; "" with err set means an error
		items []FaultItem
		err   string
	}{
		{spec: "", want: ""},
		{spec: "  ", want: ""},
		{spec: "500", want: "500", items: []FaultItem{{Kind: Fault500, Count: 1}}},
		{spec: "500*3", want: "500*3", items: []FaultItem{{Kind: Fault500, Count: 3}}},
		{spec: "loan_draft:502, repayments:drop-after*2 ,hang", want: "loan_draft:502,repayments:drop-after*2,hang",
			items: []FaultItem{{Endpoint: "loan_draft", Kind: Fault502, Count: 1}, {Endpoint: "repayments", Kind: FaultDropAfter, Count: 2}, {Kind: FaultHang, Count: 1}}},
		{spec: "503@0.25", want: "503@0.25", items: []FaultItem{{Kind: Fault503, P: 0.25}}},
		{spec: "token:429@1", want: "token:429@1", items: []FaultItem{{Endpoint: "token", Kind: Fault429, P: 1}}},
		{spec: "DROP-BEFORE,Journals:401", want: "drop-before,journals:401"},
		{spec: "loans:504,config:503", want: "loans:504,config:503"},
		{spec: "600", err: `unknown fault kind "600" (valid kinds: 500, 502, 503, 504, 429, 401, drop-before, drop-after, hang)`},
		{spec: "500,", err: `item 2 "": empty item`},
		{spec: "loandraft:500", err: `unknown endpoint "loandraft" (valid: loan_draft, repayments, journals, loans, config, token)`},
		{spec: "500*0", err: "count after * must be a whole number"},
		{spec: "500*x", err: "count after * must be a whole number"},
		{spec: "500@0", err: "probability after @"},
		{spec: "500@1.5", err: "probability after @"},
		{spec: "500@abc", err: "probability after @"},
		{spec: "drop", err: `unknown fault kind "drop"`},
	} {
		p, err := ParseFaults(c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseFaults(%q) = %v, want error containing %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFaults(%q): %v", c.spec, err)
			continue
		}
		if p.String() != c.want {
			t.Errorf("ParseFaults(%q).String() = %q, want %q", c.spec, p.String(), c.want)
		}
		if c.items != nil && !slices.Equal(p.Items(), c.items) {
			t.Errorf("ParseFaults(%q).Items() = %+v, want %+v", c.spec, p.Items(), c.items)
		}
		if len(p.Describe()) != len(p.Items()) || p.Empty() != (len(p.Items()) == 0) {
			t.Errorf("ParseFaults(%q): Describe %v", c.spec, p.Describe())
		}
	}
}

func TestFaultPlanOrder(t *testing.T) {
	p, err := ParseFaults("loan_draft:500,503*2,repayments:429,token:401")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ep := range []string{"repayments", "loan_draft", "loan_draft", "token", "repayments", "loans", "repayments", "token"} {
		k, ok := p.next(ep)
		if !ok {
			k = "-"
		}
		got = append(got, ep+"="+string(k))
	}
	want := []string{"repayments=503", "loan_draft=500", "loan_draft=503", "token=401", "repayments=429", "loans=-", "repayments=-", "token=-"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestFaultProbabilitySeeded(t *testing.T) {
	run := func(seed int64) string {
		p, _ := ParseFaults("503@0.5")
		p.seed(seed)
		var b strings.Builder
		for range 64 {
			_, ok := p.next("loans")
			b.WriteString(map[bool]string{true: "x", false: "."}[ok])
		}
		return b.String()
	}
	a, b := run(7), run(7)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if n := strings.Count(a, "x"); n == 0 || n == 64 {
		t.Errorf("probability 0.5 struck %d of 64", n)
	}
	if run(8) == a {
		t.Error("another seed gave the same faults")
	}
	p, _ := ParseFaults("500@1")
	for range 10 {
		if _, ok := p.next("config"); !ok {
			t.Fatal("probability 1 missed")
		}
	}
	if _, ok := p.next("token"); ok {
		t.Error("an unfiltered item struck a token request")
	}
}

// TestFaultKinds checks each kind against a loan draft: what the client
// sees, whether the draft was stored, and the fault record.
func TestFaultKinds(t *testing.T) {
	draft := sampleDrafts(t)[1]
	for _, c := range []struct {
		kind       FaultKind
		status     int // 0: no answer at all
		retryAfter string
		applied    bool
	}{
		{Fault500, 500, "", true},
		{Fault502, 502, "", true},
		{Fault504, 504, "", true},
		{Fault503, 503, "1", false},
		{Fault429, 429, "1", false},
		{Fault401, 401, "", false},
		{FaultDropBefore, 0, "", false},
		{FaultDropAfter, 0, "", true},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			e := newEnv(t, Options{Faults: "loan_draft:" + string(c.kind)})
			tok := e.token()
			if c.status == 0 {
				got := rawPost(t, e, api+"loan_draft", tok, draft)
				if len(got) != 0 {
					t.Fatalf("connection answered %q, want it closed with no answer", got)
				}
			} else {
				a := e.do("POST", api+"loan_draft", tok, draft)
				if a.status != c.status || a.header.Get("Retry-After") != c.retryAfter {
					t.Fatalf("got %d Retry-After %q, want %d %q: %s", a.status, a.header.Get("Retry-After"), c.status, c.retryAfter, a.body)
				}
				if _, ok := a.json(t)["loan_draft_uuid"]; ok {
					t.Error("a fault answer carries the draft's uuid")
				}
			}
			st := e.s.State()
			if stored := len(st.Drafts) == 1; stored != c.applied {
				t.Errorf("draft stored: %v, want %v", stored, c.applied)
			}
			if len(st.Faults) != 1 || st.Faults[0].Kind != c.kind || st.Faults[0].Applied != c.applied || st.Faults[0].Endpoint != EndpointLoanDraft {
				t.Errorf("fault record %+v", st.Faults)
			}
			if !strings.Contains(e.log.String(), "fault "+string(c.kind)) {
				t.Errorf("log does not mention the fault:\n%s", e.log)
			}

			// The fault is consumed: the same request now goes through,
			// with the same token unless 401 revoked it.
			if c.kind == Fault401 {
				a := e.do("POST", api+"loan_draft", tok, draft)
				if a.status != 401 || !strings.Contains(string(a.body), "revoked") {
					t.Errorf("revoked token: %d %s", a.status, a.body)
				}
				tok = e.token()
			}
			if a := e.do("POST", api+"loan_draft", tok, draft); a.status != 200 {
				t.Errorf("after the fault: %d %s", a.status, a.body)
			}
		})
	}
}

// TestFaultOnInvalidRequest: a 500 after a request that was refused
// records it as not applied.
func TestFaultOnInvalidRequest(t *testing.T) {
	e := newEnv(t, Options{Faults: "500"})
	a := e.do("POST", api+"repayments", e.token(), []byte(`{"repayments":[]}`))
	if a.status != 500 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if f := e.s.State().Faults; len(f) != 1 || f[0].Applied {
		t.Errorf("fault record %+v", f)
	}
}

func TestFaultHang(t *testing.T) {
	draft := sampleDrafts(t)[1]
	t.Run("client gives up", func(t *testing.T) {
		started := make(chan struct{})
		e := newEnv(t, Options{Faults: "hang"}, func(s *Server) { s.onHang = func() { close(started) } })
		tok := e.token()
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-started
			cancel()
		}()
		req, _ := http.NewRequestWithContext(ctx, "POST", e.ts.URL+api+"loan_draft", strings.NewReader(string(draft)))
		req.Header.Set("Authorization", "Bearer "+tok)
		_, err := e.ts.Client().Do(req)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want the client's cancellation", err)
		}
		st := e.s.State()
		if len(st.Drafts) != 0 || len(st.Faults) != 1 || st.Faults[0].Kind != FaultHang || st.Faults[0].Applied {
			t.Errorf("state after hang: %d drafts, faults %+v", len(st.Drafts), st.Faults)
		}
	})
	t.Run("gives up after the limit", func(t *testing.T) {
		e := newEnv(t, Options{Faults: "hang"}, func(s *Server) { s.hangMax = time.Millisecond })
		a := e.do("POST", api+"loan_draft", e.token(), draft)
		if a.status != http.StatusGatewayTimeout {
			t.Errorf("%d %s", a.status, a.body)
		}
		if n := len(e.s.State().Drafts); n != 0 {
			t.Errorf("hang applied the request (%d drafts)", n)
		}
	})
}

func TestTokenFaults(t *testing.T) {
	e := newEnv(t, Options{Faults: "token:503,token:500,token:drop-before"})
	status, m := e.postToken(e.tokenForm())
	if status != 503 || m["error"] == nil {
		t.Fatalf("first token request: %d %v", status, m)
	}
	status, m = e.postToken(e.tokenForm())
	if status != 500 || m["access_token"] != nil {
		t.Fatalf("second token request: %d %v", status, m)
	}
	if _, err := e.ts.Client().PostForm(e.ts.URL+"/oauth/token", e.tokenForm()); err == nil {
		t.Fatal("third token request: answered, want the connection dropped")
	}
	st := e.s.State()
	if st.TokensIssued != 1 || len(st.Faults) != 3 || st.Faults[0].Applied || !st.Faults[1].Applied || st.Faults[2].Applied {
		t.Errorf("tokens issued %d (want 1: only the 500 applies), faults %+v", st.TokensIssued, st.Faults)
	}
	// API requests are not touched by token faults, and vice versa.
	if a := e.do("GET", api+"config/themes", e.token(), nil); a.status != 200 {
		t.Errorf("API request after token faults: %d", a.status)
	}
}

func TestUnfilteredFaultsSkipTokenAndPages(t *testing.T) {
	e := newEnv(t, Options{Faults: "503*3"})
	tok := e.token() // not struck
	for _, p := range []string{"/", "/sandbox/state.json"} {
		if a := e.do("GET", p, "", nil); a.status != 200 {
			t.Errorf("%s: %d", p, a.status)
		}
	}
	for i := range 3 {
		if a := e.do("GET", api+"loans", tok, nil); a.status != 503 {
			t.Errorf("request %d: %d", i+1, a.status)
		}
	}
	if a := e.do("GET", api+"loans", tok, nil); a.status != 200 {
		t.Errorf("after the sequence: %d", a.status)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Options{Rate: 0.25}) // one request per 4 s
	tok := e.token()
	if a := e.do("GET", api+"config/themes", tok, nil); a.status != 200 {
		t.Fatalf("first: %d", a.status)
	}
	a := e.do("GET", api+"config/themes", tok, nil)
	if a.status != 429 || a.header.Get("Retry-After") != "4" {
		t.Fatalf("second: %d Retry-After %q, want 429 and 4", a.status, a.header.Get("Retry-After"))
	}
	// Token requests and pages are not rate limited.
	e.token()
	e.clock.Advance(3 * time.Second)
	if a := e.do("GET", api+"config/themes", tok, nil); a.status != 429 || a.header.Get("Retry-After") != "1" {
		t.Fatalf("after 3 s: %d Retry-After %q, want 429 and 1", a.status, a.header.Get("Retry-After"))
	}
	e.clock.Advance(time.Second)
	if a := e.do("GET", api+"config/themes", tok, nil); a.status != 200 {
		t.Fatalf("after 4 s: %d", a.status)
	}
	if r := e.s.State().Refused; len(r) != 2 || r[0].Status != 429 {
		t.Errorf("refusals %+v", r)
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, Options{Latency: time.Millisecond})
	if a := e.do("GET", api+"config/themes", e.token(), nil); a.status != 200 {
		t.Fatalf("%d", a.status)
	}
}

// TestInFlight: State counts the API requests being handled, and a
// request the client gave up on stops counting.
func TestInFlight(t *testing.T) {
	e := newEnv(t, Options{Latency: time.Minute})
	tok := e.token()
	if n := e.s.State().InFlight; n != 0 {
		t.Fatalf("in flight before any request: %d", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+api+"config/themes", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	testwait.Until(t, 30*time.Second, "one request in flight", func() bool { return e.s.State().InFlight == 1 })
	cancel()
	<-done
	testwait.Until(t, 30*time.Second, "no request in flight", func() bool { return e.s.State().InFlight == 0 })
}

// rawPost sends a request over a bare TCP connection and returns every
// byte the server wrote back before closing it.
func rawPost(t *testing.T, e *env, path, token string, body []byte) []byte {
	t.Helper()
	u, _ := url.Parse(e.ts.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A safety net only: a correct server closes at once.
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		path, u.Host, token, len(body))
	conn.Write(body)
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return got
}
