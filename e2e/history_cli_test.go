package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepeatedRepaymentsNeedAllowRepeat: a second repayments upload that
// reports loans the first one reported (within 25 days) is listed and
// refused (exit 2, nothing sent) until --allow-repeat; the same content
// from another folder is refused for good.
func TestRepeatedRepaymentsNeedAllowRepeat(t *testing.T) {
	s := newSetup(t)
	first := s.convert(t, "repayments.xlsx")
	s.sendJSON(t, 0, first)
	// repayments.csv reports some of the same loans, with other amounts.
	second := s.convert(t, "repayments.csv")
	r := expect(t, s.send(t, second), 2)
	if !strings.Contains(r.stderr, "already reported by another repayments upload") || !strings.Contains(r.stderr, "loan 000123") ||
		!strings.Contains(r.stderr, "--allow-repeat") {
		t.Errorf("the repeats are not listed with the way out:\n%s", r)
	}
	if n := len(s.sp.state(t).Repayments); n != 1 {
		t.Fatalf("%d uploads after the refused repeat, want 1", n)
	}
	s.sendJSON(t, 0, "--allow-repeat", second)
	if n := len(s.sp.state(t).Repayments); n != 2 {
		t.Fatalf("%d uploads after --allow-repeat, want 2", n)
	}
	// The first file converted again into another folder: identical
	// content, refused even with --allow-repeat.
	copyDir := filepath.Join(s.dir, "again", "repayments.kiva")
	expect(t, kc(t, s.tr, s.env, "convert", "--today", today, "--out", copyDir, "samples/repayments.xlsx"), 0)
	r = s.send(t, "--allow-repeat", copyDir)
	if r.code == 0 {
		t.Fatalf("identical repayments from another folder were accepted:\n%s", r)
	}
	if n := len(s.sp.state(t).Repayments); n != 2 {
		t.Fatalf("%d uploads, want 2: identical content was sent twice", n)
	}
	noDuplicates(t, s.sp.state(t))
}

// TestLostLedgerRefusedThenRebuilt: a folder whose ledger was deleted
// after it was sent from is refused with an explanation; restoring the
// ledger and `history rebuild` make send find everything already sent.
// `history` lists what went where, and --since filters by date.
func TestLostLedgerRefusedThenRebuilt(t *testing.T) {
	s := newSetup(t)
	loans := s.convert(t, "loans.xlsx")
	sent := s.sendJSON(t, 0, loans)
	ledger := filepath.Join(loans, "ledger.jsonl")
	backup, err := os.ReadFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ledger); err != nil {
		t.Fatal(err)
	}
	r := expect(t, s.send(t, loans), 2)
	if out := r.stdout + r.stderr; !strings.Contains(out, "send history") || !strings.Contains(out, "history rebuild") {
		t.Errorf("the refusal does not explain itself:\n%s", r)
	}
	if err := os.WriteFile(ledger, backup, 0o644); err != nil {
		t.Fatal(err)
	}
	expect(t, kc(t, s.tr, s.env, "history", "rebuild", loans), 0)
	again := s.sendJSON(t, 0, loans)
	if again.Counts["sent"] != 0 || again.Counts["already_sent"] != sent.Counts["sent"] {
		t.Fatalf("after the rebuild: %v, want everything already sent", again.Counts)
	}
	h := expect(t, kc(t, s.tr, s.env, "history"), 0)
	if !strings.Contains(h.stdout, "loan-draft-0001.json") || !strings.Contains(h.stdout, "sent") || !strings.Contains(h.stdout, "1234") {
		t.Errorf("history does not list the sent drafts:\n%s", h)
	}
	future := expect(t, kc(t, s.tr, s.env, "history", "--since", "2099-01-01"), 0)
	if strings.Contains(future.stdout, "loan-draft-0001.json") {
		t.Errorf("--since 2099-01-01 still lists today's requests:\n%s", future)
	}
	expect(t, kc(t, s.tr, s.env, "history", "--since", "yesterday"), 2)
	noDuplicates(t, s.sp.state(t))
	if n := len(s.sp.state(t).Drafts); n != sent.Counts["sent"] {
		t.Fatalf("%d drafts received, want %d", n, sent.Counts["sent"])
	}
}
