package mappings

import (
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/textdist"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// Header texts, sheet names and value-map words are compared by their
// values.Key, the matching key of the whole project (lower case, accents
// and compatibility forms folded, º/ª/° read as letters, everything that
// is not a letter or a digit removed): "LOAN_ID", "Loan Id " and "loan-id"
// are all "loanid", and "N° Prêt", "Nº Prêt" and "No. Pret" are all
// "nopret". The helpers below are mappings' own: typo suggestions and
// column letters for messages.

// suggest returns the option closest to s when it is close enough to be a
// plausible typo (or shares a long prefix with it), else "".
func suggest(s string, options []string) string {
	best, bestD := "", -1
	for _, o := range options {
		d := textdist.Levenshtein(s, o)
		if bestD < 0 || d < bestD {
			best, bestD = o, d
		}
	}
	if bestD < 0 {
		return ""
	}
	if bestD <= max(2, utf8.RuneCountInString(best)/3) {
		return best
	}
	// "loans" → "loan_draft", "repayment" → "repayments": a shared stem.
	ks := values.Key(s)
	for _, o := range options {
		ko := values.Key(o)
		n := commonPrefix(ks, ko)
		if n >= 4 && (n == len(ks) || n == len(ko) || n >= len(ks)-1) {
			return o
		}
	}
	return ""
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// columnLetter is the spreadsheet name of the 0-based column i: 0 → "A",
// 25 → "Z", 26 → "AA". It returns "" for a negative i.
func columnLetter(i int) string {
	if i < 0 {
		return ""
	}
	var buf [8]byte
	n := len(buf)
	for i++; i > 0; i = (i - 1) / 26 {
		n--
		buf[n] = byte('A' + (i-1)%26)
	}
	return string(buf[n:])
}
