package convert_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/mappings"
)

// FuzzConvertCSV runs arbitrary text through the whole pipeline (dry run,
// mapping picked automatically): whatever the bytes, the conversion ends
// with a summary or an error, never a panic, and every issue has a
// position in the file.
func FuzzConvertCSV(f *testing.F) {
	for _, seed := range []string{
		"Loan ID,Client ID,Amount\nL1,C1,10.5\nL2,C2,abc\n",
		"Loan ID;Amount\n000123;1 500,50\n000123;2\n",
		"Loan ID,Client ID,Subject,Body,Image URL\nL1,C1,Hi,She bought a cow.,https://x.example/a.jpg\n",
		"title\n\nLoan ID,Amount,Extra\nL1,5,,,x\n\"L2\n\",\"6\"\n",
	} {
		f.Add([]byte(seed))
	}
	if data, err := os.ReadFile(filepath.Join(samplesDir, "repayments.csv")); err == nil {
		f.Add(data)
	}
	cands := mappings.Embedded()
	f.Fuzz(func(t *testing.T, data []byte) {
		in := filepath.Join(t.TempDir(), "in.csv")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err := convert.Run(context.Background(), convert.Options{
			Input: in, Mode: convert.DryRun, Candidates: cands, Today: today, Preview: 2,
		})
		if err != nil {
			return
		}
		for _, is := range sum.Issues {
			if is.Pos.File == "" || is.Message == "" {
				t.Fatalf("issue without position or message: %+v", is)
			}
		}
		if sum.Records+sum.Rejected > sum.Rows {
			t.Fatalf("records %d + rejected %d > rows %d", sum.Records, sum.Rejected, sum.Rows)
		}
	})
}
