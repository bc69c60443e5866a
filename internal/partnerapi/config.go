package partnerapi

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults for the zero values of Config.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultMaxResponse = 8 << 20 // 8 MiB
	DefaultRenewBefore = 5 * time.Minute
	DefaultUserAgent   = "kivaconv"
)

// Config is what a Client needs. TokenURL, APIURL, ClientID and
// ClientSecret are required; the rest have defaults.
type Config struct {
	TokenURL  string // OAuth2 token endpoint, e.g. https://auth.staging.kiva.org/oauth/token
	Audience  string // the "audience" form field of the token request; omitted when ""
	APIURL    string // API base, e.g. https://partnerapi.staging.kiva.org
	PartnerID string // "" = take it from the token's partnerId

	// Scopes asked for in the token request; nil means AllScopes.
	Scopes       []string
	ClientID     string
	ClientSecret Secret

	// JournalsPath is the journals endpoint path under APIURL; "" means
	// DefaultJournalsPath. "{id}" is replaced by the partner id (Kiva's
	// .NET sample uses /v3/partners/{id}/journals).
	JournalsPath string

	// UserAgent is sent on token and API calls; "" means "kivaconv".
	UserAgent string
	// Timeout limits each request (token or API) from sending to the end
	// of the answer; 0 means 60 s.
	Timeout time.Duration
	// MaxResponse caps the answer bodies kept; 0 means 8 MiB. A longer
	// body is cut, and the Response or Error says so (Truncated).
	MaxResponse int64
	// RenewBefore is how long before its expiry a token is renewed; 0
	// means 5 min. It is never more than a quarter of the token's
	// lifetime.
	RenewBefore time.Duration
	// HTTPClient carries token and API calls; nil means a default client
	// (TLS verification on, proxy from the environment, dial and TLS
	// handshake timeouts). Its redirect policy is replaced: the client
	// never follows redirects, so a bearer token cannot be forwarded.
	HTTPClient *http.Client
	// Now is the clock for token expiry and Retry-After dates; nil means
	// time.Now.
	Now func() time.Time
}

// Client talks to the Partner API. It is safe for concurrent use.
type Client struct {
	cfg      Config
	apiBase  string // APIURL without trailing slash
	http     *http.Client
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	maxPages int // EachLoan's guard against a server that never ends
	// wroteWait bounds the wait, after a failed request, for the transport
	// to say whether the request was written completely (see roundTrip).
	wroteWait time.Duration

	mu       sync.Mutex
	tok      *tokenState // current token, nil before the first fetch
	inflight *tokenCall  // the fetch under way, shared by concurrent callers
	// tokenPartner is the partnerId of the last token, "" before one.
	tokenPartner string
	// seen are the access tokens fetched so far (the last few), scrubbed
	// from everything the client returns.
	seen []Secret
}

// Format keeps the Client's internals (and so its token) out of
// fmt-printed values: %v and %+v print only the API base.
func (c *Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "partnerapi.Client{%s}", c.apiBase)
}

// New checks cfg and returns a Client. It makes no network call. Errors
// name the setting that is wrong and say how to fix it.
func New(cfg Config) (*Client, error) {
	if err := CheckURL("token URL", cfg.TokenURL); err != nil {
		return nil, err
	}
	if err := CheckURL("API URL", cfg.APIURL); err != nil {
		return nil, err
	}
	if u, _ := url.Parse(cfg.APIURL); u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("API URL %q: give the base address only, without ?query or #fragment", cfg.APIURL)
	}
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("the client ID is not set: set KIVA_CLIENT_ID (Kiva gives it with the API credentials)")
	}
	if strings.TrimSpace(cfg.ClientSecret.Reveal()) == "" {
		return nil, errors.New("the client secret is not set: set KIVA_CLIENT_SECRET or give the file that holds it")
	}
	if cfg.PartnerID != "" && !validPartnerID(cfg.PartnerID) {
		return nil, fmt.Errorf("partner ID %q should be the number Kiva gave your organization (KIVA_PARTNER_ID / --partner-id)", cfg.PartnerID)
	}
	if cfg.Scopes == nil {
		cfg.Scopes = AllScopes
	}
	for _, s := range cfg.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			return nil, fmt.Errorf("scope %q: a scope is one word such as %s", s, ScopeLoanDraft)
		}
	}
	if cfg.JournalsPath == "" {
		cfg.JournalsPath = DefaultJournalsPath
	}
	if !strings.HasPrefix(cfg.JournalsPath, "/") || strings.ContainsAny(cfg.JournalsPath, "?# ") {
		return nil, fmt.Errorf("journals path %q should be a path such as %s", cfg.JournalsPath, DefaultJournalsPath)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Timeout < 0 || cfg.MaxResponse < 0 || cfg.RenewBefore < 0 {
		return nil, errors.New("timeout, response size limit and token renewal time cannot be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxResponse == 0 {
		cfg.MaxResponse = DefaultMaxResponse
	}
	if cfg.RenewBefore == 0 {
		cfg.RenewBefore = DefaultRenewBefore
	}
	base := cfg.HTTPClient
	if base == nil {
		base = defaultHTTPClient()
	} else if insecure(base) {
		return nil, errors.New("the HTTP client turns TLS certificate verification off (InsecureSkipVerify): kivaconv refuses to send credentials that way")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	c := &Client{
		cfg:       cfg,
		apiBase:   strings.TrimRight(cfg.APIURL, "/"),
		http:      wrapHTTPClient(base, cfg.UserAgent),
		now:       now,
		sleep:     sleepCtx,
		maxPages:  defaultMaxPages,
		wroteWait: wroteWait,
	}
	return c, nil
}

// validPartnerID accepts what can be put in a URL path segment as is.
func validPartnerID(s string) bool {
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return s != ""
}

// CheckURL checks a setting that holds an endpoint address: absolute,
// https:// (or http:// to a loopback host: 127.0.0.0/8, ::1, localhost,
// for a local sandbox), with a host and without user:password. what names
// the setting in the error ("token URL").
func CheckURL(what, raw string) error {
	if strings.TrimSpace(raw) == "" {
		return fmt.Errorf("%s is not set", what)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s %q is not a valid address: %v", what, raw, errors.Unwrap(err))
	}
	if !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("%s %q should be a full address starting with https://", what, raw)
	}
	if u.User != nil {
		return fmt.Errorf("%s %q must not hold a user name or password: give the credentials as client ID and secret", what, redactUserinfo(u))
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return fmt.Errorf("%s %q uses http://, which would send credentials unencrypted: use https:// (http:// is allowed only for a local test server on 127.0.0.1 or localhost)", what, raw)
		}
	default:
		return fmt.Errorf("%s %q should start with https://", what, raw)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%s %q has no host name", what, raw)
	}
	return nil
}

func redactUserinfo(u *url.URL) string {
	v := *u
	v.User = url.User("…")
	return v.String()
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// insecure reports whether an *http.Transport turns certificate checks off.
func insecure(c *http.Client) bool {
	t, ok := c.Transport.(*http.Transport)
	return ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify
}

func defaultHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   15 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}}
}

// wrapHTTPClient copies base, adds the User-Agent (and a default Accept)
// to every request, and refuses redirects: a redirected call comes back
// as its 3xx answer.
func wrapHTTPClient(base *http.Client, ua string) *http.Client {
	c := *base
	rt := base.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = &uaTransport{base: rt, ua: ua}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// uaTransport sets User-Agent and, when absent, Accept: application/json.
// The token request gets both through it, since the oauth2 package sets
// neither.
type uaTransport struct {
	base http.RoundTripper
	ua   string
}

func (t *uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("User-Agent", t.ua)
	if r2.Header.Get("Accept") == "" {
		r2.Header.Set("Accept", "application/json")
	}
	return t.base.RoundTrip(r2)
}
