package history

import (
	"path/filepath"
	"testing"
	"time"
)

func TestTargetNormalisation(t *testing.T) {
	same := [][]string{
		{"http://LOCALHOST:80/", "http://127.0.0.1", "http://[::1]:80", "http://localhost"},
		{"https://api.kiva.org:443", "https://api.kiva.org", "https://API.Kiva.org/", "HTTPS://api.kiva.org:443/"},
		{"https://api.kiva.org/v3/", "https://api.kiva.org/v3", "https://api.kiva.org//v3/./", "https://api.kiva.org:443/v3"},
		{"http://127.0.0.1:8080/", "http://localhost:8080", "http://[::1]:8080"},
	}
	for _, group := range same {
		for _, u := range group[1:] {
			a, b := NewTarget(group[0], "1234", "aud", ""), NewTarget(u, "1234", "aud", "")
			if !a.Same(b) {
				t.Errorf("%q (%s) and %q (%s) should be one target", group[0], a.API, u, b.API)
			}
		}
	}
	differ := [][2]Target{
		{NewTarget("https://api.kiva.org", "1234", "aud", ""), NewTarget("https://api.kiva.org", "1235", "aud", "")},
		{NewTarget("https://api.kiva.org", "1234", "aud", ""), NewTarget("https://api.kiva.org", "1234", "other", "")},
		{NewTarget("http://api.kiva.org", "1234", "aud", ""), NewTarget("https://api.kiva.org", "1234", "aud", "")},
		{NewTarget("http://127.0.0.1:8080", "1234", "aud", ""), NewTarget("http://127.0.0.1", "1234", "aud", "")},
		{NewTarget("https://api.kiva.org/v3", "1234", "aud", ""), NewTarget("https://api.kiva.org/v2", "1234", "aud", "")},
	}
	for _, d := range differ {
		if d[0].Same(d[1]) {
			t.Errorf("%+v and %+v should be different targets", d[0], d[1])
		}
	}
}

func TestBeginResolveAndQueries(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "sub", File))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, %v; want wal", mode, err)
	}
	tg := NewTarget("http://localhost:80/", "1234", "", "sandbox")
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	id, err := db.Begin(tg, Request{Time: now, Folder: "/a", File: "loan-draft-0001.json", Kind: "loan_draft", SHA256: "abc", Records: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := db.FolderSent("/a"); r == nil || r.State != StateSending {
		t.Fatalf("after Begin: %+v, want a sending row", r)
	}
	if err := db.Resolve(tg, id, StateSent, "", now, "loan_draft", []string{"L-1"}, []string{"C-1/L-1"}); err != nil {
		t.Fatal(err)
	}
	other := NewTarget("http://127.0.0.1", "1234", "", "")
	if r, _ := db.SentBorrower(other, "/b", "C-1/L-1"); r == nil || r.Folder != "/a" {
		t.Errorf("SentBorrower from another folder: %+v", r)
	}
	if r, _ := db.SentBorrower(other, "/a", "C-1/L-1"); r != nil {
		t.Errorf("SentBorrower from the same folder: %+v, want none", r)
	}
	if r, _ := db.SameContent(NewTarget("http://127.0.0.1", "999", "", ""), "/b", "abc"); r != nil {
		t.Errorf("another partner matched: %+v", r)
	}
	rs, err := db.List(time.Time{})
	if err != nil || len(rs) != 1 || rs[0].State != StateSent || len(rs[0].Borrowers) != 1 {
		t.Errorf("List: %+v, %v", rs, err)
	}
}
