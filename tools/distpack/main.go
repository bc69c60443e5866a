// Command distpack packs release folders into reproducible archives and
// lists their checksums; `make dist` runs it. It is a build tool, not part
// of kivaconv.
//
// Usage:
//
//	distpack archive -mtime 2026-01-02T03:04:05Z -o dist/kivaconv-v1.2.0-linux-amd64.tar.gz dist/kivaconv-v1.2.0-linux-amd64
//	distpack sums -o dist/SHA256SUMS dist/*.tar.gz dist/*.zip
//
// archive writes DIR's files under a top folder named like DIR, as .zip or
// .tar.gz (from OUT's name). The same files give the same bytes, whatever
// the machine, the files' times and owners, or the order the file system
// lists them in: entries are sorted, every time is -mtime, owners are 0,
// modes are 0755 (folders and executables) or 0644, and the gzip header
// carries no name or time. tar and zip commands differ between systems in
// all of these, hence this tool.
//
// sums writes "<sha256>  <file name>" lines, sorted by name, in the format
// `sha256sum -c` and `shasum -a 256 -c` check.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "distpack:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: distpack archive -mtime TIME -o OUT DIR | distpack sums -o OUT FILE...")
	}
	flags := flag.NewFlagSet("distpack "+args[0], flag.ContinueOnError)
	out := flags.String("o", "", "output `FILE`")
	mtime := flags.String("mtime", "", "the time of every entry, RFC 3339 (e.g. the commit's time)")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-o is required")
	}
	switch args[0] {
	case "archive":
		if flags.NArg() != 1 {
			return errors.New("archive takes one folder")
		}
		t, err := time.Parse(time.RFC3339, *mtime)
		if err != nil {
			return fmt.Errorf("-mtime %q: want a time like 2026-01-02T03:04:05Z", *mtime)
		}
		return writeFile(*out, func(w io.Writer) error { return archive(w, *out, flags.Arg(0), t) })
	case "sums":
		return writeFile(*out, func(w io.Writer) error { return sums(w, flags.Args()) })
	}
	return fmt.Errorf("unknown command %q (archive or sums)", args[0])
}

// writeFile writes name through a temporary file, so that a failure leaves
// no half-written archive behind.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".distpack-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// entry is one file or folder of an archive.
type entry struct {
	name string // slash-separated, under the top folder; folders end in "/"
	path string // on disk
	mode fs.FileMode
	dir  bool
}

// collect lists root's tree, sorted, under a top folder named like root.
func collect(root string) ([]entry, error) {
	top := filepath.Base(filepath.Clean(root))
	var out []entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		name := path.Join(top, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			out = append(out, entry{name: name + "/", path: p, mode: 0o755, dir: true})
		case info.Mode().IsRegular():
			mode := fs.FileMode(0o644)
			if info.Mode()&0o111 != 0 || strings.HasSuffix(name, ".exe") {
				mode = 0o755
			}
			out = append(out, entry{name: name, path: p, mode: mode})
		default:
			return fmt.Errorf("%s: only files and folders can be packed (this is %v)", p, info.Mode().Type())
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, err
}

// archive packs dir into w, as a zip or a gzipped tar after out's name.
func archive(w io.Writer, out, dir string, mtime time.Time) error {
	entries, err := collect(dir)
	if err != nil {
		return err
	}
	mtime = mtime.UTC().Truncate(time.Second)
	switch {
	case strings.HasSuffix(out, ".zip"):
		return writeZip(w, entries, mtime)
	case strings.HasSuffix(out, ".tar.gz"), strings.HasSuffix(out, ".tgz"):
		return writeTarGz(w, entries, mtime)
	}
	return fmt.Errorf("%s: the name must end in .zip or .tar.gz", out)
}

func writeTarGz(w io.Writer, entries []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: int64(e.mode), ModTime: mtime, Typeflag: tar.TypeReg}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			st, err := os.Stat(e.path)
			if err != nil {
				return err
			}
			h.Size = st.Size()
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !e.dir {
			if err := copyFile(tw, e.path, h.Size); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
		if e.dir {
			h.Method = zip.Store
		}
		mode := e.mode
		if e.dir {
			mode |= fs.ModeDir
		}
		h.SetMode(mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if !e.dir {
			st, err := os.Stat(e.path)
			if err != nil {
				return err
			}
			if err := copyFile(fw, e.path, st.Size()); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// copyFile copies exactly size bytes of path: a file that changes while
// it is packed is an error, not a corrupt archive.
func copyFile(w io.Writer, path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, size+1))
	if err == nil && n != size {
		err = fmt.Errorf("%s changed while it was packed", path)
	}
	return err
}

// sums writes the SHA-256 of each file, sorted by file name.
func sums(w io.Writer, files []string) error {
	if len(files) == 0 {
		return errors.New("sums: no files")
	}
	files = append([]string(nil), files...)
	sort.Slice(files, func(i, j int) bool { return filepath.Base(files[i]) < filepath.Base(files[j]) })
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), filepath.Base(p)); err != nil {
			return err
		}
	}
	return nil
}
