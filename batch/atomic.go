package batch

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// createTemp makes the temporary files of an output folder; tests replace
// it to inject failures.
var createTemp = os.CreateTemp

// WriteFileAtomic replaces the file at path with data, or leaves it as it
// was. The bytes go to a temporary file in the same directory (named
// ".<base>.tmp-<random>"), which is synced, given mode 0644, closed and
// renamed over path; then the directory itself is synced so the rename
// survives a power cut. On any failure the temporary file is removed. A
// crash can leave a stray temporary file, never a half-written file under
// the final name; Create removes such leftovers.
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
// beside it (".<base>.tmp-<random>"), with mode 0644, fsynced first when
// sync is set, and closes it. It returns the temporary file's path; on
// failure it removes the file and returns an error that names path.
func writeTemp(path string, write func(io.Writer) error, sync bool) (_ string, err error) {
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
	// The mode does not depend on the umask, like the rest of the folder.
	if err = f.Chmod(0o644); err != nil {
		return "", err
	}
	closed = true
	if err = f.Close(); err != nil {
		return "", err
	}
	return tmp, nil
}
