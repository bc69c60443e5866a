package mappings

import (
	"cmp"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/textdist"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// This file is `kivaconv mappings init`: it reads an unfamiliar MIS
// export, matches its headers to the Kiva fields of a kind (by the names
// and aliases of the built-in mappings, then by meaning: the same words
// in English, French, Spanish or Portuguese, or a small typo), suggests
// how each column is read from the data it holds, and writes a commented
// starter mapping.

// TODOColumn is the column a starter mapping gives a required field that
// Init could not find. Parse rejects it, at its line, so that such a
// mapping cannot be used before a person fills it in.
const TODOColumn = "TODO"

// InitOptions configure Init.
type InitOptions struct {
	// Kind of records the export holds; "" guesses it from the headers.
	Kind Kind
	// Sheet is the sheet holding the records (loan drafts: the borrowers);
	// "" chooses the sheet whose header fits best.
	Sheet string
	// Name is the mapping's name; "" derives it from the file name.
	Name string
	// Encoding and Delimiter force how a text file is read (see
	// input.Options).
	Encoding  string
	Delimiter rune
}

// Starter is a mapping written by Init, and what went into it.
type Starter struct {
	// YAML is the mapping file.
	YAML []byte
	Name string
	Kind Kind
	// KindGuessed is true when the kind was guessed; Kinds then ranks
	// every kind tried, best first.
	KindGuessed bool
	Kinds       []KindScore
	// Sheet is the sheet read ("" for a text file), HeaderRow the row
	// number of its header and Header its texts.
	Sheet     string
	HeaderRow int
	Header    []string
	// ScheduleSheet is the repayment-schedule sheet of loan drafts ("" when
	// none was found).
	ScheduleSheet string
	// Fields are the fields written, in file order: the main sheet's, then
	// the schedule's.
	Fields []FieldGuess
	// Required counts the required fields (main sheet and schedule),
	// RequiredFound those given a column.
	Required, RequiredFound int
	// TODO are the required fields no column was found for, written with
	// column: TODO ("gender", "schedule.due_date").
	TODO []string
	// Unmatched are the non-blank headers of the main sheet no field uses.
	Unmatched []string
	// Notes are facts worth telling the user (no schedule sheet, two
	// columns with one name, ...).
	Notes []string
}

// KindScore is how well the best sheet of a file fits a kind, 0..1.
type KindScore struct {
	Kind  Kind
	Sheet string
	Score float64
}

// FieldGuess is one field of a starter mapping.
type FieldGuess struct {
	Key      string
	Schedule bool // a field of the schedule sheet
	// Header is the column's header text; "" for a TODO field. Col is its
	// 0-based column (-1 for TODO).
	Header string
	Col    int
	// Confidence of the match, 0..1, and How it was made: "exact" (the
	// built-in mapping's column name), "alias" (one of its aliases) or
	// "fuzzy"; Like is the name the header matched.
	Confidence float64
	How        string
	Like       string
	Required   bool
	Type       Type
	Formats    []string
	Values     map[string]string
	// Notes are what the data showed (written as comments).
	Notes []string
}

// Name is "amount" or "schedule.due_date".
func (g FieldGuess) Name() string {
	if g.Schedule {
		return "schedule." + g.Key
	}
	return g.Key
}

// Limits of the sample read.
const (
	// sampleRows is how many data rows type suggestions look at.
	sampleRows = 200
	// minConfidence is the least confidence that makes a header a field's
	// column.
	minConfidence = 0.5
	// maxHeaderLen: longer texts are data, never headers.
	maxHeaderLen = 80
)

// ---- fuzzy header matching ------------------------------------------------

// conceptWords gives the words MIS exports use in headers, by meaning, in
// English, French, Spanish and Portuguese (as values.Key spells them:
// lower case, no accents). Words of one meaning compare equal.
var conceptWords = map[string]string{
	"amount":      "amount amt montant monto importe valor montante value somme sum quantia",
	"loan":        "loan acct acc pret prestamo credit credito emprestimo financement financiamiento financiamento contrat contrato contract dossier account compte cuenta conta operation operacion operacao",
	"client":      "client cliente customer member membre miembro socio socia borrower emprunteur emprunteuse prestatario prestataria beneficiary beneficiaire beneficiario beneficiaria tomador associado adherent",
	"id":          "id identifiant identificador identificacion ident code codigo cod number numero num no nro nr nbr nb ref reference referencia matricule",
	"name":        "name nom nombre nome",
	"first":       "first given primer primeiro",
	"last":        "last family famille paterno",
	"gender":      "gender sex sexe sexo genre genero",
	"date":        "date fecha data dt fec jour dia",
	"disburse":    "disbursement disbursed disburse disbursal disb decaissement decaisse deboursement deblocage desembolso desembolsado desembolsada desemb liberacao liberado octroi otorgamiento otorgado granted accorde octroye concession",
	"due":         "due echeance vencimiento vencimento installment instalment cuota parcela scheduled prevu prevue exigible",
	"currency":    "currency curr ccy devise monnaie moneda divisa moeda",
	"paid":        "paid repaid repayment payment paye payee rembourse remboursee remboursement pagado pagada pago pagamento reembolso abono abonado versement verse versee cobrado cobro recebido received collected collecte encaisse recouvrement recuperacion",
	"principal":   "principal capital amortizacion amortizacao amortissement",
	"interest":    "interest interet interets interes intereses juros",
	"group":       "group groupe groupement grupo grupal solidarity solidaire solidario",
	"activity":    "activity activite actividad atividade sector secteur setor business negocio negoce giro ramo occupation ocupacion profession metier",
	"use":         "use purpose objet objeto destino destination uso utilisation usage finalidade finalidad proposito motif motivo",
	"description": "description descripcion descricao story histoire historia profile profil perfil narrative recit relato",
	"photo":       "photo picture image foto imagen imagem fotografia pic",
	"location":    "location ville city village localite localidad ciudad cidade lieu town municipio commune comuna district distrito quartier barrio bairro localizacao ubicacion",
	"language":    "language langue idioma lingua lang",
	"waiver":      "waiver consent consentement consentimiento consentimento decharge autorizacion autorisation authorization autorizacao termo",
	"signed":      "signed signe signee firmado firmada assinado assinada signature firma assinatura",
	"subject":     "subject sujet asunto assunto title titre titulo headline",
	"body":        "body text texte texto message mensaje mensagem corps cuerpo corpo content contenu contenido conteudo",
	"url":         "url link lien enlace href uri",
	"theme":       "theme tema",
}

// multiWords are single words that carry two meanings.
var multiWords = map[string]string{
	"prenom":    "first name",
	"forename":  "first name",
	"firstname": "first name",
	"surname":   "last name",
	"lastname":  "last name",
	"apellido":  "last name",
	"sobrenome": "last name",
	"loanid":    "loan id",
	"clientid":  "client id",
}

// stopWords carry no meaning in a header.
var stopWords = map[string]bool{
	"de": true, "du": true, "des": true, "del": true, "la": true, "le": true, "les": true,
	"el": true, "los": true, "las": true, "lo": true, "l": true, "d": true, "of": true,
	"the": true, "a": true, "an": true, "do": true, "da": true, "dos": true, "das": true,
	"en": true, "em": true, "in": true, "on": true, "y": true, "et": true, "e": true,
	"and": true, "por": true, "par": true, "per": true, "au": true, "aux": true, "al": true,
	"para": true, "pour": true, "for": true, "to": true, "sur": true,
}

type dictionary struct {
	words  map[string][]string // word → concepts
	sorted []string            // the words, sorted, for prefix look-ups
}

var dict = sync.OnceValue(func() *dictionary {
	d := &dictionary{words: map[string][]string{}}
	for concept, ws := range conceptWords {
		for _, w := range strings.Fields(ws) {
			d.words[w] = append(d.words[w], concept)
		}
	}
	for w, cs := range multiWords {
		d.words[w] = strings.Fields(cs)
	}
	for w, cs := range d.words {
		slices.Sort(cs)
		d.words[w] = slices.Compact(cs)
		d.sorted = append(d.sorted, w)
	}
	sort.Strings(d.sorted)
	return d
})

// concept is the meanings of one word: dictionary concepts, or the word
// itself marked with "=" when the dictionary does not know it.
func (d *dictionary) concept(w string) []string {
	if cs, ok := d.words[w]; ok {
		return cs
	}
	if len(w) > 3 {
		for _, suffix := range []string{"s", "es"} {
			if cs, ok := d.words[strings.TrimSuffix(w, suffix)]; ok && strings.HasSuffix(w, suffix) {
				return cs
			}
		}
	}
	// An abbreviation ("desemb", "montan") of words of one meaning.
	if len(w) >= 4 {
		i := sort.SearchStrings(d.sorted, w)
		var found []string
		for ; i < len(d.sorted) && strings.HasPrefix(d.sorted[i], w); i++ {
			cs := d.words[d.sorted[i]]
			if found != nil && !slices.Equal(found, cs) {
				found = nil
				break
			}
			found = cs
		}
		if found != nil {
			return found
		}
	}
	// A typo of a known word ("disbursment").
	if len(w) >= 6 {
		var found []string
		for _, k := range d.sorted {
			if abs(len(k)-len(w)) > 1 || textdist.Levenshtein(k, w) > 1 {
				continue
			}
			if cs := d.words[k]; found == nil {
				found = cs
			} else if !slices.Equal(found, cs) {
				return []string{"=" + w}
			}
		}
		if found != nil {
			return found
		}
	}
	return []string{"=" + w}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// headerWords splits a header into words (spaces, punctuation and
// camelCase split it), as values.Key spells them, without stop words.
func headerWords(s string) []string {
	var words []string
	var cur []rune
	var prev rune
	flush := func() {
		if len(cur) > 0 {
			if k := values.Key(string(cur)); k != "" && !stopWords[k] {
				words = append(words, k)
			}
			cur = cur[:0]
		}
	}
	for _, r := range s {
		switch r {
		case 'º', '°':
			r = 'o'
		case 'ª':
			r = 'a'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				flush()
			}
			cur = append(cur, r)
		} else {
			flush()
		}
		prev = r
	}
	flush()
	return words
}

// concepts are the meanings of a header's words, sorted, without repeats.
func concepts(s string) []string {
	d := dict()
	var out []string
	for _, w := range headerWords(s) {
		out = append(out, d.concept(w)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// conceptEqual: the same meaning, or two unknown words one typo apart.
func conceptEqual(a, b string) bool {
	if a == b {
		return true
	}
	if strings.HasPrefix(a, "=") && strings.HasPrefix(b, "=") {
		a, b = a[1:], b[1:]
		return min(len(a), len(b)) >= 5 && textdist.Levenshtein(a, b) <= 1
	}
	return false
}

// conceptDice is the Dice coefficient of two meaning sets.
func conceptDice(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	used := make([]bool, len(b))
	n := 0
	for _, x := range a {
		for j, y := range b {
			if !used[j] && conceptEqual(x, y) {
				used[j] = true
				n++
				break
			}
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}

// similarity of two headers given their keys and meanings: 1 for the same
// key; else the overlap of meanings, or the edit similarity of the keys
// when they are nearly the same text, whichever is higher, below 1.
func similarity(ka string, ca []string, kb string, cb []string) float64 {
	if ka == "" || kb == "" {
		return 0
	}
	if ka == kb {
		return 1
	}
	s := 0.95 * conceptDice(ca, cb)
	la, lb := utf8.RuneCountInString(ka), utf8.RuneCountInString(kb)
	if long := max(la, lb); float64(min(la, lb)) >= 0.75*float64(long) {
		if e := 1 - float64(textdist.Levenshtein(ka, kb))/float64(long); e >= 0.75 {
			s = max(s, 0.9*e)
		}
	}
	return s
}

// headerSimilarity is how alike two header texts are, 0..1: 1 when they
// match like headers, high when they say the same in other words ("Loan
// Amount" and "Montant du prêt") or differ by a typo.
func headerSimilarity(a, b string) float64 {
	return similarity(values.Key(a), concepts(a), values.Key(b), concepts(b))
}

// target is a field the wizard looks for.
type target struct {
	key      string
	schedule bool
	spec     fieldSpec
	def      *Field // the built-in mapping's field
	names    []string
	keys     []string   // values.Key of names
	concepts [][]string // meanings of names
	required bool
}

// match is how well a header fits the target: 1 for the built-in column
// name ("exact") or an alias ("alias"), less for "fuzzy".
func (t *target) match(h *headerCell) (conf float64, how, like string) {
	for i, k := range t.keys {
		if k == h.key {
			if i == 0 {
				return 1, "exact", t.names[i]
			}
			return 1, "alias", t.names[i]
		}
	}
	for i := range t.names {
		if s := similarity(h.key, h.concepts, t.keys[i], t.concepts[i]); s > conf {
			conf, like = s, t.names[i]
		}
	}
	return conf, "fuzzy", like
}

// targets are the fields of a table, with their names, from the built-in
// mapping of the kind.
func targets(k Kind, schedule bool) []*target {
	def := defaultMapping(k)
	t, fields := tableOf(k), def.Fields
	if schedule {
		t, fields = scheduleTable, def.Schedule.Fields
	}
	var out []*target
	for _, spec := range t.fields {
		f := fields[spec.key]
		if f == nil {
			f = &Field{Type: spec.types[0], Required: spec.essential}
		}
		tg := &target{key: spec.key, schedule: schedule, spec: spec, def: f, required: f.Required}
		// One vocabulary: the wizard knows the headers the built-in
		// mappings' aliases list, which convert matches exactly.
		names := f.names()
		if len(names) == 0 {
			names = []string{strings.ReplaceAll(spec.key, "_", " ")}
		}
		seen := map[string]bool{}
		for _, n := range names {
			k := values.Key(n)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			tg.names = append(tg.names, n)
			tg.keys = append(tg.keys, k)
			tg.concepts = append(tg.concepts, concepts(n))
		}
		out = append(out, tg)
	}
	return out
}

// defaultMapping is the built-in mapping of a kind.
func defaultMapping(k Kind) *Mapping {
	for _, m := range loadEmbedded() {
		if m.Kind == k {
			return m
		}
	}
	panic("mappings: no built-in mapping of kind " + string(k))
}

// ---- reading the file -------------------------------------------------------

// sheetSample is the top of a sheet: the rows where the header may be and
// the data rows below it.
type sheetSample struct {
	name  string
	rows  []input.Row
	texts [][]string // trimmed cell texts
	cells map[int][]*headerCell
}

// headerCell is one non-blank cell of a header candidate row.
type headerCell struct {
	col      int
	text     string
	key      string
	concepts []string
}

func readSample(book input.Book, sheet string) (*sheetSample, error) {
	rs, err := book.Open(sheet)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	s := &sheetSample{name: sheet, cells: map[int][]*headerCell{}}
	for len(s.rows) < autoHeaderRows+sampleRows && rs.Next() {
		r := rs.Row()
		cp := *r
		cp.Cells = append([]input.Cell(nil), r.Cells...)
		s.rows = append(s.rows, cp)
		t := make([]string, len(cp.Cells))
		for i, c := range cp.Cells {
			t[i] = strings.TrimSpace(c.Text)
		}
		s.texts = append(s.texts, t)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// headerCells are the non-blank cells of row i as header candidates (nil
// when the row cannot be a header: fewer than two texts).
func (s *sheetSample) headerCells(i int) []*headerCell {
	if hc, ok := s.cells[i]; ok {
		return hc
	}
	var out []*headerCell
	texts := 0
	for col, t := range s.texts[i] {
		if t == "" {
			continue
		}
		if s.rows[i].Cells[col].Type == input.Text {
			texts++
		}
		hc := &headerCell{col: col, text: t, key: values.Key(t)}
		if utf8.RuneCountInString(t) <= maxHeaderLen {
			hc.concepts = concepts(t)
		}
		out = append(out, hc)
	}
	if texts < 2 || float64(texts) < 0.6*float64(len(out)) {
		out = nil
	}
	s.cells[i] = out
	return out
}

// ---- fitting a table to a sheet -------------------------------------------

// assigned is a field given a column.
type assigned struct {
	t          *target
	col        int
	header     string
	conf       float64
	how, like  string
	mismatched bool // the data does not look like the field's type
}

// fit is one table (a kind's fields, or the schedule's) placed on a sheet.
type fit struct {
	sheet   *sheetSample
	hdr     int // index of the header row in sheet.rows, -1 for none
	header  []string
	targets []*target
	got     map[string]*assigned
	dups    []string // header texts present twice (not usable by name)
	reqCov  float64
	score   float64
}

// assign gives each field at most one column and each column at most one
// field, the most confident pairs first. With profiles, a fuzzy match whose
// data contradicts the field's type counts less.
func assign(ts []*target, cells []*headerCell, profiles map[int]*profile) (map[string]*assigned, []string) {
	count := map[string]int{}
	for _, c := range cells {
		count[c.key]++
	}
	var dups []string
	for _, c := range cells {
		if count[c.key] > 1 && !slices.Contains(dups, c.text) {
			dups = append(dups, c.text)
		}
	}
	type cand struct {
		ti int
		a  *assigned
	}
	var cands []cand
	for ti, t := range ts {
		for _, c := range cells {
			if count[c.key] > 1 || c.concepts == nil {
				continue
			}
			conf, how, like := t.match(c)
			a := &assigned{t: t, col: c.col, header: c.text, conf: conf, how: how, like: like}
			if p := profiles[c.col]; p != nil && !p.fits(t) {
				a.mismatched = true
				if how == "fuzzy" {
					a.conf *= 0.6
				}
			}
			if a.conf >= minConfidence {
				cands = append(cands, cand{ti, a})
			}
		}
	}
	slices.SortStableFunc(cands, func(x, y cand) int {
		return cmp.Or(
			-cmp.Compare(x.a.conf, y.a.conf),
			-cmp.Compare(boolInt(x.a.t.required), boolInt(y.a.t.required)),
			cmp.Compare(x.ti, y.ti),
			cmp.Compare(x.a.col, y.a.col))
	})
	got := map[string]*assigned{}
	used := map[int]bool{}
	for _, c := range cands {
		if got[c.a.t.key] != nil || used[c.a.col] {
			continue
		}
		got[c.a.t.key] = c.a
		used[c.a.col] = true
	}
	return got, dups
}

// scoreFit rates an assignment: mostly how many required fields were found
// (and how surely), partly how much of the header is explained.
func scoreFit(ts []*target, got map[string]*assigned, headers int) (reqCov, score float64) {
	req, found, all := 0, 0.0, 0.0
	for _, t := range ts {
		a := got[t.key]
		if t.required {
			req++
			if a != nil {
				found += a.conf
			}
		}
		if a != nil {
			all += a.conf
		}
	}
	if req > 0 {
		reqCov = found / float64(req)
	}
	explained := 0.0
	if headers > 0 {
		explained = all / float64(headers)
	}
	return reqCov, 0.7*reqCov + 0.3*explained
}

// fitSheet finds the header row of a table on a sheet (the row among the
// first 20 that fits best) and assigns its columns, looking at the data
// below it.
func fitSheet(s *sheetSample, ts []*target) *fit {
	best := &fit{sheet: s, hdr: -1, targets: ts, got: map[string]*assigned{}}
	for i := range s.rows[:min(len(s.rows), autoHeaderRows)] {
		cells := s.headerCells(i)
		if cells == nil {
			continue
		}
		got, _ := assign(ts, cells, nil)
		_, score := scoreFit(ts, got, len(cells))
		if score > best.score {
			best.hdr, best.score = i, score
		}
	}
	if best.hdr < 0 {
		// Nothing fits: the first row that looks like a header.
		for i := range s.rows[:min(len(s.rows), autoHeaderRows)] {
			if s.headerCells(i) != nil {
				best.hdr = i
				break
			}
		}
		if best.hdr < 0 {
			return best
		}
	}
	cells := s.headerCells(best.hdr)
	best.header = s.texts[best.hdr]
	profiles := map[int]*profile{}
	for _, c := range cells {
		profiles[c.col] = profileOf(s.rows[best.hdr+1:], c.col)
	}
	best.got, best.dups = assign(ts, cells, profiles)
	best.reqCov, best.score = scoreFit(ts, best.got, len(cells))
	return best
}

// profile returns the data profile of a column of the fit's sheet.
func (f *fit) profile(col int) *profile {
	return profileOf(f.sheet.rows[f.hdr+1:], col)
}

// ---- what the data says -----------------------------------------------------

// profile summarizes the sampled cells of one column.
type profile struct {
	n           int      // non-blank cells
	dateCells   int      // date cells, or numbers formatted as dates
	numberCells int      // other numbers
	texts       []string // trimmed texts of text cells
	textCells   []input.Cell
	distinct    []string       // distinct values, first spelling, by key (at most maxDistinct+1)
	counts      map[string]int // by key
	padded      []string       // text ids with leading zeros (examples)
	padFormat   bool           // number cells shown with leading zeros ("00000")
	numberIDs   int            // number cells without such a format
}

const maxDistinct = 12

var (
	paddedRE     = regexp.MustCompile(`^0[0-9]+$`)
	dateLikeRE   = regexp.MustCompile(`^\d{1,4}[/.\- ]\d{1,2}[/.\- ]\d{1,4}\b`)
	numberLikeRE = regexp.MustCompile(`^[^\d]{0,6}?[-+(−]?\d[\d .,'’\x{a0}\x{202f}]*\)?-?[^\d]{0,6}$`)
	zeroFormatRE = regexp.MustCompile(`^0{2,}`)
)

func profileOf(rows []input.Row, col int) *profile {
	p := &profile{counts: map[string]int{}}
	seen := 0
	for i := range rows {
		if seen == sampleRows {
			break
		}
		r := &rows[i]
		if r.Blank() {
			continue
		}
		seen++
		c := r.Cell(col)
		text := strings.TrimSpace(c.Text)
		if c.Type == input.Blank || text == "" {
			continue
		}
		p.n++
		switch c.Type {
		case input.Date:
			p.dateCells++
		case input.Number:
			switch {
			case input.IsDateFormat(c.Format) && !input.IsTimeFormat(c.Format):
				p.dateCells++
			default:
				p.numberCells++
				if zeroFormatRE.MatchString(c.Format) {
					p.padFormat = true
				} else {
					p.numberIDs++
				}
			}
		case input.Text:
			p.texts = append(p.texts, text)
			p.textCells = append(p.textCells, c)
			if paddedRE.MatchString(text) && len(p.padded) < 3 {
				p.padded = append(p.padded, text)
			}
		}
		k := distinctKey(text)
		if p.counts[k] == 0 && len(p.distinct) <= maxDistinct {
			p.distinct = append(p.distinct, text)
		}
		p.counts[k]++
	}
	return p
}

// textDates counts the texts that look like dates.
func (p *profile) textDates() int {
	n := 0
	for _, c := range p.textCells {
		if dateLikeRE.MatchString(c.Text) {
			n++
		} else if _, err := values.Date(c, nil, false); err == nil {
			n++
		}
	}
	return n
}

// textNumbers counts the texts that look like numbers.
func (p *profile) textNumbers() int {
	n := 0
	for _, t := range p.texts {
		if numberLikeRE.MatchString(t) && !dateLikeRE.MatchString(t) {
			n++
		}
	}
	return n
}

// known counts the cells whose text a values map (or the built-in one)
// understands.
func (p *profile) known(f *Field) int {
	n := 0
	for _, v := range p.distinct {
		if _, ok := f.MapValue(v); ok {
			n += p.counts[distinctKey(v)]
		}
	}
	return n
}

func distinctKey(v string) string {
	if k := values.Key(v); k != "" {
		return k
	}
	return v
}

// mostly: at least 80% of the cells.
func (p *profile) mostly(n int) bool { return float64(n) >= 0.8*float64(p.n) }

// fits reports whether the data could be the field: dates for a date, numbers
// for an amount, yes/no words for a bool, gender words for gender, short
// codes for an id, and words for names and texts.
func (p *profile) fits(t *target) bool {
	if p.n == 0 {
		return true
	}
	switch t.spec.types[0] {
	case TypeDate:
		return p.mostly(p.dateCells + p.textDates())
	case TypeDecimal, TypeInteger:
		return p.mostly(p.numberCells + p.textNumbers())
	case TypeBool:
		return p.mostly(p.known(&Field{Values: builtinBool}))
	case TypeEnum:
		if t.key == FGender {
			return p.mostly(p.known(&Field{Values: builtinGender}))
		}
	case TypeID:
		short := p.numberCells
		for _, s := range p.texts {
			if utf8.RuneCountInString(s) <= 40 && strings.ContainsAny(s, "0123456789") {
				short++
			}
		}
		return p.mostly(short) && p.dateCells == 0
	}
	switch t.key {
	case FFirstName, FLastName, FDescription, FLoanUse, FSubject, FBody, FGroupName:
		return p.mostly(len(p.texts)) && p.textNumbers() < len(p.texts)/2+1
	}
	return true
}

// describe is a short account of a column's data, for comments.
func (p *profile) describe() string {
	switch {
	case p.n == 0:
		return "empty in the rows read"
	case p.mostly(p.dateCells):
		return "dates"
	case p.mostly(p.textDates()) && len(p.texts) > 0:
		return fmt.Sprintf("text dates like %s", p.texts[0])
	case len(p.padded) > 0 && p.mostly(len(p.texts)):
		return fmt.Sprintf("codes with leading zeros like %s", p.padded[0])
	case p.mostly(p.numberCells + p.textNumbers()):
		return "numbers"
	case p.mostly(p.known(&Field{Values: builtinBool})):
		return "yes/no: " + p.valueList()
	case len(p.distinct) <= 6 && p.n > len(p.distinct):
		return "values: " + p.valueList()
	}
	return "text"
}

// valueList is the distinct values, quoted, comma-separated.
func (p *profile) valueList() string {
	vs := p.distinct
	more := ""
	if len(vs) > maxDistinct {
		vs, more = vs[:maxDistinct], ", ..."
	}
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(oneLine(v, 30))
	}
	return strings.Join(q, ", ") + more
}

// dateCandidates are the text date formats tried, most common first
// (day before month: most MIS exports outside the United States).
var dateCandidates = []string{
	"DD/MM/YYYY", "MM/DD/YYYY", "DD-MM-YYYY", "MM-DD-YYYY", "DD.MM.YYYY",
	"DD/MM/YY", "MM/DD/YY", "DD-MM-YY", "DD.MM.YY", "YYYY/DD/MM",
	"DD-MMM-YYYY", "DD-MMM-YY", "DD MMM YYYY", "DD/MMM/YYYY",
}

// guessDates finds the text date formats of a column's text cells: none
// when every text reads without one (ISO dates, month names), else the
// first candidate that reads them all (or the most). ambiguous: a
// day-first and a month-first format both read every sample.
func guessDates(cells []input.Cell) (formats []string, ambiguous bool, failed []string) {
	if len(cells) == 0 {
		return nil, false, nil
	}
	readsAll := func(fs []string) []string {
		var bad []string
		for _, c := range cells {
			if _, err := values.Date(c, fs, false); err != nil {
				bad = append(bad, c.Text)
			}
		}
		return bad
	}
	if readsAll(nil) == nil {
		return nil, false, nil
	}
	best, bestBad := "", []string(nil)
	var fitsAll []string
	for _, f := range dateCandidates {
		bad := readsAll([]string{f})
		if bad == nil {
			fitsAll = append(fitsAll, f)
		}
		if best == "" || len(bad) < len(bestBad) {
			best, bestBad = f, bad
		}
	}
	if len(fitsAll) == 0 {
		return []string{best}, false, bestBad
	}
	first := fitsAll[0]
	for _, f := range fitsAll[1:] {
		if strings.HasPrefix(first, "DD") != strings.HasPrefix(f, "DD") && len(f) == len(first) {
			ambiguous = true
		}
	}
	return []string{first}, ambiguous, nil
}

// numberStyle is how a file writes text numbers.
type numberStyle struct {
	decimal, thousands string
	symbols            []string
	examples           []string
	ambiguous          bool     // decided on "1,500"-like values only
	failed             []string // texts it still cannot read
}

var (
	currencyMarkRE = regexp.MustCompile(`^([^\d\-+(−]*)(.*?)([^\d)\-]*)$`)
	spaceGroupRE   = regexp.MustCompile(`\d[ \x{a0}\x{202f}]\d`)
)

// guessNumbers finds the decimal and thousands separators (and currency
// marks) that read every text number of the amount columns. ok is false
// when there are no text numbers with separators or marks: nothing needs
// saying.
func guessNumbers(texts []string, semicolon bool) (ns numberStyle, ok bool) {
	var decComma, decDot, thouComma, thouDot, ambComma, ambDot int
	thouSpace := false
	var marks []string
	for _, t := range texts {
		m := currencyMarkRE.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		core := strings.TrimSpace(m[2])
		if !strings.ContainsAny(core, "0123456789") {
			continue
		}
		for _, mark := range []string{strings.TrimSpace(m[1]), strings.TrimSpace(m[3])} {
			if mark == "" || slices.Contains(marks, mark) || len(marks) == 5 {
				continue
			}
			if _, err := values.NewLocale("", "", mark); err == nil {
				marks = append(marks, mark)
			}
		}
		if strings.ContainsAny(core, ".,'’ \u00a0\u202f") || m[1] != "" || m[3] != "" {
			if len(ns.examples) < 3 && !slices.Contains(ns.examples, t) {
				ns.examples = append(ns.examples, t)
			}
		}
		if spaceGroupRE.MatchString(core) {
			thouSpace = true
		}
		iDot, iCom := strings.LastIndex(core, "."), strings.LastIndex(core, ",")
		switch {
		case iDot >= 0 && iCom >= 0:
			if iCom > iDot {
				decComma++
				thouDot++
			} else {
				decDot++
				thouComma++
			}
		case iCom >= 0:
			switch {
			case strings.Count(core, ",") > 1:
				thouComma++
			case digitsAfter(core, iCom) != 3:
				decComma++
			default:
				ambComma++
			}
		case iDot >= 0:
			switch {
			case strings.Count(core, ".") > 1:
				thouDot++
			case digitsAfter(core, iDot) != 3:
				decDot++
			default:
				ambDot++
			}
		}
	}
	if len(ns.examples) == 0 {
		return ns, false
	}
	dec := ""
	switch {
	case decComma > decDot:
		dec = ","
	case decDot > decComma:
		dec = "."
	case thouDot > 0:
		dec = ","
	case thouComma > 0:
		dec = "."
	case ambComma > 0 || ambDot > 0:
		ns.ambiguous = true
		if semicolon {
			dec = ","
		} else {
			dec = "."
		}
	default:
		dec = "."
		if semicolon {
			dec = ","
		}
	}
	thou := ""
	switch {
	case dec == "," && (thouDot > 0 || ambDot > 0):
		thou = "."
	case dec == "." && (thouComma > 0 || ambComma > 0):
		thou = ","
	case thouSpace:
		thou = " "
	}
	tries := [][2]string{{dec, thou}, {".", ""}, {",", ""}, {".", ","}, {",", "."}, {",", " "}, {".", " "}, {".", "'"}}
	bestFailed := -1
	for _, try := range tries {
		loc, err := values.NewLocale(try[0], try[1], marks...)
		if err != nil {
			continue
		}
		var failed []string
		for _, t := range texts {
			if _, err := values.Decimal(input.Cell{Type: input.Text, Text: t}, loc); err != nil {
				failed = append(failed, t)
			}
		}
		if bestFailed < 0 || len(failed) < bestFailed {
			bestFailed = len(failed)
			ns.decimal, ns.thousands, ns.failed = try[0], try[1], failed
		}
		if len(failed) == 0 {
			break
		}
	}
	if bestFailed < 0 {
		return ns, false
	}
	ns.symbols = marks
	return ns, true
}

// digitsAfter counts the digits after position i.
func digitsAfter(s string, i int) int {
	n := 0
	for _, r := range s[i+1:] {
		if r < '0' || r > '9' {
			break
		}
		n++
	}
	return n
}

// ---- Init -----------------------------------------------------------------

// Init reads a spreadsheet export and writes a starter mapping for it (see
// Starter). The file is read with package input, so anything convert reads
// works; only the top of each sheet is read (the header and up to 200 data
// rows).
//
// Headers are matched to the fields of the kind by the names and aliases
// of its built-in mapping (exactly, as convert matches them), then by
// meaning (the same words in English, French, Spanish or Portuguese) or a
// small typo. Column types come from the data: date cells, text dates and
// their format, text numbers and their separators, ids with leading zeros,
// yes/no words, gender words. A required field no column fits gets column
// TODO, which the loader rejects at its line until a person fills it in.
// Without TODO, the YAML loads with Parse and converts the file.
func Init(path string, opts InitOptions) (*Starter, error) {
	if opts.Kind != "" && tableOf(opts.Kind) == nil {
		return nil, fmt.Errorf("unknown kind %q (use one of %s)", opts.Kind, quoteList(kindNames()))
	}
	if opts.Name != "" && !nameRE.MatchString(opts.Name) {
		return nil, fmt.Errorf("mapping name %q must be letters, digits, '-', '_' or '.', at most 64 characters, starting with a letter or digit", opts.Name)
	}
	book, err := input.Open(path, input.Options{Encoding: opts.Encoding, Delimiter: opts.Delimiter})
	if err != nil {
		return nil, err
	}
	defer book.Close()

	sheets, err := chooseSheets(book, opts.Sheet)
	if err != nil {
		return nil, err
	}
	samples := map[string]*sheetSample{}
	for _, s := range book.Sheets() {
		smp, err := readSample(book, s.Name)
		if err != nil {
			return nil, err
		}
		samples[s.Name] = smp
	}

	tryKinds := kinds
	if opts.Kind != "" {
		tryKinds = []Kind{opts.Kind}
	}
	var best *fit
	var bestKind Kind
	var scores []KindScore
	for _, k := range tryKinds {
		ts := targets(k, false)
		var kb *fit
		for _, name := range sheets {
			f := fitSheet(samples[name], ts)
			if kb == nil || f.score > kb.score {
				kb = f
			}
		}
		scores = append(scores, KindScore{Kind: k, Sheet: kb.sheet.name, Score: round2(kb.score)})
		if best == nil || kb.score > best.score {
			best, bestKind = kb, k
		}
	}
	slices.SortStableFunc(scores, func(a, b KindScore) int { return -cmp.Compare(a.Score, b.Score) })
	if best.hdr < 0 {
		return nil, &input.FileError{File: path, Msg: fmt.Sprintf("sheet %q has no header row in its first %d rows", best.sheet.name, autoHeaderRows),
			Hint: "a header is a row of at least two column names; check that the export is complete"}
	}
	if opts.Kind == "" && len(best.got) == 0 {
		msg := "no column looks like a Kiva field (loan, client, amount, ...)"
		if len(best.dups) > 0 {
			msg = "no column looks like a Kiva field (loan, client, amount, ...) except columns whose names are there twice or more (" +
				quoteList(best.dups) + "): a mapping cannot tell them apart"
		}
		return nil, &input.FileError{File: path, Msg: msg,
			Hint: "rename repeated columns in the export; or say what the file holds with --kind loan_draft, repayments or journals, and fill in the mapping by hand"}
	}

	st := &Starter{Kind: bestKind, KindGuessed: opts.Kind == "", Name: opts.Name}
	if st.KindGuessed {
		st.Kinds = scores
	}
	if st.Name == "" {
		st.Name = nameFor(path)
	}
	csv := book.Format() == input.CSV
	if !csv {
		st.Sheet = best.sheet.name
	}
	st.HeaderRow = best.sheet.rows[best.hdr].Number
	st.Header = slices.Clone(best.header)
	st.Notes = append(st.Notes, dupNotes(best)...)

	var sched *fit
	if bestKind == LoanDraft {
		sched = findSchedule(book, samples, best.sheet.name)
		if sched == nil {
			st.Notes = append(st.Notes, "no repayment-schedule sheet was found: the mapping has no schedule section, so drafts are made without a schedule (add a sheet with Loan ID, Due Date, Principal and Interest, and a schedule section: see kivaconv mappings show loans)")
		} else {
			st.ScheduleSheet = sched.sheet.name
		}
	}

	w := &writer{st: st, file: filepath.Base(path), main: best, sched: sched, semicolon: semicolonOf(book)}
	w.guess()
	st.YAML = w.yaml()
	if len(st.TODO) == 0 {
		if _, err := Parse(st.YAML, "starter mapping"); err != nil {
			return nil, fmt.Errorf("kivaconv wrote a starter mapping it cannot read (please report this): %w", err)
		}
	}
	return st, nil
}

// dupNotes says which columns of the fit's header a mapping cannot tell
// apart: one note per name, listing its spellings when they differ.
func dupNotes(f *fit) []string {
	var keys []string
	spellings := map[string][]string{}
	for _, d := range f.dups {
		k := values.Key(d)
		if spellings[k] == nil {
			keys = append(keys, k)
		}
		spellings[k] = append(spellings[k], d)
	}
	var notes []string
	for _, k := range keys {
		ds := spellings[k]
		n := countKey(f.header, ds[0])
		if len(ds) == 1 {
			notes = append(notes, fmt.Sprintf("%d columns are called %q: a mapping cannot tell them apart; rename them in the export", n, ds[0]))
			continue
		}
		notes = append(notes, fmt.Sprintf("%d columns (%s) have the same name once case, accents, spaces and punctuation are ignored: a mapping cannot tell them apart; rename them in the export", n, quoteList(ds)))
	}
	return notes
}

func countKey(header []string, text string) int {
	n, k := 0, values.Key(text)
	for _, h := range header {
		if values.Key(h) == k {
			n++
		}
	}
	return n
}

func semicolonOf(book input.Book) bool {
	d, ok := book.(interface{ Delimiter() rune })
	return ok && d.Delimiter() == ';'
}

// chooseSheets are the sheets the records may be on: the one asked for,
// else the visible ones (all of them when every sheet is hidden).
func chooseSheets(book input.Book, want string) ([]string, error) {
	var all, visible []string
	for _, s := range book.Sheets() {
		all = append(all, s.Name)
		if !s.Hidden {
			visible = append(visible, s.Name)
		}
	}
	if want != "" {
		for _, s := range all {
			if s == want {
				return []string{s}, nil
			}
		}
		for _, s := range all {
			if values.Key(s) == values.Key(want) {
				return []string{s}, nil
			}
		}
		return nil, &input.FileError{File: book.Path(), Msg: fmt.Sprintf("no sheet %q", want), Hint: "its sheets are " + quoteList(all)}
	}
	if len(visible) == 0 {
		visible = all
	}
	if len(visible) == 0 {
		return nil, &input.FileError{File: book.Path(), Msg: "the workbook has no sheets"}
	}
	return visible, nil
}

// findSchedule places the schedule fields on another sheet: one named like
// a schedule, else the one that fits best, when at least half of the
// required schedule fields are found.
func findSchedule(book input.Book, samples map[string]*sheetSample, main string) *fit {
	if book.Format() == input.CSV {
		return nil
	}
	ts := targets(LoanDraft, true)
	def := defaultMapping(LoanDraft).Schedule
	var others []string
	for _, s := range book.Sheets() {
		if s.Name != main {
			others = append(others, s.Name)
		}
	}
	var best *fit
	named := def.FindSheet(others)
	for i, name := range others {
		f := fitSheet(samples[name], ts)
		if f.hdr < 0 {
			continue
		}
		if i == named && f.reqCov > 0 {
			return f
		}
		if f.reqCov >= 0.5 && (best == nil || f.score > best.score) {
			best = f
		}
	}
	return best
}

// nameFor derives a mapping name from a file name: "Export Prêts 2026.xlsx"
// → "export-prets-2026", never the name of a built-in mapping (which a
// copy in the mappings folder would replace).
func nameFor(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	dash := false
	for _, r := range base {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.'):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		default:
			if k := values.Key(string(r)); k != "" && k[0] < 128 {
				b.WriteString(k)
				dash = false
			} else if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	name := strings.Trim(b.String(), "-_.")
	if len(name) > 60 {
		name = strings.Trim(name[:60], "-_.")
	}
	if name == "" {
		name = "my-export"
	}
	if _, builtin := loadEmbedded()[name]; builtin {
		name += "-export"
	}
	return name
}

// ---- writing the YAML -------------------------------------------------------

// writer turns the fits into a Starter's fields and YAML.
type writer struct {
	st          *Starter
	file        string
	main, sched *fit
	semicolon   bool

	numbers   numberStyle
	hasLocale bool
	mainRow   string // header_row value
	schedRow  string
}

// guess fills the Starter's fields from the fits.
func (w *writer) guess() {
	st := w.st
	var amountTexts []string
	for _, f := range []*fit{w.main, w.sched} {
		if f == nil {
			continue
		}
		for _, t := range f.targets {
			a := f.got[t.key]
			if a == nil {
				if t.required {
					st.Fields = append(st.Fields, FieldGuess{Key: t.key, Schedule: t.schedule, Col: -1,
						Required: true, Type: t.def.Type, Notes: w.todoNotes(f, t)})
					st.TODO = append(st.TODO, st.Fields[len(st.Fields)-1].Name())
				}
				continue
			}
			p := f.profile(a.col)
			g := FieldGuess{Key: t.key, Schedule: t.schedule, Header: a.header, Col: a.col,
				Confidence: round2(a.conf), How: a.how, Like: a.like, Required: t.required, Type: t.def.Type}
			w.suggestType(&g, t, p)
			if a.mismatched {
				g.Notes = append(g.Notes, fmt.Sprintf("check: the data does not look like %s (%s)", typeWords(t), p.describe()))
			}
			if g.Type == TypeDecimal || g.Type == TypeInteger {
				amountTexts = append(amountTexts, p.texts...)
			}
			st.Fields = append(st.Fields, g)
		}
	}
	for _, g := range st.Fields {
		if g.Required {
			st.Required++
			if g.Header != "" {
				st.RequiredFound++
			}
		}
	}
	used := map[int]bool{}
	for _, a := range w.main.got {
		used[a.col] = true
	}
	for col, h := range w.main.header {
		if h != "" && !used[col] {
			st.Unmatched = append(st.Unmatched, h)
		}
	}
	w.numbers, w.hasLocale = guessNumbers(amountTexts, w.semicolon)
	w.mainRow = w.headerRowValue(w.main, false)
	if w.sched != nil {
		w.schedRow = w.headerRowValue(w.sched, true)
	}
}

// typeWords names what a field's data should look like.
func typeWords(t *target) string {
	switch t.spec.types[0] {
	case TypeDate:
		return "dates"
	case TypeDecimal, TypeInteger:
		return "numbers"
	case TypeBool:
		return "yes/no"
	case TypeID:
		return "codes"
	case TypeEnum:
		return "gender words (F, M, Female, Male, ...)"
	}
	return "text"
}

// todoNotes explain a field that was not found, naming unused columns
// whose data would fit it.
func (w *writer) todoNotes(f *fit, t *target) []string {
	notes := []string{fmt.Sprintf("TODO: no column of this export looked like %s. Replace TODO with the header of the column that holds it.", fieldWords(t))}
	if f.hdr < 0 {
		return notes
	}
	used := map[int]bool{}
	for _, a := range f.got {
		used[a.col] = true
	}
	var fitting []string
	strong := t.spec.types[0] == TypeDate || t.spec.types[0] == TypeDecimal || t.spec.types[0] == TypeBool || t.key == FGender
	for col, h := range f.header {
		if h == "" || used[col] || !strong {
			continue
		}
		if p := f.profile(col); p.n > 0 && p.fits(t) {
			fitting = append(fitting, strconv.Quote(h))
		}
	}
	if len(fitting) > 0 && len(fitting) <= 4 {
		notes = append(notes, "Columns whose data would fit: "+strings.Join(fitting, ", ")+".")
	}
	if t.key == FCurrency {
		notes = append(notes, "A one-currency partner can write constant: XOF (its ISO code) instead of column.")
	}
	return notes
}

// fieldWords names a field for people.
func fieldWords(t *target) string {
	s := strings.ReplaceAll(t.key, "_", " ")
	if t.def.Column != "" {
		s += fmt.Sprintf(" (%q)", t.def.Column)
	}
	return s
}

// suggestType fills the type, formats and values of a field from its data.
func (w *writer) suggestType(g *FieldGuess, t *target, p *profile) {
	switch g.Type {
	case TypeID:
		if len(p.padded) > 0 || p.padFormat {
			ex := ""
			if len(p.padded) > 0 {
				ex = " (" + p.padded[0] + ")"
			}
			g.Notes = append(g.Notes, "ids with leading zeros"+ex+": type id keeps them")
		}
		if len(p.padded) > 0 && p.numberIDs > 0 {
			g.Notes = append(g.Notes, fmt.Sprintf("check: %d ids are number cells, which lose leading zeros; format the column as Text in Excel", p.numberIDs))
		}
	case TypeDate:
		fs, ambiguous, failed := guessDates(p.textCells)
		switch {
		case len(fs) > 0:
			g.Formats = fs
			g.Notes = append(g.Notes, fmt.Sprintf("text dates like %s, read as %s", p.texts[0], fs[0]))
			if ambiguous {
				g.Notes = append(g.Notes, "check: every date read could also be month first (MM/DD): make sure the export writes the day first")
			}
			if len(failed) > 0 {
				g.Notes = append(g.Notes, fmt.Sprintf("check: %d dates read do not fit it, like %q", len(failed), failed[0]))
			}
		case p.dateCells > 0:
			g.Notes = append(g.Notes, "date cells")
		}
		if p.numberCells > 0 {
			g.Notes = append(g.Notes, fmt.Sprintf("check: %d cells are plain numbers, not dates: format the column as Date in Excel", p.numberCells))
		}
	case TypeBool:
		f := &Field{Values: t.def.Values}
		if f.Values == nil {
			f.Values = builtinBool
		}
		if unknown := p.unknownWords(f); len(unknown) > 0 {
			g.Notes = append(g.Notes, "check: words not read as yes/no: "+strings.Join(unknown, ", ")+"; add them under values: (word: \"true\" or \"false\")")
		} else if len(p.distinct) > 0 {
			g.Notes = append(g.Notes, "values seen: "+p.valueList())
		}
	case TypeEnum:
		if t.key != FGender {
			break
		}
		if vs := spanishGender(p); vs != nil {
			g.Values = vs
			g.Notes = append(g.Notes, "M and H: Spanish coding (M = mujer, H = hombre), so M is female here")
			break
		}
		f := &Field{Values: builtinGender}
		if unknown := p.unknownWords(f); len(unknown) > 0 {
			g.Notes = append(g.Notes, "check: words not read as female/male: "+strings.Join(unknown, ", ")+"; add them under values: (word: female or male)")
		} else if len(p.distinct) > 0 {
			g.Notes = append(g.Notes, "values seen: "+p.valueList())
		}
	case TypeDecimal, TypeInteger:
		if p.n > 0 && !p.mostly(p.numberCells+p.textNumbers()) {
			g.Notes = append(g.Notes, "check: not all cells are numbers: "+p.valueList())
		}
	default:
		switch {
		case t.key == FCurrency && len(p.distinct) == 1:
			g.Notes = append(g.Notes, fmt.Sprintf("every row read says %s: constant: %s would do too", p.distinct[0], strings.ToUpper(p.distinct[0])))
		case t.spec.lookup != "" && p.mostly(p.numberCells):
			g.Notes = append(g.Notes, "numbers: read as Kiva ids")
		case len(p.distinct) <= 6 && p.n > len(p.distinct) && len(p.distinct) > 0:
			g.Notes = append(g.Notes, "values seen: "+p.valueList())
		}
	}
}

// unknownWords are the distinct values a values map does not read.
func (p *profile) unknownWords(f *Field) []string {
	var out []string
	for _, v := range p.distinct {
		if _, ok := f.MapValue(v); !ok {
			out = append(out, strconv.Quote(oneLine(v, 30)))
		}
	}
	return out
}

// spanishGender recognises M/H coding (mujer/hombre): M is then female,
// unlike the built-in words. It returns the values to write, or nil.
func spanishGender(p *profile) map[string]string {
	if p.counts["m"] == 0 || p.counts["h"] == 0 || p.counts["f"] > 0 {
		return nil
	}
	vs := map[string]string{}
	for k, v := range builtinGender {
		vs[k] = v
	}
	vs["M"], vs["H"] = "female", "male"
	return vs
}

// headerRowValue is "auto" when convert's own detection, with the mapping
// written, finds the same row; else the row number.
func (w *writer) headerRowValue(f *fit, schedule bool) string {
	if f.hdr < 0 || f.hdr >= autoHeaderRows {
		return headerRowNumber(f)
	}
	fields := map[string]*Field{}
	for k, a := range f.got {
		fields[k] = &Field{Column: a.header, Required: a.t.required}
	}
	var idx int
	if schedule {
		idx, _ = FindScheduleHeaderRow(f.sheet.texts, &Schedule{Fields: fields})
	} else {
		idx, _ = FindHeaderRow(f.sheet.texts, &Mapping{Kind: w.st.Kind, Fields: fields})
	}
	if idx == f.hdr || len(fields) == 0 {
		return "auto"
	}
	return headerRowNumber(f)
}

func headerRowNumber(f *fit) string {
	if f.hdr < 0 {
		return "auto"
	}
	return strconv.Itoa(f.sheet.rows[f.hdr].Number)
}

// yaml writes the starter mapping.
func (w *writer) yaml() []byte {
	st := w.st
	var b strings.Builder
	where := ""
	if st.Sheet != "" {
		where = fmt.Sprintf("sheet %q, ", st.Sheet)
	}
	fmt.Fprintf(&b, "# Starter mapping for %s (%sheader on row %d), written by\n", oneLine(w.file, 60), where, st.HeaderRow)
	b.WriteString("# kivaconv mappings init. It is a guess: check it before use.\n")
	b.WriteString("#   - Each field says which column it reads and how sure the match is:\n")
	b.WriteString("#     exact and alias matches use the built-in names; check every fuzzy one.\n")
	if len(st.TODO) > 0 {
		b.WriteString("#   - Replace each column: TODO with the header of the column that holds\n")
		b.WriteString("#     the field (or a constant). kivaconv refuses this file until then.\n")
	}
	fmt.Fprintf(&b, "#   - Then try it: kivaconv validate -m THIS-FILE %s\n", oneLine(w.file, 60))
	b.WriteString("# Headers match ignoring case, accents, spaces and punctuation. Every\n")
	fmt.Fprintf(&b, "# field and option is described in: kivaconv mappings show %s\n\n", defaultMapping(st.Kind).Name)

	fmt.Fprintf(&b, "name: %s\n", yamlScalar(st.Name))
	fmt.Fprintf(&b, "kind: %s\n", st.Kind)
	fmt.Fprintf(&b, "description: %s\n", yamlScalar("Made by kivaconv mappings init from "+oneLine(w.file, 80)+"."))
	if st.Sheet != "" {
		fmt.Fprintf(&b, "sheets: [%s]\n", yamlScalar(st.Sheet))
	}
	w.headerRowLine(&b, "", w.mainRow, st.HeaderRow)
	def := defaultMapping(st.Kind)
	switch st.Kind {
	case LoanDraft:
		b.WriteString("amounts: decimal\n")
		if w.main.got[FGroupLoanID] != nil {
			b.WriteString("# Rows with the same group loan ID are the borrowers of one group loan.\n")
			b.WriteString("group_by: group_loan_id\n")
		}
	case Repayments:
		b.WriteString("amounts: decimal\n")
		b.WriteString("# two_column: loan ID and amount; three_column: loan ID, client ID and\n")
		b.WriteString("# amount (your PA2 repayment settings say which).\n")
		fmt.Fprintf(&b, "repayment_format: %s\n", def.RepaymentFormat)
		b.WriteString("# The ISO 4217 code of the amounts, for totals, e.g.:\n# currency: XOF\n")
		fmt.Fprintf(&b, "batch_size: %d\n", def.BatchSize)
	case Journals:
		fmt.Fprintf(&b, "repayment_format: %s\n", def.RepaymentFormat)
		fmt.Fprintf(&b, "batch_size: %d\n", def.BatchSize)
		fmt.Fprintf(&b, "journal:\n  wrapper: %s\n", def.Journal.Wrapper)
	}
	w.locale(&b)

	b.WriteString("\n# The columns of the export this mapping was made for. When a later\n")
	b.WriteString("# export's columns differ (added, removed or renamed), convert says so\n")
	b.WriteString("# before anything else. Update this list when you adapt the mapping.\n")
	b.WriteString("columns:\n")
	for _, h := range st.Header {
		if strings.TrimSpace(h) != "" {
			fmt.Fprintf(&b, "  - %s\n", yamlScalar(h))
		}
	}

	b.WriteString("\nfields:\n")
	w.fields(&b, false, "  ")
	if w.sched != nil {
		b.WriteString("\n# The repayment schedule, joined to the borrowers by loan ID.\n")
		b.WriteString("schedule:\n")
		fmt.Fprintf(&b, "  sheets: [%s]\n", yamlScalar(w.sched.sheet.name))
		w.headerRowLine(&b, "  ", w.schedRow, w.sched.sheet.rows[w.sched.hdr].Number)
		b.WriteString("  # A loan without schedule rows is an error.\n")
		b.WriteString("  required: true\n")
		b.WriteString("  fields:\n")
		w.fields(&b, true, "    ")
	}

	if len(st.Unmatched) > 0 {
		b.WriteString("\n# Columns this mapping does not read:\n")
		used := map[int]bool{}
		for _, a := range w.main.got {
			used[a.col] = true
		}
		for col, h := range w.main.header {
			if h != "" && !used[col] {
				fmt.Fprintf(&b, "#   %q: %s\n", oneLine(h, 60), oneLine(w.main.profile(col).describe(), 100))
			}
		}
	}
	var optional []string
	for _, f := range []*fit{w.main, w.sched} {
		if f == nil {
			continue
		}
		for _, t := range f.targets {
			if f.got[t.key] == nil && !t.required {
				n := t.key
				if t.schedule {
					n = "schedule." + n
				}
				optional = append(optional, n)
			}
		}
	}
	if len(optional) > 0 {
		b.WriteString("\n# Optional fields no column was found for (add them if the export has them):\n")
		writeWrapped(&b, "#   ", strings.Join(optional, ", "))
	}
	return []byte(b.String())
}

func (w *writer) headerRowLine(b *strings.Builder, indent, value string, row int) {
	if value == "auto" {
		fmt.Fprintf(b, "%s# The header (row %d now) is found automatically in the first %d rows.\n", indent, row, autoHeaderRows)
	}
	fmt.Fprintf(b, "%sheader_row: %s\n", indent, value)
}

func (w *writer) locale(b *strings.Builder) {
	if !w.hasLocale {
		return
	}
	ns := w.numbers
	b.WriteString("\n# Text numbers seen: ")
	q := make([]string, len(ns.examples))
	for i, e := range ns.examples {
		q[i] = strconv.Quote(oneLine(e, 30))
	}
	b.WriteString(strings.Join(q, ", ") + ".\n")
	if ns.ambiguous {
		b.WriteString("# check: numbers like 1,500 could be 1500 or 1.5; the separators below are a guess.\n")
	}
	if len(ns.failed) > 0 {
		fmt.Fprintf(b, "# check: %d of them are not read with these settings, like %q.\n", len(ns.failed), oneLine(ns.failed[0], 30))
	}
	b.WriteString("locale:\n")
	fmt.Fprintf(b, "  decimal: %s\n", strconv.Quote(ns.decimal))
	if ns.thousands != "" {
		fmt.Fprintf(b, "  thousands: %s\n", strconv.Quote(ns.thousands))
	}
	if len(ns.symbols) > 0 {
		q := make([]string, len(ns.symbols))
		for i, s := range ns.symbols {
			q[i] = strconv.Quote(s)
		}
		fmt.Fprintf(b, "  currency_symbols: [%s]\n", strings.Join(q, ", "))
	}
}

// fields writes the fields of the main sheet or of the schedule.
func (w *writer) fields(b *strings.Builder, schedule bool, indent string) {
	first := true
	for _, g := range w.st.Fields {
		if g.Schedule != schedule {
			continue
		}
		if !first {
			b.WriteByte('\n')
		}
		first = false
		in := indent + "  "
		fmt.Fprintf(b, "%s%s:\n", indent, g.Key)
		for _, n := range g.Notes {
			writeWrapped(b, in+"# ", n)
		}
		if g.Header == "" {
			fmt.Fprintf(b, "%scolumn: %s\n", in, TODOColumn)
		} else {
			how := g.How
			if g.How == "fuzzy" && g.Like != "" {
				how += fmt.Sprintf(", %.2f, like %q", g.Confidence, oneLine(g.Like, 40))
			} else {
				how += fmt.Sprintf(", %.2f", g.Confidence)
			}
			fmt.Fprintf(b, "%scolumn: %s  # matched %q (%s)\n", in, yamlScalar(g.Header), oneLine(g.Header, 60), how)
		}
		fmt.Fprintf(b, "%stype: %s\n", in, g.Type)
		if len(g.Formats) > 0 {
			q := make([]string, len(g.Formats))
			for i, f := range g.Formats {
				q[i] = yamlScalar(f)
			}
			fmt.Fprintf(b, "%sformats: [%s]\n", in, strings.Join(q, ", "))
		}
		if g.Required {
			fmt.Fprintf(b, "%srequired: true\n", in)
		}
		def := w.target(g).def
		if def.Default != nil {
			fmt.Fprintf(b, "%sdefault: %s\n", in, strconv.Quote(*def.Default))
		}
		if len(g.Values) > 0 {
			fmt.Fprintf(b, "%svalues:\n", in)
			keys := make([]string, 0, len(g.Values))
			for k := range g.Values {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool {
				if g.Values[keys[i]] != g.Values[keys[j]] {
					return g.Values[keys[i]] < g.Values[keys[j]]
				}
				return keys[i] < keys[j]
			})
			for _, k := range keys {
				fmt.Fprintf(b, "%s  %s: %s\n", in, yamlScalar(k), yamlScalar(g.Values[k]))
			}
		}
	}
}

// target finds the target of a field guess.
func (w *writer) target(g FieldGuess) *target {
	f := w.main
	if g.Schedule {
		f = w.sched
	}
	for _, t := range f.targets {
		if t.key == g.Key {
			return t
		}
	}
	panic("mappings: no target for " + g.Name())
}

// writeWrapped writes text as lines of at most about 76 characters, each
// starting with prefix.
func writeWrapped(b *strings.Builder, prefix, text string) {
	line := prefix
	for _, word := range strings.Fields(oneLine(text, 1000)) {
		if utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > 76 && line != prefix {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = prefix
			if strings.HasSuffix(prefix, "# ") {
				line = prefix + "  "
			}
		}
		line += word + " "
	}
	if line != prefix {
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// oneLine makes a text safe for a YAML comment or message: control
// characters become spaces, and it is cut to max characters.
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max-1]) + "…"
	}
	return s
}

var plainRE = regexp.MustCompile(`^\pL[\pL\pN ._()/'&+-]*[\pL\pN.)]$|^\pL$`)

// yamlScalar writes s as a YAML scalar: plain when that is safe, else
// double-quoted (Go's escapes are YAML's).
func yamlScalar(s string) string {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return strconv.Quote(s)
	}
	if plainRE.MatchString(s) && !strings.Contains(s, "  ") {
		return s
	}
	return strconv.Quote(s)
}
