package values

import (
	"testing"

	"github.com/kiva-partners/kivaconv/internal/input"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		c    input.Cell
		want string
	}{
		{text("Amina"), "Amina"},
		{text("  Amina \u00a0"), "Amina"},
		{text("\tAmina\n"), "Amina"},
		{text("\u200bAmina\ufeff"), "Amina"},
		{text("a\r\nb\rc\nd"), "a\nb\nc\nd"},
		{text("a\tb"), "a\tb"},
		{text("Jose\u0301"), "José"}, // NFC
		{text("José"), "José"},
		{text("Ｆｕｌｌ"), "Ｆｕｌｌ"}, // NFC keeps compatibility forms
		{text("NÃO"), "NÃO"},   // a real Ã
		{text("SÃO PAULO"), "SÃO PAULO"},
		{text("Â l'école"), "Â l'école"},
		{text("â€ dagger"), "â€ dagger"},
		{text("日本語"), "日本語"},
		{text("   "), ""},
		{input.Cell{Type: input.Blank}, ""},
		{num("84.849999999999994"), "84.85"},
		{num("12"), "12"},
		{input.Cell{Type: input.Bool, Text: "1"}, "TRUE"},
		{input.Cell{Type: input.Bool, Text: "0"}, "FALSE"},
		{input.Cell{Type: input.Date, Text: "2024-01-05T00:00:00Z"}, "2024-01-05T00:00:00Z"},
	} {
		got, err := Text(tc.c)
		if err != nil || got != tc.want {
			t.Errorf("Text(%v %q) = %q, %v; want %q", tc.c.Type, tc.c.Text, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		c         input.Cell
		msg, hint string
	}{
		{text("Caf\xe9"), "not valid UTF-8", "--encoding windows-1252"},
		{text("Caf\ufffd"), "the text contains a replacement character (\ufffd): the file was probably saved in another encoding", "save the file again as UTF-8 (in Excel: Save As, CSV UTF-8); or, for whoever set up kivaconv: open the file with --encoding windows-1252 (or the encoding it was saved in)"},
		{text("a\x00b"), "control character U+0000", "CLEAN"},
		{text("a\x1bb"), "control character U+001B", ""},
		{text("a\x7fb"), "control character U+007F", ""},
		{text("\u0093quoted\u0094"), "U+0093: the file is probably Windows-1252 read as ISO-8859-1", "--encoding windows-1252"},
		{text("CafÃ©"), `"Ã©": UTF-8 text was read as Windows-1252`, "--encoding utf-8"},
		{text("Ã\u00a0bientôt"), "UTF-8 text was read as Windows-1252", ""},
		{text("Â°C"), "UTF-8 text was read", ""},
		{text("donâ€™t"), `"â€™": UTF-8 text was read as Windows-1252`, "--encoding utf-8"},
		{text("â€œquotedâ€"), "UTF-8 text was read", ""},
		{input.Cell{Type: input.Error, Text: "#VALUE!"}, "#VALUE!", "fix the formula in Excel"},
		{num("bad"), "not a number", ""},
	} {
		_, err := Text(tc.c)
		if err == nil {
			t.Errorf("Text(%q) succeeded", tc.c.Text)
			continue
		}
		checkErr(t, err, tc.msg, tc.hint)
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"Loan ID":        "loanid",
		"loan_id":        "loanid",
		"LOAN-ID":        "loanid",
		"LoanID":         "loanid",
		" Loan  Id ":     "loanid",
		"loanid":         "loanid",
		"":               "",
		"---":            "",
		"N° Prêt":        "nopret",
		"Nº Prêt":        "nopret",
		"No Pret":        "nopret",
		"Número":         "numero",
		"Année":          "annee",
		"Niño":           "nino",
		"Façade":         "facade",
		"Ｌｏａｎ ＩＤ":        "loanid", // full-width
		"ﬁle":            "file",   // ligature
		"Montant (FCFA)": "montantfcfa",
		"Amount²":        "amount2",
		"Ação":           "acao",
		"Straße":         "straße",
		"ΣΊΣΥΦΟΣ":        "σισυφοσ",
		"Имя клиента":    "имяклиента",
		"Йод":            "иод", // й decomposes like an accented letter
		"ऋण संख्या":      "ऋणसंख्या",
		"किस्त":          "किस्त", // vowel signs and virama are kept
		"رقم القرض":      "رقمالقرض",
		"贷款编号":           "贷款编号",
		"a\u0301":        "a",
		"١٢٣":            "١٢٣", // Arabic-Indic digits are digits
		"\xff\xfeLoan":   "loan",
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
		if got := Key(Key(in)); got != Key(in) {
			t.Errorf("Key not idempotent on %q: %q", in, got)
		}
	}
	// The Latin table gives what the full algorithm gives.
	for r := rune(0x80); r < 0x260; r++ {
		s := "Ab" + string(r) + "c1"
		if got, want := Key(s), keySlow(s); got != want {
			t.Errorf("Key(%q) = %q, keySlow = %q", s, got, want)
		}
	}
	// Already a key: no allocation. ASCII: at most one.
	if n := testing.AllocsPerRun(100, func() { Key("loanid") }); n != 0 {
		t.Errorf("Key(key) allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { Key("Loan ID") }); n > 1 {
		t.Errorf("Key(ASCII) allocates %v times", n)
	}
	for name, key := range map[string]string{"Loan ID": "loanid", "Prêt": "pret", "x": "y", "ab": "a", "a": "ab"} {
		if got, want := keyEqual(name, key), Key(name) == key; got != want {
			t.Errorf("keyEqual(%q, %q) = %v", name, key, got)
		}
	}
}
