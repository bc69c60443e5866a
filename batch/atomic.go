package batch

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrSymlink is wrapped by the error of a write refused because a
// symbolic link stands where the file goes (see RefuseSymlink).
var ErrSymlink = errors.New("is a symbolic link")

// RefuseSymlink returns an error naming path when path is a symbolic link
// (wrapping ErrSymlink), and nil otherwise, also when path does not exist
// or cannot be looked at (the write that follows reports that). kivaconv
// never writes through a link: one planted in an output folder
// (ledger.jsonl pointing elsewhere, say) would make it damage a file
// outside the folder.
func RefuseSymlink(path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return symlinkError(path)
	}
	return nil
}

func symlinkError(path string) error {
	return fmt.Errorf("%s %w: kivaconv does not write through links; remove it (or choose another output folder)", path, ErrSymlink)
}

// OpenNoFollow is os.OpenFile, except that it refuses a symbolic link at
// path with RefuseSymlink's error. Where the system has O_NOFOLLOW (unix)
// the open itself refuses the link, so one planted after the check is
// refused too.
func OpenNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if err := RefuseSymlink(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|openNoFollow, perm)
	if err != nil {
		if lerr := RefuseSymlink(path); lerr != nil {
			return nil, lerr
		}
		return nil, err
	}
	return f, nil
}

// createTemp makes the temporary files of an output folder; tests replace
// it to inject failures.
var createTemp = createTempFile

// createTempFile is os.CreateTemp (pattern's last "*" becomes a random
// string), except that the file is created with mode 0666 for the umask to
// reduce, as os.Create does, rather than 0600; like os.CreateTemp it never
// opens an existing file, nor a symbolic link.
func createTempFile(dir, pattern string) (*os.File, error) {
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	for range 10000 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36)+suffix)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|openNoFollow, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, pattern), Err: fs.ErrExist}
}

// newFilePerm is the mode a new file gets in dir: 0666 less the umask. It
// creates and removes a temporary file to find out (the umask cannot be
// read without changing it, for every goroutine at once); the name is one
// Create removes, should a crash leave it.
func newFilePerm(dir string) (fs.FileMode, error) {
	f, err := createTemp(dir, "."+ManifestFile+".tmp-p*")
	if err != nil {
		return 0, err
	}
	fi, err := f.Stat()
	f.Close()
	os.Remove(f.Name())
	if err != nil {
		return 0, err
	}
	return fi.Mode().Perm(), nil
}

// WriteFileAtomic replaces the file at path with data, or leaves it as it
// was. The bytes go to a temporary file in the same directory (named
// ".<base>.tmp-<random>", created with mode 0666 less the umask, like
// os.Create), which is synced, closed and renamed over path; then the
// directory itself is synced so the rename survives a power cut. On any
// failure the temporary file is removed. A crash can leave a stray
// temporary file, never a half-written file under the final name; Create
// removes such leftovers. A symbolic link at path is refused (see
// RefuseSymlink), not replaced and never written through.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic is WriteFileAtomic with the content produced by write, which
// tests use to inject failures.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := writeTemp(path, write, true)
	if err != nil {
		return err
	}
	// Checked again just before the rename, which would replace a link
	// planted meanwhile (never write through it).
	if err = RefuseSymlink(path); err != nil {
		os.Remove(tmp)
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// The file is in place under its final name. A failing directory sync
	// weakens durability only, but the caller must still hear about it.
	if err = syncDir(dir); err != nil {
		err = fmt.Errorf("writing %s: syncing directory: %w", path, err)
	}
	return err
}

// writeTemp writes the future content of path to a new temporary file
// beside it (".<base>.tmp-<random>", mode 0666 less the umask), fsynced
// first when sync is set, and closes it. It returns the temporary file's
// path; on failure it removes the file and returns an error that names
// path. A symbolic link at path is refused before anything is written.
func writeTemp(path string, write func(io.Writer) error, sync bool) (_ string, err error) {
	if err := RefuseSymlink(path); err != nil {
		return "", err
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	f, err := createTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if err = write(f); err != nil {
		return "", err
	}
	if sync {
		if err = f.Sync(); err != nil {
			return "", err
		}
	}
	closed = true
	if err = f.Close(); err != nil {
		return "", err
	}
	return tmp, nil
}
