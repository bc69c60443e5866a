package kiva

import (
	"testing"

	"golang.org/x/text/currency"
)

func TestCurrencyPlaces(t *testing.T) {
	tests := []struct {
		code   string
		places int
		ok     bool
	}{
		{"USD", 2, true},
		{"usd", 2, true},
		{"KES", 2, true},
		{"UGX", 0, true},
		{"XOF", 0, true},
		{"XAF", 0, true},
		{"JOD", 3, true},
		{"KWD", 3, true},
		{"PHP", 2, true},
		{"SLE", 2, true}, // supplement: newer than x/text's table
		{"MRU", 2, true},
		{"", 0, false},
		{"US", 0, false},
		{"USDT", 0, false},
		{"U$D", 0, false},
		{"ABC", 0, false},
		{"XXX", 0, false},
		{"ÜSD", 0, false},
	}
	for _, tt := range tests {
		places, ok := CurrencyPlaces(tt.code)
		if places != tt.places || ok != tt.ok {
			t.Errorf("CurrencyPlaces(%q) = %d, %v; want %d, %v", tt.code, places, ok, tt.places, tt.ok)
		}
	}
}

// TestCurrencyPlacesSupplement checks that, once golang.org/x/text learns a
// code of the supplement, both agree on its places (the entry can then go).
func TestCurrencyPlacesSupplement(t *testing.T) {
	for code, want := range newerCurrencies {
		u, err := currency.ParseISO(code)
		if err != nil {
			continue
		}
		if got, _ := currency.Standard.Rounding(u); got != want {
			t.Errorf("golang.org/x/text gives %s %d places, the supplement %d", code, got, want)
		}
	}
}
