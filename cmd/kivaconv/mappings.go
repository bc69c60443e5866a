package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/mappings"
)

func mappingsCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:  "mappings",
		Usage: "list, show, write or describe column mappings",
		Description: `A mapping says which column of your MIS export holds which Kiva field. The
built-in ones fit kivaconv's templates; mappings init writes one for your own export.

Examples:
   kivaconv mappings list
   kivaconv mappings init loans-export.xlsx
   kivaconv mappings show loans`,
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list the mappings kivaconv can pick from",
				Description: `Lists the built-in mappings and the *.yaml files in the "mappings" folder beside
kivaconv and in the config directory's "mappings" folder, one per line: name, kind,
where it comes from. A file with a built-in mapping's name replaces it.

Examples:
   kivaconv mappings list`,
				Action: func(c *cli.Context) error {
					cands, errs := mappings.Candidates(mappingDirs(io)...)
					for _, e := range errs {
						fmt.Fprintf(io.Err, "kivaconv: warning: %v\n", e)
					}
					for _, m := range cands {
						fmt.Fprintf(io.Out, "%-14s %-11s %s\n", m.Name, m.Kind, m.Source)
					}
					return nil
				},
			},
			{
				Name:      "show",
				Usage:     "print a mapping's YAML (a starting point for your own)",
				ArgsUsage: "NAME",
				Description: `Examples:
   kivaconv mappings show repayments > mymis.yaml
   kivaconv mappings show loans
   kivaconv mappings show ./mymis.yaml`,
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return usageErrorf("usage: kivaconv mappings show NAME")
					}
					cands, _ := mappings.Candidates(mappingDirs(io)...)
					m, err := resolveMapping(c.Args().First(), cands)
					if err != nil {
						return inputError(err)
					}
					data, err := mappingSource(m)
					if err != nil {
						return err
					}
					_, err = io.Out.Write(data)
					return err
				},
			},
			mappingsInitCommand(io),
			{
				Name:  "schema",
				Usage: "print the JSON Schema of mapping files (for editor autocompletion)",
				Description: `Save it beside your mapping and start the mapping with the line
   # yaml-language-server: $schema=schema.json
for completion and checks in VS Code's YAML extension.

Examples:
   kivaconv mappings schema > schema.json`,
				Action: func(c *cli.Context) error {
					_, err := io.Out.Write(mappings.Schema())
					return err
				},
			},
		},
	}
}

// mappingSource returns the YAML a mapping was read from.
func mappingSource(m *mappings.Mapping) ([]byte, error) {
	if strings.HasPrefix(m.Source, "embedded:") {
		return mappings.EmbeddedYAML(m.Name)
	}
	return os.ReadFile(m.Source)
}

func mappingsInitCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write a starter mapping for an unfamiliar MIS export",
		ArgsUsage: "WORKBOOK",
		Description: `Reads the workbook or CSV file (its header and up to 200 rows), matches each
header to a Kiva field by the names and aliases of the built-in mappings, then by
meaning in English, French, Spanish or Portuguese ("Montant remboursé", "Monto",
"Sexo"...), and suggests how each column is read from its data: date cells or
text dates and their format, decimal comma or point and thousands separators,
ids with leading zeros, yes/no and gender words.

The mapping is written to WORKBOOK-NAME.mapping.yaml beside the file (or --out),
never over an existing file unless --force. Each field's comment says how sure
the match is; columns no field reads are listed at the end. A required field no
column fits is written as column: TODO, and kivaconv refuses the mapping, naming
the line, until a person replaces it. The mapping also records the export's
columns: when a later export's columns change, convert says so first.

Prints the mapping's path on stdout and what to check on stderr.

Examples:
   kivaconv mappings init export-prets.xlsx
   kivaconv mappings init --kind repayments --out mymis.yaml remboursements.csv
   kivaconv mappings init --sheet Cartera --name cartera prestamos.xlsx
   kivaconv validate -m export-prets.mapping.yaml export-prets.xlsx`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "kind", Aliases: []string{"k"},
				Usage: "what the file holds: loan_draft, repayments or journals (default: guessed from the headers)"},
			&cli.StringFlag{Name: "sheet", Usage: "the `SHEET` holding the records (default: the one that fits best)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"},
				Usage: "mapping `FILE` to write (default: <workbook name>.mapping.yaml beside the workbook)"},
			&cli.StringFlag{Name: "name", Usage: "the mapping's `NAME` (default: from the file name)"},
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "replace the output file if it exists"},
			&cli.StringFlag{Name: "encoding", Usage: "text encoding of CSV input, e.g. windows-1252 (default: detect)"},
			&cli.StringFlag{Name: "delimiter", Usage: "CSV delimiter: , ; tab or | (default: detect)"},
		},
		Action: func(c *cli.Context) error {
			opts, err := mappingsInitOptions(c)
			if err != nil {
				return err
			}
			return runMappingsInit(io, opts)
		},
	}
}

// initOptions is what `kivaconv mappings init` was asked.
type initOptions struct {
	file  string
	out   string
	force bool
	mappings.InitOptions
}

func mappingsInitOptions(c *cli.Context) (initOptions, error) {
	const usage = "usage: kivaconv mappings init [--kind K] [--sheet NAME] [--out FILE] [--name NAME] [--force] WORKBOOK"
	if c.NArg() != 1 {
		return initOptions{}, usageErrorf("%s", usage)
	}
	o := initOptions{file: c.Args().First(), out: c.String("out"), force: c.Bool("force")}
	if strings.HasPrefix(o.file, "-") && len(o.file) > 1 {
		return o, usageErrorf("%s: flags must come before the workbook (%s)", o.file, usage)
	}
	switch k := mappings.Kind(c.String("kind")); k {
	case "", mappings.LoanDraft, mappings.Repayments, mappings.Journals:
		o.Kind = k
	default:
		return o, usageErrorf("--kind %q: use loan_draft, repayments or journals", k)
	}
	o.Sheet, o.Name, o.Encoding = c.String("sheet"), c.String("name"), c.String("encoding")
	switch d := c.String("delimiter"); d {
	case "":
	case ",", ";", "|":
		o.Delimiter = rune(d[0])
	case "tab", `\t`, "\t":
		o.Delimiter = '\t'
	default:
		return o, usageErrorf("--delimiter %q: use , ; tab or |", d)
	}
	if o.out == "" {
		base := filepath.Base(o.file)
		o.out = filepath.Join(filepath.Dir(o.file), strings.TrimSuffix(base, filepath.Ext(base))+".mapping.yaml")
	}
	return o, nil
}

// runMappingsInit writes the starter mapping and says what to check.
func runMappingsInit(io *IO, o initOptions) error {
	if !o.force {
		if _, err := os.Stat(o.out); err == nil {
			return usageErrorf("%s already exists: use --force to replace it, or --out to write another file", o.out)
		}
	}
	st, err := mappings.Init(o.file, o.InitOptions)
	if err != nil {
		if input.IsInputError(err) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return inputError(err)
		}
		if o.Kind == "" && o.Name == "" && o.Sheet == "" {
			return err
		}
		return inputError(err) // a bad --name or --sheet
	}
	if o.force {
		err = batch.WriteFileAtomic(o.out, st.YAML)
	} else {
		err = writeNew(o.out, st.YAML)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(io.Out, o.out)
	printStarter(io, o, st)
	return nil
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return usageErrorf("%s already exists: use --force to replace it, or --out to write another file", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// maxListedColumns is how many unread columns printStarter names.
const maxListedColumns = 20

// printStarter tells, on stderr, what the wizard found and what a person
// must check.
func printStarter(io *IO, o initOptions, st *mappings.Starter) {
	w := io.Err
	where := ""
	if st.Sheet != "" {
		where = fmt.Sprintf("sheet %q, ", st.Sheet)
	}
	if st.KindGuessed {
		var scores []string
		for _, k := range st.Kinds {
			scores = append(scores, fmt.Sprintf("%s %.2f", k.Kind, k.Score))
		}
		fmt.Fprintf(w, "kind: %s (guessed from the headers: %s; use --kind to choose)\n", st.Kind, strings.Join(scores, ", "))
	} else {
		fmt.Fprintf(w, "kind: %s\n", st.Kind)
	}
	fmt.Fprintf(w, "read: %sheader on row %d", where, st.HeaderRow)
	if st.ScheduleSheet != "" {
		fmt.Fprintf(w, "; schedule: sheet %q", st.ScheduleSheet)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "matched %d of %d required fields", st.RequiredFound, st.Required)
	if len(st.TODO) > 0 {
		fmt.Fprintf(w, "; TODO: %s (replace column: TODO in the mapping; kivaconv refuses it until then)", strings.Join(st.TODO, ", "))
	}
	fmt.Fprintln(w)
	var fuzzy []string
	for _, g := range st.Fields {
		if g.How == "fuzzy" {
			fuzzy = append(fuzzy, fmt.Sprintf("%s = %q (%.2f)", g.Name(), g.Header, g.Confidence))
		}
	}
	if len(fuzzy) > 0 {
		fmt.Fprintf(w, "check these guesses: %s\n", strings.Join(fuzzy, ", "))
	}
	if n := len(st.Unmatched); n > maxListedColumns {
		fmt.Fprintf(w, "columns not read: %s and %d more (listed at the end of the mapping)\n",
			strings.Join(quoteAll(st.Unmatched[:maxListedColumns]), ", "), n-maxListedColumns)
	} else if n > 0 {
		fmt.Fprintf(w, "columns not read: %s\n", strings.Join(quoteAll(st.Unmatched), ", "))
	}
	for _, n := range st.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if sameFilePath(convert.MappingBeside(o.file), o.out) {
		// Found beside the workbook: converting or dropping it uses it.
		fmt.Fprintf(w, "next: review %s, then: kivaconv validate %s (kivaconv uses the mapping beside the file, also when the file is dropped on it)\n", o.out, shellWord(o.file))
		return
	}
	fmt.Fprintf(w, "next: review %s, then: kivaconv validate -m %s %s\n", o.out, shellWord(o.out), shellWord(o.file))
}

// sameFilePath reports whether a and b name one existing file.
func sameFilePath(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return a != "" && err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}
