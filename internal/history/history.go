// Package history is kivaconv's send history: an SQLite database in the
// user's config folder (history.db) that remembers, per target, what was
// sent from every batch folder, so that the same loan or the same batch is
// not sent twice from two folders. Like a folder's ledger, it is written
// before each request ("sending") and after it.
package history

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite", pure Go
)

// File is the database's name in the config folder.
const File = "history.db"

// Request states, as in the folder ledger.
const (
	StateSending     = "sending"
	StateSent        = "sent"
	StateFailed      = "failed"
	StateUnconfirmed = "unconfirmed"
)

const schema = `
CREATE TABLE IF NOT EXISTS requests (
	id         INTEGER PRIMARY KEY,
	partner_id TEXT NOT NULL,
	api        TEXT NOT NULL,            -- normalised API identity (NormalizeAPI)
	audience   TEXT NOT NULL DEFAULT '', -- token audience; '' when unknown (imported from a ledger)
	api_url    TEXT NOT NULL DEFAULT '', -- as configured, for display
	env        TEXT NOT NULL DEFAULT '',
	folder     TEXT NOT NULL,            -- absolute, cleaned, symlink-resolved
	file       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	sha256     TEXT NOT NULL,
	records    INTEGER NOT NULL DEFAULT 0,
	loan_ids   TEXT NOT NULL DEFAULT '', -- space-separated
	state      TEXT NOT NULL,            -- sending, sent, failed, unconfirmed
	time       TEXT NOT NULL,            -- RFC 3339 UTC, of the last change
	source     TEXT NOT NULL DEFAULT 'send', -- send, or ledger (imported)
	error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS requests_sha ON requests (partner_id, api, sha256);
CREATE INDEX IF NOT EXISTS requests_folder ON requests (folder);
CREATE TABLE IF NOT EXISTS borrowers (
	request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
	partner_id TEXT NOT NULL,
	api        TEXT NOT NULL,
	client_id  TEXT NOT NULL,
	loan_id    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS borrowers_key ON borrowers (partner_id, api, client_id, loan_id);
CREATE TABLE IF NOT EXISTS loans (
	request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
	partner_id TEXT NOT NULL,
	api        TEXT NOT NULL,
	kind       TEXT NOT NULL,
	loan_id    TEXT NOT NULL,
	time       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS loans_key ON loans (partner_id, api, kind, loan_id, time);
CREATE TABLE IF NOT EXISTS folders (
	path     TEXT PRIMARY KEY,
	imported TEXT NOT NULL
);
`

// Target is where requests go, by identity rather than URL spelling.
type Target struct {
	PartnerID string
	API       string // NormalizeAPI of the API URL
	Audience  string
	APIURL    string // as configured, for display only
	Env       string
}

// NewTarget builds a target from the configured API URL, partner and token
// audience.
func NewTarget(apiURL, partnerID, audience, env string) Target {
	return Target{PartnerID: strings.TrimSpace(partnerID), API: NormalizeAPI(apiURL), Audience: strings.TrimSpace(audience), APIURL: apiURL, Env: env}
}

// Same reports whether two targets are the same API, partner and audience.
func (t Target) Same(o Target) bool {
	return t.PartnerID == o.PartnerID && t.API == o.API && t.Audience == o.Audience
}

// NormalizeAPI returns the identity of an API base URL: lower-case scheme
// and host, the default port dropped, localhost, 127.0.0.1 and ::1 as one
// host, the path cleaned without its trailing slash.
func NormalizeAPI(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return strings.TrimRight(strings.ToLower(raw), "/")
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	switch host {
	case "localhost", "::1", "0:0:0:0:0:0:0:1":
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() && ip.To4() == nil {
		host = "127.0.0.1"
	}
	p := u.EscapedPath()
	if p != "" {
		p = path.Clean("/" + p)
	}
	p = strings.TrimRight(p, "/")
	hp := host
	if strings.Contains(host, ":") {
		hp = "[" + host + "]"
	}
	if port != "" {
		hp += ":" + port
	}
	return scheme + "://" + hp + p
}

// FolderID is a folder's identity: its absolute, cleaned, symlink-resolved
// path (the path as given, cleaned, when it cannot be resolved).
func FolderID(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	abs = filepath.Clean(abs)
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

// DB is an open history.
type DB struct {
	db   *sql.DB
	Path string
}

// Open opens (creating it) the history database at path, in WAL mode with
// a busy timeout, so that several sends can share it.
func Open(p string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("send history: %w", err)
	}
	dsn := "file:" + filepath.ToSlash(p) + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("send history %s: %w", p, err)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("send history %s: %w", p, err)
	}
	return &DB{db: db, Path: p}, nil
}

// Close closes the database.
func (h *DB) Close() error { return h.db.Close() }

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTS(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Request is one row of the history.
type Request struct {
	ID        int64     `json:"-"`
	Time      time.Time `json:"time"`
	Env       string    `json:"env,omitempty"`
	APIURL    string    `json:"api_url,omitempty"`
	API       string    `json:"api"`
	PartnerID string    `json:"partner_id"`
	Audience  string    `json:"audience,omitempty"`
	Folder    string    `json:"folder"`
	File      string    `json:"file"`
	Kind      string    `json:"kind"`
	SHA256    string    `json:"sha256,omitempty"`
	Records   int       `json:"records,omitempty"`
	LoanIDs   []string  `json:"loan_ids,omitempty"`
	State     string    `json:"state"`
	Source    string    `json:"source,omitempty"`
	Error     string    `json:"error,omitempty"`
	// Borrowers of a loan draft, "client_id/loan_id".
	Borrowers []string `json:"borrowers,omitempty"`
}

// audienceMatch is the SQL condition for the target's audience: rows with
// no known audience (imported from a ledger) count for every audience.
const targetCond = `partner_id = ? AND api = ? AND (audience = ? OR audience = '' OR ? = '')`

func targetArgs(t Target) []any { return []any{t.PartnerID, t.API, t.Audience, t.Audience} }

// Begin records a request about to be sent ("sending") and returns its id.
// It is durable when Begin returns.
func (h *DB) Begin(t Target, r Request) (int64, error) {
	res, err := h.db.Exec(`INSERT INTO requests (partner_id, api, audience, api_url, env, folder, file, kind, sha256, records, loan_ids, state, time, source)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'send')`,
		t.PartnerID, t.API, t.Audience, t.APIURL, t.Env, r.Folder, r.File, r.Kind, r.SHA256, r.Records, strings.Join(r.LoanIDs, " "), StateSending, ts(r.Time))
	if err != nil {
		return 0, fmt.Errorf("send history: %w", err)
	}
	return res.LastInsertId()
}

// Resolve records a request's outcome. A sent loan draft's borrowers and a
// sent batch's loans are recorded with it, in one transaction.
func (h *DB) Resolve(t Target, id int64, state, errMsg string, at time.Time, kind string, loanIDs, borrowers []string) error {
	tx, err := h.db.Begin()
	if err != nil {
		return fmt.Errorf("send history: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`UPDATE requests SET state = ?, error = ?, time = ? WHERE id = ?`, state, errMsg, ts(at), id); err != nil {
		return fmt.Errorf("send history: %w", err)
	}
	if state == StateSent {
		if err := addSent(tx, t, id, kind, at, loanIDs, borrowers); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("send history: %w", err)
	}
	return nil
}

func addSent(tx *sql.Tx, t Target, id int64, kind string, at time.Time, loanIDs, borrowers []string) error {
	for _, b := range borrowers {
		c, l, _ := strings.Cut(b, "/")
		if _, err := tx.Exec(`INSERT INTO borrowers (request_id, partner_id, api, client_id, loan_id) VALUES (?,?,?,?,?)`, id, t.PartnerID, t.API, c, l); err != nil {
			return fmt.Errorf("send history: %w", err)
		}
	}
	for _, l := range loanIDs {
		if _, err := tx.Exec(`INSERT INTO loans (request_id, partner_id, api, kind, loan_id, time) VALUES (?,?,?,?,?,?)`, id, t.PartnerID, t.API, kind, l, ts(at)); err != nil {
			return fmt.Errorf("send history: %w", err)
		}
	}
	return nil
}

const reqCols = `id, time, env, api_url, api, partner_id, audience, folder, file, kind, sha256, records, loan_ids, state, source, error`

func scanReq(rows interface{ Scan(...any) error }) (Request, error) {
	var r Request
	var tm, loans string
	err := rows.Scan(&r.ID, &tm, &r.Env, &r.APIURL, &r.API, &r.PartnerID, &r.Audience, &r.Folder, &r.File, &r.Kind, &r.SHA256, &r.Records, &loans, &r.State, &r.Source, &r.Error)
	r.Time = parseTS(tm)
	r.LoanIDs = strings.Fields(loans)
	return r, err
}

// SameContent returns a request of the target, from another folder than
// folder, whose content was the same and that was sent or may have been
// (sending, unconfirmed); nil when there is none.
func (h *DB) SameContent(t Target, folder, sha string) (*Request, error) {
	row := h.db.QueryRow(`SELECT `+reqCols+` FROM requests WHERE `+targetCond+` AND sha256 = ? AND folder <> ? AND state IN ('sent','sending','unconfirmed') ORDER BY state = 'sent' DESC, time LIMIT 1`,
		append(targetArgs(t), sha, folder)...)
	return oneReq(row)
}

// SentBorrower returns the sent request, from another folder than folder,
// that had the borrower ("client_id/loan_id"); nil when none.
func (h *DB) SentBorrower(t Target, folder, borrower string) (*Request, error) {
	c, l, _ := strings.Cut(borrower, "/")
	row := h.db.QueryRow(`SELECT `+prefixed("r.", reqCols)+` FROM borrowers b JOIN requests r ON r.id = b.request_id
		WHERE b.partner_id = ? AND b.api = ? AND (r.audience = ? OR r.audience = '' OR ? = '') AND b.client_id = ? AND b.loan_id = ? AND r.folder <> ? AND r.state = 'sent'
		ORDER BY r.time LIMIT 1`, t.PartnerID, t.API, t.Audience, t.Audience, c, l, folder)
	return oneReq(row)
}

// oneReq reads the request a single-row query found; nil when none.
func oneReq(row *sql.Row) (*Request, error) {
	r, err := scanReq(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("send history: %w", err)
	}
	return &r, nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// Repeat is a loan that another upload of the same kind already reported.
type Repeat struct {
	LoanID string
	Prior  Request
}

// RecentLoans returns, for each of loanIDs that a sent batch of kind, of
// another content than sha, reported to the target since since, that
// batch.
func (h *DB) RecentLoans(t Target, kind, sha string, since time.Time, loanIDs []string) ([]Repeat, error) {
	if len(loanIDs) == 0 {
		return nil, nil
	}
	want := map[string]bool{}
	for _, l := range loanIDs {
		want[l] = true
	}
	rows, err := h.db.Query(`SELECT l.loan_id, `+prefixed("r.", reqCols)+` FROM loans l JOIN requests r ON r.id = l.request_id
		WHERE l.partner_id = ? AND l.api = ? AND (r.audience = ? OR r.audience = '' OR ? = '') AND l.kind = ? AND l.time >= ? AND r.sha256 <> ? AND r.state = 'sent'
		ORDER BY l.time`, t.PartnerID, t.API, t.Audience, t.Audience, kind, ts(since), sha)
	if err != nil {
		return nil, fmt.Errorf("send history: %w", err)
	}
	defer rows.Close()
	var out []Repeat
	seen := map[string]bool{}
	for rows.Next() {
		var loan string
		var r Request
		var tm, loans string
		if err := rows.Scan(&loan, &r.ID, &tm, &r.Env, &r.APIURL, &r.API, &r.PartnerID, &r.Audience, &r.Folder, &r.File, &r.Kind, &r.SHA256, &r.Records, &loans, &r.State, &r.Source, &r.Error); err != nil {
			return nil, fmt.Errorf("send history: %w", err)
		}
		r.Time, r.LoanIDs = parseTS(tm), strings.Fields(loans)
		if want[loan] && !seen[loan] {
			seen[loan] = true
			out = append(out, Repeat{LoanID: loan, Prior: r})
		}
	}
	return out, rows.Err()
}

// FolderSent returns the latest request from folder (for any target) that
// was sent or may have been; nil when none.
func (h *DB) FolderSent(folder string) (*Request, error) {
	row := h.db.QueryRow(`SELECT `+reqCols+` FROM requests WHERE folder = ? AND state IN ('sent','sending','unconfirmed') ORDER BY time DESC LIMIT 1`, folder)
	return oneReq(row)
}

// List returns the requests since since (all when zero), oldest first,
// with the borrowers of loan drafts.
func (h *DB) List(since time.Time) ([]Request, error) {
	rows, err := h.db.Query(`SELECT `+reqCols+` FROM requests WHERE time >= ? ORDER BY time, id`, ts(since))
	if err != nil {
		return nil, fmt.Errorf("send history: %w", err)
	}
	var out []Request
	for rows.Next() {
		r, err := scanReq(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("send history: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Kind != "loan_draft" || out[i].State != StateSent {
			continue
		}
		brows, err := h.db.Query(`SELECT client_id, loan_id FROM borrowers WHERE request_id = ?`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for brows.Next() {
			var c, l string
			if err := brows.Scan(&c, &l); err == nil {
				out[i].Borrowers = append(out[i].Borrowers, c+"/"+l)
			}
		}
		brows.Close()
	}
	return out, nil
}

// Folders lists the folders the history knows of.
func (h *DB) Folders() ([]string, error) {
	rows, err := h.db.Query(`SELECT path FROM folders UNION SELECT DISTINCT folder FROM requests ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Imported reports whether the folder's ledger was imported already.
func (h *DB) Imported(folder string) (bool, error) {
	var n int
	err := h.db.QueryRow(`SELECT count(*) FROM folders WHERE path = ?`, folder).Scan(&n)
	return n > 0, err
}

// Import replaces what an earlier import of folder recorded with recs
// (requests read from its ledger, each with its target), and marks the
// folder imported. Requests written by send itself are kept; an imported
// request that send already recorded (same target, file, content and
// state) is not added twice.
func (h *DB) Import(folder string, recs []Imported, at time.Time) error {
	tx, err := h.db.Begin()
	if err != nil {
		return fmt.Errorf("send history: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM requests WHERE folder = ? AND source = 'ledger'`, folder); err != nil {
		return fmt.Errorf("send history: %w", err)
	}
	for _, im := range recs {
		t, r := im.Target, im.Request
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM requests WHERE folder = ? AND file = ? AND sha256 = ? AND state = ? AND partner_id = ? AND api = ?`,
			folder, r.File, r.SHA256, r.State, t.PartnerID, t.API).Scan(&n); err != nil {
			return fmt.Errorf("send history: %w", err)
		}
		if n > 0 {
			continue
		}
		res, err := tx.Exec(`INSERT INTO requests (partner_id, api, audience, api_url, env, folder, file, kind, sha256, records, loan_ids, state, time, source, error)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'ledger',?)`,
			t.PartnerID, t.API, t.Audience, t.APIURL, t.Env, folder, r.File, r.Kind, r.SHA256, r.Records, strings.Join(r.LoanIDs, " "), r.State, ts(r.Time), r.Error)
		if err != nil {
			return fmt.Errorf("send history: %w", err)
		}
		if r.State == StateSent {
			id, _ := res.LastInsertId()
			if err := addSent(tx, t, id, r.Kind, r.Time, r.LoanIDs, r.Borrowers); err != nil {
				return err
			}
		}
	}
	if _, err := tx.Exec(`INSERT INTO folders (path, imported) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET imported = excluded.imported`, folder, ts(at)); err != nil {
		return fmt.Errorf("send history: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("send history: %w", err)
	}
	return nil
}

// Imported is one request read from a folder's ledger.
type Imported struct {
	Target  Target
	Request Request
}
