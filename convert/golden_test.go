package convert_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

var update = flag.Bool("update", false, "rewrite the golden files under samples/expected")

// today is the fixed "today" of every golden run.
var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// samplesDir is the bundled samples, relative to this package.
const samplesDir = "../samples"

func sampleReference(t *testing.T) *kiva.Reference {
	t.Helper()
	ref, err := kiva.LoadReference(filepath.Join(samplesDir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// TestSamplesGolden converts every bundled sample with the embedded
// mappings (picked automatically, as a drag-and-drop would) and compares
// every output file, byte for byte, with samples/expected/<sample>/.
func TestSamplesGolden(t *testing.T) {
	for _, name := range []string{"loans.xlsx", "repayments.xlsx", "repayments.csv", "journals.xlsx"} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			sum, err := convert.Run(context.Background(), convert.Options{
				Input:      filepath.Join(samplesDir, name),
				Candidates: mappings.Embedded(),
				Reference:  sampleReference(t),
				Today:      today,
				OutDir:     out,
				Version:    "golden",
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Rejected != 0 || sum.Errors != 0 {
				t.Errorf("sample %s: %d rows rejected, %d errors; the samples must convert cleanly:\n%s", name, sum.Rejected, sum.Errors, convert.Report(sum))
			}
			compareDir(t, out, filepath.Join(samplesDir, "expected", name))
		})
	}
}

// compareDir compares every file of got with want (or rewrites want).
func compareDir(t *testing.T, got, want string) {
	t.Helper()
	entries, err := os.ReadDir(got)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.RemoveAll(want); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(want, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
		data, err := os.ReadFile(filepath.Join(got, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		// report.txt names the output folder, which is a temp dir here.
		data = bytes.ReplaceAll(data, []byte(got), []byte("OUT"))
		path := filepath.Join(want, e.Name())
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		wantData, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("unexpected output file %s (run go test ./convert -update if intended)", e.Name())
			continue
		}
		if !bytes.Equal(data, wantData) {
			t.Errorf("%s differs from %s (run go test ./convert -update if intended):\n%s", e.Name(), path, firstDiff(data, wantData))
		}
	}
	if !*update {
		wantEntries, _ := os.ReadDir(want)
		for _, e := range wantEntries {
			if !names[e.Name()] {
				t.Errorf("missing output file %s", e.Name())
			}
		}
	}
}

func firstDiff(got, want []byte) string {
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + string(g) + "\n  want: " + string(w)
		}
	}
	return ""
}

// TestDeterministic converts the same input twice: byte-identical output.
func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, out := range []string{a, b} {
		if _, err := convert.Run(context.Background(), convert.Options{
			Input: filepath.Join(samplesDir, "loans.xlsx"), Candidates: mappings.Embedded(),
			Reference: sampleReference(t), Today: today, OutDir: out, Version: "x",
		}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(a)
	if len(entries) < 4 {
		t.Fatalf("only %d files written", len(entries))
	}
	for _, e := range entries {
		if e.Name() == "report.txt" {
			continue // names its folder
		}
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, _ := os.ReadFile(filepath.Join(b, e.Name()))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", e.Name())
		}
	}
}
