package kiva

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Amount is an exact decimal number (money, never a float). It marshals to a
// bare JSON number in its shortest exact form: 84.85, 100, 0.5.
type Amount struct{ d decimal.Decimal }

// NewAmount wraps an exact decimal.
func NewAmount(d decimal.Decimal) Amount { return Amount{d} }

// ParseAmount reads a plain decimal literal ("-12.50", "7"). It accepts no
// thousands separators, no exponent and no locale: use package values for
// spreadsheet text.
func ParseAmount(s string) (Amount, error) {
	if !isPlainDecimal(s) {
		return Amount{}, fmt.Errorf("%q is not a plain decimal number", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Amount{}, err
	}
	return Amount{d}, nil
}

// MustAmount is ParseAmount for constants in tests and tables.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

func isPlainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// Decimal returns the underlying exact value.
func (a Amount) Decimal() decimal.Decimal { return a.d }

// String is the shortest exact form, trailing zeros removed.
func (a Amount) String() string { return a.d.String() }

// IsZero, Sign, Add, Cmp and Equal are the exact arithmetic the rules need.
func (a Amount) IsZero() bool        { return a.d.IsZero() }
func (a Amount) Sign() int           { return a.d.Sign() }
func (a Amount) Add(b Amount) Amount { return Amount{a.d.Add(b.d)} }
func (a Amount) Cmp(b Amount) int    { return a.d.Cmp(b.d) }
func (a Amount) Equal(b Amount) bool { return a.d.Equal(b.d) }
func (a Amount) IsInteger() bool     { return a.d.IsInteger() }

// Places is the number of decimal places needed to write the value exactly
// (84.850 → 2).
func (a Amount) Places() int {
	s := a.d.String()
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return len(s) - i - 1
		}
	}
	return 0
}

// MarshalJSON writes a bare JSON number.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.d.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one (a reviewer
// may have edited a batch by hand); floats never touch the value.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("amount %s is not a decimal number", b)
	}
	a.d = d
	return nil
}
