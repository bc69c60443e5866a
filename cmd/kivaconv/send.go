package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/convert"
	apisettings "github.com/kiva-partners/kivaconv/internal/settings"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/send"
)

func sendCommand(io *IO) *cli.Command {
	flags := append(apiFlags(),
		&cli.IntFlag{Name: "concurrency", Value: 4, EnvVars: []string{"KIVACONV_CONCURRENCY"},
			Usage: "loan drafts in flight at once (repayments and journals go one call at a time)"},
		&cli.Float64Flag{Name: "rate", EnvVars: []string{"KIVACONV_RATE"},
			Usage: "at most this many requests per second (default: no cap; after a 429, send slows to a little under what Kiva was accepting)"},
		&cli.IntFlag{Name: "retries", Value: 5, EnvVars: []string{"KIVACONV_RETRIES"},
			Usage: "retries of a request that surely did not reach Kiva (refused connection, 429, 503), with growing waits"},
		&cli.DurationFlag{Name: "retry-wait", Value: time.Second, EnvVars: []string{"KIVACONV_RETRY_WAIT"},
			Usage: "the first wait between retries; it doubles each time, up to a minute (a server's Retry-After is always honoured)"},
		&cli.BoolFlag{Name: "partial", Usage: "send the valid batches of a folder whose conversion rejected rows or that holds an invalid batch"},
		&cli.BoolFlag{Name: "resend-unconfirmed", Usage: "send again the batches whose answer was lost (check PA2 first: Kiva may have them)"},
		&cli.StringSliceFlag{Name: "mark-sent", Usage: "record an unconfirmed batch `FILE` as sent, after finding it in PA2: it is never sent again (repeatable)"},
		&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "show which requests would go where; get no token, send nothing"},
		&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask before sending to production"},
		&cli.BoolFlag{Name: "allow-repeat", Usage: "send repayments for loans another upload reported in the last 25 days (the send history lists them first)"},
		&cli.StringFlag{Name: "reference", Aliases: []string{"r"}, EnvVars: []string{"KIVACONV_REFERENCE"},
			Usage: "reference-data `FILE` to re-validate against (default: reference.json in the config directory, when present)"},
		&cli.StringFlag{Name: "today", EnvVars: []string{"KIVACONV_TODAY"}, Usage: "the date rules count from, `YYYY-MM-DD` (default: today)"},
		&cli.BoolFlag{Name: "json", Usage: "print the outcome as JSON on stdout"},
	)
	return &cli.Command{
		Name:      "send",
		Usage:     "post reviewed batch folders to Kiva's Partner API",
		ArgsUsage: "DIR...",
		Flags:     flags,
		Description: `Reads each folder's manifest.json, re-validates every batch file (a reviewer may
have edited one), then posts the batches: loan drafts --concurrency at a time,
repayments and journals one call at a time. Every request is recorded in the
folder's ledger.jsonl before it leaves and after its answer, so running send again
never posts a batch Kiva already accepted.

Ledger states: sent (accepted; never sent again), failed (refused, or never
delivered; sent again next time), unconfirmed (the answer was lost: Kiva may have
it; check PA2: if it is there, record that with --mark-sent FILE, if not, send it
again with --resend-unconfirmed).

The send history (history.db in the config directory, see kivaconv history)
remembers what was sent from every folder: a draft whose borrower was already
sent to the same API and partner from another folder is a conflict, a batch
identical to one already sent is refused, repayments for a loan reported in the
last 25 days need --allow-repeat, and a folder whose ledger is missing or damaged
while the history says it was sent from is refused.

Exit codes: 0 everything is at Kiva; 2 bad settings, refused credentials, a
refused folder, repeats without --allow-repeat, or another send already working
on it (nothing sent); 3 some
batches failed or were not attempted; 4 some batches are unconfirmed (check
PA2); 1 unexpected error; 130 interrupted.

Examples:
   kivaconv send --dry-run samples/loans.kiva
   kivaconv send samples/loans.kiva samples/repayments.kiva
   KIVA_CLIENT_SECRET_FILE=~/.kiva/prod.secret kivaconv send --env production --yes out/*.kiva
   kivaconv send --json out/repayments.kiva > sent.json
   kivaconv send --allow-repeat out/repayments-correction.kiva`,
		Action: func(c *cli.Context) error { return runSend(c, io) },
	}
}

func runSend(c *cli.Context, io *IO) error {
	dirs := c.Args().Slice()
	if len(dirs) == 0 {
		return usageErrorf("no batch folder given (usage: kivaconv send [flags] DIR...)")
	}
	for _, a := range dirs {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			return usageErrorf("%s: flags must come before the folders (kivaconv send %s DIR...)", a, a)
		}
	}
	prof, err := resolveProfile(c, io)
	if err != nil {
		return err
	}
	client, err := newClient(c, io, prof)
	if err != nil {
		return err
	}
	rules := kiva.Rules{Today: time.Now()}
	if t := c.String("today"); t != "" {
		d, err := time.Parse("2006-01-02", t)
		if err != nil {
			return usageErrorf("--today %q: want a date like 2026-11-26", t)
		}
		rules.Today = d
	}
	refPath := c.String("reference")
	if refPath == "" {
		if p := filepath.Join(configDir(io), "reference.json"); fileExists(p) {
			refPath = p
		}
	}
	if refPath != "" {
		ref, err := kiva.LoadReference(refPath)
		if err != nil {
			return inputError(err)
		}
		rules.Reference = ref
	}
	if n := c.Int("concurrency"); n < 1 || n > 64 {
		return usageErrorf("--concurrency %d: give a number from 1 to 64", n)
	}
	if r := c.Float64("rate"); r < 0 || r > 10000 {
		return usageErrorf("--rate %g: give requests per second, e.g. 5 or 0.5", r)
	}
	if n := c.Int("retries"); n < 0 || n > 20 {
		return usageErrorf("--retries %d: give a number from 0 to 20", n)
	}
	if d := c.Duration("retry-wait"); d <= 0 || d > time.Minute {
		return usageErrorf("--retry-wait %s: give a duration from 1ms to 1m", d)
	}
	dry := c.Bool("dry-run")
	opts := send.Options{
		Dirs: dirs, API: client,
		Env: prof.Name, APIURL: prof.APIURL, PartnerID: prof.PartnerID,
		Concurrency:       c.Int("concurrency"),
		Rate:              c.Float64("rate"),
		Partial:           c.Bool("partial"),
		ResendUnconfirmed: c.Bool("resend-unconfirmed"),
		DryRun:            dry,
		MarkSent:          c.StringSlice("mark-sent"),
		Rules:             rules,
		Retry:             send.Backoff{Attempts: c.Int("retries") + 1, Base: c.Duration("retry-wait")},
		Log:               io.Err,
		Audience:          prof.Audience,
		AllowRepeat:       c.Bool("allow-repeat"),
	}
	if !dry || fileExists(historyPath(io)) {
		db, err := openHistory(io)
		if err != nil {
			return err
		}
		defer db.Close()
		opts.History = db
	}
	if prof.IsProduction() && !dry {
		opts.Confirm = productionGuard(c.Context, io, c.Bool("yes"))
	} else if !dry {
		opts.Confirm = listRepeats(io)
	}
	var bar *progressBar
	if !dry {
		// A bar on a terminal; elsewhere only the log lines, whole.
		bar = progressFor(io, "sending", "batches", 0)
		opts.Progress = func(done, total int, r *send.Result) {
			bar.SetTotal(int64(total))
			bar.Set(int64(done), r.File)
		}
		opts.Log = bar
	}
	sum, err := send.Run(c.Context, opts)
	bar.Clear()
	result := sendExit(err, sum, prof)
	switch {
	case c.Bool("json"):
		// Always a JSON object for scripts, even when nothing could be
		// planned: the error and the exit code are in it.
		out := struct {
			*send.Summary
			Error    string `json:"error,omitempty"`
			ExitCode int    `json:"exit_code"`
		}{Summary: sum, ExitCode: exitCode(result)}
		var ce *codedError
		if result != nil && !(errors.As(result, &ce) && ce.reported) {
			out.Error = result.Error()
		}
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if jerr := enc.Encode(out); jerr != nil {
			return jerr
		}
	case sum != nil:
		printSendSummary(io.Out, sum)
	}
	return result
}

// sendExit maps send's outcome to the exit code.
func sendExit(err error, sum *send.Summary, prof *apisettings.Profile) error {
	var refused *send.RefusedError
	var scope *send.ScopeError
	var repeat *send.RepeatError
	var ce *codedError
	switch {
	case errors.Is(err, send.ErrNotConfirmed), errors.Is(err, send.ErrFolderBusy), errors.Is(err, batch.ErrSymlink), errors.As(err, &refused), errors.As(err, &scope), errors.As(err, &repeat):
		return &codedError{code: exitUsage, err: err}
	case errors.As(err, &ce):
		return err
	case err != nil:
		return apiError(prof, err)
	}
	if sum == nil {
		return nil
	}
	switch {
	case sum.Counts[send.OutcomeUnconfirmed]+sum.Counts[send.OutcomeSkippedUnconfirmed] > 0:
		return reported(exitUnconfirmed)
	case sum.Counts[send.OutcomeFailed]+sum.Counts[send.OutcomeNotAttempted]+sum.Counts[send.OutcomeConflict]+sum.Counts[send.OutcomeInvalid] > 0:
		return reported(exitRejected)
	}
	return nil
}

// productionGuard asks before anything goes to production, showing the
// partner, the counts and the totals; --yes answers for scripts.
func productionGuard(ctx context.Context, io *IO, yes bool) func(*send.Plan) error {
	return func(p *send.Plan) error {
		batches, records, totals := p.ToSend()
		var tot []string
		for _, t := range totals {
			if t.Currency != "" || !t.Amount.IsZero() {
				tot = append(tot, convert.FormatAmount(t.Amount, t.Currency))
			}
		}
		what := fmt.Sprintf("%d batch file(s), %d record(s)", batches, records)
		if len(tot) > 0 {
			what += ", totalling " + strings.Join(tot, " + ")
		}
		fmt.Fprintf(io.Err, "\nPRODUCTION: about to send %s\n  to %s for partner %s.\n", what, p.APIURL, p.PartnerID)
		repeats := len(p.Repeats) > 0 && !p.AllowRepeat
		if repeats {
			printRepeats(io.Err, p.Repeats)
		}
		if (yes && !repeats) || batches == 0 {
			return nil
		}
		if yes {
			// --yes answers for scripts, not for repeated repayments.
			return &send.RepeatError{Repeats: p.Repeats}
		}
		if !io.InTTY {
			return usageErrorf("sending to production needs --yes when no one is at the terminal to confirm")
		}
		fmt.Fprintf(io.Err, "Type yes to send, anything else to stop: ")
		answer := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(io.In).ReadString('\n')
			answer <- line
		}()
		var line string
		select {
		case line = <-answer:
		case <-ctx.Done(): // Ctrl-C at the question stops, as anywhere else
			fmt.Fprintln(io.Err)
			return ctx.Err()
		}
		if !strings.EqualFold(strings.TrimSpace(line), "yes") {
			return send.ErrNotConfirmed
		}
		// The person saw the repeats and said yes.
		p.RepeatsAllowed = true
		return nil
	}
}

// listRepeats, outside production, lists the loans reported again within
// 25 days before send refuses them (without --allow-repeat).
func listRepeats(io *IO) func(*send.Plan) error {
	return func(p *send.Plan) error {
		if len(p.Repeats) > 0 && !p.AllowRepeat {
			printRepeats(io.Err, p.Repeats)
		}
		return nil
	}
}

func printRepeats(w io.Writer, reps []send.Repeat) {
	fmt.Fprintf(w, "\n%d loan(s) were already reported by another repayments upload in the last 25 days:\n", len(reps))
	for _, r := range reps {
		fmt.Fprintf(w, "  %s %s: loan %s, reported on %s from %s (%s)\n", r.Dir, r.File, r.LoanID, r.Prior.Time.Local().Format("2006-01-02 15:04"), r.Prior.Folder, r.Prior.File)
	}
}

// printSendSummary writes the human summary: per folder, a table of the
// batches (only the ones needing attention when there are many), then the
// counts and what to do next.
func printSendSummary(w io.Writer, s *send.Summary) {
	partner := s.PartnerID
	if partner == "" {
		partner = "(from the token)"
	}
	target := fmt.Sprintf("%s (%s, partner %s)", s.Env, s.APIURL, partner)
	refused := len(s.Refused) > 0
	switch {
	case refused && s.DryRun:
		fmt.Fprintf(w, "Dry run: nothing would be sent to %s: %s refused\n", target, foldersWord(s.Refused))
	case refused:
		fmt.Fprintf(w, "Nothing was sent to %s: %s refused\n", target, foldersWord(s.Refused))
	case s.DryRun:
		fmt.Fprintf(w, "Dry run: would send to %s\n", target)
	default:
		fmt.Fprintf(w, "Sent to %s\n", target)
	}
	for _, m := range s.Marked {
		if m.Already {
			fmt.Fprintf(w, "%s was already recorded as sent: nothing changed.\n", filepath.Join(m.Dir, m.File))
		} else {
			fmt.Fprintf(w, "Marked %s as sent (found in PA2): it is in the ledger and the send history, and will not be sent again.\n", filepath.Join(m.Dir, m.File))
		}
	}
	for _, f := range s.Folders {
		fmt.Fprintf(w, "\n%s (%s)\n", f.Dir, f.Kind)
		for _, e := range f.Errors {
			fmt.Fprintf(w, "  error: %s\n", e)
		}
		for _, e := range f.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", e)
		}
		const many = 60
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  FILE\tRECORDS\tRESULT\tDETAIL")
		hidden := 0
		for _, r := range f.Results {
			quiet := r.Outcome == send.OutcomeSent || r.Outcome == send.OutcomeAlreadySent || r.Outcome == send.OutcomeWouldSend
			if quiet && len(f.Results) > many {
				hidden++
				continue
			}
			detail := resultDetail(r)
			if refused && r.Outcome == send.OutcomeNotAttempted {
				detail = joinDetail(detail, notAttemptedWhy(f))
			}
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", r.File, r.Records, strings.ReplaceAll(string(r.Outcome), "_", " "), detail)
		}
		tw.Flush()
		if hidden > 0 {
			fmt.Fprintf(w, "  (%d sent or already-sent batches not listed; --json lists all)\n", hidden)
		}
		if len(f.ConfirmURLs) > 0 {
			fmt.Fprintf(w, "  Open each link to publish the journals (also in %s):\n", f.ConfirmFile)
			for _, u := range f.ConfirmURLs {
				fmt.Fprintf(w, "    %s\n", u)
			}
		}
	}
	c := s.Counts
	notAttempted := c[send.OutcomeNotAttempted]
	fmt.Fprintln(w)
	switch {
	case refused:
		fmt.Fprintf(w, "Nothing was sent: %s refused. %d invalid, %d conflict, %d already sent, %d not attempted.\n",
			foldersWord(s.Refused), c[send.OutcomeInvalid], c[send.OutcomeConflict], c[send.OutcomeAlreadySent], notAttempted)
		fmt.Fprintln(w, "Fix the errors listed for the refused folder (in the workbook, then convert it again), or send its valid batches with --partial.")
		return
	case s.DryRun:
		fmt.Fprintf(w, "%d to send, %d already sent, %d unconfirmed (skipped), %d not sendable. Nothing was sent.\n",
			c[send.OutcomeWouldSend], c[send.OutcomeAlreadySent], c[send.OutcomeSkippedUnconfirmed], c[send.OutcomeInvalid]+c[send.OutcomeConflict])
		return
	}
	fmt.Fprintf(w, "%d sent now, %d already sent, %d failed, %d unconfirmed, %d not attempted.\n",
		c[send.OutcomeSent], c[send.OutcomeAlreadySent], c[send.OutcomeFailed],
		c[send.OutcomeUnconfirmed]+c[send.OutcomeSkippedUnconfirmed], notAttempted+c[send.OutcomeConflict]+c[send.OutcomeInvalid])
	if s.Stopped != "" {
		fmt.Fprintf(w, "Stopped early: %s.\n", s.Stopped)
	}
	if c[send.OutcomeUnconfirmed]+c[send.OutcomeSkippedUnconfirmed] > 0 {
		fmt.Fprintln(w, "Unconfirmed batches may have reached Kiva: check PA2 (Loans → Drafts, Repayments). Record the ones that are there with --mark-sent FILE; send the others again with --resend-unconfirmed.")
	}
	if c[send.OutcomeFailed]+c[send.OutcomeNotAttempted] > 0 {
		fmt.Fprintln(w, "Failed and not-attempted batches are safe to send again: fix what Kiva said, then run the same command.")
	}
	if c[send.OutcomeSent] > 0 {
		fmt.Fprintln(w, "Everything sent is a draft for a person: publish loan drafts and finalize repayments in PA2.")
	}
}

// foldersWord is "loans.kiva is" or "2 folders are".
func foldersWord(dirs []string) string {
	if len(dirs) == 1 {
		return dirs[0] + " is"
	}
	return fmt.Sprintf("%d folders are", len(dirs))
}

// notAttemptedWhy says why a batch of a run with a refused folder was not
// attempted: its own folder, or another one, was refused.
func notAttemptedWhy(f send.FolderSummary) string {
	if f.Refused {
		return "its folder is refused"
	}
	return "another folder is refused"
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func resultDetail(r send.Result) string {
	var parts []string
	if r.Request != "" && r.Outcome == send.OutcomeWouldSend {
		parts = append(parts, r.Request)
	}
	if r.LoanID != "" {
		parts = append(parts, "loan "+r.LoanID)
	}
	if r.LoanDraftUUID != "" {
		parts = append(parts, "draft "+r.LoanDraftUUID)
	}
	if r.UploadID != "" {
		parts = append(parts, "upload "+r.UploadID)
	}
	if r.Attempts > 1 {
		parts = append(parts, fmt.Sprintf("%d attempts", r.Attempts))
	}
	if len(r.Problems) > 0 {
		parts = append(parts, fmt.Sprintf("Kiva noted %d problem(s): %s", len(r.Problems), strings.Join(r.Problems, "; ")))
	}
	if r.Message != "" {
		parts = append(parts, r.Message)
	}
	return strings.Join(parts, "; ")
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
