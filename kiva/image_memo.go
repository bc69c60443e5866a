package kiva

import (
	"bytes"
	"crypto/sha256"
	"image/jpeg"
	"image/png"
	"sync"
	"sync/atomic"
)

// decodes counts the photos decoded (for the tests of the memo).
var decodes atomic.Int64

// Decoding a photo costs about 10 ns per pixel (half a second for 50
// megapixels), and one photo is checked several times: when it is embedded,
// by the rules (CheckImageURI), again by send, and a workbook may give the
// same file to thousands of loans. The outcome depends only on the bytes,
// so it is remembered by their SHA-256 for the life of the process.

// maxVerified bounds the remembered outcomes (32 bytes and an error each):
// past it, photos are decoded every time, as before.
const maxVerified = 16384

var verified struct {
	sync.Mutex
	m map[[sha256.Size]byte]verdict
}

type verdict struct {
	mime string
	err  error
}

// verifiedImage is checkImageBytes, remembered.
func verifiedImage(data []byte) (string, error) {
	key := sha256.Sum256(data)
	verified.Lock()
	v, ok := verified.m[key]
	verified.Unlock()
	if ok {
		return v.mime, v.err
	}
	mime, err := checkImageBytes(data)
	verified.Lock()
	if verified.m == nil {
		verified.m = map[[sha256.Size]byte]verdict{}
	}
	if len(verified.m) < maxVerified {
		verified.m[key] = verdict{mime, err}
	}
	verified.Unlock()
	return mime, err
}

// ImagePixels is the width × height a JPEG or PNG's header gives, read
// without decoding the picture; 0 when data is neither or its header cannot
// be read (EncodeImage then says why).
func ImagePixels(data []byte) int64 {
	var w, h int
	switch sniffImage(data) {
	case "image/jpeg":
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err == nil {
			w, h = cfg.Width, cfg.Height
		}
	case "image/png":
		if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err == nil {
			w, h = cfg.Width, cfg.Height
		}
	}
	if w <= 0 || h <= 0 {
		return 0
	}
	return int64(w) * int64(h)
}
