package batch

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, n := range names(t, dir) {
		if strings.Contains(n, ".tmp-") {
			t.Errorf("temporary file left behind: %s", n)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	for _, content := range []string{"first\n", "second, longer\n", ""} {
		if err := WriteFileAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("content = %q, want %q", got, content)
		}
	}
	// The file's mode: see TestFileModesFollowUmask.
	if got := names(t, dir); len(got) != 1 || got[0] != "a.json" {
		t.Errorf("directory holds %q, want only a.json", got)
	}
}

func TestWriteAtomicFailingWriteKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	if err := WriteFileAtomic(path, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := writeAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half a fi"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap %v", err, boom)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "old\n" {
		t.Errorf("target changed to %q after a failed write", got)
	}
	assertNoTemp(t, dir)
}

func TestWriteAtomicFailingRenameRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	// A non-empty directory under the target name: the rename fails.
	target := filepath.Join(dir, "x.json")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, []byte("data")); err == nil {
		t.Fatal("no error renaming over a non-empty directory")
	}
	assertNoTemp(t, dir)
}

func TestWriteAtomicReadOnlyDir(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs POSIX permissions enforced (not root)")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if err := WriteFileAtomic(filepath.Join(dir, "a.json"), []byte("x")); err == nil {
		t.Fatal("no error writing into a read-only directory")
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("read-only directory now holds %q", got)
	}
}

func TestWriteAtomicMissingDir(t *testing.T) {
	err := WriteFileAtomic(filepath.Join(t.TempDir(), "nope", "a.json"), []byte("x"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not-exist", err)
	}
}

func TestEncode(t *testing.T) {
	got, err := Encode(map[string]any{"description": "Rice & beans <bulk>", "n": 1})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"description\": \"Rice & beans <bulk>\",\n  \"n\": 1\n}\n"
	if string(got) != want {
		t.Errorf("Encode = %q, want %q", got, want)
	}
}
