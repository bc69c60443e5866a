package values

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/input"
)

var fuzzLocales = []Locale{
	{},
	{Decimal: '.', Thousands: ","},
	{Decimal: ',', Thousands: "."},
	{Decimal: ',', Thousands: " "},
	{Decimal: '.', Thousands: "'"},
	{Decimal: ','},
	{Decimal: '.', Thousands: ",", Currency: []string{"US$", "$", "KES"}},
	{Decimal: ',', Thousands: "\u00a0", Currency: []string{"FCFA", "€"}},
}

// checkFuzzErr: every failure is a *Error with a message and a hint.
func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *values.Error", err, err)
	}
	if e.Msg == "" || e.Hint == "" {
		t.Fatalf("error without message or hint: %+v", e)
	}
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"123", "-12.50", "1,234,567.89", "1.234,56", "1 200,50", "(12.50)", "12.50-",
		"1.23E+05", "$ 1,200.50", "1 200,50 FCFA", "KES 500", "12,34,567", "0,123", "1e999999", "١٢٣", "−5",
		"84.849999999999994", "5E-324", ".5", "5.", "1'234", "1’234", "US$-5", "e5", "1e+", "\xff"} {
		for i := range fuzzLocales {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, s string, li uint8) {
		loc := fuzzLocales[int(li)%len(fuzzLocales)]
		d, err := Decimal(text(s), loc)
		if err != nil {
			checkFuzzErr(t, err)
		} else {
			back, err := Decimal(text(d.String()), Locale{})
			if err != nil {
				t.Fatalf("%q → %s does not parse back: %v", s, d, err)
			}
			if !back.Equal(d) {
				t.Fatalf("%q → %s → %s", s, d, back)
			}
		}
		d, err = Decimal(num(s), Locale{})
		if err != nil {
			checkFuzzErr(t, err)
		} else if back, err := Decimal(text(d.String()), Locale{}); err != nil || !back.Equal(d) {
			t.Fatalf("number %q → %s → %s, %v", s, d, back, err)
		}
	})
}

var fuzzFormats = [][]string{
	nil,
	{"DD/MM/YYYY"},
	{"MM/DD/YYYY"},
	{"DD/MM/YYYY", "MM/DD/YYYY"},
	{"D MMMM YYYY"},
	{"DD-MMM-YY"},
	{"YYYYMMDD"},
	{"DDMMYYYY", "YYYY.MM.DD"},
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"2024-01-05", "2024/1/5", "05/01/2024", "13/01/2024", "5 Jan 2024", "January 5, 2024",
		"05-Jan-24", "1er mars 2024", "5 de enero de 2024", "2024-01-05T10:00:00+02:00", "2024-01-05 3:15 PM",
		"20240105", "31/02/2024", "45296", "0000-01-01", "9999-12-31", "5th of May 2024", "05.01.2024 00:00:00",
		"2014-01-16T15:59:59.99999979045242400", "2024-12-31T23:59:59.9996+01:00", "2024-01-05T24:00:00",
		"15/11/2026", "11/15/2026 3:15 PM", "03.04.2026", "29/02/2026", "02/29/2024", "31-04-2026", "32/13/2026", "00/05/2026",
		"1/1/0000", " 15/11/2026\u00a0"} {
		for i := range fuzzFormats {
			f.Add(s, uint8(i), false)
		}
	}
	f.Fuzz(func(t *testing.T, s string, fi uint8, date1904 bool) {
		fs := formats(t, fuzzFormats[int(fi)%len(fuzzFormats)]...)
		for _, c := range []input.Cell{text(s), {Type: input.Date, Text: s}, dateNum(s, "dd/mm/yyyy")} {
			got, err := Date(c, fs, date1904)
			if err != nil {
				checkFuzzErr(t, err)
				continue
			}
			if len(got) != 10 || !validDate(atoi(got[:4]), atoi(got[5:7]), atoi(got[8:])) || formatDate(atoi(got[:4]), atoi(got[5:7]), atoi(got[8:])) != got {
				t.Fatalf("Date(%v %q) = %q: not a YYYY-MM-DD calendar date", c.Type, s, got)
			}
			if again, err := Date(text(got), nil, false); err != nil || again != got {
				t.Fatalf("Date(%q) = %q does not read back: %q, %v", s, got, again, err)
			}
		}
		// Read in a column's order: a calendar date that reads back, or a
		// *Error; a text no order applies to reads as without formats.
		own := DateOrderOf(s)
		for _, o := range []DateOrder{DayFirst, MonthFirst, EitherOrder} {
			got, err := DateInOrder(text(s), o, date1904)
			if err != nil {
				checkFuzzErr(t, err)
			} else if again, err := Date(text(got), nil, false); err != nil || again != got {
				t.Fatalf("DateInOrder(%q, %v) = %q does not read back: %q, %v", s, o, got, again, err)
			}
			if (own == DayFirst || own == MonthFirst) && o != own && o != EitherOrder && err == nil {
				t.Fatalf("DateInOrder(%q, %v) = %q, but the text is %v", s, o, got, own)
			}
			if own == NoOrder {
				want, werr := Date(text(s), nil, date1904)
				if got != want || (err == nil) != (werr == nil) {
					t.Fatalf("DateInOrder(%q, %v) = %q, %v; Date without formats = %q, %v", s, o, got, err, want, werr)
				}
			}
		}
		// Any text as a format: validated, never a panic.
		if _, err := ParseDateFormat(s); err != nil {
			checkFuzzErr(t, err)
		} else {
			_, _ = Date(text(s), []string{s}, false)
			_, _ = Date(text("05/01/2024"), []string{s}, false)
		}
	})
}

func FuzzID(f *testing.F) {
	for _, tc := range [][2]string{{"123", "00000"}, {"123", `"L"00000`}, {"123", `\L00000`}, {"1234.0", "General"},
		{"1.2345678901234568E+18", "General"}, {"12345678901234567890", "0"}, {"123.5", "0"}, {"123456789", "000-00-0000"},
		{"123", "[$€-x]0000"}, {"123", `_(* 0000_)`}, {"-0", "0"}, {"123", "\"unterminated"}, {"123", "[Red"}, {"7", "\\"}} {
		f.Add(tc[0], tc[1], true)
		f.Add(tc[0], tc[1], false)
	}
	f.Fuzz(func(t *testing.T, s, format string, isNumber bool) {
		c := text(s)
		if isNumber {
			c = dateNum(s, format)
		}
		got, err := ID(c)
		if err != nil {
			checkFuzzErr(t, err)
			return
		}
		if got == "" || !utf8.ValidString(got) || trimSpace(got) != got || strings.ContainsAny(got, "\t\n\r") {
			t.Fatalf("ID(%v %q, %q) = %q", c.Type, s, format, got)
		}
		if isNumber && !strings.ContainsAny(got, "0123456789") {
			t.Fatalf("ID(number %q, %q) = %q has no digits", s, format, got)
		}
	})
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"Loan ID", "loan_id", "N° Prêt", "Nº", "ﬁ", "Ｌｏａｎ", "ΣΊΣΥΦΟΣ", "Йод", "किस्त",
		"ǅ", "İ", "ẞ", "\u0345", "ﷺ", "\xff", "ꭰ", "ᾈ", "Ω", "K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if Key(k) != k {
			t.Fatalf("Key(%q) = %q, Key of that = %q", s, k, Key(k))
		}
		if slow := keySlow(s); slow != k {
			t.Fatalf("Key(%q) = %q, but the full algorithm gives %q", s, k, slow)
		}
		if !keyEqual(s, k) {
			t.Fatalf("keyEqual(%q, %q) is false", s, k)
		}
		if !utf8.ValidString(k) {
			t.Fatalf("Key(%q) = %q is not UTF-8", s, k)
		}
	})
}
