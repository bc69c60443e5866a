package send

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/history"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

func openHistory(t *testing.T) *history.DB {
	t.Helper()
	db, err := history.Open(filepath.Join(t.TempDir(), history.File))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func hopts(api API, db *history.DB, dirs ...string) Options {
	o := opts(api, &sleeps{}, dirs...)
	o.History = db
	return o
}

func TestHistorySameDraftsInTwoFoldersConflict(t *testing.T) {
	db := openHistory(t)
	a, b := draftsFolder(t, 3), draftsFolder(t, 3)
	api := newFake()
	if _, err := Run(context.Background(), hopts(api, db, a)); err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 3 {
		t.Fatalf("first folder: %d posts, want 3", len(api.posts))
	}
	sum, err := Run(context.Background(), hopts(api, db, b))
	if err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 3 {
		t.Fatalf("second folder posted %d more", len(api.posts)-3)
	}
	for _, r := range sum.Folders[0].Results {
		if r.Outcome != OutcomeConflict || !strings.Contains(r.Message, history.FolderID(a)) || !strings.Contains(r.Message, "2026-") {
			t.Errorf("%s: %s %q; want a conflict naming %s and the date", r.File, r.Outcome, r.Message, a)
		}
	}
}

func TestHistoryChangedDraftSameBorrowerConflicts(t *testing.T) {
	db := openHistory(t)
	a, b := draftsFolder(t, 1), draftsFolder(t, 1)
	// The second conversion changed the draft: other content, same borrower.
	p := filepath.Join(b, "loan-draft-0001.json")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(data), "to buy stock", "to buy more stock", 1)), 0o644)
	api := newFake()
	if _, err := Run(context.Background(), hopts(api, db, a)); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), hopts(api, db, b))
	if err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 1 || sum.Folders[0].Results[0].Outcome != OutcomeConflict || !strings.Contains(sum.Folders[0].Results[0].Message, "borrower C-1/L-1") {
		t.Errorf("posts %d, %+v", len(api.posts), sum.Folders[0].Results[0])
	}
}

func TestHistoryLocalhostAnd127AreOneTarget(t *testing.T) {
	db := openHistory(t)
	a, b := draftsFolder(t, 2), draftsFolder(t, 2)
	api := newFake()
	o := hopts(api, db, a)
	o.APIURL = "http://localhost:80/"
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	o = hopts(api, db, b)
	o.APIURL = "http://127.0.0.1"
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 2 {
		t.Errorf("%d posts, want 2: the same API under two spellings got duplicates", len(api.posts))
	}
	// Another partner is another target.
	c := draftsFolder(t, 2)
	o = hopts(api, db, c)
	o.PartnerID = "999"
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 4 {
		t.Errorf("%d posts, want 4 (another partner)", len(api.posts))
	}
}

func TestHistoryLedgerDeletedAfterSendIsRefused(t *testing.T) {
	db := openHistory(t)
	a := draftsFolder(t, 2)
	api := newFake()
	if _, err := Run(context.Background(), hopts(api, db, a)); err != nil {
		t.Fatal(err)
	}
	for _, damage := range []func(){
		func() { os.Remove(filepath.Join(a, batch.LedgerFile)) },
		func() { os.WriteFile(filepath.Join(a, batch.LedgerFile), nil, 0o644) },
		func() { os.WriteFile(filepath.Join(a, batch.LedgerFile), []byte("{not json\n"), 0o644) },
	} {
		damage()
		_, err := Run(context.Background(), hopts(api, db, a))
		var re *RefusedError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "send history") {
			t.Errorf("err = %v; want a refusal naming the send history", err)
		}
		if len(api.posts) != 2 {
			t.Fatalf("%d posts after the ledger was lost, want 2", len(api.posts))
		}
	}
}

func TestHistoryIdenticalRepaymentsRefused(t *testing.T) {
	db := openHistory(t)
	a, b := repaymentsFolder(t, 3, 10), repaymentsFolder(t, 3, 10)
	api := newFake()
	if _, err := Run(context.Background(), hopts(api, db, a)); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), hopts(api, db, b))
	if err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 1 || sum.Folders[0].Results[0].Outcome != OutcomeConflict {
		t.Errorf("posts %d, %+v; want the identical batch refused", len(api.posts), sum.Folders[0].Results[0])
	}
}

func TestHistoryRepeatWithin25DaysNeedsAllowRepeat(t *testing.T) {
	db := openHistory(t)
	a, b := repaymentsFolder(t, 3, 10), repaymentsFolder(t, 2, 10) // b: other content, loans L-0001, L-0002 again
	api := newFake()
	if _, err := Run(context.Background(), hopts(api, db, a)); err != nil {
		t.Fatal(err)
	}
	o := hopts(api, db, b)
	o.Now = func() time.Time { return today.Add(20 * 24 * time.Hour) }
	_, err := Run(context.Background(), o)
	var re *RepeatError
	if !errors.As(err, &re) || len(re.Repeats) != 2 || !strings.Contains(err.Error(), "--allow-repeat") {
		t.Fatalf("err = %v; want a RepeatError listing 2 loans", err)
	}
	if len(api.posts) != 1 {
		t.Fatalf("%d posts; the repeat was sent without --allow-repeat", len(api.posts))
	}
	// A confirmation that allows it.
	o.Confirm = func(p *Plan) error { p.RepeatsAllowed = len(p.Repeats) == 2; return nil }
	o.AllowRepeat = false
	if _, err := Run(context.Background(), o); err != nil || len(api.posts) != 2 {
		t.Fatalf("confirmed repeat: err %v, %d posts", err, len(api.posts))
	}
	// After the window, no repeat.
	c := repaymentsFolder(t, 1, 10)
	o = hopts(api, db, c)
	o.Now = func() time.Time { return today.Add(60 * 24 * time.Hour) }
	if _, err := Run(context.Background(), o); err != nil || len(api.posts) != 3 {
		t.Fatalf("after 60 days: err %v, %d posts", err, len(api.posts))
	}
}

func TestHistoryAllowRepeatSends(t *testing.T) {
	db := openHistory(t)
	a, b := repaymentsFolder(t, 3, 10), repaymentsFolder(t, 2, 10)
	api := newFake()
	if _, err := Run(context.Background(), hopts(api, db, a)); err != nil {
		t.Fatal(err)
	}
	o := hopts(api, db, b)
	o.AllowRepeat = true
	if _, err := Run(context.Background(), o); err != nil || len(api.posts) != 2 {
		t.Fatalf("err %v, %d posts", err, len(api.posts))
	}
}

func TestHistoryRowIsSendingDuringTheRequest(t *testing.T) {
	db := openHistory(t)
	a := draftsFolder(t, 1)
	api := newFake()
	var during []history.Request
	api.answer = func(n int, kind string, body []byte) (*partnerapi.Response, error) {
		during, _ = db.List(time.Time{})
		return &partnerapi.Response{Status: 200, Body: []byte(`{}`)}, nil
	}
	if _, err := Run(context.Background(), hopts(api, db, a)); err != nil {
		t.Fatal(err)
	}
	if len(during) != 1 || during[0].State != history.StateSending || during[0].Folder != history.FolderID(a) {
		t.Fatalf("while the request was in flight the history held %+v; want one sending row", during)
	}
	after, _ := db.List(time.Time{})
	if len(after) != 1 || after[0].State != history.StateSent {
		t.Errorf("after: %+v", after)
	}
}

func TestHistoryImportsExistingLedgers(t *testing.T) {
	a, b := draftsFolder(t, 2), draftsFolder(t, 2)
	api := newFake()
	// Sent before the history existed: only the ledger knows.
	if _, err := Run(context.Background(), opts(api, &sleeps{}, a)); err != nil {
		t.Fatal(err)
	}
	db := openHistory(t)
	if err := Rebuild(db, []string{a}, today); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), hopts(api, db, b))
	if err != nil {
		t.Fatal(err)
	}
	if len(api.posts) != 2 || sum.Counts[OutcomeConflict] != 2 {
		t.Errorf("posts %d, counts %v; want the imported drafts to conflict", len(api.posts), sum.Counts)
	}
}
