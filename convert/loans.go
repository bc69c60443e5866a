package convert

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
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
	errs bool // an error was reported on the row
}

// group collects the rows of one group loan until the sheet ends.
type group struct {
	id      string
	firstID value // the group id cell of its first row
	members []member
	bad     bool
	cause   input.Pos // the first error reported on its rows (bad)
}

// GroupRejection is a row that has no error of its own but was rejected
// with its group loan (Summary.GroupRejections).
type GroupRejection struct {
	Pos   input.Pos // the row (Col 0)
	Group string    // the group loan id
	// Cause is the cell of the first error that rejected the group: on
	// one of its rows, or on the schedule sheet. Its Row is 0 when that
	// error is not kept in Issues (over maxErrors).
	Cause input.Pos
}

// firstError is the position of the first error among the issues kept
// since the first n, and whether all the errors reported since errs
// (c.sum.Errors then) were kept.
func (c *run) firstError(n, errs int) (input.Pos, bool) {
	kept := 0
	var first input.Pos
	for _, is := range c.sum.Issues[n:] {
		if is.Severity == kiva.Error {
			if kept == 0 {
				first = is.Pos
			}
			kept++
		}
	}
	return first, kept == c.sum.Errors-errs
}

// rejectedWithGroup records the rows of a rejected group loan that had no
// error of their own; hasErr tells those that had.
func (c *run) rejectedWithGroup(l *layout, id string, ms []member, cause input.Pos, hasErr func(m member) bool) {
	for _, m := range ms {
		if hasErr(m) {
			continue
		}
		c.sum.RejectedWithGroup++
		if len(c.sum.GroupRejections) < maxErrors {
			c.sum.GroupRejections = append(c.sum.GroupRejections, GroupRejection{Pos: l.pos(&m.row, -1), Group: id, Cause: cause})
		}
	}
}

// installment is one schedule row: the item and where it came from.
type installment struct {
	item kiva.ScheduleItem
	row  int
}

// schedule is the schedule sheet, by loan id.
type schedule struct {
	byLoan map[string][]installment
	order  []string        // loan ids in first-seen order
	bad    map[string]bool // loans with an invalid schedule row
	first  map[string]input.Pos
	used   map[string]bool // loan ids of the loans sheet (valid or not)
	sheet  string          // the schedule sheet's name
	layout *layout
	loaded bool
}

// cell is the schedule cell behind field key of an installment.
func (s *schedule) cell(in installment, key string) value {
	i, ok := s.layout.index[key]
	if !ok {
		return value{}
	}
	fs := &s.layout.fields[i]
	v := value{set: true, pos: s.layout.pos(&input.Row{Number: in.row}, fs.col), col: fs.header}
	switch key {
	case mappings.FPrincipal:
		v.raw = in.item.Principal.String()
	case mappings.FInterest:
		v.raw = in.item.Interest.String()
	default:
		v.raw = in.item.Date
	}
	return v
}

func (c *run) loanDrafts(p *sheetPlan, sched *schedule) error {
	var err error
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
	var sizes map[string]int
	if groupI >= 0 && (l.fields[groupI].col >= 0 || l.fields[groupI].f.Constant != nil) {
		if sizes, err = c.groupSizes(l, p.head.sheet, groupI); err != nil {
			return err
		}
	}
	// finish writes (or rejects) a group once its last row is read.
	finish := func(g *group) error {
		delete(groups, g.id)
		ms := g.members
		g.members = nil
		if g.bad {
			c.sum.Rejected += len(ms)
			v := g.firstID
			c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: c.m.GroupBy, Value: v.raw, Record: g.id,
				Message: fmt.Sprintf("group loan %s (%d rows) is not converted because of the errors in its rows", g.id, len(ms)),
				Hint:    "fix the cells listed for its rows; a group loan is sent whole or not at all"})
			// The rows without errors of their own are rejected with it (the
			// message above, on its first row, is not such an error).
			c.rejectedWithGroup(l, g.id, ms, g.cause, func(m member) bool { return m.errs })
			return nil
		}
		issues, errs, rejected := len(c.sum.Issues), c.sum.Errors, c.sum.Rejected
		if err := c.emitDraft(l, sched, ms, g.id, loanSeen); err != nil || c.sum.Rejected == rejected {
			return err
		}
		// Rejected as a whole (rows disagreeing, its schedule, Kiva's
		// rules): the rows no error was reported on are rejected with it.
		cause, all := c.firstError(issues, errs)
		if !all {
			return nil // which rows had errors is not known
		}
		onRow := map[int]bool{}
		for _, is := range c.sum.Issues[issues:] {
			if is.Severity == kiva.Error && is.Pos.Sheet == l.sheet {
				onRow[is.Pos.Row] = true
			}
		}
		c.rejectedWithGroup(l, g.id, ms, cause, func(m member) bool { return onRow[m.row.Number] })
		return nil
	}
	scratch := make([]value, len(l.fields)) // individual rows are done with it at once
	err = c.dataRows(l, p.head, func(r *input.Row) error {
		vals := scratch
		issues, errs := len(c.sum.Issues), c.sum.Errors
		ok := c.rowValues(l, r, vals)
		m := member{row: input.Row{Number: r.Number, Line: r.Line}, vals: vals, errs: c.sum.Errors > errs}
		if groupI >= 0 && vals[groupI].set && vals[groupI].text != "" {
			m.vals = append([]value(nil), vals...) // kept until the sheet ends
			vals = m.vals
			id := vals[groupI].text
			sched.used[id] = true // its schedule rows have a loan, valid or not
			g := groups[id]
			if g == nil {
				g = &group{id: id, firstID: vals[groupI]}
				groups[id] = g
				order = append(order, g)
			}
			g.members = append(g.members, m)
			if m.errs && g.cause.Row == 0 {
				g.cause, _ = c.firstError(issues, errs)
			}
			g.bad = g.bad || !ok
			if i := idx(mappings.FLoanID); i >= 0 && vals[i].text != "" {
				memberOf[vals[i].text] = id
			}
			if len(g.members) == sizes[id] {
				return finish(g)
			}
			return nil
		}
		if i := idx(mappings.FLoanID); i >= 0 && vals[i].text != "" {
			sched.used[vals[i].text] = true
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
		if _, open := groups[g.id]; open { // only if the first pass counted differently
			if err := finish(g); err != nil {
				return err
			}
		}
	}
	c.orphanSchedules(sched, memberOf)
	return nil
}

// draftJSON maps a draft's loan-level JSON fields to mapping field keys.
var draftJSON = map[string]string{
	"activity_id": mappings.FActivity, "theme_type_id": mappings.FTheme,
	"description_language_id": mappings.FDescriptionLanguage, "location": mappings.FLocation,
	"currency": mappings.FCurrency, "client_waiver_signed": mappings.FClientWaiverSigned,
	"loanuse": mappings.FLoanUse, "description": mappings.FDescription,
	"disburse_time": mappings.FDisburseDate, "image_encoded": mappings.FImage,
	"group_name": mappings.FGroupName, "internal_client_id": mappings.FGroupClientID,
	"not_pictured": mappings.FPictured, "schedule": mappings.FLoanID,
}

// draftSource is where a draft came from: its rows and schedule rows. It
// finds the cell of any JSON path a rule names, only when one does.
type draftSource struct {
	l       *layout
	ms      []member
	sched   *schedule
	items   []installment
	groupBy string // the group field key, "" for an individual loan
}

func (s *draftSource) get(m member, key string) value {
	if i, ok := s.l.index[key]; ok {
		return m.vals[i]
	}
	return value{}
}

// cell returns the value behind a JSON path: "entreps[2].amount",
// "schedule[0].date", "currency"; the first row's Loan ID cell otherwise.
func (s *draftSource) cell(path string) value {
	if rest, ok := strings.CutPrefix(path, "entreps["); ok {
		if n, field, ok := indexPath(rest); ok && n < len(s.ms) {
			if field == "" {
				field = mappings.FLoanID
			}
			return s.get(s.ms[n], field)
		}
	}
	if rest, ok := strings.CutPrefix(path, "schedule["); ok {
		if n, field, ok := indexPath(rest); ok && n < len(s.items) {
			switch field {
			case "principal":
				return s.sched.cell(s.items[n], mappings.FPrincipal)
			case "interest":
				return s.sched.cell(s.items[n], mappings.FInterest)
			}
			return s.sched.cell(s.items[n], mappings.FDueDate)
		}
	}
	key, ok := draftJSON[path]
	if (path == "internal_loan_id" || path == "schedule") && s.groupBy != "" {
		key, ok = s.groupBy, true
	}
	if ok {
		if v := s.get(s.ms[0], key); v.pos.Row != 0 {
			return v
		}
	}
	return s.get(s.ms[0], mappings.FLoanID)
}

// indexPath splits "2].amount" into 2 and "amount".
func indexPath(s string) (int, string, bool) {
	num, field, ok := strings.Cut(s, "]")
	if !ok {
		return 0, "", false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, "", false
	}
	return n, strings.TrimPrefix(field, "."), true
}

// groupSizes counts the rows of each group in a first, light pass over the
// sheet that reads only the group column, so that the main pass writes a
// group as soon as its last row is read: memory then holds only the groups
// still open (one, when a group's rows are together), not the whole sheet.
func (c *run) groupSizes(l *layout, sheet string, gi int) (map[string]int, error) {
	fs := &l.fields[gi]
	h, err := c.readHead(sheet, false)
	if err != nil {
		return nil, err
	}
	defer h.rest.Close()
	sizes := map[string]int{}
	count := func(r *input.Row) {
		if r.Blank() {
			return
		}
		cell := input.Cell{Type: input.Text}
		switch {
		case fs.f.Constant != nil:
			cell.Text = *fs.f.Constant
		case fs.col >= 0:
			cell = r.Cell(fs.col)
		}
		if strings.TrimSpace(cell.Text) == "" {
			if fs.f.Default == nil {
				return
			}
			cell = input.Cell{Type: input.Text, Text: *fs.f.Default}
		}
		var v value
		if c.typed(l, fs, cell, &v) == nil && v.text != "" {
			sizes[v.text]++
		}
	}
	for i := l.dataStart; i < len(h.rows); i++ {
		count(&h.rows[i])
	}
	for h.rest.Next() {
		count(h.rest.Row())
	}
	return sizes, h.rest.Err()
}

// emitDraft builds, checks and writes one draft from its rows. groupID is
// "" for an individual loan.
func (c *run) emitDraft(l *layout, sched *schedule, ms []member, groupID string, loanSeen map[string]input.Pos) error {
	src := &draftSource{l: l, ms: ms}
	if groupID != "" {
		src.groupBy = c.m.GroupBy
	}
	get := src.get
	first := ms[0]
	bad := false
	reject := func() error { c.sum.Rejected += len(ms); return nil }
	cellIssue := func(v value, field, record, msg, hint string) {
		c.issue(Issue{Severity: kiva.Error, Pos: v.pos, Column: v.col, Field: field, Value: v.raw, Record: record, Message: msg, Hint: hint})
		bad = true
	}

	// Loan-level fields must agree across the rows of a group.
	if groupID != "" {
		if len(ms) == 1 {
			cellIssue(get(first, c.m.GroupBy), c.m.GroupBy, groupID,
				fmt.Sprintf("group loan %s has only one borrower row", groupID),
				"a group loan needs two or more borrowers; clear this cell to make it an individual loan")
			return reject()
		}
		for _, key := range loanLevel {
			a := get(first, key)
			for _, m := range ms[1:] {
				if b := get(m, key); !sameValue(a, b) {
					cellIssue(b, key, groupID,
						fmt.Sprintf("group loan %s: this row says %q but %s (its first row) says %q", groupID, shown(b), a.pos.CellRef(), shown(a)),
						"write the same value as on the group's first row: loan-level columns are the same on every row of a group loan")
				}
			}
		}
	}

	d := &kiva.LoanDraft{}
	intPtr := func(key string) *int {
		v := get(first, key)
		if !v.set {
			return nil
		}
		n := int(v.i)
		return &n
	}
	text := func(key string) string { return get(first, key).text }
	d.ActivityID = intPtr(mappings.FActivity)
	d.ThemeTypeID = intPtr(mappings.FTheme)
	d.DescriptionLanguageID = intPtr(mappings.FDescriptionLanguage)
	d.Location = text(mappings.FLocation)
	d.Currency = strings.ToUpper(text(mappings.FCurrency))
	if v := get(first, mappings.FClientWaiverSigned); v.set {
		b := v.b
		d.ClientWaiverSigned = &b
	}
	d.LoanUse = text(mappings.FLoanUse)
	d.Description = text(mappings.FDescription)
	d.DisburseTime = text(mappings.FDisburseDate)
	for _, m := range ms {
		d.Entreps = append(d.Entreps, kiva.Entrep{
			ClientID:  get(m, mappings.FClientID).text,
			LoanID:    get(m, mappings.FLoanID).text,
			FirstName: get(m, mappings.FFirstName).text,
			LastName:  get(m, mappings.FLastName).text,
			Gender:    get(m, mappings.FGender).text,
			Amount:    get(m, mappings.FAmount).num,
		})
	}
	d.GroupName = text(mappings.FGroupName)
	d.InternalClientID = text(mappings.FGroupClientID)
	if groupID != "" {
		d.InternalLoanID = groupID
		if i, ok := l.index[mappings.FPictured]; ok && l.fields[i].col >= 0 {
			d.NotPictured = make([]bool, len(ms))
			for i, m := range ms {
				v := get(m, mappings.FPictured)
				d.NotPictured[i] = v.set && !v.b
			}
		}
	}

	// The photo, read beside the workbook.
	photoFailed := false
	if v := get(first, mappings.FImage); v.set && v.text != "" {
		uri, pi := c.readImage(v.text)
		if pi != nil {
			photoFailed = true
			cellIssue(v, mappings.FImage, d.LoanID(), pi.msg, pi.hint)
		}
		d.ImageEncoded = uri
	}

	// The schedule, joined by loan id.
	key := d.LoanID()
	if sched.loaded {
		sched.used[key] = true
		if sched.bad[key] {
			cellIssue(src.cell("schedule"), "schedule", key,
				fmt.Sprintf("loan %s is rejected because its schedule has errors (first on %s row %d)", key, sched.sheet, sched.first[key].Row),
				"fix the schedule rows listed for this loan")
		}
		src.sched, src.items = sched, sched.byLoan[key]
		for _, in := range src.items {
			d.Schedule = append(d.Schedule, in.item)
		}
	}

	// Duplicates across the whole workbook.
	for i, e := range d.Entreps {
		if e.LoanID == "" {
			continue
		}
		k := e.ClientID + "\x00" + e.LoanID
		v := get(ms[i], mappings.FLoanID)
		if prev, dup := loanSeen[k]; dup {
			cellIssue(v, mappings.FLoanID, key,
				fmt.Sprintf("borrower %s with loan %s is already in this file at %s", e.ClientID, e.LoanID, prev.CellRef()),
				"each borrower's loan may appear once: delete the duplicate row")
			continue
		}
		loanSeen[k] = v.pos
	}

	problems := c.rules.LoanDraft(d)
	switch {
	case !sched.loaded:
		problems = withoutRule(problems, kiva.RuleScheduleMissing)
	case sched.bad[key]:
		// the bad rows are reported; totals and order of the rest mean nothing
		problems = withoutRule(problems, kiva.RuleScheduleMissing, kiva.RuleScheduleTotal, kiva.RuleScheduleOrder)
	}
	if photoFailed {
		problems = withoutRule(problems, kiva.RuleImageMissing)
	}
	if c.problems(problems, key, func(path string) (input.Pos, string, string) {
		v := src.cell(path)
		if v.pos.Row == 0 {
			return l.pos(&first.row, -1), "", ""
		}
		return v.pos, v.col, v.raw
	}) {
		bad = true
	}
	if bad {
		return reject()
	}
	c.sum.Records++
	return c.out.loanDraft(d)
}

func withoutRule(ps []kiva.Problem, rules ...string) []kiva.Problem {
	out := ps[:0]
	for _, p := range ps {
		if !contains(rules, p.Rule) {
			out = append(out, p)
		}
	}
	return out
}

// shown is a value as the user reads it: the date, number or text it
// became, not the stored serial.
func shown(v value) string {
	switch {
	case !v.set:
		return ""
	case v.text != "":
		return v.text
	case !v.num.IsZero():
		return v.num.String()
	}
	return v.raw
}

// sameValue compares two cells of a loan-level field.
func sameValue(a, b value) bool {
	return a.set == b.set && a.text == b.text && a.i == b.i && a.b == b.b && a.num.Equal(b.num)
}

// photoIssue is why the photo a cell names cannot be embedded: msg says
// what is wrong (naming the path as written in the cell), hint what to do
// in the workbook or with the photo file.
type photoIssue struct{ msg, hint string }

const (
	hintPhotoInFolder = "put the photo in the workbook's folder (or a subfolder) and write its name relative to it"
	hintPhotoOpen     = "check that the photo opens on this computer, or copy it into the workbook's folder again"
)

// readImage reads the photo a cell names and encodes it for image_encoded.
//
// The name is relative to the workbook's folder (backslashes are path
// separators too) and must stay inside that folder, subfolders allowed,
// after following symlinks: an absolute path (also C:\… and \\server\…),
// ".." out of the folder and a link to a file outside are refused. The file
// is opened through an os.Root, which refuses every way out. Only a regular
// file is read, within kiva.MaxImageBytes (see readPhoto); the bytes must
// then be a JPEG or PNG that decodes (kiva.EncodeImage).
//
// An annotated copy in its output folder ("loans.kiva/loans.checked.xlsx")
// finds a photo that is not beside it beside the original workbook, one
// folder up; that folder is then the one the photo must stay in.
func (c *run) readImage(rel string) (string, *photoIssue) {
	name, pi := photoName(rel)
	if pi != nil {
		return "", pi
	}
	data, pi, missing := readPhoto(filepath.Dir(c.opts.Input), name, rel)
	if missing && IsAnnotatedCopy(c.opts.Input) {
		if abs, err := filepath.Abs(c.opts.Input); err == nil {
			data, pi, _ = readPhoto(filepath.Dir(filepath.Dir(abs)), name, rel)
		}
	}
	if pi != nil {
		return "", pi
	}
	if pi := c.photos.admit(rel, data); pi != nil {
		return "", pi
	}
	uri, _, err := kiva.EncodeImage(data)
	if err != nil {
		return "", imageIssue(rel, err)
	}
	return uri, nil
}

// photoName turns the path in a cell into a name for os.Root (OS
// separators, cleaned), refusing one that is absolute or leaves the folder.
func photoName(rel string) (string, *photoIssue) {
	slashed := strings.ReplaceAll(rel, `\`, "/")
	if filepath.IsAbs(rel) || strings.HasPrefix(slashed, "/") || hasDriveLetter(slashed) {
		return "", &photoIssue{
			msg:  fmt.Sprintf("photo %s is a full path; kivaconv takes photos from the workbook's folder only", rel),
			hint: hintPhotoInFolder + " (e.g. photos/nakato.jpg)",
		}
	}
	clean := path.Clean(slashed)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", &photoIssue{
			msg:  fmt.Sprintf("photo %s is outside the workbook's folder", rel),
			hint: hintPhotoInFolder,
		}
	}
	return filepath.FromSlash(clean), nil
}

// hasDriveLetter reports whether p starts with a Windows drive ("C:/x.jpg",
// also the drive-relative "C:x.jpg").
func hasDriveLetter(p string) bool {
	return len(p) >= 2 && p[1] == ':' && ('a' <= p[0] && p[0] <= 'z' || 'A' <= p[0] && p[0] <= 'Z')
}

// readPhoto reads the photo name (from photoName) inside the folder dir;
// rel is the path as the cell writes it, for the messages. Only a regular
// file is opened: its type and size are checked with a stat first (a
// device, FIFO or socket is never opened, a file over kiva.MaxImageBytes
// never read), it is opened non-blocking where there are FIFOs (so that one
// put there between the stat and the open cannot hang the conversion), the
// opened file is checked again, and at most kiva.MaxImageBytes+1 bytes are
// read. missing reports a photo that is not there (for the annotated copy's
// second look).
func readPhoto(dir, name, rel string) (data []byte, pi *photoIssue, missing bool) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, &photoIssue{
			msg:  fmt.Sprintf("photo %s cannot be read: the workbook's folder cannot be opened (%s)", rel, osReason(err)),
			hint: hintPhotoOpen,
		}, false
	}
	defer root.Close()
	fi, err := root.Stat(name)
	if err != nil {
		return nil, openIssue(rel, err), isMissing(err)
	}
	if pi := fileIssue(rel, fi); pi != nil {
		return nil, pi, false
	}
	f, err := root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, openIssue(rel, err), isMissing(err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, openIssue(rel, err), false
	}
	if pi := fileIssue(rel, fi); pi != nil {
		return nil, pi, false
	}
	// The limit keeps a file that grows while it is read from being read
	// whole; kiva.EncodeImage refuses the extra byte.
	data, err = io.ReadAll(io.LimitReader(f, kiva.MaxImageBytes+1))
	if err != nil {
		return nil, openIssue(rel, err), false
	}
	return data, nil, false
}

// fileIssue refuses a photo path that is not a regular file, or one whose
// size kiva refuses.
func fileIssue(rel string, fi fs.FileInfo) *photoIssue {
	mode := fi.Mode()
	if mode.IsDir() {
		return &photoIssue{
			msg:  fmt.Sprintf("photo %s is a folder, not a photo file", rel),
			hint: "write the photo file's name, with its folder if it is in one (e.g. photos/nakato.jpg)",
		}
	}
	if !mode.IsRegular() {
		what := "a special file"
		switch {
		case mode&fs.ModeNamedPipe != 0:
			what = "a pipe (FIFO)"
		case mode&fs.ModeSocket != 0:
			what = "a socket"
		case mode&fs.ModeDevice != 0:
			what = "a device"
		}
		return &photoIssue{
			msg:  fmt.Sprintf("photo %s is %s, not an ordinary file", rel, what),
			hint: "copy the photo into the workbook's folder as an ordinary JPEG or PNG file",
		}
	}
	if err := kiva.CheckImageSize(fi.Size()); err != nil {
		return imageIssue(rel, err)
	}
	return nil
}

// imageIssue is a photo whose bytes kiva refuses.
func imageIssue(rel string, err error) *photoIssue {
	var ie *kiva.ImageError
	if errors.As(err, &ie) {
		return &photoIssue{msg: fmt.Sprintf("photo %s: %s", rel, ie.Reason), hint: ie.Hint}
	}
	return &photoIssue{msg: fmt.Sprintf("photo %s: %v", rel, err), hint: "save the photo as JPEG or PNG"}
}

// openIssue is a photo that cannot be looked at or opened.
func openIssue(rel string, err error) *photoIssue {
	switch {
	case isMissing(err):
		return &photoIssue{
			msg:  fmt.Sprintf("photo %s not found", rel),
			hint: "check the file name, and " + hintPhotoInFolder,
		}
	case escapes(err):
		return &photoIssue{
			msg:  fmt.Sprintf("photo %s is a link (shortcut) to a file outside the workbook's folder", rel),
			hint: "copy the photo itself into the workbook's folder (or a subfolder) and write its name relative to it",
		}
	case errors.Is(err, fs.ErrPermission):
		return &photoIssue{
			msg:  fmt.Sprintf("photo %s cannot be opened: this computer does not allow reading it", rel),
			hint: hintPhotoOpen,
		}
	}
	return &photoIssue{msg: fmt.Sprintf("photo %s cannot be read (%s)", rel, osReason(err)), hint: hintPhotoOpen}
}

// isMissing reports an error for a path that does not exist (also a path
// through a file, "photo.jpg/x.jpg").
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// escapes reports os.Root's refusal of a path that leaves it. photoName
// has refused the "..", so here it is a symlink: to an absolute path, or
// one whose ".." leave the folder. os does not export the error; its text
// is stable (os.errPathEscapes).
func escapes(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err.Error() == "path escapes from parent"
}

// osReason is the operating system's reason in err, without the path
// (which may be long, and is named by the message already).
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readSchedule reads the schedule sheet into memory, by loan id.
func (c *run) readSchedule(main *sheetPlan) (*schedule, error) {
	s := &schedule{byLoan: map[string][]installment{}, bad: map[string]bool{}, first: map[string]input.Pos{}, used: map[string]bool{}}
	sm := c.m.Schedule
	if sm == nil {
		return s, nil
	}
	required := sm.Required == nil || *sm.Required
	hs := &heads{c: c, book: c.book, cache: map[string]*head{}, errs: map[string]error{}}
	// The schedule is never the loans sheet itself.
	var others []string
	for _, si := range c.book.Sheets() {
		if si.Name != main.head.sheet {
			others = append(others, si.Name)
		}
	}
	// A sheet named like the schedule is the schedule (its header must
	// fit); otherwise only a sheet whose header fits is taken for it.
	var pl placement
	found := false
	if len(others) > 0 {
		p, err := hs.placeAmong(others, sm.Sheets, func(rows [][]string, nums []int) (int, mappings.HeaderMatch) {
			return mappings.FindScheduleHeaderRowNumbered(rows, nums, sm)
		})
		named := sm.FindSheet(others) >= 0
		switch {
		case err != nil && named:
			return nil, err
		case err != nil:
		case named && p.hdrIdx < 0:
			return nil, &headerError{file: c.book.Path(), sheet: p.sheet, err: p.match.Err()}
		case named || p.hdrIdx >= 0 && p.match.Err() == nil:
			pl, found = p, true
		}
	}
	if !found {
		if required && c.book.Format() == input.CSV {
			return nil, &input.FileError{File: c.book.Path(),
				Msg: "loan drafts need a repayment schedule, and a CSV file holds only one sheet",
				Hint: values.OrForMapping("use a workbook (.xlsx) with a "+firstOr(sm.Sheets, "Schedule")+" sheet",
					"set schedule.required: false to send drafts without schedules")}
		}
		if required {
			return nil, &input.FileError{File: c.book.Path(),
				Msg: fmt.Sprintf("no schedule sheet (%s) was found", strings.Join(sm.Sheets, ", ")),
				Hint: values.OrForMapping("add a sheet named "+firstOr(sm.Sheets, "Schedule")+" with Loan ID, Due Date, Principal and Interest",
					"set schedule.required: false to send drafts without schedules")}
		}
		return s, nil
	}
	p, err := c.openPlan(pl, c.m, sm.Fields)
	if err != nil {
		return nil, err
	}
	defer p.close()
	s.loaded = true
	s.sheet = pl.sheet
	s.layout = p.layout
	c.sum.ScheduleSheet, c.sum.ScheduleHeaderRow = p.layout.sheet, p.layout.headerRow
	l := p.layout
	vals := make([]value, len(l.fields))
	loanI, dateI, prinI, intI := l.index[mappings.FLoanID], l.index[mappings.FDueDate], l.index[mappings.FPrincipal], l.index[mappings.FInterest]
	rows := c.sum.Rows
	err = c.dataRows(l, p.head, func(r *input.Row) error {
		ok := c.rowValues(l, r, vals)
		id := vals[loanI].text
		if id == "" {
			return nil // reported by rowValues: Loan ID is required
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
			row:  r.Number,
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
		c.issue(is)
	}
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}
