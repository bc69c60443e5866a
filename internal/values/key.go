package values

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Key is the matching key used across the project for header names,
// sheet names and the words of value maps, booleans and enums: two names
// match when their keys are equal. It
//
//   - folds compatibility forms (NFKD: full-width letters, ligatures ﬁ,
//     superscripts, the ordinal indicators º and ª become o and a),
//   - drops the accents and diacritics of Latin, Greek and Cyrillic
//     letters (the combining marks that decomposition splits off: é → e,
//     ñ → n, ç → c), but keeps the vowel signs and other marks that are
//     part of the spelling in scripts such as Devanagari or Thai,
//   - lower-cases,
//   - treats the degree sign ° like º, as the letter o (so "N° Prêt",
//     "Nº Prêt" and "No Pret" all give "nopret"),
//   - and removes everything that is not a letter, a digit or such a mark
//     (spaces, underscores, punctuation, symbols), keeping the letters and
//     digits of every script.
//
// So "Loan ID", "loan_id", "LOAN-ID", "LoanID" and " Loan  Id " all give
// "loanid". Key is idempotent: Key(Key(s)) == Key(s). It allocates
// nothing when s is already a key, and once for other ASCII text.
func Key(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return keyLatin(s)
		}
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			clean = false
		}
	}
	if clean {
		return s
	}
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

// latinKeys holds Key of each rune from U+0080 to U+024F (Latin-1
// Supplement, Latin Extended-A and -B): é → "e", ß → "ß", ° → "o", × → "".
// No combining mark lies in that range, so a text of ASCII and these runes
// has, rune by rune, the key the full algorithm would give it.
var latinKeys = sync.OnceValue(func() *[0x250 - 0x80]string {
	var t [0x250 - 0x80]string
	for r := rune(0x80); r < 0x250; r++ {
		t[r-0x80] = keySlow(string(r))
	}
	return &t
})

// keyLatin is Key for text that is not all ASCII: a table for Latin
// letters, the full algorithm for other scripts.
func keyLatin(s string) string {
	table := latinKeys()
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				b = append(b, c)
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x250 || r == utf8.RuneError {
			return keySlow(s)
		}
		b = append(b, table[r-0x80]...)
		i += size
	}
	return string(b)
}

func keySlow(s string) string {
	k := keyPass(s)
	// Lower-casing after decomposition can, for a few letters, yield one
	// that decomposes again: repeat until stable (ASCII always is).
	for i := 0; i < 4; i++ {
		ascii := true
		for j := 0; j < len(k) && ascii; j++ {
			ascii = k[j] < utf8.RuneSelf
		}
		if ascii {
			break
		}
		next := keyPass(k)
		if next == k {
			break
		}
		k = next
	}
	return k
}

func keyPass(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var it norm.Iter
	it.InitString(norm.NFKD, s)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			if r == '°' {
				r = 'o'
			}
			if isDiacritic(r) {
				continue
			}
			r = unicode.ToLower(r)
			if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// isDiacritic reports whether r is a combining mark of the blocks that
// hold the accents of Latin, Greek and Cyrillic letters.
func isDiacritic(r rune) bool {
	return r >= 0x0300 && r <= 0x036f || // Combining Diacritical Marks
		r >= 0x1ab0 && r <= 0x1aff || // ... Extended
		r >= 0x1dc0 && r <= 0x1dff || // ... Supplement
		r >= 0x20d0 && r <= 0x20ff || // ... for Symbols
		r >= 0xfe20 && r <= 0xfe2f // Combining Half Marks
}

// keyEqual reports whether Key(name) == key, without allocating when name
// is ASCII.
func keyEqual(name, key string) bool {
	j := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			return Key(name) == key
		}
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		default:
			continue
		}
		if j >= len(key) || key[j] != c {
			return false
		}
		j++
	}
	return j == len(key)
}
