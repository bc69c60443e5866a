package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	apisettings "github.com/kiva-partners/kivaconv/internal/settings"
)

// apiSettingFlags are the flags resolveProfile hands to apisettings.Resolve,
// by name. The environment is read by the settings package, not by
// urfave/cli, so that each value's origin is known.
var apiSettingFlags = []string{
	"env", "token-url", "audience", "api-url", "partner-id", "scope",
	"client-id", "client-secret-file", "journals-path",
}

// apiFlags are the flags of every command that talks to the Partner API.
// Values are read only when set on the command line (c.IsSet); their
// environment variables are read by the settings package.
func apiFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "env",
			Usage: "API profile `NAME`: stage (the default), production, sandbox, or one from the config file (env KIVA_ENV)"},
		&cli.StringFlag{Name: "config",
			Usage: "config `FILE` (env KIVACONV_CONFIG; default: config.yaml in the config directory, see kivaconv config path)"},
		&cli.StringFlag{Name: "token-url", Usage: "OAuth2 token endpoint `URL` (env KIVA_TOKEN_URL)"},
		&cli.StringFlag{Name: "audience", Usage: "OAuth2 `AUDIENCE` of the token request (env KIVA_AUDIENCE)"},
		&cli.StringFlag{Name: "api-url", Usage: "Partner API base `URL` (env KIVA_API_URL)"},
		&cli.StringFlag{Name: "partner-id", Usage: "your partner `ID`, digits (env KIVA_PARTNER_ID; default: the token's)"},
		&cli.StringFlag{Name: "scope", Usage: "`SCOPES` to ask for, space or comma separated (env KIVA_SCOPES; default: all four)"},
		&cli.StringFlag{Name: "client-id", Usage: "OAuth2 client `ID` (env KIVA_CLIENT_ID)"},
		&cli.StringFlag{Name: "client-secret-file", Usage: "`FILE` holding only the client secret (env KIVA_CLIENT_SECRET_FILE, or the secret itself in KIVA_CLIENT_SECRET)"},
		&cli.StringFlag{Name: "journals-path", Usage: "journals endpoint `PATH` under the API URL, {id} = partner ID (env KIVA_JOURNALS_PATH; default: " + partnerapi.DefaultJournalsPath + ")"},
		&cli.DurationFlag{Name: "timeout", Value: partnerapi.DefaultTimeout, Usage: "longest `DURATION` a request to Kiva may take, e.g. 2m"},
		// Declared only to refuse it with an explanation (resolveProfile).
		&cli.StringFlag{Name: "client-secret", Hidden: true},
	}
}

// getenv reads the environment through io (tests give a map).
func getenv(io *IO, key string) string {
	if io.Getenv == nil {
		return ""
	}
	return io.Getenv(key)
}

// configFilePath is the config file to read: --config, else
// KIVACONV_CONFIG, else config.yaml in the config directory. explicit
// names where an explicitly given path came from ("" for the default).
func configFilePath(c *cli.Context, io *IO) (path, explicit string) {
	if c.IsSet("config") && c.String("config") != "" {
		return c.String("config"), "--config"
	}
	if p := getenv(io, "KIVACONV_CONFIG"); p != "" {
		return p, "KIVACONV_CONFIG"
	}
	if d := configDir(io); d != "" {
		return filepath.Join(d, "config.yaml"), ""
	}
	return "", ""
}

// resolveProfile resolves the API settings of a command from its flags,
// the environment and the config file. It does not check that they are
// complete (newClient does): `config show` displays incomplete settings.
// Errors are usage errors (exit 2).
func resolveProfile(c *cli.Context, io *IO) (*apisettings.Profile, error) {
	if c.IsSet("client-secret") {
		// The value is never echoed.
		return nil, usageErrorf("--client-secret is not accepted: a secret on the command line is visible to other users and stays in the shell history. " +
			"Put the secret in a file only you can read (chmod 600) and pass --client-secret-file FILE, or set the KIVA_CLIENT_SECRET environment variable")
	}
	flags := map[string]string{}
	for _, name := range apiSettingFlags {
		if c.IsSet(name) {
			flags[name] = c.String(name)
		}
	}
	path, explicit := configFilePath(c, io)
	if explicit != "" {
		if _, err := os.Stat(path); err != nil {
			return nil, usageErrorf("config file %s (from %s) cannot be read: %v", path, explicit, errors.Unwrap(err))
		}
	}
	p, err := apisettings.Resolve(apisettings.Inputs{Flags: flags, Getenv: io.Getenv, ConfigFile: path})
	if err != nil {
		return nil, inputError(err)
	}
	return p, nil
}

// userAgent is sent on every request to Kiva.
func userAgent() string {
	return "kivaconv/" + version + " (+https://github.com/kiva-partners/kivaconv)"
}

// clockKey holds a func() time.Time in the context given to run: tests
// fix the clock that way. Programs use time.Now.
type clockKey struct{}

// clock returns the command's clock.
func clock(ctx context.Context) func() time.Time {
	if f, ok := ctx.Value(clockKey{}).(func() time.Time); ok && f != nil {
		return f
	}
	return time.Now
}

// newClient checks that p is complete (a usage error, exit 2, says what is
// missing and where to set it) and returns a Partner API client for it.
// It makes no network call.
func newClient(c *cli.Context, io *IO, p *apisettings.Profile) (*partnerapi.Client, error) {
	if err := p.Check(); err != nil {
		return nil, inputError(err)
	}
	cl, err := partnerapi.New(partnerapi.Config{
		TokenURL:     p.TokenURL,
		Audience:     p.Audience,
		APIURL:       p.APIURL,
		PartnerID:    p.PartnerID,
		Scopes:       p.Scopes,
		ClientID:     p.ClientID,
		ClientSecret: p.ClientSecret,
		JournalsPath: p.JournalsPath,
		UserAgent:    userAgent(),
		Timeout:      c.Duration("timeout"),
		Now:          clock(c.Context),
	})
	if err != nil {
		return nil, inputError(scrubError(p, err))
	}
	return cl, nil
}

// apiError turns a failed token or API call into the command's error.
// Settings problems are usage errors (exit 2) and say what to check: Kiva
// refusing the credentials, the token request (another 4xx: audience,
// scopes) or an API call (401, 403), and a partner ID that is unknown or
// differs from the token's. Anything else (network, 5xx, 429) is exit 1.
// Interruptions pass through. The client secret is scrubbed from the
// message, whatever a server echoed.
func apiError(p *apisettings.Profile, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	err = scrubError(p, err)
	hint := fmt.Sprintf("profile %s: client ID %s, client secret %s; kivaconv config show lists every setting and its origin",
		p.Name, orNotSet(p.ClientID), secretState(p))
	switch {
	case errors.Is(err, partnerapi.ErrCredentials):
		return inputError(fmt.Errorf("%w\n(%s)", err, hint))
	case errors.Is(err, partnerapi.ErrPartnerMismatch), errors.Is(err, partnerapi.ErrNoPartnerID):
		return inputError(err)
	}
	var e *partnerapi.Error
	if !errors.As(err, &e) {
		return err
	}
	token := strings.HasPrefix(e.Op, "token request")
	switch {
	case token && e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests:
		return inputError(fmt.Errorf("%w\n(%s)", err, hint))
	case !token && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden):
		return inputError(fmt.Errorf("%w\n(%s; kivaconv auth check shows the token's partner and scopes)", err, hint))
	case e.Status == 0 && e.Err != nil && token:
		return fmt.Errorf("%w\nCould not reach the token server: check the network connection, any proxy (HTTPS_PROXY) and the token URL %s (%s)",
			err, p.TokenURL, p.Origin[apisettings.KeyTokenURL])
	case e.Status == 0 && e.Err != nil:
		return fmt.Errorf("%w\nCould not reach the API: check the network connection, any proxy (HTTPS_PROXY) and the API URL %s (%s)",
			err, p.APIURL, p.Origin[apisettings.KeyAPIURL])
	}
	return err
}

// scrubbedError keeps the chain of an error whose message had the client
// secret removed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubError removes the client secret from an error's message, should a
// server or a library have echoed it.
func scrubError(p *apisettings.Profile, err error) error {
	s := p.ClientSecret.Reveal()
	if err == nil || s == "" || !strings.Contains(err.Error(), s) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), s, "[redacted]"), err: err}
}

func orNotSet(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

// secretState describes the client secret without revealing it.
func secretState(p *apisettings.Profile) string {
	if p.ClientSecret == "" {
		return "not set"
	}
	return "set (from " + p.Origin[apisettings.KeyClientSecret] + ")"
}
