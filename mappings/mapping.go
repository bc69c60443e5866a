package mappings

// Kind is the kind of record a mapping produces.
type Kind string

const (
	LoanDraft  Kind = "loan_draft"
	Repayments Kind = "repayments"
	Journals   Kind = "journals"
)

// Type is how a cell is read.
type Type string

const (
	TypeText    Type = "text"
	TypeID      Type = "id"
	TypeDecimal Type = "decimal"
	TypeInteger Type = "integer"
	TypeDate    Type = "date"
	TypeBool    Type = "bool"
	TypeEnum    Type = "enum"
)

// Lookup names a reference list (Kiva's config endpoints) a field's names
// are resolved against.
type Lookup string

const (
	LookupActivity Lookup = "activity" // activities: name → activity_id
	LookupTheme    Lookup = "theme"    // themes: name → theme_type_id
	LookupLanguage Lookup = "language" // locales: name or code → language_id
	LookupLocation Lookup = "location" // locations: name → exact full_name
)

// Mapping says how one spreadsheet layout becomes Kiva records. It is the
// decoded form of a mapping YAML file; see README "Mappings" and
// mappings/schema.json.
type Mapping struct {
	Name        string `yaml:"name"`
	Kind        Kind   `yaml:"kind"`
	Description string `yaml:"description,omitempty"`
	// Sheets are the candidate sheet names, matched like headers; the first
	// present wins. Empty: the first visible sheet whose header fits.
	Sheets []string `yaml:"sheets,omitempty"`
	// HeaderRow is the 1-based header row; 0 means found automatically in
	// the first 20 rows ("auto" in YAML).
	HeaderRow HeaderRow         `yaml:"header_row,omitempty"`
	Locale    Locale            `yaml:"locale,omitempty"`
	Fields    map[string]*Field `yaml:"fields"`
	// GroupBy is the field whose shared value makes rows one group loan
	// draft (loan_draft only; the default mapping uses group_loan_id).
	GroupBy string `yaml:"group_by,omitempty"`
	// Schedule is the repayment-schedule sheet joined to loan drafts.
	Schedule *Schedule `yaml:"schedule,omitempty"`
	// RepaymentFormat is PA2's CSV profile: two_column (loan ID, amount) or
	// three_column (loan ID, client ID, amount). It also decides whether
	// journals carry internal_client_id.
	RepaymentFormat RepaymentFormat `yaml:"repayment_format,omitempty"`
	// Amounts is decimal (exact decimals, the default) or whole (amounts
	// must be whole numbers, as Kiva's .NET sample sends them).
	Amounts AmountStyle `yaml:"amounts,omitempty"`
	// Currency is the ISO 4217 code of amounts when no field gives it
	// (repayments, for totals and the decimals rule).
	Currency string `yaml:"currency,omitempty"`
	// BatchSize is the number of records per batch file (repayments and
	// journals; loan drafts are always one per file). Default 250, max 300.
	BatchSize int `yaml:"batch_size,omitempty"`
	// Journal is how journal batches are wrapped (spec §8).
	Journal JournalOptions `yaml:"journal,omitempty"`
	// Columns are the header texts of the export the mapping was made for
	// (kivaconv mappings init writes them). When set, convert compares a
	// file's header with them and reports added, removed and renamed
	// columns first (see Mapping.Drift). Empty: no comparison.
	Columns []string `yaml:"columns,omitempty"`

	// Source is where the mapping was loaded from ("embedded:loans" or a
	// path) and SHA256 the hex digest of its bytes. Not YAML.
	Source string `yaml:"-"`
	SHA256 string `yaml:"-"`
}

// Field maps one Kiva field to a source column (or a constant).
type Field struct {
	// Column is the header text of the source column; Aliases are other
	// spellings. Matching ignores case, accents, spaces, underscores and
	// punctuation.
	Column  string   `yaml:"column,omitempty"`
	Aliases []string `yaml:"aliases,omitempty"`
	Type    Type     `yaml:"type,omitempty"`
	// Required: a row without a value is an error.
	Required bool `yaml:"required,omitempty"`
	// Default is used when the cell is empty or the column is absent.
	Default *string `yaml:"default,omitempty"`
	// Constant is used for every row; the field then has no column.
	Constant *string `yaml:"constant,omitempty"`
	// Values maps sheet words to Kiva values (enum: "Femme" → female; bool:
	// "Sí" → "true"). Keys match like headers.
	Values map[string]string `yaml:"values,omitempty"`
	// Formats are the text date formats of this field (DD/MM/YYYY style);
	// they replace locale.date_formats.
	Formats []string `yaml:"formats,omitempty"`
	// Lookup resolves names through the reference data; a value that is
	// already an id (or, for location, an exact full_name) passes.
	Lookup Lookup `yaml:"lookup,omitempty"`
}

// Locale says how text numbers and text dates are written. Number and
// date cells do not depend on it.
type Locale struct {
	// Decimal is the decimal separator of text numbers: ".", "," or ""
	// (automatic). Automatic is decided by the converter for each file:
	// "," for a semicolon-delimited text file (Excel writes CSV with ";"
	// in the locales whose decimal mark is ","), "." otherwise. Parse
	// leaves it "" unless the file sets it, except with thousands ",",
	// which makes it ".".
	Decimal string `yaml:"decimal,omitempty"`
	// Thousands is the grouping separator: "" (none, default), ",", ".",
	// " ", "'" or a no-break space.
	Thousands string `yaml:"thousands,omitempty"`
	// CurrencySymbols are currency symbols or codes ("KES", "KSh", "$",
	// "FCFA") that may stand before or after a text number and are then
	// ignored (letters match in any case). Without them such a mark makes
	// the cell an error.
	CurrencySymbols []string `yaml:"currency_symbols,omitempty"`
	// DateFormats are the accepted text date formats, e.g. DD/MM/YYYY.
	// Without one, only unambiguous ISO dates (YYYY-MM-DD) are accepted.
	DateFormats []string `yaml:"date_formats,omitempty"`
}

// Schedule describes the repayment-schedule sheet of loan drafts.
type Schedule struct {
	Sheets    []string          `yaml:"sheets,omitempty"`
	HeaderRow HeaderRow         `yaml:"header_row,omitempty"`
	Fields    map[string]*Field `yaml:"fields"`
	// Required: loans with no schedule rows are errors (default true).
	Required *bool `yaml:"required,omitempty"`
}

// HeaderRow is a 1-based row number, or 0 for automatic detection.
type HeaderRow int

// RepaymentFormat is PA2's repayment CSV profile.
type RepaymentFormat string

const (
	TwoColumn   RepaymentFormat = "two_column"
	ThreeColumn RepaymentFormat = "three_column"
)

// AmountStyle is decimal or whole.
type AmountStyle string

const (
	AmountsDecimal AmountStyle = "decimal"
	AmountsWhole   AmountStyle = "whole"
)

// JournalOptions configures the journals body.
type JournalOptions struct {
	// Wrapper is "array" (a bare JSON array, the default) or "object"
	// ({"journals": [...]}).
	Wrapper string `yaml:"wrapper,omitempty"`
}

// Field keys: the Kiva-side vocabulary a mapping's fields use.
const (
	// loan_draft, one row per borrower
	FLoanID              = "loan_id"
	FClientID            = "client_id"
	FFirstName           = "first_name"
	FLastName            = "last_name"
	FGender              = "gender"
	FAmount              = "amount"
	FCurrency            = "currency"
	FDisburseDate        = "disburse_date"
	FActivity            = "activity"
	FTheme               = "theme"
	FLocation            = "location"
	FDescription         = "description"
	FDescriptionLanguage = "description_language"
	FLoanUse             = "loan_use"
	FClientWaiverSigned  = "client_waiver_signed"
	FImage               = "image"
	FGroupName           = "group_name"
	FGroupLoanID         = "group_loan_id"
	FGroupClientID       = "group_client_id"
	FPictured            = "pictured"
	// schedule sheet (plus loan_id)
	FDueDate   = "due_date"
	FPrincipal = "principal"
	FInterest  = "interest"
	// journals (plus loan_id, client_id)
	FSubject  = "subject"
	FBody     = "body"
	FImageURL = "image_url"
)
