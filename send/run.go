package send

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/history"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	"github.com/kiva-partners/kivaconv/kiva"
)

// API is what send needs from the Partner API client.
type API interface {
	Token(ctx context.Context) (partnerapi.TokenInfo, error)
	PartnerID() string
	EndpointURL(kind string) string
	PostLoanDraft(ctx context.Context, body []byte) (*partnerapi.Response, error)
	PostRepayments(ctx context.Context, body []byte) (*partnerapi.Response, error)
	PostJournals(ctx context.Context, body []byte) (*partnerapi.Response, error)
}

// ConfirmURLsFile is written in a journals folder: every confirm_url Kiva
// gave for it, one per line. A person must open each to publish.
const ConfirmURLsFile = "confirm-urls.txt"

// Options drive Run.
type Options struct {
	Dirs []string
	API  API
	// Env and APIURL name the target in the ledger; PartnerID is the
	// configured partner, "" when it comes from the token.
	Env, APIURL, PartnerID string
	// Concurrency bounds loan drafts in flight (default 4). Repayments and
	// journals are sent one call at a time.
	Concurrency int
	// Rate caps requests per second (0: no cap). Without it, a 429 makes
	// send slow down to a little under the rate the server was accepting.
	Rate              float64
	Partial           bool
	ResendUnconfirmed bool
	// DryRun plans without a token and sends nothing.
	DryRun bool
	// MarkSent names unconfirmed batch files (by name, or path) that a
	// person found in PA2: the ledger records them as sent, by hand, and
	// they are never sent again.
	MarkSent []string
	// Rules re-validate the batch files; Today should be set.
	Rules kiva.Rules
	Retry Backoff
	// Confirm is called once everything is planned and the token checked,
	// before the first request; an error stops the run with nothing sent
	// (the production guard).
	Confirm func(*Plan) error
	// Progress is told about each finished batch.
	Progress func(done, total int, it *Result)
	Now      func() time.Time
	Log      io.Writer // one line per retry and per failure; nil = discard
	// History is the send history shared by every folder (nil: only the
	// folder ledgers protect). Audience is the token audience, part of the
	// target's identity in it.
	History  *history.DB
	Audience string
	// AllowRepeat sends repayments for loans that another upload to the
	// target reported within RepeatWindow.
	AllowRepeat bool
}

// Backoff is the retry policy for requests that surely did not take
// effect.
type Backoff struct {
	Attempts int           // tries per batch, first included (default 6)
	Base     time.Duration // first delay (default 1s); doubles each retry
	Max      time.Duration // cap on a delay, Retry-After aside (default 60s)
	// Sleep waits, or returns ctx's error; nil = a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0,1); nil = math/rand.
	Jitter func() float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Attempts <= 0 {
		b.Attempts = 6
	}
	if b.Base <= 0 {
		b.Base = time.Second
	}
	if b.Max <= 0 {
		b.Max = time.Minute
	}
	if b.Sleep == nil {
		b.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if b.Jitter == nil {
		b.Jitter = rand.Float64
	}
	return b
}

// Delay is the wait before retry number n (1 for the first retry): "equal
// jitter" exponential backoff, Base·2^(n-1) halved plus a random half,
// capped at Max, and never less than the server's Retry-After.
func (b Backoff) Delay(n int, retryAfter time.Duration) time.Duration {
	b = b.withDefaults()
	d := b.Base
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	d = d/2 + time.Duration(b.Jitter()*float64(d/2))
	return max(d, retryAfter)
}

// Plan is every folder's plan, handed to Options.Confirm.
type Plan struct {
	Env, APIURL, PartnerID string
	Folders                []*Folder
	ResendUnconfirmed      bool
	// Repeats lists the loans reported again within RepeatWindow (see
	// Options.AllowRepeat). Confirm may set RepeatsAllowed when a person
	// agreed to send them.
	Repeats        []Repeat
	AllowRepeat    bool
	RepeatsAllowed bool
}

// ToSend counts the batches and records that will be posted, and their
// totals per currency.
func (p *Plan) ToSend() (batches, records int, totals []batch.Total) {
	var ts batch.Totals
	for _, f := range p.Folders {
		if f.Refused {
			continue
		}
		for _, it := range f.Items {
			if it.willSend(p.ResendUnconfirmed) {
				batches++
				records += it.Records
				for _, t := range it.Totals {
					ts.AddTotal(t)
				}
			}
		}
	}
	return batches, records, ts.Sorted()
}

// Outcome is what happened to one batch file in this run.
type Outcome string

const (
	OutcomeSent               Outcome = "sent"                // accepted now
	OutcomeAlreadySent        Outcome = "already_sent"        // accepted in an earlier run: not sent
	OutcomeFailed             Outcome = "failed"              // refused, or could not be delivered: safe to send again
	OutcomeUnconfirmed        Outcome = "unconfirmed"         // answer lost now: check PA2
	OutcomeSkippedUnconfirmed Outcome = "skipped_unconfirmed" // unconfirmed earlier: not sent without --resend-unconfirmed
	OutcomeConflict           Outcome = "conflict"            // sent earlier with other content
	OutcomeInvalid            Outcome = "invalid"             // breaks a rule: not sent
	OutcomeNotAttempted       Outcome = "not_attempted"       // the run stopped before it
	OutcomeWouldSend          Outcome = "would_send"          // dry run
)

// Result is one batch file's outcome.
type Result struct {
	Dir      string    `json:"dir"`
	File     string    `json:"file"`
	Kind     string    `json:"kind"`
	Records  int       `json:"records"`
	Outcome  Outcome   `json:"outcome"`
	Request  string    `json:"request,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	Status   int       `json:"status,omitempty"`
	Time     time.Time `json:"time,omitzero"`
	// Message is Kiva's message or the failure, for failed, unconfirmed,
	// conflict and invalid outcomes; for already_sent, when it was sent.
	Message       string        `json:"message,omitempty"`
	LoanID        string        `json:"loan_id,omitempty"`
	LoanDraftUUID string        `json:"loan_draft_uuid,omitempty"`
	UploadID      string        `json:"upload_id,omitempty"`
	Problems      []string      `json:"problems,omitempty"`
	ConfirmURLs   []string      `json:"confirm_urls,omitempty"`
	Totals        []batch.Total `json:"totals,omitempty"`
}

// Summary is the outcome of a run.
type Summary struct {
	Env       string          `json:"env"`
	APIURL    string          `json:"api_url"`
	PartnerID string          `json:"partner_id"`
	DryRun    bool            `json:"dry_run"`
	Folders   []FolderSummary `json:"folders"`
	Counts    map[Outcome]int `json:"counts"`
	// Stopped says why the run stopped early, "" when it did not.
	Stopped string `json:"stopped,omitempty"`
	// Refused lists the folders refused whole: when any is, nothing at
	// all was sent (or, in a dry run, would be).
	Refused []string `json:"refused,omitempty"`
	// Marked lists the batches --mark-sent recorded as sent.
	Marked []Marked `json:"marked_sent,omitempty"`
}

// Marked is a batch file --mark-sent recorded as sent (found in PA2).
type Marked struct {
	Dir  string `json:"dir"`
	File string `json:"file"`
	// Already is set when the ledger had it as sent before: nothing was
	// written.
	Already bool `json:"already,omitempty"`
}

// FolderSummary is one folder's part of a Summary.
type FolderSummary struct {
	Dir         string   `json:"dir"`
	Kind        string   `json:"kind"`
	Errors      []string `json:"errors,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
	Refused     bool     `json:"refused,omitempty"`
	Results     []Result `json:"results"`
	ConfirmURLs []string `json:"confirm_urls,omitempty"`
	// ConfirmFile is the confirm-urls.txt written, when any.
	ConfirmFile string `json:"confirm_file,omitempty"`
}

// RefusedError is returned by Run when a folder is refused: nothing was
// sent.
type RefusedError struct{ Folders []*Folder }

func (e *RefusedError) Error() string {
	var b strings.Builder
	for i, f := range e.Folders {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s: not sent:", f.Dir)
		for _, m := range f.Errors {
			b.WriteString("\n  - " + m)
		}
	}
	b.WriteString("\nNothing was sent.")
	return b.String()
}

// ErrNotConfirmed is what Options.Confirm returns when the user said no.
var ErrNotConfirmed = errors.New("not confirmed: nothing was sent")

// requiredScope is the scope each kind's calls need.
func requiredScope(kind string) string {
	switch kind {
	case batch.KindLoanDraft:
		return partnerapi.ScopeLoanDraft
	case batch.KindRepayments:
		return partnerapi.ScopeRepayment
	case batch.KindJournals:
		return partnerapi.ScopeJournalUpdate
	}
	return ""
}

// Run plans every folder, checks the token, and sends. The returned
// Summary is non-nil whenever planning succeeded, even with an error.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	// Workers log concurrently; the writer need not be safe for that.
	opts.Log = &syncWriter{w: opts.Log}
	opts.Retry = opts.Retry.withDefaults()
	if opts.Rules.Today.IsZero() {
		opts.Rules.Today = opts.Now()
	}
	if len(opts.Dirs) == 0 {
		return nil, errors.New("no batch folder given")
	}
	seen := map[string]bool{}
	var stats []os.FileInfo
	for _, d := range opts.Dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		// The same folder under two names (another letter case on
		// Windows or macOS, a link) would be planned twice and sent twice.
		twice := seen[abs]
		st, err := os.Stat(d)
		if err == nil {
			for j, prev := range stats {
				if prev != nil && os.SameFile(prev, st) {
					twice = true
					d = d + " (as " + opts.Dirs[j] + ")"
					break
				}
			}
		}
		if twice {
			return nil, fmt.Errorf("%s is given twice", d)
		}
		seen[abs] = true
		stats = append(stats, st)
	}
	if !opts.DryRun {
		// Another send on the same folder would plan from the same ledger
		// and post the same batches.
		for _, d := range opts.Dirs {
			release, err := lockFolder(d)
			if err != nil {
				return nil, err
			}
			defer release()
		}
	}

	partner := opts.PartnerID
	if !opts.DryRun {
		// The token first: it names the partner when the settings do not,
		// and a missing scope should stop the run before anything is sent.
		if _, err := opts.API.Token(ctx); err != nil {
			return nil, err
		}
		if partner == "" {
			partner = opts.API.PartnerID()
		}
		if partner == "" {
			// Every request would fail the same way (after its retries).
			return nil, fmt.Errorf("%w: the token does not say which partner it is for, so set KIVA_PARTNER_ID or --partner-id. Nothing was sent", partnerapi.ErrNoPartnerID)
		}
	}
	target := batch.Target{APIURL: opts.APIURL, PartnerID: partner}
	plan := &Plan{Env: opts.Env, APIURL: opts.APIURL, PartnerID: partner, ResendUnconfirmed: opts.ResendUnconfirmed, AllowRepeat: opts.AllowRepeat}
	var hc *histCheck
	if opts.History != nil {
		hc = &histCheck{db: opts.History, t: history.NewTarget(opts.APIURL, partner, opts.Audience, opts.Env), now: opts.Now()}
		// A folder sent before the history existed: its ledger is imported
		// once, so the other folders are checked against it too.
		for _, d := range opts.Dirs {
			done, err := opts.History.Imported(history.FolderID(d))
			if err != nil {
				return nil, fmt.Errorf("send history: %w", err)
			}
			if !done {
				if err := importLedger(opts.History, d, opts.Now()); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return nil, fmt.Errorf("%s: importing its ledger into the send history: %w", d, err)
				}
			}
		}
	}
	refused, err := plan.prepare(opts, target, hc)
	if err != nil {
		return nil, err
	}
	var marked []Marked
	if len(opts.MarkSent) > 0 {
		if opts.DryRun {
			return nil, errors.New("--mark-sent writes the ledger: it cannot be combined with a dry run")
		}
		if marked, err = markSent(plan, opts, target); err != nil {
			return nil, err
		}
		// Plan again, from the updated ledgers.
		if refused, err = plan.prepare(opts, target, hc); err != nil {
			return nil, err
		}
	}
	sum := newSummary(opts, plan)
	sum.Marked = marked
	if len(refused) > 0 {
		for _, f := range refused {
			sum.Refused = append(sum.Refused, f.Dir)
		}
		sum.count()
		return sum, &RefusedError{Folders: refused}
	}
	if opts.DryRun {
		for fi, f := range plan.Folders {
			for i, it := range f.Items {
				r := &sum.Folders[fi].Results[i]
				if it.willSend(opts.ResendUnconfirmed) {
					r.Outcome = OutcomeWouldSend
					r.Request = "POST " + opts.API.EndpointURL(it.Kind)
				}
			}
		}
		sum.count()
		return sum, nil
	}
	if err := checkScopes(ctx, opts.API, plan); err != nil {
		return sum, err
	}
	if len(plan.Repeats) > 0 && !opts.AllowRepeat && opts.Confirm == nil {
		return sum, &RepeatError{Repeats: plan.Repeats}
	}
	if opts.Confirm != nil {
		if err := opts.Confirm(plan); err != nil {
			return sum, err
		}
	}
	if len(plan.Repeats) > 0 && !opts.AllowRepeat && !plan.RepeatsAllowed {
		return sum, &RepeatError{Repeats: plan.Repeats}
	}
	s := &sender{opts: opts, target: target, sum: sum, pace: newPacer(opts.Rate)}
	if hc != nil {
		s.hist, s.htarget = hc.db, hc.t
	}
	s.total, _, _ = plan.ToSend()
	for fi, f := range plan.Folders {
		if err := s.folder(ctx, f, &sum.Folders[fi]); err != nil {
			sum.count()
			return sum, err
		}
	}
	sum.count()
	return sum, ctx.Err()
}

// prepare plans every folder of opts (replacing what the plan held) and
// returns the refused ones.
func (p *Plan) prepare(opts Options, target batch.Target, hc *histCheck) (refused []*Folder, err error) {
	p.Folders, p.Repeats = nil, nil
	for _, d := range opts.Dirs {
		f, err := prepare(d, opts.Rules, target, opts.Partial, hc)
		if err != nil {
			return nil, err
		}
		p.Folders = append(p.Folders, f)
		if !f.Refused {
			for _, r := range f.Repeats {
				for _, it := range f.Items {
					if it.File == r.File && it.willSend(opts.ResendUnconfirmed) {
						p.Repeats = append(p.Repeats, r)
						break
					}
				}
			}
		}
		if f.Refused {
			refused = append(refused, f)
		}
	}
	return refused, nil
}

// markSent records the files of opts.MarkSent as sent by hand. Each must
// name an unconfirmed batch file of one of the folders.
func markSent(plan *Plan, opts Options, target batch.Target) ([]Marked, error) {
	var marked []Marked
	for _, name := range opts.MarkSent {
		var found *Item
		var folder *Folder
		for _, f := range plan.Folders {
			for _, it := range f.Items {
				if name == it.File || sameFile(name, f.Path(it)) {
					if found != nil {
						return nil, fmt.Errorf("--mark-sent %s: more than one folder has that file; give its path", name)
					}
					found, folder = it, f
				}
			}
		}
		switch {
		case found == nil:
			return nil, fmt.Errorf("--mark-sent %s: no such batch file in the folders given", name)
		case found.Status == StatusSent:
			marked = append(marked, Marked{Dir: folder.Dir, File: found.File, Already: true})
			continue // already recorded: nothing to do
		case found.Status == StatusInvalid && found.wasUnconfirmed() && found.SHA256 != "":
			// Found in PA2 after it stopped passing a rule while it waited
			// (reference data pulled since no longer lists its location,
			// say): Kiva has it all the same.
		case found.Status != StatusUnconfirmed:
			return nil, fmt.Errorf("--mark-sent %s: it is %s, not unconfirmed; only a batch whose answer was lost can be marked as sent", name, strings.ReplaceAll(string(found.Status), "_", " "))
		}
		led, err := batch.OpenLedger(folder.Dir)
		if err != nil {
			return nil, err
		}
		err = led.Append(batch.LedgerEntry{
			Time: opts.Now().UTC(), File: found.File, SHA256: found.SHA256, State: batch.StateSent,
			Env: opts.Env, APIURL: target.APIURL, PartnerID: target.PartnerID,
			Error: "marked as sent by hand (found in PA2)", Borrowers: found.Borrowers,
		})
		if cerr := led.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		if opts.History != nil {
			t := history.NewTarget(opts.APIURL, target.PartnerID, opts.Audience, opts.Env)
			id, err := opts.History.Begin(t, history.Request{Time: opts.Now(), Folder: history.FolderID(folder.Dir), File: found.File,
				Kind: found.Kind, SHA256: found.SHA256, Records: found.Records, LoanIDs: found.LoanIDs})
			if err != nil {
				return nil, err
			}
			if err := opts.History.Resolve(t, id, history.StateSent, "marked as sent by hand (found in PA2)", opts.Now(), found.Kind, found.LoanIDs, found.Borrowers); err != nil {
				return nil, err
			}
		}
		marked = append(marked, Marked{Dir: folder.Dir, File: found.File})
	}
	return marked, nil
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// checkScopes compares the token's scopes with what the plan needs.
func checkScopes(ctx context.Context, api API, plan *Plan) error {
	info, err := api.Token(ctx)
	if err != nil {
		return err
	}
	if info.Scopes == nil {
		// The answer did not list the granted scopes: they are then the
		// ones asked for (RFC 6749 §5.1). A missing one shows up as a 403.
		return nil
	}
	var missing []string
	for _, f := range plan.Folders {
		need := false
		for _, it := range f.Items {
			need = need || it.willSend(plan.ResendUnconfirmed)
		}
		if sc := requiredScope(f.Manifest.Kind); need && sc != "" && !slices.Contains(info.Scopes, sc) && !slices.Contains(missing, sc) {
			missing = append(missing, sc)
		}
	}
	if len(missing) > 0 {
		return &ScopeError{Missing: missing, Granted: info.Scopes}
	}
	return nil
}

// ScopeError says the token lacks scopes the planned calls need.
type ScopeError struct{ Missing, Granted []string }

func (e *ScopeError) Error() string {
	g := strings.Join(e.Granted, " ")
	if g == "" {
		g = "none"
	}
	return fmt.Sprintf("the token lacks the scope %s needed for these batches (granted: %s): ask Kiva to grant it to this client ID. Nothing was sent.",
		strings.Join(e.Missing, ", "), g)
}

func newSummary(opts Options, plan *Plan) *Summary {
	sum := &Summary{Env: opts.Env, APIURL: opts.APIURL, PartnerID: plan.PartnerID, DryRun: opts.DryRun}
	for _, f := range plan.Folders {
		fs := FolderSummary{Dir: f.Dir, Kind: f.Manifest.Kind, Errors: f.Errors, Warnings: f.Warnings, Refused: f.Refused}
		for _, it := range f.Items {
			r := Result{Dir: f.Dir, File: it.File, Kind: it.Kind, Records: it.Records, LoanID: it.LoanID, Totals: it.Totals}
			switch it.Status {
			case StatusSent:
				r.Outcome = OutcomeAlreadySent
				if it.Prior != nil {
					r.Time = it.Prior.Time
					r.LoanDraftUUID = it.Prior.LoanDraftUUID
					r.UploadID = it.Prior.UploadID
					r.ConfirmURLs = it.Prior.ConfirmURLs
					r.Message = "already sent on " + stamp(it.Prior.Time)
				}
				if len(it.Why) > 0 {
					r.Message += " (" + strings.Join(it.Why, "; ") + ")"
				}
			case StatusUnconfirmed:
				r.Outcome = OutcomeSkippedUnconfirmed
				r.Message = "sent on " + stamp(it.Prior.Time) + " but Kiva's answer was lost: check PA2; if it is there, run send --mark-sent " + it.File + ", if not, send --resend-unconfirmed"
			case StatusConflict:
				r.Outcome = OutcomeConflict
				r.Message = strings.Join(it.Why, "; ")
			case StatusInvalid:
				r.Outcome = OutcomeInvalid
				r.Message = strings.Join(it.Why, "; ")
			default:
				r.Outcome = OutcomeNotAttempted
			}
			fs.Results = append(fs.Results, r)
		}
		sum.Folders = append(sum.Folders, fs)
	}
	return sum
}

func (s *Summary) count() {
	s.Counts = map[Outcome]int{}
	for _, f := range s.Folders {
		for _, r := range f.Results {
			s.Counts[r.Outcome]++
		}
	}
}

// sender runs the requests of one Run.
type sender struct {
	opts   Options
	target batch.Target
	sum    *Summary
	pace   *pacer
	// hist is the send history (nil: none), htarget the target in it.
	hist    *history.DB
	htarget history.Target

	mu      sync.Mutex
	done    int
	total   int
	stopped string // why no new request may start; "" while running
	// pauseUntil holds every worker back after a 429 or 503 with
	// Retry-After: the server asked the client, not one request, to wait.
	pauseUntil time.Time
}

// pause makes every worker wait until d from now before its next request.
func (s *sender) pause(d time.Duration) {
	s.mu.Lock()
	if t := s.opts.Now().Add(d); t.After(s.pauseUntil) {
		s.pauseUntil = t
	}
	s.mu.Unlock()
}

// pending returns the pause a worker that has waited out every pause up to
// waited must still observe: how long, and until when.
func (s *sender) pending(waited time.Time) (time.Duration, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.pauseUntil.After(waited) {
		return 0, waited
	}
	return max(s.pauseUntil.Sub(s.opts.Now()), 0), s.pauseUntil
}

func (s *sender) stop(why string) {
	s.mu.Lock()
	if s.stopped == "" {
		s.stopped = why
		s.sum.Stopped = why
	}
	s.mu.Unlock()
}

func (s *sender) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped != ""
}

func (s *sender) finished(r *Result) {
	s.mu.Lock()
	s.done++
	done := s.done
	s.mu.Unlock()
	if s.opts.Progress != nil {
		s.opts.Progress(done, s.total, r)
	}
}

// folder sends one folder's batches: loan drafts with bounded concurrency,
// the others one at a time, in order.
func (s *sender) folder(ctx context.Context, f *Folder, fs *FolderSummary) error {
	var todo []int
	for i, it := range f.Items {
		if it.willSend(s.opts.ResendUnconfirmed) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return s.writeConfirmURLs(f, fs)
	}
	led, err := batch.OpenLedger(f.Dir)
	if err != nil {
		return err
	}
	defer led.Close()
	workers := 1
	if f.Manifest.Kind == batch.KindLoanDraft {
		workers = min(s.opts.Concurrency, len(todo))
	}
	jobs := make(chan int)
	var fatal error
	var fatalOnce sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var waited time.Time // the last server-asked pause this worker waited out
			for i := range jobs {
				if err := s.item(ctx, led, f, f.Items[i], &fs.Results[i], &waited); err != nil {
					fatalOnce.Do(func() { fatal = err })
					s.stop(err.Error())
				}
				s.finished(&fs.Results[i])
			}
		}()
	}
	for _, i := range todo {
		if ctx.Err() != nil || s.isStopped() {
			break
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if err := s.writeConfirmURLs(f, fs); err != nil && fatal == nil {
		fatal = err
	}
	return fatal
}

// item sends one batch file, with retries, and records every step in the
// ledger. Its error is fatal to the run (the ledger cannot be written, or
// the file changed under us); request failures are outcomes, not errors.
func (s *sender) item(ctx context.Context, led *batch.Ledger, f *Folder, it *Item, r *Result, waited *time.Time) error {
	if ctx.Err() != nil || s.isStopped() {
		return nil
	}
	data, err := os.ReadFile(f.Path(it))
	if err != nil {
		r.Outcome, r.Message = OutcomeNotAttempted, err.Error()
		return fmt.Errorf("%s: %w", f.Path(it), err)
	}
	if sha := batch.SHA256(data); sha != it.SHA256 {
		r.Outcome = OutcomeNotAttempted
		r.Message = "changed since it was checked"
		return fmt.Errorf("%s changed while send was running (sha256 %s, checked %s): stopped; run send again to check and send it", f.Path(it), short(sha), short(it.SHA256))
	}
	post := s.opts.API.PostLoanDraft
	switch it.Kind {
	case batch.KindRepayments:
		post = s.opts.API.PostRepayments
	case batch.KindJournals:
		post = s.opts.API.PostJournals
	}
	r.Request = "POST " + s.opts.API.EndpointURL(it.Kind)
	entry := func(state string, attempt int) batch.LedgerEntry {
		return batch.LedgerEntry{
			Time: s.opts.Now().UTC(), File: it.File, SHA256: it.SHA256, State: state, Attempt: attempt,
			Env: s.opts.Env, APIURL: s.target.APIURL, PartnerID: s.target.PartnerID, Request: r.Request,
		}
	}
	var hid int64 // the item's row in the send history
	hist := func(state, msg string) error {
		if s.hist == nil {
			return nil
		}
		if hid == 0 {
			var err error
			hid, err = s.hist.Begin(s.htarget, history.Request{
				Time: s.opts.Now(), Folder: history.FolderID(f.Dir), File: it.File, Kind: it.Kind,
				SHA256: it.SHA256, Records: it.Records, LoanIDs: it.LoanIDs,
			})
			return err
		}
		return s.hist.Resolve(s.htarget, hid, state, msg, s.opts.Now(), it.Kind, it.LoanIDs, it.Borrowers)
	}
	for attempt := 1; ; attempt++ {
		if d, until := s.pending(*waited); d > 0 {
			*waited = until
			if err := s.opts.Retry.Sleep(ctx, d); err != nil {
				if attempt == 1 {
					r.Outcome = OutcomeNotAttempted
				} else {
					r.Outcome = OutcomeFailed
				}
				return nil
			}
		}
		if err := s.pace.wait(ctx); err != nil {
			if attempt == 1 {
				r.Outcome = OutcomeNotAttempted
			} else {
				r.Outcome = OutcomeFailed
			}
			return nil
		}
		if err := led.Append(entry(batch.StateSending, attempt)); err != nil {
			r.Outcome = OutcomeNotAttempted
			return err
		}
		if err := hist(history.StateSending, ""); err != nil {
			r.Outcome = OutcomeNotAttempted
			return err
		}
		r.Attempts = attempt
		resp, err := post(ctx, data)
		r.Time = s.opts.Now()
		var ae *partnerapi.Error
		errors.As(err, &ae)
		paced := false // the pacer now keeps the rate under the server's limit
		if ae != nil && ae.Status == 429 {
			paced = s.pace.throttled(time.Now())
		} else {
			s.pace.accepted(time.Now())
		}
		if err == nil {
			e := entry(batch.StateSent, attempt)
			e.Status = resp.Status
			e.Borrowers = it.Borrowers
			e.LoanDraftUUID, e.UploadID, e.ConfirmURLs = resp.LoanDraftUUID, resp.UploadID, resp.ConfirmURLs
			e.Body = string(resp.Body)
			if len(resp.Problems) > 0 {
				e.Problems, _ = marshalProblems(resp.Problems)
			}
			r.Outcome, r.Status, r.Message = OutcomeSent, resp.Status, ""
			r.LoanDraftUUID, r.UploadID, r.ConfirmURLs = resp.LoanDraftUUID, resp.UploadID, resp.ConfirmURLs
			for _, p := range resp.Problems {
				r.Problems = append(r.Problems, strings.TrimSpace(p.LoanID+" "+p.Message))
			}
			if err := led.Append(e); err != nil {
				return err
			}
			return hist(history.StateSent, "")
		}
		class := partnerapi.ClassOf(err)
		e := entry("", attempt)
		e.Error = err.Error()
		if ae != nil {
			e.Status = ae.Status
			e.Body = string(ae.Body)
			r.Status = ae.Status
		}
		r.Message = err.Error()
		canceled := ctx.Err() != nil
		switch {
		case class == partnerapi.Unknown:
			e.State = batch.StateUnconfirmed
			r.Outcome = OutcomeUnconfirmed
		case class == partnerapi.NotApplied && !canceled && attempt < s.opts.Retry.Attempts:
			e.State, e.Retry = batch.StateFailed, true
		default:
			e.State = batch.StateFailed
			r.Outcome = OutcomeFailed
		}
		if aerr := led.Append(e); aerr != nil {
			return aerr
		}
		if herr := hist(e.State, e.Error); herr != nil {
			return herr
		}
		if !e.Retry {
			switch {
			case canceled:
			case class == partnerapi.NotApplied:
				s.stop(fmt.Sprintf("%s could not be delivered after %d attempts (%v); nothing more was started", it.File, attempt, err))
			case ae != nil && (ae.Status == 401 || ae.Status == 403):
				s.stop(fmt.Sprintf("Kiva refused the credentials for %s (%v); nothing more was started", it.File, err))
			}
			fmt.Fprintf(s.opts.Log, "%s: %s: %v\n", f.Path(it), r.Outcome, err)
			return nil
		}
		var after time.Duration
		if ae != nil {
			after = ae.RetryAfter
		}
		// The server asked to wait: this request waits in any case; every
		// other one too, unless the pacer has just slowed them all to a
		// rate the server was accepting.
		if after > 0 && !paced {
			s.pause(after)
			s.pace.restart()
		}
		d, until := s.pending(*waited)
		*waited = until
		d = max(d, s.opts.Retry.Delay(attempt, after))
		fmt.Fprintf(s.opts.Log, "%s: %v\n  retrying in %s (attempt %d of %d)\n", f.Path(it), err, d.Round(time.Millisecond), attempt+1, s.opts.Retry.Attempts)
		if err := s.opts.Retry.Sleep(ctx, d); err != nil {
			r.Outcome = OutcomeFailed
			return nil // interrupted: the ledger says failed, safe to send again
		}
	}
}

// syncWriter serializes writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// marshalProblems keeps Kiva's per-loan problems as it sent them.
func marshalProblems(ps []partnerapi.LoanProblem) (json.RawMessage, error) {
	raws := make([]json.RawMessage, 0, len(ps))
	for _, p := range ps {
		if len(p.Raw) > 0 {
			raws = append(raws, p.Raw)
			continue
		}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		raws = append(raws, b)
	}
	return json.Marshal(raws)
}

// writeConfirmURLs writes confirm-urls.txt in a journals folder: every
// confirm_url Kiva gave for the folder's sent batches (this run's and
// earlier ones), in batch order.
func (s *sender) writeConfirmURLs(f *Folder, fs *FolderSummary) error {
	if f.Manifest.Kind != batch.KindJournals {
		return nil
	}
	var urls []string
	for _, r := range fs.Results {
		if r.Outcome == OutcomeSent || r.Outcome == OutcomeAlreadySent {
			urls = append(urls, r.ConfirmURLs...)
		}
	}
	fs.ConfirmURLs = urls
	if len(urls) == 0 {
		return nil
	}
	path := filepath.Join(f.Dir, ConfirmURLsFile)
	if err := batch.WriteFileAtomic(path, []byte(strings.Join(urls, "\n")+"\n")); err != nil {
		return err
	}
	fs.ConfirmFile = path
	return nil
}
