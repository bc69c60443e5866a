package settings

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// Preset and default profile names.
const (
	Stage      = "stage"
	Production = "production"
	Sandbox    = "sandbox"
	// DefaultProfile is used when neither --env, KIVA_ENV nor the config
	// file's env: names one. Production is never the default.
	DefaultProfile = Stage
)

// Setting names: the keys of a config-file profile and of Profile.Origin.
const (
	KeyEnv          = "env"
	KeyTokenURL     = "token_url"
	KeyAudience     = "audience"
	KeyAPIURL       = "api_url"
	KeyPartnerID    = "partner_id"
	KeyScopes       = "scopes"
	KeyClientID     = "client_id"
	KeyClientSecret = "client_secret"
	KeyJournalsPath = "journals_path"
	// keySecretFile is a config-file key only; its value's origin is
	// recorded under KeyClientSecret.
	keySecretFile = "client_secret_file"
)

// Environment variables read by Resolve.
const (
	EnvProfile      = "KIVA_ENV"
	EnvTokenURL     = "KIVA_TOKEN_URL"
	EnvAudience     = "KIVA_AUDIENCE"
	EnvAPIURL       = "KIVA_API_URL"
	EnvPartnerID    = "KIVA_PARTNER_ID"
	EnvScopes       = "KIVA_SCOPES"
	EnvClientID     = "KIVA_CLIENT_ID"
	EnvClientSecret = "KIVA_CLIENT_SECRET"
	EnvSecretFile   = "KIVA_CLIENT_SECRET_FILE"
	EnvJournalsPath = "KIVA_JOURNALS_PATH"
)

// Profile is a resolved set of API settings. Its ClientSecret prints as
// "[redacted]", so a Profile may be logged or shown in a test failure.
type Profile struct {
	// Name is "stage" (the default), "production", "sandbox", or a custom
	// name from the config file.
	Name         string
	TokenURL     string
	Audience     string
	APIURL       string
	PartnerID    string // digits; "" when only the token will tell
	Scopes       []string
	ClientID     string
	ClientSecret partnerapi.Secret
	JournalsPath string // "" = the client's default
	// Origin maps a setting name (KeyTokenURL, …, KeyClientSecret, KeyEnv)
	// to where its value came from: "flag --api-url", "env KIVA_API_URL",
	// "config file /…/config.yaml", "preset stage", "default",
	// "file /path (KIVA_CLIENT_SECRET_FILE)". Settings without a value
	// have no entry.
	Origin map[string]string

	configFile string // the config file consulted, for hints
}

// Inputs are what Resolve layers.
type Inputs struct {
	// Flags holds only the flags the user set, by flag name: env,
	// token-url, audience, api-url, partner-id, scope (space or comma
	// separated), client-id, client-secret-file, journals-path.
	Flags map[string]string
	// Getenv reads an environment variable; nil reads none.
	Getenv func(string) string
	// ConfigFile is the YAML config file's path. A missing file is fine;
	// a broken one is an error giving file:line. "" reads no file.
	ConfigFile string
}

// setting describes one layered string setting.
type setting struct {
	key, flag, env string
	what           string // for messages
}

var layered = []setting{
	{KeyTokenURL, "token-url", EnvTokenURL, "token URL"},
	{KeyAudience, "audience", EnvAudience, "audience"},
	{KeyAPIURL, "api-url", EnvAPIURL, "API URL"},
	{KeyPartnerID, "partner-id", EnvPartnerID, "partner ID"},
	{KeyScopes, "scope", EnvScopes, "scopes"},
	{KeyClientID, "client-id", EnvClientID, "client ID"},
	{KeyJournalsPath, "journals-path", EnvJournalsPath, "journals path"},
}

// Flag names Resolve understands besides those of layered.
const (
	flagEnv        = "env"
	flagSecretFile = "client-secret-file"
)

// Presets returns the built-in profiles (spec §2): stage, production and
// sandbox (the local sandbox server's defaults). Each call returns fresh
// copies.
func Presets() []Profile {
	return []Profile{
		{
			Name:     Stage,
			TokenURL: "https://auth.staging.kiva.org/oauth/token",
			Audience: "https://partner-api-stage.dk1.kiva.org",
			APIURL:   "https://partnerapi.staging.kiva.org",
		},
		{
			Name:     Production,
			TokenURL: "https://auth.k1.kiva.org/oauth/token",
			Audience: "https://partner-api.k1.kiva.org",
			APIURL:   "https://partner-api.k1.kiva.org",
		},
		{
			Name:      Sandbox,
			TokenURL:  "http://127.0.0.1:8089/oauth/token",
			Audience:  "https://sandbox.kivaconv.local",
			APIURL:    "http://127.0.0.1:8089",
			PartnerID: "1234",
			ClientID:  "kivaconv-sandbox",
		},
	}
}

func preset(name string) (Profile, bool) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// Resolve layers flags, environment, config file and preset into a
// Profile. Errors say which setting is wrong, where it came from and how to
// fix it; they never contain the client secret.
func Resolve(in Inputs) (*Profile, error) {
	getenv := func(k string) string {
		if in.Getenv == nil {
			return ""
		}
		return strings.TrimSpace(in.Getenv(k))
	}
	flag := func(name string) (string, bool) {
		v, ok := in.Flags[name]
		v = strings.TrimSpace(v)
		return v, ok && v != ""
	}
	for name := range in.Flags {
		if !knownFlag(name) {
			return nil, fmt.Errorf("settings: unknown flag --%s", name)
		}
	}

	cfg, err := loadConfig(in.ConfigFile)
	if err != nil {
		return nil, err
	}

	p := &Profile{Origin: map[string]string{}, configFile: in.ConfigFile}

	// The profile's name.
	envFlag, envFlagSet := flag(flagEnv)
	switch {
	case envFlagSet:
		p.Name = envFlag
		p.Origin[KeyEnv] = "flag --" + flagEnv
	case getenv(EnvProfile) != "":
		p.Name = getenv(EnvProfile)
		p.Origin[KeyEnv] = "env " + EnvProfile
	case cfg.env != "":
		p.Name = cfg.env
		p.Origin[KeyEnv] = "config file " + cfg.path
	default:
		p.Name = DefaultProfile
		p.Origin[KeyEnv] = "default"
	}

	base, isPreset := preset(p.Name)
	section := cfg.profiles[p.Name]
	if !isPreset && section == nil {
		return nil, unknownProfile(p.Name, p.Origin[KeyEnv], cfg)
	}

	// Layer each setting: preset < config < env < flag.
	vals := map[string]string{
		KeyTokenURL: base.TokenURL, KeyAudience: base.Audience, KeyAPIURL: base.APIURL,
		KeyPartnerID: base.PartnerID, KeyClientID: base.ClientID,
	}
	for k, v := range vals {
		if v != "" {
			p.Origin[k] = "preset " + p.Name
		}
	}
	for _, s := range layered {
		if section != nil {
			if v, ok := section.values[s.key]; ok && v.value != "" {
				vals[s.key] = v.value
				p.Origin[s.key] = "config file " + cfg.path
			}
		}
		if v := getenv(s.env); v != "" {
			vals[s.key] = v
			p.Origin[s.key] = "env " + s.env
		}
		if v, ok := flag(s.flag); ok {
			vals[s.key] = v
			p.Origin[s.key] = "flag --" + s.flag
		}
	}

	if !isPreset {
		var missing []string
		for _, k := range []string{KeyTokenURL, KeyAudience, KeyAPIURL} {
			if vals[k] == "" {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("%s:%d: profile %q is not a built-in one (%s), so it must give token_url, audience and api_url; missing: %s",
				cfg.path, section.line, p.Name, strings.Join(presetNames(), ", "), strings.Join(missing, ", "))
		}
	}

	p.TokenURL, p.Audience, p.APIURL = vals[KeyTokenURL], vals[KeyAudience], vals[KeyAPIURL]
	p.ClientID, p.JournalsPath = vals[KeyClientID], vals[KeyJournalsPath]

	p.PartnerID = vals[KeyPartnerID]
	if p.PartnerID != "" && !isDigits(p.PartnerID) {
		return nil, fmt.Errorf("partner ID %q (from %s) must be digits only, like 1234", p.PartnerID, p.Origin[KeyPartnerID])
	}

	p.Scopes = SplitScopes(vals[KeyScopes])
	if len(p.Scopes) == 0 {
		p.Scopes = slices.Clone(partnerapi.AllScopes)
		p.Origin[KeyScopes] = "default"
	}

	if p.JournalsPath != "" && !strings.HasPrefix(p.JournalsPath, "/") {
		return nil, fmt.Errorf("journals path %q (from %s) must start with /, like %s", p.JournalsPath, p.Origin[KeyJournalsPath], partnerapi.DefaultJournalsPath)
	}

	if err := resolveSecret(p, in, getenv, flag, cfg, section); err != nil {
		return nil, err
	}
	return p, nil
}

func knownFlag(name string) bool {
	if name == flagEnv || name == flagSecretFile {
		return true
	}
	for _, s := range layered {
		if s.flag == name {
			return true
		}
	}
	return false
}

// resolveSecret finds the client secret: KIVA_CLIENT_SECRET, or a secret
// file from --client-secret-file or KIVA_CLIENT_SECRET_FILE (giving both
// the variable and a file is ambiguous), else the config profile's
// client_secret_file or client_secret.
func resolveSecret(p *Profile, in Inputs, getenv func(string) string, flag func(string) (string, bool), cfg *configFile, section *configProfile) error {
	envSecret := ""
	if in.Getenv != nil {
		envSecret = strings.TrimRight(in.Getenv(EnvClientSecret), "\r\n")
	}
	fileFlag, fromFlag := flag(flagSecretFile)
	fileEnv := getenv(EnvSecretFile)

	if envSecret != "" && (fromFlag || fileEnv != "") {
		other := "--" + flagSecretFile
		if !fromFlag {
			other = EnvSecretFile
		}
		return fmt.Errorf("both %s and %s are set, so the client secret is ambiguous: keep only one of them", EnvClientSecret, other)
	}
	switch {
	case envSecret != "":
		p.ClientSecret = partnerapi.Secret(envSecret)
		p.Origin[KeyClientSecret] = "env " + EnvClientSecret
		return nil
	case fromFlag:
		return readSecretInto(p, fileFlag, "--"+flagSecretFile)
	case fileEnv != "":
		return readSecretInto(p, fileEnv, EnvSecretFile)
	}
	if section == nil {
		return nil
	}
	file, hasFile := section.values[keySecretFile]
	inline, hasInline := section.values[KeyClientSecret]
	if hasFile && hasInline {
		return fmt.Errorf("%s:%d: profile %q gives both client_secret and client_secret_file: keep only one", cfg.path, inline.line, p.Name)
	}
	switch {
	case hasFile && file.value != "":
		path := expandPath(file.value, filepath.Dir(cfg.path))
		return readSecretInto(p, path, "config file "+cfg.path)
	case hasInline && inline.value != "":
		if err := privateFile(cfg.path, cfg.mode); err != nil {
			return fmt.Errorf("%s:%d: client_secret is in a file other users can read: %w", cfg.path, inline.line, err)
		}
		p.ClientSecret = partnerapi.Secret(inline.value)
		p.Origin[KeyClientSecret] = "config file " + cfg.path
	}
	return nil
}

func readSecretInto(p *Profile, path, from string) error {
	s, err := ReadSecretFile(path)
	if err != nil {
		return fmt.Errorf("client secret file (from %s): %w", from, err)
	}
	p.ClientSecret = s
	p.Origin[KeyClientSecret] = fmt.Sprintf("file %s (%s)", path, from)
	return nil
}

// expandPath makes a path from the config file absolute: "~/" is the
// home directory, and a relative path is relative to dir.
func expandPath(path, dir string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok || path == "~" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	if !filepath.IsAbs(path) {
		return filepath.Join(dir, path)
	}
	return path
}

// SplitScopes splits a scope list written with spaces and/or commas,
// dropping empty items and repeats.
func SplitScopes(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func presetNames() []string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
	}
	return names
}

func unknownProfile(name, origin string, cfg *configFile) error {
	known := presetNames()
	var custom []string
	for n := range cfg.profiles {
		if !slices.Contains(known, n) {
			custom = append(custom, n)
		}
	}
	sort.Strings(custom)
	known = append(known, custom...)
	hint := ""
	if s := suggest(name, known); s != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", s)
	}
	where := ""
	if cfg.path != "" {
		where = fmt.Sprintf("; add a section for it under profiles: in %s", cfg.path)
	}
	return fmt.Errorf("unknown profile %q (from %s)%s: known profiles are %s%s",
		name, origin, hint, strings.Join(known, ", "), where)
}

// IsProduction reports whether the profile talks to Kiva's production
// environment: its name is "production", or its API URL, token URL or
// audience is production's (a custom profile holding production's
// settings gets the same guard).
func (p *Profile) IsProduction() bool {
	if p.Name == Production {
		return true
	}
	prod, _ := preset(Production)
	return sameURL(p.APIURL, prod.APIURL) || sameURL(p.TokenURL, prod.TokenURL) || sameURL(p.Audience, prod.Audience)
}

// sameURL compares two addresses as a server sees them: scheme and host
// in any letter case, the scheme's default port written or not, a
// trailing slash or not.
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(strings.TrimRight(strings.TrimSpace(a), "/"))
	ub, err2 := url.Parse(strings.TrimRight(strings.TrimSpace(b), "/"))
	if err1 != nil || err2 != nil || a == "" || b == "" {
		return false
	}
	host := func(u *url.URL) string {
		h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		port := u.Port()
		switch {
		case port == "" && strings.EqualFold(u.Scheme, "https"):
			port = "443"
		case port == "" && strings.EqualFold(u.Scheme, "http"):
			port = "80"
		}
		return h + ":" + port
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && host(ua) == host(ub) && ua.Path == ub.Path
}

// Check reports, in one error, everything that keeps the profile from
// authenticating: a missing URL, audience, client ID or secret, and URLs
// that break partnerapi.CheckURL's rules (https, except plain http to a
// loopback test server). A built-in stage or sandbox profile pointed at
// production's API is refused: production is chosen by name only.
func (p *Profile) Check() error {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	cfgHint := ""
	if p.configFile != "" {
		cfgHint = fmt.Sprintf(" (under profiles: %s: in %s)", p.Name, p.configFile)
	}
	for _, u := range []struct{ key, flag, env, value string }{
		{KeyTokenURL, "--token-url", EnvTokenURL, p.TokenURL},
		{KeyAPIURL, "--api-url", EnvAPIURL, p.APIURL},
	} {
		if u.value == "" {
			add("no %s: set %s, %s or %s%s", u.key, u.flag, u.env, u.key, cfgHint)
			continue
		}
		if err := partnerapi.CheckURL(u.key+" (from "+p.Origin[u.key]+")", u.value); err != nil {
			add("%v", err)
		}
	}
	if p.Audience == "" {
		add("no audience: set --audience, %s or audience%s", EnvAudience, cfgHint)
	}
	if p.ClientID == "" {
		add("no client ID: set %s or client_id%s", EnvClientID, cfgHint)
	}
	if p.ClientSecret == "" {
		add("no client secret: set %s, or put it in a file (chmod 600) named by --client-secret-file, %s or client_secret_file%s",
			EnvClientSecret, EnvSecretFile, cfgHint)
	}
	if len(p.Scopes) == 0 {
		add("no scopes: set --scope or %s (e.g. %q)", EnvScopes, strings.Join(partnerapi.AllScopes, " "))
	}
	if (p.Name == Stage || p.Name == Sandbox) && p.IsProduction() {
		prod, _ := preset(Production)
		for _, u := range []struct{ key, what, value, prod string }{
			{KeyAPIURL, "API URL", p.APIURL, prod.APIURL},
			{KeyTokenURL, "token URL", p.TokenURL, prod.TokenURL},
			{KeyAudience, "audience", p.Audience, prod.Audience},
		} {
			if sameURL(u.value, u.prod) {
				add("profile %q points at production's %s %s (from %s): production is used only when chosen by name, with --env production",
					p.Name, u.what, u.value, p.Origin[u.key])
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	if len(problems) == 1 {
		return fmt.Errorf("profile %s: %s", p.Name, problems[0])
	}
	return fmt.Errorf("profile %s:\n  %s", p.Name, strings.Join(problems, "\n  "))
}
