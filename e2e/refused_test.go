package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRefusedFolderSummary: a folder with an edited, now invalid batch is
// refused whole. The header, the rows, the closing counts and the exit
// code must all say that nothing was sent, in a dry run too; --json names
// the refused folder.
func TestRefusedFolderSummary(t *testing.T) {
	s := newSetup(t)
	loans := s.convert(t, "loans.xlsx")
	p := filepath.Join(loans, "loan-draft-0002.json")
	var d map[string]any
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	d["loan_amount"] = "-5"
	b, _ = json.Marshal(d)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dry := range []bool{false, true} {
		args := []string{loans}
		header := "Nothing was sent to sandbox"
		if dry {
			args = []string{"--dry-run", loans}
			header = "Dry run: nothing would be sent to sandbox"
		}
		r := expect(t, s.send(t, args...), 2)
		if !strings.HasPrefix(r.stdout, header) || !strings.Contains(r.stdout, "is refused") {
			t.Errorf("dry run %v: header is not %q:\n%s", dry, header, r)
		}
		if strings.Contains(r.stdout, "Sent to") || strings.Contains(r.stdout, "0 not attempted") || strings.Contains(r.stdout, "0 not sendable") {
			t.Errorf("dry run %v: the summary contradicts the refusal:\n%s", dry, r)
		}
		m := regexp.MustCompile(`Nothing was sent: .* refused\. (\d+) invalid, (\d+) conflict, (\d+) already sent, (\d+) not attempted\.`).FindStringSubmatch(r.stdout)
		if m == nil || m[1] != "1" || m[4] != "5" {
			t.Errorf("dry run %v: closing counts %q, want 1 invalid and 5 not attempted:\n%s", dry, m, r)
		}
		if n := strings.Count(r.stdout, "its folder is refused"); n != 5 {
			t.Errorf("dry run %v: %d rows say why they were not attempted, want 5", dry, n)
		}
	}
	r := expect(t, s.send(t, "--json", loans), 2)
	var sum struct {
		Refused []string       `json:"refused"`
		Counts  map[string]int `json:"counts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("--json: %v\n%s", err, r)
	}
	if len(sum.Refused) != 1 || sum.Refused[0] != loans || sum.Counts["not_attempted"] != 5 || sum.Counts["invalid"] != 1 {
		t.Errorf("--json: refused %v counts %v", sum.Refused, sum.Counts)
	}
	if st := s.sp.state(t); len(st.Drafts) != 0 {
		t.Fatalf("the sandbox received %d drafts from a refused folder", len(st.Drafts))
	}
}

// TestMarkSentConfirms: --mark-sent says what it recorded, and says so
// again (nothing changed) when the batch was already recorded.
func TestMarkSentConfirms(t *testing.T) {
	s := newSetup(t, "--faults", "loan_draft:500")
	loans := s.convert(t, "loans.xlsx")
	first := s.sendJSON(t, 4, "--concurrency", "1", loans)
	unconfirmed := first.files("unconfirmed")
	if len(unconfirmed) != 1 {
		t.Fatalf("want one unconfirmed draft, got %v", first.Counts)
	}
	r := expect(t, s.send(t, "--mark-sent", unconfirmed[0], loans), 0)
	if want := "Marked " + unconfirmed[0] + " as sent (found in PA2)"; !strings.Contains(r.stdout, want) {
		t.Errorf("no confirmation %q:\n%s", want, r)
	}
	r = expect(t, s.send(t, "--mark-sent", unconfirmed[0], loans), 0)
	if want := unconfirmed[0] + " was already recorded as sent: nothing changed."; !strings.Contains(r.stdout, want) {
		t.Errorf("no %q:\n%s", want, r)
	}
	noDuplicates(t, s.sp.state(t))
}
