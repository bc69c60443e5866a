package mappings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

const schemaURL = "https://github.com/kiva-partners/kivaconv/mappings/schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatalf("schema.json does not compile: %v", err)
	}
	return s
}

// yamlInstance turns a mapping file into the JSON value the schema checks,
// as an editor's YAML extension does.
func yamlInstance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(stringKeys(v))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func stringKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = stringKeys(e)
		}
		return v
	case map[any]any:
		out := map[string]any{}
		for k, e := range v {
			out[fmt.Sprint(k)] = stringKeys(e)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = stringKeys(e)
		}
	}
	return v
}

func TestSchemaValidatesEmbedded(t *testing.T) {
	s := compileSchema(t)
	for _, name := range EmbeddedNames() {
		data, err := EmbeddedYAML(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlInstance(t, data)); err != nil {
			t.Errorf("%s.yaml does not validate against schema.json: %v", name, err)
		}
	}
}

// TestSchemaRejects: the schema catches the common mistakes too (the loader
// catches them all).
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	for name, doc := range map[string]string{
		"unknown key":       "kind: repayments\nfeilds: {}\n",
		"unknown attribute": "kind: repayments\nfields: {loan_id: {colum: A}, amount: {column: B}}\n",
		"field of a kind":   "kind: repayments\nfields: {loan_id: {column: A}, amount: {column: B}, subject: {column: S}}\n",
		"missing essential": "kind: repayments\nfields: {loan_id: {column: A}}\n",
		"column+constant":   "kind: repayments\nfields: {loan_id: {column: A}, amount: {column: B, constant: 1}}\n",
		"aliases no column": "kind: repayments\nfields: {loan_id: {column: A}, amount: {aliases: [B], constant: 1}}\n",
		"key of a kind":     "kind: repayments\njournal: {wrapper: array}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"bad type":          "kind: repayments\nfields: {loan_id: {column: A}, amount: {column: B, type: datee}}\n",
		"header_row 0":      "kind: repayments\nheader_row: 0\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"batch_size 301":    "kind: repayments\nbatch_size: 301\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"no kind":           "fields: {}\n",
		"bad thousands":     "kind: repayments\nlocale: {thousands: _}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"currency digits":   "kind: repayments\nlocale: {currency_symbols: [KES, \"100\"]}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"blank currency":    "kind: repayments\nlocale: {currency_symbols: [\" \"]}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"time in format":    "kind: repayments\nlocale: {date_formats: [DD/MM/YYYY hh:mm]}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"digits in format":  "kind: repayments\nlocale: {date_formats: [02/01/2006]}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
	} {
		if err := s.Validate(yamlInstance(t, []byte(doc))); err == nil {
			t.Errorf("%s: schema accepts\n%s", name, doc)
		}
		if _, err := Parse([]byte(doc), "x.yaml"); err == nil {
			t.Errorf("%s: Parse accepts\n%s", name, doc)
		}
	}
}

// TestSchemaAccepts: what the loader accepts beyond the embedded files, the
// schema accepts too.
func TestSchemaAccepts(t *testing.T) {
	s := compileSchema(t)
	for _, doc := range []string{
		"kind: repayments\nlocale: {currency_symbols: [KES, KSh, $, FCFA, €]}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"kind: repayments\nlocale: {decimal: \",\", thousands: \".\", date_formats: [dd.mm.yyyy, YYYY年MM月DD日, D-MMM-YY]}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
		"kind: repayments\nlocale: {thousands: \",\", date_formats: [DD_MM_YYYY]}\nfields: {loan_id: {column: A}, amount: {column: B}}\n",
	} {
		if _, err := Parse([]byte(doc), "x.yaml"); err != nil {
			t.Errorf("Parse rejects\n%s%v", doc, err)
		}
		if err := s.Validate(yamlInstance(t, []byte(doc))); err != nil {
			t.Errorf("schema rejects\n%s%v", doc, err)
		}
	}
}

// schemaDoc is schema.json decoded for the agreement tests.
type schemaDoc struct {
	Properties map[string]json.RawMessage `json:"properties"`
	AllOf      []struct {
		If struct {
			Properties struct {
				Kind struct {
					Const string `json:"const"`
				} `json:"kind"`
			} `json:"properties"`
		} `json:"if"`
		Then struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"then"`
	} `json:"allOf"`
	Defs map[string]struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	} `json:"$defs"`
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}

func enumOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var p struct {
		Enum []any `json:"enum"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range p.Enum {
		if e != nil {
			out = append(out, e.(string))
		}
	}
	return out
}

// TestSchemaAgreesWithLoader keeps schema.json and the loader's key tables
// from drifting apart.
func TestSchemaAgreesWithLoader(t *testing.T) {
	var s schemaDoc
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("%s: schema has %v, loader has %v", what, sorted(got), sorted(want))
		}
	}
	same("top-level keys", sortedKeys(s.Properties), topKeyNames())
	same("field keys", sortedKeys(s.Defs["field"].Properties), fieldKeys)
	same("locale keys", sortedKeys(s.Defs["locale"].Properties), localeKeys)
	same("schedule keys", sortedKeys(s.Defs["schedule"].Properties), scheduleKeys)
	same("journal keys", sortedKeys(s.Defs["journal"].Properties), journalKeys)

	for def, tbl := range map[string]*table{
		"loanDraftFields": loanDraftTable, "scheduleFields": scheduleTable,
		"repaymentsFields": repaymentsTable, "journalsFields": journalsTable,
	} {
		same(def, sortedKeys(s.Defs[def].Properties), tbl.keys())
		var essential []string
		for _, f := range tbl.fields {
			if f.essential {
				essential = append(essential, f.key)
			}
		}
		same(def+" required", s.Defs[def].Required, essential)
	}

	same("kind enum", enumOf(t, s.Properties["kind"]), kindNames())
	same("type enum", enumOf(t, s.Defs["field"].Properties["type"]), typeNames)
	same("lookup enum", enumOf(t, s.Defs["field"].Properties["lookup"]), lookupNames)
	same("repayment_format enum", enumOf(t, s.Properties["repayment_format"]), repaymentFormat)
	same("amounts enum", enumOf(t, s.Properties["amounts"]), amountStyles)
	same("group_by enum", enumOf(t, s.Properties["group_by"]), groupByKeys)
	same("wrapper enum", enumOf(t, s.Defs["journal"].Properties["wrapper"]), wrapperNames)
	same("decimal enum", enumOf(t, s.Defs["locale"].Properties["decimal"]), decimalSeps)
	same("thousands enum", enumOf(t, s.Defs["locale"].Properties["thousands"]), thousandsSeps)

	// Per kind: the fields vocabulary, and the top-level keys that do not
	// apply (false schemas).
	seen := map[string]bool{}
	for _, a := range s.AllOf {
		kind := Kind(a.If.Properties.Kind.Const)
		seen[string(kind)] = true
		var ref struct {
			Ref string `json:"$ref"`
		}
		if err := json.Unmarshal(a.Then.Properties["fields"], &ref); err != nil {
			t.Fatal(err)
		}
		want := map[Kind]string{LoanDraft: "loanDraftFields", Repayments: "repaymentsFields", Journals: "journalsFields"}[kind]
		check(t, string(kind)+" fields", ref.Ref, "#/$defs/"+want)
		var absent []string
		for k, v := range a.Then.Properties {
			if string(v) == "false" {
				absent = append(absent, k)
			}
		}
		var notFor []string
		for _, k := range topKeys {
			if k.kinds != nil && !slices.Contains(k.kinds, kind) {
				notFor = append(notFor, k.key)
			}
		}
		same(string(kind)+" keys that do not apply", absent, notFor)
	}
	same("kinds in allOf", sortedKeys(seen), kindNames())
}

func TestSchemaIsEmbeddedCopy(t *testing.T) {
	a := Schema()
	a[0] = 'x'
	if Schema()[0] != '{' {
		t.Error("Schema returns shared bytes")
	}
	if !strings.Contains(string(Schema()), `"$schema": "https://json-schema.org/draft/2020-12/schema"`) {
		t.Error("not draft 2020-12")
	}
}
