package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	"github.com/kiva-partners/kivaconv/kiva"
)

// Options configure a sandbox. The zero value is usable: every field has a
// default.
type Options struct {
	ClientID string // default "kivaconv-sandbox"
	// ClientSecret is the secret clients must present; "" draws a random
	// one per run (see Server.ClientSecret).
	ClientSecret partnerapi.Secret
	PartnerID    string // default "1234"
	// Audience is what token requests must send as "audience"; default
	// DefaultAudience.
	Audience string
	// Scopes are the scopes the client may be granted; default all four.
	Scopes []string
	// TokenTTL is how long a token lives (default 12h); the token answer's
	// expires_in is one second less, as Kiva's 43199.
	TokenTTL time.Duration
	// Latency is added before answering each API request.
	Latency time.Duration
	// Rate is the most API requests per second (a token bucket with a
	// burst of a tenth of a second's worth); excess requests get 429 with
	// Retry-After. 0 = unlimited.
	Rate float64
	// Faults is a fault plan (see ParseFaults and FaultSyntax).
	Faults string
	// Seed drives the probabilistic faults.
	Seed int64
	// Today is the date of the disbursal-window rule; zero = the current
	// date at each request.
	Today time.Time
	// Reference is the config lists the rules and the config endpoints
	// use; nil = the embedded copy of samples/reference.json.
	Reference *kiva.Reference
	// Log gets one line per request (time, method, path, status, fault);
	// never a token or a secret. Nil discards.
	Log io.Writer
	// AllowedHosts are names, besides localhost and the loopback
	// addresses, that a request's Host header may give (the port is
	// ignored). A request addressed to any other name is refused with 421
	// whatever its path: a web page whose name an attacker re-points at
	// 127.0.0.1 (DNS rebinding) must not read /sandbox/state.json, reset
	// the sandbox or call the API.
	AllowedHosts []string
	// AllowIPHosts also admits a Host that is any IP address (for
	// --allow-remote: other computers address the sandbox by this
	// computer's address). An address is no name an attacker's page can
	// re-point, so it needs no list.
	AllowIPHosts bool
}

// Defaults of Options.
const (
	DefaultClientID  = "kivaconv-sandbox"
	DefaultPartnerID = "1234"
	DefaultAudience  = "https://sandbox.kivaconv.local"
	DefaultTokenTTL  = 12 * time.Hour
)

// maxBody bounds request bodies. The largest is a loan draft with its
// photo: at most kiva.MaxImageBytes (10 MiB), which base64 in the JSON
// makes 13.4 MiB; the rest of a draft is a few KiB, and repayments and
// journals (at most 300 records a call) far less. 15 MiB leaves room for
// that and no more.
const maxBody = 15 << 20

// maxHang is how long a "hang" fault holds a request at most.
const maxHang = 60 * time.Second

// Server is a running sandbox's state and handlers. It is safe for
// concurrent use.
type Server struct {
	opts   Options
	ref    *kiva.Reference
	loans  []Loan
	byLoan map[string]*Loan // internal_loan_id → loan
	faults *FaultPlan

	// now is the clock: token expiry, rate limit, record times. Tests
	// replace it before serving.
	now func() time.Time
	// hangMax is maxHang; tests shorten it.
	hangMax time.Duration
	// onHang, when set, is called when a hang fault starts holding a
	// request (tests).
	onHang func()

	limiter *rate.Limiter // nil: unlimited
	mux     *http.ServeMux
	// inFlight counts API requests being handled (State.InFlight).
	inFlight atomic.Int64

	logMu sync.Mutex

	mu     sync.Mutex
	tokens map[[32]byte]*token // by SHA-256 of the token: the tokens themselves are not kept
	issued int
	// lastUpload and lastPost number repayment uploads and journal posts;
	// a reset does not restart them, so old confirm links stay unambiguous.
	lastUpload int
	lastPost   int
	st         store
}

// token is an issued access token's grant.
type token struct {
	partnerID string
	scopes    []string
	expiry    time.Time
	revoked   bool
}

// New checks opts, fills in the defaults and returns a sandbox. Errors say
// which option is wrong and how to fix it.
func New(opts Options) (*Server, error) {
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.PartnerID == "" {
		opts.PartnerID = DefaultPartnerID
	}
	if strings.ContainsAny(opts.PartnerID, "/?#% ") {
		return nil, fmt.Errorf("partner ID %q: it goes into URL paths, so it cannot hold / ? # %% or spaces (Kiva's are numbers, e.g. 1234)", opts.PartnerID)
	}
	if opts.Audience == "" {
		opts.Audience = DefaultAudience
	}
	if opts.Scopes == nil {
		opts.Scopes = slices.Clone(partnerapi.AllScopes)
	}
	for _, sc := range opts.Scopes {
		if !slices.Contains(partnerapi.AllScopes, sc) {
			return nil, fmt.Errorf("scope %q is not one Kiva grants (valid: %s)", sc, strings.Join(partnerapi.AllScopes, ", "))
		}
	}
	opts.Scopes = slices.Clone(opts.Scopes)
	opts.AllowedHosts = slices.Clone(opts.AllowedHosts)
	switch {
	case opts.TokenTTL == 0:
		opts.TokenTTL = DefaultTokenTTL
	case opts.TokenTTL < time.Second:
		return nil, fmt.Errorf("token lifetime %s is too short: give at least 1s (Kiva's is 12h)", opts.TokenTTL)
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("latency %s is negative: give 0 or more, e.g. 300ms", opts.Latency)
	}
	if opts.Rate < 0 || math.IsNaN(opts.Rate) || math.IsInf(opts.Rate, 0) {
		return nil, fmt.Errorf("rate %v: give the most requests per second, e.g. 2 or 0.5, or 0 for no limit", opts.Rate)
	}
	plan, err := ParseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	plan.seed(opts.Seed)
	if opts.ClientSecret == "" {
		opts.ClientSecret = partnerapi.Secret(randomText(24))
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	ref := opts.Reference
	if ref == nil {
		if ref, err = embeddedReference(); err != nil {
			return nil, err
		}
	}
	loans, err := embeddedLoans()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:    opts,
		ref:     ref,
		loans:   loans,
		byLoan:  map[string]*Loan{},
		faults:  plan,
		now:     time.Now,
		hangMax: maxHang,
		tokens:  map[[32]byte]*token{},
	}
	for i := range s.loans {
		s.byLoan[s.loans[i].InternalLoanID] = &s.loans[i]
	}
	if opts.Rate > 0 {
		// A tenth of a second's worth of burst, as real gateways allow:
		// concurrent clients within the rate do not trip it by jitter.
		s.limiter = rate.NewLimiter(rate.Limit(opts.Rate), max(1, int(opts.Rate/10)))
	}
	s.st.reset()
	s.routes()
	return s, nil
}

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options {
	o := s.opts
	o.Scopes = slices.Clone(o.Scopes)
	o.AllowedHosts = slices.Clone(o.AllowedHosts)
	return o
}

// ClientSecret is the secret clients must present (the one given, or the
// one drawn by New).
func (s *Server) ClientSecret() partnerapi.Secret { return s.opts.ClientSecret }

// FaultPlan returns the parsed fault plan.
func (s *Server) FaultPlan() *FaultPlan { return s.faults }

// Handler serves the token endpoint, the Partner API, the overview page
// (GET /), /sandbox/state.json, POST /sandbox/reset and the journal
// confirm pages. Every one of them refuses, with 421, a request whose Host
// is not a loopback name (see Options.AllowedHosts).
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveLogged) }

// State returns a copy of everything received.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st.snapshot()
	st.PartnerID = s.opts.PartnerID
	st.Audience = s.opts.Audience
	st.FaultPlan = s.faults.String()
	st.TokensIssued = s.issued
	st.InFlight = int(s.inFlight.Load())
	return st
}

// Reset forgets everything received. Tokens stay valid and the fault plan
// keeps its place.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.reset()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /oauth/token", s.handleToken)
	api := "/v3/partner/{id}/"
	m.Handle("POST "+api+"loan_draft", s.api(EndpointLoanDraft, partnerapi.ScopeLoanDraft, s.postLoanDraft))
	m.Handle("POST "+api+"repayments", s.api(EndpointRepayments, partnerapi.ScopeRepayment, s.postRepayments))
	m.Handle("POST "+api+"journals", s.api(EndpointJournals, partnerapi.ScopeJournalUpdate, s.postJournals))
	m.Handle("POST /v3/partners/{id}/journals", s.api(EndpointJournals, partnerapi.ScopeJournalUpdate, s.postJournals))
	m.Handle("GET "+api+"loans", s.api(EndpointLoans, partnerapi.ScopeReadLoans, s.getLoans))
	m.Handle("GET "+api+"config/{name}", s.api(EndpointConfig, "", s.getConfig))
	m.HandleFunc("GET /{$}", s.handlePage)
	m.HandleFunc("GET /sandbox/state.json", s.handleState)
	m.HandleFunc("POST /sandbox/reset", s.handleReset)
	m.HandleFunc("GET /sandbox/journals/{n}/confirm", s.handleConfirm)
	s.mux = m
}

// ---------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------

type ctxKey struct{}

// reqInfo writes a request's log line once, as soon as its status is
// known (before the answer leaves, so that whoever got the answer finds
// the line in the log).
type reqInfo struct {
	s      *Server
	method string
	path   string
	note   string
	once   sync.Once
}

func (info *reqInfo) emit(status string) {
	info.once.Do(func() {
		line := fmt.Sprintf("%s %s %s %s", info.s.now().Format("15:04:05"), info.method, info.path, status)
		if info.note != "" {
			line += " (" + info.note + ")"
		}
		info.s.logMu.Lock()
		fmt.Fprintln(info.s.opts.Log, line)
		info.s.logMu.Unlock()
	})
}

// logWriter logs the request when its answer starts.
type logWriter struct {
	http.ResponseWriter
	info *reqInfo
}

func (w *logWriter) WriteHeader(code int) {
	w.info.emit(strconv.Itoa(code))
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(b []byte) (int, error) {
	w.info.emit("200")
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Hijack and Flush.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) serveLogged(w http.ResponseWriter, r *http.Request) {
	// The path is logged escaped (no control characters) and without the
	// query; neither ever holds a token or a secret.
	info := &reqInfo{s: s, method: r.Method, path: r.URL.EscapedPath()}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, info))
	lw := &logWriter{ResponseWriter: w, info: info}
	if !s.hostAllowed(r.Host) {
		// Neither the body nor anything else of the request is read.
		note(r, "Host refused: not a loopback name")
		to := "localhost or 127.0.0.1 (or [::1])"
		if s.opts.AllowIPHosts || len(s.opts.AllowedHosts) > 0 {
			to = "this computer's IP address or name, localhost or 127.0.0.1"
		}
		http.Error(lw, "421 Misdirected Request: the kivaconv sandbox answers only requests addressed to "+to+
			". If a web page sent this request, it is not the sandbox's page: close it.", http.StatusMisdirectedRequest)
		return
	}
	s.mux.ServeHTTP(lw, r)
	info.emit("-") // no answer: dropped, or the client gave up
}

// hostAllowed tells whether a request's Host header (host, optionally with
// a port) names the sandbox: localhost, a loopback address (127.x.y.z,
// [::1]), a name in AllowedHosts, or any IP address when AllowIPHosts.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, port, err := net.SplitHostPort(hostport); err == nil {
		if strings.Trim(port, "0123456789") != "" {
			return false
		}
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1] // [::1] without a port
	} else if strings.Contains(host, ":") {
		return false // an IPv6 address must be bracketed
	}
	if host == "" {
		return false
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || s.opts.AllowIPHosts
	}
	for _, h := range s.opts.AllowedHosts {
		if strings.EqualFold(strings.TrimSuffix(host, "."), strings.TrimSuffix(h, ".")) {
			return true
		}
	}
	return false
}

func note(r *http.Request, format string, a ...any) {
	if info, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		info.note = fmt.Sprintf(format, a...)
	}
}

// logNoAnswer logs a request that will get no answer, before the
// connection closes.
func logNoAnswer(r *http.Request) {
	if info, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		info.emit("-")
	}
}

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

// FieldError is one problem with a request body, in a 400 answer's
// "errors" list (and a draft's warnings).
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Rule    string `json:"rule,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"code":"api.error","message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// apiError is an API error answer.
type apiError struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Errors  []FieldError `json:"errors,omitempty"`
}

// fail answers an API request with an error and records the refusal.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, endpoint string, status int, msg string, errs []FieldError) {
	code := "api.error"
	switch status {
	case http.StatusUnauthorized:
		code = "api.unauthorized"
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	case http.StatusForbidden:
		code = "api.forbidden"
	case http.StatusNotFound:
		code = "api.not_found"
	case http.StatusTooManyRequests:
		code = "api.rate_limited"
	}
	s.refuse(r, endpoint, status, msg)
	writeJSON(w, status, apiError{Code: code, Message: msg, Errors: errs})
}

func (s *Server) refuse(r *http.Request, endpoint string, status int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.refuse(Refusal{Time: s.now(), Endpoint: endpoint, Method: r.Method, Path: r.URL.Path, Status: status, Message: msg})
}

// ---------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Iss         string `json:"iss"`
	PartnerID   string `json:"partnerId"`
	JTI         string `json:"jti"`
}

type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func (s *Server) tokenFail(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	s.refuse(r, EndpointToken, status, desc)
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	if ct != "application/x-www-form-urlencoded" {
		io.Copy(io.Discard, r.Body)
		s.serveFault(w, r, EndpointToken, nil, func(w http.ResponseWriter) {
			s.tokenFail(w, r, http.StatusBadRequest, "invalid_request",
				fmt.Sprintf("Send the token request as application/x-www-form-urlencoded, not %q.", ct))
		})
		return
	}
	if err := r.ParseForm(); err != nil {
		s.tokenFail(w, r, http.StatusBadRequest, "invalid_request", "The form could not be read: "+err.Error())
		return
	}
	s.serveFault(w, r, EndpointToken, nil, func(w http.ResponseWriter) { s.issueToken(w, r) })
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	if g := f.Get("grant_type"); g != "client_credentials" {
		s.tokenFail(w, r, http.StatusBadRequest, "unsupported_grant_type",
			fmt.Sprintf("grant_type must be client_credentials, not %q.", g))
		return
	}
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if id == "" && secret == "" {
		id, secret, _ = r.BasicAuth()
	}
	if !s.validClient(id, secret) {
		s.tokenFail(w, r, http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	}
	aud := f.Get("audience")
	if aud == "" {
		s.tokenFail(w, r, http.StatusForbidden, "access_denied", "No audience was given: send the audience parameter.")
		return
	}
	if aud != s.opts.Audience {
		s.tokenFail(w, r, http.StatusForbidden, "access_denied", "Service not found: "+aud)
		return
	}
	granted := s.opts.Scopes
	if asked := strings.Fields(f.Get("scope")); len(asked) > 0 {
		granted = nil
		for _, sc := range s.opts.Scopes {
			if slices.Contains(asked, sc) {
				granted = append(granted, sc)
			}
		}
	}
	tok := TokenPrefix + randomText(32)
	now := s.now()
	s.mu.Lock()
	for k, t := range s.tokens {
		// Forget long-expired tokens; recently expired ones are still
		// known, so a client using one hears "expired", not "unknown".
		if now.Sub(t.expiry) > s.opts.TokenTTL {
			delete(s.tokens, k)
		}
	}
	s.tokens[sha256.Sum256([]byte(tok))] = &token{
		partnerID: s.opts.PartnerID, scopes: slices.Clone(granted), expiry: now.Add(s.opts.TokenTTL),
	}
	s.issued++
	s.mu.Unlock()
	expiresIn := int((s.opts.TokenTTL - time.Second) / time.Second)
	if expiresIn < 1 {
		expiresIn = 1
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tokenAnswer{
		AccessToken: tok, TokenType: "bearer", ExpiresIn: expiresIn,
		Scope: strings.Join(granted, " "), Iss: baseURL(r) + "/",
		PartnerID: s.opts.PartnerID, JTI: hex.EncodeToString(randomBytes(16)),
	})
}

func (s *Server) validClient(id, secret string) bool {
	// Compare both whole, in constant time, so timing tells nothing.
	idOK := hmacEqual(id, s.opts.ClientID)
	secretOK := hmacEqual(secret, s.opts.ClientSecret.Reveal())
	return idOK && secretOK && id != "" && secret != ""
}

// hmacEqual compares two strings in time independent of where they differ
// (and of their lengths), by comparing their hashes.
func hmacEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	var d byte
	for i := range ha {
		d |= ha[i] ^ hb[i]
	}
	return d == 0
}

// ---------------------------------------------------------------------------
// API requests: rate limit, authentication, faults
// ---------------------------------------------------------------------------

// apiHandler serves one API request whose body has been read.
type apiHandler func(w http.ResponseWriter, r *http.Request, body []byte)

// api wraps an endpoint: wait the latency, enforce the rate limit, check
// the token, its partner and its scope (scope "" = any valid token), then
// read the body and inject a fault or serve. The body is read only once the
// token is good: a client without one cannot make the sandbox read (or
// hold) a big body.
func (s *Server) api(endpoint, scope string, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		if s.opts.Latency > 0 {
			t := time.NewTimer(s.opts.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if s.limiter != nil {
			now := s.now()
			res := s.limiter.ReserveN(now, 1)
			if d := res.DelayFrom(now); d > 0 {
				res.CancelAt(now)
				secs := int(math.Ceil(d.Seconds()))
				if secs < 1 {
					secs = 1
				}
				w.Header().Set("Retry-After", fmt.Sprint(secs))
				s.fail(w, r, endpoint, http.StatusTooManyRequests,
					fmt.Sprintf("Too many requests: at most %g per second. Retry after %d s.", s.opts.Rate, secs), nil)
				return
			}
		}
		tok, status, msg := s.authorize(r, scope)
		if status != 0 {
			s.fail(w, r, endpoint, status, msg, nil)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.fail(w, r, endpoint, http.StatusRequestEntityTooLarge,
					fmt.Sprintf("The body is larger than %d MiB: send a smaller photo.", maxBody>>20), nil)
			}
			return
		}
		s.serveFault(w, r, endpoint, tok, func(w http.ResponseWriter) { h(w, r, body) })
	})
}

// authorize checks the request's bearer token; a non-zero status is the
// refusal.
func (s *Server) authorize(r *http.Request, scope string) (*token, int, string) {
	auth := r.Header.Get("Authorization")
	scheme, raw, _ := strings.Cut(auth, " ")
	raw = strings.TrimSpace(raw)
	if !strings.EqualFold(scheme, "bearer") || raw == "" {
		return nil, http.StatusUnauthorized, "Missing access token: send Authorization: Bearer <token> (get one from POST /oauth/token)."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[sha256.Sum256([]byte(raw))]
	switch {
	case t == nil:
		return nil, http.StatusUnauthorized, "Unknown access token: get a new one from POST /oauth/token."
	case t.revoked:
		return nil, http.StatusUnauthorized, "The access token was revoked: get a new one from POST /oauth/token."
	case !s.now().Before(t.expiry):
		return nil, http.StatusUnauthorized, "The access token has expired: get a new one from POST /oauth/token."
	}
	if id := r.PathValue("id"); id != t.partnerID {
		return nil, http.StatusForbidden, fmt.Sprintf("This token is for partner %s, not partner %s: check the partner ID in the URL.", t.partnerID, id)
	}
	if scope != "" && !slices.Contains(t.scopes, scope) {
		granted := strings.Join(t.scopes, " ")
		if granted == "" {
			granted = "none"
		}
		return nil, http.StatusForbidden, fmt.Sprintf("Insufficient scope: this call needs %s; the token has %s.", scope, granted)
	}
	return t, 0, ""
}

// recorder holds an answer that a fault will replace or drop.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
}
func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// serveFault serves the request with serve, unless the fault plan holds a
// fault for it.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, endpoint string, tok *token, serve func(http.ResponseWriter)) {
	kind, ok := s.faults.next(endpoint)
	if !ok {
		serve(w)
		return
	}
	ev := FaultEvent{Endpoint: endpoint, Method: r.Method, Path: r.URL.Path, Kind: kind}
	if kind.appliesFirst() {
		rec := &recorder{header: http.Header{}}
		serve(rec)
		ev.Applied = rec.status >= 200 && rec.status < 300
	}
	ev.Time = s.now()
	s.mu.Lock()
	if kind == Fault401 && tok != nil {
		tok.revoked = true
	}
	s.st.faults = append(s.st.faults, ev)
	s.mu.Unlock()
	applied := "not applied"
	if ev.Applied {
		applied = "applied"
	}
	note(r, "fault %s, %s", kind, applied)

	msg := "Injected by the kivaconv sandbox (--faults)."
	switch kind {
	case Fault500, Fault502, Fault504:
		status := map[FaultKind]int{Fault500: 500, Fault502: 502, Fault504: 504}[kind]
		writeFaultAnswer(w, endpoint, status, msg)
	case Fault503, Fault429:
		status := map[FaultKind]int{Fault503: 503, Fault429: 429}[kind]
		w.Header().Set("Retry-After", "1")
		writeFaultAnswer(w, endpoint, status, msg)
	case Fault401:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		m := "The token was revoked. " + msg
		if endpoint == EndpointToken {
			m = msg
		}
		writeFaultAnswer(w, endpoint, http.StatusUnauthorized, m)
	case FaultDropBefore, FaultDropAfter:
		logNoAnswer(r)
		dropConnection(w)
	case FaultHang:
		if s.onHang != nil {
			s.onHang()
		}
		t := time.NewTimer(s.hangMax)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
			writeFaultAnswer(w, endpoint, http.StatusGatewayTimeout, msg)
		}
	}
}

func writeFaultAnswer(w http.ResponseWriter, endpoint string, status int, msg string) {
	if endpoint == EndpointToken {
		code := "server_error"
		if status == http.StatusUnauthorized {
			code = "access_denied"
		}
		writeJSON(w, status, oauthError{Error: code, Description: msg})
		return
	}
	writeJSON(w, status, apiError{Code: "api.error", Message: msg})
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): abort the stream instead.
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return b
}

// TokenPrefix starts every access token the sandbox issues, so that tests
// can search any output for a leaked token without knowing its value.
const TokenPrefix = "sbxtok_"

func randomText(n int) string { return base64.RawURLEncoding.EncodeToString(randomBytes(n)) }

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// baseURL is the scheme and host the client used to reach the sandbox.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// today is the date the disbursal window counts from.
func (s *Server) today() time.Time {
	if !s.opts.Today.IsZero() {
		return s.opts.Today
	}
	return s.now()
}
