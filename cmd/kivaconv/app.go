package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/loanlist"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// run is the whole program: it builds the CLI, runs it and maps the outcome
// to an exit code. Tests call it directly.
func run(ctx context.Context, args []string, io *IO) (code int) {
	defer func() {
		// A crash still explains itself and, from Explorer, waits for Enter.
		if r := recover(); r != nil {
			fmt.Fprintf(io.Err, "kivaconv: internal error: %v\nPlease send this message and the file you converted to your IT contact.\n%s", r, debug.Stack())
			code = exitError
			waitForEnter(io)
		}
	}()
	app := newApp(io)
	err := app.RunContext(ctx, args)
	var ce *codedError
	if err != nil && !(errors.As(err, &ce) && ce.reported) {
		fmt.Fprintf(io.Err, "kivaconv: %v\n", err)
	}
	code = exitCode(err)
	waitForEnter(io)
	return code
}

// waitForEnter keeps the console open when Explorer started the program:
// Windows closes it as soon as the program exits.
func waitForEnter(io *IO) {
	if io.Explorer {
		fmt.Fprint(io.Err, "\nPress Enter to close this window.")
		fmt.Fscanln(io.In)
	}
}

func newApp(io *IO) *cli.App {
	convertFlags := []cli.Flag{
		&cli.StringFlag{Name: "mapping", Aliases: []string{"m"}, EnvVars: []string{"KIVACONV_MAPPING"},
			Usage: "mapping `FILE` or name (default: the best fit among the embedded and installed mappings)"},
		&cli.StringFlag{Name: "reference", Aliases: []string{"r"}, EnvVars: []string{"KIVACONV_REFERENCE"},
			Usage: "reference-data `FILE` (Kiva config lists) for names → ids (default: reference.json in the config directory, written by config pull, then beside the input)"},
		&cli.StringFlag{Name: "today", EnvVars: []string{"KIVACONV_TODAY"},
			Usage: "the date rules count from, `YYYY-MM-DD` (default: today)"},
		&cli.BoolFlag{Name: "strict", EnvVars: []string{"KIVACONV_STRICT"}, Usage: "treat warnings as errors"},
		&cli.StringFlag{Name: "encoding", EnvVars: []string{"KIVACONV_ENCODING"},
			Usage: "text encoding of CSV input, e.g. windows-1252 (default: detect)"},
		&cli.StringFlag{Name: "delimiter", Usage: "CSV delimiter: , ; tab or | (default: detect)"},
		&cli.BoolFlag{Name: "json", Usage: "print a machine-readable summary on stdout"},
		&cli.StringFlag{Name: "expected", Usage: "repayments only: compare the report with the loans Kiva expects, listed in `FILE` (kivaconv loans --out, or a repayments template)"},
	}
	writeFlags := []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, EnvVars: []string{"KIVACONV_OUT"},
			Usage: "output `DIR` (default: <input>.kiva beside the input; with several inputs, DIR/<input>.kiva)"},
		&cli.BoolFlag{Name: "overwrite", Usage: "convert into a folder that send has already used"},
		&cli.StringFlag{Name: "annotate", Value: "auto", EnvVars: []string{"KIVACONV_ANNOTATE"},
			Usage: "write <input>.checked.xlsx, a copy of the input with bad cells marked: auto (when there are problems, up to 50,000 rows), always, never"},
	}
	app := &cli.App{
		Name:      "kivaconv",
		Usage:     "turn MIS spreadsheet exports into Kiva Partner API JSON batches",
		UsageText: "kivaconv [command] [flags] FILE...\n\nDrag a workbook onto kivaconv.exe, or run: kivaconv loans.xlsx",
		Version:   versionString(),
		Writer:    io.Out,
		ErrWriter: io.Err,
		Reader:    io.In,
		// Errors are printed and mapped to exit codes in run, never here.
		ExitErrHandler: func(*cli.Context, error) {},
		Suggest:        true,
		Flags:          append(append([]cli.Flag{}, convertFlags...), writeFlags...),
		Description: `Exit codes: 0 ok (warnings allowed); 1 unexpected error; 2 usage error or unreadable
input; 3 batches written but rows rejected or errors found (validate: errors found;
send: some batches failed); 4 send: some batches unconfirmed, check PA2; 130 interrupted.

Flags go before the files: kivaconv convert --out batches loans.xlsx

Examples:
   kivaconv loans.xlsx                    convert with defaults (what a drag-and-drop does)
   kivaconv validate repayments.csv       list every problem; write nothing
   kivaconv send loans.kiva               post a reviewed folder to Kiva
   kivaconv help convert                  more about one command
   kivaconv completion bash               Tab completion for your shell`,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			// A bare file list is a drag-and-drop: convert with defaults.
			for _, a := range c.Args().Slice() {
				if strings.HasPrefix(a, "-") && len(a) > 1 {
					return usageErrorf("%s: flags must come before the files: %s", a, flagsFirst("kivaconv", c.App.Flags, c.Args().Slice()))
				}
				if _, err := os.Stat(a); err != nil && !strings.ContainsAny(a, `./\`) {
					return usageErrorf("%s: no such file or command (see kivaconv --help)", a)
				}
			}
			return runConvert(c, io, cmdDrop)
		},
		Commands: []*cli.Command{
			{
				Name:      "convert",
				Usage:     "convert spreadsheets into batch folders for review",
				ArgsUsage: "FILE...",
				Description: `Writes <input>.kiva/ beside each input: manifest.json, the batch files (the exact
JSON bodies send will post), report.txt and errors.csv. Valid records are written,
rejected rows are listed with their cell.

Examples:
   kivaconv convert samples/loans.xlsx
   kivaconv convert -m mymis.yaml --reference reference.json --out out export.csv
   kivaconv convert --json repayments-*.csv > summary.json`,
				Flags: append(append([]cli.Flag{}, convertFlags...), writeFlags...),
				Action: func(c *cli.Context) error {
					return runConvert(c, io, cmdConvert)
				},
			},
			{
				Name:      "preview",
				Usage:     "dry run: print the JSON of the first records and the summary; write nothing",
				ArgsUsage: "FILE...",
				Description: `Examples:
   kivaconv preview samples/repayments.xlsx
   kivaconv preview --records 1 samples/loans.xlsx`,
				Flags: append(append([]cli.Flag{}, convertFlags...),
					&cli.IntFlag{Name: "records", Aliases: []string{"n"}, Value: 3, Usage: "how many records to show"}),
				Action: func(c *cli.Context) error {
					return runConvert(c, io, cmdPreview)
				},
			},
			{
				Name:      "validate",
				Usage:     "check spreadsheets and list every problem; write nothing",
				ArgsUsage: "FILE...",
				Description: `Exit code 0 when there is no error, 3 when there are errors.

Examples:
   kivaconv validate samples/loans.xlsx
   kivaconv validate --strict --json export.xlsx`,
				Flags: convertFlags,
				Action: func(c *cli.Context) error {
					return runConvert(c, io, cmdValidate)
				},
			},
			mappingsCommand(io),
		},
	}
	app.Commands = append(app.Commands, apiCommands(io)...)
	addCompletion(app, io) // last: it covers every command above
	return app
}

// inputs returns the file arguments, rejecting flags placed after files.
func inputs(c *cli.Context) ([]string, error) {
	args := c.Args().Slice()
	if len(args) == 0 {
		return nil, usageErrorf("no input file (usage: kivaconv %s [flags] FILE...)", c.Command.Name)
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			return nil, usageErrorf("%s: flags must come before the files: %s", a,
				flagsFirst("kivaconv "+c.Command.Name, c.Command.Flags, args))
		}
	}
	return args, nil
}

// flagsFirst is the command line the user meant when they put flags after
// the files ("kivaconv convert loans.xlsx --out x" → "kivaconv convert
// --out x loans.xlsx"): the flags found among the arguments with their values, then the files. (Flags already
// before the files are the user's to keep: urfave/cli does not give their
// spelling back.)
func flagsFirst(prefix string, flags []cli.Flag, args []string) string {
	takesValue := map[string]bool{}
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var front, files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || len(a) == 1 {
			files = append(files, shellWord(a))
			continue
		}
		front = append(front, shellWord(a))
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(args) {
			i++
			front = append(front, shellWord(args[i]))
		}
	}
	return strings.Join(append([]string{prefix}, append(front, files...)...), " ")
}

// shellWord quotes a word for a command line a user can copy, when it
// holds spaces or quotes.
func shellWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\"'$`&|;<>()*?") {
		return w
	}
	return `"` + strings.NewReplacer(`"`, `\"`, "$", `\$`, "`", "\\`").Replace(w) + `"`
}

// settings are the resolved convert options shared by every input.
type settings struct {
	mapping    *mappings.Mapping
	candidates []*mappings.Mapping
	refPath    string
	today      time.Time
	opts       convert.Options
}

func loadSettings(c *cli.Context, io *IO) (*settings, error) {
	s := &settings{}
	dirs := mappingDirs(io)
	cands, errs := mappings.Candidates(dirs...)
	for _, e := range errs {
		fmt.Fprintf(io.Err, "kivaconv: warning: %v\n", e)
	}
	s.candidates = cands
	if name := c.String("mapping"); name != "" {
		m, err := resolveMapping(name, cands)
		if err != nil {
			return nil, inputError(err)
		}
		s.mapping = m
	}
	s.today = time.Now()
	if t := c.String("today"); t != "" {
		d, err := time.Parse("2006-01-02", t)
		if err != nil {
			return nil, usageErrorf("--today %q: want a date like 2026-11-26", t)
		}
		s.today = d
	}
	s.refPath = c.String("reference")
	var delim rune
	switch d := c.String("delimiter"); d {
	case "":
	case ",", ";", "|":
		delim = rune(d[0])
	case "tab", `\t`, "\t":
		delim = '\t'
	default:
		return nil, usageErrorf("--delimiter %q: use , ; tab or |", d)
	}
	s.opts = convert.Options{
		Mapping:    s.mapping,
		Candidates: cands,
		Today:      s.today,
		Strict:     c.Bool("strict"),
		Encoding:   c.String("encoding"),
		Delimiter:  delim,
		Version:    version,
	}
	if path := c.String("expected"); path != "" {
		set, err := loanlist.Read(path)
		if err != nil {
			return nil, inputError(fmt.Errorf("--expected: %w", err))
		}
		s.opts.Expected = set
	}
	return s, nil
}

// mappingDirs are the folders searched for *.yaml mappings besides the
// embedded defaults: "mappings" beside the executable, then the user's
// config directory.
func mappingDirs(io *IO) []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(exe), "mappings"))
	}
	if d := configDir(io); d != "" {
		dirs = append(dirs, filepath.Join(d, "mappings"))
	}
	return dirs
}

// configDir is kivaconv's folder in the user's config directory
// (KIVACONV_CONFIG_DIR overrides it).
func configDir(io *IO) string {
	if d := io.Getenv("KIVACONV_CONFIG_DIR"); d != "" {
		return d
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "kivaconv")
}

// resolveMapping loads a mapping given as a path, or finds it by name.
func resolveMapping(name string, cands []*mappings.Mapping) (*mappings.Mapping, error) {
	if _, err := os.Stat(name); err == nil {
		return mappings.Load(name)
	}
	for _, m := range cands {
		if m.Name == name {
			return m, nil
		}
	}
	var names []string
	for _, m := range cands {
		names = append(names, m.Name)
	}
	return nil, fmt.Errorf("mapping %q: no such file, and no mapping has that name (known: %s)", name, strings.Join(names, ", "))
}

// reference finds and loads the reference data for one input.
func (s *settings) reference(io *IO, input string) (*kiva.Reference, string, error) {
	path := s.refPath
	if path == "" {
		// Kiva's own lists, pulled by config pull, come first; then a file
		// kept beside the workbook (the samples have one).
		cands := []string{filepath.Join(configDir(io), "reference.json"), filepath.Join(filepath.Dir(input), "reference.json")}
		if convert.IsAnnotatedCopy(input) {
			// The annotated copy sits in the output folder; the reference
			// data is beside the original workbook.
			cands = append(cands, filepath.Join(filepath.Dir(filepath.Dir(input)), "reference.json"))
		}
		for _, p := range cands {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				path = p
				break
			}
		}
	}
	if path == "" {
		return nil, "", nil
	}
	ref, err := kiva.LoadReference(path)
	if err != nil {
		return nil, "", inputError(err)
	}
	return ref, path, nil
}
