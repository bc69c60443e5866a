package values

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/input"
)

// Excel serial limits: 9999-12-31 is the last date Excel shows.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = maxSerial1900 - 1462
)

// Date reads a calendar date and returns it as YYYY-MM-DD.
//
//   - A number cell is a date only when its number format is a date format
//     (input.IsDateFormat) with a date part: a time-only format ("h:mm",
//     "[h]:mm") is an error, never the date 1900-01-01. Its value is an
//     Excel serial in the 1900 date system (serial 1 is 1900-01-01, serial 60 is Excel's fictitious
//     1900-02-29 and an error, serials up to 59 are one day earlier than a
//     plain day count from 1899-12-30 gives) or, when date1904 is set, in
//     the 1904 system (serial 0 is 1904-01-01). The time of day is dropped,
//     after rounding to the millisecond as Excel does when it shows a date
//     (45296.9999999999 is shown, and read, as 2024-01-06). A number with
//     another format ("General" 45296, or 20240105) is an error: never a
//     guess.
//   - A date cell (ISO 8601 text) gives its date part.
//   - A text cell is read with the formats (see ParseDateFormat; a bad
//     format is an error, which the mapping loader should have reported
//     first). When
//     several formats read it as different dates it is an error rather
//     than a first-wins guess. When no format fits (or none is declared),
//     only forms that cannot be misread are accepted: YYYY-MM-DD or
//     YYYY/MM/DD, and dates with a month name and a four-digit year in
//     English, French, Spanish or Portuguese ("5 Jan 2024", "January 5,
//     2024", "05-janv.-2024", "5 de enero de 2024", "1er mars 2024").
//     Anything else ("05/01/2024", even "13/01/2024") is an error whose
//     hint says what to write in the cell, then the format to declare; a
//     converter that knows the column's order reads such dates with
//     DateInOrder. A day and month in numbers that is off the calendar
//     ("31/02/2026": 31 can only be the day) is explained as such.
//
// Every hint says first what to do in the workbook (make the cell an
// Excel date, write 2026-11-15), then, after ForMapping, what to change in
// the mapping.
//
// A time of day after a text or ISO date (" 00:00:00", "T10:30:00Z",
// " 3:15 PM") is ignored, and so is a time zone: the date is the one
// written. Dates are checked against the calendar (31/02/2024 is an
// error); years run from 0001 to 9999.
func Date(c input.Cell, formats []string, date1904 bool) (string, error) {
	switch c.Type {
	case input.Number:
		if !input.IsDateFormat(c.Format) {
			n := quote(c)
			return "", newError(c.Text, "the cell holds the number "+n+", not a date",
				"format the column as Date in Excel, or type the date as text YYYY-MM-DD")
		}
		if input.IsTimeFormat(c.Format) {
			return "", newError(c.Text, "the cell holds a time of day or a duration (format "+c.Format+"), not a date",
				OrForMapping("type the date in the cell, or format the column as Date in Excel", "check that the date field names the right column"))
		}
		f, err := storedFloat(c.Text)
		if err != nil {
			return "", err
		}
		iso, e := serialDate(c.Text, f, date1904)
		if e != nil {
			return "", e
		}
		return iso, nil
	case input.Date:
		s := trimSpace(c.Text)
		if y, m, d, ok := isoDateTime(s); ok {
			if e := checkCalendar(c.Text, y, m, d, ""); e != nil {
				return "", e
			}
			return formatDate(y, m, d), nil
		}
		return "", newError(c.Text, "the date cell holds "+strconv.Quote(c.Text)+", which is not an ISO date",
			"the file is damaged or was written by a faulty program: re-save it in Excel")
	case input.Text:
		return textDate(c.Text, formats)
	}
	return "", notA("a date", c)
}

// formatCache keeps parsed date formats: a mapping has a handful, and Date
// is called once per cell. It stops growing at maxCachedFormats.
var formatCache sync.Map // string → DateFormat

const maxCachedFormats = 256

var cachedCount atomic.Int32

// parsedFormat parses a format once.
func parsedFormat(f string) (DateFormat, error) {
	if df, ok := formatCache.Load(f); ok {
		return df.(DateFormat), nil
	}
	df, err := ParseDateFormat(f)
	if err != nil {
		return DateFormat{}, err
	}
	if cachedCount.Load() < maxCachedFormats {
		if _, loaded := formatCache.LoadOrStore(f, df); !loaded {
			cachedCount.Add(1)
		}
	}
	return df, nil
}

// SerialDate converts an Excel date serial (whole days; a fraction is a
// time of day and is dropped) to YYYY-MM-DD, in the 1900 or 1904 date
// system.
func SerialDate(serial float64, date1904 bool) (string, error) {
	s, err := serialDate(strconv.FormatFloat(serial, 'g', -1, 64), serial, date1904)
	if err != nil {
		return "", err
	}
	return s, nil
}

func serialDate(text string, f float64, date1904 bool) (string, *Error) {
	hint := "check the cell: Excel shows it as a date only from 1900-01-01 to 9999-12-31"
	if date1904 {
		hint = "check the cell: in this workbook's 1904 date system, dates run from 1904-01-01 to 9999-12-31"
	}
	limit := float64(maxSerial1900)
	if date1904 {
		limit = maxSerial1904
	}
	if math.IsNaN(f) || f < 0 || f >= limit+1 {
		return "", newError(text, "the date serial "+text+" is not a date Excel can show", hint)
	}
	// Excel rounds to the millisecond before it shows a date or time.
	day := int(math.Floor(math.Round(f*86400000) / 86400000))
	if date1904 {
		if day > maxSerial1904 {
			return "", newError(text, "the date serial "+text+" is not a date Excel can show", hint)
		}
		return time.Date(1904, 1, 1+day, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), nil
	}
	switch {
	case day < 1:
		if f > 0 {
			return "", newError(text, "the cell holds a time of day, not a date",
				OrForMapping("type the date in the cell, or format it as Date in Excel", "check that the date field names the right column"))
		}
		return "", newError(text, "the cell holds the date serial 0 (Excel shows 1900-01-00), which is no date",
			"fill in the date, or leave the cell empty")
	case day == 60:
		return "", newError(text, "the date serial 60 is 1900-02-29, a day that never was (Excel keeps it for Lotus 1-2-3)",
			"correct the date in Excel")
	case day < 60:
		return time.Date(1899, 12, 31+day, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), nil
	case day > maxSerial1900:
		return "", newError(text, "the date serial "+text+" is not a date Excel can show", hint)
	}
	return time.Date(1899, 12, 30+day, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), nil
}

func formatDate(y, m, d int) string {
	b := make([]byte, 0, 10)
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return string(b)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func validDate(y, m, d int) bool {
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// checkCalendar explains why y-m-d, read from text (how: "as YYYY-MM-DD",
// "with the format DD/MM/YYYY"), is no date: the message names the month
// and the day ("February has no 31st day", "2026 is not a leap year").
func checkCalendar(text string, y, m, d int, how string) *Error {
	if validDate(y, m, d) {
		return nil
	}
	hint := "check the day and month in the cell"
	if how != "" {
		hint += " (read " + how + ")"
	}
	return newError(text, strconv.Quote(text)+" is not a calendar date: "+calendarWhy(y, m, d), hint)
}

// calendarWhy says why y-m-d is not on the calendar.
func calendarWhy(y, m, d int) string {
	switch {
	case y < 1:
		return "there is no year 0"
	case m < 1 || m > 12:
		return "there is no month " + strconv.Itoa(m)
	case d < 1:
		return "there is no day 0"
	case d > 31:
		return "no month has a " + ordinal(d) + " day"
	case m == 2 && d == 29:
		return strconv.Itoa(y) + " is not a leap year, so February has no 29th day"
	}
	return englishMonths[m] + " has no " + ordinal(d) + " day"
}

// ordinal writes 1st, 2nd, 3rd, 4th, 11th, 21st, 31st.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// textDate reads a text date (see Date).
func textDate(orig string, formats []string) (string, error) {
	s := trimSpace(orig)
	if s == "" {
		return "", newError(orig, "the value is empty, not a date", "fill in the cell")
	}
	type reading struct {
		iso    string
		format string
	}
	var found []reading
	var calErr *Error
	for _, name := range formats {
		f, err := parsedFormat(name)
		if err != nil {
			return "", err
		}
		y, m, d, ok := f.match(s)
		if !ok {
			continue
		}
		if e := checkCalendar(orig, y, m, d, "with the format "+f.src); e != nil {
			if m > 12 && d >= 1 && d <= 12 {
				e.Hint = OrForMapping(e.Hint, "if the file writes the day and month the other way round, change locale.date_formats (or the field's formats)")
			}
			if calErr == nil {
				calErr = e
			}
			continue
		}
		iso := formatDate(y, m, d)
		dup := false
		for _, r := range found {
			dup = dup || r.iso == iso
		}
		if !dup {
			found = append(found, reading{iso, f.src})
		}
	}
	switch {
	case len(found) == 1:
		return found[0].iso, nil
	case len(found) > 1:
		var parts, names, isos []string
		for _, r := range found {
			parts = append(parts, r.iso+" with "+r.format)
			names = append(names, r.format)
			isos = append(isos, r.iso)
		}
		return "", newError(orig, "ambiguous date "+strconv.Quote(orig)+": it reads as "+strings.Join(parts, " and as "),
			OrForMapping("make it an Excel date, or write it as YYYY-MM-DD ("+strings.Join(isos, " or ")+")",
				"keep in locale.date_formats (or the field's formats) only the one the file uses, of "+strings.Join(names, ", ")))
	case calErr != nil:
		return "", calErr
	}
	// No declared format fits: the unambiguous forms.
	if y, m, d, ok := isoDate(s, false); ok {
		if e := checkCalendar(orig, y, m, d, "as YYYY-MM-DD"); e != nil {
			return "", e
		}
		return formatDate(y, m, d), nil
	}
	if y, m, d, ok := namedDate(s); ok {
		if e := checkCalendar(orig, y, m, d, "as a date with a month name"); e != nil {
			return "", e
		}
		return formatDate(y, m, d), nil
	}
	// A day and a month in numbers: a number over 12 tells which is
	// which, so a date off the calendar (31/02/2026) is explained as one.
	if len(formats) == 0 {
		if a, b, y, sep, ok := numericDate(s); ok {
			if o := orderOf(a, b); o == DayFirst || o == MonthFirst {
				d, m := a, b
				if o == MonthFirst {
					d, m = b, a
				}
				if e := checkCalendar(orig, y, m, d, o.how(sep)); e != nil {
					return "", e
				}
			}
		}
	}
	return "", dateError(orig, s, formats)
}

// DateOrder is the order of the day and the month in a numeric text date
// with the year last, such as 03/04/2026.
type DateOrder uint8

const (
	// NoOrder: the text is no such date (an ISO date, a month name, a
	// number, or both numbers over 12), so no order applies.
	NoOrder DateOrder = iota
	// DayFirst: 15/11/2026, the first number is over 12.
	DayFirst
	// MonthFirst: 11/15/2026, the second number is over 12.
	MonthFirst
	// EitherOrder: 03/04/2026, both numbers could be a month: the text
	// alone cannot tell.
	EitherOrder
)

// String is "day first", "month first", "either order" or "no order".
func (o DateOrder) String() string {
	switch o {
	case DayFirst:
		return "day first"
	case MonthFirst:
		return "month first"
	case EitherOrder:
		return "either order"
	}
	return "no order"
}

// Layout is the date format of the order with a separator: DD/MM/YYYY,
// MM-DD-YYYY ("" for EitherOrder and NoOrder).
func (o DateOrder) Layout(sep byte) string {
	s := string(sep)
	switch o {
	case DayFirst:
		return "DD" + s + "MM" + s + "YYYY"
	case MonthFirst:
		return "MM" + s + "DD" + s + "YYYY"
	}
	return ""
}

// how says how a text was read in the order, for hints.
func (o DateOrder) how(sep byte) string {
	return o.String() + ", as " + o.Layout(sep)
}

// DateOrderOf tells what a text date says about the order of its day and
// month: for one (after spaces are trimmed) of one or two digits, a
// separator (/, - or .), one or two digits, the same separator and a
// four-digit year, with an optional time of day (as Date ignores it),
// DayFirst when the first number is over 12, MonthFirst when the second
// is, EitherOrder when neither is; NoOrder for any other text.
func DateOrderOf(s string) DateOrder {
	a, b, _, _, ok := numericDate(trimSpace(s))
	if !ok {
		return NoOrder
	}
	return orderOf(a, b)
}

// DateSeparator is the separator ('/', '-' or '.') of a text shaped as
// DateOrderOf describes, or 0 for another text.
func DateSeparator(s string) byte {
	_, _, _, sep, ok := numericDate(trimSpace(s))
	if !ok {
		return 0
	}
	return sep
}

func orderOf(a, b int) DateOrder {
	switch {
	case a > 12 && b > 12:
		return NoOrder
	case a > 12:
		return DayFirst
	case b > 12:
		return MonthFirst
	}
	return EitherOrder
}

// numericDate reads D/M/YYYY-shaped text (see DateOrderOf): the first
// and second numbers, the year and the separator.
func numericDate(s string) (a, b, y int, sep byte, ok bool) {
	a, i := readNum(s, 0, false)
	if a < 0 || i >= len(s) || (s[i] != '/' && s[i] != '-' && s[i] != '.') {
		return 0, 0, 0, 0, false
	}
	sep = s[i]
	b, i = readNum(s, i+1, false)
	if b < 0 || i >= len(s) || s[i] != sep || len(s) < i+5 || !digits(s[i+1:i+5]) {
		return 0, 0, 0, 0, false
	}
	y = atoi(s[i+1 : i+5])
	if !isTimeSuffix(s[i+5:]) {
		return 0, 0, 0, 0, false
	}
	return a, b, y, sep, true
}

// DateInOrder is Date for a column whose numeric text dates (see
// DateOrderOf) are known, from the column's other values, to be written
// in order (DayFirst or MonthFirst): they are read in that order, so
// 03/04/2026 is 3 April day first. A text whose numbers show the other
// order is an error. Other cells, and every cell when order is neither
// DayFirst nor MonthFirst, are read as Date reads them without formats.
func DateInOrder(c input.Cell, order DateOrder, date1904 bool) (string, error) {
	if c.Type != input.Text || order != DayFirst && order != MonthFirst {
		return Date(c, nil, date1904)
	}
	s := trimSpace(c.Text)
	a, b, y, sep, ok := numericDate(s)
	if !ok {
		return Date(c, nil, date1904)
	}
	if own := orderOf(a, b); own == DayFirst || own == MonthFirst {
		if own != order {
			n := max(a, b)
			return "", newError(c.Text, strconv.Quote(c.Text)+" is written "+own.String()+" (there is no month "+strconv.Itoa(n)+
				"), but the column's other dates are written "+order.String(),
				OrForMapping("check the day and month in the cell, or write it as YYYY-MM-DD", "declare the column's format in locale.date_formats"))
		}
	}
	d, m := a, b
	if order == MonthFirst {
		d, m = b, a
	}
	if e := checkCalendar(c.Text, y, m, d, order.how(sep)); e != nil {
		return "", e
	}
	return formatDate(y, m, d), nil
}

// dateError explains a text that no format reads. Its hint says first what
// to do in the workbook, then what to declare in the mapping.
func dateError(orig, s string, formats []string) *Error {
	cands := suggestFormats(s)
	var fs []string
	for _, c := range cands {
		fs = append(fs, "["+c.format+"]")
	}
	if len(formats) > 0 {
		names := formats
		msg := strconv.Quote(orig) + " does not match the date format " + names[0]
		if len(names) > 1 {
			msg = strconv.Quote(orig) + " does not match any of the date formats " + strings.Join(names, ", ")
		}
		hint := "make it an Excel date, or write it as " + names[0] + " or YYYY-MM-DD"
		if len(fs) > 0 {
			hint = OrForMapping(hint, "add "+orList(fs)+" to locale.date_formats (or the field's formats)")
		}
		return newError(orig, msg, hint)
	}
	switch {
	case len(cands) == 1:
		return newError(orig, strconv.Quote(orig)+" needs a declared date format (with "+cands[0].format+" it would read as "+cands[0].iso+")",
			OrForMapping("make it an Excel date, or write it as "+cands[0].iso, "declare locale.date_formats: "+fs[0]))
	case len(cands) > 1:
		var parts []string
		for _, c := range cands {
			parts = append(parts, c.iso+" ("+c.format+")")
		}
		return newError(orig, "ambiguous date "+strconv.Quote(orig)+": it reads as "+strings.Join(parts, " or as ")+", and the mapping declares no date format",
			OrForMapping("make it an Excel date, or write it as YYYY-MM-DD ("+cands[0].iso+" if it is "+cands[0].format+")", "declare locale.date_formats: "+orList(fs)))
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n <= maxSerial1900 && len(s) <= 7 {
		return newError(orig, strconv.Quote(orig)+" is not a date",
			"it looks like an Excel date serial: format the column as Date in Excel before exporting, or write dates as YYYY-MM-DD")
	}
	return newError(orig, strconv.Quote(orig)+" is not a date",
		OrForMapping("make it an Excel date, or write it as YYYY-MM-DD", "declare the file's format in locale.date_formats (e.g. [DD/MM/YYYY])"))
}

// orList writes "A (or B, or C)".
func orList(ss []string) string {
	if len(ss) == 1 {
		return ss[0]
	}
	return ss[0] + " (or " + strings.Join(ss[1:], ", or ") + ")"
}

// isoDate reads YYYY-MM-DD (strict: ISO 8601 as date cells hold it) or,
// when not strict, also YYYY/MM/DD and one-digit months and days, each
// with an optional time suffix.
func isoDate(s string, strict bool) (y, m, d int, ok bool) {
	if len(s) < 8 || !digits(s[:4]) {
		return
	}
	sep := s[4]
	if sep != '-' && (strict || sep != '/') {
		return
	}
	y = atoi(s[:4])
	i := 5
	m, i = readNum(s, i, strict)
	if m < 0 || i >= len(s) || s[i] != sep {
		return 0, 0, 0, false
	}
	d, i = readNum(s, i+1, strict)
	if d < 0 || !isTimeSuffix(s[i:]) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// isoDateTime reads the ISO 8601 text of a date cell (t="d", Strict
// OOXML): YYYY-MM-DD, optionally followed by T and a time hh:mm[:ss[.f…]]
// with any number of fractional digits (Excel writes up to 17:
// 2014-01-16T15:59:59.99999979045242400) and a zone (Z, ±hh:mm), which is
// ignored. As Excel does before it shows a date, the time is rounded to
// the millisecond, so 23:59:59.9996 is the next day. The day may be out of
// the calendar (checkCalendar says why).
func isoDateTime(s string) (y, m, d int, ok bool) {
	if len(s) < 10 || !digits(s[:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) {
		return 0, 0, 0, false
	}
	y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:10])
	rest := s[10:]
	if rest == "" {
		return y, m, d, true
	}
	if rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ' {
		return 0, 0, 0, false
	}
	rest = rest[1:]
	two := func() (int, bool) {
		if len(rest) < 2 || !digits(rest[:2]) {
			return 0, false
		}
		n := atoi(rest[:2])
		rest = rest[2:]
		return n, true
	}
	hh, ok1 := two()
	if !ok1 || len(rest) == 0 || rest[0] != ':' {
		return 0, 0, 0, false
	}
	rest = rest[1:]
	mm, ok2 := two()
	if !ok2 {
		return 0, 0, 0, false
	}
	ss, ms := 0, 0
	if len(rest) > 0 && rest[0] == ':' {
		rest = rest[1:]
		var ok3 bool
		if ss, ok3 = two(); !ok3 {
			return 0, 0, 0, false
		}
		if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			if j == 1 {
				return 0, 0, 0, false
			}
			// Milliseconds, rounded half up on the fourth digit.
			frac := rest[1:j] + "000"
			ms = atoi(frac[:3])
			if frac[3] >= '5' {
				ms++
			}
			rest = rest[j:]
		}
	}
	switch {
	case rest == "" || rest == "Z" || rest == "z":
	case (rest[0] == '+' || rest[0] == '-') && isZone(rest[1:]):
	default:
		return 0, 0, 0, false
	}
	if hh > 24 || mm > 59 || ss > 60 || hh == 24 && (mm > 0 || ss > 0 || ms > 0) {
		return 0, 0, 0, false
	}
	if hh*3600000+mm*60000+ss*1000+ms >= 86400000 && validDate(y, m, d) {
		next := time.Date(y, time.Month(m), d+1, 0, 0, 0, 0, time.UTC)
		y, m, d = next.Year(), int(next.Month()), next.Day()
	}
	return y, m, d, true
}

// isZone accepts the digits of a zone offset after its sign: hh, hhmm or
// hh:mm.
func isZone(z string) bool {
	if len(z) == 5 && z[2] == ':' {
		z = z[:2] + z[3:]
	}
	return (len(z) == 2 || len(z) == 4) && digits(z)
}

// readNum reads two digits, or one or two when not strict; -1 if none.
func readNum(s string, i int, strict bool) (int, int) {
	j := i
	for j < len(s) && j < i+2 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i || strict && j != i+2 || j < len(s) && s[j] >= '0' && s[j] <= '9' {
		return -1, i
	}
	return atoi(s[i:j]), j
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isTimeSuffix accepts what may follow a date: nothing, or a time of day
// after a space or T: H:MM[:SS[.fff]] with an optional AM/PM and an
// optional zone (Z, +02:00, -0500).
func isTimeSuffix(s string) bool {
	if s == "" {
		return true
	}
	i := 0
	if s[0] == 'T' || s[0] == 't' {
		i = 1
	} else {
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isSpaceSep(r) {
				break
			}
			i += size
		}
		if i == 0 {
			return false
		}
	}
	num := func(lo, hi int) (int, bool) {
		j := i
		for j < len(s) && j < i+hi && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i < lo || j < len(s) && s[j] >= '0' && s[j] <= '9' {
			return 0, false
		}
		n := atoi(s[i:j])
		i = j
		return n, true
	}
	h, ok := num(1, 2)
	if !ok || h > 24 || i >= len(s) || s[i] != ':' {
		return false
	}
	i++
	if mm, ok := num(2, 2); !ok || mm > 59 {
		return false
	}
	if i < len(s) && s[i] == ':' {
		i++
		if ss, ok := num(2, 2); !ok || ss > 60 {
			return false
		}
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			i++
			if _, ok := num(1, 9); !ok {
				return false
			}
		}
	}
	j := i
	for j < len(s) && s[j] == ' ' {
		j++
	}
	rest := strings.ToLower(s[j:])
	for _, ampm := range []string{"a.m.", "p.m.", "am", "pm"} {
		if strings.HasPrefix(rest, ampm) {
			if h < 1 || h > 12 {
				return false
			}
			i = j + len(ampm)
			break
		}
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) {
		return true
	}
	switch s[i] {
	case 'Z', 'z':
		return i+1 == len(s)
	case '+', '-':
		// +02, +02:00 or +0200
		z := s[i+1:]
		if len(z) == 5 && z[2] == ':' {
			z = z[:2] + z[3:]
		}
		return (len(z) == 2 || len(z) == 4) && digits(z)
	}
	return false
}

// splitTime splits "5 Jan 2024 10:30" into the date and the time suffix.
func splitTime(s string) (string, string) {
	c := strings.IndexByte(s, ':')
	if c < 0 {
		return s, ""
	}
	k := c
	for k > 0 && s[k-1] >= '0' && s[k-1] <= '9' {
		k--
	}
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	return s[:k], s[k:]
}

// run is a piece of a date text: digits, letters or separators.
type run struct {
	kind byte // 'n' digits, 'a' letters, 's' separators
	text string
}

// dateRuns splits a date into runs; ok is false for characters that have
// no place in a date.
func dateRuns(s string) ([]run, bool) {
	var runs []run
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var kind byte
		switch {
		case r >= '0' && r <= '9':
			kind = 'n'
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			kind = 'a'
		case isSpaceSep(r) || r == '-' || r == '/' || r == '.' || r == ',':
			kind = 's'
		default:
			return nil, false
		}
		if n := len(runs); n > 0 && runs[n-1].kind == kind {
			runs[n-1].text = s[i-len(runs[n-1].text) : i+size]
		} else {
			runs = append(runs, run{kind, s[i : i+size]})
		}
		i += size
	}
	return runs, true
}

// namedDate reads a date with a month name and a four-digit year, in any
// order of day, month and year.
func namedDate(s string) (y, m, d int, ok bool) {
	date, tm := splitTime(s)
	if !isTimeSuffix(tm) {
		return
	}
	runs, ok := dateRuns(date)
	if !ok {
		return 0, 0, 0, false
	}
	var nums []string
	for i, r := range runs {
		switch r.kind {
		case 'n':
			nums = append(nums, r.text)
		case 'a':
			w := Key(r.text)
			switch {
			case monthNames[w] > 0 && m == 0:
				m = monthNames[w]
			case dateConnectors[w]:
			case ordinalSuffixes[w] && i > 0 && runs[i-1].kind == 'n':
			default:
				return 0, 0, 0, false
			}
		}
	}
	if m == 0 || len(nums) != 2 {
		return 0, 0, 0, false
	}
	a, b := nums[0], nums[1]
	switch {
	case len(a) == 4 && len(b) <= 2:
		return atoi(a), m, atoi(b), true
	case len(b) == 4 && len(a) <= 2:
		return atoi(b), m, atoi(a), true
	}
	return 0, 0, 0, false
}

type candidate struct {
	format string
	iso    string
}

// suggestFormats lists the declarable formats that read s as a calendar
// date (day-first before month-first, as most of the world writes).
func suggestFormats(s string) []candidate {
	date, tm := splitTime(s)
	if !isTimeSuffix(tm) {
		return nil
	}
	runs, ok := dateRuns(date)
	if !ok {
		return nil
	}
	var out []candidate
	try := func(layout []string, vals []string) {
		var y, m, d int
		var b strings.Builder
		for i, tok := range layout {
			switch tok {
			case "Y":
				y = atoi(vals[i])
				if len(vals[i]) == 2 {
					b.WriteString("YY")
					y = pivot(y)
				} else {
					b.WriteString("YYYY")
				}
			case "M", "D":
				n := atoi(vals[i])
				if tok == "M" {
					m = n
				} else {
					d = n
				}
				b.WriteString(strings.Repeat(tok, len(vals[i])))
			case "N":
				m = monthNames[Key(vals[i])]
				if len([]rune(vals[i])) > 3 {
					b.WriteString("MMMM")
				} else {
					b.WriteString("MMM")
				}
			default:
				b.WriteString(tok)
			}
		}
		if validDate(y, m, d) {
			out = append(out, candidate{b.String(), formatDate(y, m, d)})
		}
	}
	// Shape: the kinds of the runs, e.g. "nsnsn".
	var shape strings.Builder
	for _, r := range runs {
		shape.WriteByte(r.kind)
	}
	text := func(i int) string { return runs[i].text }
	sepOK := func(i int) bool { return len([]rune(strings.TrimSpace(text(i)))) <= 1 }
	switch shape.String() {
	case "nsnsn":
		if !sepOK(1) || !sepOK(3) {
			return nil
		}
		a, b, c := text(0), text(2), text(4)
		if len(a) > 4 || len(b) > 2 || len(c) > 4 || len(a) == 3 || len(c) == 3 || len(c) == 1 {
			return nil
		}
		v := []string{a, text(1), b, text(3), c}
		if len(a) == 4 {
			try([]string{"Y", text(1), "M", text(3), "D"}, v)
			return out
		}
		if len(a) > 2 {
			return nil
		}
		try([]string{"D", text(1), "M", text(3), "Y"}, v)
		try([]string{"M", text(1), "D", text(3), "Y"}, v)
		if len(c) == 2 && len(a) == 2 {
			try([]string{"Y", text(1), "M", text(3), "D"}, v)
		}
	case "n":
		if len(date) != 8 {
			return nil
		}
		v := []string{date[:4], date[4:6], date[6:]}
		try([]string{"Y", "M", "D"}, v)
		v = []string{date[:2], date[2:4], date[4:]}
		try([]string{"D", "M", "Y"}, v)
		try([]string{"M", "D", "Y"}, v)
	case "nsasn", "asnsn":
		// A month name with a two-digit year: "05-Jan-24", "Jan 5, 24".
		if monthNames[Key(text(0))] == 0 && monthNames[Key(text(2))] == 0 {
			return nil
		}
		v := []string{text(0), text(1), text(2), text(3), text(4)}
		if runs[0].kind == 'n' {
			if len(text(0)) <= 2 && len(text(4)) == 2 {
				try([]string{"D", text(1), "N", text(3), "Y"}, v)
			}
		} else if len(text(2)) <= 2 && len(text(4)) == 2 {
			try([]string{"N", text(1), "D", text(3), "Y"}, v)
		}
	}
	return out
}

// pivot turns a two-digit year into a year: 00–69 are 2000–2069, 70–99
// are 1970–1999.
func pivot(yy int) int {
	if yy < 70 {
		return 2000 + yy
	}
	return 1900 + yy
}
