package convert

import (
	"errors"
	"fmt"
	"os"

	"github.com/kiva-partners/kivaconv/internal/annotate"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/mappings"
)

// placement is where a mapping's main sheet sits in the book.
type placement struct {
	sheet  string
	hdrIdx int
	match  mappings.HeaderMatch
}

// heads caches the tops of sheets while mappings are compared.
type heads struct {
	c     *run
	book  input.Book
	cache map[string]*head
	errs  map[string]error
}

func (hs *heads) get(sheet string) (*head, error) {
	if h, ok := hs.cache[sheet]; ok {
		return h, hs.errs[sheet]
	}
	h, err := hs.c.readHead(sheet, true)
	if h != nil {
		h.rest.Close() // reopened for streaming once chosen
		h.rest = nil
	}
	hs.cache[sheet], hs.errs[sheet] = h, err
	return h, err
}

// place finds the sheet and header row of a set of fields: a sheet named
// like one of names (matched like headers), else the only sheet, else the
// visible sheet whose header fits best.
func (hs *heads) place(names []string, fit func(rows [][]string, nums []int) (int, mappings.HeaderMatch)) (placement, error) {
	return hs.placeAmong(nil, names, fit)
}

// placeAmong is place restricted to the sheets named in allowed (nil: all).
func (hs *heads) placeAmong(allowed, names []string, fit func(rows [][]string, nums []int) (int, mappings.HeaderMatch)) (placement, error) {
	var sheets []input.SheetInfo
	for _, s := range hs.book.Sheets() {
		if allowed == nil || contains(allowed, s.Name) {
			sheets = append(sheets, s)
		}
	}
	var candidates []string
	for _, want := range names {
		for _, s := range sheets {
			if values.Key(s.Name) == values.Key(want) {
				candidates = []string{s.Name}
				break
			}
		}
		if candidates != nil {
			break
		}
	}
	if candidates == nil {
		for _, s := range sheets {
			if !s.Hidden || len(sheets) == 1 {
				candidates = append(candidates, s.Name)
			}
		}
	}
	best := placement{hdrIdx: -1}
	var firstErr error
	found := false // a sheet with rows
	for _, name := range candidates {
		h, err := hs.get(name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if len(h.rows) == 0 {
			continue
		}
		nums := make([]int, len(h.rows))
		for i, r := range h.rows {
			nums[i] = r.Number
		}
		idx, match := fit(h.texts, nums)
		if !found {
			best.sheet, best.match, found = name, match, true // what is missing, if nothing fits
		}
		if idx >= 0 && (best.hdrIdx < 0 || match.Score > best.match.Score) {
			best = placement{sheet: name, hdrIdx: idx, match: match}
		}
	}
	if !found {
		if firstErr != nil {
			return best, firstErr
		}
		return best, &input.FileError{File: hs.book.Path(), Msg: "no sheet with data was found",
			Hint: "the file or its sheets are empty; check it was exported completely"}
	}
	return best, nil
}

// chooseMapping returns the mapping to use (given, or the best fit among
// the candidates) and the layout of its main sheet, ready to stream.
func (c *run) chooseMapping() (*mappings.Mapping, *sheetPlan, error) {
	hs := &heads{c: c, book: c.book, cache: map[string]*head{}, errs: map[string]error{}}
	placeFor := func(m *mappings.Mapping) (placement, error) {
		return hs.place(m.Sheets, func(rows [][]string, nums []int) (int, mappings.HeaderMatch) {
			return mappings.FindHeaderRowNumbered(rows, nums, m)
		})
	}
	m := c.opts.Mapping
	var pl placement
	if m != nil {
		var err error
		if pl, err = placeFor(m); err != nil {
			return nil, nil, err
		}
		if pl.hdrIdx < 0 {
			return nil, nil, &headerError{file: c.book.Path(), sheet: c.sheetLabel(pl.sheet), err: pl.match.Err()}
		}
	} else {
		placements := map[*mappings.Mapping]placement{}
		var placeErr error
		chosen, _, err := mappings.Select(c.opts.Candidates, func(m *mappings.Mapping) mappings.HeaderMatch {
			p, err := placeFor(m)
			if err != nil {
				placeErr = err
				return mappings.HeaderMatch{Missing: []string{"(no readable sheet)"}}
			}
			placements[m] = p
			return p.match
		})
		if err != nil {
			// A sheet that could not be read is the real cause (a damaged
			// part, a cell beyond XFD, an unterminated quote), not "no
			// mapping fits".
			if placeErr != nil {
				return nil, nil, placeErr
			}
			var se *mappings.SelectError
			if errors.As(err, &se) {
				se.File = c.opts.Input
			}
			return nil, nil, fmt.Errorf("%s: %w", c.book.Path(), err)
		}
		m, pl = chosen, placements[chosen]
	}
	if err := c.checkColumns(m, pl, hs); err != nil {
		return nil, nil, err
	}
	plan, err := c.openPlan(pl, m, m.Fields)
	if err != nil {
		return nil, nil, err
	}
	for _, u := range plan.layout.unmapped {
		if values.Key(u) != values.Key(annotate.StatusHeader) { // an annotated copy's own column
			c.sum.Unmapped = append(c.sum.Unmapped, u)
		}
	}
	c.sum.Sheet = plan.layout.sheet
	c.sum.HeaderRow = plan.layout.headerRow
	return m, plan, nil
}

// sheetPlan is a sheet ready to stream with its layout.
type sheetPlan struct {
	layout *layout
	head   *head
}

// estimateRows guesses the number of data rows of a text file from its
// size and the length of the first rows (0 when it cannot tell: workbooks
// are compressed). Only memory pre-sizing depends on it.
func (p *sheetPlan) estimateRows(book input.Book) int {
	if book.Format() != input.CSV {
		return 0
	}
	st, err := os.Stat(book.Path())
	if err != nil {
		return 0
	}
	bytes, n := 0, 0
	for _, r := range p.head.rows {
		for _, c := range r.Cells {
			bytes += len(c.Text) + 1
		}
		n++
	}
	if n == 0 || bytes == 0 {
		return 0
	}
	return int(st.Size() / int64(bytes/n+1))
}

// empty reports whether the sheet has nothing under its header: the
// stream ended within the rows read to find the header, and they are blank.
func (p *sheetPlan) empty() bool {
	if len(p.head.rows) >= headerScanRows {
		return false
	}
	for i := p.layout.dataStart; i < len(p.head.rows); i++ {
		if !p.head.rows[i].Blank() {
			return false
		}
	}
	return true
}

func (p *sheetPlan) close() {
	if p.head != nil && p.head.rest != nil {
		p.head.rest.Close()
	}
}

// openPlan reopens the placed sheet for streaming and builds its layout.
func (c *run) openPlan(pl placement, m *mappings.Mapping, fields map[string]*mappings.Field) (*sheetPlan, error) {
	h, err := c.readHead(pl.sheet, true)
	if err != nil {
		return nil, err
	}
	loc, err := c.locale(m)
	if err != nil {
		h.rest.Close()
		return nil, err
	}
	l, err := newLayout(c.book, h, c.sheetLabel(pl.sheet), fields, pl.hdrIdx, pl.match, loc, m.Locale.DateFormats)
	if err != nil {
		h.rest.Close()
		return nil, err
	}
	return &sheetPlan{layout: l, head: h}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
