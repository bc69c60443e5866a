package kiva

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/kiva-partners/kivaconv/internal/lenient"
)

// LoadReference reads reference data from a JSON file: the merged document
// described on Reference, or one config endpoint's answer saved as is
// ({"as_of_date_time":…,"activities":[…],"code":"api.success",…}). Errors
// name the file and what is wrong in it.
func LoadReference(path string) (*Reference, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("reference file %s is a folder; give the path of the JSON file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading reference file: %w", err)
	}
	ref, err := decodeReference(data)
	if err != nil {
		return nil, fmt.Errorf("reference file %s: %w", path, err)
	}
	return ref, nil
}

// DecodeReference reads reference data as LoadReference does, from r.
//
// Decoding is lenient: keys may be snake_case or camelCase (activity_id,
// activityId, ActivityID), ids may be JSON numbers or numeric strings, and
// unknown keys are ignored. A list whose value is itself a config answer
// ({"activities": {"activities": […], "code": …}}) is unwrapped. A document
// holding none of the four lists is an error, and so is a Kiva error answer.
func DecodeReference(r io.Reader) (*Reference, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading reference data: %w", err)
	}
	return decodeReference(data)
}

// object is a JSON object whose keys are folded (lenient.FoldKey), so that
// activity_id, activityId and ActivityID are one key.
type object = lenient.Object

// wholeNumber decodes an id: a JSON integer or a string of digits.
func wholeNumber(v json.RawMessage) (int, bool) {
	s, ok := lenient.Text(v)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return n, true
}

func describeJSON(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) > 40 {
		return string(v[:37]) + "…"
	}
	return string(v)
}

// itemDecoder reads one list item; at is its place ("activities[3]").
type itemDecoder struct {
	at  string
	obj object
	err error
}

func (d *itemDecoder) id(names ...string) int {
	if d.err != nil {
		return 0
	}
	v, ok := d.obj.Get(names...)
	if !ok {
		d.err = fmt.Errorf("%s: %s is missing", d.at, names[0])
		return 0
	}
	n, ok := wholeNumber(v)
	if !ok {
		d.err = fmt.Errorf("%s: %s %s is not a whole number", d.at, names[0], describeJSON(v))
	}
	return n
}

func (d *itemDecoder) str(required bool, names ...string) string {
	if d.err != nil {
		return ""
	}
	v, ok := d.obj.Get(names...)
	if !ok {
		if required {
			d.err = fmt.Errorf("%s: %s is missing", d.at, names[0])
		}
		return ""
	}
	s, ok := lenient.Text(v)
	if !ok {
		d.err = fmt.Errorf("%s: %s should be text, not %s", d.at, names[0], describeJSON(v))
		return ""
	}
	if required && s == "" {
		d.err = fmt.Errorf("%s: %s is empty", d.at, names[0])
	}
	return s
}

// list finds one of the four lists in a document: an array, or a nested
// config answer holding the array under the same name.
func list(doc object, name string) ([]json.RawMessage, error) {
	v, ok := doc.Get(name)
	if !ok {
		return nil, nil
	}
	switch lenient.Kind(v) {
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return items, nil
	case '{':
		inner, _ := lenient.DecodeObject(v)
		if iv, ok := inner.Get(name); ok && lenient.Kind(iv) == '[' {
			return list(inner, name)
		}
	}
	return nil, fmt.Errorf("%s should be a list, not %s", name, describeJSON(v))
}

func decodeReference(data []byte) (*Reference, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
		return nil, jsonError(data, err)
	}
	doc, ok := lenient.DecodeObject(data)
	if !ok {
		return nil, errors.New(`reference data must be a JSON object with "activities", "locales", "themes" or "locations" lists`)
	}
	ref := &Reference{}
	if v, ok := doc.Get("as_of_date_time"); ok {
		if ref.AsOf, ok = lenient.Text(v); !ok {
			return nil, fmt.Errorf("as_of_date_time should be text, not %s", describeJSON(v))
		}
	}

	found := false
	for _, spec := range []struct {
		name string
		item func(d *itemDecoder)
	}{
		{"activities", func(d *itemDecoder) {
			a := Activity{ID: d.id("activity_id", "id"), Name: d.str(true, "activity", "name")}
			if d.err == nil {
				ref.Activities = append(ref.Activities, a)
			}
		}},
		{"locales", func(d *itemDecoder) {
			l := Locale{
				LanguageID:   d.id("language_id", "id"),
				LanguageCode: d.str(false, "language_code"),
				LanguageName: d.str(false, "language_name", "language"),
				Currency:     d.str(false, "currency", "currency_code"),
			}
			if d.err == nil {
				ref.Locales = append(ref.Locales, l)
			}
		}},
		{"themes", func(d *itemDecoder) {
			t := Theme{ID: d.id("theme_type_id", "id"), Name: d.str(true, "theme_type", "theme", "name")}
			if d.err == nil {
				ref.Themes = append(ref.Themes, t)
			}
		}},
		{"locations", func(d *itemDecoder) {
			loc := Location{
				Country:  d.str(false, "country"),
				Location: d.str(false, "location"),
				FullName: d.str(true, "full_name"),
			}
			if d.err == nil {
				ref.Locations = append(ref.Locations, loc)
			}
		}},
	} {
		items, err := list(doc, spec.name)
		if err != nil {
			return nil, err
		}
		if items != nil {
			found = true
		}
		for i, raw := range items {
			d := &itemDecoder{at: fmt.Sprintf("%s[%d]", spec.name, i)}
			if d.obj, ok = lenient.DecodeObject(raw); !ok {
				return nil, fmt.Errorf("%s should be an object, not %s", d.at, describeJSON(raw))
			}
			spec.item(d)
			if d.err != nil {
				return nil, d.err
			}
		}
	}

	code, _ := doc.Get("code")
	codeText, _ := lenient.Text(code)
	if !found {
		if codeText != "" && !strings.EqualFold(codeText, "api.success") {
			msgRaw, _ := doc.Get("message")
			msg, _ := lenient.Text(msgRaw)
			return nil, fmt.Errorf("the file holds an error answer from Kiva (code %q, message %q), not reference data", codeText, msg)
		}
		return nil, errors.New(`no "activities", "locales", "themes" or "locations" list found`)
	}
	return ref, nil
}

// jsonError turns a decoding error into one that gives the line and column.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return fmt.Errorf("not valid JSON: %v", err)
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return fmt.Errorf("not valid JSON at line %d, column %d: %v", line, col, err)
}

// nameKey is the form names are compared in: lower-case, accents dropped
// (NFD without combining marks), whitespace trimmed and collapsed to single
// spaces. Punctuation is kept: location full names hold commas.
func nameKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		var b strings.Builder
		for _, r := range norm.NFD.String(s) {
			if !unicode.Is(unicode.Mn, r) {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// locationKey is nameKey with the spacing around commas made regular, so
// "Kampala,Central Region ,Uganda" matches "Kampala, Central Region, Uganda".
func locationKey(s string) string {
	parts := strings.Split(nameKey(s), ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ", ")
}

// isID reports whether v is written as an id (digits only) and its value.
func isID(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// named is one candidate of a name lookup.
type named struct {
	id   int
	name string   // what a suggestion shows
	keys []string // what the input is compared with
}

// lookupName resolves v against candidates by id or by name. A name that
// matches candidates with different ids is ambiguous: not ok, and the
// suggestions list the matches.
func lookupName(v string, cands []named, keyOf func(string) string) (id int, ok bool, suggestions []string) {
	n, isNum := isID(v)
	if isNum {
		for _, c := range cands {
			if c.id == n {
				return n, true, nil
			}
		}
	}
	k := keyOf(v)
	if k == "" {
		return 0, false, nil
	}
	var matches []named
	for _, c := range cands {
		for _, ck := range c.keys {
			if ck == k {
				matches = append(matches, c)
				break
			}
		}
	}
	if len(matches) > 0 {
		same := true
		for _, m := range matches[1:] {
			same = same && m.id == matches[0].id
		}
		if same {
			return matches[0].id, true, nil
		}
		return 0, false, uniqueSorted(matchNames(matches))
	}
	if isNum {
		return 0, false, nil // an unknown id: names spelled alike mean nothing
	}
	return 0, false, closest(k, cands, 3)
}

func matchNames(ms []named) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.name
	}
	return out
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// closest returns up to n candidate names near k: by edit distance (a
// swap of two letters counts once), a name containing the input or
// contained in it counting as distance 1. Names further than a third of
// the input's length (at least 2) are left out: a far-fetched suggestion
// confuses more than it helps.
func closest(k string, cands []named, n int) []string {
	kr := []rune(k)
	limit := max(2, len(kr)/3)
	type scored struct {
		name string
		d    int
	}
	best := map[string]int{}
	for _, c := range cands {
		for _, ck := range c.keys {
			if ck == "" {
				continue
			}
			d := editDistance(kr, []rune(ck))
			if len(kr) >= 3 && utf8.RuneCountInString(ck) >= 3 && (strings.Contains(ck, k) || strings.Contains(k, ck)) {
				d = min(d, 1)
			}
			if d > limit {
				continue
			}
			if prev, ok := best[c.name]; !ok || d < prev {
				best[c.name] = d
			}
		}
	}
	list := make([]scored, 0, len(best))
	for name, d := range best {
		list = append(list, scored{name, d})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].d != list[j].d {
			return list[i].d < list[j].d
		}
		return list[i].name < list[j].name
	})
	var out []string
	for i := 0; i < len(list) && i < n; i++ {
		out = append(out, list[i].name)
	}
	return out
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each cost 1.
func editDistance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Activity resolves an activity given as an id that exists ("120") or as a
// name ("Farming", " farming "; case, accents and spacing do not matter).
// When not ok, suggestions holds up to 3 close names for the message.
func (r *Reference) Activity(v string) (id int, ok bool, suggestions []string) {
	if r == nil {
		return 0, false, nil
	}
	cands := make([]named, len(r.Activities))
	for i, a := range r.Activities {
		cands[i] = named{a.ID, a.Name, []string{nameKey(a.Name)}}
	}
	return lookupName(v, cands, nameKey)
}

// Theme resolves a theme (theme_type_id) like Activity does.
func (r *Reference) Theme(v string) (id int, ok bool, suggestions []string) {
	if r == nil {
		return 0, false, nil
	}
	cands := make([]named, len(r.Themes))
	for i, t := range r.Themes {
		cands[i] = named{t.ID, t.Name, []string{nameKey(t.Name)}}
	}
	return lookupName(v, cands, nameKey)
}

// Language resolves a language (language_id) from the locales: by id, by
// language_code ("fr") or by language_name as the data spells it ("French").
// Several locales of one language (one per currency) are not ambiguous.
func (r *Reference) Language(v string) (id int, ok bool, suggestions []string) {
	if r == nil {
		return 0, false, nil
	}
	cands := make([]named, 0, len(r.Locales))
	for _, l := range r.Locales {
		name := l.LanguageName
		if name == "" {
			name = l.LanguageCode
		}
		cands = append(cands, named{l.LanguageID, name, []string{nameKey(l.LanguageName), nameKey(l.LanguageCode)}})
	}
	return lookupName(v, cands, nameKey)
}

// Location resolves a location to the exact full_name Kiva wants. v matches
// a full_name, or a location (the place's short name) that is unique among
// the partner's locations; case, accents and spacing do not matter. A short
// name shared by several places is ambiguous: not ok, and suggestions lists
// their full names. Otherwise suggestions holds up to 3 close full names.
func (r *Reference) Location(v string) (fullName string, ok bool, suggestions []string) {
	if r == nil {
		return "", false, nil
	}
	k := locationKey(v)
	if k == "" {
		return "", false, nil
	}
	for _, l := range r.Locations {
		if l.FullName == v {
			return l.FullName, true, nil
		}
	}
	byFull := map[string]bool{}
	for _, l := range r.Locations {
		if locationKey(l.FullName) == k {
			byFull[l.FullName] = true
		}
	}
	if len(byFull) == 0 {
		for _, l := range r.Locations {
			if l.Location != "" && locationKey(l.Location) == k {
				byFull[l.FullName] = true
			}
		}
	}
	switch len(byFull) {
	case 1:
		for fn := range byFull {
			return fn, true, nil
		}
	case 0:
		cands := make([]named, len(r.Locations))
		for i, l := range r.Locations {
			cands[i] = named{i, l.FullName, []string{locationKey(l.FullName), locationKey(l.Location)}}
		}
		return "", false, closest(k, cands, 3)
	}
	out := make([]string, 0, len(byFull))
	for fn := range byFull {
		out = append(out, fn)
	}
	sort.Strings(out)
	return "", false, out
}

// Currencies lists the currencies of the locales, upper-case, sorted, each
// once.
func (r *Reference) Currencies() []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, l := range r.Locales {
		if c := strings.ToUpper(strings.TrimSpace(l.Currency)); c != "" {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return uniqueSorted(out)
}

// HasCurrency reports whether a locale uses the currency (case-insensitive).
func (r *Reference) HasCurrency(c string) bool {
	if r == nil {
		return false
	}
	c = strings.TrimSpace(c)
	for _, l := range r.Locales {
		if c != "" && strings.EqualFold(strings.TrimSpace(l.Currency), c) {
			return true
		}
	}
	return false
}

func (r *Reference) hasActivityID(id int) bool {
	for _, a := range r.Activities {
		if a.ID == id {
			return true
		}
	}
	return false
}

func (r *Reference) hasThemeID(id int) bool {
	for _, t := range r.Themes {
		if t.ID == id {
			return true
		}
	}
	return false
}

func (r *Reference) hasLanguageID(id int) bool {
	for _, l := range r.Locales {
		if l.LanguageID == id {
			return true
		}
	}
	return false
}

func (r *Reference) hasFullName(s string) bool {
	for _, l := range r.Locations {
		if l.FullName == s {
			return true
		}
	}
	return false
}
