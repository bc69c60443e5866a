package mappings

import (
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kiva-partners/kivaconv/internal/input"
)

func TestHeaderSimilarity(t *testing.T) {
	for _, tc := range []struct {
		a, b   string
		lo, hi float64
	}{
		{"Loan ID", "LOAN_ID", 1, 1},
		{"N° Prêt", "No. Pret", 1, 1},
		{"Montant remboursé", "Amount Repaid", 0.9, 0.95},
		{"Monto", "Amount", 0.9, 0.95},
		{"Fecha Desemb.", "Fecha de desembolso", 0.9, 0.95},
		{"Prénom", "First Name", 0.9, 0.95},
		{"Nro. Crédito", "Loan Number", 0.9, 0.95},
		{"Disbursment Date", "Disbursement Date", 0.85, 0.95}, // a typo
		{"Montant", "Montant du prêt", 0.6, 0.7},
		{"Date", "Date de décaissement", 0.6, 0.7},
		{"Colour", "Amount", 0, 0.2},
		{"Client ID", "Loan ID", 0.45, 0.5},
		{"", "Amount", 0, 0},
	} {
		got := headerSimilarity(tc.a, tc.b)
		if got < tc.lo || got > tc.hi {
			t.Errorf("headerSimilarity(%q, %q) = %.2f, want %.2f..%.2f", tc.a, tc.b, got, tc.lo, tc.hi)
		}
		if back := headerSimilarity(tc.b, tc.a); back != got {
			t.Errorf("not symmetric: %q, %q: %.2f and %.2f", tc.a, tc.b, got, back)
		}
	}
}

func TestHeaderWords(t *testing.T) {
	for in, want := range map[string][]string{
		"N° de Prêt":          {"no", "pret"},
		"LoanAmount":          {"loan", "amount"},
		"Fecha_Desemb.":       {"fecha", "desemb"},
		"Montant du prêt (€)": {"montant", "pret"},
		"ID":                  {"id"},
	} {
		if got := headerWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("headerWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGuessNumbers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		texts     []string
		semicolon bool
		ok        bool
		dec, thou string
		symbols   []string
		ambiguous bool
		failed    int
	}{
		{name: "plain", texts: []string{"1500", "84"}},
		{name: "decimal comma", texts: []string{"2750,00", "84,85", "3000"}, ok: true, dec: ","},
		{name: "decimal point", texts: []string{"2750.00", "84.85"}, ok: true, dec: "."},
		{name: "comma thousands", texts: []string{"1,234.50", "12,000.00"}, ok: true, dec: ".", thou: ","},
		{name: "dot thousands", texts: []string{"1.500,50", "800,00"}, ok: true, dec: ",", thou: "."},
		{name: "space thousands", texts: []string{"1 250,00", "84,85"}, ok: true, dec: ",", thou: " "},
		{name: "no-break space thousands", texts: []string{"1\u00a0250,00"}, ok: true, dec: ",", thou: " "},
		{name: "currency mark", texts: []string{"KSh 1,234.50", "KSh 99.00"}, ok: true, dec: ".", thou: ",", symbols: []string{"KSh"}},
		{name: "mark after", texts: []string{"1 500 FCFA", "250 FCFA"}, ok: true, dec: ".", thou: " ", symbols: []string{"FCFA"}},
		{name: "ambiguous comma", texts: []string{"1,500", "2,000"}, ok: true, dec: ".", thou: ",", ambiguous: true},
		{name: "ambiguous comma in a semicolon file", texts: []string{"1,500"}, semicolon: true, ok: true, dec: ",", ambiguous: true},
		{name: "junk", texts: []string{"12,50", "n/a"}, ok: true, dec: ",", failed: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ns, ok := guessNumbers(tc.texts, tc.semicolon)
			if ok != tc.ok {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			if ns.decimal != tc.dec || ns.thousands != tc.thou || !reflect.DeepEqual(ns.symbols, tc.symbols) ||
				ns.ambiguous != tc.ambiguous || len(ns.failed) != tc.failed {
				t.Errorf("got decimal %q thousands %q symbols %q ambiguous %v failed %q", ns.decimal, ns.thousands, ns.symbols, ns.ambiguous, ns.failed)
			}
		})
	}
}

func TestGuessDates(t *testing.T) {
	cells := func(ss ...string) []input.Cell {
		out := make([]input.Cell, len(ss))
		for i, s := range ss {
			out[i] = input.Cell{Type: input.Text, Text: s}
		}
		return out
	}
	for _, tc := range []struct {
		texts     []string
		formats   []string
		ambiguous bool
		failed    int
	}{
		{texts: []string{"2026-11-15", "2026-11-20"}},
		{texts: []string{"5 Jan 2026", "15 janvier 2026"}},
		{texts: []string{"15/11/2026", "03/11/2026"}, formats: []string{"DD/MM/YYYY"}},
		{texts: []string{"11/15/2026", "11/03/2026"}, formats: []string{"MM/DD/YYYY"}},
		{texts: []string{"03/11/2026", "04/11/2026"}, formats: []string{"DD/MM/YYYY"}, ambiguous: true},
		{texts: []string{"15.11.2026"}, formats: []string{"DD.MM.YYYY"}},
		{texts: []string{"15/11/26", "1/2/26"}, formats: []string{"DD/MM/YY"}},
		{texts: []string{"15-Nov-2026"}}, // month names read without a format
		{texts: []string{"15-Nov-26"}, formats: []string{"DD-MMM-YY"}},
		{texts: []string{"15/11/2026 08:30"}, formats: []string{"DD/MM/YYYY"}},
		{texts: []string{"15/11/2026", "soon"}, formats: []string{"DD/MM/YYYY"}, failed: 1},
	} {
		fs, amb, failed := guessDates(cells(tc.texts...))
		if !reflect.DeepEqual(fs, tc.formats) || amb != tc.ambiguous || len(failed) != tc.failed {
			t.Errorf("guessDates(%q) = %q, ambiguous %v, failed %q; want %q, %v, %d", tc.texts, fs, amb, failed, tc.formats, tc.ambiguous, tc.failed)
		}
	}
}

func TestYAMLScalar(t *testing.T) {
	for _, s := range []string{"Loan ID", "N° Prêt", "Amount: paid", "# of loans", "yes", "No", "null", "~", "2024",
		"Montant (FCFA)", "a, b", "[x]", "x ", " x", "it's", "Tab\there", "line\nbreak", "'quoted'", "\"dq\"", "Nro. Préstamo", "-", "é", "a  b"} {
		var v map[string]string
		if err := yaml.Unmarshal([]byte("k: "+yamlScalar(s)+"\n"), &v); err != nil || v["k"] != s {
			t.Errorf("yamlScalar(%q) = %s reads back as %q (%v)", s, yamlScalar(s), v["k"], err)
		}
		var l map[string][]string
		if err := yaml.Unmarshal([]byte("k: ["+yamlScalar(s)+"]\n"), &l); err != nil || len(l["k"]) != 1 || l["k"][0] != s {
			t.Errorf("in a flow list, yamlScalar(%q) = %s reads back as %q (%v)", s, yamlScalar(s), l["k"], err)
		}
	}
	if yamlScalar("Loan ID") != "Loan ID" || yamlScalar("yes") != `"yes"` {
		t.Error("plain when safe, quoted otherwise")
	}
}

func TestNameFor(t *testing.T) {
	for in, want := range map[string]string{
		"/x/Export Prêts 2026.xlsx": "export-prets-2026",
		"loans.xlsx":                "loans-export",
		"repayments.csv":            "repayments-export",
		"--.csv":                    "my-export",
		"a_b.c.xlsx":                "a_b.c",
	} {
		got := nameFor(in)
		if got != want || !nameRE.MatchString(got) {
			t.Errorf("nameFor(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInitOutputFitsSchema: starter mappings, TODO included, validate
// against schema.json (an editor shows no false alarm).
func TestInitOutputFitsSchema(t *testing.T) {
	s := compileSchema(t)
	for _, tc := range []struct {
		file string
		kind Kind
	}{{"loans.xlsx", ""}, {"repayments.csv", ""}, {"repayments.xlsx", Journals}} {
		st, err := Init(filepath.Join("..", "samples", tc.file), InitOptions{Kind: tc.kind})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlInstance(t, st.YAML)); err != nil {
			t.Errorf("%s: the starter mapping does not validate: %v\n%s", tc.file, err, st.YAML)
		}
		if (tc.kind != "") != (len(st.TODO) > 0) {
			t.Errorf("%s: TODO %v", tc.file, st.TODO)
		}
	}
}
