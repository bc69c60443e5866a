package batch

import (
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/kiva-partners/kivaconv/kiva"
)

// BenchmarkWriterRepayments writes 1M repayments (4,000 batch files of
// 250) through AddRepayment and Close, the final durability step
// included. "fresh" converts into a new folder each time; "rewrite"
// converts again into the folder of the previous run, as a reviewer
// re-running a conversion does.
func BenchmarkWriterRepayments(b *testing.B) {
	const n = 1_000_000
	reps := make([]kiva.Repayment, 1000)
	for i := range reps {
		reps[i] = kiva.Repayment{
			LoanID:   "L" + strconv.Itoa(10000000+i),
			ClientID: "C" + strconv.Itoa(1000000+i),
			Amount:   kiva.MustAmount(strconv.Itoa(100+i) + "." + strconv.Itoa(10+i%90)),
		}
	}
	convert := func(b *testing.B, dir string) {
		w, err := Create(dir, CreateOptions{Kind: KindRepayments, Overwrite: true})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if err := w.AddRepayment(reps[i%len(reps)], "KES"); err != nil {
				b.Fatal(err)
			}
		}
		m, err := w.Close(ManifestInfo{ToolVersion: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Batches) != n/BatchSize {
			b.Fatalf("%d batches", len(m.Batches))
		}
	}
	report := func(b *testing.B, mallocs uint64) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/repayment")
		b.ReportMetric(float64(mallocs)/float64(b.N*n), "allocs/repayment")
	}
	b.Run("fresh", func(b *testing.B) {
		root := b.TempDir()
		b.ReportAllocs()
		m0 := mallocs()
		for i := range b.N {
			convert(b, filepath.Join(root, strconv.Itoa(i)))
		}
		report(b, mallocs()-m0)
	})
	b.Run("rewrite", func(b *testing.B) {
		dir := b.TempDir()
		convert(b, dir)
		b.ReportAllocs()
		b.ResetTimer()
		m0 := mallocs()
		for range b.N {
			convert(b, dir)
		}
		report(b, mallocs()-m0)
	})
}

func mallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

// BenchmarkWriterLoanDrafts writes 20,000 small loan drafts (one file
// each) through AddLoanDraft and Close, the final durability step
// included, into a new folder ("fresh") or over the previous run's
// ("rewrite").
func BenchmarkWriterLoanDrafts(b *testing.B) {
	const n = 20_000
	drafts := make([]*kiva.LoanDraft, n)
	for i := range drafts {
		id := "L" + strconv.Itoa(10000000+i)
		drafts[i] = draft(id, "KES", strconv.Itoa(100+i%900)+"."+strconv.Itoa(10+i%90))
	}
	convert := func(b *testing.B, dir string) {
		w, err := Create(dir, CreateOptions{Kind: KindLoanDraft, Overwrite: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range drafts {
			if _, err := w.AddLoanDraft(d); err != nil {
				b.Fatal(err)
			}
		}
		m, err := w.Close(ManifestInfo{ToolVersion: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Batches) != n {
			b.Fatalf("%d batches", len(m.Batches))
		}
	}
	report := func(b *testing.B, mallocs uint64) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/draft")
		b.ReportMetric(float64(mallocs)/float64(b.N*n), "allocs/draft")
	}
	b.Run("fresh", func(b *testing.B) {
		root := b.TempDir()
		b.ReportAllocs()
		m0 := mallocs()
		for i := range b.N {
			convert(b, filepath.Join(root, strconv.Itoa(i)))
		}
		report(b, mallocs()-m0)
	})
	b.Run("rewrite", func(b *testing.B) {
		dir := b.TempDir()
		convert(b, dir)
		b.ReportAllocs()
		b.ResetTimer()
		m0 := mallocs()
		for range b.N {
			convert(b, dir)
		}
		report(b, mallocs()-m0)
	})
}
