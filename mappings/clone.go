package mappings

import (
	"fmt"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Clone returns a deep copy of m.
func (m *Mapping) Clone() *Mapping {
	if m == nil {
		return nil
	}
	c := *m
	c.Sheets = slices.Clone(m.Sheets)
	c.Columns = slices.Clone(m.Columns)
	c.Locale.DateFormats = slices.Clone(m.Locale.DateFormats)
	c.Locale.CurrencySymbols = slices.Clone(m.Locale.CurrencySymbols)
	c.Fields = cloneFields(m.Fields)
	if m.Schedule != nil {
		s := *m.Schedule
		s.Sheets = slices.Clone(m.Schedule.Sheets)
		s.Fields = cloneFields(m.Schedule.Fields)
		if m.Schedule.Required != nil {
			r := *m.Schedule.Required
			s.Required = &r
		}
		c.Schedule = &s
	}
	return &c
}

func cloneFields(fs map[string]*Field) map[string]*Field {
	if fs == nil {
		return nil
	}
	out := make(map[string]*Field, len(fs))
	for k, f := range fs {
		if f == nil {
			out[k] = nil
			continue
		}
		c := *f
		c.Aliases = slices.Clone(f.Aliases)
		c.Formats = slices.Clone(f.Formats)
		c.Values = cloneMap(f.Values)
		if f.Default != nil {
			d := *f.Default
			c.Default = &d
		}
		if f.Constant != nil {
			k := *f.Constant
			c.Constant = &k
		}
		out[k] = &c
	}
	return out
}

// String is "auto" or the row number.
func (h HeaderRow) String() string {
	if h == 0 {
		return "auto"
	}
	return strconv.Itoa(int(h))
}

// MarshalYAML writes 0 as "auto", so that a Mapping marshals back to a
// file Parse accepts.
func (h HeaderRow) MarshalYAML() (any, error) {
	if h == 0 {
		return "auto", nil
	}
	return int(h), nil
}

// UnmarshalYAML reads "auto" or a row number 1..1000, for code that
// decodes a Mapping with yaml.Unmarshal instead of Parse (which checks
// far more and gives positions).
func (h *HeaderRow) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && (n.Value == "auto" || n.Tag == "!!null") {
		*h = 0
		return nil
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || !digitsRE.MatchString(n.Value) || err != nil || v < 1 || v > maxHeaderRow {
		return fmt.Errorf("line %d: header_row must be \"auto\" or a row number from 1 to %d", n.Line, maxHeaderRow)
	}
	*h = HeaderRow(v)
	return nil
}
