package values

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/shopspring/decimal"
)

// maxExponent bounds the exponent of text numbers ("1.5E+3"): far beyond
// any amount, and it keeps a hostile "1E999999999" from expanding into a
// billion digits.
const maxExponent = 1000

// Decimal reads an exact decimal number.
//
// A number cell's value is the shortest decimal that reads back as the
// stored double (see the package documentation). A text cell is read
// exactly with the locale:
//
//   - a sign: a leading '-', '+' or '−' (U+2212), a trailing '-'
//     (accounting exports: "12.50-"), or parentheses ("(12.50)"), each
//     meaning what accountants mean; only one of them;
//   - digits with the locale's decimal separator; a thousands separator,
//     if the locale has one, only between groups of three digits
//     ("1,234,567.89"), or in Indian lakh/crore grouping ("12,34,567.89");
//     a grouped number cannot start with 0;
//   - an exponent ("1.23E+05", as Excel writes large numbers in CSV);
//   - a currency mark only when the locale lists it.
//
// A separator the locale does not declare is an error that names the
// setting ("1,234" with no thousands separator could be 1234 or 1.234);
// so is a percent sign. Bool, error and date cells are errors.
func Decimal(c input.Cell, loc Locale) (decimal.Decimal, error) {
	switch c.Type {
	case input.Number:
		return numberCell(c.Text)
	case input.Text:
		if !loc.valid() {
			// A programming error, not a workbook's.
			return decimal.Decimal{}, newError(c.Text, "invalid locale", "build the Locale with NewLocale")
		}
		d, err := parseText(c.Text, loc)
		if err != nil {
			return decimal.Decimal{}, err
		}
		return d, nil
	}
	return decimal.Decimal{}, notA("a number", c)
}

// Integer reads a whole number like Decimal: "3", "3.0" and "1,200" are
// whole, "3.5" is not.
func Integer(c input.Cell, loc Locale) (int64, error) {
	d, err := Decimal(c, loc)
	if err != nil {
		return 0, err
	}
	if !d.IsInteger() {
		return 0, newError(c.Text, quote(c)+" is not a whole number",
			"this field takes whole numbers: remove the decimals")
	}
	b := d.BigInt()
	if !b.IsInt64() {
		return 0, newError(c.Text, "the number "+quote(c)+" is too large",
			"check the cell: whole numbers here are at most 9223372036854775807")
	}
	return b.Int64(), nil
}

// quote is the value as messages show it.
func quote(c input.Cell) string {
	if c.Type == input.Number {
		if s, ok := shortest(c.Text); ok {
			return s
		}
	}
	return strconv.Quote(c.Text)
}

// notA is the error for a cell of the wrong kind.
func notA(what string, c input.Cell) *Error {
	switch c.Type {
	case input.Blank:
		return newError(c.Text, "the cell is empty, not "+what, "fill in the cell")
	case input.Error:
		return newError(c.Text, "the cell holds the error "+c.Text+", not "+what,
			"fix the formula in Excel (or replace it by a value), then export again")
	case input.Bool:
		v := "FALSE"
		if c.Text == "1" || strings.EqualFold(c.Text, "true") {
			v = "TRUE"
		}
		return newError(c.Text, "the cell holds the boolean "+v+", not "+what, wrongKindHint(what))
	case input.Date:
		return newError(c.Text, "the cell holds the date "+c.Text+", not "+what, wrongKindHint(what))
	case input.Number:
		return newError(c.Text, "the cell holds the number "+quote(c)+", not "+what, wrongKindHint(what))
	}
	return newError(c.Text, strconv.Quote(c.Text)+" is not "+what, "")
}

// wrongKindHint is the hint for a cell of the wrong kind: usually the
// value is in the wrong column, or the mapping reads the wrong one.
func wrongKindHint(what string) string {
	return OrForMapping("type "+what+" in the cell (or check that the value is in the right column)",
		"check that this field reads the right column")
}

// isStoredNumber reports whether s has the form a workbook uses for number
// cells: [-]digits[.digits][E[+-]digits] (also .5 and 5.).
func isStoredNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		e := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			e++
		}
		if e == 0 {
			return false
		}
	}
	return i == len(s)
}

// storedFloat reads the double a number cell stores.
func storedFloat(text string) (float64, *Error) {
	s := trimSpace(text)
	if !isStoredNumber(s) {
		return 0, newError(text, "the number cell holds "+strconv.Quote(text)+", which is not a number",
			"the file is damaged or was written by a faulty program: re-save it in Excel")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, newError(text, "the number "+text+" is out of range",
			"the file is damaged or was written by a faulty program: re-save it in Excel")
	}
	return f, nil
}

// shortest is the shortest decimal text that reads back as the double a
// number cell stores ("84.849999999999994" → "84.85").
func shortest(text string) (string, bool) {
	f, err := storedFloat(text)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

func numberCell(text string) (decimal.Decimal, error) {
	f, e := storedFloat(text)
	if e != nil {
		return decimal.Decimal{}, e
	}
	// Representation, not arithmetic: the shortest decimal digits that
	// identify the double, then read exactly.
	var buf [40]byte
	b := strconv.AppendFloat(buf[:0], f, 'f', -1, 64)
	neg := false
	if b[0] == '-' {
		neg, b = true, b[1:]
	}
	var dbuf [40]byte
	digits := dbuf[:0]
	frac := 0
	dot := false
	for _, ch := range b {
		if ch == '.' {
			dot = true
			continue
		}
		digits = append(digits, ch)
		if dot {
			frac++
		}
	}
	return makeDecimal(digits, -frac, neg), nil
}

// makeDecimal builds digits × 10^exp exactly.
func makeDecimal(digits []byte, exp int, neg bool) decimal.Decimal {
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	var d decimal.Decimal
	if len(digits) <= 18 {
		var v int64
		for _, ch := range digits {
			v = v*10 + int64(ch-'0')
		}
		d = decimal.New(v, int32(exp))
	} else {
		var bi big.Int
		bi.SetString(string(digits), 10)
		d = decimal.NewFromBigInt(&bi, int32(exp))
	}
	if neg {
		d = d.Neg()
	}
	return d
}

// parseText reads a text number with the locale (see Decimal).
func parseText(orig string, loc Locale) (decimal.Decimal, *Error) {
	s := trimSpace(orig)
	if s == "" {
		return decimal.Decimal{}, newError(orig, "the value is empty, not a number", "fill in the cell")
	}
	neg, signed := false, false
	s, cur := loc.stripCurrency(s)
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		neg, signed = true, true
		s = trimSpace(s[1 : len(s)-1])
		if cur == "" {
			s, cur = loc.stripCurrency(s)
		}
	}
	if !signed && s != "" {
		r, size := utf8.DecodeRuneInString(s)
		if r == '-' || r == '+' || r == '−' {
			neg, signed = r != '+', true
			s = trimSpace(s[size:])
			if cur == "" {
				s, cur = loc.stripCurrency(s)
			}
		}
	}
	if !signed && len(s) >= 2 && s[len(s)-1] == '-' {
		neg = true
		s = trimSpace(s[:len(s)-1])
		if cur == "" {
			s, _ = loc.stripCurrency(s)
		}
	}
	return parseBody(orig, s, loc, neg)
}

// parseBody reads digits, separators and an exponent.
func parseBody(orig, body string, loc Locale, neg bool) (decimal.Decimal, *Error) {
	dec := rune(loc.decimal())
	var dbuf [40]byte
	digits := dbuf[:0]
	var gbuf [8]int
	groups := gbuf[:0] // digit counts of the integer part's groups, when grouped
	cur, frac := 0, 0
	inFrac, grouped := false, false
	exp := 0
	if currencyMark(body) != "" {
		return decimal.Decimal{}, notNumber(orig, body, loc)
	}
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRuneInString(body[i:])
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
			if inFrac {
				frac++
			} else {
				cur++
			}
		case r == dec:
			if inFrac {
				return decimal.Decimal{}, twoDecimals(orig, loc)
			}
			if grouped {
				groups = append(groups, cur)
			}
			inFrac = true
		case loc.isThousands(r):
			if inFrac {
				return decimal.Decimal{}, groupAfterDecimal(orig, loc, r)
			}
			if cur == 0 {
				return decimal.Decimal{}, badGrouping(orig, loc)
			}
			groups = append(groups, cur)
			cur, grouped = 0, true
		case (r == 'e' || r == 'E') && len(digits) > 0:
			e, ok := parseExponent(body[i+size:])
			if !ok {
				return decimal.Decimal{}, notNumber(orig, body, loc)
			}
			if e < -maxExponent || e > maxExponent {
				return decimal.Decimal{}, newError(orig, "the exponent of "+strconv.Quote(orig)+" is out of range",
					"write the number in full")
			}
			exp = e
			i = len(body)
			continue
		case isSeparatorLike(r):
			return decimal.Decimal{}, foreignSeparator(orig, r)
		default:
			return decimal.Decimal{}, notNumber(orig, body, loc)
		}
		i += size
	}
	if len(digits) == 0 {
		return decimal.Decimal{}, notNumber(orig, body, loc)
	}
	if grouped {
		if !inFrac {
			groups = append(groups, cur)
		}
		if !validGroups(groups) || digits[0] == '0' {
			return decimal.Decimal{}, badGrouping(orig, loc)
		}
	}
	return makeDecimal(digits, exp-frac, neg), nil
}

// validGroups accepts 1,234,567 (first group 1–3 digits, then 3s) and
// Indian 12,34,567 (first group 1–2, then 2s, the last 3).
func validGroups(g []int) bool {
	if len(g) < 2 || g[0] < 1 || g[0] > 3 {
		return false
	}
	western := true
	for _, n := range g[1:] {
		western = western && n == 3
	}
	if western {
		return true
	}
	if len(g) < 3 || g[0] > 2 || g[len(g)-1] != 3 {
		return false
	}
	for _, n := range g[1 : len(g)-1] {
		if n != 2 {
			return false
		}
	}
	return true
}

// parseExponent reads [+-]digits to the end of s.
func parseExponent(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || len(s) > 6 {
		if len(s) > 6 && strings.Trim(s, "0123456789") == "" {
			return maxExponent + 1, true
		}
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		e = e*10 + int(s[i]-'0')
	}
	if neg {
		e = -e
	}
	return e, true
}

func sepName(r rune) string {
	switch r {
	case ',':
		return "comma"
	case '.':
		return "dot"
	case '\'', '’':
		return "apostrophe"
	}
	return "space"
}

func sepSetting(r rune) string {
	switch r {
	case ',', '.', '\'':
		return strconv.Quote(string(r))
	case '’':
		return `"'"`
	}
	return `" "`
}

// foreignSeparator: a separator the locale does not declare. Which reading
// is meant cannot be known, so the hint names both settings.
func foreignSeparator(orig string, r rune) *Error {
	msg := "cannot read " + strconv.Quote(orig) + " as a number: the mapping declares no " + sepName(r) + " in numbers"
	workbook := "type the number without the " + sepName(r) + " (format the column as Number in Excel)"
	var mapping string
	switch r {
	case ',', '.':
		mapping = "set locale.thousands: " + sepSetting(r) + " if the " + sepName(r) + " groups thousands (1" + string(r) + "234 = 1234), or locale.decimal: " + sepSetting(r) + " if it separates the decimals (1" + string(r) + "5 = 1.5)"
	default:
		mapping = "set locale.thousands: " + sepSetting(r) + " if the " + sepName(r) + " groups thousands"
	}
	return newError(orig, msg, OrForMapping(workbook, mapping))
}

func twoDecimals(orig string, loc Locale) *Error {
	d := string(loc.decimal())
	other := ","
	if d == "," {
		other = "."
	}
	return newError(orig, "cannot read "+strconv.Quote(orig)+" as a number: the decimal separator "+strconv.Quote(d)+" appears twice",
		OrForMapping("type the number like "+loc.example()+" (format the column as Number in Excel)",
			"if the "+sepName(rune(d[0]))+" groups thousands, set locale.thousands: "+strconv.Quote(d)+" and locale.decimal: "+strconv.Quote(other)))
}

func groupAfterDecimal(orig string, loc Locale, r rune) *Error {
	d := string(loc.decimal())
	return newError(orig, "cannot read "+strconv.Quote(orig)+" as a number: the thousands separator "+sepSetting(r)+" comes after the decimal separator "+strconv.Quote(d),
		OrForMapping("type the number like "+loc.example()+" (format the column as Number in Excel)",
			"if numbers are written "+swapped(loc).example()+" style, set locale.decimal: "+strconv.Quote(string(swapped(loc).decimal()))+" and locale.thousands: "+sepSetting(rune(d[0]))))
}

// swapped is the locale with the roles of dot and comma exchanged.
func swapped(loc Locale) Locale {
	if loc.decimal() == '.' {
		return Locale{Decimal: ',', Thousands: "."}
	}
	return Locale{Decimal: '.', Thousands: ","}
}

func badGrouping(orig string, loc Locale) *Error {
	msg := "cannot read " + strconv.Quote(orig) + " as a number: its thousands separators are misplaced"
	example := Locale{Decimal: loc.decimal(), Thousands: loc.Thousands}.example()
	hint := OrForMapping("group the digits by three, like "+example+" (format the column as Number in Excel)",
		"check locale.decimal and locale.thousands")
	// "12,50" with thousands "," most likely is a decimal comma.
	t := loc.Thousands
	if (t == "," || t == ".") && strings.Count(orig, t) == 1 && !strings.ContainsRune(orig, rune(loc.decimal())) {
		hint = OrForMapping("type the number like "+example+" (format the column as Number in Excel)",
			"if the "+sepName(rune(t[0]))+" separates the decimals, set locale.decimal: "+strconv.Quote(t)+
				" (and locale.thousands to another separator or \"\")")
	}
	return newError(orig, msg, hint)
}

// notNumber explains a character that has no place in a number.
func notNumber(orig, body string, loc Locale) *Error {
	if mark := currencyMark(body); mark != "" {
		hint := OrForMapping("type the amount as a number without the currency mark (format the column as Number in Excel)",
			"list "+strconv.Quote(mark)+" under locale.currency_symbols")
		return newError(orig, "cannot read "+strconv.Quote(orig)+" as a number: it has the currency mark "+strconv.Quote(mark), hint)
	}
	if strings.ContainsRune(body, '%') {
		return newError(orig, "cannot read "+strconv.Quote(orig)+" as a number: it has a percent sign",
			"type the number without % (format the column as Number in Excel)")
	}
	return newError(orig, strconv.Quote(orig)+" is not a number", "type a number, like "+loc.example())
}

// currencyMark finds letters or currency symbols before or after the
// digits ("$ 1,200.50", "1 200,50 FCFA", "KES 500").
func currencyMark(s string) string {
	isMark := func(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Sc, r) }
	first := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if first < 0 {
		return ""
	}
	last := strings.LastIndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	for _, part := range []string{s[:first], s[last+1:]} {
		p := strings.TrimFunc(part, func(r rune) bool { return isTrimmable(r) || r == '-' || r == '+' || r == '(' || r == ')' })
		if p == "e" || p == "E" {
			continue // an exponent without digits
		}
		if p != "" && strings.IndexFunc(p, isMark) >= 0 && !strings.ContainsAny(p, "0123456789") {
			return p
		}
	}
	return ""
}
