package annotate_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// TestWriteRefusesSymlink: a symbolic link in the place of the annotated
// copy is refused, and the file it points to is left as it is.
func TestWriteRefusesSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	in := workbook(t, filepath.Join(dir, "reps.xlsx"), sheet{"Repayments", repaymentRows})
	const content = "not kivaconv's"
	outside := filepath.Join(t.TempDir(), "outside.xlsx")
	if err := os.WriteFile(outside, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "out", "reps.checked.xlsx")
	os.MkdirAll(filepath.Dir(dst), 0o755)
	if err := os.Symlink(outside, dst); err != nil {
		t.Fatal(err)
	}
	err := annotate.Write(dst, annotate.Options{Input: in})
	if !errors.Is(err, batch.ErrSymlink) || !strings.Contains(err.Error(), dst+" is a symbolic link") {
		t.Fatalf("err = %v, want the refusal of the link %s", err, dst)
	}
	if got, _ := os.ReadFile(outside); string(got) != content {
		t.Errorf("the file the link points to changed: %q", got)
	}
	if fi, err := os.Lstat(dst); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi, err)
	}
}
