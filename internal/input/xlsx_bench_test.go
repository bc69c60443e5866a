package input

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The benchmark workbook: a header and 100,000 rows of Loan ID (text),
// Client ID (text) and Amount (number), written with excelize's
// StreamWriter (which stores strings inline) and, for the shared-string
// variant, with SetSheetRow (which uses the shared string table, as Excel
// does). Each is generated once into a fixed directory under os.TempDir
// and left there for the next run (no TestMain: the package's tests are
// shared with the CSV reader's).

const xlBenchRows = 100_000

var xlBenchFiles sync.Map // kind → *xlBenchFile

type xlBenchFile struct {
	once sync.Once
	path string
	err  error
}

// xlBenchWorkbook returns the path of the benchmark workbook of a kind:
// "stream" (inline strings) or "sst" (shared strings).
func xlBenchWorkbook(b *testing.B, kind string) string {
	b.Helper()
	v, _ := xlBenchFiles.LoadOrStore(kind, &xlBenchFile{})
	bf := v.(*xlBenchFile)
	bf.once.Do(func() {
		dir := filepath.Join(os.TempDir(), "kivaconv-xlsx-bench-v1")
		bf.path = filepath.Join(dir, kind+".xlsx")
		if _, err := os.Stat(bf.path); err == nil {
			return
		}
		if bf.err = os.MkdirAll(dir, 0o755); bf.err != nil {
			return
		}
		tmp := filepath.Join(dir, fmt.Sprintf("%s.%d.tmp.xlsx", kind, os.Getpid()))
		if bf.err = xlWriteBenchWorkbook(tmp, kind); bf.err == nil {
			bf.err = os.Rename(tmp, bf.path)
		}
	})
	if bf.err != nil {
		b.Fatal(bf.err)
	}
	return bf.path
}

func xlBenchRow(i int) []any {
	return []any{
		fmt.Sprintf("%019d", 1000000000000000000+int64(i)*7919), // 19-digit loan ID, as text
		fmt.Sprintf("C%07d", i%40000),
		float64(i%5000)*1.25 + 100,
	}
}

func xlWriteBenchWorkbook(path, kind string) error {
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"Loan ID", "Client ID", "Amount"}
	switch kind {
	case "stream":
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return err
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		for i := 0; i < xlBenchRows; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, xlBenchRow(i)); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	case "sst":
		if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
			return err
		}
		for i := 0; i < xlBenchRows; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			row := xlBenchRow(i)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	return f.SaveAs(path)
}

func xlBenchmarkRead(b *testing.B, kind string) {
	path := xlBenchWorkbook(b, kind)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		book, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := book.Open("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n, cells := 0, 0
		for rows.Next() {
			n++
			cells += len(rows.Row().Cells)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		book.Close()
		if n != xlBenchRows+1 || cells != 3*(xlBenchRows+1) {
			b.Fatalf("read %d rows, %d cells", n, cells)
		}
	}
	b.ReportMetric(float64(xlBenchRows+1)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func xlBenchmarkExcelize(b *testing.B, kind string) {
	path := xlBenchWorkbook(b, kind)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n, cells := 0, 0
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			n++
			cells += len(cols)
		}
		if err := rows.Error(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		f.Close()
		if n != xlBenchRows+1 || cells != 3*(xlBenchRows+1) {
			b.Fatalf("read %d rows, %d cells", n, cells)
		}
	}
	b.ReportMetric(float64(xlBenchRows+1)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkXLSXRead opens the 100k-row workbook and streams every row.
func BenchmarkXLSXRead(b *testing.B) { xlBenchmarkRead(b, "stream") }

// BenchmarkExcelizeRawBaseline does the same with excelize's Rows iterator
// and Columns(RawCellValue), the target this reader must beat.
func BenchmarkExcelizeRawBaseline(b *testing.B) { xlBenchmarkExcelize(b, "stream") }

// The shared-string variants: what Excel itself writes.
func BenchmarkXLSXReadSST(b *testing.B)            { xlBenchmarkRead(b, "sst") }
func BenchmarkExcelizeRawBaselineSST(b *testing.B) { xlBenchmarkExcelize(b, "sst") }
