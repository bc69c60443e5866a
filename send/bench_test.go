package send

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
	"github.com/kiva-partners/kivaconv/internal/sandbox"
	"github.com/kiva-partners/kivaconv/kiva"
)

// BenchmarkSendDrafts sends 1,000 loan drafts to the sandbox (in this
// process, on 127.0.0.1) answering after 20 ms, at several concurrencies,
// without and with a server rate limit of 100 requests per second. It
// reports drafts/s and the 429 answers received: throughput grows with
// concurrency until the limit, then stays at it. Run with -benchtime 1x
// (make bench does).
func BenchmarkSendDrafts(b *testing.B) {
	const drafts = 1000
	dir := filepath.Join(b.TempDir(), "loans.kiva")
	w, err := batch.Create(dir, batch.CreateOptions{Kind: batch.KindLoanDraft})
	if err != nil {
		b.Fatal(err)
	}
	for i := range drafts {
		d := draft(i + 1)
		d.Entreps[0].ClientID = fmt.Sprintf("C-%06d", i+1)
		d.Entreps[0].LoanID = fmt.Sprintf("L-%06d", i+1)
		if _, err := w.AddLoanDraft(d); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := w.Close(batch.ManifestInfo{Counts: batch.Counts{RowsRead: drafts}}); err != nil {
		b.Fatal(err)
	}
	for _, limit := range []float64{0, 100} {
		for _, conc := range []int{1, 2, 4, 8, 16, 32} {
			name := fmt.Sprintf("rate=%g/concurrency=%d", limit, conc)
			if limit == 0 {
				name = fmt.Sprintf("rate=none/concurrency=%d", conc)
			}
			b.Run(name, func(b *testing.B) {
				benchSend(b, dir, drafts, conc, limit)
			})
		}
	}
}

func benchSend(b *testing.B, dir string, drafts, conc int, limit float64) {
	sb, err := sandbox.New(sandbox.Options{ClientSecret: "bench-secret", Latency: 20 * time.Millisecond, Rate: limit, Today: today})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler()) // 127.0.0.1
	defer srv.Close()
	opt := sb.Options()
	var elapsed time.Duration
	throttled := 0
	for b.Loop() {
		b.StopTimer()
		os.Remove(filepath.Join(dir, batch.LedgerFile))
		sb.Reset()
		client, err := partnerapi.New(partnerapi.Config{
			TokenURL: srv.URL + "/oauth/token", Audience: opt.Audience, APIURL: srv.URL,
			PartnerID: opt.PartnerID, ClientID: opt.ClientID, ClientSecret: "bench-secret",
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := client.Token(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		sum, err := Run(context.Background(), Options{
			Dirs: []string{dir}, API: client, APIURL: srv.URL, PartnerID: opt.PartnerID,
			Concurrency: conc, Rules: rulesForBench(), Retry: Backoff{Attempts: 50, Base: 50 * time.Millisecond, Max: time.Second},
		})
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Counts[OutcomeSent] != drafts {
			b.Fatalf("sent %d of %d: %v", sum.Counts[OutcomeSent], drafts, sum.Counts)
		}
		st := sb.State()
		if len(st.Drafts) != drafts || len(st.Duplicates) != 0 {
			b.Fatalf("sandbox has %d drafts, %d duplicates", len(st.Drafts), len(st.Duplicates))
		}
		for _, r := range st.Refused {
			if r.Status == 429 {
				throttled++
			}
		}
	}
	b.ReportMetric(float64(drafts*b.N)/elapsed.Seconds(), "drafts/s")
	b.ReportMetric(float64(throttled)/float64(b.N), "429s/op")
}

func rulesForBench() kiva.Rules { return kiva.Rules{Today: today} }
