package review

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/kiva"
)

// File is the name of the report in an output folder.
const File = "review.html"

// DefaultMaxCards is how many loan drafts (and journals) are shown as full
// cards when Options.MaxCards is 0.
const DefaultMaxCards = 500

// DefaultMaxRows is how many repayments (and journals) the page lists when
// Options.MaxRows is 0, and DefaultMaxProblems how many problems: a
// million-row report must not make a page no browser can open. Counts and
// totals always cover everything.
const (
	DefaultMaxRows     = 5000
	DefaultMaxProblems = 2000
)

// Problem is one error or warning found in the input, located at a cell.
type Problem struct {
	Severity string // "error" or "warning"
	File     string // base name of the input file
	Sheet    string // "" for CSV
	Cell     string // A1 reference ("P5"); "" when no column is known
	Row      int    // row number as the spreadsheet shows it; 0 when none
	Column   string // header text of the source column
	Field    string // Kiva field ("amount", "entreps[1].gender")
	Value    string // the cell's value as stored
	Message  string
	Hint     string
	// Record is the loan id of the record the problem belongs to, when
	// known; the problem links to that record's card or row when the
	// record is in the output.
	Record string
	// Borrower names whose loan it is ("Grace Nakato", a group's name),
	// from the problem's row in the input: the reader knows whose loan a
	// problem is about even when its row was rejected. "" when unknown
	// (see Borrowers).
	Borrower string
}

// Options configure the report.
type Options struct {
	// Problems are every error and warning of the conversion, in input
	// order; TruncatedProblems counts those left out of the list.
	Problems          []Problem
	TruncatedProblems int
	// Target says what would be sent where, e.g. "stage:
	// https://partnerapi.staging.kiva.org"; "" when not chosen.
	Target string
	// Title names the report, e.g. the input's base name; "" uses the
	// manifest's source name.
	Title string
	// Reference is the reference data the conversion used (Kiva's
	// config lists): a draft's activity, theme and language are shown
	// by name with their id ("Agriculture (120)"). nil shows the ids
	// alone.
	Reference *kiva.Reference
	// MaxCards is how many loan drafts (and journals) get a full card;
	// the others are listed as compact table rows. 0 means
	// DefaultMaxCards; negative means none.
	MaxCards int
	// MaxRows and MaxProblems cap the repayments or journals listed and the
	// problems listed; 0 means DefaultMaxRows and DefaultMaxProblems.
	MaxRows, MaxProblems int
	// Now is not used: the report shows no time, so that the same folder
	// always gives the same bytes. It is accepted for callers that set it.
	Now func() time.Time
}

// Write reads dir/manifest.json and the batch files it lists, and writes
// dir/review.html atomically. A batch file that is missing, unreadable or
// changed since convert wrote it does not stop the report: the page says
// so where its records would be.
func Write(dir string, opts Options) error {
	m, err := batch.ReadManifest(dir)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := Render(&buf, m, dir, opts); err != nil {
		return err
	}
	return batch.WriteFileAtomic(filepath.Join(dir, File), buf.Bytes())
}

// Render writes the report of the output folder dir, whose manifest is m,
// to w.
func Render(w io.Writer, m *batch.Manifest, dir string, opts Options) error {
	if m == nil {
		return errors.New("review: no manifest")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	r := &renderer{w: bw, m: m, dir: dir, opts: opts, maxCards: opts.MaxCards, names: newRefNames(opts.Reference)}
	switch {
	case r.maxCards == 0:
		r.maxCards = DefaultMaxCards
	case r.maxCards < 0:
		r.maxCards = 0
	}
	if err := r.render(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("review: writing the report: %w", err)
	}
	return nil
}

// renderer holds one report being written.
type renderer struct {
	w        *bufio.Writer
	m        *batch.Manifest
	dir      string
	opts     Options
	maxCards int
	names    refNames

	anchors  *anchors
	problems []problemView
	byRecord map[string][]int // record id → indexes into problems
	notes    []string         // problems with the folder's files

	reps  []repaymentRow
	jours []journalItem
	// notListed counts repayments or journals beyond MaxRows, and
	// problemsCut the problems beyond MaxProblems.
	notListed, problemsCut int
}

func (r *renderer) exec(name string, data any) error {
	if err := pageTemplate.ExecuteTemplate(r.w, name, data); err != nil {
		return fmt.Errorf("review: writing the report: %w", err)
	}
	return nil
}

func (r *renderer) render() error {
	m := r.m
	// Records are located first, so that problems can link to them.
	switch m.Kind {
	case batch.KindLoanDraft:
		r.anchors = newAnchors("loan")
		for i, b := range m.Batches {
			r.anchors.add(draftLoanID(b), i+1)
		}
	case batch.KindRepayments:
		r.anchors = newAnchors("rep")
		r.loadRepayments()
	case batch.KindJournals:
		r.anchors = newAnchors("jour")
		r.loadJournals()
	default:
		r.anchors = newAnchors("rec")
	}
	r.buildProblems()
	if err := r.exec("head", r.headView()); err != nil {
		return err
	}
	var err error
	switch m.Kind {
	case batch.KindLoanDraft:
		err = r.renderDrafts()
	case batch.KindRepayments:
		err = r.exec("repayments", r.repaymentsView())
	case batch.KindJournals:
		err = r.renderJournals()
	}
	if err != nil {
		return err
	}
	return r.exec("foot", footView{Tool: m.Tool, Script: pageScript})
}

// footView is the data of the page's end.
type footView struct {
	Tool   batch.Tool
	Script any
}

// kindLabel names one and many of a kind's records.
func kindLabel(kind string) (one, many string) {
	switch kind {
	case batch.KindLoanDraft:
		return "loan draft", "loan drafts"
	case batch.KindRepayments:
		return "repayment", "repayments"
	case batch.KindJournals:
		return "journal", "journals"
	}
	return "record", "records"
}

// readBatch reads a batch file and checks it against the manifest. A
// changed file is still returned, with a note saying so.
func (r *renderer) readBatch(b batch.Batch) (data []byte, note string, err error) {
	data, err = os.ReadFile(filepath.Join(r.dir, b.File))
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", fmt.Errorf("%s is missing from the folder: convert again", b.File)
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s cannot be read (%v): convert again", b.File, err)
	}
	if batch.SHA256(data) != b.SHA256 {
		note = b.File + " was changed after convert wrote it: this page shows the file as it is now"
	}
	return data, note, nil
}

// ---- problems ----

// problemView is one problem as the list shows it.
type problemView struct {
	ID          string // "p1"
	Severity    string // "error" or "warning"
	File        string
	ShowFile    bool // File is not the folder's source (or the problem has no cell)
	Where       string
	Column      string
	Field       string // the field's plain label ("Photo"); "" when none or the same as Column
	FieldKey    string // the field's key in the mapping or the Kiva JSON, for a title attribute
	Value       string
	Message     string
	Hint        string
	Record      string
	RecordLabel string // "loan 000124"
	RecordTitle string // "Loan 000124", to start a sentence
	Borrower    string // whose loan: "Peter Otieno"; "" when unknown
	Link        string // anchor of the record; "" when it is not in the output
}

// badgeView is a record's problems, for its card or row.
type badgeView struct {
	Errors, Warnings int
	First            string // anchor of the record's first problem
	Items            []problemView
	More             int
}

// maxCardProblems is how many of a record's problems its card lists.
const maxCardProblems = 5

func severityOf(s string) string {
	if strings.EqualFold(strings.TrimSpace(s), "error") {
		return "error"
	}
	return "warning"
}

// buildProblems orders the problems (errors first, then warnings, each in
// the order given), numbers them and links each to its record.
func (r *renderer) buildProblems() {
	ps := make([]Problem, len(r.opts.Problems))
	copy(ps, r.opts.Problems)
	sort.SliceStable(ps, func(i, j int) bool {
		return severityOf(ps[i].Severity) == "error" && severityOf(ps[j].Severity) != "error"
	})
	one, _ := kindLabel(r.m.Kind)
	if r.m.Kind == batch.KindLoanDraft {
		one = "loan"
	}
	r.byRecord = map[string][]int{}
	maxProblems := r.opts.MaxProblems
	if maxProblems <= 0 {
		maxProblems = DefaultMaxProblems
	}
	if len(ps) > maxProblems {
		r.problemsCut = len(ps) - maxProblems
		ps = ps[:maxProblems]
	}
	for i, p := range ps {
		v := problemView{
			ID:       fmt.Sprintf("p%d", i+1),
			Severity: severityOf(p.Severity),
			File:     p.File,
			Where:    cellRef(p),
			Column:   strings.TrimSpace(p.Column),
			FieldKey: p.Field,
			Value:    shorten(p.Value, maxValueRunes),
			Message:  p.Message,
			Hint:     p.Hint,
			Record:   p.Record,
			Borrower: strings.TrimSpace(p.Borrower),
		}
		v.ShowFile = v.File != "" && (v.File != r.m.Source.Name || v.Where == "")
		if label := fieldLabel(p.Field, r.m.Kind); !strings.EqualFold(label, v.Column) {
			v.Field = label
		}
		if p.Record != "" {
			v.RecordLabel = one + " " + p.Record
			v.RecordTitle = strings.ToUpper(one[:1]) + v.RecordLabel[1:]
			v.Link = r.anchors.first[p.Record]
			if v.Link != "" {
				r.byRecord[p.Record] = append(r.byRecord[p.Record], i)
			}
		}
		r.problems = append(r.problems, v)
	}
}

// maxValueRunes bounds a problem's cell value on the page: a cell may hold
// a whole pasted document.
const maxValueRunes = 200

// shorten cuts s to n runes, marking the cut with "…".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// badge is the badge of the record id (only its first record carries it).
func (r *renderer) badge(id string) badgeView {
	var b badgeView
	for _, i := range r.byRecord[id] {
		p := r.problems[i]
		if p.Severity == "error" {
			b.Errors++
		} else {
			b.Warnings++
		}
		if b.First == "" {
			b.First = p.ID
		}
		if len(b.Items) < maxCardProblems {
			b.Items = append(b.Items, p)
		} else {
			b.More++
		}
	}
	return b
}

// ---- head: summary and problems ----

type headView struct {
	Title     string
	Style     any
	CSP       string
	KindOne   string
	KindMany  string
	KindTitle string // KindMany, capitalised
	Records   int
	Summary   summaryView
	Problems  []problemView
	Errors    int
	Warnings  int
	Truncated int
	Notes     []string
	Section   string // id of the records' section
}

type summaryView struct {
	Source     string
	SourceSHA  string
	Mapping    string
	Tool       string
	Rows       string
	Records    string
	Rejected   string
	Errors     string
	Warnings   string
	RejectedN  int
	ErrorsN    int
	WarningsN  int
	Totals     []string
	Batches    string
	BatchFiles []string
	Target     string
	Requests   string
	Complete   bool
}

func (r *renderer) headView() headView {
	m := r.m
	one, many := kindLabel(m.Kind)
	title := r.opts.Title
	if title == "" {
		title = m.Source.Name
	}
	s := summaryView{
		Source:    m.Source.Name,
		Mapping:   m.Mapping.Name,
		Tool:      strings.TrimSpace(m.Tool.Name + " " + m.Tool.Version),
		Rows:      formatCount(m.Counts.RowsRead),
		Records:   formatCount(m.Counts.RecordsWritten),
		Rejected:  formatCount(m.Counts.RowsRejected),
		Errors:    formatCount(m.Counts.Errors),
		Warnings:  formatCount(m.Counts.Warnings),
		RejectedN: m.Counts.RowsRejected,
		ErrorsN:   m.Counts.Errors,
		WarningsN: m.Counts.Warnings,
		Target:    r.opts.Target,
		Complete:  m.Complete,
	}
	if len(m.Source.SHA256) >= 12 {
		s.SourceSHA = m.Source.SHA256[:12]
	}
	if m.Mapping.Source != "" && m.Mapping.Source != m.Mapping.Name {
		s.Mapping += " (" + m.Mapping.Source + ")"
	}
	for _, t := range m.Totals {
		amount := formatMoney(t.Amount, t.Currency)
		if t.Currency == "" {
			amount += " (currency not given)"
		}
		s.Totals = append(s.Totals, amount+" in "+plural(t.Records, one, many))
	}
	switch n := len(m.Batches); {
	case n == 0:
		s.Batches = "no batch files"
	case n <= 12:
		s.Batches = plural(n, "file", "files")
		for _, b := range m.Batches {
			s.BatchFiles = append(s.BatchFiles, b.File)
		}
	default:
		s.Batches = plural(n, "file", "files")
		s.BatchFiles = []string{m.Batches[0].File, "…", m.Batches[n-1].File}
	}
	if m.Kind == batch.KindLoanDraft {
		s.Requests = plural(len(m.Batches), "request", "requests") + " (one per loan draft)"
	} else {
		s.Requests = plural(len(m.Batches), "request", "requests") + " (one per batch file)"
	}
	h := headView{
		Title:     title,
		Style:     pageStyle,
		CSP:       contentSecurityPolicy,
		KindOne:   one,
		KindMany:  many,
		KindTitle: strings.ToUpper(many[:1]) + many[1:],
		Records:   m.Counts.RecordsWritten,
		Summary:   s,
		Problems:  r.problems,
		Truncated: r.opts.TruncatedProblems + r.problemsCut,
		Notes:     r.notes,
		Section:   sectionID(m.Kind),
	}
	for _, p := range r.problems {
		if p.Severity == "error" {
			h.Errors++
		} else {
			h.Warnings++
		}
	}
	return h
}

// sectionID is the id of the section listing a kind's records.
func sectionID(kind string) string {
	switch kind {
	case batch.KindLoanDraft:
		return "drafts"
	case batch.KindRepayments:
		return "repayments"
	case batch.KindJournals:
		return "journals"
	}
	return ""
}

// ---- loan drafts ----

// draftView is one loan draft as a card or a compact row.
type draftView struct {
	N         int
	ID        string // anchor
	File      string
	LoanID    string
	Err       string // the file could not be read
	Note      string // the file was changed after convert
	Badge     badgeView
	Photo     thumb
	HasPhoto  bool   // the draft has image_encoded
	PhotoNote string // why no photo is shown
	Name      string
	Amount    string
	Location  string
	Disburse  string
	LoanUse   string
	Desc      string
	Group     bool
	GroupName string
	Members   []memberView
	Borrower  memberView // an individual loan's borrower
	GroupLoan string     // internal_loan_id
	GroupCli  string     // internal_client_id
	Chart     *chartView
	Activity  string
	Theme     string
	Language  string
	Waiver    string
}

// memberView is one borrower of a draft.
type memberView struct {
	Name        string
	Gender      string
	Amount      string
	LoanID      string
	ClientID    string
	NotPictured bool
}

type draftsView struct {
	Count    string
	Cards    int
	Rest     int
	RestText string
}

// draftLoanID is the loan id the manifest records for a loan-draft file
// (one draft per file).
func draftLoanID(b batch.Batch) string {
	if len(b.LoanIDs) > 0 {
		return b.LoanIDs[0]
	}
	return ""
}

// draftChunk is how many loan drafts are read (and thumbnailed) at once.
const draftChunk = 32

// renderDrafts writes the loan drafts in manifest order: the first
// maxCards as cards, the others as table rows. Drafts are read and their
// thumbnails made in parallel, a chunk at a time, then written in order.
func (r *renderer) renderDrafts() error {
	batches := r.m.Batches
	total := len(batches)
	cards := min(total, r.maxCards)
	dv := draftsView{Count: formatCount(total), Cards: cards, Rest: total - cards}
	if dv.Rest > 0 {
		dv.RestText = fmt.Sprintf("The first %s loan drafts are shown as cards; the other %s are listed in short form below the cards. Every draft is in full in its batch file.",
			formatCount(cards), formatCount(dv.Rest))
	}
	if err := r.exec("drafts-start", dv); err != nil {
		return err
	}
	ids := newAnchors("loan") // hands out the anchors render did, again
	workers := min(runtime.GOMAXPROCS(0), 8)
	views := make([]draftView, draftChunk)
	anchorOf := make([]string, draftChunk)
	for start := 0; start < total; start += draftChunk {
		chunk := batches[start:min(start+draftChunk, total)]
		for i, b := range chunk {
			anchorOf[i] = ids.add(draftLoanID(b), start+i+1)
		}
		next := make(chan int)
		var wg sync.WaitGroup
		for range min(workers, len(chunk)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					n := start + i + 1
					views[i] = r.draftView(n, anchorOf[i], chunk[i], n <= cards)
				}
			}()
		}
		for i := range chunk {
			next <- i
		}
		close(next)
		wg.Wait()
		for i := range chunk {
			n := start + i + 1
			if n == cards+1 {
				if err := r.exec("drafts-rest-start", dv); err != nil {
					return err
				}
			}
			name := "draft-row"
			if n <= cards {
				name = "draft-card"
			}
			if err := r.exec(name, views[i]); err != nil {
				return err
			}
			views[i] = draftView{}
		}
	}
	return r.exec("drafts-end", dv)
}

// draftView reads the draft of batch file b and prepares its card (with
// thumbnail and chart) or its compact row.
func (r *renderer) draftView(n int, anchor string, b batch.Batch, card bool) draftView {
	loanID := draftLoanID(b)
	v := draftView{N: n, ID: anchor, File: b.File, LoanID: loanID}
	if r.anchors.first[loanID] == anchor {
		v.Badge = r.badge(loanID)
	}
	data, note, err := r.readBatch(b)
	if err != nil {
		v.Err = err.Error()
		return v
	}
	v.Note = note
	var d kiva.LoanDraft
	if err := json.Unmarshal(data, &d); err != nil {
		v.Err = b.File + " is not a loan draft (" + err.Error() + "): convert again"
		return v
	}
	if v.LoanID == "" {
		v.LoanID = d.LoanID()
	}
	v.Amount = formatMoney(d.Total(), d.Currency)
	v.Disburse = d.DisburseTime
	v.Location = d.Location
	v.Group = d.IsGroup()
	v.GroupName = d.GroupName
	v.GroupLoan = d.InternalLoanID
	v.GroupCli = d.InternalClientID
	for i, e := range d.Entreps {
		mv := memberView{
			Name:     strings.TrimSpace(e.FirstName + " " + e.LastName),
			Gender:   e.Gender,
			Amount:   formatMoney(e.Amount, d.Currency),
			LoanID:   e.LoanID,
			ClientID: e.ClientID,
		}
		if i < len(d.NotPictured) {
			mv.NotPictured = d.NotPictured[i]
		}
		v.Members = append(v.Members, mv)
	}
	var names []string
	for _, mv := range v.Members {
		if mv.Name != "" {
			names = append(names, mv.Name)
		}
	}
	switch {
	case d.GroupName != "":
		v.Name = d.GroupName
	case len(names) > 0:
		v.Name = strings.Join(names, ", ")
	default:
		v.Name = "(no name)"
	}
	if !v.Group && len(v.Members) == 1 {
		v.Borrower = v.Members[0]
	}
	v.HasPhoto = d.ImageEncoded != ""
	if !card {
		return v
	}
	v.LoanUse = d.LoanUse
	v.Desc = d.Description
	v.Chart = newChart(d.Schedule, d.Currency)
	v.Activity = named(r.names.activities, d.ActivityID)
	v.Theme = named(r.names.themes, d.ThemeTypeID)
	v.Language = named(r.names.languages, d.DescriptionLanguageID)
	if d.ClientWaiverSigned != nil {
		v.Waiver = "no"
		if *d.ClientWaiverSigned {
			v.Waiver = "yes"
		}
	}
	if d.ImageEncoded == "" {
		v.PhotoNote = "No photo"
	} else if t, err := makeThumbnail(d.ImageEncoded); err != nil {
		v.PhotoNote = "No preview: " + err.Error()
	} else {
		v.Photo = t
	}
	return v
}

// ---- repayments ----

type repaymentRow struct {
	N        int
	ID       string
	LoanID   string
	ClientID string
	Amount   kiva.Amount
	File     string
}

type repaymentRowView struct {
	N        int
	ID       string
	LoanID   string
	ClientID string
	Amount   string
	Key      string // the exact decimal, for sorting
	File     string
	Badge    badgeView
}

type repaymentsView struct {
	Count     string
	NotListed string // says how many are not listed, "" when all are
	Currency  string
	ClientIDs bool
	Rows      []repaymentRowView
	Totals    []string
}

// loadRepayments reads every repayments batch: a report's repayments are
// few enough (a few hundred bytes each) to hold.
func (r *renderer) loadRepayments() {
	r.listBatches(func() int { return len(r.reps) }, func(b batch.Batch, data []byte, room int) {
		var body kiva.RepaymentsBody
		if err := json.Unmarshal(data, &body); err != nil {
			r.notes = append(r.notes, b.File+" is not a repayments batch ("+err.Error()+"): convert again")
			return
		}
		reps := body.Repayments
		r.notListed += max(len(reps)-room, 0)
		for _, rep := range reps[:min(len(reps), room)] {
			n := len(r.reps) + 1
			r.reps = append(r.reps, repaymentRow{N: n, ID: r.anchors.add(rep.LoanID, n), LoanID: rep.LoanID,
				ClientID: rep.ClientID, Amount: rep.Amount, File: b.File})
		}
	})
}

// listBatches hands each batch file to add, with room for how many more
// records may be listed (MaxRows less listed()), while there is room; the
// records of the batches after that are only counted (notListed). Files
// that cannot be read become notes.
func (r *renderer) listBatches(listed func() int, add func(b batch.Batch, data []byte, room int)) {
	for _, b := range r.m.Batches {
		room := r.maxRows() - listed()
		if room <= 0 {
			r.notListed += b.Records
			continue
		}
		data, note, err := r.readBatch(b)
		if err != nil {
			r.notes = append(r.notes, err.Error())
			continue
		}
		if note != "" {
			r.notes = append(r.notes, note)
		}
		add(b, data, room)
	}
}

// maxRows is the cap on repayments and journals listed.
func (r *renderer) maxRows() int {
	if r.opts.MaxRows > 0 {
		return r.opts.MaxRows
	}
	return DefaultMaxRows
}

func (r *renderer) repaymentsView() repaymentsView {
	v := repaymentsView{Count: formatCount(len(r.reps) + r.notListed)}
	if r.notListed > 0 {
		v.NotListed = fmt.Sprintf("The first %s repayments are listed; %s more are in the batch files. Counts and totals are for all of them.",
			formatCount(len(r.reps)), formatCount(r.notListed))
	}
	if len(r.m.Totals) == 1 {
		v.Currency = r.m.Totals[0].Currency
	}
	// Amounts line up on the decimal point: the currency's places, or
	// when it is not known, as many as the most precise amount has.
	places, ok := kiva.CurrencyPlaces(v.Currency)
	if !ok {
		for _, rep := range r.reps {
			places = max(places, rep.Amount.Places())
		}
	}
	for _, rep := range r.reps {
		if rep.ClientID != "" {
			v.ClientIDs = true
		}
		var badge badgeView
		if r.anchors.first[rep.LoanID] == rep.ID {
			badge = r.badge(rep.LoanID)
		}
		v.Rows = append(v.Rows, repaymentRowView{N: rep.N, ID: rep.ID, LoanID: rep.LoanID, ClientID: rep.ClientID,
			Amount: formatPlaces(rep.Amount, places), Key: rep.Amount.String(), File: rep.File, Badge: badge})
	}
	for _, t := range r.m.Totals {
		s := formatMoney(t.Amount, t.Currency)
		if t.Currency == "" {
			s += " (currency not given)"
		}
		v.Totals = append(v.Totals, s+" in "+plural(t.Records, "repayment", "repayments"))
	}
	return v
}

// ---- journals ----

type journalItem struct {
	kiva.Journal
	N    int
	ID   string
	File string
}

type journalView struct {
	journalItem
	Badge badgeView
}

type journalsView struct {
	Count    string
	Cards    int
	Rest     int
	RestText string
}

// loadJournals reads every journals batch, bare array or wrapped.
func (r *renderer) loadJournals() {
	r.listBatches(func() int { return len(r.jours) }, func(b batch.Batch, data []byte, room int) {
		var js []kiva.Journal
		var err error
		if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
			var body kiva.JournalsBody
			err = json.Unmarshal(data, &body)
			js = body.Journals
		} else {
			err = json.Unmarshal(data, &js)
		}
		if err != nil {
			r.notes = append(r.notes, b.File+" is not a journals batch ("+err.Error()+"): convert again")
			return
		}
		r.notListed += max(len(js)-room, 0)
		for _, j := range js[:min(len(js), room)] {
			n := len(r.jours) + 1
			r.jours = append(r.jours, journalItem{Journal: j, N: n, ID: r.anchors.add(j.InternalLoanID, n), File: b.File})
		}
	})
}

func (r *renderer) renderJournals() error {
	cards := min(len(r.jours), r.maxCards)
	v := journalsView{Count: formatCount(len(r.jours) + r.notListed), Cards: cards, Rest: len(r.jours) - cards}
	if v.Rest > 0 {
		v.RestText = fmt.Sprintf("The first %s journals are shown as cards; the other %s are listed in short form below the cards.",
			formatCount(cards), formatCount(v.Rest))
	}
	if r.notListed > 0 {
		v.RestText += fmt.Sprintf(" %s more journals are in the batch files, not listed here.", formatCount(r.notListed))
	}
	if err := r.exec("journals-start", v); err != nil {
		return err
	}
	for i, j := range r.jours {
		if i == cards {
			if err := r.exec("journals-rest-start", v); err != nil {
				return err
			}
		}
		var badge badgeView
		if r.anchors.first[j.InternalLoanID] == j.ID {
			badge = r.badge(j.InternalLoanID)
		}
		name := "journal-row"
		if i < cards {
			name = "journal-card"
		}
		if err := r.exec(name, journalView{journalItem: j, Badge: badge}); err != nil {
			return err
		}
	}
	return r.exec("journals-end", v)
}
