package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
)

// progressEvery is the shortest time between two redraws of a progress bar.
const progressEvery = 100 * time.Millisecond

// progressBar draws one status line on a terminal's stderr:
//
//	loans.xlsx  [=========>          ]  45%  450/1000 rows  120/s  ETA 5s  loan-draft-0450.json
//	loans.xlsx  12288 rows  40960/s  0.3s
//
// the second form when the total is unknown. It redraws in place (\r and
// ESC[K), at most every progressEvery, fits the terminal's width, and
// colours the filled part only when colour is allowed. Log prints a line
// above the bar. It is safe for concurrent use; Write makes it an
// io.Writer for log lines (send's Options.Log).
type progressBar struct {
	mu     sync.Mutex
	w      io.Writer
	label  string
	unit   string // after the count: "rows", "batches" (may be empty)
	total  int64  // 0: unknown
	color  bool
	quiet  bool             // not a terminal: draw nothing; Log prints plain lines
	now    func() time.Time // the clock (tests inject a fake one)
	width  func() int       // the terminal's columns
	start  time.Time        // when the work began: the bar's creation
	last   time.Time        // last draw
	done   int64
	detail string
	drawn  bool   // drawn at least once
	shown  bool   // the bar is on screen and the cursor on its line
	ended  bool   // Done or Clear was called
	buf    []byte // Write: the start of an unfinished line
}

// newProgressBar returns a bar that draws on w (a terminal). total is the
// amount of work (0 = unknown: the bar shows a counter and a rate);
// color allows ANSI colours (the caller turns it off for NO_COLOR).
// Rates count from now; nothing is drawn before the first Set.
func newProgressBar(w io.Writer, label string, total int64, color bool) *progressBar {
	return &progressBar{w: w, label: clean(label), total: total, color: color, now: time.Now, width: termWidth(w), start: time.Now()}
}

// progressFor is the bar for a command's stderr: it draws only when stderr
// is a terminal, in colour when io.Color allows it. Otherwise it is quiet:
// Set and Done draw nothing and Log prints plain lines.
func progressFor(io *IO, label, unit string, total int64) *progressBar {
	b := newProgressBar(io.Err, label, total, io.Color)
	b.unit = unit
	b.quiet = !io.ErrTTY
	return b
}

// termWidth reports the columns of the terminal behind w, or 80.
func termWidth(w io.Writer) func() int {
	f, ok := w.(interface{ Fd() uintptr })
	return func() int {
		if ok {
			if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
				return cols
			}
		}
		return 80
	}
}

// Set records the work done so far and what is being worked on (detail
// may be ""), and redraws unless the last redraw is under progressEvery
// old. Set, SetTotal, Done and Clear do nothing on a nil bar.
func (b *progressBar) Set(done int64, detail string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended || b.quiet {
		return
	}
	t := b.now()
	b.done, b.detail = done, clean(detail)
	if b.drawn && t.Sub(b.last) < progressEvery {
		return
	}
	b.draw(t, false)
}

// SetTotal changes the amount of work (0 = unknown), for work whose size
// is learnt on the way (send reports it with each batch).
func (b *progressBar) SetTotal(total int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total = total
}

// Log prints line above the bar (the bar is redrawn below it).
func (b *progressBar) Log(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.log(line)
}

func (b *progressBar) log(line string) {
	line = strings.TrimRight(line, "\r\n")
	if b.shown {
		io.WriteString(b.w, "\r\x1b[K")
		b.shown = false
	}
	io.WriteString(b.w, line+"\n")
	if b.drawn && !b.ended {
		b.draw(b.now(), false)
	}
}

// Write lets the bar stand in for an io.Writer of log lines: each complete
// line is printed with Log.
func (b *progressBar) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	for {
		i := strings.IndexByte(string(b.buf), '\n')
		if i < 0 {
			break
		}
		b.log(string(b.buf[:i]))
		b.buf = b.buf[i+1:]
	}
	return len(p), nil
}

// Done draws the final state ("… in 8s") and ends the line, when the bar
// was drawn at all: a job too short to have shown progress leaves no trace.
// Later calls do nothing.
func (b *progressBar) Done() {
	b.finish(true)
}

// Clear erases the bar and leaves the cursor at the start of its line.
// Later calls do nothing.
func (b *progressBar) Clear() {
	b.finish(false)
}

func (b *progressBar) finish(final bool) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) > 0 {
		b.log(string(b.buf))
		b.buf = nil
	}
	if b.ended {
		return
	}
	b.ended = true
	if b.quiet || !b.drawn {
		return
	}
	if final {
		b.draw(b.now(), true)
		io.WriteString(b.w, "\n")
	} else if b.shown {
		io.WriteString(b.w, "\r\x1b[K")
	}
	b.shown = false
}

// draw writes the bar over the current line.
func (b *progressBar) draw(t time.Time, final bool) {
	io.WriteString(b.w, "\r"+b.render(t, final)+"\x1b[K")
	b.drawn, b.shown, b.last = true, true, t
}

const (
	green = "\x1b[32m"
	reset = "\x1b[0m"
)

// render is the bar's line at time t, at most width-1 columns (writing the
// last column makes some terminals wrap).
func (b *progressBar) render(t time.Time, final bool) string {
	elapsed := t.Sub(b.start)
	rate := -1.0 // unknown
	if elapsed > 0 && b.done > 0 {
		rate = float64(b.done) / elapsed.Seconds()
	}
	count := fmt.Sprint(b.done)
	if b.total > 0 {
		count += "/" + fmt.Sprint(b.total)
	}
	if b.unit != "" {
		count += " " + b.unit
	}
	var pct, rateText, timeText string
	if b.total > 0 {
		pct = fmt.Sprintf("%3d%%", percent(b.done, b.total))
	}
	if rate >= 0 {
		rateText = formatRate(rate)
	}
	switch {
	case final:
		timeText = "in " + formatDuration(elapsed)
	case b.total > 0:
		eta := "--"
		if rate > 0 && b.done <= b.total {
			eta = formatDuration(time.Duration(float64(b.total-b.done) / rate * float64(time.Second)))
		}
		timeText = "ETA " + eta
	default:
		timeText = formatDuration(elapsed)
	}
	// On a narrow terminal the rate goes first, then the time.
	cols := b.width() - 1
	var statText string
	for _, parts := range [][]string{{pct, count, rateText, timeText}, {pct, count, timeText}, {pct, count}} {
		statText = joinNonEmpty(parts)
		if runes(b.label)+2+runes(statText) <= cols {
			break
		}
	}
	avail := cols - runes(b.label) - 2 - runes(statText)
	detail := b.detail
	if final {
		detail = ""
	}
	wantDetail := 0
	if detail != "" {
		wantDetail = 2 + min(runes(detail), 30)
	}
	barW := 0
	if b.total > 0 && avail-4 >= 10 { // "  [" + bar + "]"
		barW = min(max(avail-4-wantDetail, 10), 25)
		avail -= barW + 4
	}
	if detail != "" && avail-2 >= 4 {
		detail = truncate(detail, avail-2)
	} else {
		detail = ""
	}

	var s strings.Builder
	s.WriteString(b.label)
	if barW > 0 {
		fill := int(int64(barW) * min(b.done, b.total) / b.total)
		s.WriteString("  [")
		if b.color {
			s.WriteString(green)
		}
		s.WriteString(strings.Repeat("=", fill))
		if fill < barW {
			if fill > 0 {
				s.WriteString(">")
				fill++
			}
		}
		if b.color {
			s.WriteString(reset)
		}
		s.WriteString(strings.Repeat(" ", barW-fill))
		s.WriteString("]")
	}
	s.WriteString("  ")
	if b.color && b.total <= 0 {
		// The counter is the moving part of a bar without a total.
		s.WriteString(green + count + reset + strings.TrimPrefix(statText, count))
	} else {
		s.WriteString(statText)
	}
	if detail != "" {
		s.WriteString("  " + detail)
	}
	return truncateStyled(s.String(), cols)
}

// joinNonEmpty joins the non-empty parts with two spaces.
func joinNonEmpty(parts []string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "  ")
}

// percent is done/total in whole percent, 0 to 100.
func percent(done, total int64) int64 {
	p := done * 100 / total
	return min(max(p, 0), 100)
}

// formatRate is "2.0/min" under one a second, "2.5/s", "120/s".
func formatRate(r float64) string {
	if r < 1 {
		return fmt.Sprintf("%.1f/min", r*60)
	}
	if r < 10 {
		return fmt.Sprintf("%.1f/s", r)
	}
	return fmt.Sprintf("%.0f/s", r)
}

// formatDuration is "0.3s", "12s", "4m05s" or "1h02m".
func formatDuration(d time.Duration) string {
	d = max(d, 0)
	if d < 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// truncate shortens s to n runes, ending in "…" when cut.
func truncate(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// truncateStyled cuts a line with colour codes to n visible runes,
// keeping the codes (a cut inside a colour still resets it).
func truncateStyled(s string, n int) string {
	if n < 1 {
		return ""
	}
	var out strings.Builder
	visible, styled := 0, false
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			code := s[i : i+j+1]
			out.WriteString(code)
			styled = code != reset
			i += j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if visible == n {
			if styled {
				out.WriteString(reset)
			}
			return out.String()
		}
		out.WriteRune(r)
		visible++
		i += size
	}
	return out.String()
}

// clean keeps a label or detail on one line: control characters (a file
// name may hold any) become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
