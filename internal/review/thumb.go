package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // photos may be PNG
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kiva-partners/kivaconv/kiva"
)

// ThumbnailSize is the largest width and height, in pixels, of the photo
// thumbnails embedded in the page.
const ThumbnailSize = 200

// thumbnailQuality is the JPEG quality of the thumbnails.
const thumbnailQuality = 80

// keepBytes is the size up to which a photo that already fits in the
// thumbnail box is embedded as it is rather than re-encoded.
const keepBytes = 24 << 10

// maxPixels bounds the photos decoded for a thumbnail (a 12-megapixel phone
// photo is well under it); a bigger one is not decoded at all. It is the
// limit kivaconv embeds photos within, so every photo it embedded can be
// previewed.
const maxPixels = kiva.MaxImagePixels

// thumb is a photo ready to embed: a data URI of a JPEG or PNG whose base64
// text this package wrote itself (so it is safe as an img src), and its
// size in pixels.
type thumb struct {
	URI  template.URL
	W, H int
}

// makeThumbnail turns an image_encoded value into a thumbnail that fits in
// ThumbnailSize×ThumbnailSize: a photo that already fits and is small is
// kept as it is (its bytes base64-encoded again here); any other is
// decoded, scaled down with a box filter (transparent parts drawn on white)
// and encoded as JPEG. The result depends only on the input. Errors say,
// for the reviewer, why there is no thumbnail.
//
// The outcome is remembered by the value's SHA-256 (see thumbMemo): a
// workbook may give one photo to thousands of loans, and decoding a large
// one takes half a second.
func makeThumbnail(dataURI string) (thumb, error) {
	key := sha256.Sum256([]byte(dataURI))
	thumbMemo.Lock()
	m, ok := thumbMemo.m[key]
	thumbMemo.Unlock()
	if ok {
		return m.t, m.err
	}
	t, err := buildThumbnail(dataURI)
	thumbMemo.Lock()
	if thumbMemo.m == nil {
		thumbMemo.m = map[[sha256.Size]byte]memoThumb{}
	}
	if len(thumbMemo.m) < maxThumbMemo {
		thumbMemo.m[key] = memoThumb{t, err}
	}
	thumbMemo.Unlock()
	return t, err
}

// maxThumbMemo bounds the thumbnails remembered (a few kilobytes each).
const maxThumbMemo = 1024

var thumbMemo struct {
	sync.Mutex
	m map[[sha256.Size]byte]memoThumb
}

type memoThumb struct {
	t   thumb
	err error
}

// thumbBuilds counts the thumbnails built (for the memo's test).
var thumbBuilds atomic.Int64

func buildThumbnail(dataURI string) (thumb, error) {
	thumbBuilds.Add(1)
	data, err := decodeDataURI(dataURI)
	if err != nil {
		return thumb{}, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return thumb{}, errors.New("the photo is not a JPEG or PNG picture that can be read")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return thumb{}, fmt.Errorf("the photo is %d×%d pixels, too large to preview", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return thumb{}, errors.New("the photo is damaged and cannot be read")
	}
	if cfg.Width <= ThumbnailSize && cfg.Height <= ThumbnailSize && len(data) <= keepBytes &&
		(format == "jpeg" || format == "png") {
		// Small already, and it decodes: embed it as it is.
		return thumb{URI: template.URL("data:image/" + format + ";base64," + base64.StdEncoding.EncodeToString(data)), W: cfg.Width, H: cfg.Height}, nil
	}
	small := scaleDown(img, ThumbnailSize)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: thumbnailQuality}); err != nil {
		return thumb{}, err
	}
	b := small.Bounds()
	return thumb{URI: template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), W: b.Dx(), H: b.Dy()}, nil
}

// decodeDataURI returns the bytes of a base64 data URI ("data:image/jpeg;
// base64,…"). Line breaks inside the base64 text are tolerated.
func decodeDataURI(s string) ([]byte, error) {
	const prefix = "data:"
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return nil, errors.New("the photo is not embedded as a data URI")
	}
	header, payload, ok := strings.Cut(s[len(prefix):], ",")
	if !ok || !strings.Contains(strings.ToLower(header), ";base64") {
		return nil, errors.New("the embedded photo is not base64-encoded")
	}
	if strings.ContainsAny(payload, "\r\n \t") {
		payload = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, payload)
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, errors.New("the embedded photo's base64 text is damaged")
	}
	return data, nil
}

// thumbSize is the size of a w×h picture scaled to fit in box×box, never
// enlarged, at least 1×1.
func thumbSize(w, h, box int) (int, int) {
	if w <= box && h <= box {
		return w, h
	}
	if w >= h {
		return box, max((h*box+w/2)/w, 1)
	}
	return max((w*box+h/2)/h, 1), box
}

// scaleDown returns img scaled to fit in box×box with a box filter: each
// thumbnail pixel is the average of the source pixels it covers.
// Transparent pixels are composed on white first. Y'CbCr images (every
// JPEG) are averaged in their own planes, without a full-size RGBA copy.
func scaleDown(img image.Image, box int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dw, dh := thumbSize(sw, sh, box)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	xs, ys := ranges(sw, dw), ranges(sh, dh)
	if yc, ok := img.(*image.YCbCr); ok {
		for dy := 0; dy < dh; dy++ {
			for dx := 0; dx < dw; dx++ {
				var sy, scb, scr, n uint64
				for y := ys[dy]; y < ys[dy+1]; y++ {
					for x := xs[dx]; x < xs[dx+1]; x++ {
						px, py := b.Min.X+x, b.Min.Y+y
						sy += uint64(yc.Y[yc.YOffset(px, py)])
						ci := yc.COffset(px, py)
						scb += uint64(yc.Cb[ci])
						scr += uint64(yc.Cr[ci])
						n++
					}
				}
				r, g, bl := color.YCbCrToRGB(uint8((sy+n/2)/n), uint8((scb+n/2)/n), uint8((scr+n/2)/n))
				dst.SetRGBA(dx, dy, color.RGBA{r, g, bl, 255})
			}
		}
		return dst
	}
	// Other pictures are drawn on white one source row at a time (a
	// full-size copy would be 200 MB for a 50-megapixel photo), and each
	// row's pixels are added to the sums of the destination row it falls in.
	row := image.NewRGBA(image.Rect(0, 0, sw, 1))
	sums := make([][3]uint64, dw)
	for dy := 0; dy < dh; dy++ {
		clear(sums)
		for y := ys[dy]; y < ys[dy+1]; y++ {
			draw.Draw(row, row.Bounds(), image.White, image.Point{}, draw.Src)
			draw.Draw(row, row.Bounds(), img, image.Point{X: b.Min.X, Y: b.Min.Y + y}, draw.Over)
			for dx := 0; dx < dw; dx++ {
				for x := xs[dx]; x < xs[dx+1]; x++ {
					sums[dx][0] += uint64(row.Pix[4*x])
					sums[dx][1] += uint64(row.Pix[4*x+1])
					sums[dx][2] += uint64(row.Pix[4*x+2])
				}
			}
		}
		for dx := 0; dx < dw; dx++ {
			n := uint64((xs[dx+1] - xs[dx]) * (ys[dy+1] - ys[dy]))
			s := sums[dx]
			dst.SetRGBA(dx, dy, color.RGBA{uint8((s[0] + n/2) / n), uint8((s[1] + n/2) / n), uint8((s[2] + n/2) / n), 255})
		}
	}
	return dst
}

// ranges splits n source pixels into m consecutive ranges, as even as can
// be: range i is [r[i], r[i+1]), never empty when m ≤ n.
func ranges(n, m int) []int {
	r := make([]int, m+1)
	for i := 0; i <= m; i++ {
		r[i] = i * n / m
	}
	return r
}
