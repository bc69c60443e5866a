package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var stamp = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// release makes a folder like make dist's, with the given file times.
func release(t *testing.T, parent string, mtime time.Time) string {
	t.Helper()
	dir := filepath.Join(parent, "kivaconv-v1.2.0-linux-amd64")
	files := map[string]struct {
		body string
		mode fs.FileMode
	}{
		"kivaconv":               {"\x7fELF binary", 0o700},
		"README.txt":             {"kivaconv v1.2.0\n", 0o600},
		"mappings/loans.yaml":    {"kind: loan_draft\n", 0o664},
		"mappings/journals.yaml": {"kind: journals\n", 0o644},
	}
	for name, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.body), f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type member struct {
	name string
	mode fs.FileMode
	time time.Time
	body string
}

func readTarGz(t *testing.T, data []byte) []member {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q, time %v", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var out []member
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d/%d %q/%q", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		body, _ := io.ReadAll(tr)
		out = append(out, member{h.Name, fs.FileMode(h.Mode).Perm(), h.ModTime.UTC(), string(body)})
	}
}

func readZip(t *testing.T, data []byte) []member {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []member
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		out = append(out, member{f.Name, f.Mode().Perm(), f.Modified.UTC(), string(body)})
	}
	return out
}

func TestArchive(t *testing.T) {
	want := []member{
		{"kivaconv-v1.2.0-linux-amd64/", 0o755, stamp, ""},
		{"kivaconv-v1.2.0-linux-amd64/README.txt", 0o644, stamp, "kivaconv v1.2.0\n"},
		{"kivaconv-v1.2.0-linux-amd64/kivaconv", 0o755, stamp, "\x7fELF binary"},
		{"kivaconv-v1.2.0-linux-amd64/mappings/", 0o755, stamp, ""},
		{"kivaconv-v1.2.0-linux-amd64/mappings/journals.yaml", 0o644, stamp, "kind: journals\n"},
		{"kivaconv-v1.2.0-linux-amd64/mappings/loans.yaml", 0o644, stamp, "kind: loan_draft\n"},
	}
	for _, tc := range []struct {
		ext  string
		read func(*testing.T, []byte) []member
	}{{".tar.gz", readTarGz}, {".zip", readZip}} {
		t.Run(tc.ext, func(t *testing.T) {
			// The same files, made at different times in different places,
			// give the same archive.
			var got [][]byte
			for i, mtime := range []time.Time{time.Now(), time.Date(2001, 9, 9, 1, 46, 40, 0, time.UTC)} {
				dir := release(t, t.TempDir(), mtime)
				out := filepath.Join(t.TempDir(), filepath.Base(dir)+tc.ext)
				if err := run([]string{"archive", "-mtime", "2026-01-02T03:04:05Z", "-o", out, dir}); err != nil {
					t.Fatalf("run %d: %v", i, err)
				}
				data, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, data)
			}
			if !bytes.Equal(got[0], got[1]) {
				t.Errorf("two packs of the same files differ")
			}
			members := tc.read(t, got[0])
			if len(members) != len(want) {
				t.Fatalf("members %+v", members)
			}
			for i, m := range members {
				w := want[i]
				if runtime.GOOS == "windows" && w.name == "kivaconv-v1.2.0-linux-amd64/kivaconv" {
					w.mode = 0o644 // no executable bit to read on Windows
				}
				if m != w {
					t.Errorf("member %d = %+v, want %+v", i, m, w)
				}
			}
		})
	}
}

func TestSums(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"b.zip": "bee", "a.tar.gz": "ay"}
	var paths []string
	for n, body := range files {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "SHA256SUMS")
	if err := run(append([]string{"sums", "-o", out}, paths...)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	want := sum("ay") + "  a.tar.gz\n" + sum("bee") + "  b.zip\n"
	if string(data) != want {
		t.Errorf("SHA256SUMS:\n%s\nwant:\n%s", data, want)
	}
}

func TestErrors(t *testing.T) {
	dir := release(t, t.TempDir(), stamp)
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"archive", "-mtime", "yesterday", "-o", filepath.Join(out, "x.zip"), dir}, "-mtime"},
		{[]string{"archive", "-mtime", "2026-01-02T03:04:05Z", "-o", filepath.Join(out, "x.rar"), dir}, ".zip or .tar.gz"},
		{[]string{"archive", "-mtime", "2026-01-02T03:04:05Z", dir}, "-o"},
		{[]string{"archive", "-mtime", "2026-01-02T03:04:05Z", "-o", filepath.Join(out, "x.zip")}, "one folder"},
		{[]string{"sums", "-o", filepath.Join(out, "S")}, "no files"},
		{[]string{"pack", "-o", filepath.Join(out, "S")}, "unknown command"},
	} {
		err := run(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one about %q", tc.args, err, tc.want)
		}
	}
	// A failed archive leaves nothing behind.
	entries, _ := os.ReadDir(out)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestSymlinkRefused(t *testing.T) {
	dir := release(t, t.TempDir(), stamp)
	if err := os.Symlink("README.txt", filepath.Join(dir, "link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	err := run([]string{"archive", "-mtime", "2026-01-02T03:04:05Z", "-o", filepath.Join(t.TempDir(), "x.tar.gz"), dir})
	if err == nil || !strings.Contains(err.Error(), "only files and folders") {
		t.Errorf("error %v", err)
	}
}
