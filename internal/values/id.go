package values

import (
	"math"
	"strconv"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/input"
)

// maxIDDigits is the precision of Excel: it keeps 15 significant digits
// of any number typed into a cell.
const maxIDDigits = 15

const lostDigitsHint = "format the column as Text in Excel and retype the IDs, or export them as text from the MIS"

// ID reads a loan or client ID. IDs are text.
//
// A text cell gives its text cleaned as by Text (trimmed, NFC) with its
// leading zeros; spaces inside are kept as they are (IDs are compared as
// written). An ID with a line break or a tab is an error, and so is text
// that is a number in the scientific notation Excel shows for long numbers
// ("1.23457E+18": the digits are gone).
//
// A number cell must hold a whole number of at most 15 significant digits
// written in full; it gives the digits as Excel displays them with a
// zero-padding format ("00000" shows 123 as "00123"; literals in quotes or
// after a backslash are kept: "\"L\"00000" shows "L00123"; "000-00-0000"
// shows "123-45-6789"). Other formats ("General", "0", "#,##0", "0.00")
// give the plain digits. A fraction ("123.5"), a negative number, more
// than 15 digits or an exponent (the ID lost digits when it was typed or
// imported into Excel) and a date format are errors.
func ID(c input.Cell) (string, error) {
	switch c.Type {
	case input.Text:
		s, err := cleanText(c.Text)
		if err != nil {
			return "", err
		}
		if s == "" {
			return "", newError(c.Text, "the ID is empty", "fill in the ID")
		}
		if strings.ContainsAny(s, "\t\n") {
			return "", newError(c.Text, "the ID "+strconv.Quote(s)+" contains a line break or a tab",
				"remove it in Excel (=CLEAN() removes them)")
		}
		if isExcelScientific(s) {
			return "", newError(c.Text, "the ID "+s+" lost digits: Excel showed it in scientific notation when the file was saved",
				lostDigitsHint)
		}
		return s, nil
	case input.Number:
		s, err := numberID(c)
		if err != nil {
			return "", err
		}
		return s, nil
	}
	return "", notA("an ID", c)
}

// isExcelScientific matches how Excel shows numbers of 12 digits or more
// in General format: 1.23457E+18.
func isExcelScientific(s string) bool {
	e := strings.Index(s, "E+")
	if e < 1 || s[0] < '1' || s[0] > '9' || !digits(s[e+2:]) || len(s)-e-2 > 3 || atoi(s[e+2:]) < 11 {
		return false
	}
	m := s[1:e]
	return m == "" || len(m) >= 2 && m[0] == '.' && digits(m[1:])
}

func numberID(c input.Cell) (string, *Error) {
	t := trimSpace(c.Text)
	f, err := storedFloat(c.Text)
	if err != nil {
		return "", err
	}
	if input.IsDateFormat(c.Format) {
		return "", newError(c.Text, "the ID cell is formatted as a date",
			OrForMapping("format the column as Text in Excel and retype the IDs", "check that this field reads the right column"))
	}
	if t[0] == '+' {
		t = t[1:]
	}
	if t[0] == '-' && f != 0 {
		return "", newError(c.Text, "the ID "+quote(c)+" is a negative number",
			OrForMapping("IDs are not negative: check the cell, and that the IDs are in the right column", "check that this field reads the right column"))
	}
	t = strings.TrimPrefix(t, "-")
	notWhole := newError(c.Text, "the ID "+quote(c)+" is not a whole number",
		OrForMapping("IDs are whole numbers: check the cell, and that the IDs are in the right column", "check that this field reads the right column"))
	mant, _, hasExp := strings.Cut(strings.ToUpper(t), "E")
	if hasExp {
		if f != math.Trunc(f) {
			return "", notWhole
		}
		return "", newError(c.Text, "the ID "+excel15(f)+" lost digits: Excel keeps only 15", lostDigitsHint)
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if strings.Trim(frac, "0") != "" {
		return "", notWhole
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > maxIDDigits {
		return "", newError(c.Text, "the ID "+excel15(f)+" lost digits: Excel keeps only 15", lostDigitsHint)
	}
	if intPart == "" {
		intPart = "0"
	}
	return applyIDFormat(c.Format, intPart), nil
}

// excel15 shows a number with 15 significant digits in scientific
// notation, the way Excel's formula bar would reveal the loss.
func excel15(f float64) string {
	s := strconv.FormatFloat(f, 'E', maxIDDigits-1, 64)
	mant, exp, _ := strings.Cut(s, "E")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	return mant + "E" + exp
}

// idTok is a piece of a number format: a digit placeholder ('0', '#', '?')
// or literal text.
type idTok struct {
	ph  byte
	lit string
}

// applyIDFormat shows the digits of a whole number as Excel does with the
// first section of a zero-padding format; other formats give the digits.
func applyIDFormat(code, digits string) string {
	toks, ok := idFormat(code)
	if !ok {
		return digits
	}
	placeholders := 0
	for _, t := range toks {
		if t.ph != 0 {
			placeholders++
		}
	}
	if placeholders == 0 {
		return digits
	}
	// Fill placeholders from the right; the leftmost takes any extra digits.
	out := make([]string, len(toks))
	rest := digits
	if rest == "0" {
		rest = "" // Excel shows zero only through '0' placeholders
	}
	seen := 0
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		if t.ph == 0 {
			out[i] = t.lit
			continue
		}
		seen++
		switch {
		case seen == placeholders:
			if rest != "" {
				out[i] = rest
			} else {
				out[i] = placeholderEmpty(t.ph)
			}
			rest = ""
		case rest != "":
			out[i] = rest[len(rest)-1:]
			rest = rest[:len(rest)-1]
		default:
			out[i] = placeholderEmpty(t.ph)
		}
	}
	// A literal could hold anything: keep the result only if it is clean
	// text, as a text ID would have to be.
	s, err := cleanText(strings.Join(out, ""))
	if err != nil || !strings.ContainsAny(s, "0123456789") || strings.ContainsAny(s, "\t\n") {
		return digits
	}
	return s
}

func placeholderEmpty(ph byte) string {
	switch ph {
	case '0':
		return "0"
	case '?':
		return " "
	}
	return ""
}

// idFormat tokenises the first section of a number format; ok is false
// for formats that are not plain digit formats (decimals, grouping,
// percent, scientific, text, dates, General).
func idFormat(code string) ([]idTok, bool) {
	var toks []idTok
	lit := func(s string) {
		if n := len(toks); n > 0 && toks[n-1].ph == 0 {
			toks[n-1].lit += s
		} else {
			toks = append(toks, idTok{lit: s})
		}
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case ';':
			return toks, true
		case '0', '#', '?':
			toks = append(toks, idTok{ph: c})
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return nil, false
			}
			lit(code[i+1 : i+1+j])
			i += j + 1
		case '\\':
			if i+1 >= len(code) {
				return nil, false
			}
			// The escaped character may be multi-byte.
			j := i + 2
			for j < len(code) && code[j]&0xc0 == 0x80 {
				j++
			}
			lit(code[i+1 : j])
			i = j - 1
		case '_', '*':
			i++ // padding to the width of the next character; fill
			for i+1 < len(code) && code[i+1]&0xc0 == 0x80 {
				i++
			}
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return nil, false
			}
			inner := code[i+1 : i+j]
			if strings.HasPrefix(inner, "$") {
				// [$€-x] shows a currency symbol; [$-409] a locale only.
				sym, _, _ := strings.Cut(inner[1:], "-")
				lit(sym)
			}
			i += j
		case '$', '-', '+', '/', '(', ')', ':', '!', '^', '&', '\'', '~', '{', '}', '<', '>', '=', ' ':
			lit(string(c))
		default:
			return nil, false
		}
	}
	return toks, true
}
