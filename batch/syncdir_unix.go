//go:build unix

package batch

import (
	"errors"
	"os"
	"syscall"
)

// syncDir makes the directory's entries (a rename, a removal) durable.
// Filesystems that cannot sync a directory (EINVAL, ENOTSUP on some network
// and FUSE filesystems) are not an error: there is nothing more to do there.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
