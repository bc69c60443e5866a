package batch

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/kiva-partners/kivaconv/kiva"
)

// awkward are strings that exercise every escaping rule of encoding/json
// with HTML escaping off.
var awkward = []string{
	"",
	"KE-1001",
	`quote " and backslash \`,
	"controls \x00\x01\x07\b\t\n\v\f\r\x0e\x1b\x1f end",
	"DEL \x7f stays",
	"html <b>&amp;</b> stays",
	"accents: São Paulo, Zoë, ÇA, ß, 中文, 🌍",
	"separators \u2028 and \u2029, and U+2027 \u2027, U+202A \u202a",
	"invalid UTF-8: \xff, \xc3 alone, \xe2\x80 cut, \xed\xa0\x80 surrogate, \xf4\x90\x80\x80 too big",
	"trailing invalid \xe2",
	"\ufffd replacement char itself",
	"non-characters \uFFFE \uFFFF",
	strings.Repeat("long ", 100),
}

// amounts are amounts in the forms kiva.ParseAmount reads, and decimals
// built with exponents it does not produce.
func amounts() []kiva.Amount {
	var out []kiva.Amount
	for _, s := range []string{
		"0", "0.00", "-0.0", "1", "7", "10", "100", "1500.50", "1500.5", "0.1", "0.10", "-1.10", "-0.05",
		"0.000001", "123456789.123456789", "999999999999999999", "-999999999999999999",
		"1000000000000000000", "123456789012345678901234567890.5", "0.0000000000000000001",
		"0.00000000000000000000000001", "12.3400", "-12.3400", "1e3", "2.5e-3", "-7e2",
	} {
		a, err := kiva.ParseAmount(s)
		if err != nil {
			continue
		}
		out = append(out, a)
	}
	for _, d := range []decimal.Decimal{
		decimal.New(5, 3), decimal.New(-5, 3), decimal.New(0, 5), decimal.New(120, 1),
		decimal.New(123, -20), decimal.New(-1, -18), decimal.New(1<<62, -9),
		decimal.New(-1<<63, -2), decimal.New(-1<<63, 0), decimal.New(1<<63-1, -18),
	} {
		out = append(out, kiva.NewAmount(d))
	}
	return out
}

func mustEncode(t testing.TB, v any) []byte {
	t.Helper()
	data, err := Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func checkRepayments(t testing.TB, reps []kiva.Repayment) {
	t.Helper()
	want := mustEncode(t, kiva.RepaymentsBody{Repayments: reps})
	if got := appendRepaymentsBody(nil, reps); !bytes.Equal(got, want) {
		t.Fatalf("repayments %q:\ngot\n%s\nwant\n%s", reps, got, want)
	}
}

func checkJournals(t testing.TB, js []kiva.Journal) {
	t.Helper()
	want := mustEncode(t, js)
	if got := appendJournalsBody(nil, js, false); !bytes.Equal(got, want) {
		t.Fatalf("journals %q:\ngot\n%s\nwant\n%s", js, got, want)
	}
	want = mustEncode(t, kiva.JournalsBody{Journals: js})
	if got := appendJournalsBody(nil, js, true); !bytes.Equal(got, want) {
		t.Fatalf("wrapped journals %q:\ngot\n%s\nwant\n%s", js, got, want)
	}
}

func TestFastEncodeMatchesEncode(t *testing.T) {
	checkRepayments(t, nil)
	checkRepayments(t, []kiva.Repayment{})
	checkJournals(t, nil)
	checkJournals(t, []kiva.Journal{})
	var reps []kiva.Repayment
	var js []kiva.Journal
	as := amounts()
	for i, s := range awkward {
		r := kiva.Repayment{LoanID: s, Amount: as[i%len(as)]}
		if i%2 == 0 {
			r.ClientID = awkward[(i+3)%len(awkward)]
		}
		checkRepayments(t, []kiva.Repayment{r})
		reps = append(reps, r)
		j := kiva.Journal{InternalLoanID: s, Subject: awkward[(i+1)%len(awkward)], Body: awkward[(i+2)%len(awkward)]}
		if i%2 == 1 {
			j.InternalClientID = awkward[(i+5)%len(awkward)]
		}
		if i%3 == 0 {
			j.ImageURL = "https://example.org/p?a=1&b=<2>" + s
		}
		checkJournals(t, []kiva.Journal{j})
		js = append(js, j)
	}
	for _, a := range as {
		reps = append(reps, kiva.Repayment{LoanID: "L", Amount: a})
		checkRepayments(t, []kiva.Repayment{{LoanID: "L", ClientID: "C", Amount: a}})
	}
	checkRepayments(t, reps)
	checkJournals(t, js)
	// A zero Amount{} (no decimal value at all) is "0", like MarshalJSON.
	checkRepayments(t, []kiva.Repayment{{}})
	checkJournals(t, []kiva.Journal{{}})
}

// The short escapes encoding/json uses for control characters changed in
// Go 1.22 (\b and \f); the fast encoder must follow the Go it is built
// with. This pins what that Go does.
func TestJSONStringEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"\b": `"\b"`, "\f": `"\f"`, "\n": `"\n"`, "\r": `"\r"`, "\t": `"\t"`,
		"\x00": `"\u0000"`, "\x0b": `"\u000b"`, "\x1f": `"\u001f"`, "\x7f": "\"\x7f\"",
		`"\`: `"\"\\"`, "<&>": `"<&>"`, "\u2028\u2029": `"\u2028\u2029"`, "a\xffb": `"a\ufffdb"`,
	} {
		if got := string(appendJSONString(nil, in)); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", in, got, want)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(in); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSuffix(buf.String(), "\n"); got != want {
			t.Errorf("encoding/json writes %q as %s, want %s", in, got, want)
		}
	}
}

func TestAppendAmount(t *testing.T) {
	for _, a := range amounts() {
		want, err := a.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAmount(nil, a); string(got) != string(want) || string(got) != a.String() {
			t.Errorf("appendAmount(%s) = %s, want %s", a, got, want)
		}
	}
}

// FuzzEncodeRepayments checks the hand-written encoders against
// encoding/json (the Encode path) on arbitrary ids, texts and amounts: a
// parsed amount literal and a decimal built from any coefficient and
// exponent.
func FuzzEncodeRepayments(f *testing.F) {
	f.Add("KE-1001", "C-77", "1500.50", int64(150050), int32(-2), "Update", "Sales up 20% & <growing>\n", "https://x/y.jpg")
	f.Add("", "", "0", int64(0), int32(0), "", "", "")
	f.Add("\"\\\x00\u2028\xff", "é\x7f", "-0.000", int64(-1<<63), int32(-18), "\t\b\f", "\u2029\xe2\x80", "\x1f")
	f.Add("L", "C", "123456789012345678901234567890.5", int64(1<<63-1), int32(5), "s", "b", "")
	f.Fuzz(func(t *testing.T, loanID, clientID, amount string, coef int64, exp int32, subject, body, image string) {
		// Exponents far from money only make decimal build huge strings.
		exp %= 40
		parsed, err := kiva.ParseAmount(amount)
		if err != nil {
			parsed = kiva.Amount{}
		}
		built := kiva.NewAmount(decimal.New(coef, exp))
		for _, a := range []kiva.Amount{parsed, built} {
			if got := appendAmount(nil, a); string(got) != a.String() {
				t.Fatalf("appendAmount(%s) = %s", a, got)
			}
		}
		checkRepayments(t, []kiva.Repayment{
			{LoanID: loanID, ClientID: clientID, Amount: parsed},
			{LoanID: clientID, Amount: built},
			{LoanID: subject, ClientID: body, Amount: parsed},
		})
		checkJournals(t, []kiva.Journal{
			{InternalLoanID: loanID, InternalClientID: clientID, Subject: subject, Body: body, ImageURL: image},
			{InternalLoanID: body, Subject: loanID, Body: subject},
		})
		if utf8.ValidString(body) {
			// Valid text survives a round trip through the fast encoder.
			var back []kiva.Journal
			if err := json.Unmarshal(appendJournalsBody(nil, []kiva.Journal{{Body: body}}, false), &back); err != nil || back[0].Body != body {
				t.Fatalf("round trip of %q: %q, %v", body, back, err)
			}
		}
	})
}
