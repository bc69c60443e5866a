// Package lenient decodes JSON whose spelling is not fixed: Kiva's answers
// and config lists come in snake_case (loan_draft_uuid), camelCase
// (loanDraftUuid) or other cases, with ids as numbers or strings. kiva
// (reference data) and partnerapi (API answers) both read through it.
package lenient

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"unicode"
)

// Object is a JSON object whose keys are folded (FoldKey), so that
// loan_draft_uuid, loanDraftUuid and LoanDraftUUID are one key.
type Object map[string]json.RawMessage

// FoldKey lower-cases a key and drops '_', '-' and spaces.
func FoldKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		switch r {
		case '_', '-', ' ':
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// DecodeObject decodes a JSON object with folded keys; false when raw is
// not an object. When two spellings of a key are present, the
// all-lower-case (snake_case) one wins, so the result does not depend on
// map order.
func DecodeObject(raw []byte) (Object, bool) {
	if Kind(raw) != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	o := make(Object, len(m))
	from := make(map[string]string, len(m))
	for _, k := range keys {
		fk := FoldKey(k)
		if prev, ok := from[fk]; ok && !(hasUpper(prev) && !hasUpper(k)) {
			continue
		}
		o[fk] = m[k]
		from[fk] = k
	}
	return o, true
}

func hasUpper(s string) bool { return strings.IndexFunc(s, unicode.IsUpper) >= 0 }

// Get returns the first present, non-null value among the spellings.
func (o Object) Get(names ...string) (json.RawMessage, bool) {
	for _, n := range names {
		if v, ok := o[FoldKey(n)]; ok && Kind(v) != 'n' {
			return v, true
		}
	}
	return nil, false
}

// Kind is the first byte of a JSON value: '{', '[', '"', 'n'ull, 't'rue,
// 'f'alse, or a digit or '-'; 0 when empty.
func Kind(v []byte) byte {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

// Text decodes a string (trimmed) or takes a number's exact digits as
// written; false for anything else.
func Text(v json.RawMessage) (string, bool) {
	switch Kind(v) {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}
