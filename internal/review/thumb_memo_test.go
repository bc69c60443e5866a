package review

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"testing"
)

// TestThumbnailMemo: one photo on a thousand cards is decoded and scaled
// once, and every card gets the same thumbnail.
func TestThumbnailMemo(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	img.Pix[7] = 99 // a picture no other test uses
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	uri := "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	before := thumbBuilds.Load()
	first, err := makeThumbnail(uri)
	if err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		th, err := makeThumbnail(uri)
		if err != nil || th != first {
			t.Fatalf("thumbnail changed: %v", err)
		}
	}
	if n := thumbBuilds.Load() - before; n != 1 {
		t.Errorf("built %d times, want once", n)
	}
}
