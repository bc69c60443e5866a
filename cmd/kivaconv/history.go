package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/internal/history"
	"github.com/kiva-partners/kivaconv/send"
)

// historyPath is the send history's file: history.db in the config
// directory (KIVACONV_CONFIG_DIR overrides it, as for everything there).
func historyPath(io *IO) string {
	d := configDir(io)
	if d == "" {
		return ""
	}
	return filepath.Join(d, history.File)
}

func openHistory(io *IO) (*history.DB, error) {
	p := historyPath(io)
	if p == "" {
		return nil, fmt.Errorf("no config directory for the send history (set KIVACONV_CONFIG_DIR)")
	}
	return history.Open(p)
}

func historyCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:  "history",
		Usage: "list what send sent where (the send history, across folders)",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "one JSON object per request on stdout"},
			&cli.StringFlag{Name: "since", Usage: "only requests from `YYYY-MM-DD` on"},
		},
		Description: `Lists every request send recorded in the send history (history.db in the
config directory): time, target (API and partner), folder, file, kind, records
and state (sent, failed, unconfirmed, or sending when a send stopped in flight).
Data goes to stdout, messages to stderr.

Examples:
   kivaconv history
   kivaconv history --since 2026-11-01
   kivaconv history --json | jq 'select(.state == "unconfirmed")'
   kivaconv history rebuild out/*.kiva`,
		Action: func(c *cli.Context) error { return runHistory(c, io) },
		Subcommands: []*cli.Command{{
			Name:      "rebuild",
			Usage:     "import folder ledgers into the send history again",
			ArgsUsage: "[FOLDER...]",
			Description: `Reads each folder's ledger.jsonl into the send history again (what send does
the first time it sees a folder). Without folders, every folder the history
knows is re-imported.

Examples:
   kivaconv history rebuild
   kivaconv history rebuild out/loans.kiva out/repayments.kiva`,
			Action: func(c *cli.Context) error { return runHistoryRebuild(c, io) },
		}},
	}
}

func runHistory(c *cli.Context, io *IO) error {
	if c.Args().Len() > 0 {
		return usageErrorf("kivaconv history takes no argument (did you mean kivaconv history rebuild %s?)", strings.Join(c.Args().Slice(), " "))
	}
	var since time.Time
	if s := c.String("since"); s != "" {
		d, err := time.ParseInLocation("2006-01-02", s, time.Local)
		if err != nil {
			return usageErrorf("--since %q: want a date like 2026-11-26", s)
		}
		since = d
	}
	db, err := openHistory(io)
	if err != nil {
		return err
	}
	defer db.Close()
	rs, err := db.List(since)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		enc := json.NewEncoder(io.Out)
		enc.SetEscapeHTML(false)
		for _, r := range rs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	if len(rs) == 0 {
		fmt.Fprintf(io.Err, "no request in the send history (%s)\n", db.Path)
		return nil
	}
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tTARGET\tFOLDER\tFILE\tKIND\tRECORDS\tSTATE")
	for _, r := range rs {
		target := r.APIURL
		if target == "" {
			target = r.API
		}
		fmt.Fprintf(tw, "%s\t%s partner %s\t%s\t%s\t%s\t%d\t%s\n", r.Time.Local().Format("2006-01-02 15:04"), target, r.PartnerID, r.Folder, r.File, r.Kind, r.Records, r.State)
	}
	return tw.Flush()
}

func runHistoryRebuild(c *cli.Context, io *IO) error {
	db, err := openHistory(io)
	if err != nil {
		return err
	}
	defer db.Close()
	dirs := c.Args().Slice()
	if len(dirs) == 0 {
		if dirs, err = db.Folders(); err != nil {
			return err
		}
	}
	code := exitOK
	for _, d := range dirs {
		if err := send.Rebuild(db, []string{d}, time.Now()); err != nil {
			fmt.Fprintf(io.Err, "%v\n", err)
			code = worse(code, exitUsage)
			continue
		}
		fmt.Fprintf(io.Err, "%s: ledger imported\n", history.FolderID(d))
	}
	return reported(code)
}
