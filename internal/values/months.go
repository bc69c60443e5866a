package values

// monthNames maps folded month names and abbreviations (see foldWord) in
// English, French, Spanish and Portuguese to month numbers. No spelling
// means two different months across these languages.
var monthNames = map[string]int{}

func init() {
	for m, names := range [12][]string{
		{"jan", "january", "janv", "janvier", "ene", "enero", "janeiro"},
		{"feb", "february", "fev", "fevr", "fevrier", "febrero", "fevereiro"},
		{"mar", "march", "mars", "marzo", "marco"},
		{"apr", "april", "avr", "avril", "abr", "abril"},
		{"may", "mai", "mayo", "maio"},
		{"jun", "june", "juin", "junio", "junho"},
		{"jul", "july", "juil", "juillet", "julio", "julho"},
		{"aug", "august", "aout", "ago", "agosto"},
		{"sep", "sept", "september", "septembre", "set", "septiembre", "setiembre", "setembro"},
		{"oct", "october", "octobre", "octubre", "out", "outubro"},
		{"nov", "november", "novembre", "noviembre", "novembro"},
		{"dec", "december", "decembre", "dic", "diciembre", "dez", "dezembro"},
	} {
		for _, n := range names {
			if _, dup := monthNames[n]; dup {
				panic("values: duplicate month name " + n)
			}
			monthNames[n] = m + 1
		}
	}
}

// englishMonths names months in messages.
var englishMonths = [13]string{"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// dateConnectors are words that may stand between the parts of a date with
// a month name: "5 de enero de 2024", "the 5th of January".
var dateConnectors = map[string]bool{"de": true, "del": true, "of": true, "the": true}

// ordinalSuffixes may follow a day number: 1st, 2nd, 3rd, 4th, 1er, 1º.
var ordinalSuffixes = map[string]bool{"st": true, "nd": true, "rd": true, "th": true, "er": true, "o": true}
