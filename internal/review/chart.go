package review

import (
	"strconv"

	"github.com/kiva-partners/kivaconv/kiva"
)

// Chart geometry, in SVG user units. The SVG stretches to the card's width.
const (
	chartW = 320
	chartH = 80
)

// chartView is a loan draft's repayment schedule drawn as bars, one per
// date, principal below interest. Amounts shown (tooltips, caption, table)
// are exact; only the bars' pixel geometry goes through float64.
type chartView struct {
	W, H      int
	Bars      []barView
	Rows      []scheduleRow
	Count     int
	First     string
	Last      string
	Principal string // exact totals, formatted
	Interest  string
	Largest   string
}

// barView is one bar: coordinates as SVG attribute text, and its tooltip.
type barView struct {
	X, W   string
	PY, PH string // principal rectangle
	IY, IH string // interest rectangle, on top
	Title  string
}

// scheduleRow is one line of the schedule table under the chart.
type scheduleRow struct {
	Date, Principal, Interest, Total string
}

// newChart draws sched in currency; nil for an empty schedule.
func newChart(sched []kiva.ScheduleItem, currency string) *chartView {
	if len(sched) == 0 {
		return nil
	}
	c := &chartView{W: chartW, H: chartH, Count: len(sched), First: sched[0].Date, Last: sched[len(sched)-1].Date}
	var totP, totI, largest kiva.Amount
	sums := make([]kiva.Amount, len(sched))
	for i, s := range sched {
		totP = totP.Add(s.Principal)
		totI = totI.Add(s.Interest)
		sums[i] = s.Principal.Add(s.Interest)
		if i == 0 || sums[i].Cmp(largest) > 0 {
			largest = sums[i]
		}
	}
	c.Principal = formatMoney(totP, currency)
	c.Interest = formatMoney(totI, currency)
	c.Largest = formatMoney(largest, currency)
	// Pixel geometry only: the largest payment fills the height.
	top := largest.Decimal().InexactFloat64()
	slot := float64(chartW) / float64(len(sched))
	barW := slot * 0.7
	for i, s := range sched {
		p := nonNeg(s.Principal.Decimal().InexactFloat64())
		in := nonNeg(s.Interest.Decimal().InexactFloat64())
		var ph, ih float64
		if top > 0 {
			ph = min(p/top*chartH, chartH)
			ih = min(in/top*chartH, chartH-ph)
		}
		c.Bars = append(c.Bars, barView{
			X:  px(float64(i)*slot + (slot-barW)/2),
			W:  px(barW),
			PY: px(chartH - ph), PH: px(ph),
			IY: px(chartH - ph - ih), IH: px(ih),
			Title: s.Date + ": principal " + formatAmount(s.Principal, currency) + " + interest " +
				formatAmount(s.Interest, currency) + " = " + formatMoney(sums[i], currency),
		})
		c.Rows = append(c.Rows, scheduleRow{
			Date:      s.Date,
			Principal: formatAmount(s.Principal, currency),
			Interest:  formatAmount(s.Interest, currency),
			Total:     formatAmount(sums[i], currency),
		})
	}
	return c
}

// nonNeg is f, or 0 for a negative number or NaN (no bar goes down).
func nonNeg(f float64) float64 {
	if f < 0 || f != f {
		return 0
	}
	return f
}

// px writes a coordinate with two decimals, the same on every platform.
func px(f float64) string {
	return strconv.FormatFloat(f, 'f', 2, 64)
}
