package values

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Locale says how text numbers are written. The zero Locale is a dot
// decimal separator and no thousands separator.
type Locale struct {
	// Decimal is the decimal separator, '.' or ','; 0 means '.'.
	Decimal byte
	// Thousands is the grouping separator: "" (none), ",", ".", " ", "'",
	// "\u00a0" (no-break space) or "\u202f" (narrow no-break space). The
	// three spaces are one choice: any of them (and a thin space) is
	// accepted in text whichever one is configured, since they look alike
	// and programs swap them. Likewise "'" also accepts the typographic
	// apostrophe ’ (Swiss style 1’234.50).
	Thousands string
	// Currency lists currency symbols or codes ("$", "KES", "FCFA") that
	// may stand before or after a text number (and its sign) and are then
	// ignored; letters match case-insensitively. Without it, a currency
	// mark is an error: it should not be there, or the mapping should say
	// that it is expected.
	Currency []string
}

// thousandsChoices are the accepted values of Locale.Thousands.
var thousandsChoices = []string{"", ",", ".", " ", "'", "\u00a0", "\u202f"}

// NewLocale validates a decimal separator ("" means "."), a thousands
// separator (see Locale.Thousands) and optional currency marks (see
// Locale.Currency). The errors are *Error values whose Value is the
// offending setting; they concern the mapping file alone and reach only
// its author (when the mapping is read), so their hints are mapping
// advice, without the workbook-first wording of cell hints.
func NewLocale(decimal, thousands string, currency ...string) (Locale, error) {
	var loc Locale
	switch decimal {
	case "", ".":
		loc.Decimal = '.'
	case ",":
		loc.Decimal = ','
	default:
		return Locale{}, newError(decimal,
			"locale.decimal "+strconv.Quote(decimal)+" is not a decimal separator",
			`use "." or ","`)
	}
	ok := false
	for _, t := range thousandsChoices {
		ok = ok || t == thousands
	}
	if !ok {
		return Locale{}, newError(thousands,
			"locale.thousands "+strconv.Quote(thousands)+" is not a thousands separator",
			`use "" (none), ",", ".", " ", "'" or a no-break space`)
	}
	if thousands == string(loc.Decimal) {
		return Locale{}, newError(thousands,
			"locale.thousands and locale.decimal are both "+strconv.Quote(thousands),
			`they must differ: "1,234.50" is decimal "." with thousands ","; "1.234,50" is decimal "," with thousands "."`)
	}
	loc.Thousands = thousands
	for _, m := range currency {
		t := trimSpace(m)
		if t == "" || strings.IndexFunc(t, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 ||
			strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Sc, r) }) < 0 {
			return Locale{}, newError(m,
				"locale currency mark "+strconv.Quote(m)+" is not a currency symbol or code",
				`list symbols or codes such as "$", "€", "KES" or "FCFA"`)
		}
		loc.Currency = append(loc.Currency, t)
	}
	// Longest first, so that "US$" is tried before "$".
	sort.SliceStable(loc.Currency, func(i, j int) bool { return len(loc.Currency[i]) > len(loc.Currency[j]) })
	return loc, nil
}

func (loc Locale) decimal() byte {
	if loc.Decimal == 0 {
		return '.'
	}
	return loc.Decimal
}

// valid reports whether a Locale built by hand is usable.
func (loc Locale) valid() bool {
	d := loc.decimal()
	if d != '.' && d != ',' || loc.Thousands == string(d) {
		return false
	}
	for _, t := range thousandsChoices {
		if t == loc.Thousands {
			return true
		}
	}
	return false
}

// isThousands reports whether r is the locale's grouping separator.
func (loc Locale) isThousands(r rune) bool {
	switch loc.Thousands {
	case "":
		return false
	case ",":
		return r == ','
	case ".":
		return r == '.'
	case "'":
		return r == '\'' || r == '’'
	}
	return isSpaceSep(r)
}

func isSpaceSep(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}

// isSeparatorLike reports whether r is a character some locale uses inside
// numbers.
func isSeparatorLike(r rune) bool {
	return r == '.' || r == ',' || r == '\'' || r == '’' || isSpaceSep(r)
}

// example writes 1234.50 the way the locale writes it.
func (loc Locale) example() string {
	t := loc.Thousands
	switch t {
	case "\u00a0", "\u202f":
		t = " "
	}
	return "1" + t + "234" + string(loc.decimal()) + "50"
}

// stripCurrency removes one configured currency mark from the start or the
// end of s (which is trimmed), and returns the rest, trimmed, and the mark.
func (loc Locale) stripCurrency(s string) (string, string) {
	for _, m := range loc.Currency {
		if len(s) > len(m) && strings.EqualFold(s[:len(m)], m) && !letterAt(s, len(m)) {
			return trimSpace(s[len(m):]), m
		}
		if len(s) > len(m) && strings.EqualFold(s[len(s)-len(m):], m) && !letterBefore(s, len(s)-len(m)) {
			return trimSpace(s[:len(s)-len(m)]), m
		}
	}
	return s, ""
}

func letterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func letterBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r)
}

// isTrimmable is the set of characters trimmed at both ends of cells:
// Unicode white space (which includes the no-break spaces) and the
// invisible zero-width space and byte-order mark.
func isTrimmable(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// trimSpace trims isTrimmable characters, fast for ASCII.
func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] < utf8.RuneSelf && asciiSpace(s[i]) {
		i++
	}
	for j > i && s[j-1] < utf8.RuneSelf && asciiSpace(s[j-1]) {
		j--
	}
	s = s[i:j]
	if s == "" || s[0] < utf8.RuneSelf && s[len(s)-1] < utf8.RuneSelf {
		return s
	}
	return strings.TrimFunc(s, isTrimmable)
}

func asciiSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}
