package values

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DateFormat is a validated text date format such as DD/MM/YYYY.
type DateFormat struct {
	src  string
	toks []dateTok
}

type tokKind uint8

const (
	tLit       tokKind = iota
	tYear4             // YYYY: four digits
	tYear2             // YY: two digits, 00–69 → 2000s, 70–99 → 1900s
	tMonth             // M or MM: one or two digits
	tMonthName         // MMM or MMMM: a month name or abbreviation
	tDay               // D or DD: one or two digits
)

type dateTok struct {
	kind  tokKind
	n     int    // letters in the token (MM: 2)
	fixed bool   // exactly two digits (MM or DD next to another number)
	lit   string // tLit
}

func (t dateTok) numeric() bool { return t.kind != tLit && t.kind != tMonthName }

// String is the format as written.
func (f DateFormat) String() string { return f.src }

// ParseDateFormat validates a text date format. Formats use spreadsheet
// tokens, in upper or lower case: YYYY (four-digit year), YY (two-digit
// year: 00–69 are 2000–2069, 70–99 are 1970–1999), MM or M (month number),
// MMM or MMMM (month name or abbreviation in English, French, Spanish or
// Portuguese, case and accents ignored, with or without a final dot; both
// tokens accept both), DD or D (day). MM and M, DD and D read one or two
// digits alike, except that MM and DD read exactly two digits when another
// number follows or precedes without a separator (DDMMYYYY). Anything else
// that is not a letter or a digit is a literal separator (/ - . , space); a
// space matches one or more spaces. A time of day after the date in the
// text is ignored and needs no token.
func ParseDateFormat(f string) (DateFormat, error) {
	src := strings.TrimSpace(f)
	bad := func(msg string) (DateFormat, error) {
		return DateFormat{}, newError(f, "date format "+strconv.Quote(f)+": "+msg,
			"write formats with YYYY, YY, MM, M, MMM, MMMM, DD, D and separators, e.g. DD/MM/YYYY")
	}
	if src == "" {
		return bad("empty")
	}
	var toks []dateTok
	var years, months, days int
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		u := unicode.ToUpper(r)
		switch {
		case u == 'Y' || u == 'M' || u == 'D':
			n := 0
			for i < len(src) && unicode.ToUpper(rune(src[i])) == u {
				i++
				n++
			}
			t := dateTok{n: n}
			switch {
			case u == 'Y' && n == 4:
				t.kind = tYear4
			case u == 'Y' && n == 2:
				t.kind = tYear2
			case u == 'M' && n <= 2:
				t.kind = tMonth
			case u == 'M' && n <= 4:
				t.kind = tMonthName
			case u == 'D' && n <= 2:
				t.kind = tDay
			case u == 'D' && n <= 4:
				return bad("weekday names (" + strings.Repeat("D", n) + ") are not supported")
			default:
				return bad(strconv.Quote(src[i-n:i]) + " is not a date token")
			}
			switch u {
			case 'Y':
				years++
			case 'M':
				months++
			case 'D':
				days++
			}
			toks = append(toks, t)
			continue
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			return bad(strconv.Quote(string(r)) + " is not a date token (times need no token)")
		case unicode.IsDigit(r):
			return bad("digits have no place in a format")
		case r == utf8.RuneError && size == 1:
			return bad("not valid UTF-8")
		}
		if n := len(toks); n > 0 && toks[n-1].kind == tLit {
			toks[n-1].lit += string(r)
		} else {
			toks = append(toks, dateTok{kind: tLit, lit: string(r)})
		}
		i += size
	}
	switch {
	case years != 1:
		return bad("it needs one year (YYYY or YY)")
	case months != 1:
		return bad("it needs one month (MM, M, MMM or MMMM)")
	case days != 1:
		return bad("it needs one day (DD or D)")
	}
	for i := range toks {
		next := i+1 < len(toks) && toks[i+1].numeric()
		prev := i > 0 && toks[i-1].numeric()
		if !toks[i].numeric() || !next && !prev {
			continue
		}
		switch toks[i].kind {
		case tMonth, tDay:
			if toks[i].n == 1 {
				l := "M"
				if toks[i].kind == tDay {
					l = "D"
				}
				return bad("a one-letter " + l + " next to another number needs a separator (write " + l + l + ")")
			}
			toks[i].fixed = true
		}
	}
	return DateFormat{src: src, toks: toks}, nil
}

// ParseDateFormats validates a list of formats.
func ParseDateFormats(fs []string) ([]DateFormat, error) {
	out := make([]DateFormat, 0, len(fs))
	for _, f := range fs {
		df, err := ParseDateFormat(f)
		if err != nil {
			return nil, err
		}
		out = append(out, df)
	}
	return out, nil
}

// match reads s with the format. ok means the text has the format's shape;
// the date may still not be on the calendar.
func (f DateFormat) match(s string) (y, m, d int, ok bool) {
	i := 0
	num := func(fixed int) int {
		j := i
		width := fixed
		if width == 0 {
			width = 2
		}
		for j < len(s) && j-i < width && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || fixed > 0 && j-i != fixed {
			return -1
		}
		n := atoi(s[i:j])
		i = j
		return n
	}
	for k, t := range f.toks {
		switch t.kind {
		case tLit:
			for _, r := range t.lit {
				if r == ' ' {
					n := 0
					for i < len(s) {
						c, size := utf8.DecodeRuneInString(s[i:])
						if !isSpaceSep(c) {
							break
						}
						i += size
						n++
					}
					if n == 0 {
						return 0, 0, 0, false
					}
					continue
				}
				c, size := utf8.DecodeRuneInString(s[i:])
				if i >= len(s) || c != r {
					return 0, 0, 0, false
				}
				i += size
			}
		case tYear4:
			if y = num(4); y < 0 {
				return 0, 0, 0, false
			}
		case tYear2:
			if y = num(2); y < 0 {
				return 0, 0, 0, false
			}
			y = pivot(y)
		case tMonth, tDay:
			w := 0
			if t.fixed {
				w = 2
			}
			n := num(w)
			if n < 0 {
				return 0, 0, 0, false
			}
			if t.kind == tMonth {
				m = n
			} else {
				d = n
			}
		case tMonthName:
			j := i
			for j < len(s) {
				c, size := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(c) && !unicode.Is(unicode.Mn, c) {
					break
				}
				j += size
			}
			if m = monthNames[Key(s[i:j])]; j == i || m == 0 {
				return 0, 0, 0, false
			}
			i = j
			// An abbreviation's dot, unless the format wants a dot here.
			if i < len(s) && s[i] == '.' && !(k+1 < len(f.toks) && f.toks[k+1].kind == tLit && f.toks[k+1].lit[0] == '.') {
				i++
			}
		}
	}
	// After a number, a digit means the text does not fit ("2024-01-055").
	if !isTimeSuffix(s[i:]) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}
