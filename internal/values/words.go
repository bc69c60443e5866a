package values

import (
	"sort"
	"strconv"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/input"
)

// boolWords is the built-in vocabulary of Bool, by key.
var boolWords = map[string]bool{
	"yes": true, "y": true, "true": true, "1": true, "x": true, "checked": true,
	"si": true, "verdadero": true, "oui": true, "vrai": true, "sim": true, "verdadeiro": true,
	"no": false, "n": false, "false": false, "0": false, "unchecked": false,
	"falso": false, "non": false, "faux": false, "nao": false,
}

// boolSymbols are check marks, which Key would drop.
var boolSymbols = map[string]bool{"✓": true, "✔": true, "☑": true, "✅": true, "✗": false, "✘": false, "☐": false, "❌": false}

const boolVocabulary = "yes/no, y/n, true/false, 1/0, sí/no, oui/non, sim/não, verdadero/falso, vrai/faux, verdadeiro/falso, checked/unchecked, x, ✓/✗"

// Bool reads a yes/no value. A bool cell is TRUE or FALSE; a number cell
// must be 1 or 0; text is matched by its Key against words first (the
// mapping's values, which extend and override the built-in vocabulary),
// then against the built-in vocabulary: yes/no, y/n, true/false, 1/0,
// sí/no, oui/non, sim/não, verdadero/falso, vrai/faux, verdadeiro/falso,
// checked/unchecked, x (a ticked box: true; an empty box is a blank cell,
// for the caller's default) and the check marks ✓ ✔ ☑ ✅ (true) and ✗ ✘ ☐
// ❌ (false). Case and accents are ignored. Anything else is an error
// listing the accepted words.
func Bool(c input.Cell, words map[string]bool) (bool, error) {
	var s string
	switch c.Type {
	case input.Bool:
		switch strings.ToLower(trimSpace(c.Text)) {
		case "1", "true":
			return true, nil
		case "0", "false":
			return false, nil
		}
		return false, newError(c.Text, "the boolean cell holds "+strconv.Quote(c.Text),
			"the file is damaged or was written by a faulty program: re-save it in Excel")
	case input.Number:
		t, ok := shortest(c.Text)
		if !ok {
			_, err := storedFloat(c.Text)
			return false, err
		}
		s = t
	case input.Text:
		t, err := cleanText(c.Text)
		if err != nil {
			return false, err
		}
		s = t
	default:
		return false, notA("yes or no", c)
	}
	key := Key(s)
	v, found, conflict := lookup(words, s, key)
	if conflict != "" {
		return false, newError(c.Text, strconv.Quote(s)+" is both true and false in the mapping's values ("+conflict+")",
			OrForMapping("type yes or no instead", "keep only one of them under the field's values"))
	}
	if found {
		return v, nil
	}
	if v, ok := boolSymbols[s]; ok {
		return v, nil
	}
	if v, ok := boolWords[key]; ok && key != "" {
		return v, nil
	}
	extra := make(map[string]bool, len(words))
	for w, v := range words {
		if b, ok := boolWords[Key(w)]; !ok || b != v {
			if b, ok := boolSymbols[trimSpace(w)]; !ok || b != v {
				extra[w] = v // not already in the built-in vocabulary
			}
		}
	}
	hint := OrForMapping("type one of "+boolVocabulary+alsoAccepted(extra),
		"map "+strconv.Quote(s)+" to true or false under the field's values")
	what := strconv.Quote(s)
	if c.Type == input.Number {
		what = "the number " + s
	}
	return false, newError(c.Text, what+" is not a yes/no value", hint)
}

// Enum reads one of a set of values. The cell's text (as Text gives it)
// is looked up by its Key among the keys of values (the mapping's words:
// "Femme" → "female"); the result, or the text itself when no word
// matches, must then be one of allowed, compared case-insensitively and
// then by Key, and the allowed spelling is returned. With no allowed list
// any result passes. An empty text, a text not accepted, or words of
// values that fold to the same key but map to different results are
// errors.
func Enum(c input.Cell, values map[string]string, allowed []string) (string, error) {
	raw, err := Text(c)
	if err != nil {
		return "", err
	}
	if raw == "" {
		return "", newError(c.Text, "the value is empty", "fill in the cell")
	}
	result, mapped, conflict := lookup(values, raw, Key(raw))
	if conflict != "" {
		workbook := "type another word for it"
		if len(allowed) > 0 {
			workbook = "type one of " + strings.Join(allowed, ", ") + " instead"
		}
		return "", newError(c.Text, strconv.Quote(raw)+" has several meanings in the mapping's values ("+conflict+")",
			OrForMapping(workbook, "keep only one of them under the field's values"))
	}
	if !mapped {
		result = raw
	}
	if len(allowed) == 0 {
		return result, nil
	}
	for _, a := range allowed {
		if strings.EqualFold(a, result) {
			return a, nil
		}
	}
	var match []string
	if rk := Key(result); rk != "" {
		for _, a := range allowed {
			if keyEqual(a, rk) {
				match = append(match, a)
			}
		}
	}
	if len(match) == 1 {
		return match[0], nil
	}
	list := strings.Join(allowed, ", ")
	if len(match) > 1 {
		return "", newError(c.Text, strconv.Quote(result)+" could be any of "+strings.Join(match, ", "),
			"type it exactly as one of "+list)
	}
	if mapped {
		return "", newError(c.Text, strconv.Quote(raw)+" is mapped to "+strconv.Quote(result)+", which is not an accepted value",
			OrForMapping("type one of "+list+" instead", "map "+strconv.Quote(raw)+" to one of them under the field's values"))
	}
	hint := OrForMapping("type one of "+list+alsoAccepted(values),
		"map "+strconv.Quote(raw)+" to one of them under the field's values")
	return "", newError(c.Text, strconv.Quote(raw)+" is not an accepted value", hint)
}

// alsoAccepted lists the words a mapping adds, for a hint: "" without any.
func alsoAccepted[V any](words map[string]V) string {
	if len(words) == 0 {
		return ""
	}
	return " (also accepted here: " + strings.Join(sortedKeys(words), ", ") + ")"
}

// lookup finds the entry of m whose key matches text by Key (key is
// Key(text)); a text whose key is empty ("-", "?") must match exactly.
// conflict names the words when several match with different values.
func lookup[V comparable](m map[string]V, text, key string) (v V, found bool, conflict string) {
	var names []string
	for k, val := range m {
		if key == "" && trimSpace(k) != text || key != "" && !keyEqual(k, key) {
			continue
		}
		if found && val != v {
			names = append(names, k)
			continue
		}
		if !found {
			v, found = val, true
		}
		names = append(names, k)
	}
	if found {
		for _, n := range names {
			if m[n] != v {
				sort.Strings(names)
				return v, false, strings.Join(quoteAll(names), ", ")
			}
		}
	}
	return v, found, ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
