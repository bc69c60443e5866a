// Package mappings says how a spreadsheet layout becomes Kiva records: it
// loads and checks mapping files (YAML), ships the built-in mappings of the
// kivaconv templates, and matches header rows to mappings.
//
// # Mapping files
//
// A mapping names its kind (loan_draft, repayments, journals), the sheets
// and header row to read, and for each Kiva field the column it comes from
// (with aliases), or a constant. See loans.yaml for a commented example
// and schema.json (Schema) for every key. Parse and Load check a file
// completely and report every problem with its position:
//
//	loans.yaml:12:5: unknown key "colum" in field "amount" (did you mean "column"?)
//
// and then apply the defaults (types by field, batch size 250, ...), so
// that the rest of kivaconv never has to.
//
// # Choosing a mapping
//
// Candidates gathers the built-in mappings and the partner's own files;
// FindHeaderRow and Mapping.MatchHeader say how a sheet's header row fits a
// mapping; Select picks the mapping that fits a file, or explains, in words
// for a Kiva coordinator, why none or several do.
//
// Header texts, sheet names and value words are compared by their
// values.Key: ignoring case, accents, spaces, underscores and punctuation,
// with º, ª and ° read as o, a and o ("N° Prêt" matches "No. Pret").
//
// # Agreement with package values
//
// The loader accepts exactly what package values will read: date formats
// are checked by values.ParseDateFormat and currency symbols as
// values.NewLocale checks them. An unset locale.decimal is left for the
// converter to decide per file (see Locale.Decimal).
package mappings
