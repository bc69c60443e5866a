package mappings

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kiva-partners/kivaconv/internal/values"
	"go.yaml.in/yaml/v3"
)

// fieldInfo keeps the positions of one field's YAML for messages.
type fieldInfo struct {
	f       *Field
	key     string
	where   string // "field" or "schedule field"
	keyNode *yaml.Node
	attrs   map[string]*yaml.Node // attribute → its value node
	// names are Column then Aliases as read, nameNodes their nodes.
	names     []string
	nameNodes []*yaml.Node
	// valueNodes are the nodes of the values map's targets, by key.
	valueNodes  map[string]*yaml.Node
	requiredSet bool
}

// fields reads a fields mapping against the vocabulary t (nil when the
// kind is unknown: any key of any kind is then accepted, so that one wrong
// kind does not bury the file in errors).
func (p *parser) fields(n *yaml.Node, t *table, where string) (map[string]*Field, map[string]*fieldInfo) {
	pairs, _ := p.mapping(n, "fields")
	out := map[string]*Field{}
	infos := map[string]*fieldInfo{}
	var order []*fieldInfo
	for _, pr := range pairs {
		spec, ok := p.fieldSpec(pr, t, where)
		if !ok {
			continue
		}
		fi := p.field(pr, spec, where)
		out[pr.key] = fi.f
		infos[pr.key] = fi
		order = append(order, fi)
	}
	p.checkNames(order, where)
	return out, infos
}

// fieldSpec finds the vocabulary entry of a field key, or reports it.
func (p *parser) fieldSpec(pr pair, t *table, where string) (fieldSpec, bool) {
	if t != nil {
		if s, ok := t.spec(pr.key); ok {
			return s, true
		}
		valid := t.keys()
		other := ""
		for _, k := range kinds {
			if ot := tableOf(k); ot != t && ot != nil {
				if _, ok := ot.spec(pr.key); ok && t != scheduleTable {
					other = string(k)
					break
				}
			}
		}
		switch sg := suggest(pr.key, valid); {
		case other != "":
			p.errorf(pr.k, "%s %q does not apply to kind %s (it is a %s field); valid fields: %s", where, pr.key, t.name, other, strings.Join(valid, ", "))
		case sg != "":
			p.errorf(pr.k, "unknown %s %q for %s (did you mean %q?); valid fields: %s", where, pr.key, t.name, sg, strings.Join(valid, ", "))
		default:
			p.errorf(pr.k, "unknown %s %q for %s; valid fields: %s", where, pr.key, t.name, strings.Join(valid, ", "))
		}
		return fieldSpec{}, false
	}
	for _, tt := range []*table{loanDraftTable, repaymentsTable, journalsTable, scheduleTable} {
		if s, ok := tt.spec(pr.key); ok {
			return s, true
		}
	}
	p.errorf(pr.k, "unknown %s %q", where, pr.key)
	return fieldSpec{}, false
}

// field reads one field's attributes, checks them and applies the
// field-level defaults.
func (p *parser) field(pr pair, spec fieldSpec, where string) *fieldInfo {
	f := &Field{}
	fi := &fieldInfo{f: f, key: pr.key, where: where, keyNode: pr.k, attrs: map[string]*yaml.Node{}}
	attrs, _ := p.mapping(pr.v, fmt.Sprintf("%s %q", where, pr.key))
	in := fmt.Sprintf(" in %s %q", where, pr.key)
	for _, a := range attrs {
		if !slices.Contains(fieldKeys, a.key) {
			p.unknownKey(a.k, a.key, fieldKeys, in)
			continue
		}
		fi.attrs[a.key] = a.v
		switch a.key {
		case "column":
			f.Column, _ = p.text(a.v, "column")
		case "aliases":
			f.Aliases, fi.nameNodes, _ = p.textList(a.v, "aliases", true)
			fi.names = slices.Clone(f.Aliases)
		case "type":
			s, _ := p.enum(a.v, "type", typeNames)
			f.Type = Type(s)
		case "required":
			f.Required, fi.requiredSet = p.boolean(a.v, "required")
		case "default":
			f.Default = p.value(a.v, "default")
		case "constant":
			f.Constant = p.value(a.v, "constant")
		case "values":
			f.Values, fi.valueNodes = p.valueMap(a.v, pr.key)
		case "formats":
			f.Formats = p.dateFormats(a.v, "formats")
		case "lookup":
			s, _ := p.enum(a.v, "lookup", lookupNames)
			f.Lookup = Lookup(s)
		}
	}
	if f.Column != "" {
		fi.names = append([]string{f.Column}, fi.names...)
		fi.nameNodes = append([]*yaml.Node{fi.attrs["column"]}, fi.nameNodes...)
	}
	p.checkField(fi, spec)
	return fi
}

// value reads a default or constant: any single value, kept as written.
func (p *parser) value(n *yaml.Node, what string) *string {
	s, null, ok := p.scalar(n, what)
	if !ok || null {
		return nil
	}
	return &s
}

// valueMap reads a values map: sheet word → Kiva value.
func (p *parser) valueMap(n *yaml.Node, field string) (map[string]string, map[string]*yaml.Node) {
	pairs, _ := p.mapping(n, "values")
	if pairs == nil {
		return nil, nil
	}
	out := map[string]string{}
	nodes := map[string]*yaml.Node{}
	byKey := map[string]pair{}
	for _, pr := range pairs {
		k := values.Key(pr.key)
		if k == "" {
			p.errorf(pr.k, "value %q has no letters or digits, so no cell can match it", pr.key)
			continue
		}
		s, null, ok := p.scalar(pr.v, "a value")
		if !ok {
			continue
		}
		if null || strings.TrimSpace(s) == "" {
			p.errorf(pr.v, "value %q of field %q maps to nothing: give the Kiva value", pr.key, field)
			continue
		}
		if first, dup := byKey[k]; dup {
			if fs := out[first.key]; fs != s {
				p.errorf(pr.k, "value %q is the same word as %q (%d:%d) once case, accents and punctuation are ignored, but maps to %q, not %q",
					pr.key, first.key, first.k.Line, first.k.Column, s, fs)
			}
			continue
		}
		byKey[k] = pr
		out[pr.key] = s
		nodes[pr.key] = pr.v
	}
	return out, nodes
}

var (
	decimalRE = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
	integerRE = regexp.MustCompile(`^[+-]?[0-9]+$`)
)

// checkField checks one field's attributes together and applies the
// defaults that depend on its key:
//   - type: the first type the key allows (ids → id, amounts → decimal,
//     dates → date, client_waiver_signed/pictured → bool, gender → enum,
//     everything else → text);
//   - lookup: activity, theme, description_language (language) and
//     location get theirs;
//   - essential fields (loan_id, amount, ... see vocab.go) are required;
//   - values: a gender enum gets the built-in gender words and a bool the
//     built-in yes/no words, unless the mapping writes its own values
//     (which then replace the built-in list entirely).
func (p *parser) checkField(fi *fieldInfo, spec fieldSpec) {
	f, key, at := fi.f, fi.key, fi.attrs
	name := fmt.Sprintf("%s %q", fi.where, key)

	if f.Type == "" {
		f.Type = spec.types[0]
	} else if _, bad := at["type"]; bad && !slices.Contains(spec.types, f.Type) {
		p.errorf(at["type"], "type %q does not fit %s (use %s)", f.Type, name, typeList(spec.types))
	}

	switch l, set := f.Lookup, at["lookup"] != nil; {
	case spec.lookup == "" && set && l != "":
		p.errorf(at["lookup"], "%s has no lookup: lookups apply only to activity, theme, description_language and location", name)
		f.Lookup = ""
	case spec.lookup != "" && l != "" && l != spec.lookup:
		p.errorf(at["lookup"], "lookup %q does not fit %s (use %q)", l, name, spec.lookup)
	case spec.lookup != "":
		f.Lookup = spec.lookup
	}

	if spec.essential {
		if fi.requiredSet && !f.Required {
			p.errorf(at["required"], "%s is always required: Kiva cannot take a record without it", name)
		}
		f.Required = true
	}

	if len(f.Aliases) > 0 && f.Column == "" {
		p.errorf(at["aliases"], "%s has aliases but no column: write the main header text as column", name)
	}
	if f.Constant != nil && f.Column != "" {
		p.errorf(at["constant"], "%s has both column and constant: a constant is used for every row instead of a column, so keep one", name)
	}
	if f.Constant != nil && f.Default != nil {
		p.errorf(at["default"], "%s has both constant and default: the default is never used with a constant", name)
	}
	p.checkPresence(fi)
	if f.Column == TODOColumn {
		p.errorf(at["column"], "%s still says column: %s: kivaconv mappings init found no column for it; write the header text of the column that holds it, or replace the line with constant: VALUE (one value for every row)", name, TODOColumn)
	}

	for i, s := range fi.names {
		if values.Key(s) == "" {
			p.errorf(fi.nameNodes[i], "header name %q has no letters or digits, so no header can match it", s)
		}
	}

	if len(f.Formats) > 0 && f.Type != TypeDate {
		p.errorf(at["formats"], "formats apply only to dates, and %s is %s", name, f.Type)
	}

	switch f.Type {
	case TypeBool:
		if f.Values == nil {
			f.Values = cloneMap(builtinBool)
		}
		for k, v := range f.Values {
			switch lv := strings.ToLower(v); lv {
			case "true", "false":
				f.Values[k] = lv
			default:
				if n := fi.valueNodes[k]; n != nil {
					p.errorf(n, "value %q of bool %s must map to true or false, not %q", k, name, v)
				}
			}
		}
	case TypeEnum:
		if f.Values == nil {
			if key == FGender {
				f.Values = cloneMap(builtinGender)
			} else {
				p.errorf(fi.keyNode, "enum %s needs values: the sheet words and the Kiva value each one means", name)
			}
		}
	}

	for _, a := range []string{"constant", "default"} {
		v := f.Constant
		if a == "default" {
			v = f.Default
		}
		if v == nil {
			continue
		}
		norm, err := checkValue(f, key, *v)
		if err != nil {
			p.errorf(at[a], "%s %q of %s %v", a, *v, name, err)
			continue
		}
		*v = norm
	}
}

// checkPresence reports a field that can never give a value.
func (p *parser) checkPresence(fi *fieldInfo) {
	f := fi.f
	if f.Column != "" || f.Constant != nil {
		return
	}
	name := fmt.Sprintf("%s %q", fi.where, fi.key)
	switch {
	case f.Required:
		p.errorf(fi.keyNode, "required %s needs a column (the header of its column) or a constant", name)
	case f.Default == nil:
		p.errorf(fi.keyNode, "%s needs a column, a constant or a default", name)
	}
}

// checkValue checks a constant or default against the field's type and
// returns it normalized (bools lower case, currency codes upper case).
// Values maps apply first: a constant may be written as a sheet word.
func checkValue(f *Field, key, v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return v, fmt.Errorf("is blank")
	}
	mapped := v
	if t, ok := f.MapValue(v); ok {
		mapped = t
	}
	switch f.Type {
	case TypeBool:
		switch lv := strings.ToLower(mapped); lv {
		case "true", "false":
			return lv, nil
		}
		return v, fmt.Errorf("is not true or false")
	case TypeEnum:
		allowed := f.EnumValues(key)
		if !slices.Contains(allowed, mapped) {
			return v, fmt.Errorf("is not one of %s", quoteList(allowed))
		}
	case TypeDecimal:
		if !decimalRE.MatchString(v) {
			return v, fmt.Errorf("is not a number (write it like 1500 or 0.5, with a dot and no thousands separator)")
		}
	case TypeInteger:
		if !integerRE.MatchString(v) {
			return v, fmt.Errorf("is not a whole number")
		}
	case TypeDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return v, fmt.Errorf("is not a date written YYYY-MM-DD")
		}
	}
	if key == FCurrency {
		if !currencyRE.MatchString(mapped) {
			return v, fmt.Errorf("is not a 3-letter ISO 4217 currency code")
		}
		if mapped == v {
			return strings.ToUpper(v), nil
		}
	}
	return v, nil
}

// checkNames reports a header name (column or alias) shared by two fields
// of one sheet: a header must say which field it is.
func (p *parser) checkNames(order []*fieldInfo, where string) {
	type owner struct {
		fi   *fieldInfo
		text string
		node *yaml.Node
	}
	seen := map[string]owner{}
	for _, fi := range order {
		if fi.f.Column == "" {
			continue // aliases without a column: reported already
		}
		for i, s := range fi.names {
			k := values.Key(s)
			if k == "" || s == TODOColumn { // TODO: reported by checkField
				continue
			}
			o, dup := seen[k]
			if !dup {
				seen[k] = owner{fi, s, fi.nameNodes[i]}
				continue
			}
			if o.fi != fi {
				p.errorf(fi.nameNodes[i], "header name %q of %s %q is also a name of %s %q (%d:%d): a header must belong to one field",
					s, where, fi.key, where, o.fi.key, o.node.Line, o.node.Column)
			}
		}
	}
}

func typeList(ts []Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return quoteList(s)
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// names are the header texts a field's column may have: Column, then
// Aliases.
func (f *Field) names() []string {
	if f.Column == "" {
		return nil
	}
	return append([]string{f.Column}, f.Aliases...)
}

// MapValue maps a cell's text through the field's values map. Keys match
// like headers: case, accents, spaces and punctuation are ignored, so
// "FEMME", "femme" and "Femme " all find the key "Femme".
func (f *Field) MapValue(s string) (string, bool) {
	if len(f.Values) == 0 {
		return "", false
	}
	if v, ok := f.Values[s]; ok {
		return v, true
	}
	k := values.Key(s)
	if k == "" {
		return "", false
	}
	for word, v := range f.Values {
		if values.Key(word) == k {
			return v, true
		}
	}
	return "", false
}

// EnumValues are the values an enum field of the given key may produce,
// sorted: the targets of its values map plus, for gender, "female" and
// "male". It is empty for other types.
func (f *Field) EnumValues(key string) []string {
	if f.Type != TypeEnum {
		return nil
	}
	set := map[string]bool{}
	for _, v := range builtinEnum[key] {
		set[v] = true
	}
	for _, v := range f.Values {
		set[v] = true
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
