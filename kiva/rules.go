package kiva

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Rules checks payloads against spec §7 before anything is written or sent.
//
// Severity follows one product decision: Error when the data itself is
// wrong or the JSON would be wrong (the record must not be sent as is);
// Warning for PA2 publish-time rules that a person can still fix in PA2
// after the draft arrives.
//
// Batch-wide rules (no duplicate borrower or loan across a batch or against
// what was already sent, at most 250 loans per repayments call) are the
// caller's: Rules sees one record at a time.
type Rules struct {
	// Today is the date the disbursal window is counted from (its calendar
	// date, in its own location). Zero skips the window check.
	Today time.Time
	// Reference backs the existence checks of ids, currencies and
	// locations. Nil skips them (the caller reports separately that no
	// reference data was available); so does an empty list inside it (a
	// reference file holding only activities checks only activities).
	Reference *Reference
	// ThreeColumn is PA2's three-column repayment format: repayments and
	// journals then need client ids.
	ThreeColumn bool
	// WholeAmounts requires amounts to be whole numbers (spec §8).
	WholeAmounts bool
	// Currency is the currency of repayments, for the decimal places rule;
	// "" when unknown (the rule is skipped). Drafts carry their own.
	Currency string
}

// Rule ids, stable: the convert and send steps, tests and users' filters
// refer to them.
const (
	RuleNoDraft                    = "no_draft"
	RuleTextEncoding               = "text_encoding"
	RuleActivityMissing            = "activity_missing"
	RuleActivityUnknown            = "activity_unknown"
	RuleThemeUnknown               = "theme_unknown"
	RuleDescriptionLanguageMissing = "description_language_missing"
	RuleDescriptionLanguageUnknown = "description_language_unknown"
	RuleLocationMissing            = "location_missing"
	RuleLocationUnknown            = "location_unknown"
	RuleCurrencyMissing            = "currency_missing"
	RuleCurrencyFormat             = "currency_format"
	RuleCurrencyUnknown            = "currency_unknown"
	RuleCurrencyNotOffered         = "currency_not_offered"
	RuleWaiverMissing              = "waiver_missing"
	RuleWaiverNotSigned            = "waiver_not_signed"
	RuleLoanUseMissing             = "loanuse_missing"
	RuleLoanUseTo                  = "loanuse_not_to"
	RuleDescriptionMissing         = "description_missing"
	RuleDescriptionFirstPerson     = "description_first_person"
	RuleDescriptionFamilyName      = "description_family_name"
	RuleDisburseTimeMissing        = "disburse_time_missing"
	RuleDateFormat                 = "date_format"
	RuleDisburseWindow             = "disburse_window"
	RuleNoBorrowers                = "no_borrowers"
	RuleClientIDMissing            = "client_id_missing"
	RuleLoanIDMissing              = "loan_id_missing"
	RuleFirstNameMissing           = "first_name_missing"
	RuleGenderMissing              = "gender_missing"
	RuleGenderUnknown              = "gender_unknown"
	RuleAmountNotPositive          = "amount_not_positive"
	RuleAmountNegative             = "amount_negative"
	RuleAmountZero                 = "amount_zero"
	RuleAmountDecimals             = "amount_decimals"
	RuleAmountNotWhole             = "amount_not_whole"
	RuleDuplicateBorrower          = "duplicate_borrower"
	RuleLoanTooSmall               = "loan_too_small"
	RuleScheduleMissing            = "schedule_missing"
	RuleScheduleOrder              = "schedule_order"
	RuleScheduleBeforeDisbursal    = "schedule_before_disbursal"
	RuleScheduleNegative           = "schedule_negative"
	RuleScheduleTotal              = "schedule_total"
	RuleImageMissing               = "image_missing"
	RuleImageInvalid               = "image_invalid"
	RuleGroupFieldOnIndividual     = "group_field_on_individual"
	RuleGroupNameMissing           = "group_name_missing"
	RuleNotPicturedLength          = "not_pictured_length"
	RuleSubjectMissing             = "subject_missing"
	RuleBodyMissing                = "body_missing"
	RuleImageURLInvalid            = "image_url_invalid"
)

// Disbursal window of PA2 (spec §7), in days from Today.
const (
	DisburseMaxDaysPast  = 30
	DisburseMaxDaysAhead = 90
)

// checker collects problems in the order they are found.
type checker struct{ out []Problem }

func (c *checker) add(path string, sev Severity, rule, msg, hint string) {
	c.out = append(c.out, Problem{Path: path, Severity: sev, Rule: rule, Message: msg, Hint: hint})
}

func (c *checker) text(path, label, s string) {
	if utf8.ValidString(s) && !strings.ContainsRune(s, utf8.RuneError) {
		return
	}
	c.add(path, Error, RuleTextEncoding,
		capitalize(label)+" contains characters that could not be read (shown as �).",
		"The text was damaged on its way out of the MIS: export it again as UTF-8, or retype the damaged letters.")
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// parseDate reads a YYYY-MM-DD date that exists in the calendar.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// money formats an amount for a message: with the currency's decimals when
// known ("1000.00 USD"), else in its shortest exact form.
func money(a Amount, cur string) string {
	s := a.String()
	if places, ok := CurrencyPlaces(cur); ok && a.Places() <= places {
		s = a.Decimal().StringFixed(int32(places))
	}
	if validCurrencyCode(cur) {
		s += " " + cur
	}
	return s
}

// validCurrencyCode: three upper-case ASCII letters.
func validCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// amount checks an amount's decimal places against the currency and, when
// the settings ask for it, that it is whole. One problem at most.
func (r Rules) amount(c *checker, path, label string, a Amount, cur string) {
	if places, ok := CurrencyPlaces(cur); ok && validCurrencyCode(cur) && a.Places() > places {
		what := "have no decimal places"
		hint := fmt.Sprintf("Check the amount in the MIS: %s amounts are whole numbers.", cur)
		if places > 0 {
			what = fmt.Sprintf("have at most %d decimal place%s", places, plural(places))
			hint = fmt.Sprintf("Check the amount in the MIS: %s amounts have at most %d decimal place%s.", cur, places, plural(places))
		}
		c.add(path, Error, RuleAmountDecimals,
			fmt.Sprintf("%s is %s, but %s amounts %s.", capitalize(label), a, cur, what), hint)
		return
	}
	if r.WholeAmounts && !a.IsInteger() {
		c.add(path, Error, RuleAmountNotWhole,
			fmt.Sprintf("%s is %s, but this partner's settings require whole amounts.", capitalize(label), a),
			"Check the amount in the MIS, or ask whoever set up kivaconv whether amounts must really be whole numbers.")
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func borrowerLabel(i int, e Entrep) string {
	if name := strings.TrimSpace(e.FirstName); name != "" && utf8.ValidString(name) {
		return fmt.Sprintf("borrower %d (%s)", i+1, name)
	}
	return fmt.Sprintf("borrower %d", i+1)
}

// LoanDraft checks one loan draft. Problems come in the order of the
// draft's JSON fields (text encoding of every field first), one per
// violation; nil when the draft is clean.
func (r Rules) LoanDraft(d *LoanDraft) []Problem {
	if d == nil {
		return []Problem{{Severity: Error, Rule: RuleNoDraft, Message: "There is no loan to check.",
			Hint: "The batch holds an empty loan entry: convert the spreadsheet again, or remove the entry."}}
	}
	c := &checker{}
	r.draftText(c, d)
	r.draftIDs(c, d)
	r.draftLocation(c, d)
	currencyOK := r.draftCurrency(c, d)
	r.draftWaiver(c, d)
	r.draftLoanUse(c, d)
	r.draftDescription(c, d)
	disb, disbOK := r.draftDisbursal(c, d)
	r.draftBorrowers(c, d, currencyOK)
	r.draftSchedule(c, d, disb, disbOK)
	r.draftImage(c, d)
	r.draftGroup(c, d)
	return c.out
}

func (r Rules) draftText(c *checker, d *LoanDraft) {
	c.text("location", "the location", d.Location)
	c.text("currency", "the currency", d.Currency)
	c.text("loanuse", "the loan use", d.LoanUse)
	c.text("description", "the description", d.Description)
	c.text("disburse_time", "the disbursal date", d.DisburseTime)
	for i, e := range d.Entreps {
		p := fmt.Sprintf("entreps[%d].", i)
		b := borrowerLabel(i, e)
		c.text(p+"client_id", "the client ID of "+b, e.ClientID)
		c.text(p+"loan_id", "the loan ID of "+b, e.LoanID)
		c.text(p+"first_name", "the first name of "+b, e.FirstName)
		c.text(p+"last_name", "the family name of "+b, e.LastName)
		c.text(p+"gender", "the gender of "+b, e.Gender)
	}
	for i, s := range d.Schedule {
		c.text(fmt.Sprintf("schedule[%d].date", i), fmt.Sprintf("the date of payment %d of the repayment schedule", i+1), s.Date)
	}
	c.text("group_name", "the group name", d.GroupName)
	c.text("internal_client_id", "the group's client ID", d.InternalClientID)
	c.text("internal_loan_id", "the group's loan ID", d.InternalLoanID)
}

const hintRefresh = "If the list changed recently, ask whoever set up kivaconv to refresh the reference data."

// Hints are worded as package values documents (values.ForMapping): first
// what to change in the workbook, in plain words for the coordinator who
// converts it; then, when useful, advice for whoever maintains the
// mapping, introduced by forMapping.
const forMapping = "for whoever maintains the mapping: " // = values.ForMapping

// orForMapping ends a sentence of workbook advice with mapping advice:
// "Fill in X in the workbook; or, for whoever maintains the mapping: …."
func orForMapping(workbook, mapping string) string {
	return workbook + "; or, " + forMapping + mapping + "."
}

func suggestionHint(sugg []string, fallback string) string {
	if len(sugg) == 0 {
		return fallback
	}
	return "Did you mean " + strings.Join(quoteAll(sugg), " or ") + "?"
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = "“" + v + "”"
	}
	return out
}

func (r Rules) draftIDs(c *checker, d *LoanDraft) {
	ref := r.Reference
	switch {
	case d.ActivityID == nil:
		c.add("activity_id", Warning, RuleActivityMissing,
			"The loan has no activity; PA2 needs one before the loan can be published.",
			orForMapping("Fill in the loan's activity in the workbook, or choose it in PA2", "read activity from its column, or give it a constant"))
	case *d.ActivityID <= 0 || ref != nil && len(ref.Activities) > 0 && !ref.hasActivityID(*d.ActivityID):
		c.add("activity_id", Error, RuleActivityUnknown,
			fmt.Sprintf("Activity number %d is not in the partner's Kiva activity list.", *d.ActivityID),
			"Choose an activity from the partner's Kiva activity list. "+hintRefresh)
	}
	if d.ThemeTypeID != nil && (*d.ThemeTypeID <= 0 || ref != nil && len(ref.Themes) > 0 && !ref.hasThemeID(*d.ThemeTypeID)) {
		c.add("theme_type_id", Error, RuleThemeUnknown,
			fmt.Sprintf("Theme number %d is not in the partner's Kiva theme list.", *d.ThemeTypeID),
			"Choose a theme from the partner's Kiva theme list, or leave the theme out. "+hintRefresh)
	}
	switch {
	case d.DescriptionLanguageID == nil:
		c.add("description_language_id", Warning, RuleDescriptionLanguageMissing,
			"The loan does not say which language the description is written in; PA2 needs it.",
			orForMapping("Choose the language in PA2, or add a column with the description's language to the workbook", "read description_language from that column, or give it a constant such as English"))
	case *d.DescriptionLanguageID <= 0 || ref != nil && len(ref.Locales) > 0 && !ref.hasLanguageID(*d.DescriptionLanguageID):
		c.add("description_language_id", Error, RuleDescriptionLanguageUnknown,
			fmt.Sprintf("Language number %d is not one of the partner's Kiva languages.", *d.DescriptionLanguageID),
			"Choose a language from the partner's Kiva language list. "+hintRefresh)
	}
}

func (r Rules) draftLocation(c *checker, d *LoanDraft) {
	ref := r.Reference
	if d.Location == "" {
		c.add("location", Warning, RuleLocationMissing,
			"The loan has no location; PA2 needs one before the loan can be published.",
			orForMapping("Fill in the borrower's town in the workbook, or choose it in PA2", "read location from its column"))
		return
	}
	if ref == nil || len(ref.Locations) == 0 || ref.hasFullName(d.Location) {
		return
	}
	full, ok, sugg := ref.Location(d.Location)
	hint := suggestionHint(sugg, "Use a location exactly as written in the partner's Kiva location list. "+hintRefresh)
	if ok {
		hint = "Write it exactly as Kiva lists it: “" + full + "”."
	}
	c.add("location", Error, RuleLocationUnknown,
		"Location “"+d.Location+"” is not written exactly as in the partner's Kiva location list.", hint)
}

// draftCurrency reports whether the currency is usable for amount checks.
func (r Rules) draftCurrency(c *checker, d *LoanDraft) bool {
	cur := d.Currency
	switch {
	case cur == "":
		c.add("currency", Error, RuleCurrencyMissing,
			"The loan has no currency.",
			orForMapping("Fill in the loan's currency in the workbook, as a three-letter code such as UGX or USD", "read currency from its column, or give it a constant such as UGX"))
		return false
	case !validCurrencyCode(cur):
		c.add("currency", Error, RuleCurrencyFormat,
			"The currency “"+cur+"” is not a three-letter currency code in capitals.",
			"Write the ISO currency code, e.g. “UGX”, “KES” or “USD”.")
		return false
	}
	if _, ok := CurrencyPlaces(cur); !ok {
		c.add("currency", Error, RuleCurrencyUnknown,
			"“"+cur+"” is not a known currency code.",
			"Check the code; currency codes are listed in ISO 4217 (e.g. “UGX”, “KES”, “USD”).")
		return false
	}
	if ref := r.Reference; ref != nil && len(ref.Currencies()) > 0 && !ref.HasCurrency(cur) {
		c.add("currency", Error, RuleCurrencyNotOffered,
			fmt.Sprintf("Currency %s is not one of the partner's Kiva currencies (%s).", cur, strings.Join(ref.Currencies(), ", ")),
			"Check the loan's currency in the MIS; if the partner now lends in "+cur+", ask Kiva to add it and refresh the reference data.")
	}
	return true
}

func (r Rules) draftWaiver(c *checker, d *LoanDraft) {
	const hint = "Kiva posts only loans whose borrowers signed the client waiver: have it signed, then mark it as signed (yes) in the workbook"
	switch {
	case d.ClientWaiverSigned == nil:
		c.add("client_waiver_signed", Error, RuleWaiverMissing,
			"The loan does not say whether the borrower signed Kiva's client waiver.",
			orForMapping(hint, "read client_waiver_signed from its column"))
	case !*d.ClientWaiverSigned:
		c.add("client_waiver_signed", Error, RuleWaiverNotSigned,
			"The borrower has not signed Kiva's client waiver.", hint+".")
	}
}

const hintLoanUse = "Write it to complete the sentence “This borrower will use this loan …”, e.g. “to buy seeds and fertilizer”."

func (r Rules) draftLoanUse(c *checker, d *LoanDraft) {
	use := strings.TrimSpace(d.LoanUse)
	switch {
	case use == "":
		c.add("loanuse", Warning, RuleLoanUseMissing,
			"The loan has no loan use; PA2 needs one before the loan can be published.", hintLoanUse)
	case len(use) < 3 || !strings.EqualFold(use[:3], "to "):
		c.add("loanuse", Warning, RuleLoanUseTo,
			"The loan use “"+use+"” does not start with “to”.", hintLoanUse)
	}
}

func (r Rules) draftDescription(c *checker, d *LoanDraft) {
	if blank(d.Description) {
		c.add("description", Warning, RuleDescriptionMissing,
			"The loan has no description; PA2 needs one before the loan can be published.",
			orForMapping("Add the borrower's story to the workbook, or write it in PA2", "read description from its column"))
		return
	}
	if w := firstPersonWord(d.Description); w != "" {
		c.add("description", Warning, RuleDescriptionFirstPerson,
			"The description uses the word “"+w+"”; Kiva descriptions are written in the third person.",
			"Rewrite it about the borrower, e.g. “She sells vegetables” instead of “I sell vegetables”.")
	}
	text := wordKey(d.Description)
	seen := map[string]bool{}
	for _, e := range d.Entreps {
		name := wordKey(e.LastName)
		if seen[name] || letterCount(name) < 3 {
			continue
		}
		seen[name] = true
		if strings.Contains(" "+text+" ", " "+name+" ") {
			c.add("description", Warning, RuleDescriptionFamilyName,
				"The description contains the family name “"+strings.TrimSpace(e.LastName)+"”.",
				"Kiva shows borrowers by first name only, to protect their privacy: remove the family name from the description.")
		}
	}
}

// firstPersonWords are the first-person words spec §7 warns about, in
// English, French and Spanish (lower-case, whole words).
var firstPersonWords = map[string]bool{
	"i": true, "my": true, "me": true, "we": true, "our": true, "us": true,
	"je": true, "mon": true, "ma": true, "mes": true, "nous": true, "notre": true,
	"yo": true, "mi": true, "mis": true, "nosotros": true, "nosotras": true,
	"nuestro": true, "nuestra": true, "nuestros": true, "nuestras": true,
}

// elidedFirstPerson are words that are first person only before an
// apostrophe (French j'ai, m'appelle; English I'm, we're are covered by
// firstPersonWords).
var elidedFirstPerson = map[string]bool{"j": true, "m": true}

// firstPersonWord returns the first first-person word of s as written, or "".
// "US" in capitals is taken as the country, not the pronoun.
func firstPersonWord(s string) string {
	isWordRune := func(r rune) bool {
		// A damaged letter (U+FFFD) is part of its word: "ma�ze" is one
		// word, not "ma" (French "my").
		return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == utf8.RuneError
	}
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) }) {
		tok = strings.Trim(tok, "'’")
		if tok == "" || tok == "US" {
			continue
		}
		low := strings.ToLower(strings.ReplaceAll(tok, "’", "'"))
		if i := strings.IndexByte(low, '\''); i > 0 {
			if pre := low[:i]; firstPersonWords[pre] || elidedFirstPerson[pre] {
				return tok
			}
			continue
		}
		if firstPersonWords[low] {
			return tok
		}
	}
	return ""
}

// wordKey is nameKey with everything but letters and digits turned into
// spaces: "O'Brien-Nakato" → "o brien nakato".
func wordKey(s string) string {
	return strings.Join(strings.FieldsFunc(nameKey(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

func (r Rules) draftDisbursal(c *checker, d *LoanDraft) (time.Time, bool) {
	if d.DisburseTime == "" {
		c.add("disburse_time", Error, RuleDisburseTimeMissing,
			"The loan has no disbursal date.",
			"Add the date the loan was (or will be) paid out to the borrower, as YYYY-MM-DD.")
		return time.Time{}, false
	}
	disb, ok := parseDate(d.DisburseTime)
	if !ok {
		c.add("disburse_time", Error, RuleDateFormat,
			"The disbursal date “"+d.DisburseTime+"” is not a valid date written as YYYY-MM-DD.",
			"Write the date as year-month-day, e.g. 2025-06-30.")
		return time.Time{}, false
	}
	if !r.Today.IsZero() {
		y, m, dd := r.Today.Date()
		today := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		days := int((disb.Unix() - today.Unix()) / 86400) // both UTC midnights: exact, no Duration overflow
		switch {
		case -days > DisburseMaxDaysPast:
			c.add("disburse_time", Warning, RuleDisburseWindow,
				fmt.Sprintf("The disbursal date %s is %d days ago; PA2 publishes only loans disbursed in the last %d days.", d.DisburseTime, -days, DisburseMaxDaysPast),
				"Check the date. If it is right, publish the loan in PA2 quickly or ask Kiva how to handle a late loan.")
		case days > DisburseMaxDaysAhead:
			c.add("disburse_time", Warning, RuleDisburseWindow,
				fmt.Sprintf("The disbursal date %s is %d days from today; PA2 accepts at most %d days ahead.", d.DisburseTime, days, DisburseMaxDaysAhead),
				"Check the date (a wrong year is a common slip), or post this loan closer to its disbursal.")
		}
	}
	return disb, true
}

func (r Rules) draftBorrowers(c *checker, d *LoanDraft, currencyOK bool) {
	if len(d.Entreps) == 0 {
		c.add("entreps", Error, RuleNoBorrowers, "The loan has no borrower.",
			"Every loan needs at least one borrower with client ID, loan ID, first name, gender and amount.")
		return
	}
	cur := ""
	if currencyOK {
		cur = d.Currency
	}
	first := map[[2]string]int{}
	allPositive := true
	for i, e := range d.Entreps {
		p := fmt.Sprintf("entreps[%d]", i)
		b := borrowerLabel(i, e)
		if blank(e.ClientID) {
			c.add(p+".client_id", Error, RuleClientIDMissing, capitalize(b)+" has no client ID.",
				"Fill in the borrower's client ID from the MIS.")
		}
		if blank(e.LoanID) {
			c.add(p+".loan_id", Error, RuleLoanIDMissing, capitalize(b)+" has no loan ID.",
				"Fill in the borrower's loan ID from the MIS.")
		}
		if blank(e.FirstName) {
			c.add(p+".first_name", Error, RuleFirstNameMissing, capitalize(b)+" has no first name.",
				"Fill in the borrower's first name.")
		}
		switch {
		case e.Gender == "female" || e.Gender == "male":
		case blank(e.Gender):
			c.add(p+".gender", Error, RuleGenderMissing, capitalize(b)+" has no gender.",
				"Fill in the borrower's gender (female or male).")
		default:
			hint := orForMapping("Write “female” or “male” in the workbook, or confirm with Kiva that it accepts this value",
				"map the MIS's word to female or male under gender's values")
			if g := strings.ToLower(strings.TrimSpace(e.Gender)); g == "female" || g == "male" {
				hint = "Write it as “" + g + "”, in lower case."
			}
			c.add(p+".gender", Warning, RuleGenderUnknown,
				"The gender “"+e.Gender+"” of "+b+" is not one Kiva documents (female or male); confirm with Kiva.", hint)
		}
		if e.Amount.Sign() <= 0 {
			allPositive = false
			c.add(p+".amount", Error, RuleAmountNotPositive,
				fmt.Sprintf("The amount of %s is %s; it must be more than zero.", b, e.Amount),
				"Fill in the amount lent to this borrower.")
		}
		r.amount(c, p+".amount", "the amount of "+b, e.Amount, cur)
		if !blank(e.ClientID) && !blank(e.LoanID) {
			k := [2]string{strings.TrimSpace(e.ClientID), strings.TrimSpace(e.LoanID)}
			if j, dup := first[k]; dup {
				c.add(p, Error, RuleDuplicateBorrower,
					fmt.Sprintf("%s has the same client ID and loan ID (%s, %s) as %s.", capitalize(b), k[0], k[1], borrowerLabel(j, d.Entreps[j])),
					"Each borrower appears once in a loan: remove the repeated row or correct the IDs.")
			} else {
				first[k] = i
			}
		}
	}
	// Spec §7: "loan worth more than 5 USD". No exchange rates are
	// available offline, so the rule is only checked for loans in USD; a
	// loan in another currency is not checked (a gap, on purpose: a stale
	// built-in rate would be worse than none).
	if d.Currency == "USD" && allPositive {
		if total := d.Total(); total.Cmp(MustAmount("5")) <= 0 {
			c.add("", Error, RuleLoanTooSmall,
				fmt.Sprintf("The loan is worth %s in total; Kiva takes only loans worth more than 5.00 USD.", money(total, "USD")),
				"Check the borrowers' amounts in the MIS.")
		}
	}
}

func (r Rules) draftSchedule(c *checker, d *LoanDraft, disb time.Time, disbOK bool) {
	if len(d.Schedule) == 0 {
		c.add("schedule", Error, RuleScheduleMissing, "The loan has no repayment schedule.",
			"Add the expected repayments (date, principal, interest) from the MIS.")
		return
	}
	cur := ""
	if validCurrencyCode(d.Currency) {
		cur = d.Currency
	}
	var prev time.Time
	prevOK := false
	before, firstBefore := 0, -1
	var total Amount
	for i, s := range d.Schedule {
		p := fmt.Sprintf("schedule[%d]", i)
		label := fmt.Sprintf("payment %d of the repayment schedule", i+1)
		date, ok := parseDate(s.Date)
		switch {
		case !ok:
			c.add(p+".date", Error, RuleDateFormat,
				fmt.Sprintf("The date “%s” of %s is not a valid date written as YYYY-MM-DD.", s.Date, label),
				"Write the date as year-month-day, e.g. 2025-07-31.")
		case prevOK && !date.After(prev):
			c.add(p+".date", Error, RuleScheduleOrder,
				fmt.Sprintf("The date %s of %s is not after the previous payment's date %s.", s.Date, label, prev.Format(time.DateOnly)),
				"List the payments in date order, each on a later day; merge two payments due the same day.")
		}
		if ok {
			if disbOK && !date.After(disb) {
				before++
				if firstBefore < 0 {
					firstBefore = i
				}
			}
			prev, prevOK = date, true
		}
		if s.Principal.Sign() < 0 {
			c.add(p+".principal", Error, RuleScheduleNegative,
				fmt.Sprintf("The principal of %s is negative (%s).", label, s.Principal),
				"Principal and interest are amounts due: zero or more.")
		}
		r.amount(c, p+".principal", "the principal of "+label, s.Principal, cur)
		if s.Interest.Sign() < 0 {
			c.add(p+".interest", Error, RuleScheduleNegative,
				fmt.Sprintf("The interest of %s is negative (%s).", label, s.Interest),
				"Principal and interest are amounts due: zero or more.")
		}
		r.amount(c, p+".interest", "the interest of "+label, s.Interest, cur)
		total = total.Add(s.Principal)
	}
	if before > 0 {
		msg := fmt.Sprintf("Payment %d of the repayment schedule (%s) is not after the disbursal date %s.",
			firstBefore+1, d.Schedule[firstBefore].Date, d.DisburseTime)
		if before > 1 {
			msg = fmt.Sprintf("%d payments of the repayment schedule are not after the disbursal date %s (the first: payment %d, %s).",
				before, d.DisburseTime, firstBefore+1, d.Schedule[firstBefore].Date)
		}
		c.add(fmt.Sprintf("schedule[%d].date", firstBefore), Error, RuleScheduleBeforeDisbursal, msg,
			"Check the disbursal date and the schedule's dates: repayments start after the loan is paid out.")
	}
	if len(d.Entreps) > 0 {
		lent := d.Total()
		if !total.Equal(lent) {
			diff := NewAmount(total.Decimal().Sub(lent.Decimal()).Abs())
			how := "more"
			if total.Cmp(lent) < 0 {
				how = "less"
			}
			c.add("schedule", Error, RuleScheduleTotal,
				fmt.Sprintf("The repayment schedule repays %s of principal, but the borrowers' amounts add up to %s: %s %s.",
					money(total, cur), money(lent, cur), money(diff, cur), how),
				"The principal in the schedule must add up to the amount lent: check the schedule and the amounts in the MIS.")
		}
	}
}

func (r Rules) draftImage(c *checker, d *LoanDraft) {
	if d.ImageEncoded == "" {
		c.add("image_encoded", Warning, RuleImageMissing,
			"The loan has no photo; PA2 needs one before the loan can be published.",
			"Add the borrower's photo (JPEG or PNG), or upload it in PA2.")
		return
	}
	if err := CheckImageURI(d.ImageEncoded); err != nil {
		msg, hint := err.Error(), ""
		if ie, ok := err.(*ImageError); ok {
			msg, hint = ie.Reason, ie.Hint
		}
		c.add("image_encoded", Error, RuleImageInvalid, capitalize(msg)+".", capitalize(hint)+".")
	}
}

func (r Rules) draftGroup(c *checker, d *LoanDraft) {
	switch n := len(d.Entreps); {
	case n == 1:
		for _, f := range []struct {
			path, label string
			set         bool
		}{
			{"group_name", "a group name", d.GroupName != ""},
			{"internal_client_id", "a group client ID", d.InternalClientID != ""},
			{"internal_loan_id", "a group loan ID", d.InternalLoanID != ""},
			{"not_pictured", "a not-pictured list", len(d.NotPictured) > 0},
		} {
			if f.set {
				c.add(f.path, Error, RuleGroupFieldOnIndividual,
					"The loan has one borrower but "+f.label+"; only group loans may have one, and PA2 will not publish it.",
					"Leave the group fields empty for a loan to one person, or add the group's other borrowers.")
			}
		}
	case n > 1:
		if blank(d.GroupName) {
			c.add("group_name", Error, RuleGroupNameMissing,
				fmt.Sprintf("The loan has %d borrowers but no group name.", n),
				"Fill in the group's name from the MIS.")
		}
		if k := len(d.NotPictured); k > 0 && k != n {
			c.add("not_pictured", Error, RuleNotPicturedLength,
				fmt.Sprintf("The not-pictured list has %d value%s but the loan has %d borrowers.", k, plural(k), n),
				"Give one yes/no value per borrower, in the borrowers' order (yes = not in the photo).")
		}
	}
}

// Repayment checks one repayment of a monthly report.
func (r Rules) Repayment(p Repayment) []Problem {
	c := &checker{}
	c.text("loan_id", "the loan ID", p.LoanID)
	c.text("client_id", "the client ID", p.ClientID)
	if blank(p.LoanID) {
		c.add("loan_id", Error, RuleLoanIDMissing, "The repayment has no loan ID.",
			"Fill in the loan ID from the MIS.")
	}
	if r.ThreeColumn && blank(p.ClientID) {
		c.add("client_id", Error, RuleClientIDMissing, "The repayment has no client ID.",
			"This partner reports repayments with client IDs (PA2's three-column format): fill in the client ID from the MIS.")
	}
	switch p.Amount.Sign() {
	case -1:
		c.add("amount", Error, RuleAmountNegative,
			fmt.Sprintf("The repayment amount is negative (%s).", p.Amount),
			"Report what the borrower actually repaid in the period; a correction is made in PA2, not with a negative amount.")
	case 0:
		c.add("amount", Warning, RuleAmountZero,
			"The repayment amount is zero.",
			"A loan with no repayment this period is usually left out of the report; check the MIS if the borrower did pay.")
	}
	cur := strings.ToUpper(strings.TrimSpace(r.Currency))
	if !validCurrencyCode(cur) {
		cur = ""
	}
	r.amount(c, "amount", "the repayment amount", p.Amount, cur)
	return c.out
}

// Journal checks one journal (borrower update).
func (r Rules) Journal(j Journal) []Problem {
	c := &checker{}
	c.text("internal_loan_id", "the loan ID", j.InternalLoanID)
	c.text("internal_client_id", "the client ID", j.InternalClientID)
	c.text("subject", "the subject", j.Subject)
	c.text("body", "the text", j.Body)
	c.text("image_url", "the photo link", j.ImageURL)
	if blank(j.InternalLoanID) {
		c.add("internal_loan_id", Error, RuleLoanIDMissing, "The journal has no loan ID.",
			"Fill in the loan ID of the borrower the update is about.")
	}
	if r.ThreeColumn && blank(j.InternalClientID) {
		c.add("internal_client_id", Error, RuleClientIDMissing, "The journal has no client ID.",
			"This partner identifies borrowers by client ID too (PA2's three-column format): fill it in.")
	}
	if blank(j.Subject) {
		c.add("subject", Error, RuleSubjectMissing, "The journal has no subject.",
			"Give the update a short title.")
	}
	if blank(j.Body) {
		c.add("body", Error, RuleBodyMissing, "The journal has no text.",
			"Write the update: how the borrower is doing and what the loan made possible.")
	}
	if j.ImageURL != "" {
		u, err := url.Parse(j.ImageURL)
		if err != nil || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) || u.Host == "" {
			c.add("image_url", Error, RuleImageURLInvalid,
				"The photo link “"+j.ImageURL+"” is not a web address.",
				"Give a full link starting with https://, or leave the photo out.")
		}
	}
	return c.out
}
