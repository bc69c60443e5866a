package values

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/input"
	"golang.org/x/text/unicode/norm"
)

// Text reads free text (names, descriptions, subjects).
//
// A text cell gives its text, trimmed of spaces, no-break spaces, tabs and
// line breaks at both ends (and of zero-width spaces and byte-order
// marks); CRLF and lone CR line breaks become LF; the result is in Unicode
// normalisation form NFC, so that "é" typed as e + combining accent and as
// one character are the same text in the JSON. A blank cell, or one of
// spaces only, gives "". A number cell gives the shortest form of its
// value ("12", "0.5"); a bool cell gives "TRUE" or "FALSE", as Excel shows
// them; a date cell its ISO text. Error cells are errors, and so is text
// Kiva would show damaged: invalid UTF-8, the replacement character U+FFFD,
// control characters other than tab and line feed (C0, DEL, and C1, which
// betray a Windows-1252 file read as ISO-8859-1), and UTF-8 read as
// Windows-1252 (mojibake: "CafÃ©", "donâ€™t"; only the sequences Ã or Â
// followed by what Windows-1252 makes of a UTF-8 continuation byte, and
// â€ followed by one, which real text does not contain).
func Text(c input.Cell) (string, error) {
	switch c.Type {
	case input.Blank:
		return "", nil
	case input.Text, input.Date:
		s, err := cleanText(c.Text)
		if err != nil {
			return "", err
		}
		return s, nil
	case input.Number:
		if s, ok := shortest(c.Text); ok {
			return s, nil
		}
		_, err := storedFloat(c.Text)
		return "", err
	case input.Bool:
		if c.Text == "1" || strings.EqualFold(c.Text, "true") {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	return "", notA("text", c)
}

// utf8Workbook is the workbook part of the encoding hints.
const utf8Workbook = "save the file again as UTF-8 (in Excel: Save As, CSV UTF-8)"

var encodingHint = OrForSetup(utf8Workbook, "open the file with --encoding windows-1252 (or the encoding it was saved in)")

// cleanText checks and normalises text (see Text).
func cleanText(orig string) (string, *Error) {
	s := orig
	plain := true // printable ASCII, tabs and line feeds
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c < ' ' && c != '\t' && c != '\n' || c == 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return trimSpace(s), nil
	}
	if !utf8.ValidString(s) {
		return "", newError(orig, "the text is not valid UTF-8", encodingHint)
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	prev, prev2 := rune(0), rune(0)
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return "", newError(orig, "the text contains a replacement character (\ufffd): the file was probably saved in another encoding", encodingHint)
		case r < ' ' && r != '\t' && r != '\n' || r == 0x7f:
			return "", newError(orig, fmt.Sprintf("the text contains the invisible control character U+%04X", r),
				"remove it in Excel (=CLEAN() removes such characters)")
		case r >= 0x80 && r <= 0x9f:
			return "", newError(orig, fmt.Sprintf("the text contains the control character U+%04X: the file is probably Windows-1252 read as ISO-8859-1", r),
				OrForSetup(utf8Workbook, "open the file with --encoding windows-1252"))
		case (prev == 'Ã' || prev == 'Â') && isCP1252Continuation(r),
			prev2 == 'â' && prev == '€' && isCP1252Continuation(r):
			seq := string(prev) + string(r)
			if prev == '€' {
				seq = string(prev2) + seq
			}
			return "", newError(orig, "the text contains "+strconv.Quote(seq)+": UTF-8 text was read as Windows-1252",
				OrForSetup(utf8Workbook, "open the file with --encoding utf-8"))
		}
		prev2, prev = prev, r
	}
	s = trimSpace(s)
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s, nil
}

// isCP1252Continuation reports whether r is what Windows-1252 makes of a
// UTF-8 continuation byte (0x80–0xBF).
func isCP1252Continuation(r rune) bool {
	if r >= 0xa0 && r <= 0xbf {
		return true
	}
	return strings.ContainsRune("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", r)
}
