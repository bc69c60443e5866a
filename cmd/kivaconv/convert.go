package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/annotate"
	"github.com/kiva-partners/kivaconv/internal/review"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// fileResult is one input's outcome for --json.
type fileResult struct {
	*convert.Summary
	Issues  []issueJSON `json:"issues"`
	Preview []any       `json:"preview,omitempty"` // preview only
	Error   string      `json:"error,omitempty"`   // why the file could not be converted at all; absent on success
	Input   string      `json:"input"`
}

type issueJSON struct {
	Severity string `json:"severity"`
	File     string `json:"file"`
	Sheet    string `json:"sheet,omitempty"`
	Cell     string `json:"cell,omitempty"`
	Row      int    `json:"row,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   string `json:"column,omitempty"`
	Field    string `json:"field,omitempty"`
	Value    string `json:"value,omitempty"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
	Record   string `json:"record,omitempty"`
}

func toJSONIssue(i convert.Issue) issueJSON {
	j := issueJSON{Severity: i.Severity.String(), File: filepath.Base(i.Pos.File), Sheet: i.Pos.Sheet,
		Row: i.Pos.Row, Line: i.Pos.Line, Column: i.Column, Field: i.Field, Value: i.Value,
		Message: i.Message, Hint: i.Hint, Record: i.Record}
	if i.Pos.Row > 0 && i.Pos.Col > 0 {
		j.Cell = i.Pos.CellRef()
	}
	return j
}

// command is what the user asked of the files.
type command int

const (
	cmdConvert  command = iota // write batch folders
	cmdDrop                    // convert, worded for a coordinator who dropped a file
	cmdPreview                 // dry run: first records and summary
	cmdValidate                // dry run: problems only
)

// runConvert converts, previews or validates every input and prints the
// outcome; the exit code is the worst outcome of all files.
func runConvert(c *cli.Context, io *IO, cmd command) error {
	files, err := inputs(c)
	if err != nil {
		return err
	}
	s, err := loadSettings(c, io)
	if err != nil {
		return err
	}
	mode := convert.Write
	if cmd == cmdPreview || cmd == cmdValidate {
		mode = convert.DryRun
	}
	jsonOut := c.Bool("json")
	outDirs, err := outputDirs(files, c.String("out"), mode)
	if err != nil {
		return err
	}
	results := []fileResult{}
	worst := exitOK
	for i, f := range files {
		if err := c.Context.Err(); err != nil {
			return err
		}
		opts := s.opts
		opts.Input, opts.Mode, opts.OutDir = copyPath(f), mode, outDirs[i]
		if mode == convert.Write {
			opts.Overwrite = c.Bool("overwrite")
			switch a := c.String("annotate"); a {
			case "auto", "":
				opts.Annotate = convert.AnnotateAuto
			case "always":
				opts.Annotate = convert.AnnotateAlways
			case "never":
				opts.Annotate = convert.AnnotateNever
			default:
				return usageErrorf("--annotate %q: use auto, always or never", a)
			}
			opts.Target = sendTarget(c, io)
		}
		if cmd == cmdPreview {
			opts.Preview = c.Int("records")
		}
		err := besideMapping(s, &opts)
		var ref *kiva.Reference
		var refPath string
		if err == nil {
			ref, refPath, err = s.reference(io, opts.Input)
		}
		if err == nil && mode == convert.Write {
			err = refuseOutputLinks(opts)
		}
		var sum *convert.Summary
		if err == nil {
			opts.Reference, opts.ReferencePath = ref, refPath
			var bar *progressBar
			if io.ErrTTY && !jsonOut {
				bar = progressFor(io, filepath.Base(f), "rows", 0)
				opts.Progress = func(n int) { bar.Set(int64(n), "") }
			}
			sum, err = convert.Run(c.Context, opts)
			bar.Clear()
		}
		code := exitOK
		switch {
		case err != nil:
			err = classify(err)
			code = exitCode(err)
		case sum.Rejected > 0 || sum.Errors > 0:
			code = exitRejected
		}
		worst = worse(worst, code)
		switch {
		case jsonOut:
			results = append(results, jsonResult(f, sum, err))
		case err != nil:
			printFailure(io, f, err, cmd == cmdDrop)
		case cmd == cmdValidate:
			for _, i := range sum.Issues {
				fmt.Fprintln(io.Out, i.Text())
			}
			if sum.IssuesTruncated > 0 {
				fmt.Fprintf(io.Err, "%s: %d more problems not listed (too many to keep): fix these first, or convert to get errors.csv with every one\n", filepath.Base(f), sum.IssuesTruncated)
			}
			fmt.Fprintf(io.Err, "%s: %s, %d error(s), %d warning(s)\n", filepath.Base(f), rowsWord(sum.Rows), sum.Errors, sum.Warnings)
		default:
			// Changed columns first: they explain whatever follows.
			if d := convert.DriftText(sum); d != "" {
				fmt.Fprintf(io.Err, "%s: the columns differ from the ones the mapping was made for:\n%s", filepath.Base(f), d)
			}
			if cmd == cmdPreview {
				printPreview(io, sum)
			}
			printIssues(io, sum)
			printSummary(io, sum, cmd)
		}
	}
	if jsonOut {
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any{"version": version, "results": results, "exit_code": worst}); err != nil {
			return err
		}
	}
	return reported(worst)
}

// besideMapping uses the mapping `mappings init` wrote beside the input
// ("loans.mapping.yaml" beside "loans.xlsx"), unless --mapping chose one:
// a coordinator who dropped the workbook cannot name it.
func besideMapping(s *settings, opts *convert.Options) error {
	if s.mapping != nil {
		return nil
	}
	p := convert.MappingBeside(opts.Input)
	if p == "" {
		return nil
	}
	m, err := mappings.Load(p)
	if err != nil {
		return inputError(fmt.Errorf("the mapping beside the file could not be read (fix it, or move it away to use the built-in mappings): %w", err))
	}
	opts.Mapping, opts.MappingBeside = m, true
	return nil
}

// copyPath is the absolute path of an annotated copy in its own output
// folder ("loans.checked.xlsx" typed inside loans.kiva), so that its
// photos and reference data are looked for one folder up, beside the
// original workbook; any other path as given.
func copyPath(f string) string {
	if !convert.IsAnnotatedCopy(f) || filepath.IsAbs(f) {
		return f
	}
	if abs, err := filepath.Abs(f); err == nil {
		return abs
	}
	return f
}

func rowsWord(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// outputDirs is the output folder of each input, refusing two inputs that
// would write the same folder (repayments.xlsx and repayments.csv, or
// jan/pay.xlsx and feb/pay.xlsx with one --out).
func outputDirs(files []string, out string, mode convert.Mode) ([]string, error) {
	dirs := make([]string, len(files))
	if mode != convert.Write {
		return dirs, nil
	}
	seen := map[string]string{}
	for i, f := range files {
		d := convert.DefaultOutDir(copyPath(f))
		switch {
		case out != "" && len(files) == 1:
			d = out
		case out != "":
			d = filepath.Join(out, filepath.Base(d))
		}
		key := filepath.Clean(d)
		if prev, dup := seen[key]; dup {
			return nil, usageErrorf("%s and %s would both be written to %s: convert them one at a time with --out, or rename one", prev, f, d)
		}
		seen[key] = f
		dirs[i] = d
	}
	return dirs, nil
}

// refuseOutputLinks refuses, before anything is written, a symbolic link
// where convert would write review.html or the annotated copy: those are
// extras, whose failure is only a note in the summary, but a link in their
// place must stop the conversion as one in the place of the batch folder's
// own files does (batch.Create refuses those).
func refuseOutputLinks(opts convert.Options) error {
	paths := []string{filepath.Join(opts.OutDir, review.File)}
	if opts.Annotate != convert.AnnotateNever {
		paths = append(paths, filepath.Join(opts.OutDir, annotate.FileName(opts.Input)))
	}
	for _, p := range paths {
		if err := batch.RefuseSymlink(p); err != nil {
			return err
		}
	}
	return nil
}

// classify marks input problems (unreadable file, no mapping fits,
// missing columns) as usage errors; the rest are unexpected.
func classify(err error) error {
	var ce *codedError
	if errors.As(err, &ce) {
		return err
	}
	var me mappings.ErrorList
	if convert.IsInputError(err) || errors.As(err, &me) || errors.Is(err, batch.ErrAlreadySent) || errors.Is(err, batch.ErrSymlink) {
		return inputError(err)
	}
	return err
}

func jsonResult(f string, sum *convert.Summary, err error) fileResult {
	r := fileResult{Summary: sum, Input: f, Issues: []issueJSON{}}
	if err != nil {
		r.Summary = nil
		r.Error = err.Error()
		return r
	}
	for _, i := range sum.Issues {
		r.Issues = append(r.Issues, toJSONIssue(i))
	}
	r.Preview = sum.Preview
	return r
}

func printFailure(io *IO, f string, err error, friendly bool) {
	if friendly {
		name := filepath.Base(f)
		fmt.Fprintf(io.Err, "\n%s could not be converted:\n  %s\n", name, strings.TrimPrefix(err.Error(), name+": "))
		return
	}
	fmt.Fprintf(io.Err, "kivaconv: %v\n", err)
}

// maxShownIssues is how many issue lines go to the terminal; all of them
// are in errors.csv and --json.
const maxShownIssues = 30

func printIssues(io *IO, sum *convert.Summary) {
	shown := 0
	for _, i := range sum.Issues {
		if shown == maxShownIssues {
			break
		}
		fmt.Fprintln(io.Err, colorize(io, i.Severity.String(), i.Text()))
		shown++
	}
	more := sum.Errors + sum.Warnings - shown
	switch {
	case more <= 0:
	case sum.OutDir == "":
		fmt.Fprintf(io.Err, "… and %d more: kivaconv validate lists them\n", more)
	case sum.IssuesTruncated > 0:
		fmt.Fprintf(io.Err, "… and %d more: errors.csv lists every one (report.txt the first %d)\n", more, len(sum.Issues))
	default:
		fmt.Fprintf(io.Err, "… and %d more, listed in report.txt and errors.csv\n", more)
	}
}

func colorize(io *IO, sev, s string) string {
	if !io.Color {
		return s
	}
	if sev == "error" {
		return "\033[31m" + s + "\033[0m"
	}
	return "\033[33m" + s + "\033[0m"
}

func printPreview(io *IO, sum *convert.Summary) {
	for _, p := range sum.Preview {
		if d, ok := p.(*kiva.LoanDraft); ok && len(d.ImageEncoded) > 80 {
			cp := *d // a photo is thousands of characters: show its start
			cp.ImageEncoded = fmt.Sprintf("%s… (%d characters)", d.ImageEncoded[:60], len(d.ImageEncoded))
			p = &cp
		}
		b, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			continue
		}
		fmt.Fprintln(io.Out, string(b))
	}
}

func printSummary(io *IO, sum *convert.Summary, cmd command) {
	w := io.Out
	if cmd == cmdDrop {
		fmt.Fprintln(w, convert.FriendlySummary(sum))
		return
	}
	fmt.Fprint(w, convert.SummaryText(sum))
	if cmd == cmdConvert && sum.Errors+sum.Warnings > 0 {
		fmt.Fprintf(w, "  problems:  listed in %s\n", filepath.Join(sum.OutDir, "report.txt"))
	}
	if sum.Review != "" {
		fmt.Fprintf(w, "  review:    %s\n", sum.Review)
	}
	if sum.Annotated != "" {
		fmt.Fprintf(w, "  annotated: %s (bad cells marked; fix there and convert it again)\n", sum.Annotated)
	}
}

// sendTarget says where send would post, for review.html: the profile the
// settings name, without any network call; "" when the settings are
// incomplete or wrong (convert does not need them).
func sendTarget(c *cli.Context, io *IO) string {
	p, err := resolveProfile(c, io)
	if err != nil || p == nil || p.APIURL == "" {
		return ""
	}
	t := p.Name + ": " + p.APIURL
	if p.PartnerID != "" {
		t += ", partner " + p.PartnerID
	}
	return t
}
