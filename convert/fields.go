package convert

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// rowValues reads every mapped field of a data row. It returns the typed
// values (indexed like l.fields) and whether the row is usable; problems go
// to the collector.
func (c *run) rowValues(l *layout, r *input.Row, vals []value) bool {
	ok := true
	for i := l.width; i < len(r.Cells); i++ {
		if cell := r.Cells[i]; cell.Type != input.Blank || cell.Formula {
			c.issue(Issue{
				Severity: kiva.Error, Pos: l.pos(r, i), Value: cell.Text,
				Message: fmt.Sprintf("the row has a value in column %s, right of the last header column", input.ColumnName(i+1)),
				Hint:    "add a header for that column or delete the stray value",
			})
			ok = false
			break
		}
	}
	for i := range l.fields {
		v, good := c.fieldValue(l, &l.fields[i], r)
		vals[i] = v
		ok = ok && good
	}
	return ok
}

// fieldValue reads one field of a row.
func (c *run) fieldValue(l *layout, fs *fieldSpec, r *input.Row) (value, bool) {
	v := value{col: fs.header}
	var cell input.Cell
	from := "" // "constant" or "default" when the value is the mapping's
	switch {
	case fs.f.Constant != nil:
		cell = input.Cell{Type: input.Text, Text: *fs.f.Constant}
		v.pos = l.pos(r, -1)
		from = "constant"
	case fs.col >= 0:
		cell = r.Cell(fs.col)
		v.pos = l.pos(r, fs.col)
	default:
		v.pos = l.pos(r, -1)
	}
	v.raw = cell.Text
	if cell.Type == input.Text && strings.TrimSpace(cell.Text) == "" {
		cell.Type = input.Blank // spaces, or a formula's cached ""
		cell.Formula = false
	}
	if cell.Type == input.Blank {
		if cell.Formula {
			c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: fs.key,
				Message: "the cell holds a formula whose value was never calculated",
				Hint:    "open the file in Excel and save it, so the values are stored"})
			return v, false
		}
		if fs.f.Default == nil {
			if fs.f.Required {
				c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: fs.key,
					Message: "required, but the cell is empty",
					Hint:    "fill in the cell"})
				return v, false
			}
			return v, true
		}
		cell = input.Cell{Type: input.Text, Text: *fs.f.Default}
		from = "default"
	}
	if err := c.typed(l, fs, cell, &v); err != nil {
		is := Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: fs.key, Value: cell.Text,
			Message: err.Error()}
		if ve, ok := err.(*values.Error); ok {
			is.Hint = ve.Hint
		}
		if le, ok := err.(*lookupError); ok {
			is.Hint = le.hint
		}
		// The mapping's own value: the workbook advice does not apply.
		switch from {
		case "constant":
			is.Hint = values.MappingOnly(fmt.Sprintf("fix the constant %q of %s (%s)", cell.Text, fs.key, is.Hint))
		case "default":
			is.Hint = values.OrForMapping("fill in the cell", fmt.Sprintf("fix the default %q of %s (%s)", cell.Text, fs.key, is.Hint))
		}
		c.issue(is)
		return v, false
	}
	v.set = true
	return v, true
}

// typed converts a non-blank cell to the field's type.
func (c *run) typed(l *layout, fs *fieldSpec, cell input.Cell, v *value) error {
	f := fs.f
	switch f.Type {
	case mappings.TypeID:
		s, err := values.ID(cell)
		v.text = s
		return err
	case mappings.TypeDecimal:
		if len(cell.Text) > maxNumberLen {
			return tooLong(cell)
		}
		d, err := values.Decimal(cell, l.loc)
		if err == nil && d.Abs().Cmp(maxAmount) >= 0 {
			return &values.Error{Value: cell.Text, Msg: fmt.Sprintf("%s is too large to be an amount", cell.Text),
				Hint: "check the cell: a number written as 1E+20 is 100000000000000000000"}
		}
		v.num = kiva.NewAmount(d)
		return err
	case mappings.TypeInteger:
		if len(cell.Text) > maxNumberLen {
			return tooLong(cell)
		}
		n, err := values.Integer(cell, l.loc)
		v.i = n
		return err
	case mappings.TypeDate:
		formats := f.Formats
		if len(formats) == 0 {
			formats = l.dateFmts
		}
		if len(formats) == 0 {
			s, err := c.orderedDate(l, fs, cell) // the column's day/month order
			v.text = s
			return err
		}
		s, err := values.Date(cell, formats, l.date1904)
		v.text = s
		return err
	case mappings.TypeBool:
		b, err := values.Bool(cell, fs.words)
		v.b = b
		return err
	case mappings.TypeEnum:
		s, err := values.Enum(cell, f.Values, nil)
		v.text = s
		return err
	default:
		s, err := values.Text(cell)
		if err != nil {
			return err
		}
		v.text = s
		if f.Lookup != "" {
			return c.lookup(f.Lookup, v)
		}
		return nil
	}
}

// maxAmount is 10^18: no microloan amount comes near it.
var maxAmount = decimal.New(1, 18)

// maxNumberLen bounds the text of a number cell: money has at most a few
// dozen digits, and a longer cell is a mistake that must not cost seconds.
const maxNumberLen = 40

func tooLong(cell input.Cell) error {
	return &values.Error{Value: cell.Text[:maxNumberLen] + "…",
		Msg:  fmt.Sprintf("a number of %d characters is too long to be an amount", len(cell.Text)),
		Hint: "check the cell: amounts have at most a few dozen digits"}
}

// boolWords turns a mapping's value map ("Sí": "true") into bool words.
func boolWords(m map[string]string) map[string]bool {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]bool, len(m))
	for k, v := range m {
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			out[k] = b
		}
	}
	return out
}

// lookupError is a name that reference data could not resolve.
type lookupError struct{ msg, hint string }

func (e *lookupError) Error() string { return e.msg }

// lookup resolves a name (or id) through the reference data: activity,
// theme and language become ids in v.i, a location becomes its exact
// full_name in v.text.
func (c *run) lookup(kind mappings.Lookup, v *value) error {
	ref := c.opts.Reference
	if ref == nil {
		if kind != mappings.LookupLocation {
			if n, err := strconv.Atoi(v.text); err == nil && n > 0 {
				v.i = int64(n)
				return nil
			}
		}
		if kind == mappings.LookupLocation {
			return nil // taken as written; checked when reference data is given
		}
		return &lookupError{
			msg: fmt.Sprintf("%q is a name, and names need reference data", v.text),
			hint: values.OrForSetup("write the number from the partner's Kiva list instead of the name",
				"give the reference data with --reference FILE (kivaconv config pull writes one)"),
		}
	}
	var (
		id   int
		ok   bool
		sugg []string
		what string
	)
	switch kind {
	case mappings.LookupActivity:
		id, ok, sugg = ref.Activity(v.text)
		what = "activity"
	case mappings.LookupTheme:
		id, ok, sugg = ref.Theme(v.text)
		what = "theme"
	case mappings.LookupLanguage:
		id, ok, sugg = ref.Language(v.text)
		what = "language"
	case mappings.LookupLocation:
		var full string
		full, ok, sugg = ref.Location(v.text)
		if ok {
			v.text = full
			return nil
		}
		what = "location"
	}
	if ok {
		v.i = int64(id)
		return nil
	}
	hint := values.OrForSetup("write the "+what+" exactly as in the partner's Kiva list, or its number",
		"if the list changed recently, refresh the reference data")
	if len(sugg) > 0 {
		hint = "did you mean " + quoteList(sugg) + "?"
	}
	return &lookupError{msg: fmt.Sprintf("unknown %s %q", what, v.text), hint: hint}
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
