package mappings

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/textdist"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// TestKeySemantics pins what matching relies on from values.Key, as the
// embedded mappings' comments describe it.
func TestKeySemantics(t *testing.T) {
	for in, want := range map[string]string{
		"Loan ID":              "loanid",
		"LOAN_ID":              "loanid",
		"Loan Id ":             "loanid",
		"loan-id":              "loanid",
		"Loan  ID":             "loanid",
		"loan.id":              "loanid",
		"Date de Décaissement": "datededecaissement",
		"N° Prêt":              "nopret",
		"Nº Prêt":              "nopret",
		"No. Pret":             "nopret",
		"Nº Préstamo":          "noprestamo",
		"Número de Préstamo":   "numerodeprestamo",
		"Gênero":               "genero",
		"Ｌｏａｎ ＩＤ":              "loanid", // full-width
		"Amount\u00a0(XOF)":    "amountxof",
		"":                     "",
		"---":                  "",
		"loanid":               "loanid",
		"Client's ID":          "clientsid",
		"Date d'échéance":      "datedecheance",
	} {
		if got := values.Key(in); got != want {
			t.Errorf("values.Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"amount", "amout", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"prêt", "pret", 1},
	} {
		if got := textdist.Levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("textdist.Levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	opts := []string{"loan_draft", "repayments", "journals"}
	for in, want := range map[string]string{
		"loans": "loan_draft", "repayment": "repayments", "journal": "journals", "loan-draft": "loan_draft",
		"xyz": "", "draft": "",
	} {
		if got := suggest(in, opts); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{-1: "", 0: "A", 1: "B", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

// parseDateFormats loads a repayments mapping whose locale.date_formats is
// formats (a YAML flow list) and returns the formats kept or the error.
func parseDateFormats(formats string) ([]string, error) {
	m, err := Parse([]byte("kind: repayments\nlocale: {date_formats: "+formats+"}\n"+
		"fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}\n"), "d.yaml")
	if err != nil {
		return nil, err
	}
	return m.Locale.DateFormats, nil
}

func TestDateFormats(t *testing.T) {
	for in, want := range map[string]string{
		"DD/MM/YYYY": "DD/MM/YYYY", "dd/mm/yyyy": "DD/MM/YYYY", "D/M/YY": "D/M/YY", "YYYY-MM-DD": "YYYY-MM-DD",
		"DD-MMM-YYYY": "DD-MMM-YYYY", "D MMMM YYYY": "D MMMM YYYY", "MMMM D, YYYY": "MMMM D, YYYY",
		"YYYYMMDD": "YYYYMMDD", "DD.MM.YYYY": "DD.MM.YYYY", "DMMMYYYY": "DMMMYYYY", "yymmdd": "YYMMDD",
		" dd/mm/yyyy ": "DD/MM/YYYY", "DD_MM_YYYY": "DD_MM_YYYY", "YYYY年MM月DD日": "YYYY年MM月DD日",
		"Dd/mM/yYyY": "DD/MM/YYYY",
	} {
		got, err := parseDateFormats("[" + strconv.Quote(in) + "]")
		if err != nil || len(got) != 1 || got[0] != want {
			t.Errorf("date format %q: %q, %v; want %q", in, got, err, want)
			continue
		}
		// What the loader keeps is what the converter reads, unchanged.
		f, err := values.ParseDateFormat(got[0])
		if err != nil || f.String() != got[0] {
			t.Errorf("values.ParseDateFormat(%q) = %q, %v", got[0], f.String(), err)
		}
	}
	for in, msg := range map[string]string{
		"DD/MM":            "it needs one year",
		"YYYY/MM":          "it needs one day",
		"DD/MM/YYYY/YY":    "it needs one year",
		"DD/MM/YYYY HH:mm": "times need no token",
		"DMYYYY":           "needs a separator",
		"YYYYMD":           "needs a separator",
		"02/01/2006":       "digits have no place in a format",
		"DDD/MM/YYYY":      "weekday names",
		"DD/MM/YYYYY":      "is not a date token",
		"DD/MM/Y":          "is not a date token",
		"día/MM/YYYY":      "is not a date token",
	} {
		_, err := parseDateFormats("[" + strconv.Quote(in) + "]")
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 1 || list[0].Line != 2 || list[0].Column != 25 ||
			!strings.Contains(list[0].Msg, msg) || !strings.Contains(list[0].Msg, "e.g. DD/MM/YYYY") {
			t.Errorf("date format %q: %v; want an error at 2:25 containing %q and the hint", in, err, msg)
		}
	}
	// Formats that read one text two ways load: the converter reports each
	// cell they disagree on as an ambiguous date.
	got, err := parseDateFormats("[DD/MM/YYYY, MM/DD/YYYY]")
	if err != nil || strings.Join(got, "|") != "DD/MM/YYYY|MM/DD/YYYY" {
		t.Fatalf("two formats: %q, %v", got, err)
	}
	_, err = values.Date(input.Cell{Type: input.Text, Text: "03/04/2024"}, got, false)
	if err == nil || !strings.Contains(err.Error(), "ambiguous date") {
		t.Errorf("values.Date with %q: %v; want an ambiguous date", got, err)
	}
}
