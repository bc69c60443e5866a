package kiva

// Reference is the reference data behind names → ids lookups, in the shape
// of Kiva's config endpoints (GET /v3/partner/{id}/config/{activities,
// locales,themes,locations}) merged into one document:
//
//	{"as_of_date_time": "...", "activities": [...], "locales": [...],
//	 "themes": [...], "locations": [...]}
//
// A file holding a single endpoint's answer (with "code" and "message")
// decodes too. Keys are snake_case; camelCase spellings are accepted.
type Reference struct {
	AsOf       string     `json:"as_of_date_time,omitempty"`
	Activities []Activity `json:"activities,omitempty"`
	Locales    []Locale   `json:"locales,omitempty"`
	Themes     []Theme    `json:"themes,omitempty"`
	Locations  []Location `json:"locations,omitempty"`
}

// Activity is an item of config/activities.
type Activity struct {
	ID   int    `json:"activity_id"`
	Name string `json:"activity"`
}

// Locale is an item of config/locales.
type Locale struct {
	LanguageID   int    `json:"language_id"`
	LanguageCode string `json:"language_code"`
	LanguageName string `json:"language_name"`
	Currency     string `json:"currency"`
}

// Theme is an item of config/themes.
type Theme struct {
	ID   int    `json:"theme_type_id"`
	Name string `json:"theme_type"`
}

// Location is an item of config/locations.
type Location struct {
	Country  string `json:"country"`
	Location string `json:"location"`
	FullName string `json:"full_name"`
}
