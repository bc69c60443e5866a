// Package textdist measures how far apart two short texts are, for "did you
// mean" suggestions: mapping keys, header names, settings keys.
package textdist

// MaxRunes bounds the strings Levenshtein compares, so that a pathological
// input (a pasted paragraph as a header) cannot make matching slow.
const MaxRunes = 64

// Levenshtein is the edit distance between a and b in runes (insertions,
// deletions and substitutions each cost 1), each cut to MaxRunes.
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > MaxRunes {
		ra = ra[:MaxRunes]
	}
	if len(rb) > MaxRunes {
		rb = rb[:MaxRunes]
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
