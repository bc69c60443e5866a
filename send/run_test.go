package send

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	"github.com/kiva-partners/kivaconv/internal/testwait"
	"github.com/kiva-partners/kivaconv/kiva"
)

// fakeAPI answers posts from a script: answer(n, kind, body) is called for
// the n-th post (0-based) and returns the response or the error.
type fakeAPI struct {
	mu      sync.Mutex
	scopes  []string
	partner string
	tokens  int
	posts   []post
	answer  func(n int, kind string, body []byte) (*partnerapi.Response, error)
	// inflight tracking for the concurrency test
	cur, peak int
	gate      chan struct{}
}

type post struct {
	kind string
	body string
}

func newFake() *fakeAPI {
	return &fakeAPI{scopes: partnerapi.AllScopes, partner: "1234"}
}

func (f *fakeAPI) Token(context.Context) (partnerapi.TokenInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens++
	return partnerapi.TokenInfo{PartnerID: f.partner, Scopes: f.scopes, Expiry: time.Now().Add(time.Hour)}, nil
}
func (f *fakeAPI) PartnerID() string { return f.partner }
func (f *fakeAPI) EndpointURL(kind string) string {
	return "http://127.0.0.1:1/v3/partner/" + f.partner + "/" + kind
}
func (f *fakeAPI) do(ctx context.Context, kind string, body []byte) (*partnerapi.Response, error) {
	f.mu.Lock()
	n := len(f.posts)
	f.posts = append(f.posts, post{kind, string(body)})
	f.cur++
	f.peak = max(f.peak, f.cur)
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	defer func() { f.mu.Lock(); f.cur--; f.mu.Unlock() }()
	if f.answer != nil {
		return f.answer(n, kind, body)
	}
	return &partnerapi.Response{Status: 200, Body: []byte(`{"code":"api.success"}`)}, nil
}
func (f *fakeAPI) PostLoanDraft(ctx context.Context, b []byte) (*partnerapi.Response, error) {
	return f.do(ctx, batch.KindLoanDraft, b)
}
func (f *fakeAPI) PostRepayments(ctx context.Context, b []byte) (*partnerapi.Response, error) {
	return f.do(ctx, batch.KindRepayments, b)
}
func (f *fakeAPI) PostJournals(ctx context.Context, b []byte) (*partnerapi.Response, error) {
	return f.do(ctx, batch.KindJournals, b)
}

func (f *fakeAPI) bodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, p := range f.posts {
		out = append(out, p.body)
	}
	return out
}

var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// repaymentsFolder writes a repayments folder of n loans in batches of size.
func repaymentsFolder(t *testing.T, n, size int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rep.kiva")
	w, err := batch.Create(dir, batch.CreateOptions{Kind: batch.KindRepayments, BatchSize: size})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		r := kiva.Repayment{LoanID: fmt.Sprintf("L-%04d", i+1), Amount: kiva.MustAmount(fmt.Sprintf("%d.50", 100+i))}
		if err := w.AddRepayment(r, "KES"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(batch.ManifestInfo{Counts: batch.Counts{RowsRead: n}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func draft(i int) *kiva.LoanDraft {
	yes := true
	return &kiva.LoanDraft{
		Currency: "KES", ClientWaiverSigned: &yes, LoanUse: "to buy stock", Description: "She sells vegetables.",
		DisburseTime: "2026-11-20",
		Entreps:      []kiva.Entrep{{ClientID: fmt.Sprintf("C-%d", i), LoanID: fmt.Sprintf("L-%d", i), FirstName: "Amina", Gender: "female", Amount: kiva.MustAmount("25000")}},
		Schedule:     []kiva.ScheduleItem{{Date: "2026-12-20", Principal: kiva.MustAmount("25000"), Interest: kiva.MustAmount("0")}},
	}
}

func draftsFolder(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "loans.kiva")
	w, err := batch.Create(dir, batch.CreateOptions{Kind: batch.KindLoanDraft})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := w.AddLoanDraft(draft(i + 1)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(batch.ManifestInfo{Counts: batch.Counts{RowsRead: n}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func journalsFolder(t *testing.T, n, size int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "journals.kiva")
	w, err := batch.Create(dir, batch.CreateOptions{Kind: batch.KindJournals, BatchSize: size})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := w.AddJournal(kiva.Journal{InternalLoanID: fmt.Sprintf("L-%d", i), Subject: "Update", Body: "Doing well."}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(batch.ManifestInfo{Counts: batch.Counts{RowsRead: n}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sleeps records the retry delays instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func opts(api API, sl *sleeps, dirs ...string) Options {
	return Options{
		Dirs: dirs, API: api, Env: "sandbox", APIURL: "http://127.0.0.1:1", PartnerID: "1234",
		Rules: kiva.Rules{Today: today},
		Retry: Backoff{Sleep: sl.sleep, Jitter: func() float64 { return 0.5 }},
		Now:   func() time.Time { return today.Add(10 * time.Hour) },
	}
}

func outcomes(s *Summary) []Outcome {
	var out []Outcome
	for _, f := range s.Folders {
		for _, r := range f.Results {
			out = append(out, r.Outcome)
		}
	}
	return out
}

func ledgerStates(t *testing.T, dir string) []string {
	t.Helper()
	es, err := batch.ReadLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.File+" "+e.State)
	}
	return out
}

func TestSendAllThenNothingTwice(t *testing.T) {
	dir := repaymentsFolder(t, 7, 3)
	api := newFake()
	sl := &sleeps{}
	sum, err := Run(context.Background(), opts(api, sl, dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeSent, OutcomeSent, OutcomeSent}) {
		t.Fatalf("outcomes %v", got)
	}
	if len(api.posts) != 3 {
		t.Fatalf("%d posts", len(api.posts))
	}
	want := []string{
		"repayments-0001.json sending", "repayments-0001.json sent",
		"repayments-0002.json sending", "repayments-0002.json sent",
		"repayments-0003.json sending", "repayments-0003.json sent",
	}
	if got := ledgerStates(t, dir); !slices.Equal(got, want) {
		t.Fatalf("ledger\n%v\nwant\n%v", got, want)
	}
	// The bodies are the files, byte for byte.
	for i, b := range api.bodies() {
		data, _ := os.ReadFile(filepath.Join(dir, batch.BatchFileName(batch.KindRepayments, i+1)))
		if b != string(data) {
			t.Errorf("post %d differs from its file", i)
		}
	}
	// Again: nothing is posted.
	api2 := newFake()
	sum, err = Run(context.Background(), opts(api2, sl, dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(api2.posts) != 0 {
		t.Fatalf("re-run posted %d", len(api2.posts))
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeAlreadySent, OutcomeAlreadySent, OutcomeAlreadySent}) {
		t.Fatalf("re-run outcomes %v", got)
	}
	if !strings.Contains(sum.Folders[0].Results[0].Message, "already sent on") {
		t.Errorf("message %q", sum.Folders[0].Results[0].Message)
	}
	// Another target (production after stage) is a separate story.
	o := opts(newFake(), sl, dir)
	o.APIURL = "https://partner-api.k1.kiva.org"
	sum, err = Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Counts[OutcomeSent] != 3 {
		t.Fatalf("other target: %v", sum.Counts)
	}
}

func TestSendRetriesNotAppliedHonouringRetryAfter(t *testing.T) {
	dir := repaymentsFolder(t, 2, 5)
	api := newFake()
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		switch n {
		case 0:
			return nil, &partnerapi.Error{Op: "POST", Status: 503, Class: partnerapi.NotApplied, RetryAfter: 7 * time.Second}
		case 1:
			return nil, &partnerapi.Error{Op: "POST", Err: errors.New("connection refused"), Class: partnerapi.NotApplied}
		}
		return &partnerapi.Response{Status: 200, UploadID: "u-9"}, nil
	}
	sl := &sleeps{}
	sum, err := Run(context.Background(), opts(api, sl, dir))
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Folders[0].Results[0]
	if r.Outcome != OutcomeSent || r.Attempts != 3 || r.UploadID != "u-9" {
		t.Fatalf("result %+v", r)
	}
	// Equal jitter at 0.5: 0.75 s, then 1.5 s; the first waits Retry-After.
	if want := []time.Duration{7 * time.Second, 1500 * time.Millisecond}; !slices.Equal(sl.d, want) {
		t.Fatalf("sleeps %v, want %v", sl.d, want)
	}
	want := []string{
		"repayments-0001.json sending", "repayments-0001.json failed",
		"repayments-0001.json sending", "repayments-0001.json failed",
		"repayments-0001.json sending", "repayments-0001.json sent",
	}
	if got := ledgerStates(t, dir); !slices.Equal(got, want) {
		t.Fatalf("ledger %v", got)
	}
}

func TestSendUnknownIsUnconfirmedAndNotResent(t *testing.T) {
	dir := repaymentsFolder(t, 9, 3)
	api := newFake()
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		if n == 1 {
			return nil, &partnerapi.Error{Op: "POST", Status: 502, Class: partnerapi.Unknown, Written: true}
		}
		return &partnerapi.Response{Status: 200}, nil
	}
	sl := &sleeps{}
	sum, err := Run(context.Background(), opts(api, sl, dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeSent, OutcomeUnconfirmed, OutcomeSent}) {
		t.Fatalf("outcomes %v", got)
	}
	if len(api.posts) != 3 || len(sl.d) != 0 {
		t.Fatalf("posts %d sleeps %v: an unknown outcome must not be retried", len(api.posts), sl.d)
	}
	// Re-run: nothing posted; the unconfirmed batch is reported.
	api2 := newFake()
	sum, _ = Run(context.Background(), opts(api2, sl, dir))
	if len(api2.posts) != 0 {
		t.Fatalf("re-run posted %d", len(api2.posts))
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeAlreadySent, OutcomeSkippedUnconfirmed, OutcomeAlreadySent}) {
		t.Fatalf("re-run outcomes %v", got)
	}
	// On purpose: only that one is sent.
	api3 := newFake()
	o := opts(api3, sl, dir)
	o.ResendUnconfirmed = true
	sum, _ = Run(context.Background(), o)
	if len(api3.posts) != 1 || !strings.Contains(api3.posts[0].body, "L-0004") {
		t.Fatalf("resend posted %v", api3.posts)
	}
	if sum.Counts[OutcomeSent] != 1 || sum.Counts[OutcomeAlreadySent] != 2 {
		t.Fatalf("counts %v", sum.Counts)
	}
}

func TestSendRejectedIsFailedAndSentAgainNextRun(t *testing.T) {
	dir := repaymentsFolder(t, 4, 2)
	api := newFake()
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		if n == 0 {
			return nil, &partnerapi.Error{Op: "POST", Status: 422, Message: "loan L-0001 is not paying back", Class: partnerapi.Rejected}
		}
		return &partnerapi.Response{Status: 200}, nil
	}
	sl := &sleeps{}
	sum, _ := Run(context.Background(), opts(api, sl, dir))
	r := sum.Folders[0].Results[0]
	if r.Outcome != OutcomeFailed || !strings.Contains(r.Message, "not paying back") || r.Attempts != 1 {
		t.Fatalf("result %+v", r)
	}
	if sum.Folders[0].Results[1].Outcome != OutcomeSent {
		t.Fatal("a refusal must not stop the others")
	}
	api2 := newFake()
	sum, _ = Run(context.Background(), opts(api2, sl, dir))
	if len(api2.posts) != 1 || sum.Counts[OutcomeSent] != 1 {
		t.Fatalf("re-run: posts %d counts %v", len(api2.posts), sum.Counts)
	}
}

func TestSendStopsWhenRetriesRunOut(t *testing.T) {
	dir := repaymentsFolder(t, 6, 2)
	api := newFake()
	api.answer = func(int, string, []byte) (*partnerapi.Response, error) {
		return nil, &partnerapi.Error{Op: "POST", Err: errors.New("connect: connection refused"), Class: partnerapi.NotApplied}
	}
	sl := &sleeps{}
	o := opts(api, sl, dir)
	o.Retry.Attempts = 3
	sum, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeFailed, OutcomeNotAttempted, OutcomeNotAttempted}) {
		t.Fatalf("outcomes %v", got)
	}
	if len(api.posts) != 3 || sum.Stopped == "" {
		t.Fatalf("posts %d, stopped %q", len(api.posts), sum.Stopped)
	}
	// Next run, Kiva is back: all three go.
	api2 := newFake()
	sum, _ = Run(context.Background(), opts(api2, sl, dir))
	if sum.Counts[OutcomeSent] != 3 {
		t.Fatalf("counts %v", sum.Counts)
	}
}

func TestSendCrashInFlightCountsAsUnconfirmed(t *testing.T) {
	dir := repaymentsFolder(t, 4, 2)
	// A previous run wrote "sending" for the first file and died; then a
	// torn line.
	sha, _ := batch.FileSHA256(filepath.Join(dir, "repayments-0001.json"))
	led, err := batch.OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := led.Append(batch.LedgerEntry{File: "repayments-0001.json", SHA256: sha, State: batch.StateSending, Attempt: 1, APIURL: "http://127.0.0.1:1", PartnerID: "1234"}); err != nil {
		t.Fatal(err)
	}
	led.Close()
	f, _ := os.OpenFile(filepath.Join(dir, batch.LedgerFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-11-26T10:00:00Z","file":"repayments-0002.json","sha`)
	f.Close()

	api := newFake()
	sum, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeSkippedUnconfirmed, OutcomeSent}) {
		t.Fatalf("outcomes %v", got)
	}
	if _, err := batch.ReadLedger(dir); err != nil {
		t.Fatalf("ledger after a torn line: %v", err)
	}
}

func TestSendRefusesPartialAndInvalid(t *testing.T) {
	dir := repaymentsFolder(t, 4, 2)
	// A reviewer breaks the second file.
	p := filepath.Join(dir, "repayments-0002.json")
	os.WriteFile(p, []byte(`{"repayments":[{"loan_id":"","amount":-5}]}`), 0o644)
	api := newFake()
	sum, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	var re *RefusedError
	if !errors.As(err, &re) || len(api.posts) != 0 {
		t.Fatalf("err %v posts %d", err, len(api.posts))
	}
	if msg := err.Error(); !strings.Contains(msg, "repayments-0002.json") || !strings.Contains(msg, "Nothing was sent") {
		t.Fatalf("message %q", msg)
	}
	if sum == nil || !sum.Folders[0].Refused {
		t.Fatal("summary should show the refused folder")
	}
	o := opts(api, &sleeps{}, dir)
	o.Partial = true
	sum, err = Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeSent, OutcomeInvalid}) {
		t.Fatalf("partial outcomes %v", got)
	}
}

func TestSendEditedFileStillValidIsSent(t *testing.T) {
	dir := repaymentsFolder(t, 2, 5)
	p := filepath.Join(dir, "repayments-0001.json")
	edited := `{"repayments":[{"loan_id":"L-0001","amount":99.5}]}`
	os.WriteFile(p, []byte(edited), 0o644)
	api := newFake()
	sum, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 1 || api.posts[0].body != edited || sum.Folders[0].Results[0].Records != 1 {
		t.Fatalf("posts %v results %+v", api.posts, sum.Folders[0].Results)
	}
	// Editing it again after it was sent is a conflict, not a resend.
	os.WriteFile(p, []byte(`{"repayments":[{"loan_id":"L-0001","amount":100}]}`), 0o644)
	api2 := newFake()
	sum, _ = Run(context.Background(), opts(api2, &sleeps{}, dir))
	if len(api2.posts) != 0 || sum.Folders[0].Results[0].Outcome != OutcomeConflict {
		t.Fatalf("posts %d results %+v", len(api2.posts), sum.Folders[0].Results)
	}
}

func TestSendUnknownFieldIsInvalid(t *testing.T) {
	dir := repaymentsFolder(t, 1, 5)
	os.WriteFile(filepath.Join(dir, "repayments-0001.json"), []byte(`{"repayments":[{"loan_id":"L-1","amuont":5,"amount":5}]}`), 0o644)
	_, err := Run(context.Background(), opts(newFake(), &sleeps{}, dir))
	if err == nil || !strings.Contains(err.Error(), "amuont") {
		t.Fatalf("err %v", err)
	}
}

func TestSendMissingScopeSendsNothing(t *testing.T) {
	dir := draftsFolder(t, 2)
	api := newFake()
	api.scopes = []string{partnerapi.ScopeReadLoans, partnerapi.ScopeRepayment}
	_, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	var se *ScopeError
	if !errors.As(err, &se) || !slices.Equal(se.Missing, []string{partnerapi.ScopeLoanDraft}) || len(api.posts) != 0 {
		t.Fatalf("err %v posts %d", err, len(api.posts))
	}
}

func TestSendConfirmCanStop(t *testing.T) {
	dir := draftsFolder(t, 2)
	api := newFake()
	o := opts(api, &sleeps{}, dir)
	var seen *Plan
	o.Confirm = func(p *Plan) error { seen = p; return ErrNotConfirmed }
	_, err := Run(context.Background(), o)
	if !errors.Is(err, ErrNotConfirmed) || len(api.posts) != 0 {
		t.Fatalf("err %v posts %d", err, len(api.posts))
	}
	b, r, totals := seen.ToSend()
	if b != 2 || r != 2 || len(totals) != 1 || totals[0].Amount.String() != "50000" || totals[0].Records != 2 {
		t.Fatalf("ToSend %d %d %+v", b, r, totals)
	}
}

func TestSendDraftsConcurrencyIsBounded(t *testing.T) {
	dir := draftsFolder(t, 12)
	api := newFake()
	api.gate = make(chan struct{})
	o := opts(api, &sleeps{}, dir)
	o.Concurrency = 3
	done := make(chan *Summary)
	go func() {
		s, _ := Run(context.Background(), o)
		done <- s
	}()
	// Wait until three are in flight, then release one at a time.
	testwait.Until(t, 30*time.Second, "three drafts in flight", func() bool {
		api.mu.Lock()
		defer api.mu.Unlock()
		return api.cur == 3
	})
	for range 12 {
		api.gate <- struct{}{}
	}
	s := <-done
	if api.peak != 3 || s.Counts[OutcomeSent] != 12 {
		t.Fatalf("peak %d counts %v", api.peak, s.Counts)
	}
	// Every draft exactly once.
	seen := map[string]int{}
	for _, b := range api.bodies() {
		var d kiva.LoanDraft
		json.Unmarshal([]byte(b), &d)
		seen[d.LoanID()]++
	}
	if len(seen) != 12 {
		t.Fatalf("distinct drafts %d", len(seen))
	}
}

func TestSendSameContentUnderAnotherNameIsAlreadySent(t *testing.T) {
	dir := repaymentsFolder(t, 2, 5)
	api := newFake()
	if _, err := Run(context.Background(), opts(api, &sleeps{}, dir)); err != nil {
		t.Fatal(err)
	}
	// Converted again with --overwrite: same content, same name, new ledger
	// kept. Then a copy of the folder without its ledger is a new folder:
	// that one is sent (the ledger is per folder).
	api2 := newFake()
	sum, _ := Run(context.Background(), opts(api2, &sleeps{}, dir))
	if len(api2.posts) != 0 || sum.Counts[OutcomeAlreadySent] != 1 {
		t.Fatalf("posts %d", len(api2.posts))
	}
}

func TestSendJournalsWritesConfirmURLs(t *testing.T) {
	dir := journalsFolder(t, 5, 2)
	api := newFake()
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		return &partnerapi.Response{Status: 201, ConfirmURLs: []string{fmt.Sprintf("http://127.0.0.1:1/confirm/%d", n)}}, nil
	}
	sum, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ConfirmURLsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := "http://127.0.0.1:1/confirm/0\nhttp://127.0.0.1:1/confirm/1\nhttp://127.0.0.1:1/confirm/2\n"
	if string(data) != want || len(sum.Folders[0].ConfirmURLs) != 3 {
		t.Fatalf("confirm-urls.txt %q", data)
	}
	// A re-run sends nothing and keeps the file's URLs (from the ledger).
	os.Remove(filepath.Join(dir, ConfirmURLsFile))
	api2 := newFake()
	Run(context.Background(), opts(api2, &sleeps{}, dir))
	data, _ = os.ReadFile(filepath.Join(dir, ConfirmURLsFile))
	if len(api2.posts) != 0 || string(data) != want {
		t.Fatalf("re-run: posts %d, file %q", len(api2.posts), data)
	}
}

func TestSendDryRunNeedsNoToken(t *testing.T) {
	dir := repaymentsFolder(t, 4, 2)
	api := newFake()
	o := opts(api, &sleeps{}, dir)
	o.DryRun = true
	sum, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if api.tokens != 0 || len(api.posts) != 0 {
		t.Fatalf("dry run: tokens %d posts %d", api.tokens, len(api.posts))
	}
	r := sum.Folders[0].Results[0]
	if r.Outcome != OutcomeWouldSend || r.Request != "POST http://127.0.0.1:1/v3/partner/1234/repayments" {
		t.Fatalf("result %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, batch.LedgerFile)); err == nil {
		t.Fatal("a dry run must not create the ledger")
	}
}

func TestSendCanceledMidRun(t *testing.T) {
	dir := repaymentsFolder(t, 6, 2)
	api := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		if n == 0 {
			cancel()
			return nil, &partnerapi.Error{Op: "POST", Err: context.Canceled, Class: partnerapi.Unknown, Written: true}
		}
		return &partnerapi.Response{Status: 200}, nil
	}
	sum, err := Run(ctx, opts(api, &sleeps{}, dir))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeUnconfirmed, OutcomeNotAttempted, OutcomeNotAttempted}) || len(api.posts) != 1 {
		t.Fatalf("outcomes %v posts %d", got, len(api.posts))
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 8 * time.Second, Jitter: func() float64 { return 0 }}
	for n, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		if got := b.Delay(n+1, 0); got != want {
			t.Errorf("Delay(%d) = %s, want %s", n+1, got, want)
		}
	}
	if got := b.Delay(1, 30*time.Second); got != 30*time.Second {
		t.Errorf("Retry-After not honoured: %s", got)
	}
	b.Jitter = func() float64 { return 0.999 }
	if got := b.Delay(10, 0); got > 8*time.Second || got < 7*time.Second {
		t.Errorf("capped delay %s", got)
	}
}

func TestSendMarkSent(t *testing.T) {
	dir := repaymentsFolder(t, 6, 2)
	api := newFake()
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		if n < 2 {
			return nil, &partnerapi.Error{Op: "POST", Status: 504, Class: partnerapi.Unknown, Written: true}
		}
		return &partnerapi.Response{Status: 200}, nil
	}
	Run(context.Background(), opts(api, &sleeps{}, dir))
	// A person finds the first in PA2, not the second.
	api2 := newFake()
	o := opts(api2, &sleeps{}, dir)
	o.MarkSent = []string{"repayments-0001.json"}
	o.ResendUnconfirmed = true
	sum, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(api2.posts) != 1 || !strings.Contains(api2.posts[0].body, "L-0003") {
		t.Fatalf("posts %v", api2.posts)
	}
	if got := outcomes(sum); !slices.Equal(got, []Outcome{OutcomeAlreadySent, OutcomeSent, OutcomeAlreadySent}) {
		t.Fatalf("outcomes %v", got)
	}
	// Marking a batch that is not unconfirmed is refused.
	o.MarkSent = []string{filepath.Join(dir, "repayments-0002.json")}
	o.ResendUnconfirmed = false
	if sum, err := Run(context.Background(), o); err != nil || sum.Counts[OutcomeAlreadySent] != 3 {
		t.Fatalf("marking an already sent file: %v", err)
	}
	o.MarkSent = []string{"repayments-0009.json"}
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "no such batch file") {
		t.Fatalf("unknown file: %v", err)
	}
}

func TestSendPauseIsShared(t *testing.T) {
	dir := draftsFolder(t, 6)
	api := newFake()
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		if n == 0 {
			return nil, &partnerapi.Error{Op: "POST", Status: 429, Class: partnerapi.NotApplied, RetryAfter: 3 * time.Second}
		}
		return &partnerapi.Response{Status: 200}, nil
	}
	sl := &sleeps{}
	o := opts(api, sl, dir)
	o.Concurrency = 1
	sum, err := Run(context.Background(), o)
	if err != nil || sum.Counts[OutcomeSent] != 6 {
		t.Fatalf("err %v counts %v", err, sum.Counts)
	}
	// One worker: it waits the 3 s once, not once per request.
	if !slices.Equal(sl.d, []time.Duration{3 * time.Second}) {
		t.Fatalf("sleeps %v", sl.d)
	}
}

// A token answer without "scope" grants the scopes asked for (RFC 6749
// §5.1): send must not refuse everything as "granted: none".
func TestSendTokenWithoutScopeListSends(t *testing.T) {
	dir := draftsFolder(t, 2)
	api := newFake()
	api.scopes = nil
	sum, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	if err != nil || sum.Counts[OutcomeSent] != 2 {
		t.Fatalf("err %v counts %v", err, sum)
	}
}

// Two sends on one folder at once would both plan from the same ledger and
// post every batch twice: the second is refused, with nothing sent.
func TestSendSecondSendOnSameFolderIsRefused(t *testing.T) {
	dir := repaymentsFolder(t, 4, 2)
	release, err := lockFolder(dir) // the first send, still running
	if err != nil {
		t.Fatal(err)
	}
	api := newFake()
	_, err = Run(context.Background(), opts(api, &sleeps{}, dir))
	if !errors.Is(err, ErrFolderBusy) || !strings.Contains(err.Error(), "wait for it to finish") || len(api.posts) != 0 {
		t.Fatalf("err %v, %d posts", err, len(api.posts))
	}
	// A dry run only reads: it may look meanwhile.
	o := opts(newFake(), &sleeps{}, dir)
	o.DryRun = true
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	release()
	sum, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	if err != nil || sum.Counts[OutcomeSent] != 2 {
		t.Fatalf("after the first finished: err %v counts %v", err, sum.Counts)
	}
}

// The same folder under two names is refused before anything is sent.
func TestSendSameFolderUnderTwoNames(t *testing.T) {
	dir := repaymentsFolder(t, 2, 2)
	link := filepath.Join(t.TempDir(), "again.kiva")
	if err := os.Symlink(dir, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	api := newFake()
	_, err := Run(context.Background(), opts(api, &sleeps{}, dir, link))
	if err == nil || !strings.Contains(err.Error(), "given twice") || len(api.posts) != 0 {
		t.Fatalf("err %v, %d posts", err, len(api.posts))
	}
}

// Workers log failures at the same time: Options.Log need not be safe for
// concurrent use (a bytes.Buffer, a test's stderr). Run with -race.
func TestSendLogsFromConcurrentWorkers(t *testing.T) {
	dir := draftsFolder(t, 8)
	api := newFake()
	api.answer = func(int, string, []byte) (*partnerapi.Response, error) {
		return nil, &partnerapi.Error{Op: "POST", Status: 400, Class: partnerapi.Rejected, Message: "bad draft"}
	}
	var log strings.Builder
	o := opts(api, &sleeps{}, dir)
	o.Concurrency = 4
	o.Log = &log
	sum, err := Run(context.Background(), o)
	if err != nil || sum.Counts[OutcomeFailed] != 8 {
		t.Fatalf("err %v counts %v", err, sum.Counts)
	}
	if n := strings.Count(log.String(), "\n"); n != 8 {
		t.Fatalf("%d log lines:\n%s", n, log.String())
	}
}

// A batch whose answer was lost may stop passing a rule while it waits for
// a person to check PA2 (newly pulled reference data no longer lists its
// currency). Found in PA2, it can still be marked as sent; the folder is
// then sent as usual.
func TestSendMarkSentAfterTheBatchTurnedInvalid(t *testing.T) {
	dir := draftsFolder(t, 2)
	api := newFake()
	api.answer = func(n int, _ string, _ []byte) (*partnerapi.Response, error) {
		return nil, &partnerapi.Error{Op: "POST", Status: 502, Class: partnerapi.Unknown, Written: true}
	}
	Run(context.Background(), opts(api, &sleeps{}, dir))
	// Later, with other reference data.
	later := opts(newFake(), &sleeps{}, dir)
	later.Rules.Reference = &kiva.Reference{Locales: []kiva.Locale{{LanguageID: 1, LanguageCode: "en", LanguageName: "English", Currency: "UGX"}}}
	_, err := Run(context.Background(), later)
	if err == nil || !strings.Contains(err.Error(), "--mark-sent loan-draft-0001.json") {
		t.Fatalf("err %v: should say the batch may be in PA2", err)
	}
	later.MarkSent = []string{"loan-draft-0001.json", "loan-draft-0002.json"}
	sum, err := Run(context.Background(), later)
	if err != nil || sum.Counts[OutcomeAlreadySent] != 2 {
		t.Fatalf("err %v counts %v", err, sum)
	}
}

// With no partner ID anywhere, every request would fail the same way after
// its retries: send stops before the first, saying what to set.
func TestSendNoPartnerIDStopsBeforeSending(t *testing.T) {
	dir := repaymentsFolder(t, 2, 2)
	api := newFake()
	api.partner = ""
	o := opts(api, &sleeps{}, dir)
	o.PartnerID = ""
	_, err := Run(context.Background(), o)
	if !errors.Is(err, partnerapi.ErrNoPartnerID) || !strings.Contains(err.Error(), "KIVA_PARTNER_ID") || len(api.posts) != 0 {
		t.Fatalf("err %v, %d posts", err, len(api.posts))
	}
}

// A loan already sent is never sent as a second draft, even when the folder
// is converted again (--overwrite) and its draft changed and moved to
// another file.
func TestSendSameBorrowerInAnotherFileIsConflict(t *testing.T) {
	dir := draftsFolder(t, 2)
	if _, err := Run(context.Background(), opts(newFake(), &sleeps{}, dir)); err != nil {
		t.Fatal(err)
	}
	w, err := batch.Create(dir, batch.CreateOptions{Kind: batch.KindLoanDraft, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	edited := draft(1)
	edited.Description = "She sells vegetables and fruit."
	for _, d := range []*kiva.LoanDraft{draft(9), draft(8), edited} {
		if _, err := w.AddLoanDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(batch.ManifestInfo{Counts: batch.Counts{RowsRead: 3}}); err != nil {
		t.Fatal(err)
	}
	api := newFake()
	sum, err := Run(context.Background(), opts(api, &sleeps{}, dir))
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(sum)
	// 0001 and 0002 were sent before with other content: conflicts by name;
	// 0003 holds borrower C-1/L-1, sent before in 0001.
	if !slices.Equal(got, []Outcome{OutcomeConflict, OutcomeConflict, OutcomeConflict}) || len(api.posts) != 0 {
		t.Fatalf("outcomes %v, posts %d", got, len(api.posts))
	}
	if msg := sum.Folders[0].Results[2].Message; !strings.Contains(msg, "borrower C-1/L-1 was already sent in loan-draft-0001.json") {
		t.Fatalf("message %q", msg)
	}
}
