package convert_test

// Photos (the Image column): the path must stay inside the workbook's
// folder, only regular files within kiva.MaxImageBytes are read, and the
// bytes must be a JPEG or PNG that decodes within kiva.MaxImagePixels.
// Every refusal is an error at the Image cell.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/convert"
)

// photoTimeout bounds one conversion: a photo that makes the conversion
// wait (a FIFO) or read forever (/dev/zero) fails the test instead of
// hanging it.
const photoTimeout = 20 * time.Second

// runBounded is run with an output folder, failing the whole test binary
// (with every goroutine's stack) when the conversion does not finish in
// photoTimeout: a conversion stuck in open(2) on a FIFO cannot be stopped
// any other way.
func runBounded(t *testing.T, input string, o opts) *convert.Summary {
	t.Helper()
	o.outDir = filepath.Join(t.TempDir(), "out.kiva")
	type result struct {
		sum *convert.Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, _, err := run(t, input, o)
		done <- result{sum, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Run(%s): %v", filepath.Base(input), r.err)
		}
		return r.sum
	case <-time.After(photoTimeout):
		panic(fmt.Sprintf("%s: the conversion did not finish in %v (it waits on, or keeps reading, the photo)", t.Name(), photoTimeout))
	}
}

// jpegBytes is a small valid JPEG photo.
func jpegBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 256 {
		img.Set(i%16, i/16, color.RGBA{uint8(i), 120, 200, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngChunk is one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// bombPNG is a 65-byte PNG whose header claims w×h RGBA pixels (40 GB for
// 100000×100000) and whose pixel data is an empty zlib stream.
func bombPNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// symlink makes a symbolic link, skipping the test where links cannot be
// made (Windows without the privilege).
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlink: %v", err)
	}
}

// sparse makes a file of size bytes without writing them.
func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func needDevZero(t *testing.T) {
	t.Helper()
	if fi, err := os.Stat("/dev/zero"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Skip("no /dev/zero here")
	}
}

// photoBook writes a workbook in dir with one valid loan whose Image cell
// is image (and dir/photo.png, a valid PNG).
func photoBook(t *testing.T, dir, imageCell string) string {
	t.Helper()
	dec20, jan20 := day(2026, 12, 20), day(2027, 1, 20)
	return loanBook{
		loans: loans(borrower("L1", "C1", "Grace", "15000.50").with("Image", imageCell)),
		sched: [][]any{inst("L1", dec20, "7500.25"), inst("L1", jan20, "7500.25")},
	}.write(t, dir)
}

// photoCase is one Image cell. setup makes the files it needs in the
// workbook's folder dir (whose parent, base, holds outside.png, a valid PNG
// outside the folder) and returns the cell's text.
type photoCase struct {
	name  string
	setup func(t *testing.T, base, dir string) string
	mime  string // accepted: the image_encoded type
	msg   string // refused: in the message
	hint  string // refused: in the hint
}

func cell(s string) func(*testing.T, string, string) string {
	return func(*testing.T, string, string) string { return s }
}

func file(name string, data func(t *testing.T) []byte) func(*testing.T, string, string) string {
	return func(t *testing.T, _, dir string) string {
		writeInput(t, dir, filepath.FromSlash(name), data(t))
		return name
	}
}

func bytesOf(b []byte) func(*testing.T) []byte { return func(*testing.T) []byte { return b } }

const (
	hintInFolder = "put the photo in the workbook's folder (or a subfolder) and write its name relative to it"
	hintOrdinary = "copy the photo into the workbook's folder as an ordinary JPEG or PNG file"
)

func TestPhotos(t *testing.T) {
	truncated := func(t *testing.T) []byte {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		seed := uint32(7)
		for i := range img.Pix {
			seed = seed*1664525 + 1013904223
			img.Pix[i] = uint8(seed >> 24)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()[:buf.Len()*2/3]
	}
	truncatedJPEG := func(t *testing.T) []byte {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		for i := range 64 * 64 {
			img.Set(i%64, i/64, color.RGBA{uint8(i), uint8(i / 16), uint8(i * 7), 255})
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()[:buf.Len()*3/4]
	}
	cases := []photoCase{
		// Accepted.
		{name: "png beside the workbook", setup: cell("photo.png"), mime: "image/png"},
		{name: "jpeg beside the workbook", setup: file("nakato.jpg", jpegBytes), mime: "image/jpeg"},
		{name: "in a subfolder", setup: file("photos/nakato.jpg", jpegBytes), mime: "image/jpeg"},
		{name: "in a subfolder, with backslashes", setup: func(t *testing.T, base, dir string) string {
			writeInput(t, dir, filepath.Join("photos", "2026", "nakato.jpg"), jpegBytes(t))
			return `photos\2026\nakato.jpg`
		}, mime: "image/jpeg"},
		{name: "dot-dot that stays inside", setup: func(t *testing.T, base, dir string) string {
			writeInput(t, dir, filepath.Join("photos", "x.jpg"), jpegBytes(t))
			return "photos/../photo.png"
		}, mime: "image/png"},
		{name: "symlink inside the folder to a photo inside", setup: func(t *testing.T, base, dir string) string {
			symlink(t, filepath.Join("..", "photo.png"), filepath.Join(dir, "photos", "link.png"))
			return "photos/link.png"
		}, mime: "image/png"},
		{name: "symlinked subfolder inside the folder", setup: func(t *testing.T, base, dir string) string {
			writeInput(t, dir, filepath.Join("real", "nakato.jpg"), jpegBytes(t))
			symlink(t, "real", filepath.Join(dir, "photos"))
			return "photos/nakato.jpg"
		}, mime: "image/jpeg"},

		// Paths out of the folder.
		{name: "absolute path", setup: func(t *testing.T, base, dir string) string {
			return filepath.Join(base, "outside.png")
		}, msg: "is a full path; kivaconv takes photos from the workbook's folder only", hint: hintInFolder},
		{name: "absolute path to a photo inside the folder", setup: func(t *testing.T, base, dir string) string {
			return filepath.Join(dir, "photo.png")
		}, msg: "is a full path", hint: hintInFolder},
		{name: "windows drive path", setup: cell(`C:\photos\nakato.jpg`), msg: `photo C:\photos\nakato.jpg is a full path`, hint: hintInFolder},
		{name: "windows drive-relative path", setup: cell(`C:nakato.jpg`), msg: "is a full path", hint: hintInFolder},
		{name: "windows network path", setup: cell(`\\server\share\nakato.jpg`), msg: `photo \\server\share\nakato.jpg is a full path`, hint: hintInFolder},
		{name: "rooted backslash path", setup: cell(`\photos\nakato.jpg`), msg: "is a full path", hint: hintInFolder},
		{name: "dot-dot out of the folder", setup: cell("../outside.png"),
			msg: "photo ../outside.png is outside the workbook's folder", hint: hintInFolder},
		{name: "dot-dot with backslashes", setup: cell(`..\outside.png`),
			msg: `photo ..\outside.png is outside the workbook's folder`, hint: hintInFolder},
		{name: "dot-dot through a subfolder", setup: cell("photos/../../outside.png"),
			msg: "is outside the workbook's folder", hint: hintInFolder},
		{name: "symlink to a photo outside", setup: func(t *testing.T, base, dir string) string {
			symlink(t, filepath.Join("..", "outside.png"), filepath.Join(dir, "link.png"))
			return "link.png"
		}, msg: "photo link.png is a link (shortcut) to a file outside the workbook's folder", hint: "copy the photo itself into the workbook's folder"},
		{name: "absolute symlink to a photo outside", setup: func(t *testing.T, base, dir string) string {
			symlink(t, filepath.Join(base, "outside.png"), filepath.Join(dir, "link.png"))
			return "link.png"
		}, msg: "is a link (shortcut) to a file outside", hint: "copy the photo itself"},
		{name: "symlinked subfolder outside", setup: func(t *testing.T, base, dir string) string {
			symlink(t, base, filepath.Join(dir, "photos"))
			return "photos/outside.png"
		}, msg: "is a link (shortcut) to a file outside", hint: "copy the photo itself"},
		{name: "dev-zero by its absolute path", setup: func(t *testing.T, base, dir string) string {
			needDevZero(t)
			return "/dev/zero"
		}, msg: "photo /dev/zero is a full path", hint: hintInFolder},
		{name: "dev-zero through a symlink", setup: func(t *testing.T, base, dir string) string {
			needDevZero(t)
			symlink(t, "/dev/zero", filepath.Join(dir, "zero.jpg"))
			return "zero.jpg"
		}, msg: "photo zero.jpg is a link (shortcut) to a file outside", hint: "copy the photo itself"},

		// Files that are not regular, or too big.
		{name: "fifo", setup: func(t *testing.T, base, dir string) string {
			mkfifo(t, filepath.Join(dir, "fifo.jpg"))
			return "fifo.jpg"
		}, msg: "photo fifo.jpg is a pipe (FIFO), not an ordinary file", hint: hintOrdinary},
		{name: "symlink to a fifo inside", setup: func(t *testing.T, base, dir string) string {
			mkfifo(t, filepath.Join(dir, "fifo.jpg"))
			symlink(t, "fifo.jpg", filepath.Join(dir, "link.jpg"))
			return "link.jpg"
		}, msg: "photo link.jpg is a pipe (FIFO)", hint: hintOrdinary},
		{name: "folder", setup: func(t *testing.T, base, dir string) string {
			writeInput(t, dir, filepath.Join("photos", "x.jpg"), jpegBytes(t))
			return "photos"
		}, msg: "photo photos is a folder, not a photo file", hint: "write the photo file's name"},
		{name: "the workbook's folder itself", setup: cell("."), msg: "is a folder", hint: "write the photo file's name"},
		{name: "over 10 MB", setup: func(t *testing.T, base, dir string) string {
			sparse(t, filepath.Join(dir, "big.jpg"), 11<<20)
			return "big.jpg"
		}, msg: "photo big.jpg: the photo is 11.0 MB, more than the 10.0 MB kivaconv accepts", hint: "save the photo again at a smaller size"},
		{name: "empty", setup: file("empty.jpg", bytesOf(nil)), msg: "photo empty.jpg: the photo is empty", hint: "export the photo again"},
		{name: "missing", setup: cell("photos/missing.jpg"), msg: "photo photos/missing.jpg not found", hint: hintInFolder},
		{name: "path through a file", setup: cell("photo.png/x.jpg"), msg: "photo photo.png/x.jpg not found", hint: hintInFolder},
		{name: "dangling symlink inside", setup: func(t *testing.T, base, dir string) string {
			symlink(t, "gone.jpg", filepath.Join(dir, "link.jpg"))
			return "link.jpg"
		}, msg: "photo link.jpg not found", hint: hintInFolder},

		// Contents.
		{name: "png signature then a web page", setup: file("login.png", bytesOf(append([]byte("\x89PNG\r\n\x1a\n"),
			"<!DOCTYPE html><html><body>Sign in to see this photo</body></html>"...))),
			msg: "photo login.png: the photo starts like a PNG picture but is not one that can be read", hint: "save it again as JPEG or PNG"},
		{name: "a web page", setup: file("page.jpg", bytesOf([]byte("<!DOCTYPE html><html><body>Sign in</body></html>"))),
			msg: "photo page.jpg: the photo is a web page", hint: "save the photo as JPEG or PNG"},
		{name: "truncated png", setup: file("cut.png", truncated), msg: "photo cut.png: the PNG picture is cut off", hint: "copy the photo again"},
		{name: "truncated jpeg", setup: file("cut.jpg", truncatedJPEG),
			msg: "photo cut.jpg: the JPEG picture is cut off", hint: "copy the photo again"},
		{name: "decompression bomb", setup: file("bomb.png", bytesOf(bombPNG(100000, 100000))),
			msg:  "photo bomb.png: the photo is 100000×100000 pixels (10000 megapixels), more than the 50 megapixels kivaconv accepts",
			hint: "save the photo again at a smaller size"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dir := filepath.Join(base, "book")
			writeInput(t, base, "outside.png", pngBytes(t))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			imageCell := tc.setup(t, base, dir)
			path := photoBook(t, dir, imageCell)
			start := time.Now()
			sum := runBounded(t, path, opts{ref: testRef(t)})
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("the conversion took %v", took)
			}
			if tc.mime != "" {
				checkCounts(t, sum, counts{records: 1})
				ds := readDrafts(t, sum.OutDir)
				if len(ds) != 1 || !strings.HasPrefix(ds[0].ImageEncoded, "data:"+tc.mime+";base64,") {
					t.Errorf("drafts %d, image_encoded %.40q…, want a %s data URI", len(ds), firstImage(ds), tc.mime)
				}
				return
			}
			checkCounts(t, sum, counts{rejected: 1, errors: 1})
			if is, ok := findIssue(t, sum, e("Loans!P2", tc.msg)); ok {
				if !strings.Contains(is.Hint, tc.hint) {
					t.Errorf("hint %q does not say %q", is.Hint, tc.hint)
				}
				if is.Value != imageCell {
					t.Errorf("issue value %q, want the cell's %q", is.Value, imageCell)
				}
			}
			if ds := readDrafts(t, sum.OutDir); len(ds) != 0 {
				t.Errorf("%d drafts written for a loan whose photo is refused", len(ds))
			}
		})
	}
}

func firstImage(ds []draftJSON) string {
	if len(ds) == 0 {
		return ""
	}
	return ds[0].ImageEncoded
}

// TestPhotoTooLargeIsNotRead: a photo over kiva.MaxImageBytes is refused
// from its size, without reading it: converting an 11 MiB one allocates
// about what converting an empty one does (reading it would add 11 MiB).
func TestPhotoTooLargeIsNotRead(t *testing.T) {
	alloc := func(name string, size int64) uint64 {
		dir := t.TempDir()
		sparse(t, filepath.Join(dir, name), size)
		path := photoBook(t, dir, name)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		sum := runBounded(t, path, opts{ref: testRef(t)})
		runtime.ReadMemStats(&after)
		checkCounts(t, sum, counts{rejected: 1, errors: 1})
		return after.TotalAlloc - before.TotalAlloc
	}
	empty := alloc("empty.jpg", 0)
	big := alloc("big.jpg", 11<<20)
	if big > empty+4<<20 {
		t.Errorf("converting with an 11 MiB photo allocated %d bytes, with an empty one %d: the big photo was read", big, empty)
	}
	t.Logf("allocated %d bytes with an empty photo, %d with an 11 MiB one", empty, big)
}

// TestPhotoBesideOriginalWorkbook: an annotated copy in its output folder
// finds its photos beside the original workbook, one folder up; that folder
// is then the one they must stay in.
func TestPhotoBesideOriginalWorkbook(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, base, orig string) string // base holds orig, the original workbook's folder
		msg   string                                       // "": accepted
	}{
		{"photo beside the original", func(t *testing.T, base, orig string) string {
			writeInput(t, orig, "nakato.jpg", jpegBytes(t))
			return "nakato.jpg"
		}, ""},
		{"photo in a subfolder beside the original", func(t *testing.T, base, orig string) string {
			writeInput(t, orig, filepath.Join("photos", "nakato.jpg"), jpegBytes(t))
			return `photos\nakato.jpg`
		}, ""},
		{"missing in both folders", cell("nakato.jpg"), "photo nakato.jpg not found"},
		{"dot-dot out of the original's folder", func(t *testing.T, base, orig string) string {
			return "../outside.png"
		}, "photo ../outside.png is outside the workbook's folder"},
		{"symlink beside the original to a photo outside it", func(t *testing.T, base, orig string) string {
			symlink(t, filepath.Join(base, "outside.png"), filepath.Join(orig, "link.png"))
			return "link.png"
		}, "photo link.png is a link (shortcut) to a file outside the workbook's folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			orig := filepath.Join(base, "book")
			out := filepath.Join(orig, "loans.kiva")
			writeInput(t, base, "outside.png", pngBytes(t))
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			imageCell := tc.setup(t, base, orig)
			written := photoBook(t, out, imageCell)
			copyPath := filepath.Join(out, "loans.checked.xlsx")
			if err := os.Rename(written, copyPath); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(out, "photo.png")); err != nil {
				t.Fatal(err)
			}
			if !convert.IsAnnotatedCopy(copyPath) {
				t.Fatalf("%s is not taken for an annotated copy", copyPath)
			}
			sum := runBounded(t, copyPath, opts{ref: testRef(t)})
			if tc.msg == "" {
				checkCounts(t, sum, counts{records: 1})
				return
			}
			checkCounts(t, sum, counts{rejected: 1, errors: 1})
			findIssue(t, sum, e("Loans!P2", tc.msg))
		})
	}
}
