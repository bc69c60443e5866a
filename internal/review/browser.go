package review

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ChromiumEnv names the environment variable that overrides which
// Chromium FindChromium returns.
const ChromiumEnv = "KIVACONV_CHROMIUM"

// chromiumNames are the programs FindChromium looks for, in order.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"}

// FindChromium returns the Chromium (or Chrome) to drive: the program
// named by $KIVACONV_CHROMIUM when set, else the first of chromium,
// chromium-browser, google-chrome, google-chrome-stable and chrome found on
// PATH or in /usr/bin. getenv is os.Getenv in production.
func FindChromium(getenv func(string) string) (string, error) {
	if p := getenv(ChromiumEnv); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w", ChromiumEnv, p, err)
		}
		return path, nil
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
		if path := filepath.Join("/usr/bin", name); isExecutable(path) {
			return path, nil
		}
	}
	return "", errors.New("no Chromium or Chrome found (looked for " + strings.Join(chromiumNames, ", ") +
		"): install Debian's chromium (apt-get install chromium), or set " + ChromiumEnv + " to the browser's path")
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// ConsoleMessage is one message a page wrote to the browser's console:
// console.log and friends, uncaught exceptions, Content-Security-Policy
// violations.
type ConsoleMessage struct {
	Text   string
	Source string // the script's URL
	Line   int
}

// String is "source:line: text".
func (m ConsoleMessage) String() string {
	return fmt.Sprintf("%s:%d: %s", m.Source, m.Line, m.Text)
}

// ConsoleError is returned by Screenshot when the page wrote to the
// console: a page of this package never does.
type ConsoleError struct {
	Page     string
	Messages []ConsoleMessage
}

// Error lists the messages, one a line.
func (e *ConsoleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s wrote %d message(s) to the browser console:", e.Page, len(e.Messages))
	for _, m := range e.Messages {
		b.WriteString("\n  " + m.String())
	}
	return b.String()
}

// defaultTimeout bounds one browser run when ctx has no deadline.
const defaultTimeout = 60 * time.Second

// Screenshot opens the page htmlPath in a headless Chromium with a
// width×height window and saves what it shows to pngPath. chromiumPath ""
// means FindChromium(os.Getenv). The run ends with ctx (after a minute when
// ctx has no deadline). If the page wrote to the console (a script error,
// a blocked resource) the PNG is still saved and the error is a
// *ConsoleError.
func Screenshot(ctx context.Context, chromiumPath, htmlPath, pngPath string, width, height int) error {
	png, err := filepath.Abs(pngPath)
	if err != nil {
		return err
	}
	os.Remove(png) // so that a stale picture never passes for a new one
	page := htmlPath
	if width < MinWindowWidth {
		// Chromium lays a page out at least MinWindowWidth wide and crops
		// the picture: a phone's width is shown as the left part of a
		// wider page. In a frame of the width asked for, the page is laid
		// out as on that phone.
		frame, err := phoneFrame(htmlPath, width, height)
		if err != nil {
			return err
		}
		defer os.Remove(frame)
		page = frame
	}
	_, console, err := runChromium(ctx, chromiumPath, page, width, height, "--screenshot="+png)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		return fmt.Errorf("chromium saved no screenshot of %s to %s", htmlPath, png)
	}
	if len(console) > 0 {
		return &ConsoleError{Page: htmlPath, Messages: console}
	}
	return nil
}

// DumpDOM opens the page htmlPath in a headless Chromium with a
// width×height window and returns the document as it is once the page has
// loaded and its scripts have run, and what the page wrote to the console.
// The window is at least MinWindowWidth wide, whatever width asks for.
func DumpDOM(ctx context.Context, chromiumPath, htmlPath string, width, height int) (dom string, console []ConsoleMessage, err error) {
	out, console, err := runChromium(ctx, chromiumPath, htmlPath, width, height, "--dump-dom")
	return string(out), console, err
}

// ChromiumArgs are the command-line arguments runChromium gives Chromium
// before the action (--screenshot=… or --dump-dom) and the page's URL.
func ChromiumArgs(userDataDir string, width, height int) []string {
	return []string{
		"--headless=new",
		"--no-sandbox",
		"--disable-gpu",
		"--user-data-dir=" + userDataDir,
		"--enable-logging=stderr",
		"--v=0",
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-extensions",
		"--hide-scrollbars",
		"--force-device-scale-factor=1",
		"--window-size=" + strconv.Itoa(width) + "," + strconv.Itoa(height),
	}
}

// runChromium runs Chromium once on the page with the action argument, in
// a fresh profile, and returns its standard output and the page's console
// messages (read from Chromium's log on standard error).
func runChromium(ctx context.Context, chromiumPath, htmlPath string, width, height int, action string) ([]byte, []ConsoleMessage, error) {
	if chromiumPath == "" {
		var err error
		if chromiumPath, err = FindChromium(os.Getenv); err != nil {
			return nil, nil, err
		}
	}
	page, err := fileURL(htmlPath)
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(htmlPath); err != nil {
		return nil, nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultTimeout)
		defer cancel()
	}
	profile, err := os.MkdirTemp("", "kivaconv-chromium-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(profile)
	args := append(ChromiumArgs(profile, width, height), action, page)
	cmd := exec.CommandContext(ctx, chromiumPath, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	ownProcessGroup(cmd)
	err = cmd.Run()
	endProcessGroup(cmd)
	console := consoleMessages(stderr.Bytes())
	if ctx.Err() != nil {
		return nil, console, fmt.Errorf("chromium on %s: %w", htmlPath, ctx.Err())
	}
	if err != nil {
		return nil, console, fmt.Errorf("chromium on %s: %w\n%s", htmlPath, err, tail(stderr.Bytes(), 2000))
	}
	return stdout.Bytes(), console, nil
}

// MinWindowWidth is the narrowest window headless Chromium lays a page out
// in: a narrower --window-size gives a page laid out this wide (its
// window.innerWidth), cropped in a screenshot.
const MinWindowWidth = 500

// phoneFrame writes a temporary page that shows htmlPath in a frame of
// width×height pixels at its top left corner, and returns its path (the
// caller removes it). The page inside is laid out as in a
// window that wide: its media queries and window.innerWidth see width.
func phoneFrame(htmlPath string, width, height int) (string, error) {
	u, err := fileURL(htmlPath)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "kivaconv-frame-*.html")
	if err != nil {
		return "", err
	}
	_, err = fmt.Fprintf(f, `<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;overflow:hidden;background:#fff}iframe{display:block;border:0}</style></head><body><iframe src="%s" width="%d" height="%d"></iframe></body></html>`,
		html.EscapeString(u), width, height)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// fileURL is the file:// URL of a local path.
func fileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x → /C:/x
	}
	return (&url.URL{Scheme: "file", Path: p}).String(), nil
}

// consoleStart finds the start of Chromium's log line for a console
// message, in the forms of recent versions ("INFO:CONSOLE:12] "…) and
// older ones ("INFO:CONSOLE(12)] "…); consoleEnd matches the end of the
// message, on the same line or, for a message with line breaks, on a later
// one:
//
//	[1:1:1126/201613.997391:INFO:CONSOLE:1] "Uncaught ReferenceError: f is not defined", source: file:///tmp/p.html (1)
var (
	consoleStart = regexp.MustCompile(`:CONSOLE(?::\d+|\(\d+\))\] "`)
	consoleEnd   = regexp.MustCompile(`^(.*)", source: (.*) \((\d+)\)\s*$`)
	// logLineStart is how every line Chromium logs begins:
	// [pid:tid:MMDD/HHMMSS.micros:LEVEL:…
	logLineStart = regexp.MustCompile(`^\[\d+:\d+:\d{4}/\d{6}\.\d+:`)
)

// consoleMessages picks the page's console messages out of Chromium's log
// (the rest, about D-Bus, the GPU or the sandbox, is Chromium's own). A
// message with line breaks spans several lines of the log; one whose end
// is never found is still returned, without its source.
func consoleMessages(log []byte) []ConsoleMessage {
	var msgs []ConsoleMessage
	var pending []string // the lines so far of a message not yet ended
	open := false
	for _, line := range strings.Split(string(log), "\n") {
		line = strings.TrimRight(line, "\r")
		if open && !logLineStart.MatchString(line) {
			if m := consoleEnd.FindStringSubmatch(line); m != nil {
				msgs = append(msgs, consoleMessage(strings.Join(append(pending, m[1]), "\n"), m[2], m[3]))
				open, pending = false, nil
			} else {
				pending = append(pending, line)
			}
			continue
		}
		if open {
			// A new log line: the message never ended.
			msgs = append(msgs, ConsoleMessage{Text: strings.Join(pending, "\n")})
			open, pending = false, nil
		}
		loc := consoleStart.FindStringIndex(line)
		if loc == nil {
			continue
		}
		rest := line[loc[1]:]
		if m := consoleEnd.FindStringSubmatch(rest); m != nil {
			msgs = append(msgs, consoleMessage(m[1], m[2], m[3]))
			continue
		}
		open, pending = true, []string{rest}
	}
	if open {
		msgs = append(msgs, ConsoleMessage{Text: strings.TrimRight(strings.Join(pending, "\n"), "\n")})
	}
	return msgs
}

func consoleMessage(text, source, line string) ConsoleMessage {
	n, _ := strconv.Atoi(line)
	return ConsoleMessage{Text: text, Source: source, Line: n}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}
