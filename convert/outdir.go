package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// OtherSourceError refuses to convert into a folder that holds the
// conversion of another file: repayments.csv and repayments.xlsx both
// default to repayments.kiva, and the second would silently replace the
// first's batches.
type OtherSourceError struct {
	Dir   string // the output folder
	Input string // base name of the file being converted
	Made  string // base name of the file the folder was made from
}

func (e *OtherSourceError) Error() string {
	return fmt.Sprintf("%s was made from %s: converting %s would replace it. "+
		"Rename %s (or move it to a folder of its own) and convert it again; "+
		"or give it another output folder with --out, or pass --overwrite to replace %s",
		e.Dir, e.Made, e.Input, e.Input, filepath.Base(e.Dir))
}

// checkOutDirSource returns an *OtherSourceError when dir's manifest says
// it was made from a file other than input. The annotated copy and its
// original are one file for this: either may be converted into the folder
// the other made. A folder without a readable manifest (new, or a
// conversion that did not finish) is not refused.
func checkOutDirSource(dir, input string) error {
	m, err := batch.ReadManifest(dir)
	if err != nil {
		return nil
	}
	made, in := m.Source.Name, filepath.Base(input)
	if made == "" || oneWorkbook(made, in) {
		return nil
	}
	return &OtherSourceError{Dir: dir, Input: in, Made: made}
}

// oneWorkbook reports whether base names a and b are one workbook for the
// output folder: equal (case-insensitively, as Windows and macOS file
// systems compare them), or one the annotated copy of the other.
func oneWorkbook(a, b string) bool {
	return strings.EqualFold(a, b) || strings.EqualFold(annotate.FileName(a), b) || strings.EqualFold(annotate.FileName(b), a)
}

// MappingBeside is the path of the mapping `kivaconv mappings init` writes
// for input by default, "<name>.mapping.yaml" beside it (for an annotated
// copy in its output folder: beside the original workbook), when that file
// exists; "" otherwise.
func MappingBeside(input string) string {
	dir, base := filepath.Dir(input), filepath.Base(input)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	if IsAnnotatedCopy(input) {
		if abs, err := filepath.Abs(input); err == nil {
			dir = filepath.Dir(abs)
		}
		dir, stem = filepath.Dir(dir), strings.TrimSuffix(stem, ".checked")
	}
	p := filepath.Join(dir, stem+".mapping.yaml")
	if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
		return ""
	}
	return p
}
