package review

import (
	"strings"
)

// Borrowers names the borrowers behind problems, from the rows of the
// input's main sheet, so that every problem says whose loan it is, also
// when its record was rejected and is in no batch file.
//
// The converter makes one with NewBorrowers, hands it the main sheet's
// rows (AddRow, in sheet order; Wants says which are worth handing over),
// and sets each Problem's Borrower to Name.
type Borrowers struct {
	sheet   string                 // the main sheet, as problems name it
	rows    map[int]bool           // main-sheet rows with problems
	lastRow int                    // the last of them
	records map[string]bool        // records named by problems elsewhere
	byRow   map[int]rowName        // main-sheet rows with problems
	byID    map[string]*recordName // loan or group id → its borrowers
}

// rowName is who a row is: its borrower, and its group's name (a group
// loan's row).
type rowName struct{ person, group, record string }

// recordName collects the names of a record's rows.
type recordName struct {
	group   string   // the group name, when any row gives one
	members []string // the borrowers' names, in row order
}

// maxNamedMembers is how many members' names stand for a group without a
// group name.
const maxNamedMembers = 3

// NewBorrowers prepares the names of problems, whose main-sheet rows are
// on sheet (as Problem.Sheet names it: "" for a CSV file).
func NewBorrowers(sheet string, problems []Problem) *Borrowers {
	b := &Borrowers{sheet: sheet, rows: map[int]bool{}, records: map[string]bool{},
		byRow: map[int]rowName{}, byID: map[string]*recordName{}}
	for _, p := range problems {
		switch {
		case p.Sheet == sheet && p.Row > 0:
			b.rows[p.Row] = true
			b.lastRow = max(b.lastRow, p.Row)
		case p.Record != "":
			// On the schedule sheet, or on no row: found by its id.
			b.records[p.Record] = true
		}
	}
	return b
}

// Wants reports whether rows after row (a row number of the main sheet)
// may still name a problem's borrower: false once every problem's row has
// been passed and no problem needs a record looked up by id.
func (b *Borrowers) Wants(row int) bool {
	if b == nil {
		return false
	}
	return row <= b.lastRow || len(b.records) > 0
}

// AddRow adds a row of the main sheet: the borrower's first and last name,
// the group name (group loans), and the loan id and group loan id it
// belongs to ("" when none).
func (b *Borrowers) AddRow(row int, first, last, group, loanID, groupID string) {
	if b == nil {
		return
	}
	person := strings.Join(strings.Fields(first+" "+last), " ")
	group = strings.Join(strings.Fields(group), " ")
	if b.rows[row] {
		record := loanID
		if groupID != "" {
			record = groupID
		}
		b.byRow[row] = rowName{person: person, group: group, record: record}
	}
	if person == "" && group == "" {
		return
	}
	add := func(id string) {
		if id == "" || !b.records[id] {
			return
		}
		r := b.byID[id]
		if r == nil {
			r = &recordName{}
			b.byID[id] = r
		}
		if r.group == "" {
			r.group = group
		}
		if person != "" {
			r.members = append(r.members, person)
		}
	}
	add(groupID)
	if loanID != groupID {
		add(loanID)
	}
}

// Name is the borrower a problem is about, from its row of the main
// sheet: "Grace Nakato"; on a group loan's row, the group's name
// ("Tusubira Group"), with the member's when the problem is about that
// member ("Sarah Nafula (Tusubira Group)"). A problem on no row of the
// main sheet (the schedule sheet) is named from its record: "Tusubira
// Group", "Grace Nakato", "Sarah Nafula and Mary Atieno". "" when unknown.
func (b *Borrowers) Name(p Problem) string {
	if b == nil {
		return ""
	}
	if p.Sheet == b.sheet && p.Row > 0 {
		n := b.byRow[p.Row]
		switch {
		case n.group != "" && n.person != "" && memberField(p.Field):
			return n.person + " (" + n.group + ")"
		case n.group != "":
			return n.group
		case n.person != "":
			return n.person
		}
	}
	r := b.byID[p.Record]
	if r == nil {
		return ""
	}
	if r.group != "" {
		return r.group
	}
	return joinNames(r.members)
}

// Record is the loan id of the record a problem's row of the main sheet
// belongs to (a group loan's id for its rows), for a problem that names
// none (a cell that could not be read); "" when unknown.
func (b *Borrowers) Record(p Problem) string {
	if b == nil || p.Sheet != b.sheet || p.Row <= 0 {
		return ""
	}
	return b.byRow[p.Row].record
}

// memberField reports whether a field is about one borrower of a loan
// (a mapping key or a path under entreps[]), not the loan as a whole.
func memberField(key string) bool {
	switch key {
	case "first_name", "last_name", "gender", "amount", "client_id", "loan_id", "pictured":
		return true
	}
	return strings.HasPrefix(key, "entreps[")
}

// joinNames lists a few names: "A", "A and B", "A, B, C and 2 others".
func joinNames(names []string) string {
	switch n := len(names); {
	case n == 0:
		return ""
	case n == 1:
		return names[0]
	case n == 2:
		return names[0] + " and " + names[1]
	case n <= maxNamedMembers:
		return strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	default:
		return strings.Join(names[:maxNamedMembers], ", ") + " and " + plural(n-maxNamedMembers, "other", "others")
	}
}
