package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/partnerapi"
	"github.com/kiva-partners/kivaconv/sandbox"
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
stdout (the client secret is new on every run unless --client-secret-file is given).
Export them, or write them to a file with --env-file, then run kivaconv send. Each
request is logged on stderr. Ctrl-C stops the sandbox.

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
	opts        sandbox.Options
}

func sandboxConfigFrom(c *cli.Context) (*sandboxConfig, error) {
	cfg := &sandboxConfig{
		addr:        c.String("addr"),
		allowRemote: c.Bool("allow-remote"),
		envFile:     c.String("env-file"),
		seedSet:     c.IsSet("seed"),
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
	describeSandbox(io, cfg, s, base)

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
func describeSandbox(io *IO, cfg *sandboxConfig, s *sandbox.Server, base string) {
	o := s.Options()
	w := io.Err
	fmt.Fprintf(w, "\nkivaconv sandbox: a local stand-in for Kiva's Partner API, partner %s. Nothing sent to it reaches Kiva.\n", o.PartnerID)
	fmt.Fprintf(w, "  See what arrived:  %s/\n", base)
	if cfg.envFile != "" {
		fmt.Fprintf(w, "  Settings written:  %s (load it with: set -a; . %s; set +a)\n", cfg.envFile, cfg.envFile)
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
	}
	fmt.Fprintln(w, "  Press Ctrl-C to stop. Requests:")
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

// writePrivateFile replaces path with data, readable by the owner only,
// atomically: a reader sees the old file or the new one, never a part.
func writePrivateFile(path string, data []byte) (err error) {
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
	return os.Rename(tmp, path)
}
