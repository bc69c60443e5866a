package partnerapi

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCheckURL(t *testing.T) {
	for _, tt := range []struct {
		raw string
		ok  bool
	}{
		{"https://partnerapi.staging.kiva.org", true},
		{"https://auth.k1.kiva.org/oauth/token", true},
		{"HTTPS://example.org:8443/x", true},
		{"http://127.0.0.1:8080", true},
		{"http://127.1.2.3/", true},
		{"http://localhost:9999/oauth/token", true},
		{"http://LOCALHOST", true},
		{"http://[::1]:8080", true},
		{"http://example.org", false},
		{"http://10.0.0.1", false},
		{"http://localhost.example.org", false},
		{"http://[::2]", false},
		{"ftp://example.org", false},
		{"/v3/partner", false},
		{"partnerapi.kiva.org", false},
		{"", false},
		{"https://", false},
		{"https://user:pw@example.org", false},
		{"https://exa mple.org", false},
	} {
		err := CheckURL("API URL", tt.raw)
		if (err == nil) != tt.ok {
			t.Errorf("CheckURL(%q) = %v, want ok=%v", tt.raw, err, tt.ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "API URL") {
			t.Errorf("error %q does not name the setting", err)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("error %q shows the password", err)
		}
	}
}

func TestNewValidates(t *testing.T) {
	good := Config{TokenURL: "https://auth.example/oauth/token", APIURL: "https://api.example", ClientID: "id", ClientSecret: "secret"}
	for _, tt := range []struct {
		name string
		edit func(*Config)
		want string // in the error; "" = ok
	}{
		{"good", func(*Config) {}, ""},
		{"token URL", func(c *Config) { c.TokenURL = "http://auth.example/oauth/token" }, "token URL"},
		{"API URL", func(c *Config) { c.APIURL = "api.example" }, "API URL"},
		{"API URL query", func(c *Config) { c.APIURL = "https://api.example/?x=1" }, "API URL"},
		{"client ID", func(c *Config) { c.ClientID = " " }, "KIVA_CLIENT_ID"},
		{"secret", func(c *Config) { c.ClientSecret = "" }, "KIVA_CLIENT_SECRET"},
		{"partner ID", func(c *Config) { c.PartnerID = "12/../3" }, "KIVA_PARTNER_ID"},
		{"scope", func(c *Config) { c.Scopes = []string{"read:loans create:loan_draft"} }, "scope"},
		{"journals path", func(c *Config) { c.JournalsPath = "journals" }, "journals path"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "negative"},
		{"insecure TLS", func(c *Config) {
			c.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		}, "InsecureSkipVerify"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			_, err := New(cfg)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one naming %q", err, tt.want)
			}
		})
	}
}

func TestEndpointURL(t *testing.T) {
	for _, tt := range []struct {
		api, pid, journals, kind, want string
	}{
		{"https://api.example", "123", "", KindLoanDraft, "https://api.example/v3/partner/123/loan_draft"},
		{"https://api.example/", "123", "", KindRepayments, "https://api.example/v3/partner/123/repayments"},
		{"https://api.example/base", "123", "", KindLoans, "https://api.example/base/v3/partner/123/loans"},
		{"https://api.example", "123", "", KindJournals, "https://api.example/v3/partner/123/journals"},
		{"https://api.example", "123", "/v3/partners/{id}/journals", KindJournals, "https://api.example/v3/partners/123/journals"},
		{"https://api.example", "", "", "config/activities", "https://api.example/v3/partner/{id}/config/activities"},
		{"https://api.example", "", "", KindJournals, "https://api.example/v3/partner/{id}/journals"},
	} {
		c, err := New(Config{TokenURL: "https://auth.example/t", APIURL: tt.api, PartnerID: tt.pid, JournalsPath: tt.journals, ClientID: "id", ClientSecret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.EndpointURL(tt.kind); got != tt.want {
			t.Errorf("EndpointURL(%q) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}

func TestJournalsPathUsed(t *testing.T) {
	k := newFakeKiva(t)
	k.api = func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 201, `{"journals":[{"confirm_url":"https://pa2/c/9"}]}`)
	}
	c, _ := k.client(newFakeClock(), func(c *Config) { c.JournalsPath = "/v3/partners/{id}/journals" })
	resp, err := c.PostJournals(context.Background(), []byte(`[{"subject":"s"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if p := k.requests()[0].Path; p != "/v3/partners/123/journals" {
		t.Errorf("path %q", p)
	}
	if resp.Status != 201 || len(resp.ConfirmURLs) != 1 || resp.ConfirmURLs[0] != "https://pa2/c/9" {
		t.Errorf("response %+v", resp)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"17", 17 * time.Second},
		{"99999999999999", MaxRetryAfter},
		{now.Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.Add(time.Hour).Format(http.TimeFormat), MaxRetryAfter},
		{"soon", 0},
	} {
		h := http.Header{}
		if tt.v != "" {
			h.Set("Retry-After", tt.v)
		}
		if got := parseRetryAfter(h, now); got != tt.want {
			t.Errorf("Retry-After %q = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestNoSecretsLeak sets distinctive values for the client secret and
// the access token, makes servers echo everything they received, and
// checks that nothing the client returns carries either.
func TestNoSecretsLeak(t *testing.T) {
	const access = "AcCeSs-TOKEN-4c2b9e"
	forbidden := []string{testSecret, url.QueryEscape(testSecret), url.PathEscape(testSecret), access}
	check := func(t *testing.T, what string, vals ...any) {
		t.Helper()
		for _, v := range vals {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				s := fmt.Sprintf(verb, v)
				for _, f := range forbidden {
					if strings.Contains(s, f) {
						t.Errorf("%s printed with %s holds %q: %s", what, verb, f, s)
					}
				}
			}
		}
	}
	echoRequest := func(w http.ResponseWriter, r *http.Request, status int) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":"you sent %s with %s","form":%q,"raw":"%s"}`,
			r.Header.Get("Authorization"), r.PostForm.Encode(), r.PostForm.Get("client_secret"), r.PostForm.Get("client_secret"))
	}

	t.Run("token refused", func(t *testing.T) {
		k := newFakeKiva(t)
		k.token = func(w http.ResponseWriter, r *http.Request, n int) { echoRequest(w, r, 401) }
		c, _ := k.client(newFakeClock(), nil)
		_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
		e := asError(t, err)
		check(t, "token error", err, e.Message, string(e.Body), e.Err)
		if !strings.Contains(string(e.Body), redactedMark) {
			t.Errorf("the echoed secret was not replaced: %s", e.Body)
		}
		info, err := c.Token(context.Background())
		check(t, "Token()", info, err)
		check(t, "client", c)
	})
	t.Run("token answer not JSON", func(t *testing.T) {
		k := newFakeKiva(t)
		k.token = func(w http.ResponseWriter, r *http.Request, n int) {
			r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, "%s", r.PostForm.Get("client_secret"))
		}
		c, _ := k.client(newFakeClock(), nil)
		_, err := c.PostLoanDraft(context.Background(), []byte(`{}`))
		check(t, "token error", err)
	})
	for _, status := range []int{200, 400, 401, 403, 500} {
		t.Run(fmt.Sprint("API ", status), func(t *testing.T) {
			k := newFakeKiva(t)
			k.token = func(w http.ResponseWriter, r *http.Request, n int) {
				writeToken(w, access, 3600, "read:loans", "123")
			}
			k.api = func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("X-Echo", r.Header.Get("Authorization"))
				echoRequest(w, r, status)
			}
			c, _ := k.client(newFakeClock(), nil)
			resp, err := c.PostRepayments(context.Background(), []byte(`{}`))
			check(t, "response", resp, err)
			if resp != nil {
				check(t, "response body", string(resp.Body))
			}
			if e, ok := err.(*Error); ok {
				check(t, "error fields", e.Message, string(e.Body), e.Err)
			}
			info, err := c.Token(context.Background())
			check(t, "Token()", info, err)
			check(t, "client", c)
			if c.http.Jar != nil {
				t.Error("a cookie jar could keep what the server sent")
			}
		})
	}
}
