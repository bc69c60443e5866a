package values

import (
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/input"
)

func dateNum(s, format string) input.Cell {
	return input.Cell{Type: input.Number, Text: s, Format: format}
}

func formats(t testing.TB, fs ...string) []string {
	t.Helper()
	if _, err := ParseDateFormats(fs); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestSerialDate(t *testing.T) {
	for _, tc := range []struct {
		serial   string
		date1904 bool
		want     string
	}{
		{"1", false, "1900-01-01"},
		{"2", false, "1900-01-02"},
		{"31", false, "1900-01-31"},
		{"32", false, "1900-02-01"},
		{"59", false, "1900-02-28"},
		{"61", false, "1900-03-01"},
		{"62", false, "1900-03-02"},
		{"366", false, "1900-12-31"},
		{"367", false, "1901-01-01"},
		{"25569", false, "1970-01-01"}, // the Unix epoch
		{"36526", false, "2000-01-01"},
		{"44927", false, "2023-01-01"},
		{"45296", false, "2024-01-05"},
		{"45351", false, "2024-02-29"},
		{"45296.5", false, "2024-01-05"},            // noon: time dropped
		{"45296.999988425923", false, "2024-01-05"}, // 23:59:59
		{"45296.99999999999", false, "2024-01-06"},  // rounds to midnight, as Excel shows
		{"4.5296E4", false, "2024-01-05"},
		{"2958465", false, "9999-12-31"},
		{"2958465.9", false, "9999-12-31"},
		{"0", true, "1904-01-01"},
		{"0.75", true, "1904-01-01"},
		{"1", true, "1904-01-02"},
		{"43834", true, "2024-01-05"},
		{"43889", true, "2024-02-29"},
		{"2957003", true, "9999-12-31"},
	} {
		got, err := Date(dateNum(tc.serial, "dd/mm/yyyy"), nil, tc.date1904)
		if err != nil || got != tc.want {
			t.Errorf("Date(serial %s, 1904=%v) = %q, %v; want %s", tc.serial, tc.date1904, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		serial    string
		date1904  bool
		msg, hint string
	}{
		{"60", false, "1900-02-29, a day that never was", "correct the date"},
		{"60.5", false, "never was", ""},
		{"0", false, "serial 0", "fill in the date"},
		{"0.5", false, "time of day", "right column"},
		{"-1", false, "not a date Excel can show", "1900-01-01"},
		{"-1", true, "not a date Excel can show", "1904 date system"},
		{"-0.5", true, "not a date Excel can show", ""},
		{"2958466", false, "not a date Excel can show", "9999-12-31"},
		{"2957004", true, "not a date Excel can show", ""},
		{"1E+300", false, "not a date Excel can show", ""},
		{"abc", false, "not a number", "re-save"},
	} {
		_, err := Date(dateNum(tc.serial, "yyyy-mm-dd"), nil, tc.date1904)
		if err == nil {
			t.Errorf("Date(serial %s, 1904=%v) succeeded", tc.serial, tc.date1904)
			continue
		}
		checkErr(t, err, tc.msg, tc.hint)
	}
	if got, err := SerialDate(45296.25, false); err != nil || got != "2024-01-05" {
		t.Errorf("SerialDate(45296.25) = %q, %v", got, err)
	}
	if _, err := SerialDate(60, false); err == nil {
		t.Error("SerialDate(60) succeeded")
	}
}

func TestDateNumberFormats(t *testing.T) {
	for _, f := range []string{"mm-dd-yy", "d-mmm-yy", "dd/mm/yyyy", "yyyy-mm-dd", `[$-409]d-mmm-yy;@`, "m/d/yy h:mm", `yyyy"年"m"月"d"日"`} {
		got, err := Date(dateNum("45296", f), nil, false)
		if err != nil || got != "2024-01-05" {
			t.Errorf("Date(45296, %q) = %q, %v", f, got, err)
		}
	}
	for _, tc := range []struct{ text, format, msg string }{
		{"45296", "General", "the cell holds the number 45296, not a date"},
		{"20240105", "General", "the number 20240105, not a date"},
		{"45296", "", "the number 45296, not a date"},
		{"45296", "0", "the number 45296"},
		{"45296", "#,##0", "the number 45296"},
		{"45296.5", "0.00", "the number 45296.5"},
		{"4.5296E4", "0.00E+00", "the number 45296"},
	} {
		_, err := Date(dateNum(tc.text, tc.format), nil, false)
		checkErr(t, err, tc.msg, "format the column as Date in Excel, or type the date as text YYYY-MM-DD")
	}
}

// A time-only format ("h:mm", "[h]:mm:ss") marks a time of day or a
// duration: its serial 0.5 or 1.5 must never become 1900-01-01.
func TestDateTimeOnlyFormats(t *testing.T) {
	for _, tc := range []struct{ text, format string }{
		{"0.5", "h:mm"},
		{"1.5", "[h]:mm"},
		{"0.75", "h:mm AM/PM"},
		{"0.0104166", "mm:ss"},
		{"45296.5", `[$-409]h:mm:ss AM/PM;@`},
	} {
		_, err := Date(dateNum(tc.text, tc.format), nil, false)
		checkErr(t, err, "a time of day or a duration (format "+tc.format+")", "type the date in the cell")
	}
}

func TestDateCells(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-05":                "2024-01-05",
		"2024-01-05T00:00:00Z":      "2024-01-05",
		"2024-01-05T13:45:30":       "2024-01-05",
		"2024-01-05T13:45:30.123Z":  "2024-01-05",
		"2024-01-05T23:00:00-05:00": "2024-01-05",
		"2024-02-29T00:00:00":       "2024-02-29",
		// Excel writes up to 17 fractional digits; the time is rounded
		// to the millisecond before the date is taken, as Excel shows it.
		"2014-01-16T15:59:59.99999979045242400": "2014-01-16",
		"2024-01-05T23:59:59.9996":              "2024-01-06",
		"2024-01-05T23:59:59.9994Z":             "2024-01-05",
		"2024-12-31T23:59:59.99951+01:00":       "2025-01-01",
		"2024-02-28T23:59:59.9999":              "2024-02-29",
		"2024-01-05T24:00:00":                   "2024-01-06",
		"2024-01-05T13:45":                      "2024-01-05",
		"2024-01-05 13:45:30,5":                 "2024-01-05",
		"2024-01-05T13:45:30+0530":              "2024-01-05",
	} {
		got, err := Date(input.Cell{Type: input.Date, Text: in}, nil, false)
		if err != nil || got != want {
			t.Errorf("Date(date cell %q) = %q, %v; want %s", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"2024-1-5":                  "not an ISO date",
		"05/01/2024":                "not an ISO date",
		"2024-01-05x":               "not an ISO date",
		"":                          "not an ISO date",
		"2023-02-29":                "not a calendar date",
		"2024-01-05T":               "not an ISO date",
		"2024-01-05T1:00":           "not an ISO date",
		"2024-01-05T13:45:30.":      "not an ISO date",
		"2024-01-05T13:45:30.5Q":    "not an ISO date",
		"2024-01-05T25:00:00":       "not an ISO date",
		"2024-01-05T24:00:01":       "not an ISO date",
		"2024-01-05T13:60:00":       "not an ISO date",
		"2024-01-05T13:45:30+5":     "not an ISO date",
		"2024-01-05T13:45:30+05:3":  "not an ISO date",
		"2023-02-29T23:59:59.9999Z": "not a calendar date",
	} {
		_, err := Date(input.Cell{Type: input.Date, Text: in}, nil, false)
		checkErr(t, err, msg, "")
	}
}

func TestDateOtherCells(t *testing.T) {
	for _, tc := range []struct {
		c         input.Cell
		msg, hint string
	}{
		{input.Cell{Type: input.Error, Text: "#N/A"}, "#N/A", "fix the formula in Excel"},
		{input.Cell{Type: input.Bool, Text: "0"}, "FALSE", "right column"},
		{input.Cell{Type: input.Blank}, "empty", "fill in"},
		{text(""), "empty", "fill in"},
		{text(" \u00a0"), "empty", "fill in"},
	} {
		_, err := Date(tc.c, nil, false)
		checkErr(t, err, tc.msg, tc.hint)
	}
}

func TestTextDatesUndeclared(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-05":               "2024-01-05",
		"2024/01/05":               "2024-01-05",
		"2024-1-5":                 "2024-01-05",
		" 2024-01-05 ":             "2024-01-05",
		"2024-01-05 00:00:00":      "2024-01-05",
		"2024-01-05T00:00:00Z":     "2024-01-05",
		"2024-01-05 12:30":         "2024-01-05",
		"2024-01-05 3:15 PM":       "2024-01-05",
		"2024-01-05 03:15:00 a.m.": "2024-01-05",
		"2024-01-05T10:00:00+0200": "2024-01-05",
		"5 Jan 2024":               "2024-01-05",
		"05 January 2024":          "2024-01-05",
		"January 5, 2024":          "2024-01-05",
		"Jan 5, 2024":              "2024-01-05",
		"05-Jan-2024":              "2024-01-05",
		"05-JAN-2024":              "2024-01-05",
		"5-janv.-2024":             "2024-01-05",
		"5 janvier 2024":           "2024-01-05",
		"1er mars 2024":            "2024-03-01",
		"15 août 2024":             "2024-08-15",
		"15 AOÛT 2024":             "2024-08-15",
		"3 févr. 2024":             "2024-02-03",
		"5 de enero de 2024":       "2024-01-05",
		"5 de Setembro de 2024":    "2024-09-05",
		"12 dic 2024":              "2024-12-12",
		"12 dez 2024":              "2024-12-12",
		"10 out 2024":              "2024-10-10",
		"1º de março de 2024":      "2024-03-01",
		"2024 Jan 05":              "2024-01-05",
		"2024-Jan-05":              "2024-01-05",
		"5th January 2024":         "2024-01-05",
		"January 21st, 2024":       "2024-01-21",
		"the 5th of May 2024":      "2024-05-05",
		"5 Jan 2024 10:00":         "2024-01-05",
		"5 Jan 2024 10:00:00":      "2024-01-05",
		"29 Feb 2024":              "2024-02-29",
	} {
		got, err := Date(text(in), nil, false)
		if err != nil || got != want {
			t.Errorf("Date(%q) = %q, %v; want %s", in, got, err, want)
		}
	}
	for _, tc := range []struct{ in, msg, hint string }{
		{"05/01/2024", `ambiguous date "05/01/2024": it reads as 2024-01-05 (DD/MM/YYYY) or as 2024-05-01 (MM/DD/YYYY)`, "make it an Excel date, or write it as YYYY-MM-DD (2024-01-05 if it is DD/MM/YYYY); or, for whoever maintains the mapping: declare locale.date_formats: [DD/MM/YYYY] (or [MM/DD/YYYY])"},
		{"5/1/2024", "ambiguous date", "[D/M/YYYY] (or [M/D/YYYY])"},
		// Unambiguous, but without a column to confirm the order: convert
		// reads them with DateInOrder.
		{"13/01/2024", `"13/01/2024" needs a declared date format (with DD/MM/YYYY it would read as 2024-01-13)`, "make it an Excel date, or write it as 2024-01-13; or, for whoever maintains the mapping: declare locale.date_formats: [DD/MM/YYYY]"},
		{"01/13/2024", "with MM/DD/YYYY it would read as 2024-01-13", "[MM/DD/YYYY]"},
		{"05.01.2024", "ambiguous date", "[DD.MM.YYYY] (or [MM.DD.YYYY])"},
		{"05-01-2024", "ambiguous date", "[DD-MM-YYYY] (or [MM-DD-YYYY])"},
		{"05/01/24", "ambiguous date", "[DD/MM/YY] (or [MM/DD/YY], or [YY/MM/DD])"},
		{"24/01/05", "ambiguous date", "[YY/MM/DD]"},
		{"05/01/2024 00:00:00", "ambiguous date", "[DD/MM/YYYY]"},
		{"05-Jan-24", "needs a declared date format", "[DD-MMM-YY]"},
		{"Jan 5, 24", "needs a declared date format", "[MMM D, YY]"},
		{"20240105", "needs a declared date format", "[YYYYMMDD]"},
		{"2024.01.05", "needs a declared date format", "[YYYY.MM.DD]"},
		{"45296", `"45296" is not a date`, "Excel date serial"},
		{"hello", `"hello" is not a date`, "YYYY-MM-DD"},
		{"32/13/2024", "is not a date", "make it an Excel date, or write it as YYYY-MM-DD; or, for whoever maintains the mapping: declare"},
		{"2024-02-30", "not a calendar date: February has no 30th day", "check the day and month in the cell (read as YYYY-MM-DD)"},
		{"2023-02-29", "2023 is not a leap year, so February has no 29th day", ""},
		{"2024-01-32", "no month has a 32nd day", ""},
		{"2024-13-01", "there is no month 13", ""},
		{"2024-00-10", "there is no month 0", ""},
		{"2024-01-00", "there is no day 0", ""},
		{"0000-01-01", "there is no year 0", ""},
		{"31 Feb 2024", "February has no 31st day", "with a month name"},
		{"2024-01-05 25:00", "is not a date", ""},
		{"2024-01-05 garbage", "is not a date", ""},
		{"2024-01-05T", "is not a date", ""},
		{"Friday 5 Jan 2024", "is not a date", ""},
		{"5 Jan Feb 2024", "is not a date", ""},
		{"5 Foo 2024", "is not a date", ""},
	} {
		_, err := Date(text(tc.in), nil, false)
		if err == nil {
			t.Errorf("Date(%q) succeeded", tc.in)
			continue
		}
		t.Run(tc.in, func(t *testing.T) { checkErr(t, err, tc.msg, tc.hint) })
	}
}

func TestTextDatesDeclared(t *testing.T) {
	for _, tc := range []struct {
		fs       []string
		in, want string
	}{
		{[]string{"DD/MM/YYYY"}, "05/01/2024", "2024-01-05"},
		{[]string{"DD/MM/YYYY"}, "5/1/2024", "2024-01-05"},
		{[]string{"dd/mm/yyyy"}, "13/01/2024", "2024-01-13"},
		{[]string{"MM/DD/YYYY"}, "05/01/2024", "2024-05-01"},
		{[]string{"M/D/YYYY"}, "1/5/2024", "2024-01-05"},
		{[]string{"M/D/YYYY"}, "01/05/2024", "2024-01-05"},
		{[]string{"DD/MM/YYYY"}, "05/01/2024 00:00:00", "2024-01-05"},
		{[]string{"DD/MM/YYYY"}, "05/01/2024 13:30", "2024-01-05"},
		{[]string{"DD.MM.YYYY"}, "05.01.2024", "2024-01-05"},
		{[]string{"DD-MM-YY"}, "05-01-24", "2024-01-05"},
		{[]string{"DD-MM-YY"}, "05-01-69", "2069-01-05"},
		{[]string{"DD-MM-YY"}, "05-01-70", "1970-01-05"},
		{[]string{"DD-MM-YY"}, "05-01-99", "1999-01-05"},
		{[]string{"DD-MM-YY"}, "05-01-00", "2000-01-05"},
		{[]string{"DD-MMM-YY"}, "05-Jan-24", "2024-01-05"},
		{[]string{"DD-MMM-YYYY"}, "05-janv.-2024", "2024-01-05"},
		{[]string{"D MMMM YYYY"}, "5 janvier 2024", "2024-01-05"},
		{[]string{"D MMMM YYYY"}, "5  Jan 2024", "2024-01-05"},
		{[]string{"MMMM D, YYYY"}, "January 5, 2024", "2024-01-05"},
		{[]string{"DD.MMM.YYYY"}, "05.Jan.2024", "2024-01-05"},
		{[]string{"YYYYMMDD"}, "20240105", "2024-01-05"},
		{[]string{"DDMMYYYY"}, "05012024", "2024-01-05"},
		{[]string{"DDMMMYYYY"}, "05JAN2024", "2024-01-05"},
		{[]string{"YYYY/DD/MM"}, "2024/13/01", "2024-01-13"},
		// A declared format that does not fit falls back to ISO and names.
		{[]string{"DD/MM/YYYY"}, "2024-01-05", "2024-01-05"},
		{[]string{"DD/MM/YYYY"}, "5 Jan 2024", "2024-01-05"},
		// Several formats: the one that reads the text.
		{[]string{"DD/MM/YYYY", "DD-MMM-YYYY"}, "05-Jan-2024", "2024-01-05"},
		{[]string{"DD/MM/YYYY", "MM/DD/YYYY"}, "13/01/2024", "2024-01-13"},
		{[]string{"DD/MM/YYYY", "MM/DD/YYYY"}, "01/13/2024", "2024-01-13"},
		{[]string{"DD/MM/YYYY", "MM/DD/YYYY"}, "05/05/2024", "2024-05-05"},
		{[]string{"DD/MM/YYYY", "D/M/YYYY"}, "05/01/2024", "2024-01-05"},
	} {
		got, err := Date(text(tc.in), formats(t, tc.fs...), false)
		if err != nil || got != tc.want {
			t.Errorf("Date(%q, %v) = %q, %v; want %s", tc.in, tc.fs, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		fs            []string
		in, msg, hint string
	}{
		{[]string{"DD/MM/YYYY", "MM/DD/YYYY"}, "05/01/2024", "ambiguous date \"05/01/2024\": it reads as 2024-01-05 with DD/MM/YYYY and as 2024-05-01 with MM/DD/YYYY", "keep in locale.date_formats"},
		{[]string{"DD/MM/YYYY"}, "31/02/2024", "not a calendar date: February has no 31st day", "check the day and month in the cell (read with the format DD/MM/YYYY)"},
		{[]string{"DD/MM/YYYY"}, "29/02/2026", "2026 is not a leap year", "check the day and month in the cell"},
		{[]string{"DD/MM/YYYY"}, "01/13/2024", "there is no month 13", "check the day and month in the cell (read with the format DD/MM/YYYY); or, for whoever maintains the mapping: if the file writes the day and month the other way round, change locale.date_formats"},
		{[]string{"DD/MM/YYYY"}, "05.01.2024", `"05.01.2024" does not match the date format DD/MM/YYYY`, "add [DD.MM.YYYY] (or [MM.DD.YYYY]) to locale.date_formats"},
		{[]string{"DD/MM/YYYY", "YYYYMMDD"}, "05-01-2024", "does not match any of the date formats DD/MM/YYYY, YYYYMMDD", "make it an Excel date, or write it as DD/MM/YYYY"},
		{[]string{"DD/MM/YYYY"}, "05/01/24", "does not match", "[DD/MM/YY]"},
		{[]string{"DD/MM/YYYY"}, "005/01/2024", "does not match", ""},
		{[]string{"DD/MM/YYYY"}, "05/01/20245", "does not match", ""},
		{[]string{"DD/MM/YYYY"}, "05/01/2024x", "does not match", ""},
		{[]string{"DD/MM/YY"}, "05/01/2024", "does not match", ""},
		{[]string{"YYYYMMDD"}, "2024015", "does not match", ""},
		{[]string{"DD-MMM-YYYY"}, "05-Foo-2024", "does not match", ""},
		{[]string{"DD/MM/YYYY"}, "hello", "does not match", "make it an Excel date, or write it as DD/MM/YYYY or YYYY-MM-DD"},
	} {
		_, err := Date(text(tc.in), formats(t, tc.fs...), false)
		if err == nil {
			t.Errorf("Date(%q, %v) succeeded", tc.in, tc.fs)
			continue
		}
		t.Run(tc.in, func(t *testing.T) { checkErr(t, err, tc.msg, tc.hint) })
	}
}

func TestParseDateFormat(t *testing.T) {
	for _, f := range []string{"DD/MM/YYYY", "dd/mm/yyyy", "D/M/YY", "YYYY-MM-DD", "MMMM D, YYYY", "DD-MMM-YY", "DDMMYYYY", "YYYYMMDD", "DD.MM.YYYY", " DD MM YYYY ", "YYYY年MM月DD日"} {
		df, err := ParseDateFormat(f)
		if err != nil {
			t.Errorf("ParseDateFormat(%q): %v", f, err)
			continue
		}
		if df.String() == "" {
			t.Errorf("ParseDateFormat(%q).String() is empty", f)
		}
	}
	for f, msg := range map[string]string{
		"":                 "empty",
		"DD/MM":            "one year",
		"MM/YYYY":          "one day",
		"DD/YYYY":          "one month",
		"DD/MM/YYY":        "not a date token",
		"DD/MM/Y":          "not a date token",
		"DDD/MM/YYYY":      "weekday",
		"DDDDD/MM/YYYY":    "not a date token",
		"MMMMM/DD/YYYY":    "not a date token",
		"DD/MM/YYYY/YY":    "one year",
		"DD/MM/YYYY HH:mm": "not a date token",
		"DMYYYY":           "needs a separator",
		"DDMYYYY":          "needs a separator",
		"DD/MM/2024":       "digits",
		"\xff DD/MM/YYYY":  "UTF-8",
	} {
		_, err := ParseDateFormat(f)
		if err == nil {
			t.Errorf("ParseDateFormat(%q) succeeded", f)
			continue
		}
		checkErr(t, err, msg, "DD/MM/YYYY")
	}
	if _, err := ParseDateFormats([]string{"DD/MM/YYYY", "bad"}); err == nil {
		t.Error("ParseDateFormats accepted a bad format")
	}
	_, err := Date(text("05/01/2024"), []string{"DD/MM/YYYY", "DD/MM/YYY"}, false)
	checkErr(t, err, `date format "DD/MM/YYY"`, "DD/MM/YYYY")
	// The cache stops growing but keeps working.
	for i := 0; i < maxCachedFormats+10; i++ {
		f := "DD/MM/YYYY" + strings.Repeat(" ", i)
		if got, err := Date(text("05/01/2024"), []string{f}, false); err != nil || got != "2024-01-05" {
			t.Fatalf("Date with format %q = %q, %v", f, got, err)
		}
	}
}

// A day and a month in numbers off the calendar is explained by its month
// and day, with or without a declared format: a number over 12 tells which
// is the day.
func TestDateOffCalendar(t *testing.T) {
	for _, tc := range []struct {
		fs            []string
		in, msg, hint string
	}{
		{nil, "31/02/2026", `"31/02/2026" is not a calendar date: February has no 31st day`, "check the day and month in the cell (read day first, as DD/MM/YYYY)"},
		{nil, "02/31/2026", "February has no 31st day", "read month first, as MM/DD/YYYY"},
		{nil, "29/02/2026", "2026 is not a leap year, so February has no 29th day", "check the day and month in the cell"},
		{nil, "02/29/2026", "2026 is not a leap year", "month first"},
		{nil, "29/02/2100", "2100 is not a leap year", ""},
		{nil, "31-04-2026", "April has no 31st day", "read day first, as DD-MM-YYYY"},
		{nil, "31.06.2026 10:00", "June has no 31st day", "DD.MM.YYYY"},
		{nil, "30/02/2024", "February has no 30th day", ""},
		{[]string{"DD/MM/YYYY"}, "31/02/2026", "February has no 31st day", "check the day and month in the cell (read with the format DD/MM/YYYY)"},
		{[]string{"MM/DD/YYYY"}, "02/29/2026", "2026 is not a leap year", "read with the format MM/DD/YYYY"},
		{[]string{"DD/MM/YYYY"}, "31/09/2026", "September has no 31st day", ""},
		// Both numbers over 12, or none: no day to name.
		{nil, "32/13/2026", `"32/13/2026" is not a date`, ""},
		{nil, "00/05/2026", `"00/05/2026" is not a date`, ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := Date(text(tc.in), formats(t, tc.fs...), false)
			if err == nil {
				t.Fatalf("Date(%q, %v) succeeded", tc.in, tc.fs)
			}
			checkErr(t, err, tc.msg, tc.hint)
		})
	}
	// Valid unambiguous dates still need a format without a column.
	for _, in := range []string{"29/02/2024", "15/11/2026", "11/15/2026"} {
		_, err := Date(text(in), nil, false)
		checkErr(t, err, "needs a declared date format", "make it an Excel date")
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th",
		21: "21st", 22: "22nd", 23: "23rd", 29: "29th", 30: "30th", 31: "31st", 32: "32nd", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDateOrderOf(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want DateOrder
		sep  byte
	}{
		{"15/11/2026", DayFirst, '/'},
		{"11/15/2026", MonthFirst, '/'},
		{"03/04/2026", EitherOrder, '/'},
		{"3/4/2026", EitherOrder, '/'},
		{"12/12/2026", EitherOrder, '/'},
		{"13-01-2026", DayFirst, '-'},
		{"01.13.2026", MonthFirst, '.'},
		{" 15/11/2026 ", DayFirst, '/'},
		{"15/11/2026 00:00:00", DayFirst, '/'},
		{"11/15/2026 3:15 PM", MonthFirst, '/'},
		{"31/02/2026", DayFirst, '/'}, // off the calendar, but 31 is a day
		{"00/05/2026", EitherOrder, '/'},
		{"32/13/2026", NoOrder, '/'}, // neither number is a month
		{"15/11/26", NoOrder, 0},     // two-digit years read three ways
		{"15/11-2026", NoOrder, 0},
		{"15/11/20261", NoOrder, 0},
		{"015/11/2026", NoOrder, 0},
		{"15//2026", NoOrder, 0},
		{"2026-11-15", NoOrder, 0},
		{"15 Nov 2026", NoOrder, 0},
		{"15112026", NoOrder, 0},
		{"15/11/2026x", NoOrder, 0},
		{"", NoOrder, 0},
	} {
		if got := DateOrderOf(tc.in); got != tc.want {
			t.Errorf("DateOrderOf(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if got := DateSeparator(tc.in); got != tc.sep {
			t.Errorf("DateSeparator(%q) = %q, want %q", tc.in, got, tc.sep)
		}
	}
	equalStr := func(what, got, want string) {
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	equalStr("DayFirst.Layout('/')", DayFirst.Layout('/'), "DD/MM/YYYY")
	equalStr("MonthFirst.Layout('-')", MonthFirst.Layout('-'), "MM-DD-YYYY")
	equalStr("EitherOrder.Layout('/')", EitherOrder.Layout('/'), "")
	equalStr("EitherOrder.String()", EitherOrder.String(), "either order")
	equalStr("NoOrder.String()", NoOrder.String(), "no order")
}

func TestDateInOrder(t *testing.T) {
	for _, tc := range []struct {
		c     input.Cell
		order DateOrder
		want  string
	}{
		{text("03/04/2026"), DayFirst, "2026-04-03"},
		{text("03/04/2026"), MonthFirst, "2026-03-04"},
		{text("3/4/2026 00:00:00"), DayFirst, "2026-04-03"},
		{text("15/11/2026"), DayFirst, "2026-11-15"},
		{text("11/15/2026"), MonthFirst, "2026-11-15"},
		{text("12.11.2026"), DayFirst, "2026-11-12"},
		{text("29/02/2024"), DayFirst, "2024-02-29"},
		// Other forms read as without formats.
		{text("2026-11-15"), DayFirst, "2026-11-15"},
		{text("15 Nov 2026"), MonthFirst, "2026-11-15"},
		{dateNum("46341", "dd/mm/yyyy"), MonthFirst, "2026-11-15"},
		{input.Cell{Type: input.Date, Text: "2026-11-15T00:00:00"}, DayFirst, "2026-11-15"},
	} {
		got, err := DateInOrder(tc.c, tc.order, false)
		if err != nil || got != tc.want {
			t.Errorf("DateInOrder(%q, %v) = %q, %v; want %s", tc.c.Text, tc.order, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		c         input.Cell
		order     DateOrder
		msg, hint string
	}{
		{text("11/15/2026"), DayFirst, `"11/15/2026" is written month first (there is no month 15), but the column's other dates are written day first`, "check the day and month in the cell"},
		{text("15/11/2026"), MonthFirst, "written day first", ""},
		{text("31/02/2026"), DayFirst, "February has no 31st day", "check the day and month in the cell (read day first, as DD/MM/YYYY)"},
		{text("02/30/2026"), MonthFirst, "February has no 30th day", "month first, as MM/DD/YYYY"},
		{text("29/02/2026"), DayFirst, "2026 is not a leap year", ""},
		{text("32/13/2026"), DayFirst, "there is no month 13", ""},
		// Without an order, what Date says.
		{text("03/04/2026"), EitherOrder, `ambiguous date "03/04/2026"`, "make it an Excel date"},
		{text("03/04/2026"), NoOrder, "ambiguous date", ""},
		{text("hello"), DayFirst, "is not a date", ""},
	} {
		_, err := DateInOrder(tc.c, tc.order, false)
		if err == nil {
			t.Errorf("DateInOrder(%q, %v) succeeded", tc.c.Text, tc.order)
			continue
		}
		checkErr(t, err, tc.msg, tc.hint)
	}
}
