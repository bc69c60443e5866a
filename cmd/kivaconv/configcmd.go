package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/batch"
	apisettings "github.com/kiva-partners/kivaconv/internal/settings"
)

func configCommand(io *IO) *cli.Command {
	configFlag := func() cli.Flag {
		return &cli.StringFlag{Name: "config",
			Usage: "config `FILE` (env KIVACONV_CONFIG; default: config.yaml in the config directory)"}
	}
	return &cli.Command{
		Name:  "config",
		Usage: "API settings and Kiva's reference data: pull, show, path, init",
		Description: `Settings are taken, highest first, from flags, environment variables (KIVA_ENV,
KIVA_TOKEN_URL, KIVA_AUDIENCE, KIVA_API_URL, KIVA_PARTNER_ID, KIVA_SCOPES,
KIVA_CLIENT_ID, KIVA_CLIENT_SECRET, KIVA_CLIENT_SECRET_FILE, KIVA_JOURNALS_PATH),
the profile's section of the config file, and the built-in profile (stage,
production, sandbox). The client secret is never a flag.

Examples:
   kivaconv config show
   kivaconv config pull --env stage
   kivaconv config path`,
		Subcommands: []*cli.Command{
			{
				Name:  "pull",
				Usage: "download Kiva's config lists (activities, locales, themes, locations) into reference.json",
				Description: `Fetches the four config lists of your partner and writes them, merged, to
reference.json in the config directory, where convert looks for reference data by
default (or to --out FILE). Prints the file's path on stdout.

Examples:
   kivaconv config pull
   kivaconv config pull --env production
   kivaconv config pull --out samples/reference.json`,
				Flags: append(apiFlags(),
					&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to `FILE` (default: reference.json in the config directory)"},
					&cli.BoolFlag{Name: "json", Usage: "print a JSON summary on stdout instead of the path"}),
				Action: func(c *cli.Context) error { return runConfigPull(c, io) },
			},
			{
				Name:  "show",
				Usage: "print the resolved API settings and where each value comes from (never the secret)",
				Description: `Examples:
   kivaconv config show
   KIVA_ENV=production kivaconv config show
   kivaconv config show --env sandbox --partner-id 1234`,
				Flags:  apiFlags(),
				Action: func(c *cli.Context) error { return runConfigShow(c, io) },
			},
			{
				Name:  "path",
				Usage: "print the config file's path",
				Description: `Examples:
   kivaconv config path
   notepad (kivaconv config path)      (PowerShell: open the file in Notepad)`,
				Flags: []cli.Flag{configFlag()},
				Action: func(c *cli.Context) error {
					path, _ := configFilePath(c, io)
					if path == "" {
						return usageErrorf("no config directory is known on this system: set KIVACONV_CONFIG_DIR or KIVACONV_CONFIG")
					}
					_, err := fmt.Fprintln(io.Out, path)
					return err
				},
			},
			{
				Name:  "init",
				Usage: "write a commented example config file to start from",
				Description: `Writes the example to the config file's path (kivaconv config path) unless a
file is already there.

Examples:
   kivaconv config init
   kivaconv config init --config ./kivaconv.yaml`,
				Flags:  []cli.Flag{configFlag()},
				Action: func(c *cli.Context) error { return runConfigInit(c, io) },
			},
		},
	}
}

// pullResult is `config pull --json`'s answer.
type pullResult struct {
	Path       string `json:"path"`
	Profile    string `json:"profile"`
	APIURL     string `json:"api_url"`
	PartnerID  string `json:"partner_id"`
	AsOf       string `json:"as_of_date_time"`
	Activities int    `json:"activities"`
	Locales    int    `json:"locales"`
	Themes     int    `json:"themes"`
	Locations  int    `json:"locations"`
}

func runConfigPull(c *cli.Context, io *IO) error {
	if c.NArg() > 0 {
		return usageErrorf("config pull takes no arguments (got %q); use --out FILE", c.Args().First())
	}
	out := c.String("out")
	inConfigDir := out == ""
	if inConfigDir {
		d := configDir(io)
		if d == "" {
			return usageErrorf("no config directory is known on this system: give --out FILE or set KIVACONV_CONFIG_DIR")
		}
		out = filepath.Join(d, "reference.json")
	} else if st, err := os.Stat(out); err == nil && st.IsDir() {
		return usageErrorf("--out %s is a folder: give the path of the file to write, e.g. %s", out, filepath.Join(out, "reference.json"))
	}
	p, err := resolveProfile(c, io)
	if err != nil {
		return err
	}
	cl, err := newClient(c, io, p)
	if err != nil {
		return err
	}
	ref, err := cl.Reference(c.Context)
	if err != nil {
		return apiError(p, err)
	}
	data, err := json.MarshalIndent(ref, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if inConfigDir {
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return fmt.Errorf("creating the config directory: %w", err)
		}
	}
	if err := batch.WriteFileAtomic(out, data); err != nil {
		return err
	}

	asOf := ref.AsOf
	if asOf == "" {
		asOf = "not given"
	}
	fmt.Fprintf(io.Err, "kivaconv: wrote %s from profile %s (partner %s): %d activities, %d locales, %d themes, %d locations; as of %s\n",
		out, p.Name, orNotSet(cl.PartnerID()), len(ref.Activities), len(ref.Locales), len(ref.Themes), len(ref.Locations), asOf)
	for _, l := range []struct {
		name string
		n    int
	}{{"activities", len(ref.Activities)}, {"locales", len(ref.Locales)}, {"themes", len(ref.Themes)}, {"locations", len(ref.Locations)}} {
		if l.n == 0 {
			fmt.Fprintf(io.Err, "kivaconv: warning: Kiva returned no %s\n", l.name)
		}
	}
	if c.Bool("json") {
		res, err := json.MarshalIndent(pullResult{
			Path: out, Profile: p.Name, APIURL: p.APIURL, PartnerID: cl.PartnerID(), AsOf: ref.AsOf,
			Activities: len(ref.Activities), Locales: len(ref.Locales), Themes: len(ref.Themes), Locations: len(ref.Locations),
		}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(io.Out, "%s\n", res)
		return err
	}
	_, err = fmt.Fprintln(io.Out, out)
	return err
}

func runConfigShow(c *cli.Context, io *IO) error {
	if c.NArg() > 0 {
		return usageErrorf("config show takes no arguments (got %q); flags go before any argument", c.Args().First())
	}
	p, err := resolveProfile(c, io)
	if err != nil {
		return err
	}
	w := io.Out
	path, _ := configFilePath(c, io)
	state := "not found: built-in settings are used; kivaconv config init writes an example"
	if _, err := os.Stat(path); err == nil {
		state = "read"
	}
	if path == "" {
		path, state = "none", "no config directory is known"
	}
	fmt.Fprintf(w, "%-14s %s (%s)\n", "Config file:", path, state)
	row := func(label, value, key, unset string) {
		origin := p.Origin[key]
		if value == "" {
			fmt.Fprintf(w, "%-14s %s\n", label, unset)
			return
		}
		fmt.Fprintf(w, "%-14s %s  (%s)\n", label, value, origin)
	}
	row("Profile:", p.Name, apisettings.KeyEnv, "")
	row("Token URL:", p.TokenURL, apisettings.KeyTokenURL, "not set")
	row("Audience:", p.Audience, apisettings.KeyAudience, "not set")
	row("API URL:", p.APIURL, apisettings.KeyAPIURL, "not set")
	row("Partner ID:", p.PartnerID, apisettings.KeyPartnerID, "not set (taken from the token)")
	row("Scopes:", strings.Join(p.Scopes, " "), apisettings.KeyScopes, "none")
	row("Client ID:", p.ClientID, apisettings.KeyClientID, "not set")
	fmt.Fprintf(w, "%-14s %s\n", "Client secret:", secretState(p))
	jp := p.JournalsPath
	if jp == "" {
		fmt.Fprintf(w, "%-14s %s  (default)\n", "Journals path:", "/v3/partner/{id}/journals")
	} else {
		row("Journals path:", jp, apisettings.KeyJournalsPath, "")
	}
	prod := "no"
	if p.IsProduction() {
		prod = "YES: calls reach Kiva's production environment"
	}
	fmt.Fprintf(w, "%-14s %s\n", "Production:", prod)
	if err := p.Check(); err != nil {
		fmt.Fprintf(io.Err, "kivaconv: these settings cannot authenticate yet: %v\n", err)
	}
	return nil
}

func runConfigInit(c *cli.Context, io *IO) error {
	path, _ := configFilePath(c, io)
	if path == "" {
		return usageErrorf("no config directory is known on this system: set KIVACONV_CONFIG_DIR, or give --config FILE")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating the config directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return usageErrorf("%s already exists: edit it, or move it away to start again from the example", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.WriteString(apisettings.ExampleConfig()); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	fmt.Fprintf(io.Err, "kivaconv: wrote an example config to %s; edit it, then run kivaconv config show and kivaconv auth check\n", path)
	_, err = fmt.Fprintln(io.Out, path)
	return err
}
