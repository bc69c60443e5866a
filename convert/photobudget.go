package convert

import (
	"crypto/sha256"
	"fmt"

	"github.com/kiva-partners/kivaconv/kiva"
)

// Every photo is decoded to be sure it is one, at about 10 ns a pixel. A
// tiny file can hold a huge picture (a one-colour 50-megapixel PNG is a few
// kilobytes), so a workbook of a few megabytes could name hundreds of them
// and take many minutes. The pixels one conversion decodes are therefore
// bounded: photoPixelBase in all, plus photoPixelsPerByte for every byte of
// the photo files. A real photo has far fewer pixels per byte (a 12-megapixel
// phone JPEG is 2–5 MB: 3–6 pixels a byte; a strongly compressed one 10–15),
// so real photos, however many, never reach the bound; pictures made to be
// decoded stop at about 1.8 gigapixels for a 100 MB input (some 20 s). The
// same file given to many loans is decoded and counted once.
const (
	photoPixelBase     = 1_000_000_000
	photoPixelsPerByte = 8
)

// photoBudget counts the distinct photos of one conversion.
type photoBudget struct {
	seen   map[[sha256.Size]byte]bool
	pixels int64
	bytes  int64
}

// admit counts a photo's pixels (once per distinct content) and refuses it
// when they would take the conversion over its bound.
func (b *photoBudget) admit(rel string, data []byte) *photoIssue {
	key := sha256.Sum256(data)
	if b.seen[key] {
		return nil
	}
	px := kiva.ImagePixels(data)
	if px > kiva.MaxImagePixels {
		return nil // EncodeImage refuses it without decoding it
	}
	bytes := b.bytes + int64(len(data))
	if b.pixels+px > photoPixelBase+photoPixelsPerByte*bytes {
		return &photoIssue{
			msg: fmt.Sprintf("photo %s is not checked: the photos of this workbook hold over %d megapixels in all, far more than real photos of their size; "+
				"kivaconv decodes each photo, and stops here so the conversion does not take many minutes", rel, (b.pixels+px)/1_000_000),
			hint: "save the photos again as ordinary JPEG photos (a phone camera's 12 megapixels is plenty), or split the workbook into smaller ones",
		}
	}
	if b.seen == nil {
		b.seen = map[[sha256.Size]byte]bool{}
	}
	b.seen[key] = true
	b.pixels, b.bytes = b.pixels+px, bytes
	return nil
}
