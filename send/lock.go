package send

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kiva-partners/kivaconv/batch"
)

// LockFile is created in a batch folder while send works on it. The
// operating system's lock on it (not its existence) keeps a second send
// out of the folder: two at once would each plan from the same ledger and
// post the same batches twice. It is left in place afterwards; a crashed
// send's lock goes with its process.
const LockFile = "send.lock"

// errLockHeld is what tryLock returns when another process holds the lock.
var errLockHeld = errors.New("locked by another process")

// ErrFolderBusy is matched (errors.Is) by Run's error when another send is
// working on one of the folders: nothing was sent.
var ErrFolderBusy = errors.New("another kivaconv send is working on this folder")

// lockFolder takes the folder's send lock, or says that another send holds
// it. A folder that does not exist is not locked (Prepare reports it), nor
// is one whose filesystem cannot lock (some network shares): send then
// works as before, unprotected.
func lockFolder(dir string) (release func(), err error) {
	path := filepath.Join(dir, LockFile)
	f, err := batch.OpenNoFollow(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot create %s, which keeps other sends out of the folder while this one works: %w (send needs to write in the folder: its ledger is there too)", dir, LockFile, err)
	}
	switch err := tryLock(f); {
	case errors.Is(err, errLockHeld):
		f.Close()
		return nil, fmt.Errorf("%s: %w (it holds %s): wait for it to finish, then run send again; two at once could send a batch twice. Nothing was sent", dir, ErrFolderBusy, LockFile)
	case err != nil:
		f.Close()
		return func() {}, nil // the filesystem cannot lock
	}
	return func() { f.Close() }, nil // closing releases the lock
}
