package kiva

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func loadTestReference(t testing.TB) *Reference {
	t.Helper()
	ref, err := LoadReference(filepath.Join("testdata", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestLoadReference(t *testing.T) {
	ref := loadTestReference(t)
	if ref.AsOf != "2025-06-01T08:30:00Z" {
		t.Errorf("AsOf = %q", ref.AsOf)
	}
	if len(ref.Activities) != 14 || len(ref.Locales) != 4 || len(ref.Themes) != 6 || len(ref.Locations) != 7 {
		t.Errorf("counts: %d activities, %d locales, %d themes, %d locations",
			len(ref.Activities), len(ref.Locales), len(ref.Themes), len(ref.Locations))
	}
	if got := ref.Activities[0]; got != (Activity{ID: 120, Name: "Farming"}) {
		t.Errorf("first activity %+v", got)
	}
	if got := ref.Locations[5]; got != (Location{Country: "Senegal", Location: "Thiès", FullName: "Thiès, Thiès Region, Senegal"}) {
		t.Errorf("location %+v", got)
	}
	if got := ref.Locales[2]; got != (Locale{LanguageID: 2, LanguageCode: "fr", LanguageName: "French", Currency: "XOF"}) {
		t.Errorf("locale %+v", got)
	}
}

func TestLoadReferenceSingleEndpointCamelCase(t *testing.T) {
	ref, err := LoadReference(filepath.Join("testdata", "config_activities_camel.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Activity{{120, "Farming"}, {61, "Retail"}, {4, "Tailoring"}}
	if !reflect.DeepEqual(ref.Activities, want) {
		t.Errorf("activities %+v, want %+v", ref.Activities, want)
	}
	if ref.AsOf != "2025-06-01T08:30:00Z" {
		t.Errorf("AsOf = %q", ref.AsOf)
	}
	if ref.Locales != nil || ref.Themes != nil || ref.Locations != nil {
		t.Errorf("unexpected lists: %+v", ref)
	}
}

func TestDecodeReferenceLenient(t *testing.T) {
	doc := "\ufeff" + `{
	  "themes": {"as_of_date_time": "x", "themes": [{"themeTypeId": "7", "themeType": "Underserved"}], "code": "api.success"},
	  "locales": [{"languageId": 2, "languageCode": "fr", "languageName": "Français", "currency": "XOF"}],
	  "locations": [{"country": "Brazil", "location": "São Paulo", "fullName": "São Paulo, São Paulo, Brazil", "lat": -23.5}],
	  "activities": [{"activity_id": 1, "activityId": 2, "activity": "Farming"}],
	  "partner_id": 123
	}`
	ref, err := DecodeReference(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Theme{{7, "Underserved"}}; !reflect.DeepEqual(ref.Themes, want) {
		t.Errorf("themes %+v", ref.Themes)
	}
	if want := []Locale{{2, "fr", "Français", "XOF"}}; !reflect.DeepEqual(ref.Locales, want) {
		t.Errorf("locales %+v", ref.Locales)
	}
	if ref.Locations[0].FullName != "São Paulo, São Paulo, Brazil" {
		t.Errorf("locations %+v", ref.Locations)
	}
	// Both spellings present: the snake_case one wins.
	if ref.Activities[0].ID != 1 {
		t.Errorf("activity id %d, want the snake_case value 1", ref.Activities[0].ID)
	}
	if id, ok, _ := ref.Language("francais"); !ok || id != 2 {
		t.Errorf(`Language("francais") = %d, %v`, id, ok)
	}
}

func TestDecodeReferenceErrors(t *testing.T) {
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"empty", "  ", "empty"},
		{"syntax", "{\n  \"activities\": [\n    {\"activity_id\": 1,}\n  ]\n}", "line 3"},
		{"array", `[{"activity_id": 1, "activity": "Farming"}]`, "must be a JSON object"},
		{"no lists", `{"as_of_date_time": "x"}`, "no \"activities\""},
		{"kiva error", `{"code": "api.unauthorized", "message": "Invalid token"}`, `code "api.unauthorized", message "Invalid token"`},
		{"list not a list", `{"activities": "Farming"}`, "activities should be a list"},
		{"item not an object", `{"activities": [1]}`, "activities[0] should be an object"},
		{"id missing", `{"activities": [{"activity_id": 1, "activity": "A"}, {"activity": "Farming"}]}`, "activities[1]: activity_id is missing"},
		{"id not a number", `{"themes": [{"theme_type_id": "seven", "theme_type": "Green"}]}`, `themes[0]: theme_type_id "seven" is not a whole number`},
		{"id fraction", `{"activities": [{"activity_id": 1.5, "activity": "A"}]}`, "activity_id 1.5 is not a whole number"},
		{"name missing", `{"activities": [{"activity_id": 1}]}`, "activities[0]: activity is missing"},
		{"name empty", `{"themes": [{"theme_type_id": 1, "theme_type": " "}]}`, "themes[0]: theme_type is empty"},
		{"name not text", `{"activities": [{"activity_id": 1, "activity": ["A"]}]}`, "activity should be text"},
		{"full_name missing", `{"locations": [{"country": "Uganda", "location": "Gulu"}]}`, "locations[0]: full_name is missing"},
		{"locale id missing", `{"locales": [{"language_code": "en"}]}`, "locales[0]: language_id is missing"},
	} {
		_, err := DecodeReference(strings.NewReader(tt.doc))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not contain %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadReferenceErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "ref.json")
	if err := os.WriteFile(bad, []byte(`{"activities": [{"activity": "Farming"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{bad, bad + ": activities[0]: activity_id is missing"},
		{dir, "is a folder"},
		{filepath.Join(dir, "missing.json"), "missing.json"},
	} {
		_, err := LoadReference(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadReference(%s) = %v, want an error containing %q", tt.path, err, tt.want)
		}
	}
}

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"Farming":                      "farming",
		"  FOOD   Market\t":            "food market",
		"Café":                         "cafe",
		"Cafe\u0301":                   "cafe", // decomposed accent
		"São Paulo, São Paulo, Brazil": "sao paulo, sao paulo, brazil",
		"Thiès\u00a0Region":            "thies region", // no-break space
		"Food Production/Sales":        "food production/sales",
		"":                             "",
	} {
		if got := nameKey(in); got != want {
			t.Errorf("nameKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := locationKey("Kampala ,Central Region,  Uganda"); got != "kampala, central region, uganda" {
		t.Errorf("locationKey = %q", got)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"farming", "farming", 0}, {"farmin", "farming", 1},
		{"retial", "retail", 1}, {"kitten", "sitting", 3}, {"", "abc", 3},
	} {
		if got := editDistance([]rune(tt.a), []rune(tt.b)); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

type lookupCase struct {
	in   string
	id   int
	ok   bool
	sugg []string
}

func checkLookups(t *testing.T, what string, f func(string) (int, bool, []string), cases []lookupCase) {
	t.Helper()
	for _, c := range cases {
		id, ok, sugg := f(c.in)
		if id != c.id || ok != c.ok || !reflect.DeepEqual(sugg, c.sugg) {
			t.Errorf("%s(%q) = %d, %v, %q; want %d, %v, %q", what, c.in, id, ok, sugg, c.id, c.ok, c.sugg)
		}
	}
}

func TestReferenceActivity(t *testing.T) {
	ref := loadTestReference(t)
	checkLookups(t, "Activity", ref.Activity, []lookupCase{
		{"120", 120, true, nil},
		{" 61 ", 61, true, nil},
		{"Farming", 120, true, nil},
		{"farming ", 120, true, nil},
		{"FOOD  MARKET", 99, true, nil},
		{"Cafe", 81, true, nil},
		{"café", 81, true, nil},
		{"Food Production/Sales", 72, true, nil},
		{"Farmin", 0, false, []string{"Farming"}},
		{"Retial", 0, false, []string{"Retail"}},
		{"Food", 0, false, []string{"Food Market", "Food Production/Sales"}},
		{"Food Production / Sales", 0, false, []string{"Food Production/Sales"}},
		{"Astronaut", 0, false, nil},
		{"999", 0, false, nil},
		{"", 0, false, nil},
	})
	var nilRef *Reference
	if _, ok, _ := nilRef.Activity("Farming"); ok {
		t.Error("nil reference resolved a name")
	}
}

func TestReferenceActivityAmbiguous(t *testing.T) {
	ref := &Reference{Activities: []Activity{{1, "Farming"}, {2, "farming"}, {3, "Retail"}}}
	checkLookups(t, "Activity", ref.Activity, []lookupCase{
		{"Farming", 0, false, []string{"Farming", "farming"}},
		{"2", 2, true, nil},
	})
}

func TestReferenceTheme(t *testing.T) {
	ref := loadTestReference(t)
	checkLookups(t, "Theme", ref.Theme, []lookupCase{
		{"10", 10, true, nil},
		{"Rural Exclusion", 10, true, nil},
		{"women entrepreneurs", 12, true, nil},
		{"Underservd", 0, false, []string{"Underserved"}},
		{"Women", 0, false, []string{"Women Entrepreneurs"}},
		{"0", 0, false, nil},
	})
}

func TestReferenceLanguage(t *testing.T) {
	ref := loadTestReference(t)
	checkLookups(t, "Language", ref.Language, []lookupCase{
		{"1", 1, true, nil},
		{"en", 1, true, nil}, // two English locales (UGX, USD): one language
		{"English", 1, true, nil},
		{"FR", 2, true, nil},
		{"french", 2, true, nil},
		{"es", 3, true, nil},
		{"Spanish", 3, true, nil},
		{"Frnech", 0, false, []string{"French"}},
		{"Swahili", 0, false, nil},
		{"4", 0, false, nil},
	})
}

func TestReferenceLocation(t *testing.T) {
	ref := loadTestReference(t)
	for _, c := range []struct {
		in   string
		full string
		ok   bool
		sugg []string
	}{
		{"Kampala, Central Region, Uganda", "Kampala, Central Region, Uganda", true, nil},
		{"kampala,central region ,  UGANDA", "Kampala, Central Region, Uganda", true, nil},
		{"Kampala", "Kampala, Central Region, Uganda", true, nil},
		{"gulu", "Gulu, Northern Region, Uganda", true, nil},
		{"Sao Paulo", "São Paulo, São Paulo, Brazil", true, nil},
		{"thies, thies region, senegal", "Thiès, Thiès Region, Senegal", true, nil},
		{"Busia", "", false, []string{"Busia, Eastern Region, Uganda", "Busia, Western Province, Kenya"}},
		{"Busia, Western Province, Kenya", "Busia, Western Province, Kenya", true, nil},
		{"Kampla", "", false, []string{"Kampala, Central Region, Uganda"}},
		{"Kampala, Uganda", "", false, []string{"Kampala, Central Region, Uganda"}},
		{"Nairobi", "", false, nil},
		{"", "", false, nil},
	} {
		full, ok, sugg := ref.Location(c.in)
		if full != c.full || ok != c.ok || !reflect.DeepEqual(sugg, c.sugg) {
			t.Errorf("Location(%q) = %q, %v, %q; want %q, %v, %q", c.in, full, ok, sugg, c.full, c.ok, c.sugg)
		}
	}
}

func TestReferenceCurrencies(t *testing.T) {
	ref := loadTestReference(t)
	if got, want := ref.Currencies(), []string{"UGX", "USD", "XOF"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Currencies() = %q, want %q", got, want)
	}
	for c, want := range map[string]bool{"UGX": true, "usd": true, " XOF ": true, "KES": false, "": false} {
		if got := ref.HasCurrency(c); got != want {
			t.Errorf("HasCurrency(%q) = %v", c, got)
		}
	}
	var nilRef *Reference
	if nilRef.Currencies() != nil || nilRef.HasCurrency("USD") {
		t.Error("nil reference has currencies")
	}
}
