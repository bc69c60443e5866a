package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kiva-partners/kivaconv/input"
	"github.com/kiva-partners/kivaconv/kiva"
	"github.com/kiva-partners/kivaconv/mappings"
)

// Loan drafts: one row per borrower. Rows sharing a group key form one
// group loan draft (borrowers in row order); other rows are individual
// drafts. The schedule sheet is read first and joined by loan id.

// loanLevel are the fields that describe the loan, not the borrower: they
// must agree across the rows of a group.
var loanLevel = []string{
	mappings.FCurrency, mappings.FDisburseDate, mappings.FActivity, mappings.FTheme,
	mappings.FLocation, mappings.FDescription, mappings.FDescriptionLanguage,
	mappings.FLoanUse, mappings.FClientWaiverSigned, mappings.FImage,
	mappings.FGroupName, mappings.FGroupClientID,
}

// member is one borrower row, its values copied out of the stream.
type member struct {
	row  input.Row // Number and Line only
	vals []value
}

// group collects the rows of one group loan until the sheet ends.
type group struct {
	id      string
	members []member
	bad     bool
}

// installment is one schedule row.
type installment struct {
	item            kiva.ScheduleItem
	date, prin, int value
	row             int
}

// schedule is the schedule sheet, by loan id.
type schedule struct {
	byLoan map[string][]installment
	order  []string        // loan ids in first-seen order
	bad    map[string]bool // loans with an invalid schedule row
	first  map[string]input.Pos
	used   map[string]bool
	loaded bool
}

func (c *run) loanDrafts(p *sheetPlan) error {
	defer p.close()
	sched, err := c.readSchedule(p)
	if err != nil {
		return err
	}
	l := p.layout
	idx := func(k string) int {
		if i, ok := l.index[k]; ok {
			return i
		}
		return -1
	}
	groupI := -1
	if c.m.GroupBy != "" {
		groupI = idx(c.m.GroupBy)
	}
	var (
		groups   = map[string]*group{}
		order    []*group
		loanSeen = map[string]input.Pos{} // client_id+loan_id → first cell
		memberOf = map[string]string{}    // member loan id → group id
	)
	err = c.dataRows(l, p.head, func(r *input.Row) error {
		vals := make([]value, len(l.fields))
		ok := c.rowValues(l, r, vals)
		m := member{row: input.Row{Number: r.Number, Line: r.Line}, vals: vals}
		if groupI >= 0 && vals[groupI].set && vals[groupI].text != "" {
			id := vals[groupI].text
			g := groups[id]
			if g == nil {
				g = &group{id: id}
				groups[id] = g
				order = append(order, g)
			}
			g.members = append(g.members, m)
			g.bad = g.bad || !ok
			if i := idx(mappings.FLoanID); i >= 0 && vals[i].text != "" {
				memberOf[vals[i].text] = id
			}
			return nil
		}
		if !ok {
			c.sum.Rejected++
			return nil
		}
		return c.emitDraft(l, sched, []member{m}, "", loanSeen)
	})
	if err != nil {
		return err
	}
	for _, g := range order {
		if g.bad {
			c.sum.Rejected += len(g.members)
			continue
		}
		if err := c.emitDraft(l, sched, g.members, g.id, loanSeen); err != nil {
			return err
		}
	}
	c.orphanSchedules(sched, memberOf)
	return nil
}

// emitDraft builds, checks and writes one draft from its rows. groupID is
// "" for an individual loan.
func (c *run) emitDraft(l *layout, sched *schedule, ms []member, groupID string, loanSeen map[string]input.Pos) error {
	get := func(m member, key string) value {
		if i, ok := l.index[key]; ok {
			return m.vals[i]
		}
		return value{}
	}
	first := ms[0]
	at := map[string]value{} // JSON path → the cell it came from
	bad := false
	reject := func() error { c.sum.Rejected += len(ms); return nil }

	// Loan-level fields must agree across the rows of a group.
	if groupID != "" {
		if len(ms) == 1 {
			v := get(first, c.m.GroupBy)
			c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: c.m.GroupBy, Value: v.raw, Record: groupID,
				Message: fmt.Sprintf("group loan %s has only one borrower row", groupID),
				Hint:    "a group loan needs two or more borrowers; clear this cell to make it an individual loan"})
			return reject()
		}
		for _, key := range loanLevel {
			a := get(first, key)
			for _, m := range ms[1:] {
				b := get(m, key)
				if !sameValue(a, b) {
					c.issue(Issue{Severity: kiva.Error, Pos: b.pos, Column: b.col, Field: key, Value: b.raw, Record: groupID,
						Message: fmt.Sprintf("group loan %s: this row says %q but %s (its first row) says %q", groupID, b.raw, a.pos.CellRef(), a.raw),
						Hint:    "loan-level columns must be the same on every row of a group loan"})
					bad = true
				}
			}
		}
	}

	d := &kiva.LoanDraft{}
	intPtr := func(key, path string) *int {
		v := get(first, key)
		at[path] = v
		if !v.set {
			return nil
		}
		n := int(v.i)
		return &n
	}
	str := func(key, path string) string {
		v := get(first, key)
		at[path] = v
		return v.text
	}
	d.ActivityID = intPtr(mappings.FActivity, "activity_id")
	d.ThemeTypeID = intPtr(mappings.FTheme, "theme_type_id")
	d.DescriptionLanguageID = intPtr(mappings.FDescriptionLanguage, "description_language_id")
	d.Location = str(mappings.FLocation, "location")
	d.Currency = strings.ToUpper(str(mappings.FCurrency, "currency"))
	if v := get(first, mappings.FClientWaiverSigned); v.set {
		b := v.b
		d.ClientWaiverSigned = &b
	}
	at["client_waiver_signed"] = get(first, mappings.FClientWaiverSigned)
	d.LoanUse = str(mappings.FLoanUse, "loanuse")
	d.Description = str(mappings.FDescription, "description")
	d.DisburseTime = str(mappings.FDisburseDate, "disburse_time")
	for i, m := range ms {
		e := kiva.Entrep{
			ClientID:  get(m, mappings.FClientID).text,
			LoanID:    get(m, mappings.FLoanID).text,
			FirstName: get(m, mappings.FFirstName).text,
			LastName:  get(m, mappings.FLastName).text,
			Gender:    get(m, mappings.FGender).text,
			Amount:    get(m, mappings.FAmount).num,
		}
		for path, key := range map[string]string{"client_id": mappings.FClientID, "loan_id": mappings.FLoanID,
			"first_name": mappings.FFirstName, "last_name": mappings.FLastName, "gender": mappings.FGender, "amount": mappings.FAmount} {
			at[fmt.Sprintf("entreps[%d].%s", i, path)] = get(m, key)
		}
		d.Entreps = append(d.Entreps, e)
	}
	d.GroupName = str(mappings.FGroupName, "group_name")
	d.InternalClientID = str(mappings.FGroupClientID, "internal_client_id")
	if groupID != "" {
		d.InternalLoanID = groupID
		at["internal_loan_id"] = get(first, c.m.GroupBy)
		if _, ok := l.index[mappings.FPictured]; ok && l.fields[l.index[mappings.FPictured]].col >= 0 {
			d.NotPictured = make([]bool, len(ms))
			for i, m := range ms {
				v := get(m, mappings.FPictured)
				d.NotPictured[i] = v.set && !v.b
			}
			at["not_pictured"] = get(first, mappings.FPictured)
		}
	}

	// The photo, read beside the workbook.
	at["image_encoded"] = get(first, mappings.FImage)
	if v := get(first, mappings.FImage); v.set && v.text != "" {
		uri, err := c.readImage(v.text)
		if err != nil {
			c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: mappings.FImage, Value: v.raw, Record: d.LoanID(),
				Message: err.Error(), Hint: "put the photo file next to the workbook (the path is relative to it), as JPEG or PNG"})
			bad = true
		}
		d.ImageEncoded = uri
	}

	// The schedule, joined by loan id.
	key := d.LoanID()
	at["schedule"] = get(first, mappings.FLoanID)
	if groupID != "" {
		at["schedule"] = get(first, c.m.GroupBy)
	}
	if sched.loaded {
		sched.used[key] = true
		if sched.bad[key] {
			v := at["schedule"]
			c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: "schedule", Value: v.raw, Record: key,
				Message: fmt.Sprintf("loan %s is rejected because its schedule has errors (first at %s)", key, sched.first[key]),
				Hint:    "fix the schedule rows listed for this loan"})
			bad = true
		}
		for k, in := range sched.byLoan[key] {
			d.Schedule = append(d.Schedule, in.item)
			at[fmt.Sprintf("schedule[%d].date", k)] = in.date
			at[fmt.Sprintf("schedule[%d].principal", k)] = in.prin
			at[fmt.Sprintf("schedule[%d].interest", k)] = in.int
			at[fmt.Sprintf("schedule[%d]", k)] = in.date
		}
	}

	// Duplicates across the whole workbook.
	for i, e := range d.Entreps {
		if e.LoanID == "" {
			continue
		}
		k := e.ClientID + "\x00" + e.LoanID
		v := at[fmt.Sprintf("entreps[%d].loan_id", i)]
		if prev, dup := loanSeen[k]; dup {
			c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: mappings.FLoanID, Value: v.raw, Record: key,
				Message: fmt.Sprintf("borrower %s with loan %s is already in this file at %s", e.ClientID, e.LoanID, prev.CellRef()),
				Hint:    "each borrower's loan may appear once: delete the duplicate row"})
			bad = true
			continue
		}
		loanSeen[k] = v.pos
	}

	problems := c.rules.LoanDraft(d)
	if !sched.loaded {
		problems = withoutRule(problems, "schedule_missing")
	}
	if c.problems(problems, key, func(path string) (input.Pos, string, string) {
		if v, ok := at[path]; ok && v.pos.Row != 0 {
			return v.pos, v.col, v.raw
		}
		// a field the draft lacks: point at the record's first row
		v := get(first, mappings.FLoanID)
		if v.pos.Row != 0 {
			return v.pos, v.col, v.raw
		}
		return l.pos(&first.row, -1), "", ""
	}) {
		bad = true
	}
	if bad {
		return reject()
	}
	c.sum.Records++
	c.addTotal(d.Currency, d.Total())
	return c.out.loanDraft(d)
}

func withoutRule(ps []kiva.Problem, rule string) []kiva.Problem {
	out := ps[:0]
	for _, p := range ps {
		if p.Rule != rule {
			out = append(out, p)
		}
	}
	return out
}

// sameValue compares two cells of a loan-level field.
func sameValue(a, b value) bool {
	return a.set == b.set && a.text == b.text && a.i == b.i && a.b == b.b && a.num.Equal(b.num)
}

// readImage reads a photo relative to the workbook and encodes it.
func (c *run) readImage(rel string) (string, error) {
	path := rel
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(c.opts.Input), filepath.FromSlash(strings.ReplaceAll(rel, `\`, "/")))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return "", fmt.Errorf("photo %s not found", rel)
		}
		return "", fmt.Errorf("photo %s: %v", rel, err)
	}
	uri, _, err := kiva.EncodeImage(data)
	if err != nil {
		return "", fmt.Errorf("photo %s: %v", rel, err)
	}
	return uri, nil
}

// readSchedule reads the schedule sheet into memory, by loan id.
func (c *run) readSchedule(main *sheetPlan) (*schedule, error) {
	s := &schedule{byLoan: map[string][]installment{}, bad: map[string]bool{}, first: map[string]input.Pos{}, used: map[string]bool{}}
	sm := c.m.Schedule
	if sm == nil {
		return s, nil
	}
	required := sm.Required == nil || *sm.Required
	hs := &heads{book: c.book, cache: map[string]*head{}, errs: map[string]error{}}
	// The schedule is never the loans sheet itself.
	var others []string
	for _, si := range c.book.Sheets() {
		if si.Name != main.head.sheet {
			others = append(others, si.Name)
		}
	}
	var pl placement
	found := false
	if len(others) > 0 {
		p, err := hs.placeAmong(others, sm.Sheets, func(rows [][]string) (int, mappings.HeaderMatch) {
			return mappings.FindScheduleHeaderRow(rows, sm)
		})
		if err == nil {
			pl, found = p, true
		}
	}
	if !found {
		if required {
			return nil, &input.FileError{File: c.book.Path(),
				Msg:  fmt.Sprintf("no schedule sheet (%s) was found", strings.Join(sm.Sheets, ", ")),
				Hint: "add a sheet named " + firstOr(sm.Sheets, "Schedule") + " with Loan ID, Due Date, Principal and Interest, or set schedule.required: false in the mapping"}
		}
		return s, nil
	}
	p, err := c.openPlan(pl, c.m, sm.Fields)
	if err != nil {
		return nil, err
	}
	defer p.close()
	s.loaded = true
	l := p.layout
	vals := make([]value, len(l.fields))
	loanI, dateI, prinI, intI := l.index[mappings.FLoanID], l.index[mappings.FDueDate], l.index[mappings.FPrincipal], l.index[mappings.FInterest]
	rows := c.sum.Rows
	err = c.dataRows(l, p.head, func(r *input.Row) error {
		ok := c.rowValues(l, r, vals)
		id := vals[loanI].text
		if id == "" {
			c.sum.Rejected++
			return nil
		}
		if _, seen := s.first[id]; !seen {
			s.first[id] = vals[loanI].pos
			s.order = append(s.order, id)
		}
		if !ok {
			if !s.bad[id] {
				s.first[id] = l.pos(r, -1)
			}
			s.bad[id] = true
			return nil
		}
		s.byLoan[id] = append(s.byLoan[id], installment{
			item: kiva.ScheduleItem{Date: vals[dateI].text, Principal: vals[prinI].num, Interest: vals[intI].num},
			date: vals[dateI], prin: vals[prinI], int: vals[intI], row: r.Number,
		})
		return nil
	})
	// Schedule rows are not records: they do not count as rows read.
	c.sum.Rows = rows
	return s, err
}

// orphanSchedules reports schedule rows whose loan is not in the loans
// sheet, and loans with no schedule are reported by the rules.
func (c *run) orphanSchedules(s *schedule, memberOf map[string]string) {
	if !s.loaded {
		return
	}
	for _, id := range s.order {
		if s.used[id] {
			continue
		}
		pos := s.first[id]
		is := Issue{Severity: kiva.Error, Pos: pos, Field: "schedule", Value: id, Record: id,
			Message: fmt.Sprintf("schedule rows for loan %s, which is not in the loans sheet", id),
			Hint:    "check the Loan ID, or delete these schedule rows"}
		if g, ok := memberOf[id]; ok {
			is.Hint = fmt.Sprintf("loan %s is a member of group loan %s: give the schedule under the Group Loan ID %s", id, g, g)
		}
		c.sum.Rejected += len(s.byLoan[id])
		c.issue(is)
	}
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}
