package kiva

import (
	"golang.org/x/text/currency"
)

// newerCurrencies lists current ISO 4217 codes that the CLDR snapshot inside
// golang.org/x/text (v0.44) does not know yet, with their ISO minor units.
// Without it a partner in Sierra Leone (SLE since 2022) or Mauritania (MRU
// since 2018) could not send a single loan. An entry can go once x/text
// knows the code (TestCurrencyPlacesSupplement checks that both agree).
var newerCurrencies = map[string]int{
	"MRU": 2, // Mauritanian ouguiya (2018)
	"SLE": 2, // Sierra Leonean leone (2022)
	"VED": 2, // Venezuelan digital bolívar (2021)
	"VES": 2, // Venezuelan sovereign bolívar (2018)
	"XCG": 2, // Caribbean guilder (2025)
	"ZWG": 2, // Zimbabwe gold (2024)
}

// CurrencyPlaces reports how many decimal places amounts in the ISO 4217
// currency code may have: USD 2, KES 2, UGX 0, XOF 0, JOD 3. The code is
// three ASCII letters, matched case-insensitively; ok is false for anything
// else, for unknown codes and for XXX ("no currency").
//
// The number is CLDR's standard rounding scale (golang.org/x/text/currency),
// which is what accounting software shows. For a few currencies it is
// smaller than ISO 4217's minor unit because the fractional unit is no
// longer used: IDR, COP, IQD, MGA, PKR, LBP, ALL, AMD and a few more have 0
// places in CLDR (ISO says 2 or 3). Microfinance amounts in those
// currencies are whole numbers in practice.
func CurrencyPlaces(code string) (places int, ok bool) {
	if len(code) != 3 {
		return 0, false
	}
	var up [3]byte
	for i := 0; i < 3; i++ {
		c := code[i]
		switch {
		case c >= 'A' && c <= 'Z':
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		default:
			return 0, false
		}
		up[i] = c
	}
	s := string(up[:])
	if s == "XXX" {
		return 0, false
	}
	if p, ok := newerCurrencies[s]; ok {
		return p, true
	}
	u, err := currency.ParseISO(s)
	if err != nil {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, true
}
