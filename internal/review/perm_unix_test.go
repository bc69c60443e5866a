//go:build unix

package review

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kiva-partners/kivaconv/batch"
)

// TestWriteModeFollowsUmask: review.html gets 0666 less the umask, as
// os.Create gives.
func TestWriteModeFollowsUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir, _ := folder(t, batch.KindLoanDraft, drafts(draft("L1", "Ana", "100")))
	if err := Write(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}
