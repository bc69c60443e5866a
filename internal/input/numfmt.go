package input

// Number formats. A workbook cell's style points at a number format by id:
// ids below 164 are built in (ECMA-376 Part 1 §18.8.30) and need not be
// written in styles.xml; a workbook may also define or redefine ids with
// <numFmt numFmtId="…" formatCode="…"/>. Only the code matters here: it
// says whether a number is shown as a date, and which digits an ID column
// shows ("00000" keeps leading zeros).

// builtinNumFmts are the built-in format codes. Ids 5–8 and 41–44 are
// locale-dependent currency and accounting formats, and 27–36 and 50–58
// are East Asian date formats; Excel normally writes their codes into the
// workbook, and the codes below (en-US and zh-CN) are only a fallback for
// files that do not. Ids that are not listed resolve to "General".
var builtinNumFmts = map[int]string{
	0:  "General",
	1:  "0",
	2:  "0.00",
	3:  "#,##0",
	4:  "#,##0.00",
	5:  `"$"#,##0_);\("$"#,##0\)`,
	6:  `"$"#,##0_);[Red]\("$"#,##0\)`,
	7:  `"$"#,##0.00_);\("$"#,##0.00\)`,
	8:  `"$"#,##0.00_);[Red]\("$"#,##0.00\)`,
	9:  "0%",
	10: "0.00%",
	11: "0.00E+00",
	12: "# ?/?",
	13: "# ??/??",
	14: "mm-dd-yy",
	15: "d-mmm-yy",
	16: "d-mmm",
	17: "mmm-yy",
	18: "h:mm AM/PM",
	19: "h:mm:ss AM/PM",
	20: "h:mm",
	21: "h:mm:ss",
	22: "m/d/yy h:mm",
	27: `yyyy"年"m"月"`,
	28: `m"月"d"日"`,
	29: `m"月"d"日"`,
	30: "m-d-yy",
	31: `yyyy"年"m"月"d"日"`,
	32: `h"时"mm"分"`,
	33: `h"时"mm"分"ss"秒"`,
	34: `上午/下午h"时"mm"分"`,
	35: `上午/下午h"时"mm"分"ss"秒"`,
	36: `yyyy"年"m"月"`,
	37: "#,##0 ;(#,##0)",
	38: "#,##0 ;[Red](#,##0)",
	39: "#,##0.00;(#,##0.00)",
	40: "#,##0.00;[Red](#,##0.00)",
	41: `_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)`,
	42: `_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)`,
	43: `_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)`,
	44: `_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)`,
	45: "mm:ss",
	46: "[h]:mm:ss",
	47: "mmss.0",
	48: "##0.0E+0",
	49: "@",
	50: `yyyy"年"m"月"`,
	51: `m"月"d"日"`,
	52: `yyyy"年"m"月"`,
	53: `m"月"d"日"`,
	54: `m"月"d"日"`,
	55: `上午/下午h"时"mm"分"`,
	56: `上午/下午h"时"mm"分"ss"秒"`,
	57: `yyyy"年"m"月"`,
	58: `m"月"d"日"`,
}

// builtinNumFmt returns the code of a built-in number format id, and
// "General" for ids that have none.
func builtinNumFmt(id int) string {
	if code, ok := builtinNumFmts[id]; ok {
		return code
	}
	return "General"
}

// IsDateFormat reports whether a number format code shows a number as a
// date or time ("dd/mm/yyyy", "mm-dd-yy", "h:mm", "[h]:mm:ss",
// "[$-409]d-mmm-yy;@"). Only the first section (the one used for positive
// numbers) is examined. Quoted text ("days"), backslash-escaped characters
// (\d), the character after _ (padding) and * (fill), and bracketed
// colours, conditions and locales ([Red], [>100], [$-409]) are skipped;
// the elapsed-time brackets [h], [mm] and [ss] are time.
func IsDateFormat(code string) bool {
	date, time := dateTimeParts(code)
	return date || time
}

// IsTimeFormat reports whether a number format code shows a time of day
// or a duration with no date part ("h:mm", "[h]:mm:ss", "mm:ss.0",
// "h:mm AM/PM"): a number in it is a time, never a calendar date.
func IsTimeFormat(code string) bool {
	date, time := dateTimeParts(code)
	return time && !date
}

// dateTimeParts reports whether the first section of a number format code
// has date parts (years, months, days, eras) and time parts (hours,
// minutes, seconds, AM/PM, elapsed time). An m is minutes right after an
// hour or right before a second, as Excel reads it, and a month otherwise.
func dateTimeParts(code string) (date, time bool) {
	// prev is the last date or time letter seen: 'h', 's', 'm' or 'd'
	// (any other date letter); mPending is an m not yet known to be a
	// month or minutes.
	var prev byte
	mPending := false
	resolve := func(next byte) {
		if mPending {
			if next == 's' {
				time = true
			} else {
				date = true
			}
			mPending = false
		}
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case ';':
			resolve(0)
			return date, time // end of the first section
		case '"':
			// Quoted literal: skip to the closing quote.
			j := i + 1
			for j < len(code) && code[j] != '"' {
				j++
			}
			i = j
		case '\\', '_', '*':
			i++ // the next character is literal, padding or fill
		case '[':
			j := i + 1
			for j < len(code) && code[j] != ']' {
				j++
			}
			if isElapsedBracket(code[i+1 : j]) {
				l := code[i+1] | 0x20
				if l == 'm' && prev == 0 {
					l = 'h' // [mm] is elapsed minutes
				}
				resolve(l)
				time, prev = true, l
			}
			i = j
		case 'G', 'g':
			// "General" is a word of its own; a lone g/gg/ggg is the
			// Japanese era name, which only date formats use.
			if nfHasPrefixFold(code[i:], "general") {
				i += len("general") - 1
				continue
			}
			resolve('d')
			date, prev = true, 'd'
		case 'E', 'e':
			// Scientific notation (0.00E+00) is not a date; a lone e
			// (era year in some locales) is.
			if i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-') {
				i++
				continue
			}
			resolve('d')
			date, prev = true, 'd'
		case 'y', 'Y', 'd', 'D', 'b', 'B':
			resolve('d')
			date, prev = true, 'd'
		case 'h', 'H', 's', 'S':
			l := c | 0x20
			resolve(l)
			time, prev = true, l
		case 'm', 'M':
			for i+1 < len(code) && code[i+1]|0x20 == 'm' {
				i++
			}
			resolve('m')
			if prev == 'h' {
				time, prev = true, 'm'
			} else {
				mPending, prev = true, 'm'
			}
		case 'A', 'a':
			// AM/PM and A/P are time markers; their M must not be read
			// as a month.
			for _, marker := range []string{"am/pm", "a/p"} {
				if nfHasPrefixFold(code[i:], marker) {
					resolve(0)
					time = true
					i += len(marker) - 1
					break
				}
			}
		}
	}
	resolve(0)
	return date, time
}

// isElapsedBracket reports whether the inside of a [...] is an elapsed-time
// token: one or more of the same letter h, m or s.
func isElapsedBracket(s string) bool {
	if s == "" {
		return false
	}
	c := s[0] | 0x20
	if c != 'h' && c != 'm' && c != 's' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i]|0x20 != c {
			return false
		}
	}
	return true
}

// nfHasPrefixFold reports whether s starts with the ASCII lower-case prefix,
// ignoring ASCII case.
func nfHasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
