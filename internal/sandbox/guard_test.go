package sandbox

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kiva-partners/kivaconv/kiva"
)

// countingBody is a request body of size zero bytes that counts how many
// of them the server read.
type countingBody struct {
	size int64
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	left := b.size - b.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), left))
	clear(p[:n])
	b.read.Add(int64(n))
	return n, nil
}

// serve hands a request straight to the handler, with the given Host.
func (e *env) serve(method, host, path, token string, body io.Reader) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.Host = host
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestHostMustBeLoopback: a request addressed to any name but a loopback
// one is refused on every route, before it does anything (DNS rebinding:
// a web page whose name now resolves to 127.0.0.1 must not read the state,
// reset it or call the API).
func TestHostMustBeLoopback(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.token()
	draft := sampleDrafts(t)[0]
	if a := e.do("POST", api+"loan_draft", tok, draft); a.status != 200 {
		t.Fatalf("draft: %d %s", a.status, a.body)
	}
	routes := []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/sandbox/state.json"},
		{"POST", "/sandbox/reset"},
		{"GET", "/sandbox/journals/1/confirm"},
		{"POST", "/oauth/token"},
		{"POST", api + "loan_draft"},
		{"GET", api + "loans"},
		{"GET", api + "config/themes"},
		{"GET", "/no/such/page"},
	}
	for _, host := range []string{"evil.example", "evil.example:8089", "127.0.0.1.evil.example:8089",
		"localhost.evil.example", "10.0.0.1:8089", "[::2]:8089", "::1", "localhost:http", ""} {
		for _, rt := range routes {
			var body io.Reader
			if rt.method == "POST" {
				body = strings.NewReader(string(draft))
			}
			rec := e.serve(rt.method, host, rt.path, tok, body)
			if rec.Code != http.StatusMisdirectedRequest {
				t.Errorf("Host %q, %s %s: %d, want 421\n%s", host, rt.method, rt.path, rec.Code, rec.Body)
				continue
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") ||
				!strings.Contains(rec.Body.String(), "only requests addressed to localhost or 127.0.0.1") {
				t.Errorf("Host %q: answer %q %q", host, ct, rec.Body)
			}
		}
	}
	st := e.s.State()
	if len(st.Drafts) != 1 || st.TokensIssued != 1 {
		t.Errorf("refused requests changed the state: %d drafts (want 1: the reset was refused, the draft too), %d tokens", len(st.Drafts), st.TokensIssued)
	}
	if !strings.Contains(e.log.String(), "GET /sandbox/state.json 421 (Host refused") {
		t.Errorf("log lacks the refusal:\n%s", e.log)
	}

	// Over the network too: the Host header, not the address dialled, counts.
	req, _ := http.NewRequest("GET", e.ts.URL+"/sandbox/state.json", nil)
	req.Host = "evil.example"
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("over the network, Host evil.example: %d, want 421", resp.StatusCode)
	}

	for _, host := range []string{"localhost:8089", "127.0.0.1:8089", "[::1]:8089", "localhost", "LocalHost:1",
		"localhost.:8089", "127.0.0.1", "127.1.2.3:80", "[::1]"} {
		if rec := e.serve("GET", host, "/sandbox/state.json", "", nil); rec.Code != 200 {
			t.Errorf("Host %q, state.json: %d, want 200\n%s", host, rec.Code, rec.Body)
		}
		if rec := e.serve("GET", host, api+"loans", tok, nil); rec.Code != 200 {
			t.Errorf("Host %q, loans: %d, want 200", host, rec.Code)
		}
	}
	if rec := e.serve("POST", "[::1]:8089", "/sandbox/reset", "", nil); rec.Code != 200 || len(e.s.State().Drafts) != 0 {
		t.Errorf("reset from [::1]: %d, %d drafts left", rec.Code, len(e.s.State().Drafts))
	}
}

// TestAllowedHosts: --allow-remote admits this computer's names and any IP
// address, still no other name.
func TestAllowedHosts(t *testing.T) {
	e := newEnv(t, Options{AllowedHosts: []string{"Trainer-PC", "trainer-pc.lan."}, AllowIPHosts: true})
	for host, want := range map[string]int{
		"trainer-pc:8089": 200, "TRAINER-PC": 200, "trainer-pc.lan:8089": 200, "192.168.1.10:8089": 200,
		"[fe80::1]:8089": 200, "localhost:8089": 200, "127.0.0.1:8089": 200,
		"evil.example:8089": 421, "trainer-pc.evil.example": 421, "": 421,
	} {
		rec := e.serve("GET", host, "/sandbox/state.json", "", nil)
		if rec.Code != want {
			t.Errorf("Host %q: %d, want %d", host, rec.Code, want)
		}
		if want == 421 && !strings.Contains(rec.Body.String(), "this computer's IP address or name") {
			t.Errorf("Host %q: answer %q", host, rec.Body)
		}
	}
}

// TestBodyReadOnlyWithAToken: a request without a good token is refused
// before its body is read, however big the body.
func TestBodyReadOnlyWithAToken(t *testing.T) {
	e := newEnv(t, Options{})
	readOnly := e.token("read:loans")
	for _, c := range []struct {
		name, token string
		status      int
	}{
		{"no token", "", 401},
		{"unknown token", "sbxtok_not-one-we-issued", 401},
		{"missing scope", readOnly, 403},
	} {
		body := &countingBody{size: 1 << 30}
		rec := e.serve("POST", "127.0.0.1:8089", api+"loan_draft", c.token, body)
		if rec.Code != c.status {
			t.Errorf("%s: %d, want %d\n%s", c.name, rec.Code, c.status, rec.Body)
		}
		if n := body.read.Load(); n != 0 {
			t.Errorf("%s: the sandbox read %d bytes of the body before refusing it", c.name, n)
		}
	}
}

// TestBodyLimit: a body over maxBody gets 413 and is not read to its end;
// a draft with the largest photo kivaconv embeds is within the limit.
func TestBodyLimit(t *testing.T) {
	photoURI := len("data:image/jpeg;base64,") + base64.StdEncoding.EncodedLen(kiva.MaxImageBytes)
	if maxBody < photoURI+1<<20 || maxBody > 16<<20 {
		t.Fatalf("maxBody %d: want room for a draft with a %d-byte photo (%d bytes as a data URI) plus 1 MiB, and not much more",
			maxBody, kiva.MaxImageBytes, photoURI)
	}
	e := newEnv(t, Options{})
	tok := e.token()
	body := &countingBody{size: 1 << 30}
	rec := e.serve("POST", "127.0.0.1:8089", api+"loan_draft", tok, body)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "larger than 15 MiB: send a smaller photo") {
		t.Errorf("over the limit: %d %s", rec.Code, rec.Body)
	}
	if n := body.read.Load(); n > maxBody+64<<10 {
		t.Errorf("read %d bytes of an oversized body, want about %d", n, maxBody)
	}

	// Over the network: a draft with a 10 MiB photo is read and checked.
	draft := editJSON(t, sampleDrafts(t)[0], func(m map[string]any) {
		photo := make([]byte, kiva.MaxImageBytes)
		copy(photo, "\xff\xd8\xff\xe0")
		m["image_encoded"] = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(photo)
	})
	if len(draft) < photoURI {
		t.Fatalf("draft of %d bytes", len(draft))
	}
	if a := e.do("POST", api+"loan_draft", tok, draft); a.status == http.StatusRequestEntityTooLarge {
		t.Errorf("a draft with a %d-byte photo (%d bytes) got 413: %s", kiva.MaxImageBytes, len(draft), a.body)
	}
	big := make([]byte, maxBody+1)
	if a := e.do("POST", api+"loan_draft", tok, big); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("%d bytes over the network: %d, want 413", len(big), a.status)
	}
}
