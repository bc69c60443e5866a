// Command gen writes the sample inputs bundled in samples/: the loan-draft
// template (loans.xlsx) with its photos, two repayment reports
// (repayments.xlsx and a French-locale, Windows-1252 repayments.csv), a
// journals workbook and the reference data the samples resolve against.
//
// Run it from the repository root:
//
//	go run ./samples/gen            # writes into ./samples
//	go run ./samples/gen -out DIR   # writes into DIR
//
// The output is byte-for-byte deterministic: workbooks get fixed document
// properties and are re-zipped with fixed entry times and a fixed entry
// order; the photos are drawn by code and encoded at a fixed quality.
// main_test.go checks that two runs agree and that the committed files are
// up to date.
//
// The data sits in Go tables at the top of this file; the writing follows.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"golang.org/x/text/encoding/charmap"

	"github.com/kiva-partners/kivaconv/internal/xlsxzip"
	"github.com/kiva-partners/kivaconv/kiva"
)

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

// today is the "today" the converter's tests fix; every disbursal date must
// be within PA2's window around it (30 days back, 90 days ahead).
const today = "2026-11-26"

// fixedTime is the creation/modification time written into every workbook
// and every zip entry.
var fixedTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	partnerName = "ACME Microfinance"
	loansTitle  = "ACME Microfinance — Kiva loan drafts, November 2026"
)

// Reference data in the shape of Kiva's config endpoints, merged. The ids
// and names are invented but plausible.
var reference = kiva.Reference{
	AsOf: "2026-11-01T00:00:00Z",
	Activities: []kiva.Activity{
		{ID: 41, Name: "Dairy"},
		{ID: 45, Name: "Fish Selling"},
		{ID: 61, Name: "Farming"},
		{ID: 66, Name: "Food Market"},
		{ID: 73, Name: "Retail"},
		{ID: 84, Name: "Tailoring"},
		{ID: 99, Name: "Poultry"},
		{ID: 105, Name: "Cafe"},
		{ID: 120, Name: "Motorcycle Transport"},
		{ID: 134, Name: "General Store"},
		{ID: 148, Name: "Clothing Sales"},
	},
	Locales: []kiva.Locale{
		{LanguageID: 1, LanguageCode: "en", LanguageName: "English", Currency: "KES"},
		{LanguageID: 2, LanguageCode: "sw", LanguageName: "Swahili", Currency: "KES"},
	},
	Themes: []kiva.Theme{
		{ID: 3, Name: "Green"},
		{ID: 7, Name: "Rural Exclusion"},
		{ID: 9, Name: "Vulnerable Groups"},
		{ID: 12, Name: "Start-Up"},
		{ID: 15, Name: "Youth"},
		{ID: 21, Name: "Water and Sanitation"},
	},
	Locations: []kiva.Location{
		{Country: "Kenya", Location: "Busia", FullName: "Busia, Busia County, Kenya"},
		{Country: "Kenya", Location: "Bungoma", FullName: "Bungoma, Bungoma County, Kenya"},
		{Country: "Kenya", Location: "Eldoret", FullName: "Eldoret, Uasin Gishu County, Kenya"},
		{Country: "Kenya", Location: "Kakamega", FullName: "Kakamega, Kakamega County, Kenya"},
		{Country: "Kenya", Location: "Kisumu", FullName: "Kisumu, Kisumu County, Kenya"},
		{Country: "Kenya", Location: "Maseno", FullName: "Maseno, Kisumu County, Kenya"},
		{Country: "Kenya", Location: "Mumias", FullName: "Mumias, Kakamega County, Kenya"},
		{Country: "Kenya", Location: "Nakuru", FullName: "Nakuru, Nakuru County, Kenya"},
	},
}

// Loan drafts as the Kiva Coordinator fills the template. A draft with one
// borrower and no GroupLoanID is an individual loan; a group loan lists its
// members, one spreadsheet row each. Amounts are in cents (KES has 2
// decimals). Activity is a name, or empty with ActivityID set (the sheet
// then holds the numeric id).
var loans = []loanDraft{
	{
		Borrowers: []borrower{
			{LoanID: "000123", ClientID: "0045871", First: "Grace", Last: "Nakato", Gender: "F", Cents: 15000_50},
		},
		Currency: "KES", Disbursed: "2026-11-10",
		Activity: "Cafe", Theme: "Rural Exclusion", Location: "Busia, Busia County, Kenya",
		Description: "Grace is 34 years old and runs a small roadside café near the Busia border post, " +
			"where she serves chai, mandazi and chapati to traders and truck drivers. She is raising " +
			"three children, all in primary school. Grace plans to open earlier in the morning once " +
			"she has a second stove, because the first customers arrive before sunrise.",
		Language: "English", LoanUse: "to buy a second charcoal stove and bulk flour and sugar for her café",
		Waiver: "Yes", Image: "photos/nakato.jpg",
		Installments: 6, RatePerMille: 20,
	},
	{
		Borrowers: []borrower{
			{LoanID: "000124", ClientID: "0045902", First: "Peter", Last: "Otieno", Gender: "M", Cents: 30000_00},
		},
		Currency: "KES", Disbursed: "2026-11-12",
		Activity: "Farming", Theme: "Green", Location: "Kisumu, Kisumu County, Kenya",
		Description: "Peter grows maize, beans and kale on two acres outside Kisumu. Dry spells " +
			"have cut his harvests in the last two seasons, so he wants to water his crops with a " +
			"small drip irrigation kit fed from a rain tank. He sells most of his produce at " +
			"Kibuye market and hopes to grow vegetables all year round.",
		Language: "English", LoanUse: "to buy a drip irrigation kit and certified maize seed",
		Waiver: "Yes", Installments: 4, RatePerMille: 20,
	},
	{
		Borrowers: []borrower{
			{LoanID: "104410", ClientID: "0051230", First: "Mercy", Last: "Wanjiru", Gender: "Female", Cents: 22500_75},
		},
		Currency: "KES", Disbursed: "2026-11-14",
		ActivityID: 99, Theme: "Rural Exclusion", Location: "Nakuru",
		Description: "Mercy keeps 150 layer hens behind her home near Nakuru and sells eggs to " +
			"hotels and neighbours. Her customers ask for more eggs than the flock lays, so she " +
			"wants to build a second coop and add 100 point-of-lay birds. She has been a client " +
			"of ACME Microfinance for four years and has repaid two earlier loans on time.",
		Language: "English", LoanUse: "to build a second coop and buy 100 point-of-lay hens",
		Waiver: "Yes", Installments: 5, RatePerMille: 20,
	},
	{
		Borrowers: []borrower{
			{LoanID: "000131", ClientID: "0046010", First: "Joseph", Last: "Kiprop", Gender: "Male", Cents: 18000_00},
		},
		Currency: "KES", Disbursed: "2026-11-18",
		Activity: "Motorcycle Transport", Theme: "Youth", Location: "Eldoret, Uasin Gishu County, Kenya",
		Description: "Joseph is 24 and works as a boda boda rider in Eldoret, carrying passengers " +
			"and parcels between the town centre and the surrounding estates. He rents the motorcycle " +
			"he rides and pays the owner every evening. This loan covers the deposit on a motorcycle " +
			"of his own, which will let him keep more of what he earns.",
		Language: "English", LoanUse: "to pay the deposit on his own motorcycle",
		Waiver: "Yes", Installments: 6, RatePerMille: 20,
	},
	{
		GroupLoanID: "GRP-0311", GroupClientID: "GC-0088", GroupName: "Tusubira Women Group",
		Borrowers: []borrower{
			{LoanID: "000311", ClientID: "0047001", First: "Sarah", Last: "Nafula", Gender: "F", Cents: 12000_00, Pictured: true},
			{LoanID: "000312", ClientID: "0047002", First: "Annet", Last: "Auma", Gender: "F", Cents: 10500_50, Pictured: true},
			{LoanID: "000313", ClientID: "0047003", First: "Rose", Last: "Atieno", Gender: "Female", Cents: 9000_00, Pictured: false},
			{LoanID: "000314", ClientID: "0047004", First: "Florence", Last: "Nekesa", Gender: "F", Cents: 11250_25, Pictured: true},
		},
		Currency: "KES", Disbursed: "2026-11-16",
		Activity: "Retail", Theme: "Vulnerable Groups", Location: "Busia, Busia County, Kenya",
		Description: "The Tusubira Women Group meets every Tuesday under a mango tree in Busia town. " +
			"Its four members run market stalls selling second-hand clothes, soap, cooking oil and " +
			"dried fish, and they guarantee each other’s loans. Each member will use her share to " +
			"buy stock in bulk from wholesalers in Kisumu before the festive season.",
		Language: "English", LoanUse: "to buy stock in bulk for their market stalls",
		Waiver: "Yes", Image: "photos/group-tusubira.jpg",
		Installments: 4, RatePerMille: 20,
	},
	{
		GroupLoanID: "GRP-0318", GroupClientID: "GC-0091", GroupName: "Umoja Tailors Group",
		Borrowers: []borrower{
			{LoanID: "104502", ClientID: "0052210", First: "Esther", Last: "Akinyi", Gender: "F", Cents: 8000_00},
			{LoanID: "104503", ClientID: "0052211", First: "Lucy", Last: "Adhiambo", Gender: "F", Cents: 8000_00},
			{LoanID: "104504", ClientID: "0052212", First: "Kevin", Last: "Omondi", Gender: "M", Cents: 9500_50},
		},
		Currency: "KES", Disbursed: "2026-11-20",
		Activity: "Tailoring", Theme: "Start-Up", Location: "Kakamega, Kakamega County, Kenya",
		Description: "The Umoja Tailors Group is three tailors who share a workshop near the Kakamega " +
			"bus park. They sew school uniforms and make alterations for customers from the market. " +
			"The group was formed this year and this is the members’ first loan; they will use it to " +
			"replace old treadle machines with electric ones and buy fabric for the January school term.",
		Language: "English", LoanUse: "to buy electric sewing machines and uniform fabric",
		Waiver: "Yes", Installments: 3, RatePerMille: 20,
	},
}

// Repayments for December 2026, one row per member loan. Amount is the
// number exactly as the workbook stores it: "84.84999999999999" is how some
// writers store 84.85 (16 significant digits) and "84.849999999999994" is
// how Excel stores it (17 significant digits); both must come out as 84.85.
var repaymentsXLSX = []repayment{
	{"000123", "0045871", "2750"},
	{"000124", "0045902", "8100"},
	{"104410", "0051230", "5200.15"},
	{"000131", "0046010", "3360"},
	{"000311", "0047001", "3240"},
	{"000312", "0047002", "2835.15"},
	{"000313", "0047003", "84.84999999999999"},
	{"000314", "0047004", "3037.57"},
	{"098765", "0039120", "1500.5"},
	{"098802", "0039177", "4200"},
	{"101150", "0041005", "84.849999999999994"},
	{"101163", "0041022", "6000"},
}

// Repayments as a French-locale Excel exports them to CSV: amounts with a
// decimal comma, written as the cells display them. Agence is not part of
// the template; its accents make the Windows-1252 encoding matter.
var repaymentsCSV = []struct{ LoanID, ClientID, Amount, Agence string }{
	{"000123", "0045871", "2750,00", "Siège"},
	{"000124", "0045902", "8100,00", "Siège"},
	{"104410", "0051230", "5200,15", "Tévragh Zeïna"},
	{"000311", "0047001", "1500,50", "Busia Frontière"},
	{"000312", "0047002", "84,85", "Busia Frontière"},
	{"000313", "0047003", "3000", "Busia Frontière"},
	{"098765", "0039120", "12000,00", "Siège"},
	{"101150", "0041005", "4325,75", "Tévragh Zeïna"},
}

// Borrower updates for loans already paying back.
var journals = []journal{
	{
		LoanID: "098765", ClientID: "0039120",
		Subject: "New fridge keeps the milk fresh",
		Body: "Since receiving her loan, Beatrice has bought a second-hand fridge for her dairy kiosk. " +
			"Milk no longer spoils on hot afternoons, and she now sells yoghurt as well. She thanks " +
			"her lenders and says her daughter helps at the kiosk after school.",
	},
	{
		LoanID: "098802", ClientID: "0039177",
		Subject: "A second fishing net",
		Body: "Samuel used his loan to buy a second net and repair his boat on Lake Victoria. His " +
			"catch has almost doubled, and he now supplies two restaurants in Kisumu with tilapia " +
			"every morning.",
		ImageURL: "https://media.acme-microfinance.example/kiva/journals/098802-samuel.jpg",
	},
	{
		LoanID: "101150", ClientID: "0041005",
		Subject: "Shop restocked before the rains",
		Body: "Halima restocked her general store with rice, sugar and paraffin before the long " +
			"rains made the road to the wholesaler difficult. Customers from three villages now " +
			"buy from her shop, and she has hired a young woman to help on market days.",
	},
	{
		LoanID: "101163", ClientID: "0041022",
		Subject: "School uniforms for the new term",
		Body: "Daniel’s tailoring business is busy with orders for school uniforms. The loan paid " +
			"for fabric and thread in bulk, which lowered his costs, and he has taken on an " +
			"apprentice from the neighbourhood.",
	},
}

// Photos drawn by code; the paths are relative to the output directory and
// match the Image column of loans.xlsx.
var photos = []photo{
	{Path: "photos/nakato.jpg", Figures: []figure{{X: 60, Dress: color.RGBA{200, 40, 90, 255}}}},
	{Path: "photos/group-tusubira.jpg", Figures: []figure{
		{X: 30, Dress: color.RGBA{230, 160, 30, 255}},
		{X: 60, Dress: color.RGBA{40, 120, 200, 255}},
		{X: 90, Dress: color.RGBA{60, 160, 80, 255}},
	}},
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

type borrower struct {
	LoanID, ClientID, First, Last, Gender string
	Cents                                 int64
	Pictured                              bool // group loans only
}

type loanDraft struct {
	Borrowers                              []borrower
	GroupLoanID, GroupClientID, GroupName  string
	Currency, Disbursed                    string
	Activity                               string
	ActivityID                             int
	Theme, Location, Description, Language string
	LoanUse, Waiver, Image                 string
	Installments                           int
	RatePerMille                           int64 // monthly interest on the outstanding principal
}

func (l *loanDraft) isGroup() bool { return l.GroupLoanID != "" }

// scheduleID is the Loan ID the Schedule sheet keys the loan by.
func (l *loanDraft) scheduleID() string {
	if l.isGroup() {
		return l.GroupLoanID
	}
	return l.Borrowers[0].LoanID
}

func (l *loanDraft) totalCents() int64 {
	var t int64
	for _, b := range l.Borrowers {
		t += b.Cents
	}
	return t
}

type installment struct {
	Due                      time.Time
	PrincipalCents, Interest int64
}

// schedule splits the loan into equal monthly principal installments (the
// last one takes the remainder, so the principal sums exactly to the loan
// amount) with interest on the declining balance, due on the disbursal
// day of each following month.
func (l *loanDraft) schedule() []installment {
	total := l.totalCents()
	n := int64(l.Installments)
	each := total / n
	outstanding := total
	out := make([]installment, 0, n)
	for i := int64(1); i <= n; i++ {
		p := each
		if i == n {
			p = outstanding
		}
		interest := (outstanding*l.RatePerMille + 500) / 1000
		out = append(out, installment{
			Due:            mustDate(l.Disbursed).AddDate(0, int(i), 0),
			PrincipalCents: p,
			Interest:       interest,
		})
		outstanding -= p
	}
	return out
}

type repayment struct{ LoanID, ClientID, Amount string }

type journal struct{ LoanID, ClientID, Subject, Body, ImageURL string }

type figure struct {
	X     int
	Dress color.RGBA
}

type photo struct {
	Path    string
	Figures []figure
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

func main() {
	out := flag.String("out", "samples", "output directory")
	flag.Parse()
	files, err := generate(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for _, f := range files {
		fmt.Println(filepath.Join(*out, filepath.FromSlash(f)))
	}
}

// generate writes every sample into dir and returns the written paths,
// slash-separated and relative to dir.
func generate(dir string) ([]string, error) {
	if err := validate(); err != nil {
		return nil, fmt.Errorf("sample tables: %w", err)
	}
	type output struct {
		name  string
		build func() ([]byte, error)
	}
	outputs := []output{
		{"loans.xlsx", buildLoans},
		{"repayments.xlsx", buildRepaymentsXLSX},
		{"repayments.csv", buildRepaymentsCSV},
		{"journals.xlsx", buildJournals},
		{"reference.json", buildReference},
	}
	for _, p := range photos {
		outputs = append(outputs, output{p.Path, func() ([]byte, error) { return drawPhoto(p) }})
	}
	var written []string
	for _, o := range outputs {
		data, err := o.build()
		if err != nil {
			return written, fmt.Errorf("%s: %w", o.name, err)
		}
		path := filepath.Join(dir, filepath.FromSlash(o.name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return written, err
		}
		written = append(written, o.name)
	}
	return written, nil
}

// ---------------------------------------------------------------------------
// Validation: the samples must convert cleanly under Kiva's rules (§7).
// ---------------------------------------------------------------------------

func validate() error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	activities := map[string]bool{}
	activityIDs := map[int]bool{}
	for _, a := range reference.Activities {
		activities[a.Name] = true
		activityIDs[a.ID] = true
	}
	themes := map[string]bool{}
	for _, t := range reference.Themes {
		themes[t.Name] = true
	}
	languages := map[string]string{} // name → currency
	for _, l := range reference.Locales {
		languages[l.LanguageName] = l.Currency
	}
	fullNames := map[string]bool{}
	shortNames := map[string]int{}
	for _, l := range reference.Locations {
		fullNames[l.FullName] = true
		shortNames[l.Location]++
	}

	now := mustDate(today)
	seenID := map[string]bool{} // member and group loan IDs together
	unique := func(id string) {
		if seenID[id] {
			fail("%s: duplicate loan ID", id)
		}
		seenID[id] = true
	}
	for _, l := range loans {
		id := l.scheduleID()
		if l.isGroup() {
			unique(id)
		}
		if l.isGroup() {
			if len(l.Borrowers) < 3 || l.GroupName == "" || l.GroupClientID == "" {
				fail("%s: a group needs 3+ members, a name and a client ID", id)
			}
		} else if len(l.Borrowers) != 1 || l.GroupName != "" || l.GroupClientID != "" {
			fail("%s: an individual loan has one borrower and no group fields", id)
		}
		for _, b := range l.Borrowers {
			unique(b.LoanID)
			if b.ClientID == "" || b.First == "" || b.Gender == "" || b.Cents <= 0 {
				fail("%s: borrower incomplete", b.LoanID)
			}
			if strings.Contains(l.Description, b.Last) {
				fail("%s: description names the family name %q", b.LoanID, b.Last)
			}
		}
		if l.Activity != "" && !activities[l.Activity] || l.Activity == "" && !activityIDs[l.ActivityID] {
			fail("%s: unknown activity", id)
		}
		if !themes[l.Theme] {
			fail("%s: unknown theme %q", id, l.Theme)
		}
		if cur, ok := languages[l.Language]; !ok || cur != l.Currency {
			fail("%s: no locale for %s/%s", id, l.Language, l.Currency)
		}
		if !fullNames[l.Location] && shortNames[l.Location] != 1 {
			fail("%s: location %q does not resolve", id, l.Location)
		}
		d := mustDate(l.Disbursed)
		if d.Before(now.AddDate(0, 0, -30)) || d.After(now.AddDate(0, 0, 90)) {
			fail("%s: disbursal %s outside PA2's window", id, l.Disbursed)
		}
		if !strings.HasPrefix(l.LoanUse, "to ") {
			fail("%s: loan use must start with \"to \"", id)
		}
		if l.Waiver != "Yes" {
			fail("%s: client waiver not signed", id)
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(l.Description), func(r rune) bool {
			return !('a' <= r && r <= 'z' || r == '\'')
		}) {
			switch w {
			case "i", "me", "my", "mine", "we", "us", "our", "ours":
				fail("%s: first-person word %q in the description", id, w)
			}
		}
		if l.Installments < 3 || l.Installments > 6 {
			fail("%s: 3–6 installments", id)
		}
		var sum int64
		for _, in := range l.schedule() {
			sum += in.PrincipalCents
			if in.PrincipalCents < 0 || in.Interest < 0 {
				fail("%s: negative installment", id)
			}
		}
		if sum != l.totalCents() {
			fail("%s: schedule principal %d != amount %d", id, sum, l.totalCents())
		}
	}
	seenRepay := map[string]bool{}
	for _, r := range repaymentsXLSX {
		if seenRepay[r.LoanID] {
			fail("repayments.xlsx: duplicate loan %s", r.LoanID)
		}
		seenRepay[r.LoanID] = true
	}
	seenRepay = map[string]bool{}
	for _, r := range repaymentsCSV {
		if seenRepay[r.LoanID] {
			fail("repayments.csv: duplicate loan %s", r.LoanID)
		}
		seenRepay[r.LoanID] = true
	}
	return errors.Join(errs...)
}

// ---------------------------------------------------------------------------
// Workbooks
// ---------------------------------------------------------------------------

var loanHeaders = []string{
	"Loan ID", "Client ID", "First Name", "Last Name", "Gender", "Amount", "Currency",
	"Disbursal Date", "Activity", "Theme", "Location", "Description", "Description Language",
	"Loan Use", "Client Waiver Signed", "Image", "Group Name", "Group Loan ID", "Group Client ID",
	"Pictured",
}

var loanColumnWidths = []float64{
	10, 11, 12, 12, 8, 12, 9, 14, 20, 18, 34, 60, 20, 44, 20, 26, 24, 14, 15, 9,
}

// styles are the cell styles a workbook uses.
type styles struct {
	title, header, text, money, date, wrap int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	dateFmt := "dd/mm/yyyy"
	defs := []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F6F43"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		}},
		{&s.text, &excelize.Style{NumFmt: 49}}, // "@": IDs stay text, leading zeros kept
		{&s.money, &excelize.Style{NumFmt: 4}}, // "#,##0.00"
		{&s.date, &excelize.Style{CustomNumFmt: &dateFmt}},
		{&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.style)
		if err != nil {
			return s, err
		}
		*d.id = id
	}
	return s, nil
}

// newWorkbook returns a workbook whose first sheet is named first, with
// fixed document properties.
func newWorkbook(first, title string) (*excelize.File, styles, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return nil, styles{}, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Created:        fixedTime.Format(time.RFC3339),
		Modified:       fixedTime.Format(time.RFC3339),
		Creator:        partnerName,
		LastModifiedBy: partnerName,
		Title:          title,
		Language:       "en-KE",
	}); err != nil {
		return nil, styles{}, err
	}
	if err := f.SetAppProps(&excelize.AppProperties{
		Application: "kivaconv samples/gen",
		Company:     partnerName,
	}); err != nil {
		return nil, styles{}, err
	}
	s, err := newStyles(f)
	return f, s, err
}

// sheetWriter writes cells of one sheet, keeping the first error.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *sheetWriter) ref(col, row int) string {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil && w.err == nil {
		w.err = err
	}
	return ref
}

// text writes a string cell; an empty string leaves the cell absent.
func (w *sheetWriter) text(col, row int, s string) {
	if w.err != nil || s == "" {
		return
	}
	w.err = w.f.SetCellStr(w.sheet, w.ref(col, row), s)
}

// int writes a whole-number cell.
func (w *sheetWriter) int(col, row int, v int64) {
	if w.err != nil {
		return
	}
	w.err = w.f.SetCellInt(w.sheet, w.ref(col, row), v)
}

// number writes a number cell whose stored text is exactly stored
// ("1500.5", "84.84999999999999").
func (w *sheetWriter) number(col, row int, stored string) {
	if w.err != nil {
		return
	}
	v, err := strconv.ParseFloat(stored, 64)
	if err != nil {
		w.err = err
		return
	}
	prec := 0
	if i := strings.IndexByte(stored, '.'); i >= 0 {
		prec = len(stored) - i - 1
	}
	// excelize stores strconv.FormatFloat(v, 'f', prec, 64) for prec >= 0.
	if got := strconv.FormatFloat(v, 'f', prec, 64); got != stored {
		w.err = fmt.Errorf("number %q would be stored as %q", stored, got)
		return
	}
	w.err = w.f.SetCellFloat(w.sheet, w.ref(col, row), v, prec, 64)
}

// date writes a date as an Excel serial day number (1900 date system).
func (w *sheetWriter) date(col, row int, t time.Time) {
	w.int(col, row, excelSerial(t))
}

func (w *sheetWriter) style(fromCol, fromRow, toCol, toRow, style int) {
	if w.err != nil {
		return
	}
	w.err = w.f.SetCellStyle(w.sheet, w.ref(fromCol, fromRow), w.ref(toCol, toRow), style)
}

func (w *sheetWriter) colStyle(col, style int) {
	if w.err != nil {
		return
	}
	name, err := excelize.ColumnNumberToName(col)
	if err != nil {
		w.err = err
		return
	}
	w.err = w.f.SetColStyle(w.sheet, name, style)
}

func (w *sheetWriter) widths(widths []float64) {
	for i, width := range widths {
		if w.err != nil {
			return
		}
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			w.err = err
			return
		}
		w.err = w.f.SetColWidth(w.sheet, name, name, width)
	}
}

// dimension records the used range A1:<lastCol><lastRow>, as Excel does.
func (w *sheetWriter) dimension(lastCol, lastRow int) {
	if w.err != nil {
		return
	}
	w.err = w.f.SetSheetDimension(w.sheet, "A1:"+w.ref(lastCol, lastRow))
}

// header writes a bold header row and freezes everything above and
// including it.
func (w *sheetWriter) header(row int, headers []string, style int) {
	for i, h := range headers {
		w.text(i+1, row, h)
	}
	w.style(1, row, len(headers), row, style)
	if w.err != nil {
		return
	}
	w.err = w.f.SetPanes(w.sheet, &excelize.Panes{
		Freeze:      true,
		YSplit:      row,
		TopLeftCell: w.ref(1, row+1),
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: w.ref(1, row+1), ActiveCell: w.ref(1, row+1), Pane: "bottomLeft"}},
	})
}

func buildLoans() ([]byte, error) {
	f, st, err := newWorkbook("Loans", loansTitle)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	// Sheet Loans: title in row 1 merged across the columns, row 2 blank,
	// header in row 3, data from row 4.
	w := &sheetWriter{f: f, sheet: "Loans"}
	col := func(name string) int { return indexOf(loanHeaders, name) + 1 }
	w.widths(loanColumnWidths)
	for _, name := range []string{"Loan ID", "Client ID", "Group Loan ID", "Group Client ID"} {
		w.colStyle(col(name), st.text)
	}
	w.colStyle(col("Amount"), st.money)
	w.colStyle(col("Disbursal Date"), st.date)
	w.colStyle(col("Description"), st.wrap)
	w.text(1, 1, loansTitle)
	w.style(1, 1, len(loanHeaders), 1, st.title)
	if w.err == nil {
		w.err = f.MergeCell("Loans", w.ref(1, 1), w.ref(len(loanHeaders), 1))
	}
	w.header(3, loanHeaders, st.header)
	row := 4
	for _, l := range loans {
		for _, b := range l.Borrowers {
			w.text(col("Loan ID"), row, b.LoanID)
			w.text(col("Client ID"), row, b.ClientID)
			w.text(col("First Name"), row, b.First)
			w.text(col("Last Name"), row, b.Last)
			w.text(col("Gender"), row, b.Gender)
			w.number(col("Amount"), row, centsStored(b.Cents))
			w.text(col("Currency"), row, l.Currency)
			w.date(col("Disbursal Date"), row, mustDate(l.Disbursed))
			if l.Activity != "" {
				w.text(col("Activity"), row, l.Activity)
			} else {
				w.int(col("Activity"), row, int64(l.ActivityID))
			}
			w.text(col("Theme"), row, l.Theme)
			w.text(col("Location"), row, l.Location)
			w.text(col("Description"), row, l.Description)
			w.text(col("Description Language"), row, l.Language)
			w.text(col("Loan Use"), row, l.LoanUse)
			w.text(col("Client Waiver Signed"), row, l.Waiver)
			w.text(col("Image"), row, l.Image)
			if l.isGroup() {
				w.text(col("Group Name"), row, l.GroupName)
				w.text(col("Group Loan ID"), row, l.GroupLoanID)
				w.text(col("Group Client ID"), row, l.GroupClientID)
				w.text(col("Pictured"), row, yesNo(b.Pictured))
			}
			row++
		}
	}

	// Sheet Schedule: one row per installment, keyed by the individual
	// loan's Loan ID or the group's Group Loan ID.
	if _, err := f.NewSheet("Schedule"); err != nil {
		return nil, err
	}
	s := &sheetWriter{f: f, sheet: "Schedule"}
	s.widths([]float64{12, 12, 12, 12})
	s.colStyle(1, st.text)
	s.colStyle(2, st.date)
	s.colStyle(3, st.money)
	s.colStyle(4, st.money)
	s.header(1, []string{"Loan ID", "Due Date", "Principal", "Interest"}, st.header)
	row = 2
	for _, l := range loans {
		for _, in := range l.schedule() {
			s.text(1, row, l.scheduleID())
			s.date(2, row, in.Due)
			s.number(3, row, centsStored(in.PrincipalCents))
			s.number(4, row, centsStored(in.Interest))
			row++
		}
	}
	w.dimension(len(loanHeaders), 4+countRows(loans)-1)
	s.dimension(4, row-1)
	if err := errors.Join(w.err, s.err); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	return finish(f)
}

func buildRepaymentsXLSX() ([]byte, error) {
	f, st, err := newWorkbook("Repayments", partnerName+" — Kiva repayments, December 2026")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w := &sheetWriter{f: f, sheet: "Repayments"}
	w.widths([]float64{12, 12, 14})
	w.colStyle(1, st.text)
	w.colStyle(2, st.text)
	w.colStyle(3, st.money)
	w.header(1, []string{"Loan ID", "Client ID", "Amount"}, st.header)
	for i, r := range repaymentsXLSX {
		w.text(1, i+2, r.LoanID)
		w.text(2, i+2, r.ClientID)
		w.number(3, i+2, r.Amount)
	}
	w.dimension(3, len(repaymentsXLSX)+1)
	if w.err != nil {
		return nil, w.err
	}
	return finish(f)
}

func buildJournals() ([]byte, error) {
	f, st, err := newWorkbook("Journals", partnerName+" — Kiva journals, November 2026")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w := &sheetWriter{f: f, sheet: "Journals"}
	w.widths([]float64{12, 12, 34, 80, 40})
	w.colStyle(1, st.text)
	w.colStyle(2, st.text)
	w.colStyle(4, st.wrap)
	w.header(1, []string{"Loan ID", "Client ID", "Subject", "Body", "Image URL"}, st.header)
	for i, j := range journals {
		w.text(1, i+2, j.LoanID)
		w.text(2, i+2, j.ClientID)
		w.text(3, i+2, j.Subject)
		w.text(4, i+2, j.Body)
		w.text(5, i+2, j.ImageURL)
	}
	w.dimension(5, len(journals)+1)
	if w.err != nil {
		return nil, w.err
	}
	return finish(f)
}

// finish serializes the workbook and re-zips it deterministically.
func finish(f *excelize.File) ([]byte, error) {
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return normalizeZip(buf.Bytes())
}

// normalizeZip rewrites the archive reproducibly (see internal/xlsxzip).
func normalizeZip(data []byte) ([]byte, error) { return xlsxzip.Normalize(data, fixedTime) }

// ---------------------------------------------------------------------------
// CSV and JSON
// ---------------------------------------------------------------------------

// buildRepaymentsCSV writes the report the way Excel's "CSV (separateur:
// point-virgule)" does on a French-locale Windows: semicolons, decimal
// commas, CRLF after every record, Windows-1252, no byte-order mark.
func buildRepaymentsCSV() ([]byte, error) {
	var sb strings.Builder
	line := func(fields ...string) {
		sb.WriteString(strings.Join(fields, ";"))
		sb.WriteString("\r\n")
	}
	line("Loan ID", "Client ID", "Amount", "Agence")
	for _, r := range repaymentsCSV {
		for _, v := range []string{r.LoanID, r.ClientID, r.Amount, r.Agence} {
			if strings.ContainsAny(v, ";\"\r\n") {
				return nil, fmt.Errorf("field %q would need quoting", v)
			}
		}
		line(r.LoanID, r.ClientID, r.Amount, r.Agence)
	}
	encoded, err := charmap.Windows1252.NewEncoder().String(sb.String())
	if err != nil {
		return nil, err
	}
	return []byte(encoded), nil
}

func buildReference() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(reference); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ---------------------------------------------------------------------------
// Photos
// ---------------------------------------------------------------------------

const photoW, photoH = 120, 90

// drawPhoto draws a simple scene (sky gradient, sun, ground, one stylized
// person per figure) and encodes it as a JPEG at a fixed quality.
func drawPhoto(p photo) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	for y := 0; y < photoH; y++ {
		for x := 0; x < photoW; x++ {
			var c color.RGBA
			if y < 62 {
				// Sky: light blue at the top, warm near the horizon.
				t := y * 255 / 62
				c = color.RGBA{uint8(120 + t*110/255), uint8(170 + t*50/255), uint8(230 - t*60/255), 255}
			} else {
				// Red earth, darker towards the bottom.
				t := (y - 62) * 255 / (photoH - 62)
				c = color.RGBA{uint8(170 - t*50/255), uint8(90 - t*30/255), uint8(50 - t*20/255), 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	fillCircle(img, 100, 16, 9, color.RGBA{255, 215, 80, 255}) // sun
	skin := color.RGBA{110, 70, 45, 255}
	for _, fig := range p.Figures {
		fillRect(img, fig.X-10, 42, fig.X+10, 78, fig.Dress) // body
		fillRect(img, fig.X-3, 36, fig.X+3, 42, skin)        // neck
		fillCircle(img, fig.X, 29, 9, skin)                  // head
		fillCircle(img, fig.X, 23, 7, color.RGBA{30, 25, 25, 255})
		fillCircle(img, fig.X, 30, 8, skin) // face over the hair
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func fillRect(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if (image.Point{x, y}).In(img.Rect) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

func fillCircle(img *image.RGBA, cx, cy, r int, c color.RGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			dx, dy := x-cx, y-cy
			if dx*dx+dy*dy <= r*r && (image.Point{x, y}).In(img.Rect) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// excelSerial is the 1900-system serial day number of a date.
func excelSerial(t time.Time) int64 {
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	return int64(t.Sub(epoch).Hours() / 24)
}

// centsStored is how a spreadsheet stores an amount in cents: the shortest
// decimal ("15000.5", "30000").
func centsStored(c int64) string {
	s := fmt.Sprintf("%d.%02d", c/100, c%100)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// countRows is the number of spreadsheet rows the drafts take: one per
// borrower.
func countRows(drafts []loanDraft) int {
	n := 0
	for _, l := range drafts {
		n += len(l.Borrowers)
	}
	return n
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	panic("no column " + s)
}
