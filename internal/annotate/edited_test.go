package annotate_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// Edited tells a copy as Write left it from one a person saved, one made
// from an annotated copy, and files Write did not write.
func TestEdited(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "rep.csv")
	if err := os.WriteFile(in, []byte("Loan ID,Amount\n001,10\n002,12x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := annotate.Options{Input: in, Problems: []annotate.Problem{{Severity: "error", Row: 3, Col: 2, Message: "not a number"}},
		DataSheets: []annotate.SheetRange{{HeaderRow: 1}}}
	cp := filepath.Join(dir, "rep.checked.xlsx")
	if err := annotate.Write(cp, opts); err != nil {
		t.Fatal(err)
	}
	check := func(what, path string, want bool) {
		t.Helper()
		got, err := annotate.Edited(path)
		if err != nil || got != want {
			t.Errorf("%s: Edited = %v, %v; want %v", what, got, err, want)
		}
	}
	check("as written", cp, false)

	// Made from that copy (fixed and converted again): its values may be
	// a person's.
	again := filepath.Join(dir, "again.checked.xlsx")
	opts.Input = cp
	opts.Problems[0].Sheet, opts.DataSheets[0].Name = "rep", "rep"
	if err := annotate.Write(again, opts); err != nil {
		t.Fatal(err)
	}
	check("made from an annotated copy", again, true)

	// Saved by a spreadsheet program: a new modification time.
	f := open(t, cp)
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	props.Modified = "2026-11-27T08:00:00Z"
	if err := f.SetDocProps(props); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "saved.xlsx")
	save(t, f, saved)
	check("saved since", saved, true)

	// Not written by Write: a workbook without the marks, or no workbook.
	check("the samples' workbook", filepath.Join(samples, "loans.xlsx"), true)
	check("a CSV file", in, true)
	if _, err := annotate.Edited(filepath.Join(dir, "none.xlsx")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
}
