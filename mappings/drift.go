package mappings

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/values"
)

// Drift is how the header of a file differs from the columns a mapping was
// made for (Mapping.Columns). Columns compare like headers (values.Key):
// a change of case, accents, spacing or punctuation is no drift, and
// neither is a new column order.
type Drift struct {
	// Added are header texts of the file that the mapping's columns do not
	// have, in file order (renamed ones excluded).
	Added []string `json:"added"`
	// Removed are the mapping's columns the file does not have, in the
	// mapping's order (renamed ones excluded).
	Removed []string `json:"removed"`
	// Renamed pairs a removed column with an added one that looks like it.
	Renamed []Rename `json:"renamed"`
}

// Rename is a column that seems to have been renamed.
type Rename struct {
	From string `json:"from"` // the mapping's column
	To   string `json:"to"`   // the file's header
	// Similarity is how alike the two look, 0..1 (1: both are names of
	// the same field).
	Similarity float64 `json:"similarity"`
	// Field is the mapping field whose column is From, if any.
	Field string `json:"field,omitempty"`
}

// Empty reports whether there is no difference.
func (d Drift) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Renamed) == 0
}

// RenameOf is the rename whose From is column (compared like headers).
func (d Drift) RenameOf(column string) (Rename, bool) {
	k := values.Key(column)
	for _, r := range d.Renamed {
		if values.Key(r.From) == k {
			return r, true
		}
	}
	return Rename{}, false
}

// renameThreshold is the least score (similarity plus the position bonus)
// that makes a removed and an added column a rename.
const renameThreshold = 0.55

// positionBonus is added to the similarity of a removed and an added
// column that sit between the same neighbours.
const positionBonus = 0.25

// DiffColumns compares the columns a mapping was made for (was) with a
// file's header (now). Blank texts are ignored; each text counts as often
// as it occurs. A removed and an added column are a rename when their
// texts look alike (same words in English, French, Spanish or Portuguese,
// or a small typo), helped by standing between the same neighbours; each
// column is in at most one rename, the most alike pairs first.
func DiffColumns(was, now []string) Drift {
	return diffColumns(was, now, nil)
}

// Drift compares a header row with the mapping's columns (see
// DiffColumns). Without columns it is empty. Two texts that are names of
// the same field (its column and an alias) are a rename for sure.
func (m *Mapping) Drift(header []string) Drift {
	if len(m.Columns) == 0 {
		return Drift{}
	}
	related := func(a, b string) bool {
		fa := m.FieldOfColumn(a)
		return fa != "" && fa == m.FieldOfColumn(b)
	}
	d := diffColumns(m.Columns, header, related)
	for i := range d.Renamed {
		d.Renamed[i].Field = m.FieldOfColumn(d.Renamed[i].From)
	}
	return d
}

// FieldOfColumn is the key of the main-sheet field whose column or
// aliases match header (like headers match), or "".
func (m *Mapping) FieldOfColumn(header string) string {
	k := values.Key(header)
	if k == "" {
		return ""
	}
	for _, fk := range orderedKeys(m.Fields, tableOf(m.Kind)) {
		for _, n := range m.Fields[fk].names() {
			if values.Key(n) == k {
				return fk
			}
		}
	}
	return ""
}

// slot is one non-blank column of a header list and its neighbours.
type slot struct {
	text       string
	key        string
	prev, next string // keys of the neighbouring non-blank columns ("" at the ends)
}

func slots(header []string) []slot {
	var out []slot
	for _, h := range header {
		if k := values.Key(h); k != "" {
			out = append(out, slot{text: strings.TrimSpace(h), key: k})
		}
	}
	for i := range out {
		if i > 0 {
			out[i].prev = out[i-1].key
		}
		if i+1 < len(out) {
			out[i].next = out[i+1].key
		}
	}
	return out
}

func diffColumns(was, now []string, related func(a, b string) bool) Drift {
	ws, ns := slots(was), slots(now)
	left := map[string]int{} // was keys not yet found in now
	for _, s := range ws {
		left[s.key]++
	}
	var added []slot
	for _, s := range ns {
		if left[s.key] > 0 {
			left[s.key]--
			continue
		}
		added = append(added, s)
	}
	// The last occurrences of a repeated column are the removed ones.
	var removed []slot
	for i := len(ws) - 1; i >= 0; i-- {
		if left[ws[i].key] > 0 {
			left[ws[i].key]--
			removed = append(removed, ws[i])
		}
	}
	slices.Reverse(removed)

	type pair struct {
		r, a  int
		score float64
		sim   float64
	}
	var pairs []pair
	for ri, r := range removed {
		for ai, a := range added {
			sim := headerSimilarity(r.text, a.text)
			if related != nil && related(r.text, a.text) {
				sim = 1
			}
			score := sim
			if r.prev == a.prev || r.next == a.next {
				score += positionBonus
			}
			if score >= renameThreshold {
				pairs = append(pairs, pair{ri, ai, score, sim})
			}
		}
	}
	slices.SortStableFunc(pairs, func(x, y pair) int {
		return cmp.Or(-cmp.Compare(x.score, y.score), cmp.Compare(x.r, y.r), cmp.Compare(x.a, y.a))
	})
	var d Drift
	usedR, usedA := map[int]bool{}, map[int]bool{}
	for _, p := range pairs {
		if usedR[p.r] || usedA[p.a] {
			continue
		}
		usedR[p.r], usedA[p.a] = true, true
		d.Renamed = append(d.Renamed, Rename{From: removed[p.r].text, To: added[p.a].text, Similarity: round2(p.sim)})
	}
	slices.SortStableFunc(d.Renamed, func(x, y Rename) int {
		return cmp.Compare(indexOfText(ns, x.To), indexOfText(ns, y.To))
	})
	for i, s := range added {
		if !usedA[i] {
			d.Added = append(d.Added, s.text)
		}
	}
	for i, s := range removed {
		if !usedR[i] {
			d.Removed = append(d.Removed, s.text)
		}
	}
	return d
}

// indexOfText is the position of the first slot with text t.
func indexOfText(ss []slot, t string) int {
	for i, s := range ss {
		if s.text == t {
			return i
		}
	}
	return len(ss)
}

func round2(f float64) float64 {
	return float64(int(f*100+0.5)) / 100
}
