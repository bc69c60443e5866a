package kiva

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

func testPicture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := 0; x < 4; x++ {
		for y := 0; y < 4; y++ {
			img.Set(x, y, color.RGBA{uint8(60 * x), uint8(60 * y), 120, 255})
		}
	}
	return img
}

func testJPEG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testPicture(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testPNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testPicture()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testGIF(t testing.TB) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, testPicture(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEncodeImage(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		mime string
	}{
		{"jpeg", testJPEG(t), "image/jpeg"},
		{"png", testPNG(t), "image/png"},
	} {
		uri, mime, err := EncodeImage(tt.data)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if mime != tt.mime {
			t.Errorf("%s: mime %q, want %q", tt.name, mime, tt.mime)
		}
		want := "data:" + tt.mime + ";base64," + base64.StdEncoding.EncodeToString(tt.data)
		if uri != want {
			t.Errorf("%s: data URI %.40q…, want %.40q…", tt.name, uri, want)
		}
		if err := CheckImageURI(uri); err != nil {
			t.Errorf("%s: CheckImageURI(EncodeImage()) = %v", tt.name, err)
		}
	}
}

func TestEncodeImageRejects(t *testing.T) {
	heic := append([]byte{0, 0, 0, 0x18}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
	big := append(testJPEG(t), make([]byte, MaxImageBytes)...)
	for _, tt := range []struct {
		name string
		data []byte
		want string // in the error text
	}{
		{"empty", nil, "empty"},
		{"gif", testGIF(t), "a GIF picture"},
		{"heic", heic, "HEIC"},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n"), "a PDF document"},
		{"html", []byte("<!DOCTYPE html><html><body>Sign in</body></html>"), "a web page"},
		{"text", []byte("just some words"), "text"},
		{"too big", big, "more than the 10.0 MB"},
	} {
		_, _, err := EncodeImage(tt.data)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		var ie *ImageError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %T, want *ImageError", tt.name, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.want)
		}
		if tt.name != "empty" && tt.name != "too big" && !strings.Contains(err.Error(), "save the photo as JPEG or PNG") {
			t.Errorf("%s: error %q has no JPEG/PNG hint", tt.name, err)
		}
	}
}

func TestCheckImageURI(t *testing.T) {
	jpg := base64.StdEncoding.EncodeToString(testJPEG(t))
	pngb := base64.StdEncoding.EncodeToString(testPNG(t))
	gifb := base64.StdEncoding.EncodeToString(testGIF(t))
	for _, tt := range []struct {
		name, uri string
		want      string // "" for valid; else a part of the error
	}{
		{"jpeg", "data:image/jpeg;base64," + jpg, ""},
		{"png", "data:image/png;base64," + pngb, ""},
		{"upper-case scheme and type", "DATA:Image/JPEG;Base64," + jpg, ""},
		{"line-wrapped base64", "data:image/jpeg;base64," + jpg[:40] + "\r\n" + jpg[40:], ""},
		{"png declared as jpeg", "data:image/jpeg;base64," + pngb, "declared as image/jpeg but its content is image/png"},
		{"jpeg declared as png", "data:image/png;base64," + jpg, "declared as image/png but its content is image/jpeg"},
		{"image/jpg is not a MIME type", "data:image/jpg;base64," + jpg, "declared as image/jpg"},
		{"gif declared as gif", "data:image/gif;base64," + gifb, "declared as image/gif"},
		{"gif declared as png", "data:image/png;base64," + gifb, "a GIF picture"},
		{"no type", "data:;base64," + jpg, "declared as no type"},
		{"not base64", "data:image/jpeg," + jpg, "not base64"},
		{"bad base64", "data:image/jpeg;base64,@@@@", "does not decode"},
		{"empty payload", "data:image/jpeg;base64,", "empty"},
		{"no comma", "data:image/jpeg;base64", "cut off"},
		{"far too big", "data:image/jpeg;base64," + strings.Repeat("A", 16<<20), "more than the 10.0 MB"},
		{"a URL", "https://example.org/photo.jpg", "not embedded as a data URI"},
		{"empty", "", "not embedded as a data URI"},
	} {
		err := CheckImageURI(tt.uri)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && err == nil:
			t.Errorf("%s: no error, want one mentioning %q", tt.name, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.want)
		}
	}
}
