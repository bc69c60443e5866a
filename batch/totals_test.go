package batch

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/kiva-partners/kivaconv/kiva"
)

// The int64 fast path of the totals gives exactly what adding the amounts
// one by one as decimals gives: same value, same string (same exponent),
// across scales, signs, amounts too big for it and sums that overflow it.
func TestTotalsMatchDecimalSum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	big := []string{"9223372036854775807", "-9223372036854775808", "123456789012345678901234567890.12", "0.0000000000000000000001"}
	for round := range 50 {
		var tot total
		var want kiva.Amount
		for i := range 200 {
			var a kiva.Amount
			switch k := r.IntN(10); {
			case k == 0:
				a = kiva.MustAmount(big[r.IntN(len(big))])
			case k == 1:
				a = kiva.NewAmount(decimal.New(r.Int64N(1<<62)*int64(1-2*r.IntN(2)), -int32(r.IntN(4))))
			case k == 2:
				a = kiva.Amount{}
			default:
				s := strconv.Itoa(r.IntN(1_000_000) - 1000)
				if r.IntN(2) == 0 {
					s += "." + strconv.Itoa(r.IntN(1000))
				}
				a = kiva.MustAmount(s)
			}
			tot.add(a)
			want = want.Add(a)
			if round == 0 && i > 50 {
				break
			}
		}
		got := tot.sum()
		if !got.Amount.Equal(want) || got.Amount.String() != want.String() || got.Amount.Decimal().Exponent() != want.Decimal().Exponent() {
			t.Fatalf("round %d: total %s (exp %d), want %s (exp %d)", round, got.Amount, got.Amount.Decimal().Exponent(), want, want.Decimal().Exponent())
		}
	}
}
