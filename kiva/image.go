package kiva

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
)

// MaxImageBytes is the largest photo kivaconv embeds, counted before base64
// (the data URI is a third larger). Kiva documents no limit for
// image_encoded; 10 MiB is well above a phone camera's JPEG (2–5 MB) and
// keeps a loan draft request to about 14 MB. A larger file is almost always
// an uncompressed or wrongly exported photo.
const MaxImageBytes = 10 << 20

// MaxImagePixels is the largest photo, in pixels (width × height), that
// kivaconv decodes: 50 megapixels, four times a 12-megapixel phone photo
// and more than any camera a loan officer carries. The size in the file's
// header is checked before the picture is decoded, so a small file that
// claims to be enormous (a "decompression bomb") is refused without
// allocating its pixels; a photo within the limit takes at most some 200 MB
// while it is decoded.
const MaxImagePixels = 50_000_000

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

// Hints are worded as package values documents (values.ForMapping): what
// to do with the photo or the workbook, in plain words.
const (
	hintJPEGPNG      = "save the photo as JPEG or PNG"
	hintConvertAgain = "convert the workbook again, so that kivaconv embeds the photo file afresh"
)

// EncodeImage turns a photo file's bytes into the value of image_encoded:
// "data:image/jpeg;base64,…" or "data:image/png;base64,…". The MIME type
// comes from the bytes (net/http.DetectContentType), never from a file name,
// and the picture is decoded to be sure it is one: anything but JPEG or PNG,
// an empty file, a file over MaxImageBytes, a picture over MaxImagePixels
// and a damaged or cut-off picture is an *ImageError.
func EncodeImage(data []byte) (dataURI string, mime string, err error) {
	mime, err = verifiedImage(data)
	if err != nil {
		return "", "", err
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data), mime, nil
}

// CheckImageSize refuses, before the bytes are read, a photo file of size
// bytes that checkImageBytes would refuse for its size: an empty one or one
// over MaxImageBytes. It returns nil or an *ImageError.
func CheckImageSize(size int64) error {
	if size <= 0 {
		return &ImageError{Reason: "the photo is empty (0 bytes)", Hint: "export the photo again"}
	}
	if size > MaxImageBytes {
		return &ImageError{
			Reason: fmt.Sprintf("the photo is %s, more than the %s kivaconv accepts", sizeText(size), sizeText(MaxImageBytes)),
			Hint:   "save the photo again at a smaller size (a few megabytes is plenty)",
		}
	}
	return nil
}

// checkImageBytes returns the MIME type of an acceptable photo: a JPEG or
// PNG within MaxImageBytes whose header gives a size within MaxImagePixels
// (checked before the pixels are decoded) and that decodes to the end.
func checkImageBytes(data []byte) (string, error) {
	if err := CheckImageSize(int64(len(data))); err != nil {
		return "", err
	}
	mime := sniffImage(data)
	if mime != "image/jpeg" && mime != "image/png" {
		return "", &ImageError{
			Reason: "the photo is " + describeContent(data, mime) + ", not a JPEG or PNG picture",
			Hint:   hintJPEGPNG,
		}
	}
	if err := decodeImage(data, mime); err != nil {
		return "", err
	}
	return mime, nil
}

// decodeImage decodes a JPEG or PNG (mime from sniffImage) for real: first
// its header, whose width and height must be within MaxImagePixels, then
// the whole picture, which must not be damaged or cut off. Only the JPEG
// and PNG decoders are used, whatever other formats the program registers.
func decodeImage(data []byte, mime string) error {
	decodes.Add(1)
	decodeConfig, decode := jpeg.DecodeConfig, jpeg.Decode
	kind := "JPEG"
	if mime == "image/png" {
		decodeConfig, decode = png.DecodeConfig, png.Decode
		kind = "PNG"
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return &ImageError{
			Reason: "the photo starts like a " + kind + " picture but is not one that can be read (the file is damaged, or it is another kind of file, such as a web page, with a picture's name)",
			Hint:   "open the photo on the computer or phone that took it and save it again as JPEG or PNG",
		}
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxImagePixels {
		return &ImageError{
			Reason: fmt.Sprintf("the photo is %d×%d pixels (%s), more than the %s kivaconv accepts",
				cfg.Width, cfg.Height, megapixels(px), megapixels(MaxImagePixels)),
			Hint: "save the photo again at a smaller size (a phone camera's 12 megapixels is plenty)",
		}
	}
	if _, err := decode(bytes.NewReader(data)); err != nil {
		if cutOff(err) {
			return &ImageError{
				Reason: "the " + kind + " picture is cut off (the file ends before the picture does; perhaps copying or downloading it did not finish)",
				Hint:   "copy the photo again from the camera or phone",
			}
		}
		return &ImageError{
			Reason: "the " + kind + " picture is damaged and cannot be read",
			Hint:   "open the photo on the computer or phone that took it and save it again as JPEG or PNG",
		}
	}
	return nil
}

// cutOff reports a decoding error that means the data ends before the
// picture does: an early end of the file, or the decoders' words for pixel
// data that stops short (image/png "not enough pixel data", image/jpeg
// "short Huffman data").
func cutOff(err error) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "not enough pixel data") || strings.Contains(msg, "short Huffman data")
}

// megapixels is a number of pixels in words ("50 megapixels").
func megapixels(px int64) string {
	if px < 1_000_000 {
		return fmt.Sprintf("%d pixels", px)
	}
	return fmt.Sprintf("%d megapixels", (px+500_000)/1_000_000)
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

func sizeText(n int64) string {
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
// decodes from standard base64, is a JPEG or PNG within MaxImageBytes and
// MaxImagePixels that decodes, and is the type the URI declares. Problems
// are *ImageError.
func CheckImageURI(s string) error {
	const prefix = "data:"
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return &ImageError{
			Reason: "the photo is not embedded as a data URI (it should start with \"data:image/jpeg;base64,\")",
			Hint:   "in the workbook, write the photo's file name (e.g. photos/nakato.jpg) instead of a link or text, and convert it again",
		}
	}
	rest := s[len(prefix):]
	comma := strings.IndexByte(rest, ',')
	if comma < 0 {
		return &ImageError{Reason: "the embedded photo is cut off (no comma after the type)", Hint: hintConvertAgain}
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
		return &ImageError{Reason: "the embedded photo is not base64-encoded", Hint: hintConvertAgain}
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
			Reason: fmt.Sprintf("the embedded photo is about %s, more than the %s kivaconv accepts", sizeText(int64(n)), sizeText(MaxImageBytes)),
			Hint:   "save the photo again at a smaller size (a few megabytes is plenty)",
		}
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return &ImageError{Reason: "the embedded photo is damaged (its base64 text does not decode)", Hint: hintConvertAgain}
	}
	actual, err := verifiedImage(data)
	if err != nil {
		return err
	}
	if actual != declared {
		return &ImageError{
			Reason: fmt.Sprintf("the embedded photo is declared as %s but its content is %s", declared, actual),
			Hint:   hintConvertAgain,
		}
	}
	return nil
}
