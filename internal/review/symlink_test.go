package review

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/batch"
)

// TestWriteRefusesSymlink: a symbolic link in the place of review.html is
// refused, and the file it points to is left as it is.
func TestWriteRefusesSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir, _ := folder(t, batch.KindLoanDraft, drafts(draft("L1", "Ana", "100")))
	const content = "not kivaconv's"
	outside := filepath.Join(t.TempDir(), "outside.html")
	if err := os.WriteFile(outside, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, File)
	if err := os.Symlink(outside, path); err != nil {
		t.Fatal(err)
	}
	err := Write(dir, Options{})
	if !errors.Is(err, batch.ErrSymlink) || !strings.Contains(err.Error(), path+" is a symbolic link") {
		t.Fatalf("err = %v, want the refusal of the link %s", err, path)
	}
	if got, _ := os.ReadFile(outside); string(got) != content {
		t.Errorf("the file the link points to changed: %q", got)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi, err)
	}
}
