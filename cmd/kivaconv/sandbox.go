package main

import (
	"context"
	"errors"
	"fmt"
	stdio "io"
	"io/fs"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	"github.com/kiva-partners/kivaconv/internal/sandbox"
	"github.com/kiva-partners/kivaconv/kiva"
)

// sandboxShutdownGrace is how long a stopping sandbox lets requests in
// flight finish before it closes their connections.
const sandboxShutdownGrace = 3 * time.Second

func sandboxCommand(io *IO) *cli.Command {
	return &cli.Command{
		Name:  "sandbox",
		Usage: "run a local stand-in for Kiva's Partner API, to try send or train a Kiva Coordinator",
		Description: `Serves Kiva's token endpoint and Partner API on this computer, with the partner data
of the bundled samples. It checks what it receives with the same rules as convert, keeps
it in memory and shows it on a web page; nothing reaches Kiva.

On start it prints the settings that point kivaconv at it, one KIVA_*=value line each, on
stdout. Export them, or write them to a file with --env-file, then run kivaconv send. The
client secret is new on every run, unless --client-secret-file is given or --env-file
names a file an earlier run wrote: then its client ID and secret are kept, so a terminal
that loaded it keeps working after a restart. Each request is logged on stderr. Ctrl-C
stops the sandbox.

It answers only requests addressed to localhost, 127.0.0.1 or [::1] (other Host names
get 421, so that no web page can read or reset it through DNS rebinding).

The samples' disbursal dates are in November 2026: give --today 2026-11-26 to send them.

--faults makes chosen requests fail the way networks and servers do: ` + sandbox.FaultSyntax + `.

Examples:
   kivaconv sandbox --today 2026-11-26
   kivaconv sandbox --addr 127.0.0.1:0 --env-file sandbox.env
   set -a; . ./sandbox.env; set +a; kivaconv send loans.kiva
   kivaconv sandbox --faults 'loan_draft:500,repayments:drop-after,429*2'
   kivaconv sandbox --faults '503@0.2' --seed 42 --rate 2 --latency 300ms
   kivaconv sandbox --token-ttl 30s      (watch send fetch new tokens)`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8089", Usage: "listen on `HOST:PORT`; port 0 picks a free port"},
			&cli.BoolFlag{Name: "allow-remote", Usage: "allow listening on an address other computers can reach"},
			&cli.StringFlag{Name: "env-file", Usage: "also write the KIVA_* lines to `FILE` (mode 0600)"},
			&cli.StringFlag{Name: "faults", Usage: "fault `PLAN`, e.g. 'loan_draft:500,503*2,429@0.1' (see above)"},
			&cli.Int64Flag{Name: "seed", Usage: "seed of the probabilistic faults `N` (default: random, printed)"},
			&cli.DurationFlag{Name: "token-ttl", Value: sandbox.DefaultTokenTTL, Usage: "token lifetime"},
			&cli.DurationFlag{Name: "latency", Usage: "delay added to every API answer, e.g. 300ms"},
			&cli.Float64Flag{Name: "rate", Usage: "most API requests per second, excess answered 429 (0: no limit)"},
			&cli.StringFlag{Name: "partner-id", Value: sandbox.DefaultPartnerID, Usage: "partner `ID`"},
			&cli.StringFlag{Name: "client-id", Value: sandbox.DefaultClientID, Usage: "client `ID` the token endpoint accepts"},
			&cli.StringFlag{Name: "client-secret-file", Usage: "read the client secret from `FILE` (default: a new random secret)"},
			&cli.StringFlag{Name: "audience", Value: sandbox.DefaultAudience, Usage: "audience token requests must name"},
			&cli.StringFlag{Name: "scopes", Usage: "scopes the client may be granted, comma-separated (default: all four)"},
			&cli.StringFlag{Name: "today", Usage: "the date the disbursal-window rule counts from, `YYYY-MM-DD` (default: today)"},
			&cli.StringFlag{Name: "reference", Usage: "reference-data `FILE` for the rules and config endpoints (default: the samples')"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("kivaconv sandbox takes no arguments, got %q (flags: kivaconv sandbox --help)", c.Args().First())
			}
			cfg, err := sandboxConfigFrom(c)
			if err != nil {
				return err
			}
			return runSandbox(c.Context, io, cfg)
		},
	}
}

// sandboxConfig is the command's resolved flags.
type sandboxConfig struct {
	addr        string
	allowRemote bool
	envFile     string
	seedSet     bool
	clientIDSet bool // --client-id given: it beats the env file's
	secretSet   bool // --client-secret-file given: it beats the env file's
	opts        sandbox.Options
}

func sandboxConfigFrom(c *cli.Context) (*sandboxConfig, error) {
	cfg := &sandboxConfig{
		addr:        c.String("addr"),
		allowRemote: c.Bool("allow-remote"),
		envFile:     c.String("env-file"),
		seedSet:     c.IsSet("seed"),
		clientIDSet: c.IsSet("client-id"),
		opts: sandbox.Options{
			ClientID:  c.String("client-id"),
			PartnerID: c.String("partner-id"),
			Audience:  c.String("audience"),
			TokenTTL:  c.Duration("token-ttl"),
			Latency:   c.Duration("latency"),
			Rate:      c.Float64("rate"),
			Faults:    c.String("faults"),
			Seed:      c.Int64("seed"),
		},
	}
	if !cfg.seedSet {
		cfg.opts.Seed = rand.Int64N(1 << 31)
	}
	for name, v := range map[string]string{"--client-id": cfg.opts.ClientID, "--partner-id": cfg.opts.PartnerID, "--audience": cfg.opts.Audience} {
		if v == "" || strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return nil, usageErrorf("%s %q: give a value without spaces", name, v)
		}
	}
	if f := c.String("client-secret-file"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, inputError(fmt.Errorf("--client-secret-file: %w", err))
		}
		secret := strings.TrimSpace(string(b))
		switch {
		case secret == "":
			return nil, inputError(fmt.Errorf("--client-secret-file %s is empty: put the secret on its first line", f))
		case strings.IndexFunc(secret, unicode.IsControl) >= 0:
			return nil, inputError(fmt.Errorf("--client-secret-file %s holds more than one line: put only the secret in it", f))
		}
		cfg.opts.ClientSecret = partnerapi.Secret(secret)
		cfg.secretSet = true
	}
	if s := c.String("scopes"); s != "" {
		cfg.opts.Scopes = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	}
	if t := c.String("today"); t != "" {
		d, err := time.Parse(time.DateOnly, t)
		if err != nil {
			return nil, usageErrorf("--today %q: want a date like 2026-11-26", t)
		}
		cfg.opts.Today = d
	}
	if f := c.String("reference"); f != "" {
		ref, err := kiva.LoadReference(f)
		if err != nil {
			return nil, inputError(err)
		}
		cfg.opts.Reference = ref
	}
	return cfg, nil
}

// checkListenAddr refuses addresses other computers can reach unless
// allowed: the sandbox has a well-known client ID and serves plain HTTP.
func checkListenAddr(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8089 (port 0 picks a free port)", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return usageErrorf("--addr %q: the port must be a number from 0 to 65535", addr)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	what := fmt.Sprintf("%q", host)
	if host == "" || host == "0.0.0.0" || host == "::" {
		what = "every network interface"
	}
	return usageErrorf("--addr %s: listening on %s lets other computers reach the sandbox; use 127.0.0.1, or add --allow-remote if that is what you want", addr, what)
}

// sandboxEnv is the KIVA_* lines that point kivaconv at a sandbox.
func sandboxEnv(base string, s *sandbox.Server) string {
	o := s.Options()
	return "KIVA_ENV=sandbox\n" +
		"KIVA_TOKEN_URL=" + base + "/oauth/token\n" +
		"KIVA_AUDIENCE=" + o.Audience + "\n" +
		"KIVA_API_URL=" + base + "\n" +
		"KIVA_PARTNER_ID=" + o.PartnerID + "\n" +
		"KIVA_CLIENT_ID=" + o.ClientID + "\n" +
		"KIVA_CLIENT_SECRET=" + s.ClientSecret().Reveal() + "\n"
}

// runSandbox listens, prints the settings and serves until ctx ends.
func runSandbox(ctx context.Context, io *IO, cfg *sandboxConfig) error {
	if err := checkListenAddr(cfg.addr, cfg.allowRemote); err != nil {
		return err
	}
	cfg.opts.Log = io.Err
	prev := reuseSandboxCredentials(io, cfg)
	if cfg.allowRemote {
		cfg.opts.AllowIPHosts = true
		cfg.opts.AllowedHosts = remoteHostNames(cfg.addr)
	}
	s, err := sandbox.New(cfg.opts)
	if err != nil {
		return usageErrorf("%v", err)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return inputError(fmt.Errorf("cannot listen on %s: %w (another program may use that port: pick another with --addr, or port 0 for a free one)", cfg.addr, err))
	}
	defer ln.Close()
	base := "http://" + reachableAddr(ln.Addr().(*net.TCPAddr))
	lines := sandboxEnv(base, s)
	if cfg.envFile != "" {
		if err := writePrivateFile(cfg.envFile, []byte(lines)); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprint(io.Out, lines); err != nil {
		return err
	}
	describeSandbox(io, cfg, s, base, prev, lines)

	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Err, "kivaconv sandbox: ", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("sandbox stopped: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), sandboxShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close() // a request still hangs (a hang fault): cut it
	}
	fmt.Fprintln(io.Err, "kivaconv sandbox: stopped; everything it received is forgotten.")
	return nil
}

// reachableAddr is the listener's address as a client on this computer
// dials it: an unspecified address (0.0.0.0, ::) becomes 127.0.0.1.
func reachableAddr(a *net.TCPAddr) string {
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		// Go listens on both IPv4 and IPv6 for an unspecified address.
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(a.Port))
}

// describeSandbox tells the person at the terminal what is running.
// prev is the env file an earlier run wrote (nil: none), lines the
// settings now.
func describeSandbox(io *IO, cfg *sandboxConfig, s *sandbox.Server, base string, prev []envLine, lines string) {
	o := s.Options()
	w := io.Err
	fmt.Fprintf(w, "\nkivaconv sandbox: a local stand-in for Kiva's Partner API, partner %s. Nothing sent to it reaches Kiva.\n", o.PartnerID)
	fmt.Fprintf(w, "  See what arrived:  %s/\n", base)
	if cfg.envFile != "" {
		fmt.Fprintf(w, "  Settings written:  %s (load it with: set -a; . %s; set +a)\n", cfg.envFile, cfg.envFile)
		if prev != nil {
			// Names only: a value may be the secret.
			if changed := changedSettings(prev, lines); len(changed) == 0 {
				fmt.Fprintf(w, "  Same settings as the last run's %s, client secret included: a terminal that loaded it keeps working.\n", cfg.envFile)
			} else {
				fmt.Fprintf(w, "  Changed since the last run's %s: %s. Load it again in the terminals that use it.\n", cfg.envFile, strings.Join(changed, ", "))
			}
		}
	}
	fmt.Fprintln(w, "  Export the KIVA_* lines printed above, then run kivaconv send.")
	if !o.Today.IsZero() {
		fmt.Fprintf(w, "  Today is taken as %s for the disbursal-date rule.\n", o.Today.Format(time.DateOnly))
	}
	fmt.Fprintf(w, "  Tokens live %s", shortDuration(o.TokenTTL))
	if o.Latency > 0 {
		fmt.Fprintf(w, "; every API answer waits %s", o.Latency)
	}
	if o.Rate > 0 {
		fmt.Fprintf(w, "; at most %g API requests per second", o.Rate)
	}
	fmt.Fprintln(w, ".")
	plan := s.FaultPlan()
	if plan.Empty() {
		fmt.Fprintln(w, "  Faults: none.")
	} else {
		probabilistic := false
		for _, it := range plan.Items() {
			probabilistic = probabilistic || it.P > 0
		}
		fmt.Fprintf(w, "  Faults (%s)", plan)
		if probabilistic {
			fmt.Fprintf(w, ", seed %d (--seed %d repeats them)", o.Seed, o.Seed)
		}
		fmt.Fprintln(w, ":")
		for _, d := range plan.Describe() {
			fmt.Fprintf(w, "    - %s\n", d)
		}
	}
	if cfg.allowRemote {
		fmt.Fprintln(w, "  Warning: --allow-remote: other computers may reach the sandbox, and the client secret travels unencrypted. Use it with test settings only.")
		fmt.Fprintln(w, "  Other computers must address it by this computer's IP address or name; other names are refused.")
	}
	fmt.Fprintln(w, "  Press Ctrl-C to stop. Requests:")
}

// sandboxEnvNames are the names sandboxEnv writes, in its order.
var sandboxEnvNames = []string{"KIVA_ENV", "KIVA_TOKEN_URL", "KIVA_AUDIENCE", "KIVA_API_URL", "KIVA_PARTNER_ID", "KIVA_CLIENT_ID", "KIVA_CLIENT_SECRET"}

// envLine is one NAME=value line of an env file.
type envLine struct{ name, value string }

// maxSandboxEnvFile bounds the env file read back: the sandbox's is a few
// hundred bytes.
const maxSandboxEnvFile = 16 << 10

// readSandboxEnv reads an env file an earlier run wrote. A file that does
// not exist is (nil, nil); one that cannot be read, or that is not exactly
// what sandboxEnv writes, is an error saying why (never quoting a value:
// it may be a secret).
func readSandboxEnv(path string) ([]envLine, error) {
	// Stat before opening: opening a named pipe would wait for a writer.
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("it is not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := stdio.ReadAll(stdio.LimitReader(f, maxSandboxEnvFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSandboxEnvFile {
		return nil, errors.New("it is larger than the file the sandbox writes")
	}
	text, ok := strings.CutSuffix(string(data), "\n")
	if !ok {
		return nil, errors.New("it does not end as the file the sandbox writes")
	}
	rows := strings.Split(text, "\n")
	if len(rows) != len(sandboxEnvNames) {
		return nil, fmt.Errorf("it has %d lines, not the sandbox's %d", len(rows), len(sandboxEnvNames))
	}
	out := make([]envLine, len(rows))
	for i, row := range rows {
		name, value, _ := strings.Cut(row, "=")
		if name != sandboxEnvNames[i] {
			return nil, fmt.Errorf("line %d is not %s=…", i+1, sandboxEnvNames[i])
		}
		if value == "" || strings.IndexFunc(value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return nil, fmt.Errorf("%s is empty or holds spaces", name)
		}
		out[i] = envLine{name, value}
	}
	get := func(name string) string { return out[slices.Index(sandboxEnvNames, name)].value }
	api := get("KIVA_API_URL")
	if get("KIVA_ENV") != "sandbox" || !strings.HasPrefix(api, "http://") || get("KIVA_TOKEN_URL") != api+"/oauth/token" {
		return nil, errors.New("it does not point at a sandbox (KIVA_ENV, KIVA_API_URL, KIVA_TOKEN_URL)")
	}
	return out, nil
}

// reuseSandboxCredentials takes the client ID and secret from the env file
// an earlier run wrote, unless flags give them, so that a terminal that
// loaded the file keeps working after a restart. It returns the file's
// lines (nil: none, or not the sandbox's).
func reuseSandboxCredentials(io *IO, cfg *sandboxConfig) []envLine {
	if cfg.envFile == "" {
		return nil
	}
	prev, err := readSandboxEnv(cfg.envFile)
	if err != nil {
		what := "is not a settings file a sandbox wrote"
		var pe *fs.PathError
		if errors.As(err, &pe) {
			what, err = "cannot be read", pe.Err // the path is said already
		}
		fmt.Fprintf(io.Err, "kivaconv sandbox: %s %s (%v): using a new client secret; the file will be replaced.\n", cfg.envFile, what, err)
		return nil
	}
	for _, l := range prev {
		switch {
		case l.name == "KIVA_CLIENT_ID" && !cfg.clientIDSet:
			cfg.opts.ClientID = l.value
		case l.name == "KIVA_CLIENT_SECRET" && !cfg.secretSet:
			cfg.opts.ClientSecret = partnerapi.Secret(l.value)
		}
	}
	return prev
}

// changedSettings names the settings in lines whose value differs from
// prev's.
func changedSettings(prev []envLine, lines string) []string {
	var changed []string
	for i, row := range strings.Split(strings.TrimSuffix(lines, "\n"), "\n") {
		name, value, _ := strings.Cut(row, "=")
		if i >= len(prev) || prev[i].name != name || prev[i].value != value {
			changed = append(changed, name)
		}
	}
	return changed
}

// remoteHostNames are the names, besides the loopback ones and any IP
// address, that --allow-remote admits in a request's Host: this
// computer's name and the --addr host.
func remoteHostNames(addr string) []string {
	var names []string
	if h, err := os.Hostname(); err == nil && h != "" {
		names = append(names, h)
		if short, _, ok := strings.Cut(h, "."); ok {
			names = append(names, short)
		} else {
			names = append(names, h+".local")
		}
	}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" && net.ParseIP(host) == nil {
		names = append(names, host)
	}
	return names
}

// shortDuration writes 12h rather than 12h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// writePrivateFile replaces path with data, readable by the owner only
// (mode 0600 whatever the umask), atomically: a reader sees the old file or
// the new one, never a part. A symbolic link at path is refused
// (batch.RefuseSymlink): the secret never goes where a link points.
func writePrivateFile(path string, data []byte) (err error) {
	if err := batch.RefuseSymlink(path); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = batch.RefuseSymlink(path); err != nil { // planted meanwhile
		return err
	}
	return os.Rename(tmp, path)
}
