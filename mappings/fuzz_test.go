package mappings

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/values"
	"go.yaml.in/yaml/v3"
)

// FuzzMappingParse: Parse never panics; a rejected file gets positioned
// errors only, inside the file; an accepted one has its defaults, can be
// matched against any header, and prints back to YAML that Parse accepts
// as the same mapping.
func FuzzMappingParse(f *testing.F) {
	for _, n := range EmbeddedNames() {
		data, _ := EmbeddedYAML(n)
		f.Add(data)
	}
	for _, tc := range errorCases {
		f.Add([]byte(tc.yaml))
	}
	f.Add([]byte(billionLaughs))
	f.Add([]byte(mergeBomb()))
	f.Add([]byte("kind: repayments\nfields: {loan_id: {column: L, aliases: [a, [b, c]]}, amount: {constant: '1'}}\n"))
	f.Add([]byte(`kind: loan_draft
name: odd.one_2
sheets: ["Loans: 2024", "# sheet"]
locale: {decimal: ",", thousands: "\u00a0", date_formats: [d/m/yyyy, "yyyy-mm-dd", " YYYY年MM月DD日 "], currency_symbols: [" KSh", "$", FCFA]}
fields:
  loan_id: {column: "Loan: ID #", aliases: ["~a", "null", "true", "- x", "'q'"]}
  client_id: {column: "Client\tID", type: text}
  first_name: {column: "  First  "}
  gender: {column: G, values: {"<<a": female, "~b": male, "null": female, "true": male, "1.5": female}}
  amount: {column: Amt, type: integer, default: "-0"}
  pictured: {column: P, values: {"yes": "TRUE", "no": False}}
  disburse_date: {column: D, formats: ["mmmm d, yyyy"], default: 2024-02-29}
schedule:
  header_row: 1000
  fields: {loan_id: {column: L}, due_date: {column: D}, principal: {constant: ".5"}}
`))

	f.Fuzz(func(t *testing.T, data []byte) {
		const src = "fuzz.yaml"
		m, err := Parse(data, src)
		if err != nil {
			if m != nil {
				t.Fatal("mapping and error")
			}
			checkPositioned(t, err, src)
			lines := len(lineBreakRE.FindAll(data, -1)) + 1
			for _, e := range err.(ErrorList) {
				if e.Line > lines {
					t.Fatalf("error past the end of the file (%d lines): %v", lines, e)
				}
			}
			return
		}
		checkAccepted(t, m)

		header := strings.Fields(string(data))
		if len(header) > 50 {
			header = header[:50]
		}
		hm := m.MatchHeader(header)
		_ = hm.Problems()
		_ = hm.Err()
		for _, k := range append(hm.Missing, hm.NotFound...) {
			if _, c := hm.Closest(k); c >= len(header) {
				t.Fatalf("Closest column %d out of range", c)
			}
		}
		for k, c := range hm.Columns {
			if c < 0 || c >= len(header) || m.Fields[k] == nil {
				t.Fatalf("Columns[%s] = %d", k, c)
			}
		}
		FindHeaderRow([][]string{nil, header}, m)
		if m.Schedule != nil {
			m.Schedule.MatchHeader(header)
		}
		if c := m.Clone(); !reflect.DeepEqual(c, m) {
			t.Fatal("Clone differs")
		}

		out, err := yaml.Marshal(m)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := Parse(out, src)
		if err != nil {
			t.Fatalf("marshalled mapping does not parse: %v\n%s", err, out)
		}
		again.SHA256 = m.SHA256
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip changed the mapping:\n%s", out)
		}
	})
}

func scheduleFields(m *Mapping) map[string]*Field {
	if m.Schedule == nil {
		return nil
	}
	return m.Schedule.Fields
}

var lineBreakRE = regexp.MustCompile("\r\n|\r|\n|\u0085|\u2028|\u2029")

// checkAccepted asserts what every accepted mapping has.
func checkAccepted(t *testing.T, m *Mapping) {
	t.Helper()
	tbl := tableOf(m.Kind)
	if tbl == nil || m.Source == "" || len(m.SHA256) != 64 {
		t.Fatalf("accepted mapping lacks basics: %+v", m)
	}
	// What the loader accepts, the converter can use: the number locale
	// with either automatic decimal separator, and every date format.
	decs := []string{m.Locale.Decimal}
	if m.Locale.Decimal == "" {
		decs = []string{".", ","}
	}
	for _, d := range decs {
		if _, err := values.NewLocale(d, m.Locale.Thousands, m.Locale.CurrencySymbols...); err != nil {
			t.Fatalf("locale %+v with decimal %q: %v", m.Locale, d, err)
		}
	}
	formats := slices.Clone(m.Locale.DateFormats)
	for _, fs := range []map[string]*Field{m.Fields, scheduleFields(m)} {
		for _, f := range fs {
			formats = append(formats, f.Formats...)
		}
	}
	for _, f := range formats {
		if df, err := values.ParseDateFormat(f); err != nil || df.String() != f {
			t.Fatalf("date format %q: %q, %v", f, df.String(), err)
		}
	}
	check := func(fields map[string]*Field, tbl *table) {
		for _, s := range tbl.fields {
			if s.essential && (fields[s.key] == nil || !fields[s.key].Required) {
				t.Fatalf("essential field %s missing or optional", s.key)
			}
		}
		for k, f := range fields {
			if _, ok := tbl.spec(k); !ok || f == nil || f.Type == "" {
				t.Fatalf("field %s: %+v", k, f)
			}
			if f.Column == "" && f.Constant == nil && f.Default == nil {
				t.Fatalf("field %s gives nothing", k)
			}
			if f.Column != "" && f.Constant != nil {
				t.Fatalf("field %s has column and constant", k)
			}
		}
	}
	check(m.Fields, tbl)
	if m.Schedule != nil {
		check(m.Schedule.Fields, scheduleTable)
		if m.Schedule.Required == nil {
			t.Fatal("schedule.required not defaulted")
		}
	}
	if (m.Kind == Repayments || m.Kind == Journals) && (m.BatchSize < 1 || m.BatchSize > MaxBatchSize || m.RepaymentFormat == "") {
		t.Fatalf("defaults missing: %+v", m)
	}
}
