package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// testBar is a bar on a buffer with a fake clock and a fixed width.
func testBar(label string, total int64, color bool, width int) (*progressBar, *bytes.Buffer, *fakeClock) {
	var buf bytes.Buffer
	clk := &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	b := newProgressBar(&buf, label, total, color)
	b.now = clk.now
	b.width = func() int { return width }
	b.start = clk.now()
	return b, &buf, clk
}

// screen replays terminal output: \r returns to the line's start, ESC[K
// erases to its end, \n ends it, colour codes are dropped. It returns the
// lines as a person would see them; the last one is the current line.
func screen(out string) []string {
	lines := []string{}
	var cur []rune
	col := 0
	for i := 0; i < len(out); {
		switch {
		case strings.HasPrefix(out[i:], "\x1b["):
			j := i + 2
			for j < len(out) && (out[j] < '@' || out[j] > '~') {
				j++
			}
			if j < len(out) && out[j] == 'K' {
				cur = cur[:col]
			}
			i = j + 1
			continue
		case out[i] == '\r':
			col = 0
		case out[i] == '\n':
			lines = append(lines, string(cur))
			cur, col = nil, 0
		default:
			r, size := utf8.DecodeRuneInString(out[i:])
			if col < len(cur) {
				cur[col] = r
			} else {
				cur = append(cur, r)
			}
			col++
			i += size
			continue
		}
		i++
	}
	return append(lines, string(cur))
}

func TestProgressThrottle(t *testing.T) {
	b, buf, clk := testBar("loans.xlsx", 100, false, 80)
	draws := func() int { return strings.Count(buf.String(), "\r") }
	steps := []struct {
		after     time.Duration
		done      int64
		wantDraws int
	}{
		{0, 1, 1},                     // the first Set draws at once
		{50 * time.Millisecond, 2, 1}, // too soon
		{49 * time.Millisecond, 3, 1}, // 99 ms after the draw: still too soon
		{1 * time.Millisecond, 4, 2},  // 100 ms: draws, with the latest state
		{10 * time.Millisecond, 5, 2},
		{time.Second, 6, 3},
	}
	for i, s := range steps {
		clk.advance(s.after)
		b.Set(s.done, "")
		if got := draws(); got != s.wantDraws {
			t.Fatalf("step %d: %d draws, want %d", i, got, s.wantDraws)
		}
	}
	sc := screen(buf.String())
	if len(sc) != 1 || !strings.Contains(sc[0], "6/100") {
		t.Errorf("screen %q: want one line showing 6/100", sc)
	}
}

func TestProgressLines(t *testing.T) {
	for _, tc := range []struct {
		name         string
		total        int64
		done         int64
		elapsed      time.Duration
		detail, unit string
		want         []string
		deny         []string
	}{
		{name: "known total", total: 1000, done: 250, elapsed: 10 * time.Second, unit: "rows", detail: "loan-draft-0250.json",
			want: []string{"loans.xlsx  [", "]   25%  250/1000 rows  25/s  ETA 30s  loan-draft-0250.json", "[======>"}},
		{name: "slow", total: 40, done: 3, elapsed: 90 * time.Second,
			want: []string{"  7%  3/40  2.0/min  ETA 18m30s"}},
		{name: "unknown total", total: 0, done: 12288, elapsed: 3 * time.Second, unit: "rows",
			want: []string{"loans.xlsx  12288 rows  4096/s  3.0s"}, deny: []string{"%", "ETA", "["}},
		{name: "nothing done yet", total: 10, done: 0, elapsed: 0,
			want: []string{"  0%  0/10  ETA --"}, deny: []string{"/s"}},
		{name: "more than the total", total: 10, done: 12, elapsed: time.Second,
			want: []string{"100%  12/10  12/s  ETA --", "[=========================]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, buf, clk := testBar("loans.xlsx", tc.total, false, 100)
			b.unit = tc.unit
			b.Set(0, "")
			clk.advance(tc.elapsed)
			b.Set(tc.done, tc.detail)
			if tc.elapsed < progressEvery {
				clk.advance(progressEvery)
				b.Set(tc.done, tc.detail)
			}
			line := screen(buf.String())[0]
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q lacks %q", line, w)
				}
			}
			for _, w := range tc.deny {
				if strings.Contains(line, w) {
					t.Errorf("line %q has %q", line, w)
				}
			}
			if n := utf8.RuneCountInString(line); n > 99 {
				t.Errorf("line is %d columns wide, terminal has 100", n)
			}
		})
	}
}

func TestProgressDone(t *testing.T) {
	b, buf, clk := testBar("sending", 4, false, 80)
	b.unit = "batches"
	for i := int64(1); i <= 4; i++ {
		clk.advance(time.Second)
		b.Set(i, fmt.Sprintf("loan-draft-%04d.json", i))
	}
	b.Done()
	out := buf.String()
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("Done does not end the line: %q", out)
	}
	sc := screen(out)
	final := sc[len(sc)-2]
	for _, w := range []string{"sending  [", "100%  4/4 batches", "in 4.0s"} {
		if !strings.Contains(final, w) {
			t.Errorf("final line %q lacks %q", final, w)
		}
	}
	if strings.Contains(final, "ETA") || strings.Contains(final, "json") {
		t.Errorf("final line %q still shows the ETA or the detail", final)
	}
	// Done ends the bar: nothing more is drawn.
	n := buf.Len()
	b.Done()
	b.Clear()
	b.Set(5, "x")
	if buf.Len() != n {
		t.Errorf("output after Done: %q", buf.String()[n:])
	}
	// Log still prints.
	b.Log("after")
	if !strings.HasSuffix(buf.String(), "after\n") {
		t.Errorf("Log after Done: %q", buf.String()[n:])
	}
}

func TestProgressNeverDrawnLeavesNoTrace(t *testing.T) {
	b, buf, _ := testBar("loans.xlsx", 0, true, 80)
	b.Done()
	b2, buf2, _ := testBar("loans.xlsx", 0, true, 80)
	b2.Clear()
	if buf.Len()+buf2.Len() != 0 {
		t.Errorf("a bar never Set wrote %q and %q", buf, buf2)
	}
}

func TestProgressClear(t *testing.T) {
	b, buf, _ := testBar("loans.xlsx", 0, false, 80)
	b.Set(4096, "")
	b.Clear()
	if sc := screen(buf.String()); len(sc) != 1 || sc[0] != "" {
		t.Errorf("after Clear the screen shows %q", sc)
	}
}

func TestProgressColor(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total int64
		color bool
	}{
		{"NO_COLOR, known total", 10, false},
		{"NO_COLOR, unknown total", 0, false},
		{"colour, known total", 10, true},
		{"colour, unknown total", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, buf, clk := testBar("x.csv", tc.total, tc.color, 80)
			b.Set(3, "d")
			clk.advance(time.Second)
			b.Set(5, "d")
			b.Log("a warning")
			b.Done()
			out := buf.String()
			if got := strings.Contains(out, "\x1b[3"); got != tc.color {
				t.Errorf("colour codes present: %v, want %v: %q", got, tc.color, out)
			}
			if strings.Count(out, "\x1b[3") != strings.Count(out, reset) {
				t.Errorf("every colour must be reset: %q", out)
			}
			if !strings.Contains(out, "\x1b[K") {
				t.Errorf("bar does not erase to the end of the line: %q", out)
			}
		})
	}
}

func TestProgressLogAboveBar(t *testing.T) {
	b, buf, clk := testBar("send", 3, false, 80)
	b.Log("before the bar")
	b.Set(1, "loan-draft-0001.json")
	clk.advance(time.Millisecond)
	b.Log("loan-draft-0001.json: accepted")
	fmt.Fprintf(b, "loan-draft-0002.json: 503, ")
	fmt.Fprintf(b, "retrying\nsecond line\n")
	sc := screen(buf.String())
	want := []string{"before the bar", "loan-draft-0001.json: accepted", "loan-draft-0002.json: 503, retrying", "second line"}
	if len(sc) != len(want)+1 {
		t.Fatalf("screen %q", sc)
	}
	for i, w := range want {
		if sc[i] != w {
			t.Errorf("line %d = %q, want %q", i, sc[i], w)
		}
	}
	if !strings.Contains(sc[len(sc)-1], "1/3") {
		t.Errorf("the bar is not redrawn below the log lines: %q", sc[len(sc)-1])
	}
	// An unfinished log line is flushed by Done, above the final bar.
	fmt.Fprint(b, "no newline")
	b.Done()
	sc = screen(buf.String())
	if sc[len(sc)-3] != "no newline" || !strings.Contains(sc[len(sc)-2], "1/3") {
		t.Errorf("screen after Done: %q", sc)
	}
}

func TestProgressFitsWidth(t *testing.T) {
	long := strings.Repeat("very-long-file-name-", 10) + ".json"
	for _, width := range []int{20, 40, 60, 80, 200} {
		for _, total := range []int64{0, 50} {
			b, buf, clk := testBar("repayments-march.xlsx", total, true, width)
			b.Set(1, long)
			clk.advance(time.Second)
			b.Set(25, long)
			for _, l := range screen(buf.String()) {
				if n := utf8.RuneCountInString(l); n > width-1 {
					t.Errorf("width %d total %d: line of %d columns: %q", width, total, n, l)
				}
			}
		}
	}
	b, buf, _ := testBar("a.csv", 10, false, 80)
	b.Set(1, long)
	line := screen(buf.String())[0]
	if !strings.Contains(line, "[") || !strings.HasSuffix(line, "…") {
		t.Errorf("at 80 columns the bar stays and the detail is shortened: %q", line)
	}
}

func TestProgressNarrowDropsRateFirst(t *testing.T) {
	for _, tc := range []struct {
		width int
		want  string
	}{
		{120, " 42%  420/1000 rows  168/s  ETA 3.5s"},
		{50, " 42%  420/1000 rows  ETA 3.5s"},
		{40, " 42%  420/1000 rows"},
	} {
		b, buf, clk := testBar("repayments.xlsx", 1000, false, tc.width)
		b.unit = "rows"
		clk.advance(2500 * time.Millisecond)
		b.Set(420, "")
		if line := screen(buf.String())[0]; !strings.HasSuffix(line, tc.want) {
			t.Errorf("width %d: %q, want it to end in %q", tc.width, line, tc.want)
		}
	}
}

func TestProgressSetTotalAndNil(t *testing.T) {
	b, buf, clk := testBar("sending", 0, false, 80)
	b.SetTotal(8)
	clk.advance(time.Second)
	b.Set(2, "")
	if line := screen(buf.String())[0]; !strings.Contains(line, " 25%  2/8") {
		t.Errorf("after SetTotal: %q", line)
	}
	var nilBar *progressBar
	nilBar.Set(1, "x")
	nilBar.SetTotal(3)
	nilBar.Done()
	nilBar.Clear()
}

func TestProgressQuiet(t *testing.T) {
	var buf bytes.Buffer
	io := &IO{Err: &buf, ErrTTY: false, Color: false}
	b := progressFor(io, "loans.xlsx", "rows", 10)
	b.Set(5, "x")
	b.Log("a line")
	b.Done()
	if buf.String() != "a line\n" {
		t.Errorf("not a terminal: want only the log line, got %q", buf.String())
	}
	buf.Reset()
	b = progressFor(&IO{Err: &buf, ErrTTY: true, Color: true}, "loans.xlsx", "rows", 10)
	b.Set(5, "")
	if !strings.Contains(buf.String(), "5/10 rows") || !strings.Contains(buf.String(), green) {
		t.Errorf("terminal: %q", buf.String())
	}
}

func TestProgressCleansText(t *testing.T) {
	b, buf, _ := testBar("bad\rname", 0, false, 80)
	b.Set(1, "evil\x1b[2Jdetail\n")
	out := buf.String()
	if strings.Count(out, "\r") != 1 || strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\n") {
		t.Errorf("control characters reach the terminal: %q", out)
	}
}

// TestProgressConcurrent is for the race detector: send reports from
// several goroutines.
func TestProgressConcurrent(t *testing.T) {
	var buf bytes.Buffer
	b := newProgressBar(&buf, "send", 400, true)
	b.width = func() int { return 80 }
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				b.Set(int64(g*100+i), "f")
				if i%10 == 0 {
					b.Log("line")
				}
			}
		}()
	}
	wg.Wait()
	b.Done()
	if got := strings.Count(buf.String(), "line\n"); got != 40 {
		t.Errorf("%d log lines, want 40", got)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0.0s", 300 * time.Millisecond: "0.3s", 9*time.Second + 940*time.Millisecond: "9.9s",
		10 * time.Second: "10s", 65 * time.Second: "1m05s", 3725 * time.Second: "1h02m", -time.Second: "0.0s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
