package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/mappings"
)

func mappingsCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:  "mappings",
		Usage: "list, show or describe column mappings",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list the mappings kivaconv can pick from",
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
				Description: `Example:
   kivaconv mappings show repayments > mymis.yaml`,
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
			{
				Name:  "schema",
				Usage: "print the JSON Schema of mapping files (for editor autocompletion)",
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
