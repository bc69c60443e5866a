package convert

import (
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

// pngHeader is the start of a PNG whose header claims w×h pixels: enough
// for the budget, which reads only the header; tag makes each one a
// different file.
func pngHeader(w, h uint32, tag byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 0, 17)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 1, 0, 0, 0, 0) // 1-bit grey
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
	return append(b, tag)
}

// TestPhotoBudget: distinct tiny files claiming 49 megapixels each are
// admitted until the conversion's bound (about 20 of them), then refused
// at the cell; the same file given to many loans is counted once; a photo
// over the per-photo limit is left for EncodeImage to refuse.
func TestPhotoBudget(t *testing.T) {
	var b photoBudget
	same := pngHeader(7000, 7000, 0)
	for i := 0; i < 1000; i++ {
		if pi := b.admit("same.png", same); pi != nil {
			t.Fatalf("the same photo, loan %d: %s", i, pi.msg)
		}
	}
	admitted := 1
	var refused *photoIssue
	for i := 1; i < 100 && refused == nil; i++ {
		if refused = b.admit("p.png", pngHeader(7000, 7000, byte(i))); refused == nil {
			admitted++
		}
	}
	if refused == nil {
		t.Fatal("100 distinct 49-megapixel photos of a few bytes were all admitted")
	}
	if want := int(photoPixelBase / (7000 * 7000)); admitted != want {
		t.Errorf("%d admitted, want %d", admitted, want)
	}
	if !strings.Contains(refused.msg, "p.png") || !strings.Contains(refused.hint, "JPEG") {
		t.Errorf("message %q, hint %q", refused.msg, refused.hint)
	}
	var fresh photoBudget
	if pi := fresh.admit("huge.png", pngHeader(100000, 100000, 0)); pi != nil {
		t.Errorf("a photo over the per-photo limit is EncodeImage's to refuse: %s", pi.msg)
	}
	// Real photos: 3 MB holding 12 megapixels never reach the bound (200
	// of them are 2.4 gigapixels, past the base alone).
	var real photoBudget
	for i := 0; i < 200; i++ {
		data := append(pngHeader(4000, 3000, byte(i)), make([]byte, 3<<20)...)
		data[len(data)-1] = byte(i >> 8)
		if pi := real.admit("photo.png", data); pi != nil {
			t.Fatalf("real-sized photo %d refused: %s", i, pi.msg)
		}
	}
}
