//go:build unix

package annotate_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// TestWriteModeFollowsUmask: the copy gets 0666 less the umask, as
// os.Create gives.
func TestWriteModeFollowsUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	in := workbook(t, filepath.Join(dir, "reps.xlsx"), sheet{"Repayments", repaymentRows})
	dst := filepath.Join(dir, "reps.checked.xlsx")
	if err := annotate.Write(dst, annotate.Options{Input: in}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}
