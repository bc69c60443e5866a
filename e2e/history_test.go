package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTwoFoldersSendEachDraftOnce converts the same workbook into two
// folders and sends both: the send history makes the second send post
// nothing, so the sandbox gets each draft once.
func TestTwoFoldersSendEachDraftOnce(t *testing.T) {
	s := newSetup(t)
	a := filepath.Join(s.dir, "a", "loans.kiva")
	b := filepath.Join(s.dir, "b", "loans.kiva")
	for _, out := range []string{a, b} {
		expect(t, kc(t, s.tr, s.env, "convert", "--today", today, "--out", out, filepath.Join("samples", "loans.xlsx")), 0)
	}
	first := s.sendJSON(t, 0, a)
	if first.Counts["sent"] == 0 {
		t.Fatalf("first send: counts %v", first.Counts)
	}
	second := s.sendJSON(t, 3, b)
	if second.Counts["sent"] != 0 || second.Counts["conflict"] != first.Counts["sent"] {
		t.Fatalf("second send: counts %v, want every draft a conflict", second.Counts)
	}
	st := s.sp.state(t)
	noDuplicates(t, st)
	if got, want := draftLoanIDs(st), manifestLoanIDs(t, a); !slices.Equal(got, want) {
		t.Fatalf("drafts received %v, want %v", got, want)
	}
	h := expect(t, kc(t, s.tr, s.env, "history", "--json"), 0)
	if n := strings.Count(h.stdout, `"state":"sent"`); n != first.Counts["sent"] {
		t.Errorf("history --json lists %d sent requests, want %d:\n%s", n, first.Counts["sent"], h.stdout)
	}
}
