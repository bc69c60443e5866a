package mappings

import (
	"path"
	"path/filepath"
	"strings"
)

// applyDefaults fills what a valid mapping left unsaid. Field-level
// defaults (type, lookup, required for essential fields, built-in value
// words) are applied while the field is read: see checkField. Here:
//   - name: the file name without its extension ("embedded:loans" and
//     "/x/loans.yaml" are both "loans");
//   - locale.decimal: "." when thousands is ","; otherwise an unset
//     decimal stays "", which means automatic: the converter uses "," for
//     semicolon-delimited text files and "." for other files. (Thousands
//     stays "": no grouping separator, so "1,500" is an error rather than
//     a guess; date_formats stays empty: only ISO text dates and real date
//     cells; currency_symbols stays empty: a currency mark in a text
//     number is an error.)
//   - amounts: decimal (loan drafts and repayments);
//   - repayment_format: two_column (repayments and journals);
//   - batch_size: 250 (repayments and journals);
//   - journal.wrapper: array (journals);
//   - group_by: group_loan_id, when a loan-draft mapping has that field and
//     no group_by (rows sharing a group loan ID are one group loan);
//   - schedule.required: true (a loan without schedule rows is an error).
func applyDefaults(m *Mapping, source string) {
	if m.Name == "" {
		m.Name = nameFromSource(source)
	}
	if m.Locale.Decimal == "" && m.Locale.Thousands == "," {
		m.Locale.Decimal = "."
	}
	switch m.Kind {
	case LoanDraft:
		if m.Amounts == "" {
			m.Amounts = AmountsDecimal
		}
		if m.GroupBy == "" && m.Fields[FGroupLoanID] != nil {
			m.GroupBy = FGroupLoanID
		}
		if m.Schedule != nil && m.Schedule.Required == nil {
			t := true
			m.Schedule.Required = &t
		}
	case Repayments:
		if m.Amounts == "" {
			m.Amounts = AmountsDecimal
		}
		if m.RepaymentFormat == "" {
			m.RepaymentFormat = TwoColumn
		}
		if m.BatchSize == 0 {
			m.BatchSize = DefaultBatchSize
		}
	case Journals:
		if m.RepaymentFormat == "" {
			m.RepaymentFormat = TwoColumn
		}
		if m.BatchSize == 0 {
			m.BatchSize = DefaultBatchSize
		}
		if m.Journal.Wrapper == "" {
			m.Journal.Wrapper = "array"
		}
	}
}

// nameFromSource is the base name of source without its extension and
// without an "embedded:" prefix.
func nameFromSource(source string) string {
	s := strings.TrimPrefix(source, "embedded:")
	s = path.Base(filepath.ToSlash(s))
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		s = s[:i]
	}
	if s == "." || s == "/" {
		return ""
	}
	return s
}
