package convert_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/mappings"
)

// BenchmarkRepaymentsCSV converts a 100k-row repayments CSV to batches
// (the end-to-end figures for 1M rows come from `make bench`).
func BenchmarkRepaymentsCSV(b *testing.B) {
	const rows = 300000
	dir := b.TempDir()
	in := filepath.Join(dir, "pay.csv")
	f, err := os.Create(in)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "Loan ID,Client ID,Amount")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(w, "L%08d,C%07d,%d.%02d\n", i, i, 100+i%5000, i%100)
	}
	w.Flush()
	f.Close()
	m, err := mappings.Get("repayments")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum, err := convert.Run(context.Background(), convert.Options{
			Input: in, Mapping: m, Today: today, OutDir: filepath.Join(dir, "out"), Overwrite: true,
		})
		if err != nil || sum.Records != rows {
			b.Fatal(err, sum)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
