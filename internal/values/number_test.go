package values

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/shopspring/decimal"
)

func num(s string) input.Cell  { return input.Cell{Type: input.Number, Text: s, Format: "General"} }
func text(s string) input.Cell { return input.Cell{Type: input.Text, Text: s} }

func mustLocale(t testing.TB, dec, th string, cur ...string) Locale {
	t.Helper()
	loc, err := NewLocale(dec, th, cur...)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// checkErr asserts err is a *Error whose Msg and Hint contain the
// fragments (either may be empty).
func checkErr(t *testing.T, err error, msg, hint string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *values.Error", err, err)
	}
	if e.Error() != e.Msg {
		t.Errorf("Error() = %q, want Msg %q", e.Error(), e.Msg)
	}
	if !strings.Contains(e.Msg, msg) {
		t.Errorf("Msg = %q, want it to contain %q", e.Msg, msg)
	}
	if !strings.Contains(e.Hint, hint) {
		t.Errorf("Hint = %q, want it to contain %q", e.Hint, hint)
	}
	if e.Hint == "" {
		t.Errorf("no hint for %q", e.Msg)
	}
}

func TestNewLocale(t *testing.T) {
	for _, tc := range []struct {
		dec, th string
		cur     []string
		want    Locale
		err     string
	}{
		{"", "", nil, Locale{Decimal: '.'}, ""},
		{".", ",", nil, Locale{Decimal: '.', Thousands: ","}, ""},
		{",", ".", nil, Locale{Decimal: ',', Thousands: "."}, ""},
		{",", " ", nil, Locale{Decimal: ',', Thousands: " "}, ""},
		{",", "\u00a0", nil, Locale{Decimal: ',', Thousands: "\u00a0"}, ""},
		{",", "\u202f", nil, Locale{Decimal: ',', Thousands: "\u202f"}, ""},
		{".", "'", nil, Locale{Decimal: '.', Thousands: "'"}, ""},
		{".", ".", nil, Locale{}, "both"},
		{"", ".", nil, Locale{}, "both"},
		{",", ",", nil, Locale{}, "both"},
		{";", "", nil, Locale{}, "not a decimal separator"},
		{"", "_", nil, Locale{}, "not a thousands separator"},
		{"", "", []string{"5"}, Locale{}, "not a currency"},
		{"", "", []string{" "}, Locale{}, "not a currency"},
		{"", "", []string{"."}, Locale{}, "not a currency"},
		{"", "", []string{"$", " US$ "}, Locale{Decimal: '.', Currency: []string{"US$", "$"}}, ""},
	} {
		got, err := NewLocale(tc.dec, tc.th, tc.cur...)
		if tc.err != "" {
			if err == nil {
				t.Errorf("NewLocale(%q, %q) = %+v, want error", tc.dec, tc.th, got)
				continue
			}
			checkErr(t, err, tc.err, "")
			continue
		}
		if err != nil {
			t.Errorf("NewLocale(%q, %q): %v", tc.dec, tc.th, err)
			continue
		}
		if got.Decimal != tc.want.Decimal || got.Thousands != tc.want.Thousands || strings.Join(got.Currency, "|") != strings.Join(tc.want.Currency, "|") {
			t.Errorf("NewLocale(%q, %q) = %+v, want %+v", tc.dec, tc.th, got, tc.want)
		}
	}
}

func TestDecimalNumberCells(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"123", "123"},
		{"84.849999999999994", "84.85"},
		{"84.84999999999999", "84.85"},
		{"84.85", "84.85"},
		{"1.5E-3", "0.0015"},
		{"1.5e-3", "0.0015"},
		{"1E+21", "1000000000000000000000"},
		{"-12.5", "-12.5"},
		{"-0", "0"},
		{"0.30000000000000004", "0.30000000000000004"}, // =0.1+0.2 stays as stored
		{"0.1", "0.1"},
		{"100.00000000000001", "100.00000000000001"},
		{"5E-324", "0." + strings.Repeat("0", 323) + "5"},
		{" 42 ", "42"},
		{"12345678.900000001", "12345678.9"},
	} {
		d, err := Decimal(num(tc.in), Locale{})
		if err != nil {
			t.Errorf("Decimal(number %q): %v", tc.in, err)
			continue
		}
		if d.String() != tc.want {
			t.Errorf("Decimal(number %q) = %s, want %s", tc.in, d, tc.want)
		}
	}
	for _, in := range []string{"NaN", "Inf", "-Infinity", "1e400", "0x1p3", "1_000", "", "abc", "1.2.3", "--1", "1e"} {
		_, err := Decimal(num(in), Locale{})
		if err == nil {
			t.Errorf("Decimal(number %q) succeeded", in)
			continue
		}
		checkErr(t, err, "", "re-save it in Excel")
	}
}

func TestDecimalText(t *testing.T) {
	dot := Locale{}
	dotComma := Locale{Decimal: '.', Thousands: ","}
	commaDot := Locale{Decimal: ',', Thousands: "."}
	commaSpace := Locale{Decimal: ',', Thousands: " "}
	commaNBSP := Locale{Decimal: ',', Thousands: "\u00a0"}
	commaNone := Locale{Decimal: ','}
	swiss := Locale{Decimal: '.', Thousands: "'"}
	usd := mustLocale(t, ".", ",", "$", "US$", "USD")
	xof := mustLocale(t, ",", " ", "FCFA")
	for _, tc := range []struct {
		in   string
		loc  Locale
		want string
	}{
		{"123", dot, "123"},
		{"12.50", dot, "12.5"},
		{"-12.50", dot, "-12.5"},
		{"+12.50", dot, "12.5"},
		{"−12.50", dot, "-12.5"}, // U+2212 minus
		{"- 12.50", dot, "-12.5"},
		{"12.50-", dot, "-12.5"},
		{"(12.50)", dot, "-12.5"},
		{"( 12.50 )", dot, "-12.5"},
		{".5", dot, "0.5"},
		{"5.", dot, "5"},
		{"007", dot, "7"},
		{"  3.25\u00a0", dot, "3.25"},
		{"1E+3", dot, "1000"},
		{"1.23E+05", dot, "123000"},
		{"1.23e5", dot, "123000"},
		{"1.5E-3", dot, "0.0015"},
		{"1,23E+05", commaNone, "123000"},
		{"12345678901234567890.123456789", dot, "12345678901234567890.123456789"},
		{"0.30000000000000004", dot, "0.30000000000000004"},
		{"1,234,567.89", dotComma, "1234567.89"},
		{"1,234", dotComma, "1234"},
		{"1234.5", dotComma, "1234.5"},
		{"999,999", dotComma, "999999"},
		{"12,34,567.89", dotComma, "1234567.89"}, // Indian grouping
		{"1,23,45,678", dotComma, "12345678"},
		{"-1,234.00", dotComma, "-1234"},
		{"(1,234.50)", dotComma, "-1234.5"},
		{"1.234.567,89", commaDot, "1234567.89"},
		{"1.234", commaDot, "1234"},
		{"12,50", commaDot, "12.5"},
		{"12,50", commaNone, "12.5"},
		{",5", commaNone, "0.5"},
		{"1 200,50", commaSpace, "1200.5"},
		{"1\u00a0200,50", commaSpace, "1200.5"},
		{"1\u202f200,50", commaSpace, "1200.5"},
		{"1 200,50", commaNBSP, "1200.5"},
		{"1'234.50", swiss, "1234.5"},
		{"1’234.50", swiss, "1234.5"},
		{"$ 1,200.50", usd, "1200.5"},
		{"$1,200.50", usd, "1200.5"},
		{"1,200.50 USD", usd, "1200.5"},
		{"usd 5", usd, "5"},
		{"US$5", usd, "5"},
		{"-$12.50", usd, "-12.5"},
		{"$-12.50", usd, "-12.5"},
		{"($12.50)", usd, "-12.5"},
		{"$(12.50)", usd, "-12.5"},
		{"1 200,50 FCFA", xof, "1200.5"},
		{"1 200,50 fcfa", xof, "1200.5"},
	} {
		d, err := Decimal(text(tc.in), tc.loc)
		if err != nil {
			t.Errorf("Decimal(%q, %+v): %v", tc.in, tc.loc, err)
			continue
		}
		if d.String() != tc.want {
			t.Errorf("Decimal(%q, %+v) = %s, want %s", tc.in, tc.loc, d, tc.want)
		}
	}
}

func TestDecimalTextErrors(t *testing.T) {
	dot := Locale{}
	dotComma := Locale{Decimal: '.', Thousands: ","}
	commaDot := Locale{Decimal: ',', Thousands: "."}
	commaNone := Locale{Decimal: ','}
	usd := mustLocale(t, ".", ",", "$")
	for _, tc := range []struct {
		in        string
		loc       Locale
		msg, hint string
	}{
		{"", dot, "empty", "fill in"},
		{"   ", dot, "empty", "fill in"},
		{"1,234", dot, "declares no comma", `locale.thousands: ","`},
		{"1,234", dot, "declares no comma", `locale.decimal: ","`},
		{"1.234,56", dot, "declares no comma", "locale.thousands"},
		{"1.5", commaNone, "declares no dot", `locale.decimal: "."`},
		{"1.234,56", commaNone, "declares no dot", `locale.thousands: "."`},
		{"1 200", dot, "declares no space", `locale.thousands: " "`},
		{"1'200", dot, "declares no apostrophe", `locale.thousands: "'"`},
		{"1,23,4", dotComma, "misplaced", "group the digits by three, like 1,234.50"},
		{"1,2345", dotComma, "misplaced", ""},
		{"1234,567", dotComma, "misplaced", ""},
		{"12,50", dotComma, "misplaced", `locale.decimal: ","`},
		{"1,23", dotComma, "misplaced", `locale.decimal: ","`},
		{"0,123", dotComma, "misplaced", ""},
		{",123", dotComma, "misplaced", ""},
		{"1,,234", dotComma, "misplaced", ""},
		{"1,234,", dotComma, "misplaced", ""},
		{"1.5", commaDot, "misplaced", `locale.decimal: "."`},
		{"1.234.567", dot, "appears twice", `locale.thousands: "."`},
		{"1.234,5", dotComma, "comes after the decimal separator", `locale.decimal: ","`},
		{"1,234.5", commaDot, "comes after the decimal separator", `locale.decimal: "."`},
		{"$ 1,200.50", dotComma, `currency mark "$"`, "type the amount as a number without the currency mark"},
		{"1 200,50 FCFA", Locale{Decimal: ',', Thousands: " "}, `currency mark "FCFA"`, "locale.currency_symbols"},
		{"KES 500", dot, `currency mark "KES"`, `for whoever maintains the mapping: list "KES" under locale.currency_symbols`},
		{"€12", dot, `currency mark "€"`, ""},
		{"KES 500", usd, `currency mark "KES"`, ""},
		{"$$5", usd, "", ""},
		{"12%", dot, "percent", "without %"},
		{"abc", dot, "is not a number", "1234.50"},
		{"abc", commaDot, "is not a number", "1.234,50"},
		{"-", dot, "is not a number", ""},
		{"()", dot, "is not a number", ""},
		{"(-5)", dot, "is not a number", ""},
		{"--5", dot, "is not a number", ""},
		{"+5-", dot, "is not a number", ""},
		{"1e", dot, "is not a number", ""},
		{"1e+", dot, "is not a number", ""},
		{"E5", dot, "", ""},
		{"1E5000", dot, "exponent", "in full"},
		{"1E-99999999999", dot, "exponent", "in full"},
		{"0x10", dot, "", ""},
		{"Inf", dot, "", ""},
		{"NaN", dot, "", ""},
		{"1/2", dot, "is not a number", ""},
	} {
		d, err := Decimal(text(tc.in), tc.loc)
		if err == nil {
			t.Errorf("Decimal(%q, %+v) = %s, want error", tc.in, tc.loc, d)
			continue
		}
		t.Run(tc.in, func(t *testing.T) { checkErr(t, err, tc.msg, tc.hint) })
	}
}

func TestDecimalOtherCells(t *testing.T) {
	for _, tc := range []struct {
		c         input.Cell
		msg, hint string
	}{
		{input.Cell{Type: input.Error, Text: "#N/A"}, "#N/A", "fix the formula in Excel"},
		{input.Cell{Type: input.Error, Text: "#DIV/0!"}, "#DIV/0!", "fix the formula"},
		{input.Cell{Type: input.Bool, Text: "1"}, "TRUE", "right column"},
		{input.Cell{Type: input.Date, Text: "2024-01-05"}, "date", "right column"},
		{input.Cell{Type: input.Blank}, "empty", "fill in"},
	} {
		_, err := Decimal(tc.c, Locale{})
		checkErr(t, err, tc.msg, tc.hint)
	}
	_, err := Decimal(text("1"), Locale{Decimal: ',', Thousands: ","})
	checkErr(t, err, "invalid locale", "NewLocale")
}

// TestDecimalTextIsExact proves text never goes through a float: values a
// float64 cannot hold survive digit for digit.
func TestDecimalTextIsExact(t *testing.T) {
	for _, in := range []string{
		"12345678901234567890.123456789",
		"0.1000000000000000000000000001",
		"9007199254740993", // 2^53 + 1: no float64 holds it
		"-99999999999999999999999999999999.99",
		"84.849999999999994",
	} {
		d, err := Decimal(text(in), Locale{})
		if err != nil {
			t.Fatal(err)
		}
		if d.String() != strings.TrimLeft(in, "+") {
			t.Errorf("Decimal(%q) = %s", in, d)
		}
		want, _ := decimal.NewFromString(in)
		if !d.Equal(want) {
			t.Errorf("Decimal(%q) = %s, want %s", in, d, want)
		}
		if f, _ := d.Float64(); decimal.NewFromFloat(f).Equal(d) && in != "84.849999999999994" {
			t.Errorf("%q survives a float64: not a proof", in)
		}
	}
	// Grouped, comma-decimal and exponent forms are exact too.
	d, err := Decimal(text("1.234.567.890.123.456.789,987654321"), Locale{Decimal: ',', Thousands: "."})
	if err != nil || d.String() != "1234567890123456789.987654321" {
		t.Errorf("grouped: %s, %v", d, err)
	}
	d, err = Decimal(text("1.2345678901234567890123E+5"), Locale{})
	if err != nil || d.String() != "123456.78901234567890123" {
		t.Errorf("exponent: %s, %v", d, err)
	}
}

func TestInteger(t *testing.T) {
	for _, tc := range []struct {
		c    input.Cell
		loc  Locale
		want int64
	}{
		{text("3"), Locale{}, 3},
		{text("3.0"), Locale{}, 3},
		{text("-3.000"), Locale{}, -3},
		{text("1,200"), Locale{Decimal: '.', Thousands: ","}, 1200},
		{text("1.2E+3"), Locale{}, 1200},
		{num("3"), Locale{}, 3},
		{num("2.9999999999999996"), Locale{}, 0}, // not whole: see errors
		{text("9223372036854775807"), Locale{}, 9223372036854775807},
		{text("-9223372036854775808"), Locale{}, -9223372036854775808},
	} {
		got, err := Integer(tc.c, tc.loc)
		if tc.want == 0 {
			if err == nil {
				t.Errorf("Integer(%q) = %d, want error", tc.c.Text, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Integer(%q) = %d, %v; want %d", tc.c.Text, got, err, tc.want)
		}
	}
	_, err := Integer(text("3.5"), Locale{})
	checkErr(t, err, `"3.5" is not a whole number`, "whole numbers")
	_, err = Integer(num("3.5"), Locale{})
	checkErr(t, err, "3.5 is not a whole number", "whole numbers")
	_, err = Integer(text("9223372036854775808"), Locale{})
	checkErr(t, err, "too large", "at most")
	_, err = Integer(text("1,2"), Locale{})
	checkErr(t, err, "comma", "locale.")
}
