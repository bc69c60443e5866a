package values

import (
	"testing"

	"github.com/kiva-partners/kivaconv/internal/input"
)

func TestID(t *testing.T) {
	for _, tc := range []struct {
		c    input.Cell
		want string
	}{
		{text("L-00123"), "L-00123"},
		{text("00123"), "00123"},
		{text("  00123\u00a0"), "00123"},
		{text("\ufeff00123"), "00123"},
		{text("AB  12"), "AB  12"},
		{text("1.23E+10"), "1.23E+10"}, // Excel shows 11 digits in full
		{text("2E10"), "2E10"},
		{text("Cafe\u0301-1"), "Café-1"}, // NFC
		{dateNum("123", "General"), "123"},
		{dateNum("123", ""), "123"},
		{dateNum("1234.0", "General"), "1234"},
		{dateNum("1234.000", "0"), "1234"},
		{dateNum("0", "General"), "0"},
		{dateNum("-0", "General"), "0"},
		{dateNum("123456789012345", "0"), "123456789012345"},
		{dateNum("123", "00000"), "00123"},
		{dateNum("123", "000000000"), "000000123"},
		{dateNum("1234567", "00000"), "1234567"},
		{dateNum("0", "00000"), "00000"},
		{dateNum("123", `"L"00000`), "L00123"},
		{dateNum("123", `\L00000`), "L00123"},
		{dateNum("123", `\L\-00000`), "L-00123"},
		{dateNum("123", `"CL-"0000"-A"`), "CL-0123-A"},
		{dateNum("123456789", "000-00-0000"), "123-45-6789"},
		{dateNum("12345", "00000-0000"), "00001-2345"},
		{dateNum("123", "00000;-00000"), "00123"},
		{dateNum("123", "[Blue]00000"), "00123"},
		{dateNum("123", "#0000"), "0123"},
		{dateNum("123", "#"), "123"},
		{dateNum("123", "_(00000_)"), "00123"},
		{dateNum("123", "#,##0"), "123"},
		{dateNum("1234", "#,##0"), "1234"},
		{dateNum("1234", "0.00"), "1234"},
		{dateNum("1234", "@"), "1234"},
		{dateNum("1234", "0%"), "1234"},
		{dateNum("1234", `"unterminated`), "1234"},
	} {
		got, err := ID(tc.c)
		if err != nil || got != tc.want {
			t.Errorf("ID(%v %q, %q) = %q, %v; want %q", tc.c.Type, tc.c.Text, tc.c.Format, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		c         input.Cell
		msg, hint string
	}{
		{dateNum("1.2345678901234568E+18", "General"), "the ID 1.23456789012346E+18 lost digits: Excel keeps only 15", "format the column as Text in Excel and retype the IDs, or export them as text from the MIS"},
		{dateNum("12345678901234567890", "0"), "the ID 1.23456789012346E+19 lost digits", "format the column as Text"},
		{dateNum("1234567890123456", "0"), "the ID 1.23456789012346E+15 lost digits", ""},
		{dateNum("1E+20", "0"), "the ID 1E+20 lost digits", ""},
		{dateNum("123.5", "General"), "the ID 123.5 is not a whole number", "IDs are whole"},
		{dateNum("1.5E-3", "General"), "not a whole number", ""},
		{dateNum("-5", "General"), "negative", "right column"},
		{dateNum("45296", "dd/mm/yyyy"), "formatted as a date", "format the column as Text"},
		{dateNum("x", "General"), "not a number", "re-save"},
		{text("1.23457E+18"), "the ID 1.23457E+18 lost digits: Excel showed it in scientific notation", "format the column as Text"},
		{text("1E+15"), "lost digits", ""},
		{text(""), "empty", "fill in"},
		{text("   "), "empty", "fill in"},
		{text("L1\nL2"), "line break or a tab", "CLEAN"},
		{text("L1\tL2"), "line break or a tab", ""},
		{text("L\x0012"), "control character", ""},
		{text("L\ufffd12"), "replacement character", "--encoding windows-1252"},
		{input.Cell{Type: input.Bool, Text: "1"}, "TRUE", "right column"},
		{input.Cell{Type: input.Error, Text: "#REF!"}, "#REF!", "fix the formula in Excel"},
		{input.Cell{Type: input.Date, Text: "2024-01-05"}, "date", ""},
		{input.Cell{Type: input.Blank}, "empty", ""},
	} {
		_, err := ID(tc.c)
		if err == nil {
			t.Errorf("ID(%q, %q) succeeded", tc.c.Text, tc.c.Format)
			continue
		}
		checkErr(t, err, tc.msg, tc.hint)
	}
}
