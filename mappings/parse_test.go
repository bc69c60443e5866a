package mappings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/internal/values"
	"go.yaml.in/yaml/v3"
)

// errorCases are invalid mapping files, each with the position and a
// fragment of one of the errors it must produce.
var errorCases = []struct {
	name, yaml, pos, msg string
}{
	{"unknown field attribute", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount:
    colum: Amount
`, "6:5", `unknown key "colum" in field "amount" (did you mean "column"?)`},
	{"unknown attribute without suggestion", `
kind: repayments
fields:
  loan_id: {column: Loan ID, wibble: 1}
  amount: {column: Amount}
`, "4:30", `unknown key "wibble" in field "loan_id" (valid keys: column, aliases, type, required, default, constant, values, formats, lookup)`},
	{"unknown top-level key", `
kind: repayments
feilds:
  loan_id: {column: Loan ID}
`, "3:1", `unknown key "feilds" (did you mean "fields"?)`},
	{"missing fields", `
kind: repayments
`, "2:1", `missing key "fields"`},
	{"unknown field key", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amout: {column: Amount}
`, "5:3", `unknown field "amout" for repayments (did you mean "amount"?); valid fields: loan_id, client_id, amount`},
	{"field of another kind", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount}
  subject: {column: Subject}
`, "6:3", `field "subject" does not apply to kind repayments (it is a journals field); valid fields: loan_id, client_id, amount`},
	{"unknown schedule field", `
kind: loan_draft
fields: &f
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  first_name: {column: First Name}
  gender: {column: Gender}
  amount: {column: Amount}
schedule:
  fields:
    loan_id: {column: Loan ID}
    due_date: {column: Due Date}
    principal: {column: Principal}
    amount: {column: Amount}
`, "14:5", `unknown schedule field "amount" for schedule`},
	{"bad type", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, type: datee}
`, "5:34", `unknown type "datee" (did you mean "date"?)`},
	{"type not fitting the field", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, type: date}
`, "5:34", `type "date" does not fit field "amount" (use "decimal", "integer")`},
	{"header_row zero", `
kind: repayments
header_row: 0
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:13", `header_row must be "auto" or a row number from 1 to 1000, not "0"`},
	{"header_row too big", `
kind: repayments
header_row: 1001
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:13", `header_row must be "auto" or a row number`},
	{"header_row word", `
kind: repayments
header_row: first
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:13", `header_row must be "auto" or a row number`},
	{"header_row float", `
kind: repayments
header_row: 2.0
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:13", `header_row must be "auto" or a row number`},
	{"missing kind", `
name: x
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "2:1", `missing key "kind"`},
	{"unknown kind", `
kind: loans
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "2:7", `unknown kind "loans" (did you mean "loan_draft"?)`},
	{"kind not a scalar", `
kind: [repayments]
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "2:7", `kind must be a single value, not a list`},
	{"bad date format token", `
kind: repayments
locale:
  date_formats: [DD/MM/YYY]
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "4:18", `date format "DD/MM/YYY": "YYY" is not a date token; write formats with YYYY, YY, MM, M, MMM, MMMM, DD, D and separators, e.g. DD/MM/YYYY`},
	{"go layout as date format", `
kind: repayments
locale:
  date_formats: [02/01/2006]
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "4:18", `date format "02/01/2006": digits have no place in a format`},
	{"date format without day", `
kind: repayments
locale:
  date_formats: [MM/YYYY]
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "4:18", `date format "MM/YYYY": it needs one day (DD or D)`},
	{"ambiguous date format", `
kind: repayments
locale:
  date_formats: [DMYYYY]
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "4:18", `date format "DMYYYY": a one-letter D next to another number needs a separator (write DD)`},
	{"bad field date format", loanDraft(`  disburse_date: {column: Date, formats: [DD/MM/YYYY, DD.MM.YYYY HH]}`), "9:55", `date format "DD.MM.YYYY HH": "H" is not a date token (times need no token)`},
	{"formats on a non-date", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, formats: [DD/MM/YYYY]}
`, "5:37", `formats apply only to dates, and field "amount" is decimal`},
	{"column and constant", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, constant: 5}
`, "5:38", `field "amount" has both column and constant`},
	{"constant and default", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {constant: 5, default: 6}
`, "5:34", `field "amount" has both constant and default`},
	{"required without column or constant", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  client_id: {required: true, default: "1"}
  amount: {column: Amount}
`, "5:3", `required field "client_id" needs a column (the header of its column) or a constant`},
	{"optional field that can give nothing", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  client_id: {type: id}
  amount: {column: Amount}
`, "5:3", `field "client_id" needs a column, a constant or a default`},
	{"empty field", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  client_id:
  amount: {column: Amount}
`, "5:3", `field "client_id" needs a column, a constant or a default`},
	{"lookup on a field without one", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, lookup: activity}
`, "5:36", `field "amount" has no lookup: lookups apply only to activity, theme, description_language and location`},
	{"lookup of the wrong list", loanDraft(`  activity: {column: Activity, lookup: theme}`), "9:40", `lookup "theme" does not fit field "activity" (use "activity")`},
	{"unknown lookup", loanDraft(`  activity: {column: Activity, lookup: sector}`), "9:40", `unknown lookup "sector"`},
	{"bad decimal separator", `
kind: repayments
locale: {decimal: ";"}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:19", `unknown decimal separator ";"`},
	{"bad thousands separator", `
kind: repayments
locale: {decimal: ",", thousands: "_"}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:35", `unknown thousands separator "_"`},
	{"thousands dot without decimal", `
kind: repayments
locale:
  thousands: "."
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "4:14", `the thousands separator "." needs the decimal separator written out: for 1.234,56 write decimal: "," too`},
	{"thousands equals explicit dot decimal", `
kind: repayments
locale: {decimal: ".", thousands: "."}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:35", `the thousands separator "." is also the decimal separator`},
	{"thousands equals explicit decimal", `
kind: repayments
locale: {decimal: ",", thousands: ","}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:35", `the thousands separator "," is also the decimal separator`},
	{"currency symbol with digits", `
kind: repayments
locale: {currency_symbols: [KES, "100"]}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:34", `locale currency mark "100" is not a currency symbol or code; list symbols or codes such as "$", "€", "KES" or "FCFA"`},
	{"currency symbol with a digit", `
kind: repayments
locale:
  currency_symbols:
    - US$1
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "5:7", `locale currency mark "US$1" is not a currency symbol or code`},
	{"currency symbol punctuation", `
kind: repayments
locale: {currency_symbols: ["."]}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:29", `locale currency mark "." is not a currency symbol or code`},
	{"blank currency symbol", `
kind: repayments
locale: {currency_symbols: [KES, " "]}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:34", `empty item in currency_symbols`},
	{"currency symbols not a list", `
kind: repayments
locale: {currency_symbols: KES}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:28", `currency_symbols must be a list`},
	{"currency symbols misspelt", `
kind: repayments
locale: {currency_symbol: [KES]}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:10", `unknown key "currency_symbol" in locale (did you mean "currency_symbols"?)`},
	{"unknown locale key", `
kind: repayments
locale: {decimals: ","}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:10", `unknown key "decimals" in locale (did you mean "decimal"?)`},
	{"batch_size zero", `
kind: repayments
batch_size: 0
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:13", `batch_size must be a whole number from 1 to 300, not "0"`},
	{"batch_size too big", `
kind: repayments
batch_size: 301
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:13", `batch_size must be a whole number from 1 to 300`},
	{"batch_size text", `
kind: repayments
batch_size: lots
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:13", `batch_size must be a whole number from 1 to 300, not "lots"`},
	{"duplicate field", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount}
  amount: {column: Montant}
`, "6:3", `duplicate key "amount" (first at 5:3)`},
	{"duplicate top-level key", `
kind: repayments
kind: journals
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:1", `duplicate key "kind" (first at 2:1)`},
	{"duplicate attribute", `
kind: repayments
fields:
  loan_id:
    column: Loan ID
    column: Loan No
  amount: {column: Amount}
`, "6:5", `duplicate key "column" (first at 5:5)`},
	{"duplicate value word", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, values: {a: "1", a: "2"}}
`, "5:45", `duplicate key "a" (first at 5:37)`},
	{"value words equal once folded", loanDraftGender(`{Femme: female, FEMME: male}`), "8:52", `value "FEMME" is the same word as "Femme" (8:37) once case, accents and punctuation are ignored, but maps to "male", not "female"`},
	{"value word without letters", loanDraftGender(`{"--": female}`), "8:37", `value "--" has no letters or digits`},
	{"value mapping to nothing", loanDraftGender(`{W: }`), "8:40", `value "W" of field "gender" maps to nothing`},
	{"values not a mapping", loanDraftGender(`[female, male]`), "8:36", `values must be a mapping (key: value lines), not a list`},
	{"bool value not true or false", loanDraft(`  client_waiver_signed: {column: Waiver, values: {Oui: maybe}}`), "9:56", `value "Oui" of bool field "client_waiver_signed" must map to true or false, not "maybe"`},
	{"enum without values", loanDraft(`  currency: {column: Currency, type: enum}`), "9:3", `enum field "currency" needs values`},
	{"enum constant outside its values", loanDraft(`  currency: {constant: EUR, type: enum, values: {dollar: USD, sol: PEN}}`), "9:24", `constant "EUR" of field "currency" is not one of "PEN", "USD"`},
	{"gender constant outside the enum", `
kind: loan_draft
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  first_name: {column: First Name}
  gender: {constant: other}
  amount: {column: Amount}
`, "7:22", `constant "other" of field "gender" is not one of "female", "male"`},
	{"essential field made optional", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, required: false}
`, "5:38", `field "amount" is always required: Kiva cannot take a record without it`},
	{"missing essential field", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
`, "3:1", `missing field "amount": repayments mappings always need it`},
	{"missing essential schedule field", loanDraft(`schedule:
  fields:
    loan_id: {column: Loan ID}
    due_date: {column: Due Date}`), "10:3", `missing schedule field "principal": schedule mappings always need it`},
	{"schedule without fields", loanDraft(`schedule:
  sheets: [Schedule]`), "10:3", `schedule needs fields`},
	{"unknown schedule key", loanDraft(`schedule:
  sheet: [Schedule]
  fields: {loan_id: {column: Loan ID}, due_date: {column: D}, principal: {column: P}}`), "10:3", `unknown key "sheet" in schedule (did you mean "sheets"?)`},
	{"group_by names an absent field", loanDraft(`group_by: group_name`), "9:11", `group_by names field "group_name", which this mapping does not have`},
	{"group_by names a non-group field", loanDraft(`group_by: amount`), "9:11", `unknown group_by field "amount"`},
	{"key of another kind", `
kind: repayments
journal: {wrapper: array}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:1", `key "journal" does not apply to kind repayments (only to journals)`},
	{"schedule on repayments", `
kind: repayments
schedule: {}
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:1", `key "schedule" does not apply to kind repayments (only to loan_draft)`},
	{"bad journal wrapper", `
kind: journals
journal: {wrapper: list}
fields: {loan_id: {column: L}, subject: {column: S}, body: {column: B}}
`, "3:20", `unknown journal wrapper "list" (use one of "array", "object")`},
	{"three_column without client_id", `
kind: repayments
repayment_format: three_column
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:19", `repayment_format three_column needs a client_id field`},
	{"three_column with optional client_id", `
kind: journals
repayment_format: three_column
fields: {loan_id: {column: L}, client_id: {column: C, required: false}, subject: {column: S}, body: {column: B}}
`, "4:65", `field "client_id" is required with repayment_format three_column`},
	{"three_column with client_id default only", `
kind: repayments
repayment_format: three_column
fields: {loan_id: {column: Loan ID}, client_id: {default: "0"}, amount: {column: Amount}}
`, "4:38", `required field "client_id" needs a column`},
	{"bad repayment_format", `
kind: repayments
repayment_format: 3
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:19", `unknown repayment_format "3" (use one of "two_column", "three_column")`},
	{"bad amounts", `
kind: repayments
amounts: integer
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:10", `unknown amounts "integer"`},
	{"aliases without column", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {aliases: [Montant], constant: "1"}
`, "5:21", `field "amount" has aliases but no column`},
	{"aliases not a list", `
kind: repayments
fields:
  loan_id: {column: Loan ID, aliases: Loan No}
  amount: {column: Amount}
`, "4:39", `aliases must be a list`},
	{"empty alias", `
kind: repayments
fields:
  loan_id: {column: Loan ID, aliases: [Loan No, ""]}
  amount: {column: Amount}
`, "4:49", `empty item in aliases`},
	{"blank column", `
kind: repayments
fields:
  loan_id: {column: "  "}
  amount: {column: Amount}
`, "4:21", `column is blank`},
	{"column without letters", `
kind: repayments
fields:
  loan_id: {column: "#"}
  amount: {column: Amount}
`, "4:21", `header name "#" has no letters or digits`},
	{"header name of two fields", `
kind: repayments
fields:
  loan_id: {column: Loan ID, aliases: [Number]}
  client_id: {column: Client ID, aliases: [NUMBER]}
  amount: {column: Amount}
`, "5:44", `header name "NUMBER" of field "client_id" is also a name of field "loan_id" (4:40)`},
	{"invalid name", `
name: my loans
kind: repayments
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "2:7", `name "my loans" must be letters, digits`},
	{"invalid currency", `
kind: repayments
currency: francs
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:11", `currency "francs" must be a 3-letter ISO 4217 code`},
	{"currency on journals", `
kind: journals
currency: XOF
fields: {loan_id: {column: L}, subject: {column: S}, body: {column: B}}
`, "3:1", `key "currency" does not apply to kind journals (only to repayments)`},
	{"bad decimal default", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, default: "1,5"}
`, "5:37", `default "1,5" of field "amount" is not a number`},
	{"bad integer default", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, type: integer, default: "1.5"}
`, "5:52", `is not a whole number`},
	{"bad date default", loanDraft(`  disburse_date: {column: D, default: 15/03/2024}`), "9:39", `is not a date written YYYY-MM-DD`},
	{"bad bool default", loanDraft(`  pictured: {column: P, default: maybe}`), "9:34", `default "maybe" of field "pictured" is not true or false`},
	{"bad currency constant", loanDraft(`  currency: {constant: dollars}`), "9:24", `is not a 3-letter ISO 4217 currency code`},
	{"required not a bool", `
kind: repayments
fields:
  loan_id: {column: Loan ID, required: yes}
  amount: {column: Amount}
`, "4:40", `required must be true or false, not "yes"`},
	{"default not a scalar", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: {column: Amount, default: [1]}
`, "5:37", `default must be a single value, not a list`},
	{"sheets not a list", `
kind: repayments
sheets: Repayments
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:9", `sheets must be a list`},
	{"duplicate sheet names", `
kind: repayments
sheets: [Repayments, REPAYMENTS]
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:22", `sheet name "REPAYMENTS" is the same as "Repayments"`},
	{"fields is a list", `
kind: repayments
fields: [loan_id, amount]
`, "3:9", `fields must be a mapping (key: value lines), not a list`},
	{"document is a list", `
- kind: repayments
`, "2:1", `a mapping file must be a mapping`},
	{"document is a word", `
repayments
`, "2:1", `a mapping file must be a mapping`},
	{"complex key", `
kind: repayments
? [a, b]
: c
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "3:3", `keys must be plain words, not a list`},
	{"empty file", ``, "1:1", `empty mapping file`},
	{"comments only", "# nothing\n", "1:1", `empty mapping file`},
	{"null document", "~\n", "1:1", `empty mapping file`},
	{"two documents", `
kind: repayments
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
---
kind: journals
`, "5:1", `a mapping file holds one YAML document`},
	{"syntax error", `
kind: repayments
fields:
  loan_id: {column: Loan ID
  amount: {column: Amount}
`, "4:3", `invalid YAML: did not find expected ',' or '}'`},
	{"syntax error in a block", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
   amount: {column: Amount}
`, "4:3", `invalid YAML: did not find expected key`}, // yaml.v3 names the enclosing mapping
	{"tab indentation", "kind: repayments\nfields:\n\tloan_id: {column: Loan ID}\n", "3:", `invalid YAML`},
	{"unquoted comma", `
kind: repayments
locale:
  decimal: ,
fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}
`, "4:3", `invalid YAML: did not find expected node content`},
	{"CR line breaks", "kind: repayments\rfields: [x]\r", "2:9", `fields must be a mapping`},
	{"syntax error after CR line breaks", "kind: repayments\rfields:\r  a: {b\r  c: d\r", "3:3", `invalid YAML: did not find expected ',' or '}'`},
	{"control character after CR LF", "kind: repayments\r\nname: a\x01b\r\n", "2:8", `invalid YAML`},
	{"control character", "kind: repayments\nname: a\x01b\n", "2:8", `invalid YAML`},
	{"invalid UTF-8", "kind: repayments\nname: a\xffb\n", "2:8", `invalid YAML`},
	{"unknown anchor", `
kind: repayments
fields: *nope
`, "3:9", `unknown anchor 'nope'`},
	{"merge of a scalar", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount:
    <<: Amount
`, "6:9", `a merge (<<) takes a mapping or a list of mappings, not "Amount"`},
	{"merge cycle", `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  amount: &a
    column: Amount
    values: &v {x: "1", <<: *v}
`, "7:13", `merge (<<) of values includes itself`},
}

// loanDraft is a valid loan_draft mapping (8 lines, the first empty) with
// extra appended from line 9.
func loanDraft(extra string) string {
	return `
kind: loan_draft
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  first_name: {column: First Name}
  gender: {column: Gender}
  amount: {column: Amount}
` + extra + "\n"
}

// loanDraftGender is a loan_draft mapping whose gender values (line 8,
// column 33) are vals.
func loanDraftGender(vals string) string {
	return `
kind: loan_draft
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  first_name: {column: First Name}
  amount: {column: Amount}
  gender: {column: Gender, values: ` + vals + `}
`
}

func TestParseErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse([]byte(tc.yaml), "test.yaml")
			if err == nil {
				t.Fatalf("no error; got %+v", m)
			}
			checkPositioned(t, err, "test.yaml")
			want := "test.yaml:" + tc.pos
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(line, want) && strings.Contains(line, tc.msg) {
					return
				}
			}
			t.Errorf("want an error at %s containing\n\t%s\ngot:\n%v", tc.pos, tc.msg, err)
		})
	}
}

// checkPositioned asserts that err is a non-empty ErrorList whose every
// element has the source and a position.
func checkPositioned(t testing.TB, err error, source string) {
	t.Helper()
	var list ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error is %T, not a non-empty ErrorList: %v", err, err)
	}
	for _, e := range list {
		if e.Source != source || e.Line < 1 || e.Column < 1 || e.Msg == "" {
			t.Fatalf("error without position: %#v", e)
		}
		prefix := fmt.Sprintf("%s:%d:%d: ", source, e.Line, e.Column)
		if !strings.HasPrefix(e.Error(), prefix) {
			t.Fatalf("error %q does not start with %q", e.Error(), prefix)
		}
	}
}

func TestParseErrorExactText(t *testing.T) {
	src := `# a comment line
name: my-loans
kind: repayments
fields:
  loan_id:
    column: Loan ID
  amount:
    colum: Amount
`
	_, err := Parse([]byte(src), "loans.yaml")
	// Errors come in file order.
	want := `loans.yaml:7:3: required field "amount" needs a column (the header of its column) or a constant
loans.yaml:8:5: unknown key "colum" in field "amount" (did you mean "column"?)`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Line != 7 {
		t.Errorf("errors.As(*Error) = %v", e)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := `
kind: repayments
batch_size: 0
header_row: x
fields:
  loan_id: {column: Loan ID, type: number}
  amount: {column: Amount, lookup: theme}
`
	_, err := Parse([]byte(src), "m.yaml")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 4 {
		t.Fatalf("want 4 errors, got %v", err)
	}
}

func TestParseTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("kind: repayments\nfields: {loan_id: {column: L}, amount: {column: A}}\n")
	for i := range 200 {
		fmt.Fprintf(&b, "junk%d: 1\n", i)
	}
	_, err := Parse([]byte(b.String()), "m.yaml")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != maxErrors+1 || list[maxErrors].Msg != "too many errors" {
		t.Fatalf("got %d errors", len(list))
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse(make([]byte, maxFileSize+1), "big.yaml")
	checkPositioned(t, err, "big.yaml")
}

func TestDefaults(t *testing.T) {
	t.Run("repayments", func(t *testing.T) {
		m := mustParse(t, `
kind: repayments
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  amount: {column: Amount}
`, "/some/dir/my-repayments.yml")
		check(t, "Name", m.Name, "my-repayments")
		check(t, "Source", m.Source, "/some/dir/my-repayments.yml")
		check(t, "BatchSize", m.BatchSize, DefaultBatchSize)
		check(t, "RepaymentFormat", m.RepaymentFormat, TwoColumn)
		check(t, "Amounts", m.Amounts, AmountsDecimal)
		check(t, "Decimal (automatic)", m.Locale.Decimal, "")
		check(t, "Thousands", m.Locale.Thousands, "")
		check(t, "CurrencySymbols", len(m.Locale.CurrencySymbols), 0)
		check(t, "HeaderRow", m.HeaderRow, HeaderRow(0))
		check(t, "loan_id type", m.Fields[FLoanID].Type, TypeID)
		check(t, "amount type", m.Fields[FAmount].Type, TypeDecimal)
		check(t, "loan_id required", m.Fields[FLoanID].Required, true)
		check(t, "amount required", m.Fields[FAmount].Required, true)
		check(t, "client_id required", m.Fields[FClientID].Required, false)
		check(t, "Journal", m.Journal.Wrapper, "")
		if len(m.SHA256) != 64 {
			t.Errorf("SHA256 = %q", m.SHA256)
		}
	})
	t.Run("three_column makes client_id required", func(t *testing.T) {
		m := mustParse(t, `
kind: repayments
repayment_format: three_column
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  amount: {column: Amount}
`, "m.yaml")
		check(t, "client_id required", m.Fields[FClientID].Required, true)
	})
	t.Run("journals", func(t *testing.T) {
		m := mustParse(t, `
kind: journals
fields:
  loan_id: {column: Loan ID}
  subject: {column: Subject}
  body: {column: Body}
  image_url: {column: Image URL}
`, "embedded:journals")
		check(t, "Name", m.Name, "journals")
		check(t, "Wrapper", m.Journal.Wrapper, "array")
		check(t, "BatchSize", m.BatchSize, DefaultBatchSize)
		check(t, "RepaymentFormat", m.RepaymentFormat, TwoColumn)
		check(t, "Amounts", m.Amounts, AmountStyle(""))
		check(t, "subject required", m.Fields[FSubject].Required, true)
		check(t, "image_url type", m.Fields[FImageURL].Type, TypeText)
	})
	t.Run("locale", func(t *testing.T) {
		const fields = "fields: {loan_id: {column: Loan ID}, amount: {column: Amount}}\n"
		for _, tc := range []struct {
			locale, decimal, thousands, symbols string
		}{
			{"{}", "", "", ""},
			{"{thousands: \" \"}", "", " ", ""},
			{"{thousands: \"'\"}", "", "'", ""},
			// "," as thousands leaves "." as the only decimal separator.
			{"{thousands: \",\"}", ".", ",", ""},
			{"{decimal: \".\"}", ".", "", ""},
			{"{decimal: \",\"}", ",", "", ""},
			{"{decimal: \",\", thousands: \".\"}", ",", ".", ""},
			{"{decimal: \".\", thousands: \",\"}", ".", ",", ""},
			{"{currency_symbols: [KES, \" KSh \", $, FCFA, €, US$, Ksh]}", "", "", "KES|KSh|$|FCFA|€|US$|Ksh"},
			{"{currency_symbols: []}", "", "", ""},
			{"{currency_symbols: }", "", "", ""},
		} {
			m := mustParse(t, "kind: repayments\nlocale: "+tc.locale+"\n"+fields, "m.yaml")
			check(t, tc.locale+" decimal", m.Locale.Decimal, tc.decimal)
			check(t, tc.locale+" thousands", m.Locale.Thousands, tc.thousands)
			check(t, tc.locale+" currency_symbols", strings.Join(m.Locale.CurrencySymbols, "|"), tc.symbols)
			// The converter builds its number locale from these: whichever
			// decimal separator it decides on, the locale is valid.
			decs := []string{m.Locale.Decimal}
			if m.Locale.Decimal == "" {
				decs = []string{".", ","}
			}
			for _, d := range decs {
				if _, err := values.NewLocale(d, m.Locale.Thousands, m.Locale.CurrencySymbols...); err != nil {
					t.Errorf("%s: values.NewLocale(%q, ...): %v", tc.locale, d, err)
				}
			}
		}
	})
	t.Run("loan_draft", func(t *testing.T) {
		m := mustParse(t, `
kind: loan_draft
header_row: 3
locale: {decimal: ",", thousands: " ", date_formats: [dd/mm/yyyy]}
fields:
  loan_id: {column: Loan ID}
  client_id: {column: Client ID}
  first_name: {column: First Name}
  gender: {column: Gender}
  amount: {column: Amount}
  currency: {constant: xof}
  disburse_date: {column: Date, formats: [d-mmm-yy]}
  activity: {column: Activity}
  theme: {column: Theme}
  location: {column: Location}
  description_language: {column: Language}
  client_waiver_signed: {column: Waiver}
  pictured: {column: Pictured, default: "Oui"}
  group_loan_id: {column: Group Loan ID}
schedule:
  fields:
    loan_id: {column: Loan ID}
    due_date: {column: Due Date}
    principal: {column: Principal}
    interest: {column: Interest, default: 0}
`, "loans.yaml")
		check(t, "HeaderRow", m.HeaderRow, HeaderRow(3))
		check(t, "DateFormats", strings.Join(m.Locale.DateFormats, "|"), "DD/MM/YYYY")
		check(t, "Formats", strings.Join(m.Fields[FDisburseDate].Formats, "|"), "D-MMM-YY")
		check(t, "Thousands", m.Locale.Thousands, " ")
		check(t, "Amounts", m.Amounts, AmountsDecimal)
		check(t, "GroupBy", m.GroupBy, FGroupLoanID)
		check(t, "BatchSize", m.BatchSize, 0)
		check(t, "RepaymentFormat", m.RepaymentFormat, RepaymentFormat(""))
		check(t, "Schedule.Required", *m.Schedule.Required, true)
		check(t, "currency constant", *m.Fields[FCurrency].Constant, "XOF")
		check(t, "pictured default", *m.Fields[FPictured].Default, "true")
		check(t, "interest default", *m.Schedule.Fields[FInterest].Default, "0")
		for key, want := range map[string]Type{
			FLoanID: TypeID, FClientID: TypeID, FFirstName: TypeText, FGender: TypeEnum,
			FAmount: TypeDecimal, FCurrency: TypeText, FDisburseDate: TypeDate,
			FActivity: TypeText, FClientWaiverSigned: TypeBool, FPictured: TypeBool,
			FGroupLoanID: TypeID,
		} {
			check(t, key+" type", m.Fields[key].Type, want)
		}
		for key, want := range map[string]Lookup{
			FActivity: LookupActivity, FTheme: LookupTheme, FLocation: LookupLocation,
			FDescriptionLanguage: LookupLanguage, FAmount: "", FLoanID: "",
		} {
			check(t, key+" lookup", m.Fields[key].Lookup, want)
		}
		for key, want := range map[string]Type{FLoanID: TypeID, FDueDate: TypeDate, FPrincipal: TypeDecimal, FInterest: TypeDecimal} {
			check(t, "schedule "+key+" type", m.Schedule.Fields[key].Type, want)
		}
		check(t, "schedule principal required", m.Schedule.Fields[FPrincipal].Required, true)
		check(t, "schedule interest required", m.Schedule.Fields[FInterest].Required, false)
		for _, key := range []string{FLoanID, FClientID, FFirstName, FGender, FAmount} {
			check(t, key+" required", m.Fields[key].Required, true)
		}
		// Built-in words when values are left out.
		check(t, "gender values", len(m.Fields[FGender].Values), len(builtinGender))
		check(t, "waiver values", len(m.Fields[FClientWaiverSigned].Values), len(builtinBool))
		check(t, "gender enum", strings.Join(m.Fields[FGender].EnumValues(FGender), ","), "female,male")
		v, ok := m.Fields[FGender].MapValue(" féminin ")
		check(t, "MapValue", v+fmt.Sprint(ok), "femaletrue")
		v, ok = m.Fields[FClientWaiverSigned].MapValue("NÃO")
		check(t, "MapValue bool", v+fmt.Sprint(ok), "falsetrue")
	})
	t.Run("own values replace the built-in ones", func(t *testing.T) {
		m := mustParse(t, loanDraftGender(`{M: female, H: male, X: other}`), "m.yaml")
		g := m.Fields[FGender]
		check(t, "values", len(g.Values), 3)
		check(t, "enum", strings.Join(g.EnumValues(FGender), ","), "female,male,other")
		if _, ok := g.MapValue("Femme"); ok {
			t.Error("built-in word kept")
		}
	})
	t.Run("explicit schedule.required false", func(t *testing.T) {
		m := mustParse(t, loanDraft(`schedule:
  required: false
  fields: {loan_id: {column: L}, due_date: {column: D}, principal: {column: P}}`), "m.yaml")
		check(t, "Schedule.Required", *m.Schedule.Required, false)
		check(t, "GroupBy", m.GroupBy, "")
	})
}

func mustParse(t testing.TB, src, source string) *Mapping {
	t.Helper()
	m, err := Parse([]byte(src), source)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func check[T comparable](t testing.TB, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestAnchorsAndMerges(t *testing.T) {
	m := mustParse(t, `
kind: repayments
fields:
  loan_id: &id
    column: Loan ID
    type: text
  client_id:
    <<: *id
    column: Client ID
  amount:
    <<: [{column: Amount, type: integer}, {column: Ignored, required: true}]
`, "m.yaml")
	c := m.Fields[FClientID]
	check(t, "column", c.Column, "Client ID")
	check(t, "type", c.Type, TypeText)
	a := m.Fields[FAmount]
	check(t, "merged column (first wins)", a.Column, "Amount")
	check(t, "merged type", a.Type, TypeInteger)
	check(t, "merged required", a.Required, true)

	// A list alias inside aliases is spliced in.
	m = mustParse(t, loanDraft(`  group_loan_id: {column: Group Loan ID, aliases: &g [Group Loan No, N° Prêt Groupe]}
schedule:
  fields:
    loan_id: {column: Loan ID, aliases: [Group Loan ID, *g, [Credit]]}
    due_date: {column: Due Date}
    principal: {column: Principal}`), "m.yaml")
	check(t, "aliases", strings.Join(m.Schedule.Fields[FLoanID].Aliases, "|"), "Group Loan ID|Group Loan No|N° Prêt Groupe|Credit")
}

// TestSharedAliasesConflict: aliases reused through an anchor still name
// one field only.
func TestSharedAliasesConflict(t *testing.T) {
	_, err := Parse([]byte(`
kind: repayments
fields:
  loan_id: {column: Loan ID, aliases: &n [Number]}
  client_id: {column: Client ID, aliases: *n}
  amount: {column: Amount}
`), "m.yaml")
	if err == nil || !strings.Contains(err.Error(), `header name "Number" of field "client_id" is also a name of field "loan_id"`) {
		t.Fatalf("got %v", err)
	}
}

const billionLaughs = `
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

// mergeBomb expands 9^9 pairs if the merges are followed naively.
func mergeBomb() string {
	var b strings.Builder
	b.WriteString("kind: repayments\nfields:\n  loan_id:\n    column: Loan ID\n    values: &v0 {a: b}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  x%d: &v%d\n    <<: [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*v%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("  amount:\n    column: Amount\n    values: *v9\n")
	return b.String()
}

func TestYAMLBomb(t *testing.T) {
	within := func(t *testing.T, d time.Duration, f func()) {
		t.Helper()
		done := make(chan struct{})
		go func() { f(); close(done) }()
		select {
		case <-done:
		case <-time.After(d):
			t.Fatal("did not finish in time")
		}
	}
	t.Run("yaml.v3 guard", func(t *testing.T) {
		within(t, 10*time.Second, func() {
			var v any
			err := yaml.Unmarshal([]byte(billionLaughs), &v)
			if err == nil || !strings.Contains(err.Error(), "excessive aliasing") {
				t.Errorf("yaml.v3 guard: %v", err)
			}
		})
	})
	t.Run("top level", func(t *testing.T) {
		within(t, 10*time.Second, func() {
			_, err := Parse([]byte("kind: repayments\n"+billionLaughs), "bomb.yaml")
			checkPositioned(t, err, "bomb.yaml")
		})
	})
	t.Run("in aliases", func(t *testing.T) {
		src := "kind: repayments\nfields:\n  x: " + strings.ReplaceAll(strings.TrimSpace(billionLaughs), "\n", "\n  ") +
			"\n  amount: {column: Amount, aliases: *i}\n  loan_id: {column: L, aliases: [*i, *i]}\n"
		within(t, 10*time.Second, func() {
			_, err := Parse([]byte(src), "bomb.yaml")
			checkPositioned(t, err, "bomb.yaml")
		})
	})
	t.Run("merges", func(t *testing.T) {
		within(t, 10*time.Second, func() {
			_, err := Parse([]byte(mergeBomb()), "bomb.yaml")
			checkPositioned(t, err, "bomb.yaml")
			if !strings.Contains(err.Error(), "YAML bomb") {
				t.Errorf("got %v", err)
			}
		})
	})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(path, []byte("kind: repayments\nfields:\n  loan_id: {column: L}\n  amount: {colum: A}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	checkPositioned(t, err, path)
	if !strings.Contains(err.Error(), path+":4:12: unknown key \"colum\"") {
		t.Errorf("got %v", err)
	}
	if _, err := Load(filepath.Join(dir, "absent.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

func TestHeaderRowYAML(t *testing.T) {
	var v struct {
		H HeaderRow `yaml:"h"`
	}
	for in, want := range map[string]HeaderRow{"h: auto": 0, "h: 7": 7} {
		v.H = 99
		if err := yaml.Unmarshal([]byte(in), &v); err != nil || v.H != want {
			t.Errorf("%q: %v %v", in, v.H, err)
		}
	}
	for _, in := range []string{"h: 0", "h: -1", "h: x", "h: [1]", "h: 1001"} {
		if err := yaml.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	out, err := yaml.Marshal(map[string]HeaderRow{"a": 0, "b": 4})
	if err != nil || string(out) != "a: auto\nb: 4\n" {
		t.Errorf("Marshal: %q %v", out, err)
	}
	check(t, "String", HeaderRow(0).String()+HeaderRow(12).String(), "auto12")
}

func TestClone(t *testing.T) {
	m, err := Get("loans")
	if err != nil {
		t.Fatal(err)
	}
	c := m.Clone()
	c.Sheets[0] = "x"
	c.Fields[FGender].Values["F"] = "x"
	c.Fields[FGender].Aliases[0] = "x"
	*c.Fields[FPictured].Default = "x"
	c.Schedule.Fields[FLoanID].Column = "x"
	*c.Schedule.Required = false
	if m.Sheets[0] == "x" || m.Fields[FGender].Values["F"] == "x" || m.Fields[FGender].Aliases[0] == "x" ||
		*m.Fields[FPictured].Default == "x" || m.Schedule.Fields[FLoanID].Column == "x" || !*m.Schedule.Required {
		t.Error("Clone shares memory with the original")
	}
	var nilM *Mapping
	if nilM.Clone() != nil {
		t.Error("nil Clone")
	}
}
