//go:build linux

package batch

import (
	"os"

	"golang.org/x/sys/unix"
)

// haveSyncfs: Linux can make every file of a filesystem durable at once.
const haveSyncfs = true

// syncFS makes durable everything written to the filesystem that holds
// the open directory d: data, sizes and directory entries of every file,
// with one syncfs(2). Since Linux 5.8 it reports a writeback error that
// happened on the filesystem since d was opened, which is why the Writer
// opens its folder in Create, before it writes any batch.
func syncFS(d *os.File) error {
	rc, err := d.SyscallConn()
	if err != nil {
		return err
	}
	if cerr := rc.Control(func(fd uintptr) { err = unix.Syncfs(int(fd)) }); cerr != nil {
		return cerr
	}
	if err != nil {
		return &os.PathError{Op: "syncfs", Path: d.Name(), Err: err}
	}
	return nil
}
