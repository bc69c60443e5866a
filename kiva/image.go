package kiva

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// MaxImageBytes is the largest photo kivaconv embeds, counted before base64
// (the data URI is a third larger). Kiva documents no limit for
// image_encoded; 10 MiB is well above a phone camera's JPEG (2–5 MB) and
// keeps a loan draft request to about 14 MB. A larger file is almost always
// an uncompressed or wrongly exported photo.
const MaxImageBytes = 10 << 20

// ImageError is what EncodeImage and CheckImageURI return: Reason says what
// is wrong in words a loan officer understands, Hint what to do about it.
type ImageError struct {
	Reason string
	Hint   string
}

func (e *ImageError) Error() string {
	if e.Hint == "" {
		return e.Reason
	}
	return e.Reason + "; " + e.Hint
}

const hintJPEGPNG = "save the photo as JPEG or PNG"

// EncodeImage turns a photo file's bytes into the value of image_encoded:
// "data:image/jpeg;base64,…" or "data:image/png;base64,…". The MIME type
// comes from the bytes (net/http.DetectContentType), never from a file name.
// Anything but JPEG or PNG, an empty file and a file over MaxImageBytes is an
// *ImageError.
func EncodeImage(data []byte) (dataURI string, mime string, err error) {
	mime, err = checkImageBytes(data)
	if err != nil {
		return "", "", err
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data), mime, nil
}

// checkImageBytes returns the MIME type of an acceptable photo.
func checkImageBytes(data []byte) (string, error) {
	if len(data) == 0 {
		return "", &ImageError{Reason: "the photo is empty (0 bytes)", Hint: "export the photo again"}
	}
	if len(data) > MaxImageBytes {
		return "", &ImageError{
			Reason: fmt.Sprintf("the photo is %s, more than the %s kivaconv accepts", sizeText(len(data)), sizeText(MaxImageBytes)),
			Hint:   "save the photo again at a smaller size (a few megabytes is plenty)",
		}
	}
	mime := sniffImage(data)
	if mime != "image/jpeg" && mime != "image/png" {
		return "", &ImageError{
			Reason: "the photo is " + describeContent(data, mime) + ", not a JPEG or PNG picture",
			Hint:   hintJPEGPNG,
		}
	}
	return mime, nil
}

// sniffImage is net/http.DetectContentType without parameters
// ("text/plain; charset=utf-8" → "text/plain").
func sniffImage(data []byte) string {
	t := http.DetectContentType(data)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

// describeContent names what a rejected file is, in plain words.
func describeContent(data []byte, mime string) string {
	// HEIC/HEIF/AVIF (iPhone photos) are ISO media files that
	// DetectContentType does not know: look at the "ftyp" brand.
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		switch string(data[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return "a HEIC/HEIF picture (the iPhone format)"
		case "avif", "avis":
			return "an AVIF picture"
		}
	}
	switch {
	case mime == "image/gif":
		return "a GIF picture"
	case mime == "image/webp":
		return "a WebP picture"
	case mime == "image/bmp":
		return "a BMP picture"
	case mime == "image/x-icon":
		return "an icon file"
	case mime == "application/pdf":
		return "a PDF document"
	case mime == "application/zip":
		return "a ZIP file (or an Office document)"
	case mime == "text/html" || mime == "text/xml":
		return "a web page, not a picture file (perhaps a download link was saved instead of the photo)"
	case strings.HasPrefix(mime, "text/"):
		return "text"
	case strings.HasPrefix(mime, "image/"):
		return "a picture of type " + mime
	case strings.HasPrefix(mime, "video/"):
		return "a video"
	case strings.HasPrefix(mime, "audio/"):
		return "a sound file"
	}
	return "a file of an unknown type"
}

func sizeText(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// CheckImageURI checks an image_encoded value (spec §7: the image decodes
// and its MIME type matches its bytes): a data URI
// "data:image/jpeg;base64,…" or "data:image/png;base64,…" whose payload
// decodes from standard base64, is a JPEG or PNG within MaxImageBytes, and is
// the type the URI declares. Problems are *ImageError.
func CheckImageURI(s string) error {
	const prefix = "data:"
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return &ImageError{
			Reason: "the photo is not embedded as a data URI (it should start with \"data:image/jpeg;base64,\")",
			Hint:   "let kivaconv embed the photo file instead of pasting a link or text",
		}
	}
	rest := s[len(prefix):]
	comma := strings.IndexByte(rest, ',')
	if comma < 0 {
		return &ImageError{Reason: "the embedded photo is cut off (no comma after the type)", Hint: "embed the photo file again"}
	}
	header, payload := rest[:comma], rest[comma+1:]
	params := strings.Split(header, ";")
	declared := strings.ToLower(strings.TrimSpace(params[0]))
	isBase64 := false
	for _, p := range params[1:] {
		if strings.EqualFold(strings.TrimSpace(p), "base64") {
			isBase64 = true
		}
	}
	if !isBase64 {
		return &ImageError{Reason: "the embedded photo is not base64-encoded", Hint: "embed the photo file again"}
	}
	if declared != "image/jpeg" && declared != "image/png" {
		if declared == "" {
			declared = "no type"
		}
		return &ImageError{
			Reason: fmt.Sprintf("the embedded photo is declared as %s; Kiva takes image/jpeg or image/png", declared),
			Hint:   hintJPEGPNG,
		}
	}
	// Refuse a payload far over the limit before decoding it (the margin
	// leaves room for line breaks inside the base64 text).
	if n := base64.StdEncoding.DecodedLen(len(payload)); n > MaxImageBytes+MaxImageBytes/8 {
		return &ImageError{
			Reason: fmt.Sprintf("the embedded photo is about %s, more than the %s kivaconv accepts", sizeText(n), sizeText(MaxImageBytes)),
			Hint:   "save the photo again at a smaller size (a few megabytes is plenty)",
		}
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return &ImageError{Reason: "the embedded photo is damaged (its base64 text does not decode)", Hint: "embed the photo file again"}
	}
	actual, err := checkImageBytes(data)
	if err != nil {
		return err
	}
	if actual != declared {
		return &ImageError{
			Reason: fmt.Sprintf("the embedded photo is declared as %s but its content is %s", declared, actual),
			Hint:   "embed the photo file again so that the declared type matches the picture",
		}
	}
	return nil
}
