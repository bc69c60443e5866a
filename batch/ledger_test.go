package batch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLedgerAppendReadAndTornLine(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	tg := Target{APIURL: "http://127.0.0.1:1", PartnerID: "1"}
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for _, e := range []LedgerEntry{
		{File: "a.json", SHA256: "aa", State: StateSending},
		{File: "a.json", SHA256: "aa", State: StateSent, Status: 200, Body: strings.Repeat("x", LedgerBodyLimit+10)},
		{File: "b.json", SHA256: "bb", State: StateSending},
		{File: "c.json", SHA256: "cc", State: StateSending},
		{File: "c.json", SHA256: "cc", State: StateFailed, Status: 400},
		{File: "d.json", SHA256: "dd", State: StateSending},
		{File: "d.json", SHA256: "dd", State: StateUnconfirmed, Status: 502},
	} {
		e.Time, e.APIURL, e.PartnerID = at, tg.APIURL, tg.PartnerID
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	// A crash cut the next line.
	f, _ := os.OpenFile(filepath.Join(dir, LedgerFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"file":"e.json","state":"sen`)
	f.Close()

	es, err := ReadLedger(dir)
	if err != nil || len(es) != 7 {
		t.Fatalf("read: %d entries, %v", len(es), err)
	}
	if n := len(es[1].Body); n > LedgerBodyLimit+4 {
		t.Errorf("body kept %d bytes", n)
	}
	st, sent := LedgerStates(es, tg)
	want := map[string]string{"a.json": StateSent, "b.json": StateUnconfirmed, "c.json": StateFailed, "d.json": StateUnconfirmed}
	for file, state := range want {
		if st[file].State != state {
			t.Errorf("%s: %q, want %q", file, st[file].State, state)
		}
	}
	if sent["aa"].File != "a.json" || len(sent) != 1 {
		t.Errorf("sent by sha: %v", sent)
	}
	// Another target sees nothing.
	if st, _ := LedgerStates(es, Target{APIURL: "https://partner-api.k1.kiva.org", PartnerID: "1"}); len(st) != 0 {
		t.Errorf("other target: %v", st)
	}
	// Reopening cuts the torn line; the next entry starts on its own line.
	l, err = OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(LedgerEntry{File: "e.json", State: StateSending, APIURL: tg.APIURL, PartnerID: "1"}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	es, err = ReadLedger(dir)
	if err != nil || len(es) != 8 || es[7].File != "e.json" {
		t.Fatalf("after reopen: %d entries, %v", len(es), err)
	}
}

func TestLedgerDamagedLineIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, LedgerFile), []byte("{\"file\":\"a\",\"state\":\"sent\"}\nnot json\n{\"file\":\"b\",\"state\":\"sent\"}\n"), 0o644)
	_, err := ReadLedger(dir)
	if err == nil || !strings.Contains(err.Error(), "ledger.jsonl:2") {
		t.Fatalf("err %v", err)
	}
}

func TestLedgerSentStaysSent(t *testing.T) {
	tg := Target{APIURL: "u", PartnerID: "p"}
	es := []LedgerEntry{
		{File: "a", SHA256: "1", State: StateSent, APIURL: "u", PartnerID: "p"},
		{File: "a", SHA256: "2", State: StateSending, APIURL: "u", PartnerID: "p"},
	}
	st, _ := LedgerStates(es, tg)
	if st["a"].State != StateSent || st["a"].SentSHA256 != "1" {
		t.Fatalf("%+v", st["a"])
	}
}
