package mappings

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/values"
	"go.yaml.in/yaml/v3"
)

// Limits that keep a hostile or broken file from costing much.
const (
	// maxFileSize is the largest mapping file read (the embedded ones are
	// a few kilobytes).
	maxFileSize = 1 << 20
	// aliasBudget bounds the work done through YAML aliases and merge keys
	// ("<<"), so that a billion-laughs document fails fast: yaml.v3 guards
	// alias expansion when it decodes into Go values, but the loader walks
	// yaml.Node trees itself and so must guard on its own.
	aliasBudget = 10000
	// maxErrors is the most problems reported for one file.
	maxErrors = 50
)

// Load reads and parses the mapping file at path (see Parse). Problems in
// the file's content come back as an ErrorList whose positions name path.
func Load(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(data, path)
}

// Parse decodes and checks a mapping file's YAML. source names the file in
// messages and becomes Mapping.Source. Every problem is reported, with its
// position, in an ErrorList:
//
//	loans.yaml:12:5: unknown key "colum" in field "amount" (did you mean "column"?)
//
// On success the mapping has its defaults applied (see applyDefaults),
// Source set, and SHA256 set to the hex digest of data.
func Parse(data []byte, source string) (*Mapping, error) {
	p := &parser{src: source, data: data, budget: aliasBudget}
	if len(data) > maxFileSize {
		return nil, ErrorList{{Source: source, Line: 1, Column: 1, Msg: fmt.Sprintf("file is larger than %d bytes: not a mapping file", maxFileSize)}}
	}
	var m *Mapping
	if root := p.decode(); root != nil {
		m = p.document(root)
	}
	if len(p.errs) > 0 {
		p.errs.sort()
		return nil, p.errs
	}
	m.Source = source
	sum := sha256.Sum256(data)
	m.SHA256 = hex.EncodeToString(sum[:])
	return m, nil
}

// parser walks the yaml.Node tree of one file.
type parser struct {
	src    string
	data   []byte
	errs   ErrorList
	budget int
	// merging holds the mappings whose "<<" merges are being expanded, to
	// stop merge cycles.
	merging map[*yaml.Node]bool

	kind   Kind
	kindOK bool // kind is present and valid
}

func (p *parser) errorAt(line, col int, format string, args ...any) {
	if len(p.errs) > maxErrors {
		return
	}
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	if len(p.errs) == maxErrors {
		p.errs = append(p.errs, &Error{Source: p.src, Line: line, Column: col, Msg: "too many errors"})
		return
	}
	p.errs = append(p.errs, &Error{Source: p.src, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errorAt(n.Line, n.Column, format, args...)
}

// decode parses the YAML text into its root node, or records why not.
func (p *parser) decode() (root *yaml.Node) {
	defer func() {
		// yaml.v3 turns its own failures into errors but re-panics
		// anything else; a mapping file must never crash the tool.
		if r := recover(); r != nil {
			p.errorAt(1, 1, "cannot read this file as YAML (%v)", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(p.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorAt(1, 1, "empty mapping file: expected keys such as kind and fields")
		} else {
			p.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.syntaxError(err)
		return nil
	case len(extra.Content) > 0 && !isNull(extra.Content[0]):
		p.errorf(extra.Content[0], "a mapping file holds one YAML document; this is a second one (after ---)")
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || isNull(doc.Content[0]) {
		p.errorAt(doc.Line, doc.Column, "empty mapping file: expected keys such as kind and fields")
		return nil
	}
	return doc.Content[0]
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError records a yaml.v3 parse error. yaml.v3 reports only a line
// (and sometimes not even that), so the column is the first non-blank
// character of that line; a line-less error about bad characters is placed
// at the first bad character, and an unknown anchor at its first use.
func (p *parser) syntaxError(err error) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		// yaml.v3 prints the 0-based line of the enclosing construct for
		// parser errors ("did not find expected ...") and for tab errors;
		// scanner errors carry the 1-based line.
		if strings.HasPrefix(m[2], "did not find expected") || strings.Contains(m[2], "tab character") {
			line++
		}
		line = max(1, min(line, len(p.lineStarts())))
		p.errorAt(line, p.firstColumn(line), "invalid YAML: %s", m[2])
		return
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line, col := p.firstBadChar()
	if m := unknownAnchorRE.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(p.data, []byte("*"+m[1])); i >= 0 {
			line, col = p.position(i)
		}
	}
	p.errorAt(line, col, "invalid YAML: %s", msg)
}

var unknownAnchorRE = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// lineStarts are the byte offsets where the lines of the file start. Line
// breaks are those of YAML (and yaml.v3): CR LF, CR, LF, NEL, LS and PS.
func (p *parser) lineStarts() []int {
	starts := []int{0}
	d := p.data
	for i := 0; i < len(d); {
		switch {
		case d[i] == '\r' && i+1 < len(d) && d[i+1] == '\n':
			i += 2
		case d[i] == '\r' || d[i] == '\n':
			i++
		case bytes.HasPrefix(d[i:], []byte("\u0085")) ||
			bytes.HasPrefix(d[i:], []byte("\u2028")) ||
			bytes.HasPrefix(d[i:], []byte("\u2029")):
			_, size := utf8.DecodeRune(d[i:])
			i += size
		default:
			i++
			continue
		}
		starts = append(starts, i)
	}
	return starts
}

// position is the 1-based line and column (in characters) of byte offset
// off.
func (p *parser) position(off int) (line, col int) {
	starts := p.lineStarts()
	line = sort.Search(len(starts), func(i int) bool { return starts[i] > off })
	return line, utf8.RuneCount(p.data[starts[line-1]:off]) + 1
}

// firstColumn is the 1-based column of the first non-blank character of
// the 1-based line, or 1.
func (p *parser) firstColumn(line int) int {
	starts := p.lineStarts()
	if line < 1 || line > len(starts) {
		return 1
	}
	l := p.data[starts[line-1]:]
	trimmed := bytes.TrimLeft(l, " \t")
	if len(trimmed) == 0 || trimmed[0] == '\r' || trimmed[0] == '\n' {
		return 1
	}
	return utf8.RuneCount(l[:len(l)-len(trimmed)]) + 1
}

// firstBadChar is the position of the first character YAML does not allow
// (bad UTF-8, control characters), or 1:1.
func (p *parser) firstBadChar() (line, col int) {
	for i := 0; i < len(p.data); {
		r, size := utf8.DecodeRune(p.data[i:])
		bad := r == utf8.RuneError && size == 1 ||
			r < 0x20 && r != '\t' && r != '\n' && r != '\r' ||
			r >= 0x7f && r < 0xa0 && r != 0x85 ||
			r == 0xfffe || r == 0xffff
		if bad && !(i == 0 && r == 0xfeff) {
			return p.position(i)
		}
		i += size
	}
	return 1, 1
}

// ---- generic node readers -------------------------------------------------

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// deref follows an alias to the node it names, charging the alias budget.
func (p *parser) deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		p.budget--
		n = n.Alias
	}
	return n
}

// spent reports (once) that the alias budget is exhausted.
func (p *parser) spent(at *yaml.Node) bool {
	if p.budget >= 0 {
		return false
	}
	if p.budget > -1<<30 {
		p.errorf(at, "too many aliases and merges (more than %d steps): is this a YAML bomb?", aliasBudget)
		p.budget = -1 << 30
	}
	return true
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value lines)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		v := []rune(n.Value)
		if len(v) > 40 {
			return fmt.Sprintf("%q…", string(v[:40]))
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// pair is one key: value entry of a YAML mapping. v is as written (maybe an
// alias): deref it to read it, keep it for positions.
type pair struct {
	key  string
	k, v *yaml.Node
}

// mapping returns the entries of a mapping node, merge keys ("<<")
// expanded, duplicate keys reported. A null value is an empty mapping.
func (p *parser) mapping(n *yaml.Node, what string) ([]pair, bool) {
	r := p.deref(n)
	if p.spent(n) {
		return nil, false
	}
	if isNull(r) {
		return nil, true
	}
	if r.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping (key: value lines), not %s", what, describe(r))
		return nil, false
	}
	return p.entries(r, what)
}

func (p *parser) entries(r *yaml.Node, what string) ([]pair, bool) {
	if p.merging[r] {
		p.errorf(r, "merge (<<) of %s includes itself", what)
		return nil, false
	}
	if p.merging == nil {
		p.merging = map[*yaml.Node]bool{}
	}
	p.merging[r] = true
	defer delete(p.merging, r)

	var out, merged []pair
	seen := map[string]*yaml.Node{}
	ok := true
	for i := 0; i+1 < len(r.Content); i += 2 {
		kn, vn := r.Content[i], r.Content[i+1]
		k := p.deref(kn)
		if p.spent(kn) {
			return nil, false
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			p.errorf(kn, "keys must be plain words, not %s", describe(k))
			ok = false
			continue
		}
		if k.Tag == "!!merge" {
			ms, mok := p.merge(vn, what)
			ok = ok && mok
			merged = append(merged, ms...)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.errorf(kn, "duplicate key %q (first at %d:%d)", k.Value, first.Line, first.Column)
			ok = false
			continue
		}
		seen[k.Value] = kn
		out = append(out, pair{key: k.Value, k: kn, v: vn})
	}
	// Keys written in the mapping win over merged ones; among merged
	// mappings the first wins (YAML merge-key rules).
	for _, m := range merged {
		if _, dup := seen[m.key]; dup {
			continue
		}
		seen[m.key] = m.k
		out = append(out, m)
	}
	return out, ok
}

// merge expands the value of a "<<" key: a mapping, or a list of them.
func (p *parser) merge(vn *yaml.Node, what string) ([]pair, bool) {
	v := p.deref(vn)
	if p.spent(vn) {
		return nil, false
	}
	var srcs []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		srcs = []*yaml.Node{v}
	case yaml.SequenceNode:
		for _, e := range v.Content {
			srcs = append(srcs, p.deref(e))
			if p.spent(e) {
				return nil, false
			}
		}
	default:
		p.errorf(vn, "a merge (<<) takes a mapping or a list of mappings, not %s", describe(v))
		return nil, false
	}
	var out []pair
	for _, s := range srcs {
		if s.Kind != yaml.MappingNode {
			p.errorf(vn, "a merge (<<) takes a mapping or a list of mappings, not %s", describe(s))
			return nil, false
		}
		p.budget -= len(s.Content) / 2
		if p.spent(vn) {
			return nil, false
		}
		ps, ok := p.entries(s, what)
		if !ok {
			return nil, false
		}
		out = append(out, ps...)
	}
	return out, true
}

// scalar reads a scalar value. null reports a null (~ or nothing).
func (p *parser) scalar(n *yaml.Node, what string) (s string, null, ok bool) {
	r := p.deref(n)
	if p.spent(n) {
		return "", false, false
	}
	if r.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a single value, not %s", what, describe(r))
		return "", false, false
	}
	if isNull(r) {
		return "", true, true
	}
	return r.Value, false, true
}

// text reads a non-blank text value; null is "" without error.
func (p *parser) text(n *yaml.Node, what string) (string, bool) {
	s, null, ok := p.scalar(n, what)
	if !ok || null {
		return "", ok
	}
	if strings.TrimSpace(s) == "" {
		p.errorf(n, "%s is blank", what)
		return "", false
	}
	return s, true
}

// textList reads a list of non-blank texts, with each item's node. With
// flatten, items that are lists are spliced in (one level).
func (p *parser) textList(n *yaml.Node, what string, flatten bool) ([]string, []*yaml.Node, bool) {
	r := p.deref(n)
	if p.spent(n) {
		return nil, nil, false
	}
	if isNull(r) {
		return nil, nil, true
	}
	if r.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list such as [a, b] or lines starting with \"- \", not %s", what, describe(r))
		return nil, nil, false
	}
	var out []string
	var nodes []*yaml.Node
	ok := true
	for _, e := range r.Content {
		if flatten {
			// An item that is itself a list (usually an alias of an anchored
			// list, as in [Group Loan ID, *loan_id_aliases]) is spliced in.
			if inner := p.deref(e); inner.Kind == yaml.SequenceNode {
				if p.spent(e) {
					return out, nodes, false
				}
				p.budget -= len(inner.Content)
				is, ins, iok := p.textList(e, what, false)
				out, nodes, ok = append(out, is...), append(nodes, ins...), ok && iok
				continue
			}
		}
		s, null, sok := p.scalar(e, "each item of "+what)
		switch {
		case !sok:
			ok = false
		case null || strings.TrimSpace(s) == "":
			p.errorf(e, "empty item in %s", what)
			ok = false
		default:
			out = append(out, s)
			nodes = append(nodes, e)
		}
	}
	return out, nodes, ok
}

// enum reads one of options; what names the value in messages ("type").
func (p *parser) enum(n *yaml.Node, what string, options []string) (string, bool) {
	s, null, ok := p.scalar(n, what)
	if !ok {
		return "", false
	}
	if slices.Contains(options, s) {
		return s, true
	}
	if null {
		p.errorf(n, "%s is empty: use one of %s", what, quoteList(options))
		return "", false
	}
	if sg := suggest(s, options); sg != "" {
		p.errorf(n, "unknown %s %q (did you mean %q?)", what, s, sg)
	} else {
		p.errorf(n, "unknown %s %q (use one of %s)", what, s, quoteList(options))
	}
	return "", false
}

func (p *parser) boolean(n *yaml.Node, what string) (bool, bool) {
	s, _, ok := p.scalar(n, what)
	if !ok {
		return false, false
	}
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	p.errorf(n, "%s must be true or false, not %s", what, describe(p.deref(n)))
	return false, false
}

var digitsRE = regexp.MustCompile(`^[0-9]+$`)

// number reads a whole number in lo..hi.
func (p *parser) number(n *yaml.Node, what string, lo, hi int) (int, bool) {
	s, _, ok := p.scalar(n, what)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if !digitsRE.MatchString(s) || err != nil || v < lo || v > hi {
		p.errorf(n, "%s must be a whole number from %d to %d, not %s", what, lo, hi, describe(p.deref(n)))
		return 0, false
	}
	return v, true
}

func (p *parser) unknownKey(k *yaml.Node, key string, valid []string, in string) {
	if sg := suggest(key, valid); sg != "" {
		p.errorf(k, "unknown key %q%s (did you mean %q?)", key, in, sg)
		return
	}
	p.errorf(k, "unknown key %q%s (valid keys: %s)", key, in, strings.Join(valid, ", "))
}

// ---- the document -----------------------------------------------------------

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
var currencyRE = regexp.MustCompile(`^[A-Za-z]{3}$`)

// document reads the top-level mapping.
func (p *parser) document(root *yaml.Node) *Mapping {
	m := &Mapping{}
	pairs, _ := p.mapping(root, "a mapping file")
	if len(p.errs) > 0 && pairs == nil {
		return m
	}

	// The kind decides which keys and fields are valid, so it is read
	// first wherever it is written.
	var kindNode, fieldsKey, formatNode, groupByNode, thousandsNode *yaml.Node
	for _, pr := range pairs {
		if pr.key == "kind" {
			kindNode = pr.k
			if s, ok := p.enum(pr.v, "kind", kindNames()); ok {
				m.Kind, p.kind, p.kindOK = Kind(s), Kind(s), true
			}
		}
	}
	if kindNode == nil {
		p.errorf(root, "missing key \"kind\": say what the file makes, one of %s", quoteList(kindNames()))
	}

	var mainInfo map[string]*fieldInfo
	for _, pr := range pairs {
		kinds, known := topKeyKinds(pr.key)
		if !known {
			p.unknownKey(pr.k, pr.key, topKeyNames(), "")
			continue
		}
		if p.kindOK && kinds != nil && !slices.Contains(kinds, p.kind) {
			names := make([]string, len(kinds))
			for i, k := range kinds {
				names[i] = string(k)
			}
			p.errorf(pr.k, "key %q does not apply to kind %s (only to %s)", pr.key, p.kind, strings.Join(names, ", "))
			continue
		}
		switch pr.key {
		case "kind":
		case "name":
			if s, ok := p.text(pr.v, "name"); ok && s != "" {
				if !nameRE.MatchString(s) {
					p.errorf(pr.v, "name %q must be letters, digits, '-', '_' or '.', at most 64 characters, starting with a letter or digit", s)
				} else {
					m.Name = s
				}
			}
		case "description":
			m.Description, _ = p.text(pr.v, "description")
		case "sheets":
			m.Sheets = p.sheets(pr.v, "sheets")
		case "header_row":
			m.HeaderRow, _ = p.headerRow(pr.v)
		case "locale":
			m.Locale, thousandsNode = p.locale(pr.v)
		case "fields":
			fieldsKey = pr.k
			m.Fields, mainInfo = p.fields(pr.v, tableOf(p.kind), "field")
		case "group_by":
			groupByNode = pr.v
			m.GroupBy, _ = p.enum(pr.v, "group_by field", groupByKeys)
		case "schedule":
			m.Schedule = p.schedule(pr.v)
		case "repayment_format":
			formatNode = pr.v
			s, _ := p.enum(pr.v, "repayment_format", repaymentFormat)
			m.RepaymentFormat = RepaymentFormat(s)
		case "amounts":
			s, _ := p.enum(pr.v, "amounts", amountStyles)
			m.Amounts = AmountStyle(s)
		case "currency":
			if s, ok := p.text(pr.v, "currency"); ok && s != "" {
				if !currencyRE.MatchString(s) {
					p.errorf(pr.v, "currency %q must be a 3-letter ISO 4217 code such as XOF or PEN", s)
				} else {
					m.Currency = strings.ToUpper(s)
				}
			}
		case "batch_size":
			m.BatchSize, _ = p.number(pr.v, "batch_size", 1, MaxBatchSize)
		case "journal":
			m.Journal = p.journal(pr.v)
		case "columns":
			m.Columns, _, _ = p.textList(pr.v, "columns", false)
		}
	}

	if !p.kindOK {
		return m
	}
	if fieldsKey == nil {
		p.errorf(root, "missing key \"fields\": it says which column holds each Kiva field")
	} else {
		p.requireEssentials(fieldsKey, m.Fields, tableOf(p.kind), "")
	}

	// Three-column partners send the client ID with every repayment and
	// journal, so it becomes required.
	if m.RepaymentFormat == ThreeColumn && fieldsKey != nil {
		if fi, ok := mainInfo[FClientID]; !ok {
			p.errorf(formatNode, "repayment_format three_column needs a %s field (the client ID is the third column)", FClientID)
		} else if fi.requiredSet && !fi.f.Required {
			p.errorf(fi.attrs["required"], "field %q is required with repayment_format three_column", FClientID)
		} else {
			fi.f.Required = true
			p.checkPresence(fi)
		}
	}
	if m.GroupBy != "" && m.Fields != nil && m.Fields[m.GroupBy] == nil {
		p.errorf(groupByNode, "group_by names field %q, which this mapping does not have", m.GroupBy)
	}
	switch l := m.Locale; {
	case l.Thousands == "":
	case l.Thousands == l.Decimal:
		p.errorf(thousandsNode, "the thousands separator %q is also the decimal separator (for 1.234,56 write decimal: \",\" and thousands: \".\")", l.Thousands)
	case l.Thousands == "." && l.Decimal == "":
		// Automatic would be "." for most files: say it.
		p.errorf(thousandsNode, "the thousands separator \".\" needs the decimal separator written out: for 1.234,56 write decimal: \",\" too (left out, it is \".\" except in semicolon-delimited files)")
	}
	applyDefaults(m, p.src)
	return m
}

// requireEssentials reports the essential fields of t that fields lacks.
func (p *parser) requireEssentials(at *yaml.Node, fields map[string]*Field, t *table, prefix string) {
	for _, s := range t.fields {
		if s.essential && fields[s.key] == nil {
			p.errorf(at, "missing %sfield %q: %s mappings always need it", prefix, s.key, t.name)
		}
	}
}

func (p *parser) sheets(n *yaml.Node, what string) []string {
	names, nodes, _ := p.textList(n, what, false)
	seen := map[string]int{}
	for i, s := range names {
		k := values.Key(s)
		if k == "" {
			p.errorf(nodes[i], "sheet name %q has no letters or digits", s)
			continue
		}
		if j, dup := seen[k]; dup {
			p.errorf(nodes[i], "sheet name %q is the same as %q (line %d)", s, names[j], nodes[j].Line)
			continue
		}
		seen[k] = i
	}
	return names
}

func (p *parser) headerRow(n *yaml.Node) (HeaderRow, bool) {
	s, null, ok := p.scalar(n, "header_row")
	if !ok {
		return 0, false
	}
	if null || s == "auto" {
		return 0, true
	}
	v, err := strconv.Atoi(s)
	if !digitsRE.MatchString(s) || err != nil || v < 1 || v > maxHeaderRow {
		p.errorf(n, "header_row must be \"auto\" or a row number from 1 to %d, not %s", maxHeaderRow, describe(p.deref(n)))
		return 0, false
	}
	return HeaderRow(v), true
}

func (p *parser) locale(n *yaml.Node) (Locale, *yaml.Node) {
	var l Locale
	var thousands *yaml.Node
	pairs, _ := p.mapping(n, "locale")
	for _, pr := range pairs {
		switch pr.key {
		case "decimal":
			l.Decimal, _ = p.enum(pr.v, "decimal separator", decimalSeps)
		case "thousands":
			thousands = pr.v
			if _, null, ok := p.scalar(pr.v, "thousands separator"); ok && !null {
				l.Thousands, _ = p.enum(pr.v, "thousands separator", thousandsSeps)
			}
		case "date_formats":
			l.DateFormats = p.dateFormats(pr.v, "date_formats")
		case "currency_symbols":
			l.CurrencySymbols = p.currencySymbols(pr.v)
		default:
			p.unknownKey(pr.k, pr.key, localeKeys, " in locale")
		}
	}
	return l, thousands
}

// currencySymbols reads locale.currency_symbols: each mark is checked as
// values.NewLocale will check it (not blank, no digit, a letter or a
// currency sign) and kept trimmed.
func (p *parser) currencySymbols(n *yaml.Node) []string {
	marks, nodes, _ := p.textList(n, "currency_symbols", false)
	var out []string
	for i, s := range marks {
		loc, err := values.NewLocale("", "", s)
		if err != nil {
			p.errorf(nodes[i], "%s", valuesMessage(err))
			continue
		}
		out = append(out, loc.Currency...)
	}
	return out
}

func (p *parser) journal(n *yaml.Node) JournalOptions {
	var j JournalOptions
	pairs, _ := p.mapping(n, "journal")
	for _, pr := range pairs {
		switch pr.key {
		case "wrapper":
			j.Wrapper, _ = p.enum(pr.v, "journal wrapper", wrapperNames)
		default:
			p.unknownKey(pr.k, pr.key, journalKeys, " in journal")
		}
	}
	return j
}

func (p *parser) schedule(n *yaml.Node) *Schedule {
	s := &Schedule{}
	pairs, _ := p.mapping(n, "schedule")
	var fieldsKey *yaml.Node
	for _, pr := range pairs {
		switch pr.key {
		case "sheets":
			s.Sheets = p.sheets(pr.v, "schedule sheets")
		case "header_row":
			s.HeaderRow, _ = p.headerRow(pr.v)
		case "required":
			if b, ok := p.boolean(pr.v, "schedule required"); ok {
				s.Required = &b
			}
		case "fields":
			fieldsKey = pr.k
			s.Fields, _ = p.fields(pr.v, scheduleTable, "schedule field")
		default:
			p.unknownKey(pr.k, pr.key, scheduleKeys, " in schedule")
		}
	}
	if fieldsKey == nil {
		p.errorf(n, "schedule needs fields (loan_id, due_date, principal, interest)")
	} else {
		p.requireEssentials(fieldsKey, s.Fields, scheduleTable, "schedule ")
	}
	return s
}
