package values

import (
	"testing"

	"github.com/kiva-partners/kivaconv/internal/input"
)

func TestBool(t *testing.T) {
	for _, tc := range []struct {
		c     input.Cell
		words map[string]bool
		want  bool
	}{
		{input.Cell{Type: input.Bool, Text: "1"}, nil, true},
		{input.Cell{Type: input.Bool, Text: "0"}, nil, false},
		{input.Cell{Type: input.Bool, Text: "TRUE"}, nil, true},
		{num("1"), nil, true},
		{num("0"), nil, false},
		{num("1.0"), nil, true},
		{text("Yes"), nil, true},
		{text(" YES "), nil, true},
		{text("y"), nil, true},
		{text("True"), nil, true},
		{text("1"), nil, true},
		{text("Sí"), nil, true},
		{text("SI"), nil, true},
		{text("oui"), nil, true},
		{text("Sim"), nil, true},
		{text("x"), nil, true},
		{text("X"), nil, true},
		{text("✓"), nil, true},
		{text("✔"), nil, true},
		{text("Checked"), nil, true},
		{text("Vrai"), nil, true},
		{text("no"), nil, false},
		{text("N"), nil, false},
		{text("FALSE"), nil, false},
		{text("0"), nil, false},
		{text("Non"), nil, false},
		{text("Não"), nil, false},
		{text("nao"), nil, false},
		{text("✗"), nil, false},
		{text("Faux"), nil, false},
		{text("Falso"), nil, false},
		// The mapping's words extend and override.
		{text("Signé"), map[string]bool{"signe": true}, true},
		{text("signe"), map[string]bool{"Signé": true}, true},
		{text("Pas signé"), map[string]bool{"Signé": true, "Pas signé": false}, false},
		{text("x"), map[string]bool{"X": false}, false},
		{num("2"), map[string]bool{"2": true}, true},
		{text("-"), map[string]bool{"-": false}, false},
	} {
		got, err := Bool(tc.c, tc.words)
		if err != nil || got != tc.want {
			t.Errorf("Bool(%v %q, %v) = %v, %v; want %v", tc.c.Type, tc.c.Text, tc.words, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		c         input.Cell
		words     map[string]bool
		msg, hint string
	}{
		{text("maybe"), nil, `"maybe" is not a yes/no value`, "type one of yes/no, y/n, true/false, 1/0"},
		{text("maybe"), map[string]bool{"signé": true}, "not a yes/no value", "(also accepted here: signé)"},
		{text("?"), map[string]bool{"-": false}, "not a yes/no value", `for whoever maintains the mapping: map "?" to true or false under the field's values`},
		{num("2"), nil, "the number 2 is not a yes/no value", ""},
		{text("si"), map[string]bool{"Sí": true, "si": false}, `both true and false in the mapping's values ("Sí", "si")`, "type yes or no instead; or, for whoever maintains the mapping: keep only one of them"},
		{input.Cell{Type: input.Error, Text: "#N/A"}, nil, "#N/A", "fix the formula in Excel"},
		{input.Cell{Type: input.Bool, Text: "2"}, nil, "boolean cell", "re-save"},
		{input.Cell{Type: input.Date, Text: "2024-01-01"}, nil, "date", ""},
		{text("\ufffd"), nil, "replacement character", "encoding"},
	} {
		_, err := Bool(tc.c, tc.words)
		if err == nil {
			t.Errorf("Bool(%q) succeeded", tc.c.Text)
			continue
		}
		checkErr(t, err, tc.msg, tc.hint)
	}
}

func TestEnum(t *testing.T) {
	gender := map[string]string{"Femme": "female", "F": "female", "Homme": "male", "M": "male", "Mujer": "female"}
	allowed := []string{"female", "male", "nonbinary"}
	for _, tc := range []struct {
		c       input.Cell
		values  map[string]string
		allowed []string
		want    string
	}{
		{text("Femme"), gender, allowed, "female"},
		{text(" FEMME "), gender, allowed, "female"},
		{text("f"), gender, allowed, "female"},
		{text("homme"), gender, allowed, "male"},
		{text("female"), gender, allowed, "female"},
		{text("Female"), gender, allowed, "female"},
		{text("MALE"), nil, allowed, "male"},
		{text("non-binary"), nil, allowed, "nonbinary"},
		{text("Non Binary"), nil, allowed, "nonbinary"},
		{text("anything"), nil, nil, "anything"},
		{text("Femme"), gender, nil, "female"},
		{num("2"), map[string]string{"2": "female"}, allowed, "female"},
		{text("in_progress"), nil, []string{"In Progress", "Done"}, "In Progress"},
	} {
		got, err := Enum(tc.c, tc.values, tc.allowed)
		if err != nil || got != tc.want {
			t.Errorf("Enum(%q) = %q, %v; want %q", tc.c.Text, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		c         input.Cell
		values    map[string]string
		allowed   []string
		msg, hint string
	}{
		{text("Autre"), gender, allowed, `"Autre" is not an accepted value`, "type one of female, male, nonbinary (also accepted here: F, Femme, Homme, M, Mujer); or, for whoever maintains the mapping: map \"Autre\" to one of them"},
		{text("Autre"), nil, allowed, "not an accepted value", "type one of female, male, nonbinary; or, for whoever maintains the mapping: map"},
		{text("Femme"), map[string]string{"Femme": "femal"}, allowed, `"Femme" is mapped to "femal", which is not an accepted value`, "type one of female, male, nonbinary instead; or, for whoever maintains the mapping: map \"Femme\" to one of them"},
		{text("femme"), map[string]string{"Femme": "female", "FEMME": "male"}, allowed, `several meanings in the mapping's values ("FEMME", "Femme")`, "type one of female, male, nonbinary instead; or, for whoever maintains the mapping: keep only one of them"},
		{text("ab"), nil, []string{"a-b", "a b"}, "could be any of a-b, a b", "exactly"},
		{text(""), nil, allowed, "empty", "fill in"},
		{input.Cell{Type: input.Blank}, nil, allowed, "empty", "fill in"},
		{input.Cell{Type: input.Error, Text: "#N/A"}, nil, allowed, "#N/A", "fix the formula"},
		{text("B\x07"), nil, nil, "control character", "CLEAN"},
	} {
		_, err := Enum(tc.c, tc.values, tc.allowed)
		if err == nil {
			t.Errorf("Enum(%q) succeeded", tc.c.Text)
			continue
		}
		checkErr(t, err, tc.msg, tc.hint)
	}
}
