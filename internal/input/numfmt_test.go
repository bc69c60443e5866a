package input

import "testing"

func TestIsDateFormat(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		// Not dates.
		{"", false},
		{"General", false},
		{"general", false},
		{"GENERAL", false},
		{"@", false},
		{"0", false},
		{"0.00", false},
		{"#,##0", false},
		{"#,##0.00", false},
		{"00000", false},
		{"000000000000000000", false},
		{"0%", false},
		{"0.00%", false},
		{"0.00E+00", false},
		{"##0.0E+0", false},
		{"0.00e-00", false},
		{"# ?/?", false},
		{"# ??/??", false},
		{`"$"#,##0_);\("$"#,##0\)`, false},
		{`_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)`, false},
		{`_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)`, false},
		{"#,##0 ;[Red](#,##0)", false},
		{"[Red]0.00", false},
		{"[Blue]#,##0;[Magenta]-#,##0", false},
		{"[Color10]0", false},
		{"[>=100]0;[<100]0.0", false},
		{"[$€-2] #,##0.00", false},
		{"[$USD] #,##0.00", false},
		{"[$-409]#,##0", false},
		{`0.0 "days"`, false},
		{`0 "months"`, false},
		{`"yyyy"0`, false},
		{`0\d`, false},
		{`0\h\r\s`, false},
		{"0_m", false},
		{"0*s", false},
		{"#,##0;-#,##0;0;@", false},
		{`;;;`, false},
		{`0.00;dd/mm/yyyy`, false}, // only the first section counts
		{"[DBNum1]0", false},
		{"[Red]", false},
		{`"unterminated`, false},
		{"[unterminated", false},
		{"a", false},
		{"A", false},

		// Dates and times.
		{"mm-dd-yy", true},
		{"d-mmm-yy", true},
		{"d-mmm", true},
		{"mmm-yy", true},
		{"h:mm AM/PM", true},
		{"h:mm:ss AM/PM", true},
		{"h:mm", true},
		{"h:mm:ss", true},
		{"m/d/yy h:mm", true},
		{"mm:ss", true},
		{"[h]:mm:ss", true},
		{"[hh]:mm", true},
		{"[mm]:ss", true},
		{"[ss].0", true},
		{"[H]:MM", true},
		{"mmss.0", true},
		{"dd/mm/yyyy", true},
		{"DD/MM/YYYY", true},
		{"d/m/yyyy", true},
		{"yyyy-mm-dd", true},
		{"yyyy-mm-dd hh:mm:ss", true},
		{"yyyy-mm-dd\\Thh:mm:ss", true},
		{"dddd, mmmm d, yyyy", true},
		{"[$-409]d-mmm-yy;@", true},
		{"[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", true},
		{"[$-F400]h:mm:ss\\ AM/PM", true},
		{"[$-x-sysdate]dddd, mmmm dd, yyyy", true},
		{"[Red][<=0]dd/mm/yyyy", true},
		{`"Due "dd/mm/yyyy`, true},
		{`d "de" mmmm "de" yyyy`, true},
		{"m/d", true},
		{"yy", true},
		{"A/P h", true},
		{"am/pm", true},
		{"hh", true},
		{"ss", true},
		{"[$-411]ge.m.d", true},
		{"ggge\"年\"m\"月\"d\"日\"", true},
		{"e", true},
		{"bbbb/mm/dd", true},
		{`yyyy"年"m"月"d"日"`, true},
		{`上午/下午h"时"mm"分"`, true},
		{"dd/mm/yyyy;@", true},
		{"mm/dd/yyyy;;", true},
	}
	for _, tt := range tests {
		if got := IsDateFormat(tt.code); got != tt.want {
			t.Errorf("IsDateFormat(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

// IsTimeFormat is true for formats with a time part and no date part:
// their cells hold a time of day or a duration, never a date.
func TestIsTimeFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"h:mm":                    true,
		"mm:ss":                   true,
		"[h]:mm:ss":               true,
		"[mm]:ss":                 true,
		"h:mm AM/PM":              true,
		"h:mm a/p":                true,
		`[$-409]h:mm:ss AM/PM;@`:  true,
		`hh\h mm`:                 true,
		"m/d/yyyy h:mm":           false,
		"mmm-yy":                  false,
		"yyyy-mm-dd":              false,
		"mm":                      false,
		"mmmm AM/PM":              false,
		"General":                 false,
		"0.00":                    false,
		`"h:mm"0`:                 false,
		"d-mmm-yy h:mm AM/PM;@":   false,
		"[Red]h:mm;[Blue]dd/mm/y": true,
	} {
		if got := IsTimeFormat(code); got != want {
			t.Errorf("IsTimeFormat(%q) = %v, want %v", code, got, want)
		}
		if want && !IsDateFormat(code) {
			t.Errorf("IsDateFormat(%q) = false for a time format", code)
		}
	}
}

// The built-in formats: dates exactly at the ids ECMA-376 (and the East
// Asian locales) make dates.
func TestBuiltinNumFmts(t *testing.T) {
	isDateID := func(id int) bool {
		return 14 <= id && id <= 22 || 27 <= id && id <= 36 || 45 <= id && id <= 47 || 50 <= id && id <= 58
	}
	for id := 0; id < 164; id++ {
		code := builtinNumFmt(id)
		if _, ok := builtinNumFmts[id]; !ok {
			if code != "General" {
				t.Errorf("id %d: %q, want General", id, code)
			}
			continue
		}
		if got := IsDateFormat(code); got != isDateID(id) {
			t.Errorf("id %d (%q): IsDateFormat = %v", id, code, got)
		}
	}
	for id, want := range map[int]string{0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
		11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 22: "m/d/yy h:mm", 46: "[h]:mm:ss", 49: "@"} {
		if got := builtinNumFmt(id); got != want {
			t.Errorf("builtinNumFmt(%d) = %q, want %q", id, got, want)
		}
	}
	if got := builtinNumFmt(-1); got != "General" {
		t.Errorf("builtinNumFmt(-1) = %q", got)
	}
}

func FuzzXLSXDateFormat(f *testing.F) {
	for _, s := range []string{"dd/mm/yyyy", `"x"0`, "[h]:mm", "[Red]0;", `0\d_m*s`, "General", "h:mm AM/PM", "mm:ss"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		// Must not panic; a time-only format is a date-or-time format.
		if IsTimeFormat(code) && !IsDateFormat(code) {
			t.Fatalf("IsTimeFormat(%q) without IsDateFormat", code)
		}
	})
}
