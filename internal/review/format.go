package review

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/kiva-partners/kivaconv/kiva"
)

// formatAmount writes an amount for people, from its exact decimal value:
// thousands grouped with commas, and the currency's decimal places when the
// currency is known and the amount needs no more (KES 153752.5 →
// "153,752.50"; UGX 1500 → "1,500").
func formatAmount(a kiva.Amount, currency string) string {
	places, _ := kiva.CurrencyPlaces(currency)
	return formatPlaces(a, places)
}

// formatPlaces writes a with grouped thousands and at least places
// decimals (more when the exact value needs them).
func formatPlaces(a kiva.Amount, places int) string {
	places = max(places, a.Places())
	txt := a.Decimal().StringFixed(int32(places))
	sign := ""
	if strings.HasPrefix(txt, "-") {
		sign, txt = "-", txt[1:]
	}
	intPart, frac, hasFrac := strings.Cut(txt, ".")
	s := sign + groupThousands(intPart)
	if hasFrac {
		s += "." + frac
	}
	return s
}

// formatMoney is formatAmount with the currency code in front, when known
// ("KES 1,500.00").
func formatMoney(a kiva.Amount, currency string) string {
	if currency == "" {
		return formatAmount(a, currency)
	}
	return currency + " " + formatAmount(a, currency)
}

// groupThousands puts a comma between every three digits of a run of
// digits ("1234567" → "1,234,567").
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// formatCount writes a count with grouped thousands ("40,000").
func formatCount(n int) string {
	if n < 0 {
		return "-" + groupThousands(strconv.Itoa(-n))
	}
	return groupThousands(strconv.Itoa(n))
}

// plural writes "1 loan draft" / "2 loan drafts" (n grouped).
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatCount(n) + " " + many
}

// anchorPart turns a record id into a fragment of an HTML id: ASCII letters,
// digits and '-' stay; every other byte becomes "_xx" (hex). The mapping is
// one-to-one, so two ids never share an anchor, and the result needs no
// escaping in a URL fragment.
func anchorPart(id string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// anchors hands out unique HTML ids for records: prefix + "-" + the
// record's id ("loan-000123"), prefix + "n" + its number for a record
// without id ("loann7"), and a ".2", ".3" suffix for a repeated id ('.'
// never occurs in anchorPart's output). The first record of each id is
// the one problems link to.
type anchors struct {
	prefix string
	seen   map[string]int
	first  map[string]string // record id → anchor of its first record
}

func newAnchors(prefix string) *anchors {
	return &anchors{prefix: prefix, seen: map[string]int{}, first: map[string]string{}}
}

// add returns the anchor of the index-th (1-based) record, whose id is id.
func (a *anchors) add(id string, index int) string {
	if id == "" {
		return a.prefix + "n" + strconv.Itoa(index)
	}
	a.seen[id]++
	anchor := a.prefix + "-" + anchorPart(id)
	if n := a.seen[id]; n > 1 {
		return anchor + "." + strconv.Itoa(n)
	}
	a.first[id] = anchor
	return anchor
}

// cellRef is where a problem is, the way a spreadsheet user looks for it:
// "Loans!P5" ('My sheet'!P5 when the sheet name needs quoting), "C7" for a
// CSV file, "row 5" when no column is known, "" when nothing is.
func cellRef(p Problem) string {
	switch {
	case p.Cell != "" && p.Sheet != "":
		return quoteSheet(p.Sheet) + "!" + p.Cell
	case p.Cell != "":
		return p.Cell
	case p.Row > 0 && p.Sheet != "":
		return quoteSheet(p.Sheet) + " row " + strconv.Itoa(p.Row)
	case p.Row > 0:
		return "row " + strconv.Itoa(p.Row)
	case p.Sheet != "":
		return "sheet " + quoteSheet(p.Sheet)
	}
	return ""
}

// quoteSheet quotes a sheet name as Excel formulas do when it holds
// anything but letters, digits and underscores.
func quoteSheet(s string) string {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127) {
			return "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
	}
	return s
}

// breakable escapes a long token with no spaces (a link) for a page on
// which it may wrap only after a "/", "?" or "&": each part is kept whole
// (a no-wrap span, also at its hyphens) with a <wbr> between parts, so on
// a phone a link wraps between its parts, never in the middle of one.
func breakable(s string) template.HTML {
	var b strings.Builder
	part := func(p string) {
		if p != "" {
			b.WriteString(`<span class="nw">` + template.HTMLEscapeString(p) + `</span>`)
		}
	}
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', '?', '&':
			if i+1 < len(s) && s[i+1] != '/' {
				part(s[start : i+1])
				b.WriteString("<wbr>")
				start = i + 1
			}
		}
	}
	part(s[start:])
	return template.HTML(b.String())
}
