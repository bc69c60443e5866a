package mappings

import (
	"strconv"
	"strings"
)

// This file is the vocabulary of mapping files: which keys exist where, and
// which field keys each kind of record uses. The loader, the defaults and
// the tests that keep schema.json in step all read these tables.

// fieldSpec describes one Kiva field key within a table (a kind's main
// sheet, or the schedule sheet).
type fieldSpec struct {
	key string
	// types are the types the field may be read as; the first is the
	// default when the mapping gives none.
	types []Type
	// lookup is the reference list the field's names resolve through
	// (default and only allowed value), or "" when lookups make no sense.
	lookup Lookup
	// essential fields must be in every mapping of the kind and are always
	// required: Kiva cannot take a record without them.
	essential bool
}

// table is the field vocabulary of one sheet.
type table struct {
	name   string // for messages: "loan_draft", "schedule", ...
	fields []fieldSpec
}

func (t *table) spec(key string) (fieldSpec, bool) {
	for _, s := range t.fields {
		if s.key == key {
			return s, true
		}
	}
	return fieldSpec{}, false
}

func (t *table) keys() []string {
	out := make([]string, len(t.fields))
	for i, s := range t.fields {
		out[i] = s.key
	}
	return out
}

// order is the position of key in the table, used to list fields in a
// natural order (the template's column order) rather than alphabetically.
func (t *table) order(key string) int {
	for i, s := range t.fields {
		if s.key == key {
			return i
		}
	}
	return len(t.fields)
}

var (
	idTypes     = []Type{TypeID, TypeText}
	textTypes   = []Type{TypeText}
	amountTypes = []Type{TypeDecimal, TypeInteger}
	dateTypes   = []Type{TypeDate}
	boolTypes   = []Type{TypeBool}
	// Reference names may already be ids (a number cell holding the
	// activity_id); the lookup lets ids through.
	lookupTypes = []Type{TypeText, TypeInteger}
)

// The tables, in the templates' column order.
var (
	loanDraftTable = &table{name: string(LoanDraft), fields: []fieldSpec{
		{key: FLoanID, types: idTypes, essential: true},
		{key: FClientID, types: idTypes, essential: true},
		{key: FFirstName, types: textTypes, essential: true},
		{key: FLastName, types: textTypes},
		{key: FGender, types: []Type{TypeEnum, TypeText}, essential: true},
		{key: FAmount, types: amountTypes, essential: true},
		{key: FCurrency, types: []Type{TypeText, TypeEnum}},
		{key: FDisburseDate, types: dateTypes},
		{key: FActivity, types: lookupTypes, lookup: LookupActivity},
		{key: FTheme, types: lookupTypes, lookup: LookupTheme},
		{key: FLocation, types: lookupTypes, lookup: LookupLocation},
		{key: FDescription, types: textTypes},
		{key: FDescriptionLanguage, types: lookupTypes, lookup: LookupLanguage},
		{key: FLoanUse, types: textTypes},
		{key: FClientWaiverSigned, types: boolTypes},
		{key: FImage, types: textTypes},
		{key: FGroupName, types: textTypes},
		{key: FGroupLoanID, types: idTypes},
		{key: FGroupClientID, types: idTypes},
		{key: FPictured, types: boolTypes},
	}}
	scheduleTable = &table{name: "schedule", fields: []fieldSpec{
		{key: FLoanID, types: idTypes, essential: true},
		{key: FDueDate, types: dateTypes, essential: true},
		{key: FPrincipal, types: amountTypes, essential: true},
		{key: FInterest, types: amountTypes},
	}}
	repaymentsTable = &table{name: string(Repayments), fields: []fieldSpec{
		{key: FLoanID, types: idTypes, essential: true},
		{key: FClientID, types: idTypes},
		{key: FAmount, types: amountTypes, essential: true},
	}}
	journalsTable = &table{name: string(Journals), fields: []fieldSpec{
		{key: FLoanID, types: idTypes, essential: true},
		{key: FClientID, types: idTypes},
		{key: FSubject, types: textTypes, essential: true},
		{key: FBody, types: textTypes, essential: true},
		{key: FImageURL, types: textTypes},
	}}
)

// kinds lists the kinds in the order messages list them.
var kinds = []Kind{LoanDraft, Repayments, Journals}

func kindNames() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// tableOf is the main-sheet vocabulary of a kind (nil for an unknown kind).
func tableOf(k Kind) *table {
	switch k {
	case LoanDraft:
		return loanDraftTable
	case Repayments:
		return repaymentsTable
	case Journals:
		return journalsTable
	}
	return nil
}

// kindLabel is how messages for coordinators name a kind.
func kindLabel(k Kind) string {
	switch k {
	case LoanDraft:
		return "loan drafts"
	case Repayments:
		return "repayments"
	case Journals:
		return "journals"
	}
	return string(k)
}

// topKey is a top-level key and the kinds it applies to (nil: all).
type topKey struct {
	key   string
	kinds []Kind
}

// topKeys are the keys of a mapping document, in the order the embedded
// mappings write them.
var topKeys = []topKey{
	{key: "name"},
	{key: "kind"},
	{key: "description"},
	{key: "sheets"},
	{key: "header_row"},
	{key: "locale"},
	{key: "amounts", kinds: []Kind{LoanDraft, Repayments}},
	{key: "currency", kinds: []Kind{Repayments}},
	{key: "repayment_format", kinds: []Kind{Repayments, Journals}},
	{key: "batch_size", kinds: []Kind{Repayments, Journals}},
	{key: "journal", kinds: []Kind{Journals}},
	{key: "group_by", kinds: []Kind{LoanDraft}},
	{key: "columns"},
	{key: "fields"},
	{key: "schedule", kinds: []Kind{LoanDraft}},
}

func topKeyNames() []string {
	out := make([]string, len(topKeys))
	for i, k := range topKeys {
		out[i] = k.key
	}
	return out
}

func topKeyKinds(key string) (kinds []Kind, known bool) {
	for _, k := range topKeys {
		if k.key == key {
			return k.kinds, true
		}
	}
	return nil, false
}

// Keys of the nested mappings.
var (
	fieldKeys    = []string{"column", "aliases", "type", "required", "default", "constant", "values", "formats", "lookup"}
	localeKeys   = []string{"decimal", "thousands", "date_formats", "currency_symbols"}
	scheduleKeys = []string{"sheets", "header_row", "required", "fields"}
	journalKeys  = []string{"wrapper"}
)

// Enumerations of scalar values.
var (
	typeNames       = []string{string(TypeText), string(TypeID), string(TypeDecimal), string(TypeInteger), string(TypeDate), string(TypeBool), string(TypeEnum)}
	lookupNames     = []string{string(LookupActivity), string(LookupTheme), string(LookupLanguage), string(LookupLocation)}
	repaymentFormat = []string{string(TwoColumn), string(ThreeColumn)}
	amountStyles    = []string{string(AmountsDecimal), string(AmountsWhole)}
	wrapperNames    = []string{"array", "object"}
	decimalSeps     = []string{".", ","}
	// thousandsSeps: none, comma, dot, space, apostrophe (Swiss), no-break
	// space and narrow no-break space (French number formatting).
	thousandsSeps = []string{"", ",", ".", " ", "'", "\u00a0", "\u202f"}
)

// groupByKeys are the fields group_by may name.
var groupByKeys = []string{FGroupLoanID, FGroupClientID, FGroupName, FLoanID}

// Header-row limits: "auto" searches the first autoHeaderRows rows; a
// fixed row is 1..maxHeaderRow.
const (
	autoHeaderRows = 20
	maxHeaderRow   = 1000
)

// Batch sizes: Kiva takes at most 200–300 records per call.
const (
	DefaultBatchSize = 250
	MaxBatchSize     = 300
)

// builtinGender is the value map a gender field of type enum gets when its
// mapping gives no values. Keys match like headers (case, accents and
// punctuation ignored). Spanish exports sometimes code women as "M"
// (mujer): such a mapping must write its own values.
var builtinGender = map[string]string{
	"F": "female", "Female": "female", "W": "female", "Woman": "female",
	"Femme": "female", "Féminin": "female", "Mujer": "female", "Femenino": "female",
	"Feminino": "female", "Mulher": "female",
	"M": "male", "Male": "male", "Man": "male", "H": "male", "Homme": "male",
	"Masculin": "male", "Hombre": "male", "Masculino": "male", "Homem": "male",
}

// builtinBool is the value map a bool field gets when its mapping gives no
// values. "X" is a ticked box.
var builtinBool = map[string]string{
	"Yes": "true", "Y": "true", "True": "true", "1": "true", "X": "true",
	"Oui": "true", "O": "true", "Sí": "true", "S": "true", "Sim": "true",
	"Verdadero": "true", "Vrai": "true", "Verdadeiro": "true",
	"No": "false", "N": "false", "False": "false", "0": "false",
	"Non": "false", "Não": "false", "Falso": "false", "Faux": "false",
}

// builtinEnum is what an enum field of that key always allows, besides
// the targets of its values map.
var builtinEnum = map[string][]string{
	FGender: {"female", "male"},
}

// quoteList is xs quoted and comma-separated, for messages.
func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
