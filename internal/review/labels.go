package review

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/kiva"
)

// Plain labels for the fields a problem names. A problem's Field is a
// mapping key ("disburse_date", "image") or a path in the Kiva JSON
// ("description_language_id", "entreps[1].gender", "schedule[0].date"); a
// person reading the page sees "Disbursal date", "Photo", "Description
// language", "Borrower 2 · gender", "Payment 1 · date". The raw key is
// kept only in a title attribute.

// fieldLabels are the labels of mapping keys and of the Kiva JSON fields
// of every kind (journals' internal_* fields are relabelled in
// fieldLabel).
var fieldLabels = map[string]string{
	// mapping keys
	"loan_id":              "Loan ID",
	"client_id":            "Client ID",
	"first_name":           "First name",
	"last_name":            "Last name",
	"gender":               "Gender",
	"amount":               "Amount",
	"currency":             "Currency",
	"disburse_date":        "Disbursal date",
	"activity":             "Activity",
	"theme":                "Theme",
	"location":             "Location",
	"description":          "Description",
	"description_language": "Description language",
	"loan_use":             "Loan use",
	"client_waiver_signed": "Client waiver signed",
	"image":                "Photo",
	"group_name":           "Group name",
	"group_loan_id":        "Group loan ID",
	"group_client_id":      "Group client ID",
	"pictured":             "Pictured",
	"due_date":             "Due date",
	"principal":            "Principal",
	"interest":             "Interest",
	"subject":              "Subject",
	"body":                 "Text",
	"image_url":            "Photo link",
	// Kiva JSON fields
	"activity_id":             "Activity",
	"theme_type_id":           "Theme",
	"description_language_id": "Description language",
	"loanuse":                 "Loan use",
	"disburse_time":           "Disbursal date",
	"image_encoded":           "Photo",
	"internal_loan_id":        "Group loan ID",
	"internal_client_id":      "Group client ID",
	"not_pictured":            "Not pictured",
	"entreps":                 "Borrowers",
	"schedule":                "Repayment schedule",
	"date":                    "Date",
}

// fieldLabel is the plain label of a problem's field in a folder of kind;
// "" for "". A key it does not know becomes words ("some_key" → "Some
// key"): never the raw key with its underscores.
func fieldLabel(key, kind string) string {
	key = strings.TrimSpace(key)
	if key == "" {
		return ""
	}
	if kind == batch.KindJournals {
		switch key {
		case "internal_loan_id":
			return "Loan ID"
		case "internal_client_id":
			return "Client ID"
		}
	}
	// entreps[1].gender → Borrower 2 · gender; schedule[0].date →
	// Payment 1 · date.
	for _, list := range []struct{ prefix, one string }{{"entreps[", "Borrower"}, {"schedule[", "Payment"}} {
		rest, ok := strings.CutPrefix(key, list.prefix)
		if !ok {
			continue
		}
		num, sub, ok := strings.Cut(rest, "]")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 {
			break
		}
		label := fmt.Sprintf("%s %d", list.one, n+1)
		if sub = strings.TrimPrefix(sub, "."); sub != "" {
			label += " · " + lowerFirst(fieldLabel(sub, kind))
		}
		return label
	}
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	words := strings.Fields(strings.NewReplacer("_", " ", ".", " ", "[", " ", "]", " ").Replace(key))
	if len(words) == 0 {
		return ""
	}
	s := strings.Join(words, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// lowerFirst lower-cases the first letter of a label ("First name" →
// "first name"), not the first word of an acronym ("ID").
func lowerFirst(s string) string {
	if s == "" || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// refNames turns the ids of a draft into the names of the reference data.
type refNames struct {
	activities, themes, languages map[int]string
}

func newRefNames(ref *kiva.Reference) refNames {
	var n refNames
	if ref == nil {
		return n
	}
	n.activities = map[int]string{}
	for _, a := range ref.Activities {
		if _, ok := n.activities[a.ID]; !ok && strings.TrimSpace(a.Name) != "" {
			n.activities[a.ID] = strings.TrimSpace(a.Name)
		}
	}
	n.themes = map[int]string{}
	for _, t := range ref.Themes {
		if _, ok := n.themes[t.ID]; !ok && strings.TrimSpace(t.Name) != "" {
			n.themes[t.ID] = strings.TrimSpace(t.Name)
		}
	}
	n.languages = map[int]string{}
	for _, l := range ref.Locales {
		name := strings.TrimSpace(l.LanguageName)
		if name == "" {
			name = strings.TrimSpace(l.LanguageCode)
		}
		if _, ok := n.languages[l.LanguageID]; !ok && name != "" {
			n.languages[l.LanguageID] = name
		}
	}
	return n
}

// named is "Agriculture (120)" when names knows id, the id alone when it
// does not (no reference data, or an id not in it), "" for no id.
func named(names map[int]string, id *int) string {
	if id == nil {
		return ""
	}
	if name, ok := names[*id]; ok {
		return name + " (" + strconv.Itoa(*id) + ")"
	}
	return strconv.Itoa(*id)
}
