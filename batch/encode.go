package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/kiva-partners/kivaconv/kiva"
)

// Encode is the one JSON form of every file in an output folder: UTF-8,
// two-space indentation, a trailing newline, and no HTML escaping, so "<"
// and "&" in a description stay readable for the reviewer. Field order is
// the struct order, so the same value always gives the same bytes.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SHA256 is the lower-case hex sha256 of data, the form the manifest uses.
func SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// FileSHA256 is the lower-case hex sha256 of the file's content.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// The hot batch bodies (repayments and journals: thousands of files of up
// to MaxBatchSize records) are written by the append functions below
// rather than through reflection and a second indentation pass. Their
// output is byte for byte what Encode gives for the same value (see
// TestFastEncodeMatchesEncode and FuzzEncodeRepayments): same field order,
// same omitempty rules, same two-space indentation, same string escaping,
// nil slices as null, empty ones as [].

// appendRepaymentsBody appends Encode(kiva.RepaymentsBody{Repayments: reps}).
func appendRepaymentsBody(b []byte, reps []kiva.Repayment) []byte {
	b = append(b, "{\n  \"repayments\": "...)
	switch {
	case reps == nil:
		b = append(b, "null"...)
	case len(reps) == 0:
		b = append(b, "[]"...)
	default:
		b = append(b, "[\n"...)
		for i := range reps {
			r := &reps[i]
			if i > 0 {
				b = append(b, ",\n"...)
			}
			b = append(b, "    {\n      \"loan_id\": "...)
			b = appendJSONString(b, r.LoanID)
			if r.ClientID != "" {
				b = append(b, ",\n      \"client_id\": "...)
				b = appendJSONString(b, r.ClientID)
			}
			b = append(b, ",\n      \"amount\": "...)
			b = appendAmount(b, r.Amount)
			b = append(b, "\n    }"...)
		}
		b = append(b, "\n  ]"...)
	}
	return append(b, "\n}\n"...)
}

// appendJournalsBody appends Encode(kiva.JournalsBody{Journals: js}) when
// wrapped, else Encode(js).
func appendJournalsBody(b []byte, js []kiva.Journal, wrapped bool) []byte {
	indent := ""
	if wrapped {
		b = append(b, "{\n  \"journals\": "...)
		indent = "  "
	}
	switch {
	case js == nil:
		b = append(b, "null"...)
	case len(js) == 0:
		b = append(b, "[]"...)
	default:
		b = append(b, "[\n"...)
		for i := range js {
			j := &js[i]
			if i > 0 {
				b = append(b, ",\n"...)
			}
			b = append(b, indent...)
			b = append(b, "  {\n"...)
			b = appendJSONField(b, indent, "internal_loan_id", j.InternalLoanID, false)
			if j.InternalClientID != "" {
				b = appendJSONField(b, indent, "internal_client_id", j.InternalClientID, true)
			}
			b = appendJSONField(b, indent, "subject", j.Subject, true)
			b = appendJSONField(b, indent, "body", j.Body, true)
			if j.ImageURL != "" {
				b = appendJSONField(b, indent, "image_url", j.ImageURL, true)
			}
			b = append(b, '\n')
			b = append(b, indent...)
			b = append(b, "  }"...)
		}
		b = append(b, '\n')
		b = append(b, indent...)
		b = append(b, ']')
	}
	if wrapped {
		b = append(b, "\n}"...)
	}
	return append(b, '\n')
}

// appendJSONField appends one string field of a journal object (at depth
// 2 below indent), preceded by ",\n" unless it is the first.
func appendJSONField(b []byte, indent, key, value string, comma bool) []byte {
	if comma {
		b = append(b, ",\n"...)
	}
	b = append(b, indent...)
	b = append(b, "    \""...)
	b = append(b, key...)
	b = append(b, "\": "...)
	return appendJSONString(b, value)
}

const hexDigits = "0123456789abcdef"

// jsonSafe[c] is true for the ASCII bytes encoding/json copies as they are
// when HTML escaping is off: everything from space up, DEL included,
// except the quote and the backslash.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it with SetEscapeHTML(false): '"' and '\\' are backslash-escaped;
// of the control characters below U+0020, \b \f \n \r and \t take their
// short forms and the others \u00XX (lower-case hex); U+2028 and U+2029 are
// written \u2028 and \u2029; each byte of invalid UTF-8 becomes \ufffd.
// Everything else, "<", ">" and "&" included, is copied as it is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendAmount appends a.String(), what kiva.Amount's MarshalJSON writes,
// without the big.Int formatting and allocations behind it for the usual
// amount: a coefficient of at most 18 digits and 0 to 18 decimal places.
// Anything else, or decimal's package-wide string settings changed from
// their defaults, goes through a.String() itself. FuzzAppendAmount checks
// the two agree.
func appendAmount(b []byte, a kiva.Amount) []byte {
	d := a.Decimal()
	exp := d.Exponent()
	if exp > 0 || exp < -18 || !decimal.TrimTrailingZeros || decimal.UseScientificNotation || d.NumDigits() > 18 {
		return append(b, a.String()...)
	}
	c := d.CoefficientInt64()
	if exp == 0 {
		return strconv.AppendInt(b, c, 10)
	}
	u := uint64(c)
	if c < 0 {
		b = append(b, '-')
		u = -u
	}
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], u, 10)
	scale := int(-exp)
	// Trailing zeros of the fraction go, and with no fraction left, the
	// point too ("12.50" → "12.5", "3.00" → "3", "0.00" → "0").
	end := len(digits)
	for end > 0 && len(digits)-end < scale && digits[end-1] == '0' {
		end--
	}
	intLen := len(digits) - scale
	if intLen > 0 {
		b = append(b, digits[:intLen]...)
		if end > intLen {
			b = append(b, '.')
			b = append(b, digits[intLen:end]...)
		}
		return b
	}
	b = append(b, '0')
	if end > 0 {
		b = append(b, '.')
		for range -intLen {
			b = append(b, '0')
		}
		b = append(b, digits[:end]...)
	}
	return b
}
