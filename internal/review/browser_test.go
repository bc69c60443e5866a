package review_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/internal/review"
	"github.com/kiva-partners/kivaconv/kiva"
)

// skipBrowserEnv, set to 1, skips the browser tests when no Chromium is
// installed (CI installs Debian's chromium, so they run there).
const skipBrowserEnv = "KIVACONV_SKIP_BROWSER"

// browserTimeout bounds each Chromium run.
const browserTimeout = 60 * time.Second

// chromium finds the browser, or fails (or skips, when asked to) saying how
// to install one.
func chromium(t *testing.T) string {
	t.Helper()
	path, err := review.FindChromium(os.Getenv)
	if err != nil {
		if os.Getenv(skipBrowserEnv) == "1" {
			t.Skipf("%v (%s=1)", err, skipBrowserEnv)
		}
		t.Fatalf("%v\nThe review page is tested in a real browser: install Debian's chromium "+
			"(apt-get install chromium; .ci/run installs it in CI), or set %s=1 to skip these tests.", err, skipBrowserEnv)
	}
	return path
}

func browserCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	t.Cleanup(cancel)
	return ctx
}

// reportOf converts the named sample and returns the review.html convert
// wrote.
func reportOf(t *testing.T, name string) (*converted, string) {
	t.Helper()
	for _, s := range samples {
		if s.name == name {
			c := convertSample(t, s)
			// The page as convert wrote it (another test may have
			// rendered the folder again with other options).
			path := filepath.Join(c.dir, review.File)
			if err := os.WriteFile(path, c.page, 0o644); err != nil {
				t.Fatal(err)
			}
			return c, path
		}
	}
	t.Fatalf("no sample %s", name)
	return nil, ""
}

// TestBrowser opens the reports of the samples in headless Chromium: each
// renders with no console message, at laptop and phone widths, and the
// document after the page's script ran holds the summary, the problems,
// one card per loan draft or journal, and the repayments table.
func TestBrowser(t *testing.T) {
	browser := chromium(t)
	type page struct {
		sample  string
		section string // the records' element: cards or table rows
		records int
	}
	pages := []page{
		{"loans", `<article class="card[^"]*" id="loan-`, 6},
		{"loans-broken", `<article class="card[^"]*" id="loan-`, 4},
		{"repayments-csv", `<tr id="rep-`, 8},
		{"journals", `<article class="card journal[^"]*" id="jour-`, 4},
	}
	files := map[string]string{}
	convs := map[string]*converted{}
	for _, p := range pages { // written before the parallel runs read them
		convs[p.sample], files[p.sample] = reportOf(t, p.sample)
	}
	for _, p := range pages {
		file, c := files[p.sample], convs[p.sample]
		t.Run("dom/"+p.sample, func(t *testing.T) {
			t.Parallel()
			dom, console, err := review.DumpDOM(browserCtx(t), browser, file, 1280, 2000)
			if err != nil {
				t.Fatal(err)
			}
			if len(console) > 0 {
				t.Errorf("console messages: %v", console)
			}
			if !regexp.MustCompile(`<html[^>]*class="[^"]*\bjs\b`).MatchString(dom) {
				t.Error("the page's script did not run (no js class on <html>)")
			}
			for _, id := range []string{`id="summary"`, `id="problems"`, `<dl class="stats">`} {
				if !strings.Contains(dom, id) {
					t.Errorf("DOM lacks %s", id)
				}
			}
			if n := len(regexp.MustCompile(p.section).FindAllString(dom, -1)); n != p.records {
				t.Errorf("%d records shown (%s), want %d", n, p.section, p.records)
			}
			if n := strings.Count(dom, `<li class="problem `); n != len(c.opts.Problems) {
				t.Errorf("%d problems listed, want %d", n, len(c.opts.Problems))
			}
			if p.sample == "repayments-csv" && !strings.Contains(dom, `<table class="sortable" id="repayments-table">`) {
				t.Error("no repayments table")
			}
			if strings.HasPrefix(p.sample, "loans") {
				if n := strings.Count(dom, `<svg class="chart"`); n != p.records {
					t.Errorf("%d schedule charts, want %d", n, p.records)
				}
				if !strings.Contains(dom, `<img src="data:image/jpeg;base64,`) {
					t.Error("no photo thumbnail")
				}
			}
			if p.sample == "loans-broken" && !strings.Contains(dom, "Jo&lt;script&gt;alert(1)&lt;/script&gt;seph") {
				t.Error("the name with markup is not shown as text")
			}
		})
		for _, size := range []struct {
			name string
			w, h int
		}{{"laptop", 1280, 2000}, {"phone", 390, 844}} {
			t.Run("screenshot/"+p.sample+"/"+size.name, func(t *testing.T) {
				t.Parallel()
				pngPath := filepath.Join(t.TempDir(), "review.png")
				if err := review.Screenshot(browserCtx(t), browser, file, pngPath, size.w, size.h); err != nil {
					t.Fatal(err)
				}
				checkPNG(t, pngPath, size.w, size.h)
			})
		}
	}

	// On a phone, no word is broken across two lines (a batch file name,
	// an id, a cell reference stays whole: lines wrap at spaces) and
	// nothing is wider than the screen but what scrolls in its own box
	// (tables).
	for _, p := range pages {
		t.Run("phone-layout/"+p.sample, func(t *testing.T) {
			t.Parallel()
			page := withScript(t, files[p.sample], layoutScript)
			dom, console, err := review.DumpDOM(browserCtx(t), browser, page, 390, 844)
			if err != nil {
				t.Fatal(err)
			}
			if len(console) > 0 {
				t.Fatalf("console: %v", console)
			}
			m := regexp.MustCompile(`data-layout="([^"]*)"`).FindStringSubmatch(dom)
			if m == nil {
				t.Fatal("the layout check did not run")
			}
			var got struct {
				Broken, Wide              []string
				Words, ScrollWidth, Width int
			}
			if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &got); err != nil {
				t.Fatal(err)
			}
			if got.Words < 50 {
				t.Fatalf("only %d words measured", got.Words)
			}
			if len(got.Broken) > 0 {
				t.Errorf("words broken across lines at 390 px: %q", got.Broken)
			}
			if len(got.Wide) > 0 {
				t.Errorf("elements wider than the screen at 390 px: %q", got.Wide)
			}
			if got.ScrollWidth > got.Width {
				t.Errorf("the page scrolls sideways: %d px wide on a %d px screen", got.ScrollWidth, got.Width)
			}
		})
	}

	// The console check catches a page's script error, and Screenshot
	// reports it.
	t.Run("console-check-fails", func(t *testing.T) {
		t.Parallel()
		bad := filepath.Join(t.TempDir(), "broken.html")
		if err := os.WriteFile(bad, []byte("<!DOCTYPE html><html><body><p>broken</p><script>undefinedFn()</script></body></html>"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, console, err := review.DumpDOM(browserCtx(t), browser, bad, 800, 600)
		if err != nil {
			t.Fatal(err)
		}
		if len(console) != 1 || !strings.Contains(console[0].Text, "Uncaught ReferenceError: undefinedFn is not defined") ||
			!strings.HasSuffix(console[0].Source, "/broken.html") {
			t.Errorf("console = %v, want the uncaught ReferenceError", console)
		}
		err = review.Screenshot(browserCtx(t), browser, bad, filepath.Join(t.TempDir(), "b.png"), 800, 600)
		var ce *review.ConsoleError
		if !errors.As(err, &ce) || len(ce.Messages) != 1 {
			t.Errorf("Screenshot of a broken page = %v, want a *ConsoleError", err)
		}

		// A message with line breaks spans lines of Chromium's log.
		multi := filepath.Join(t.TempDir(), "multi.html")
		if err := os.WriteFile(multi, []byte("<!DOCTYPE html><html><body><script>console.error(\"first\\nsecond\")</script></body></html>"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, console, err = review.DumpDOM(browserCtx(t), browser, multi, 800, 600)
		if err != nil {
			t.Fatal(err)
		}
		if len(console) != 1 || console[0].Text != "first\nsecond" || !strings.HasSuffix(console[0].Source, "/multi.html") {
			t.Errorf("console = %q, want the two-line message", console)
		}
	})

	// The policy blocks what the page does not own: an injected script and
	// a remote image are refused, and the browser says so.
	t.Run("csp-blocks", func(t *testing.T) {
		t.Parallel()
		data, err := os.ReadFile(files["journals"])
		if err != nil {
			t.Fatal(err)
		}
		evil := strings.Replace(string(data), "</body>", `<script>document.title="pwned"</script><img src="https://example.invalid/x.png"></body>`, 1)
		path := filepath.Join(t.TempDir(), "evil.html")
		if err := os.WriteFile(path, []byte(evil), 0o644); err != nil {
			t.Fatal(err)
		}
		dom, console, err := review.DumpDOM(browserCtx(t), browser, path, 800, 600)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(dom, "<title>pwned</title>") {
			t.Error("an injected inline script ran")
		}
		all := ""
		for _, m := range console {
			all += m.Text + "\n"
		}
		if !strings.Contains(all, "Executing inline script violates") && !strings.Contains(all, "Content Security Policy") {
			t.Errorf("no CSP violation reported: %v", console)
		}
	})

	// Clicking a column title sorts the repayments table: amounts by their
	// exact value, ascending then descending; loan ids as text.
	t.Run("sort", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name   string
			key    string // the column clicked
			clicks string // JavaScript run after the page's script
			col    int    // the column whose order is checked: the row's data-sort cell, or -1 for the loan id
			desc   bool
		}{
			{"amount-asc", "amount", `click("amount")`, 1, false},
			{"amount-desc", "amount", `click("amount");click("amount")`, 1, true},
			{"loan-id-desc", "loan_id", `click("loan_id");click("loan_id")`, -1, true},
		} {
			script := `function click(k){document.querySelector('#repayments-table th[data-key="'+k+'"] button').click()}` + tc.clicks
			page := withScript(t, files["repayments-csv"], script)
			dom, console, err := review.DumpDOM(browserCtx(t), browser, page, 1280, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(console) > 0 {
				t.Fatalf("%s: console: %v", tc.name, console)
			}
			tbody := dom[strings.Index(dom, "<tbody>"):strings.Index(dom, "</tbody>")]
			rows := regexp.MustCompile(`<tr id="rep-[^"]*">(.*?)</tr>`).FindAllStringSubmatch(tbody, -1)
			if len(rows) != 8 {
				t.Fatalf("%s: %d rows", tc.name, len(rows))
			}
			var keys []string
			for _, r := range rows {
				if tc.col < 0 {
					keys = append(keys, regexp.MustCompile(`</td><td>([^<]*)</td>`).FindStringSubmatch(r[1])[1])
					continue
				}
				keys = append(keys, regexp.MustCompile(`data-sort="([^"]*)"`).FindAllStringSubmatch(r[1], -1)[tc.col][1])
			}
			for i := 1; i < len(keys); i++ {
				var c int
				if tc.col < 0 {
					c = strings.Compare(keys[i-1], keys[i])
				} else {
					c = kiva.MustAmount(keys[i-1]).Cmp(kiva.MustAmount(keys[i]))
				}
				if tc.desc {
					c = -c
				}
				if c > 0 {
					t.Errorf("%s: rows not in order: %v", tc.name, keys)
					break
				}
			}
			want := "ascending"
			if tc.desc {
				want = "descending"
			}
			thead := dom[strings.Index(dom, "<thead>"):strings.Index(dom, "</thead>")]
			if !regexp.MustCompile(`<th [^>]*data-key="`+tc.key+`"[^>]*aria-sort="`+want+`"`).MatchString(thead) || strings.Count(thead, "aria-sort=") != 1 {
				t.Errorf("%s: aria-sort not on the one column clicked", tc.name)
			}
		}
	})
}

// layoutScript lays the page out 390 px wide and measures it: every word
// of its visible text that spans two lines (Broken), every element
// reaching past the right edge of the screen outside a box that scrolls
// (Wide), and how wide the page is. It writes them, as JSON, to <body
// data-layout>. Headless Chromium's window is at least 500 px wide
// (review.MinWindowWidth), so the page's root is made 390 px wide: the
// phone rules of the style sheet (max-width:640px) apply in both. A
// hyphenated word of prose may wrap after its hyphen.
const layoutScript = `(function(){
var W=390,root=document.documentElement;
if(window.innerWidth>W)root.style.width=W+"px";
var out={Words:0,Broken:[],Wide:[],ScrollWidth:document.body.scrollWidth,Width:Math.min(W,window.innerWidth)};
var compound=/^[(“"']?\p{L}+(-\p{L}+)+[.,;:!?)”"']*$/u;
var walk=document.createTreeWalker(document.body,NodeFilter.SHOW_TEXT);
var range=document.createRange();
for(var n=walk.nextNode();n;n=walk.nextNode()){
  var p=n.parentElement;
  if(!p||p.closest("script,style,svg"))continue;
  var re=/\S+/g,m;
  while((m=re.exec(n.data))){
    range.setStart(n,m.index);range.setEnd(n,m.index+m[0].length);
    var tops={},lines=0,rs=range.getClientRects();
    for(var i=0;i<rs.length;i++){if(rs[i].width>0&&!tops[Math.round(rs[i].top)]){tops[Math.round(rs[i].top)]=1;lines++}}
    if(lines>0)out.Words++;
    // A hyphenated word of prose ("second-hand") may wrap after its
    // hyphen, as in print; nothing else may wrap inside.
    if(lines>1&&out.Broken.length<50&&!(compound.test(m[0])&&!p.closest("code,.file,.nw")))out.Broken.push(m[0]);
  }
}
var all=document.body.querySelectorAll("*");
for(var j=0;j<all.length;j++){
  var el=all[j];
  if(el.closest(".table-wrap")&&!el.classList.contains("table-wrap"))continue;
  var r=el.getBoundingClientRect();
  if(r.width>0&&r.right>out.Width+1&&out.Wide.length<50)out.Wide.push(el.tagName.toLowerCase()+"."+el.className+": "+(el.textContent||"").trim().slice(0,40));
}
document.body.setAttribute("data-layout",JSON.stringify(out));
})();`

// withScript copies the page with script added after the page's own, and
// the policy extended to allow it (by hash, as the page's own is).
func withScript(t *testing.T, path, script string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(script))
	hash := "&#39;sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "&#39; "
	page := strings.Replace(string(data), "script-src ", "script-src "+hash, 1)
	page = strings.Replace(page, "</body>", "<script>"+script+"</script></body>", 1)
	out := filepath.Join(t.TempDir(), "variant.html")
	if err := os.WriteFile(out, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkPNG fails unless path is a PNG of w×h pixels with some content.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	if fi.Size() < 5000 {
		t.Errorf("screenshot is only %d bytes", fi.Size())
	}
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	if n := colors(img); n < 20 {
		t.Errorf("screenshot has %d colours: blank page?", n)
	}
}

// colors counts the distinct colours of img (up to 1000).
func colors(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}
