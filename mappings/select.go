package mappings

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Candidate is one mapping tried on a file, with how its header fit.
type Candidate struct {
	Mapping *Mapping
	Match   HeaderMatch
}

// SelectError says why Select could not choose: no mapping fits (Tied is
// empty), or several fit equally well (Tied holds them). Candidates holds
// every mapping tried, best first.
type SelectError struct {
	Candidates []Candidate
	Tied       []Candidate
	// File is the file the mappings were tried on, when the caller knows
	// it: the message then says how to make a mapping for it.
	File string
}

// Select picks the mapping that fits a file best. sample matches one
// mapping against the file (typically: choose its sheet, FindHeaderRow,
// return the match). A mapping fits when its match is Complete; among
// fits the highest Score wins. No fit, or two fits with the best Score,
// is a *SelectError. Select does not judge Duplicates: check the returned
// match's Err before converting.
func Select(cands []*Mapping, sample func(m *Mapping) HeaderMatch) (*Mapping, HeaderMatch, error) {
	all := make([]Candidate, 0, len(cands))
	for _, m := range cands {
		all = append(all, Candidate{Mapping: m, Match: sample(m)})
	}
	slices.SortStableFunc(all, func(a, b Candidate) int {
		return cmp.Or(
			-cmp.Compare(boolInt(a.Match.Complete()), boolInt(b.Match.Complete())),
			-cmp.Compare(a.Match.Score, b.Match.Score),
			cmp.Compare(len(a.Match.Missing), len(b.Match.Missing)),
			cmp.Compare(a.Mapping.Name, b.Mapping.Name),
		)
	})
	if len(all) == 0 || !all[0].Match.Complete() {
		return nil, HeaderMatch{}, &SelectError{Candidates: all}
	}
	var tied []Candidate
	for _, c := range all {
		if c.Match.Complete() && c.Match.Score == all[0].Match.Score {
			tied = append(tied, c)
		}
	}
	if len(tied) > 1 {
		return nil, HeaderMatch{}, &SelectError{Candidates: all, Tied: tied}
	}
	return all[0].Mapping, all[0].Match, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Error is written for a Kiva coordinator, not a programmer.
func (e *SelectError) Error() string {
	var b strings.Builder
	switch {
	case len(e.Candidates) == 0:
		b.WriteString("there is no mapping to read this file with")
		b.WriteString(e.initAdvice())
	case len(e.Tied) > 0:
		names := make([]string, len(e.Tied))
		for i, c := range e.Tied {
			names[i] = candidateName(c.Mapping)
		}
		fmt.Fprintf(&b, "this file fits more than one mapping equally well: %s.\n", strings.Join(names, " and "))
		b.WriteString("Choose the mapping to use. If one of them is your own copy of a built-in mapping, give it the built-in name (for example name: loans) so that it replaces the built-in one.")
	default:
		b.WriteString("the column headers of this file do not fit any mapping:\n")
		for _, c := range e.Candidates {
			fmt.Fprintf(&b, "  - %s: %s\n", candidateName(c.Mapping), strings.Join(c.Match.Problems(), "; "))
		}
		b.WriteString("Rename the columns in the file to the names above, or add a mapping file that gives the names your file uses.")
		b.WriteString(e.initAdvice())
	}
	return b.String()
}

// initAdvice names the command that writes a mapping for the file.
func (e *SelectError) initAdvice() string {
	if e.File == "" {
		return ""
	}
	base := filepath.Base(e.File)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	return fmt.Sprintf("\nTo make a mapping for this file, run: kivaconv mappings init %s\n"+
		"It writes %s.mapping.yaml beside the file, and kivaconv then reads the file with it.", quoteArg(e.File), stem)
}

// quoteArg quotes a path for a shell or cmd.exe when it holds a space or
// a character either would read.
func quoteArg(p string) string {
	if p != "" && !strings.ContainsAny(p, " \t\"'`$&|;<>()*?!#~%^") {
		return p
	}
	return `"` + strings.ReplaceAll(p, `"`, `\"`) + `"`
}

// candidateName is "loans (loan drafts, built in)" or
// "my-loans (loan drafts, from /path/my-loans.yaml)".
func candidateName(m *Mapping) string {
	var extra []string
	if l := kindLabel(m.Kind); l != m.Name {
		extra = append(extra, l)
	}
	if strings.HasPrefix(m.Source, "embedded:") {
		extra = append(extra, "built in")
	} else if m.Source != "" {
		extra = append(extra, "from "+m.Source)
	}
	if len(extra) == 0 {
		return fmt.Sprintf("%q", m.Name)
	}
	return fmt.Sprintf("%q (%s)", m.Name, strings.Join(extra, ", "))
}
