package loanlist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/mappings"
)

// Entry is one expected loan.
type Entry struct {
	LoanID   string `json:"loan_id"`
	ClientID string `json:"client_id"`
	Name     string `json:"name"`
}

// Set is a list of expected loans: the loans a repayments report should
// cover. It keeps the file's order and finds a loan ID in constant time.
type Set struct {
	// Path is the file the set was read from ("" when built in memory).
	Path string
	// Ignored counts the rows left out because their status says Kiva
	// expects no repayment (a list exported with other statuses).
	Ignored int

	entries []Entry
	index   map[string]int
}

// NewSet builds a set from entries, in order; an entry whose loan ID is
// already in the set is left out.
func NewSet(path string, entries []Entry) *Set {
	s := &Set{Path: path, index: make(map[string]int, len(entries))}
	for _, e := range entries {
		s.add(e)
	}
	return s
}

func (s *Set) add(e Entry) {
	if _, dup := s.index[e.LoanID]; dup || e.LoanID == "" {
		return
	}
	s.index[e.LoanID] = len(s.entries)
	s.entries = append(s.entries, e)
}

// Len is the number of expected loans.
func (s *Set) Len() int { return len(s.entries) }

// Index returns the position of loanID in the set (0 ≤ i < Len), or false
// when the loan is not expected. IDs compare exactly, as Kiva compares
// them ("00123" is not "123").
func (s *Set) Index(loanID string) (int, bool) {
	i, ok := s.index[loanID]
	return i, ok
}

// At returns the i-th expected loan, in the file's order.
func (s *Set) At(i int) Entry { return s.entries[i] }

// Entries returns a copy of the expected loans, in the file's order.
func (s *Set) Entries() []Entry { return append([]Entry(nil), s.entries...) }

// Read reads a list of expected loans: a loans export (CSV, XLSX or JSON,
// as Write writes it), a repayments template, or any spreadsheet with a
// loan ID column. A .json file is read as JSON; any other file is opened
// like a convert input (XLSX, or CSV in any common encoding and
// delimiter).
//
// Headers are matched as the built-in repayments mapping matches them
// ("Loan ID", "loan_id", "N° Prêt" … for the loan ID; "Client ID",
// "client_id" … for the client ID), plus name/Borrower name and status.
// In a workbook the first visible sheet with a loan ID column in its first
// 20 rows is read. IDs are read as convert reads them (text kept as
// written, number cells as Excel shows them), so they compare with the
// IDs of a report. Rows whose loan ID is empty are skipped; rows with a
// status for which Kiva expects no repayment are counted in Set.Ignored;
// a loan ID listed twice counts once. An ID that cannot be read (lost
// digits, a line break) is an error naming its cell.
func Read(path string) (*Set, error) {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return readJSON(path)
	}
	return readBook(path)
}

// Header names of the columns Read looks for besides the mapping's.
var (
	nameKeys = keySet("name", "Borrower name", "Borrower", "Client name", "Customer name", "Group name",
		"Nom", "Nom du client", "Nombre", "Nombre del cliente", "Nome", "Nome do cliente")
	statusKeys = keySet("status", "Loan status")
)

func keySet(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[values.Key(n)] = true
	}
	return m
}

// columns are the 0-based columns of one list's fields; -1 when absent.
type columns struct{ loan, client, name, status int }

// matchColumns finds the list's columns in a header row; ok is false when
// there is no loan ID column.
func matchColumns(m *mappings.Mapping, header []string) (columns, bool) {
	hm := m.MatchHeader(header)
	cols := columns{loan: -1, client: -1, name: -1, status: -1}
	if c, ok := hm.Columns[mappings.FLoanID]; ok {
		cols.loan = c
	} else {
		return cols, false
	}
	if c, ok := hm.Columns[mappings.FClientID]; ok {
		cols.client = c
	}
	for i, h := range header {
		k := values.Key(h)
		switch {
		case cols.name < 0 && nameKeys[k]:
			cols.name = i
		case cols.status < 0 && statusKeys[k]:
			cols.status = i
		}
	}
	return cols, true
}

func repaymentsMapping() (*mappings.Mapping, error) {
	return mappings.Get("repayments")
}

// headerScanRows is how far down a sheet the header is looked for.
const headerScanRows = 20

func readBook(path string) (*Set, error) {
	m, err := repaymentsMapping()
	if err != nil {
		return nil, err
	}
	book, err := input.Open(path, input.Options{})
	if err != nil {
		return nil, err
	}
	defer book.Close()
	guarded := book.Format() == input.CSV
	for _, sh := range book.Sheets() {
		if sh.Hidden {
			continue
		}
		set, found, err := readSheet(book, sh.Name, m, guarded)
		if err != nil {
			return nil, err
		}
		if found {
			set.Path = path
			return set, nil
		}
	}
	return nil, &input.FileError{File: path,
		Msg:  fmt.Sprintf("no loan ID column in the first %d rows of any sheet", headerScanRows),
		Hint: `a list of expected loans needs a header such as "Loan ID" or "loan_id" (kivaconv loans --out FILE and kivaconv template repayments write one)`}
}

// readSheet reads one sheet; found is false when it has no loan ID column
// near the top.
func readSheet(book input.Book, sheet string, m *mappings.Mapping, guarded bool) (*Set, bool, error) {
	rs, err := book.Open(sheet)
	if err != nil {
		return nil, false, err
	}
	defer rs.Close()
	var cols columns
	found := false
	for scanned := 0; scanned < headerScanRows && rs.Next(); scanned++ {
		r := rs.Row()
		texts := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			texts[i] = strings.TrimSpace(c.Text)
		}
		if cols, found = matchColumns(m, texts); found {
			break
		}
	}
	if err := rs.Err(); err != nil || !found {
		return nil, false, err
	}
	label := sheet
	if book.Format() == input.CSV {
		label = ""
	}
	set := NewSet("", nil)
	for rs.Next() {
		r := rs.Row()
		if r.Blank() {
			continue
		}
		cell := func(col int) input.Cell {
			c := r.Cell(col)
			if guarded && c.Type == input.Text {
				c.Text = batch.UnguardFormula(c.Text)
			}
			return c
		}
		pos := func(col int) input.Pos {
			p := input.Pos{File: book.Path(), Sheet: label, Row: r.Number, Col: col + 1}
			if c := r.Cell(col); c.Line > 0 {
				p.Line, p.Byte = c.Line, c.Column
			}
			return p
		}
		lc := cell(cols.loan)
		if lc.Type == input.Blank || lc.Type == input.Text && strings.TrimSpace(lc.Text) == "" {
			continue
		}
		var e Entry
		if e.LoanID, err = values.ID(lc); err != nil {
			return nil, false, cellError(pos(cols.loan), "loan ID", err)
		}
		if cols.client >= 0 {
			if c := cell(cols.client); c.Type != input.Blank && strings.TrimSpace(c.Text) != "" {
				if e.ClientID, err = values.ID(c); err != nil {
					return nil, false, cellError(pos(cols.client), "client ID", err)
				}
			}
		}
		if cols.name >= 0 {
			e.Name, _ = values.Text(cell(cols.name)) // informational: a bad name is left empty
		}
		if cols.status >= 0 {
			if st, _ := values.Text(cell(cols.status)); st != "" && !ExpectsRepayment(st) {
				set.Ignored++
				continue
			}
		}
		set.add(e)
	}
	if err := rs.Err(); err != nil {
		return nil, false, err
	}
	return set, true, nil
}

// cellError is an unreadable ID at its cell.
func cellError(p input.Pos, what string, err error) error {
	hint := ""
	var ve *values.Error
	if errors.As(err, &ve) {
		hint = ve.Hint
	}
	msg := fmt.Sprintf("%s: %s: %v", p, what, err)
	if hint != "" {
		msg += " (" + hint + ")"
	}
	return errors.New(msg)
}

// readJSON reads an array of objects, as Marshal(JSON) writes them. Keys
// are matched like headers; values may be strings or numbers.
func readJSON(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := repaymentsMapping()
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM))))
	dec.UseNumber()
	var items []map[string]any
	if err := dec.Decode(&items); err != nil {
		return nil, fmt.Errorf("%s: not a list of loans: %v (want a JSON array of objects with a \"loan_id\" key, as kivaconv loans --out FILE.json writes)", filepath.Base(path), err)
	}
	set := NewSet(path, nil)
	for i, item := range items {
		keys := make([]string, 0, len(item))
		for k := range item {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		cols, ok := matchColumns(m, keys)
		at := fmt.Sprintf("%s: item %d", filepath.Base(path), i+1)
		if !ok {
			return nil, fmt.Errorf("%s: no loan ID (want a \"loan_id\" key)", at)
		}
		text := func(col int) (string, error) {
			if col < 0 {
				return "", nil
			}
			switch v := item[keys[col]].(type) {
			case nil:
				return "", nil
			case string:
				return v, nil
			case json.Number:
				return v.String(), nil
			default:
				return "", fmt.Errorf("%s: %q must be a string, not %T", at, keys[col], v)
			}
		}
		id := func(col int, what string) (string, error) {
			s, err := text(col)
			if err != nil || strings.TrimSpace(s) == "" {
				return "", err
			}
			v, err := values.ID(input.Cell{Type: input.Text, Text: s})
			if err != nil {
				return "", fmt.Errorf("%s: %s: %v", at, what, err)
			}
			return v, nil
		}
		var e Entry
		if e.LoanID, err = id(cols.loan, "loan ID"); err != nil {
			return nil, err
		}
		if e.LoanID == "" {
			continue
		}
		if e.ClientID, err = id(cols.client, "client ID"); err != nil {
			return nil, err
		}
		if e.Name, err = text(cols.name); err != nil {
			return nil, err
		}
		e.Name = strings.TrimSpace(e.Name)
		st, err := text(cols.status)
		if err != nil {
			return nil, err
		}
		if st = strings.TrimSpace(st); st != "" && !ExpectsRepayment(st) {
			set.Ignored++
			continue
		}
		set.add(e)
	}
	return set, nil
}
