package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// secret is distinctive so that a leak into any string is easy to spot.
const secret = "S3cr3t-ZEBRA-42-never-print"

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeConfig writes a config file with mode 0600 in a fresh folder.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeSecret(t *testing.T, dir, name, content string) string {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noSecret(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, secret) || strings.Contains(s, "ZEBRA") {
		t.Errorf("the secret leaked into: %s", s)
	}
}

func TestResolveDefaultIsStage(t *testing.T) {
	p, err := Resolve(Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	want := Presets()[0]
	if p.Name != Stage || p.TokenURL != want.TokenURL || p.Audience != want.Audience || p.APIURL != want.APIURL {
		t.Errorf("got %+v, want the stage preset", p)
	}
	if !slices.Equal(p.Scopes, partnerapi.AllScopes) {
		t.Errorf("scopes = %v, want all", p.Scopes)
	}
	wantOrigin := map[string]string{
		KeyEnv: "default", KeyTokenURL: "preset stage", KeyAudience: "preset stage",
		KeyAPIURL: "preset stage", KeyScopes: "default",
	}
	if fmt.Sprint(p.Origin) != fmt.Sprint(wantOrigin) {
		t.Errorf("origins = %v, want %v", p.Origin, wantOrigin)
	}
	if p.IsProduction() {
		t.Error("the default profile is production")
	}
}

func TestProfileName(t *testing.T) {
	cfgProd := writeConfig(t, "env: production\n")
	cases := []struct {
		name       string
		flags, env map[string]string
		config     string
		want       string
		origin     string
	}{
		{"default", nil, nil, "", Stage, "default"},
		{"config", nil, nil, cfgProd, Production, "config file " + cfgProd},
		{"env beats config", nil, map[string]string{EnvProfile: "sandbox"}, cfgProd, Sandbox, "env KIVA_ENV"},
		{"flag beats env", map[string]string{"env": "stage"}, map[string]string{EnvProfile: "sandbox"}, cfgProd, Stage, "flag --env"},
		{"empty env ignored", nil, map[string]string{EnvProfile: " "}, "", Stage, "default"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Resolve(Inputs{Flags: c.flags, Getenv: envMap(c.env), ConfigFile: c.config})
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != c.want || p.Origin[KeyEnv] != c.origin {
				t.Errorf("name %q from %q, want %q from %q", p.Name, p.Origin[KeyEnv], c.want, c.origin)
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	cfg := writeConfig(t, `profiles:
  stage:
    api_url: https://config.example.org
    partner_id: 111
    client_id: from-config
    scopes: [read:loans, create:repayment]
    journals_path: /v3/partners/{id}/journals
`)
	cases := []struct {
		name       string
		flags, env map[string]string
		check      func(t *testing.T, p *Profile)
	}{
		{"config over preset", nil, nil, func(t *testing.T, p *Profile) {
			eq(t, p.APIURL, "https://config.example.org", p.Origin[KeyAPIURL], "config file "+cfg)
			eq(t, p.PartnerID, "111", p.Origin[KeyPartnerID], "config file "+cfg)
			eq(t, p.ClientID, "from-config", p.Origin[KeyClientID], "config file "+cfg)
			eq(t, strings.Join(p.Scopes, " "), "read:loans create:repayment", p.Origin[KeyScopes], "config file "+cfg)
			eq(t, p.JournalsPath, "/v3/partners/{id}/journals", p.Origin[KeyJournalsPath], "config file "+cfg)
			eq(t, p.TokenURL, Presets()[0].TokenURL, p.Origin[KeyTokenURL], "preset stage")
		}},
		{"env over config", nil, map[string]string{
			EnvAPIURL: "https://env.example.org", EnvPartnerID: "222", EnvClientID: "from-env",
			EnvScopes: "read:loans,create:loan_draft", EnvTokenURL: "https://token.example.org/t",
			EnvAudience: "aud-env", EnvJournalsPath: "/j",
		}, func(t *testing.T, p *Profile) {
			eq(t, p.APIURL, "https://env.example.org", p.Origin[KeyAPIURL], "env KIVA_API_URL")
			eq(t, p.PartnerID, "222", p.Origin[KeyPartnerID], "env KIVA_PARTNER_ID")
			eq(t, p.ClientID, "from-env", p.Origin[KeyClientID], "env KIVA_CLIENT_ID")
			eq(t, strings.Join(p.Scopes, " "), "read:loans create:loan_draft", p.Origin[KeyScopes], "env KIVA_SCOPES")
			eq(t, p.TokenURL, "https://token.example.org/t", p.Origin[KeyTokenURL], "env KIVA_TOKEN_URL")
			eq(t, p.Audience, "aud-env", p.Origin[KeyAudience], "env KIVA_AUDIENCE")
			eq(t, p.JournalsPath, "/j", p.Origin[KeyJournalsPath], "env KIVA_JOURNALS_PATH")
		}},
		{"flag over env", map[string]string{
			"api-url": "https://flag.example.org", "partner-id": "333", "scope": "create:journal_update  read:loans,read:loans",
			"token-url": "https://t.example.org", "audience": "aud-flag", "journals-path": "/f", "client-id": "from-flag",
		}, map[string]string{EnvAPIURL: "https://env.example.org", EnvPartnerID: "222", EnvScopes: "read:loans"},
			func(t *testing.T, p *Profile) {
				eq(t, p.APIURL, "https://flag.example.org", p.Origin[KeyAPIURL], "flag --api-url")
				eq(t, p.PartnerID, "333", p.Origin[KeyPartnerID], "flag --partner-id")
				eq(t, strings.Join(p.Scopes, " "), "create:journal_update read:loans", p.Origin[KeyScopes], "flag --scope")
				eq(t, p.TokenURL, "https://t.example.org", p.Origin[KeyTokenURL], "flag --token-url")
				eq(t, p.Audience, "aud-flag", p.Origin[KeyAudience], "flag --audience")
				eq(t, p.JournalsPath, "/f", p.Origin[KeyJournalsPath], "flag --journals-path")
				eq(t, p.ClientID, "from-flag", p.Origin[KeyClientID], "flag --client-id")
			}},
		{"empty flag and env fall through", map[string]string{"api-url": ""}, map[string]string{EnvAPIURL: ""},
			func(t *testing.T, p *Profile) {
				eq(t, p.APIURL, "https://config.example.org", p.Origin[KeyAPIURL], "config file "+cfg)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Resolve(Inputs{Flags: c.flags, Getenv: envMap(c.env), ConfigFile: cfg})
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, p)
		})
	}
}

func eq(t *testing.T, got, want, gotOrigin, wantOrigin string) {
	t.Helper()
	if got != want || gotOrigin != wantOrigin {
		t.Errorf("got %q from %q, want %q from %q", got, gotOrigin, want, wantOrigin)
	}
}

func TestPresets(t *testing.T) {
	cases := []struct {
		name, token, audience, api, partner, client string
		prod                                        bool
	}{
		{Stage, "https://auth.staging.kiva.org/oauth/token", "https://partner-api-stage.dk1.kiva.org", "https://partnerapi.staging.kiva.org", "", "", false},
		{Production, "https://auth.k1.kiva.org/oauth/token", "https://partner-api.k1.kiva.org", "https://partner-api.k1.kiva.org", "", "", true},
		{Sandbox, "http://127.0.0.1:8089/oauth/token", "https://sandbox.kivaconv.local", "http://127.0.0.1:8089", "1234", "kivaconv-sandbox", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Resolve(Inputs{Flags: map[string]string{"env": c.name}})
			if err != nil {
				t.Fatal(err)
			}
			if p.TokenURL != c.token || p.Audience != c.audience || p.APIURL != c.api || p.PartnerID != c.partner || p.ClientID != c.client {
				t.Errorf("got %+v", p)
			}
			if p.IsProduction() != c.prod {
				t.Errorf("IsProduction = %v", p.IsProduction())
			}
			if p.Origin[KeyAPIURL] != "preset "+c.name {
				t.Errorf("origin %q", p.Origin[KeyAPIURL])
			}
		})
	}
	// Presets returns copies.
	ps := Presets()
	ps[0].APIURL = "changed"
	if Presets()[0].APIURL == "changed" {
		t.Error("Presets shares its values")
	}
}

func TestIsProductionByURL(t *testing.T) {
	for _, c := range []struct {
		api  string
		want bool
	}{
		{"https://partner-api.k1.kiva.org", true},
		{"https://PARTNER-API.k1.kiva.org/", true},
		{"https://partner-api.k1.kiva.org:443", true},
		{"https://partner-api.k1.kiva.org.", true},
		{"https://partnerapi.staging.kiva.org", false},
		{"http://127.0.0.1:8089", false},
		{"", false},
	} {
		p := &Profile{Name: "custom", APIURL: c.api}
		if got := p.IsProduction(); got != c.want {
			t.Errorf("IsProduction(%q) = %v, want %v", c.api, got, c.want)
		}
	}
}

// A custom profile that gets production's tokens is production, whatever
// its API URL: the guard must not be bypassed by a second name for it.
func TestIsProductionByTokenURLOrAudience(t *testing.T) {
	for _, p := range []*Profile{
		{Name: "custom", TokenURL: "https://auth.k1.kiva.org/oauth/token", APIURL: "https://kiva-proxy.example.org"},
		{Name: "custom", Audience: "https://partner-api.k1.kiva.org", APIURL: "https://kiva-proxy.example.org"},
	} {
		if !p.IsProduction() {
			t.Errorf("%+v is not production", p)
		}
	}
	stage, _ := preset(Stage)
	if stage.IsProduction() {
		t.Error("stage is production")
	}
}

func TestCustomProfiles(t *testing.T) {
	cfg := writeConfig(t, `env: training
profiles:
  training:
    token_url: http://127.0.0.1:9/oauth/token
    audience: aud
    api_url: http://127.0.0.1:9
    client_id: trainer
  partial:
    api_url: https://x.example.org
`)
	p, err := Resolve(Inputs{ConfigFile: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "training" || p.TokenURL != "http://127.0.0.1:9/oauth/token" || p.Origin[KeyTokenURL] != "config file "+cfg {
		t.Errorf("got %+v", p)
	}

	_, err = Resolve(Inputs{ConfigFile: cfg, Flags: map[string]string{"env": "partial"}})
	wantErr(t, err, cfg+":8:", `profile "partial"`, "missing: token_url, audience")

	// The environment can complete a custom profile.
	p, err = Resolve(Inputs{ConfigFile: cfg, Flags: map[string]string{"env": "partial"},
		Getenv: envMap(map[string]string{EnvTokenURL: "https://t.example.org", EnvAudience: "a"})})
	if err != nil || p.APIURL != "https://x.example.org" {
		t.Fatalf("got %+v, %v", p, err)
	}

	_, err = Resolve(Inputs{ConfigFile: cfg, Getenv: envMap(map[string]string{EnvProfile: "trainng"})})
	wantErr(t, err, `unknown profile "trainng" (from env KIVA_ENV)`, "did you mean training?",
		"stage, production, sandbox, partial, training")

	_, err = Resolve(Inputs{Flags: map[string]string{"env": "prod"}})
	wantErr(t, err, `unknown profile "prod" (from flag --env)`, "stage, production, sandbox")
}

func TestValueErrors(t *testing.T) {
	cases := []struct {
		name  string
		flags map[string]string
		env   map[string]string
		want  []string
	}{
		{"partner id letters", map[string]string{"partner-id": "12a"}, nil, []string{`partner ID "12a"`, "flag --partner-id", "digits"}},
		{"partner id from env", nil, map[string]string{EnvPartnerID: "-5"}, []string{"env KIVA_PARTNER_ID", "digits"}},
		{"journals path", map[string]string{"journals-path": "v3/x"}, nil, []string{"journals path", "must start with /"}},
		{"unknown flag", map[string]string{"client-secret": secret}, nil, []string{"unknown flag --client-secret"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Resolve(Inputs{Flags: c.flags, Getenv: envMap(c.env)})
			wantErr(t, err, c.want...)
		})
	}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
	noSecret(t, err.Error())
}

func TestSecretSources(t *testing.T) {
	dir := t.TempDir()
	good := writeSecret(t, dir, "good.secret", secret+"\n")
	crlf := writeSecret(t, dir, "crlf.secret", "\ufeff"+secret+" \r\n")
	empty := writeSecret(t, dir, "empty.secret", "\n\n")
	multi := writeSecret(t, dir, "multi.secret", secret+"\nsecond line\n")
	big := writeSecret(t, dir, "big.secret", strings.Repeat(secret, 400))
	missing := filepath.Join(dir, "missing.secret")

	relCfg := writeConfig(t, "profiles:\n  stage:\n    client_secret_file: rel.secret\n")
	writeSecret(t, filepath.Dir(relCfg), "rel.secret", secret)
	inlineCfg := writeConfig(t, "profiles:\n  stage:\n    client_id: a\n    client_secret: "+secret+"\n")
	openCfg := writeConfig(t, "profiles:\n  stage:\n    client_secret: "+secret+"\n")
	if err := os.Chmod(openCfg, 0o644); err != nil {
		t.Fatal(err)
	}
	bothCfg := writeConfig(t, "profiles:\n  stage:\n    client_secret_file: "+good+"\n    client_secret: "+secret+"\n")

	cases := []struct {
		name   string
		flags  map[string]string
		env    map[string]string
		config string
		origin string // "" = want an error
		errs   []string
	}{
		{"none", nil, nil, "", "", nil},
		{"env", nil, map[string]string{EnvClientSecret: secret}, "", "env KIVA_CLIENT_SECRET", nil},
		{"flag file", map[string]string{"client-secret-file": good}, nil, "", "file " + good + " (--client-secret-file)", nil},
		{"env file", nil, map[string]string{EnvSecretFile: crlf}, "", "file " + crlf + " (KIVA_CLIENT_SECRET_FILE)", nil},
		{"flag file beats env file", map[string]string{"client-secret-file": good}, map[string]string{EnvSecretFile: missing}, "", "file " + good + " (--client-secret-file)", nil},
		{"config file relative", nil, nil, relCfg, "file " + filepath.Join(filepath.Dir(relCfg), "rel.secret") + " (config file " + relCfg + ")", nil},
		{"config inline private", nil, nil, inlineCfg, "config file " + inlineCfg, nil},
		{"env beats config", nil, map[string]string{EnvClientSecret: secret}, openCfg, "env KIVA_CLIENT_SECRET", nil},
		{"env and flag file", map[string]string{"client-secret-file": good}, map[string]string{EnvClientSecret: secret}, "", "",
			[]string{"both KIVA_CLIENT_SECRET and --client-secret-file", "ambiguous"}},
		{"env and env file", nil, map[string]string{EnvClientSecret: secret, EnvSecretFile: good}, "", "",
			[]string{"both KIVA_CLIENT_SECRET and KIVA_CLIENT_SECRET_FILE"}},
		{"empty file", map[string]string{"client-secret-file": empty}, nil, "", "", []string{empty + " is empty", "--client-secret-file"}},
		{"missing file", nil, map[string]string{EnvSecretFile: missing}, "", "", []string{missing + " does not exist", "KIVA_CLIENT_SECRET_FILE"}},
		{"several lines", map[string]string{"client-secret-file": multi}, nil, "", "", []string{"several lines"}},
		{"big file", map[string]string{"client-secret-file": big}, nil, "", "", []string{"too big"}},
		{"folder", map[string]string{"client-secret-file": dir}, nil, "", "", []string{"is a folder"}},
		{"config both", nil, nil, bothCfg, "", []string{bothCfg + ":4:", "both client_secret and client_secret_file"}},
	}
	if runtime.GOOS != "windows" {
		cases = append(cases, struct {
			name   string
			flags  map[string]string
			env    map[string]string
			config string
			origin string
			errs   []string
		}{"config inline readable by others", nil, nil, openCfg, "", []string{openCfg + ":3:", "chmod 600 " + openCfg, "0644"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Resolve(Inputs{Flags: c.flags, Getenv: envMap(c.env), ConfigFile: c.config})
			if c.errs != nil {
				wantErr(t, err, c.errs...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.origin == "" {
				if p.ClientSecret != "" || p.Origin[KeyClientSecret] != "" {
					t.Errorf("secret set from %q", p.Origin[KeyClientSecret])
				}
				return
			}
			if p.ClientSecret.Reveal() != secret {
				t.Errorf("secret is %d bytes, not the expected one", len(p.ClientSecret.Reveal()))
			}
			if p.Origin[KeyClientSecret] != c.origin {
				t.Errorf("origin %q, want %q", p.Origin[KeyClientSecret], c.origin)
			}
			for _, s := range []string{fmt.Sprintf("%v", p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p)} {
				noSecret(t, s)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string
	}{
		{"syntax", "profiles:\n  stage:\n    client_id: a\n   api_url: b\n", []string{":4: did not find expected key"}},
		{"tab", "profiles:\n  stage:\n\tclient_id: a\n", []string{":3: found character that cannot start any token"}},
		{"unknown profile key", "profiles:\n  stage:\n    clientid: a\n", []string{":3:5:", `unknown key "clientid" in profile "stage"`, "did you mean client_id?"}},
		{"camelCase key", "profiles:\n  stage:\n    apiUrl: https://x\n", []string{":3:5:", "did you mean api_url?"}},
		{"unknown top key", "envv: stage\n", []string{":1:1:", `unknown key "envv" at the top level`, "did you mean env?"}},
		{"no suggestion", "profiles:\n  stage:\n    colour: blue\n", []string{"known keys: token_url"}},
		{"duplicate profile", "profiles:\n  stage: {}\n  stage: {}\n", []string{":3:", `"stage" is given twice (first on line 2)`}},
		{"duplicate key", "profiles:\n  stage:\n    client_id: a\n    client_id: b\n", []string{":4:", "given twice"}},
		{"profiles list", "profiles:\n  - stage\n", []string{":2:3:", "one section per profile"}},
		{"profile scalar", "profiles:\n  stage: " + secret + "\n", []string{":2:10:", `profile "stage" must hold settings`}},
		{"value list", "profiles:\n  stage:\n    client_id: [a, b]\n", []string{":3:16:", "client_id: must be a single value"}},
		{"root scalar", secret + "\n", []string{":1:1:", "must hold keys"}},
		{"secret in bad yaml", "profiles:\n  stage:\n    client_secret: \"" + secret + "\n", []string{"config.yaml:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeConfig(t, c.content)
			_, err := Resolve(Inputs{ConfigFile: cfg})
			wantErr(t, err, append([]string{cfg}, c.want...)...)
		})
	}
}

func TestConfigFileEdgeCases(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.yaml")
	for _, c := range []struct{ name, path string }{
		{"missing file", missing},
		{"empty file", writeConfig(t, "")},
		{"comments only", writeConfig(t, "# nothing yet\n")},
		{"empty profiles", writeConfig(t, "profiles:\n  stage:\n")},
		{"null values", writeConfig(t, "env:\nprofiles:\n  stage:\n    client_id:\n")},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Resolve(Inputs{ConfigFile: c.path})
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != Stage || p.ClientID != "" {
				t.Errorf("got %+v", p)
			}
		})
	}
	_, err := Resolve(Inputs{ConfigFile: t.TempDir()})
	wantErr(t, err, "is a folder")
}

func TestExampleConfigParses(t *testing.T) {
	cfg := writeConfig(t, ExampleConfig())
	p, err := Resolve(Inputs{ConfigFile: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != Stage || p.Origin[KeyEnv] != "config file "+cfg {
		t.Errorf("got %+v", p)
	}
	// The commented training profile is valid once uncommented.
	var b strings.Builder
	in := false
	for _, line := range strings.Split(ExampleConfig(), "\n") {
		if strings.HasPrefix(line, "  # training:") {
			in = true
		}
		if in && strings.HasPrefix(line, "  #") {
			line = "  " + strings.TrimPrefix(line, "  # ")
		}
		b.WriteString(line + "\n")
	}
	cfg2 := writeConfig(t, b.String())
	writeSecret(t, filepath.Dir(cfg2), "training.secret", secret)
	p, err = Resolve(Inputs{ConfigFile: cfg2, Flags: map[string]string{"env": "training"}})
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if p.ClientID != "training" || len(p.Scopes) != 4 || p.ClientSecret.Reveal() != secret || p.JournalsPath != partnerapi.DefaultJournalsPath {
		t.Errorf("got %+v", p)
	}
	if err := p.Check(); err != nil {
		t.Error(err)
	}
}

func TestCheck(t *testing.T) {
	full := func() *Profile {
		p, err := Resolve(Inputs{Getenv: envMap(map[string]string{EnvClientID: "id", EnvClientSecret: secret})})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if err := full().Check(); err != nil {
		t.Fatalf("complete stage profile: %v", err)
	}
	cases := []struct {
		name   string
		change func(p *Profile)
		want   []string
	}{
		{"no client id", func(p *Profile) { p.ClientID = "" }, []string{"no client ID", "KIVA_CLIENT_ID"}},
		{"no secret", func(p *Profile) { p.ClientSecret = "" }, []string{"no client secret", "KIVA_CLIENT_SECRET", "--client-secret-file"}},
		{"both", func(p *Profile) { p.ClientID, p.ClientSecret = "", "" }, []string{"no client ID", "no client secret"}},
		{"no audience", func(p *Profile) { p.Audience = "" }, []string{"no audience"}},
		{"no token url", func(p *Profile) { p.TokenURL = "" }, []string{"no token_url", "--token-url"}},
		{"http elsewhere", func(p *Profile) { p.APIURL = "http://example.org"; p.Origin[KeyAPIURL] = "flag --api-url" },
			[]string{`api_url (from flag --api-url) "http://example.org"`, "https://"}},
		{"ftp", func(p *Profile) { p.TokenURL = "ftp://127.0.0.1/t" }, []string{"https://"}},
		{"relative", func(p *Profile) { p.TokenURL = "/oauth/token" }, []string{"https://"}},
		{"password in url", func(p *Profile) { p.APIURL = "https://me:" + secret + "@example.org" }, []string{"user name or password"}},
		{"stage pointed at production", func(p *Profile) { p.APIURL = "https://partner-api.k1.kiva.org" }, []string{"points at production", "--env production"}},
		{"stage getting production's tokens", func(p *Profile) { p.TokenURL = "https://auth.k1.kiva.org/oauth/token" },
			[]string{"points at production's token URL https://auth.k1.kiva.org/oauth/token", "--env production"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := full()
			c.change(p)
			wantErr(t, p.Check(), c.want...)
		})
	}
	for _, ok := range []string{"http://127.0.0.1:8089", "http://localhost:1/x", "http://[::1]:80", "https://example.org/base/"} {
		p := full()
		p.APIURL = ok
		if err := p.Check(); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	// A custom profile may name production's URL: it was chosen by name.
	p := full()
	p.Name, p.APIURL = "prod-eu", "https://partner-api.k1.kiva.org"
	if err := p.Check(); err != nil {
		t.Errorf("custom production profile: %v", err)
	}
}

func TestReadSecretFileNeverQuotesContent(t *testing.T) {
	// A secret file holding YAML-ish or several lines of text.
	p := writeSecret(t, "", "s", "client_secret: "+secret+"\nmore\n")
	_, err := ReadSecretFile(p)
	wantErr(t, err, "several lines")
}

func TestSplitScopes(t *testing.T) {
	for in, want := range map[string]string{
		"":                                  "",
		"read:loans":                        "read:loans",
		" read:loans, create:repayment\t":   "read:loans|create:repayment",
		"a,b,,a b":                          "a|b",
		"create:loan_draft\ncreate:journal": "create:loan_draft|create:journal",
	} {
		if got := strings.Join(SplitScopes(in), "|"); got != want {
			t.Errorf("SplitScopes(%q) = %q, want %q", in, got, want)
		}
	}
}
