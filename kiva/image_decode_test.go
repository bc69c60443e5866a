package kiva

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"
	"time"
)

// pngChunk is one PNG chunk: length, type, data and the CRC of type+data.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// bombPNG is a PNG of a few dozen bytes whose IHDR (with a correct CRC)
// claims w×h RGBA pixels: decoding it would allocate w*h*4 bytes before
// finding that the pixel data is missing.
func bombPNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, deflate, no filter, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	// An empty zlib stream: the pixels are not there.
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// bombJPEG is a valid JPEG whose frame header (SOF0) is changed to claim
// w×h pixels.
func bombJPEG(t testing.TB, w, h uint16) []byte {
	data := bytes.Clone(testJPEG(t))
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 || i+9 > len(data) {
		t.Fatal("no SOF0 marker in the test JPEG")
	}
	// FFC0, length (2), precision (1), height (2), width (2)
	binary.BigEndian.PutUint16(data[i+5:], h)
	binary.BigEndian.PutUint16(data[i+7:], w)
	return data
}

// noisyPNG is a PNG whose pixel data is some kilobytes long, so that
// cutting it leaves the header whole and the pixels cut off.
func noisyPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	seed := uint32(1)
	for i := range img.Pix {
		seed = seed*1664525 + 1013904223
		img.Pix[i] = uint8(seed >> 24)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func noisyJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for x := range 64 {
		for y := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), uint8(x * y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestEncodeImageDecodes: the photo is decoded for real. A file that only
// starts like a PNG or JPEG, a cut-off or damaged one, and one whose header
// claims more than MaxImagePixels are refused in plain words; valid ones
// are accepted.
func TestEncodeImageDecodes(t *testing.T) {
	pngData, jpgData := noisyPNG(t), noisyJPEG(t)
	badCRC := bytes.Clone(pngData)
	badCRC[len(badCRC)-20] ^= 0xFF // inside the last IDAT chunk's data
	for _, tt := range []struct {
		name string
		data []byte
		want string // "": accepted; else in the Reason
		hint string // in the Hint
	}{
		{"valid png", pngData, "", ""},
		{"valid jpeg", jpgData, "", ""},
		{"valid small png", testPNG(t), "", ""},
		{"png signature then a web page",
			append([]byte("\x89PNG\r\n\x1a\n"), "<!DOCTYPE html><html><body>Sign in to see this photo</body></html>"...),
			"starts like a PNG picture but is not one that can be read", "save it again as JPEG or PNG"},
		{"jpeg start then text", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "not a picture at all"...),
			"starts like a JPEG picture", "save it again as JPEG or PNG"},
		{"png signature only", []byte("\x89PNG\r\n\x1a\n"), "starts like a PNG picture", ""},
		{"truncated png", pngData[:len(pngData)*2/3], "the PNG picture is cut off", "copy the photo again"},
		{"png without IEND", pngData[:len(pngData)-12], "the PNG picture is cut off", ""},
		{"truncated jpeg", jpgData[:len(jpgData)/2], "the JPEG picture is cut off", "copy the photo again"},
		{"png with a damaged chunk", badCRC, "the PNG picture is damaged", "save it again as JPEG or PNG"},
		{"png bomb 100000×100000", bombPNG(100000, 100000),
			"the photo is 100000×100000 pixels (10000 megapixels), more than the 50 megapixels kivaconv accepts",
			"save the photo again at a smaller size"},
		{"png just over the pixel limit", bombPNG(7072, 7072), "7072×7072 pixels (50 megapixels), more than the 50 megapixels", ""},
		{"png with a huge width", bombPNG(1<<31-1, 1), "2147483647×1 pixels", ""},
		{"jpeg bomb 65535×65535", bombJPEG(t, 65535, 65535), "65535×65535 pixels (4295 megapixels)", ""},
		{"png with zero width", bombPNG(0, 10), "starts like a PNG picture", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			uri, mime, err := EncodeImage(tt.data)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !strings.HasPrefix(uri, "data:"+mime+";base64,") {
					t.Errorf("data URI starts %.30q", uri)
				}
				if err := CheckImageURI(uri); err != nil {
					t.Errorf("CheckImageURI(EncodeImage()) = %v", err)
				}
				return
			}
			var ie *ImageError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an *ImageError", err, err)
			}
			if !strings.Contains(ie.Reason, tt.want) {
				t.Errorf("reason %q does not say %q", ie.Reason, tt.want)
			}
			if !strings.Contains(ie.Hint, tt.hint) || ie.Hint == "" {
				t.Errorf("hint %q does not say %q", ie.Hint, tt.hint)
			}
			// The embedded form is checked the same way.
			mimeOf := "image/png"
			if tt.data[0] == 0xFF {
				mimeOf = "image/jpeg"
			}
			err = CheckImageURI("data:" + mimeOf + ";base64," + base64.StdEncoding.EncodeToString(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CheckImageURI = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestImageBombRefusedBeforeDecoding: a PNG claiming 100000×100000 pixels
// (40 GB as RGBA) is refused from its header, quickly and without
// allocating its pixels.
func TestImageBombRefusedBeforeDecoding(t *testing.T) {
	bomb := bombPNG(100000, 100000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, _, err := EncodeImage(bomb)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "megapixels") {
		t.Fatalf("bomb: %v, want the pixel limit", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes, want under 1 MB", alloc)
	}
	if took > time.Second {
		t.Errorf("refusing the bomb took %v", took)
	}
	t.Logf("%d-byte PNG claiming 100000×100000 pixels refused in %v, %d bytes allocated",
		len(bomb), took, after.TotalAlloc-before.TotalAlloc)
}

func TestCheckImageSize(t *testing.T) {
	for _, tt := range []struct {
		size int64
		want string
	}{
		{1, ""},
		{MaxImageBytes, ""},
		{0, "empty"},
		{MaxImageBytes + 1, "more than the 10.0 MB"},
		{11 << 20, "the photo is 11.0 MB, more than the 10.0 MB kivaconv accepts"},
		{1 << 40, "more than the 10.0 MB"},
	} {
		err := CheckImageSize(tt.size)
		var ie *ImageError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%d bytes: %v", tt.size, err)
		case tt.want != "" && !errors.As(err, &ie):
			t.Errorf("%d bytes: %v, want an *ImageError", tt.size, err)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%d bytes: %q does not say %q", tt.size, err, tt.want)
		}
	}
}
