package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Ledger states. An entry records one step of one request: "sending" is
// written, and made durable, before the request leaves; one of the three
// outcomes after its answer (or its failure).
const (
	// StateSending: the request is about to be sent. A "sending" entry with
	// no outcome after it means the program stopped while the request was
	// in flight: it may or may not have reached Kiva, so it counts as
	// unconfirmed.
	StateSending = "sending"
	// StateSent: Kiva accepted the batch (a 2xx answer). It is never sent
	// again to the same API and partner.
	StateSent = "sent"
	// StateFailed: the request surely did not take effect (Kiva refused it
	// with a 4xx, or it could not be delivered). Sending again is safe.
	StateFailed = "failed"
	// StateUnconfirmed: the request was sent but its answer was lost (the
	// connection dropped, a timeout, HTTP 500/502/504). Kiva may have
	// applied it: a person must check PA2 before it is sent again.
	StateUnconfirmed = "unconfirmed"
)

// LedgerEntry is one line of ledger.jsonl.
type LedgerEntry struct {
	Time   time.Time `json:"time"`
	File   string    `json:"file"`
	SHA256 string    `json:"sha256"`
	State  string    `json:"state"`
	// Attempt counts the requests made for the file in this run (1 for the
	// first).
	Attempt int `json:"attempt"`
	// Env, APIURL and PartnerID name where the request went: a folder sent
	// to stage can still be sent to production.
	Env       string `json:"env,omitempty"`
	APIURL    string `json:"api_url"`
	PartnerID string `json:"partner_id"`
	Request   string `json:"request,omitempty"` // "POST https://…/v3/partner/1234/loan_draft"
	// Status is the HTTP status of the answer; 0 when none arrived.
	Status int `json:"status,omitempty"`
	// Error says why the request failed or was not confirmed.
	Error string `json:"error,omitempty"`
	// Retry is true on a failed entry that will be retried in this run.
	Retry bool `json:"retry,omitempty"`
	// Kiva's answer: what was recognised in it, and the body as received
	// (cut to LedgerBodyLimit bytes).
	LoanDraftUUID string          `json:"loan_draft_uuid,omitempty"`
	UploadID      string          `json:"upload_id,omitempty"`
	Problems      json.RawMessage `json:"problems,omitempty"`
	ConfirmURLs   []string        `json:"confirm_urls,omitempty"`
	Body          string          `json:"body,omitempty"`
	// Borrowers lists a loan draft's borrowers as "client_id/loan_id", on
	// its sent entry: a later draft for one of them would be a second
	// draft of the same loan in PA2 (spec §7).
	Borrowers []string `json:"borrowers,omitempty"`
}

// LedgerBodyLimit caps the answer body kept in a ledger entry.
const LedgerBodyLimit = 16 << 10

// Target is where requests go: entries for another target do not count
// when deciding what was already sent.
type Target struct {
	APIURL    string
	PartnerID string
}

// matches reports whether the entry was for target t. A target with no
// partner id (a dry run whose settings leave it to the token) matches every
// partner of its API.
func (e *LedgerEntry) matches(t Target) bool {
	return strings.TrimRight(e.APIURL, "/") == strings.TrimRight(t.APIURL, "/") &&
		(t.PartnerID == "" || e.PartnerID == t.PartnerID)
}

// Ledger appends entries to DIR/ledger.jsonl. Each Append is one write of
// one line followed by an fsync, so an entry is on disk before Append
// returns; the first Append also syncs the folder, so the file's
// existence survives a power cut. It is safe for concurrent use.
type Ledger struct {
	mu     sync.Mutex
	path   string
	f      *os.File
	synced bool // the folder has been synced since the file was created
	err    error
}

// OpenLedger opens (creating it if needed) the ledger of an output folder
// for appending. A last line without its newline was cut by a crash while
// it was being written: it is removed. That is safe whatever the line
// said: a "sending" entry that was not durable means its request never
// left, and an outcome that was lost leaves the file's "sending" entry
// last, which counts as unconfirmed. A symbolic link in the ledger's place
// is refused (see RefuseSymlink): appending through it would damage a file
// outside the folder.
func OpenLedger(dir string) (*Ledger, error) {
	path := filepath.Join(dir, LedgerFile)
	f, err := OpenNoFollow(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("opening the send ledger: %w", err)
	}
	if err := cutTornLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("opening the send ledger %s: %w", path, err)
	}
	return &Ledger{path: path, f: f}, nil
}

// cutTornLine truncates f after its last newline.
func cutTornLine(f *os.File) error {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	size := st.Size()
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	end := size
	for end > 0 {
		start := max(end-chunk, 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && err != io.EOF {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := start + int64(i) + 1
			if keep == size {
				return nil
			}
			if err := f.Truncate(keep); err != nil {
				return err
			}
			return f.Sync()
		}
		end = start
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	return f.Sync()
}

// Path is the ledger file's path.
func (l *Ledger) Path() string { return l.path }

// Append writes e as one line and makes it durable. After a failure every
// later Append fails too: send must stop, since it can no longer record
// what it does.
func (l *Ledger) Append(e LedgerEntry) error {
	if len(e.Body) > LedgerBodyLimit {
		e.Body = e.Body[:LedgerBodyLimit] + "…"
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	if _, err := l.f.Write(line); err != nil {
		l.err = fmt.Errorf("writing the send ledger %s: %w", l.path, err)
		return l.err
	}
	if err := l.f.Sync(); err != nil {
		l.err = fmt.Errorf("syncing the send ledger %s: %w", l.path, err)
		return l.err
	}
	if !l.synced {
		if err := syncDir(filepath.Dir(l.path)); err != nil {
			l.err = fmt.Errorf("syncing the folder of %s: %w", l.path, err)
			return l.err
		}
		l.synced = true
	}
	return nil
}

// Close closes the file.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if l.err == nil {
		l.err = errors.New("ledger closed")
	}
	return err
}

// ReadLedger reads DIR/ledger.jsonl; a missing file is an empty ledger. A
// damaged last line (cut by a crash) is skipped; a damaged line elsewhere is
// an error naming its line number. A symbolic link in the ledger's place
// is refused, as OpenLedger refuses it: what send plans from must be the
// file it appends to.
func ReadLedger(dir string) ([]LedgerEntry, error) {
	path := filepath.Join(dir, LedgerFile)
	f, err := OpenNoFollow(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeLedger(path, f)
}

func decodeLedger(path string, r io.Reader) ([]LedgerEntry, error) {
	var out []LedgerEntry
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(line) == 0 && err == io.EOF {
			return out, nil
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		complete := err == nil // the line ends with its newline
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var e LedgerEntry
		if jerr := json.Unmarshal(line, &e); jerr != nil || e.File == "" || e.State == "" {
			if !complete {
				return out, nil // cut by a crash: nothing after it happened
			}
			if jerr == nil {
				jerr = errors.New("no file or state")
			}
			return nil, fmt.Errorf("%s:%d: damaged entry (%v): the ledger is kivaconv's record of what was sent; restore it from a backup, or move it away and check PA2 for what arrived", path, n, jerr)
		}
		out = append(out, e)
		if !complete {
			return out, nil
		}
	}
}

// FileState is what the ledger says about one batch file for one target.
type FileState struct {
	// State is the last outcome: StateSent, StateFailed or
	// StateUnconfirmed (a "sending" entry with no outcome after it counts
	// as unconfirmed); "" when the file was never sent to the target.
	State string
	// Last is the entry that decided State.
	Last LedgerEntry
	// SentSHA256 is the content that was accepted, when State is sent.
	SentSHA256 string
}

// LedgerStates folds entries into the state of each file for one target,
// keyed by file name. A file that was sent stays sent whatever came after.
// Accepted contents are also returned by sha256 (to the entry), so the same
// content under another name is recognised too.
func LedgerStates(entries []LedgerEntry, t Target) (byFile map[string]FileState, sentSHA map[string]LedgerEntry) {
	byFile = make(map[string]FileState)
	sentSHA = make(map[string]LedgerEntry)
	for _, e := range entries {
		if !e.matches(t) {
			continue
		}
		cur := byFile[e.File]
		if cur.State == StateSent {
			continue
		}
		switch e.State {
		case StateSending:
			cur = FileState{State: StateUnconfirmed, Last: e}
		case StateSent:
			cur = FileState{State: StateSent, Last: e, SentSHA256: e.SHA256}
			if _, ok := sentSHA[e.SHA256]; !ok {
				sentSHA[e.SHA256] = e
			}
		case StateFailed, StateUnconfirmed:
			cur = FileState{State: e.State, Last: e}
		default:
			continue // a state from a newer kivaconv: ignore
		}
		byFile[e.File] = cur
	}
	return byFile, sentSHA
}

// SentBorrowers maps each borrower ("client_id/loan_id") of the loan
// drafts accepted by target to the entry that recorded it.
func SentBorrowers(entries []LedgerEntry, t Target) map[string]LedgerEntry {
	out := map[string]LedgerEntry{}
	for _, e := range entries {
		if e.State != StateSent || !e.matches(t) {
			continue
		}
		for _, b := range e.Borrowers {
			if _, ok := out[b]; !ok {
				out[b] = e
			}
		}
	}
	return out
}
