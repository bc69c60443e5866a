package sandbox

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kiva-partners/kivaconv/kiva"
)

// The pages are self-contained: no script, no external resource; the
// Content-Security-Policy says so to the browser too.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"clock": func(t time.Time) string { return t.Format("2006-01-02 15:04:05") },
	"money": money,
}).Parse(pageHTML))

const pageHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kivaconv sandbox</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #eee; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.dup, .dupbox { background: #fde2e1; } .dupbox { padding: .5em 1em; border: 2px solid #c0392b; }
.muted { color: #666; } .ok { color: #1e7b34; } .warn { color: #9a5b00; }
code { background: #f3f3f3; padding: 0 .2em; }
</style>
</head>
<body>
{{- if .Title}}
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
<p><a href="/">Back to the overview</a></p>
{{- else}}
<h1>kivaconv sandbox</h1>
<p class="muted">A local stand-in for Kiva's Partner API, partner {{.S.PartnerID}}. Nothing sent here reaches Kiva.
{{- if .S.FaultPlan}} Fault plan: <code>{{.S.FaultPlan}}</code>.{{end}}</p>
<p>{{len .S.Drafts}} loan draft(s) · {{len .S.Repayments}} repayment upload(s) · {{len .S.Journals}} journal post(s) ·
{{.S.TokensIssued}} token(s) issued · {{len .S.Faults}} fault(s) injected · {{len .S.Refused}} request(s) refused ·
{{if .S.Duplicates}}<strong>{{len .S.Duplicates}} duplicate(s)</strong>{{else}}<span class="ok">no duplicates</span>{{end}}</p>
{{- if .S.Duplicates}}
<div class="dupbox"><h2>Received twice</h2>
<table><tr><th>received</th><th>what</th><th>repeated</th><th>first</th><th>again</th></tr>
{{- range .S.Duplicates}}
<tr><td>{{clock .Received}}</td><td>{{.Kind}}</td><td>{{.Key}}</td><td>{{.First}}</td><td>{{.Again}}</td></tr>
{{- end}}
</table></div>
{{- end}}

<h2>Loan drafts</h2>
{{- if .S.Drafts}}
<table><tr><th>received</th><th>loan ID</th><th>borrowers</th><th>amount</th><th>warnings</th><th>draft UUID</th></tr>
{{- range .S.Drafts}}
<tr{{if index $.DupDraft .UUID}} class="dup"{{end}}><td>{{clock .Received}}</td><td>{{.LoanID}}{{if .GroupName}}<br><span class="muted">{{.GroupName}}</span>{{end}}</td>
<td>{{range $i, $b := .Borrowers}}{{if $i}}<br>{{end}}{{$b.Name}} <span class="muted">({{$b.LoanID}})</span>{{end}}</td>
<td class="num">{{money .Amount .Currency}}</td><td>{{range .Warnings}}<span class="warn">{{.Field}}: {{.Message}}</span><br>{{end}}</td><td><code>{{.UUID}}</code></td></tr>
{{- end}}
</table>
{{- else}}<p class="muted">None yet.</p>{{end}}

<h2>Repayment uploads</h2>
{{- if .S.Repayments}}
<table><tr><th>upload</th><th>received</th><th>loans</th><th>totals</th><th>problems</th></tr>
{{- range .S.Repayments}}
<tr{{if index $.DupUpload .UploadID}} class="dup"{{end}}><td>{{.UploadID}}</td><td>{{clock .Received}}</td><td>{{len .Repayments}}</td>
<td class="num">{{range $i, $t := .Totals}}{{if $i}}<br>{{end}}{{money $t.Amount $t.Currency}}{{end}}</td>
<td>{{range .Problems}}<span class="warn">{{.LoanID}}: {{.Message}}</span><br>{{end}}</td></tr>
{{- end}}
</table>
{{- else}}<p class="muted">None yet.</p>{{end}}

<h2>Journals</h2>
{{- if .S.Journals}}
<table><tr><th>post</th><th>received</th><th>journals</th><th>published</th></tr>
{{- range .S.Journals}}
<tr{{if index $.DupPost .N}} class="dup"{{end}}><td>{{.N}}</td><td>{{clock .Received}}</td>
<td>{{range $i, $j := .Journals}}{{if $i}}<br>{{end}}{{$j.InternalLoanID}}: {{$j.Subject}}{{end}}</td>
<td>{{if .Confirmed}}<span class="ok">yes, {{clock .ConfirmedAt}}</span>{{else}}<a href="{{.ConfirmURL}}">confirm</a>{{end}}</td></tr>
{{- end}}
</table>
{{- else}}<p class="muted">None yet.</p>{{end}}

{{- if .S.Faults}}
<h2>Faults injected</h2>
<table><tr><th>time</th><th>request</th><th>fault</th><th>applied</th></tr>
{{- range .S.Faults}}
<tr><td>{{clock .Time}}</td><td>{{.Method}} {{.Path}}</td><td>{{.Kind}}</td><td>{{if .Applied}}<strong>yes</strong>{{else}}no{{end}}</td></tr>
{{- end}}
</table>
{{- end}}

{{- if .S.Refused}}
<h2>Refused requests</h2>
<table><tr><th>time</th><th>request</th><th>status</th><th>why</th></tr>
{{- range .S.Refused}}
<tr><td>{{clock .Time}}</td><td>{{.Method}} {{.Path}}</td><td>{{.Status}}</td><td>{{.Message}}</td></tr>
{{- end}}
</table>
{{- end}}

<h2>Tools</h2>
<p><a href="/sandbox/state.json">Everything above as JSON</a> · reload this page to see new arrivals.</p>
<form method="post" action="/sandbox/reset"><button type="submit">Forget everything received</button></form>
{{- end}}
</body>
</html>
`

// money formats an amount with its currency's decimals: "KES 15,000.50".
func money(a kiva.Amount, cur string) string {
	places, ok := kiva.CurrencyPlaces(cur)
	s := a.String()
	if ok && a.Places() <= places {
		s = a.Decimal().StringFixed(int32(places))
	}
	s = group(s)
	if cur == "" {
		return s + " (unknown loans)"
	}
	return cur + " " + s
}

// group puts thousands separators into a plain decimal.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

type pageData struct {
	Title, Message string // a message page instead of the overview
	S              State
	DupDraft       map[string]bool
	DupUpload      map[int]bool
	DupPost        map[int]bool
}

func writePage(w http.ResponseWriter, status int, d pageData) {
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, d); err != nil {
		http.Error(w, "the page could not be drawn: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	st := s.State()
	d := pageData{S: st, DupDraft: map[string]bool{}, DupUpload: map[int]bool{}, DupPost: map[int]bool{}}
	for _, dup := range st.Duplicates {
		switch dup.Kind {
		case EndpointLoanDraft:
			d.DupDraft[dup.Again] = true
		case EndpointRepayments:
			n, _ := strconv.Atoi(strings.TrimPrefix(dup.Again, "upload "))
			d.DupUpload[n] = true
		default:
			n, _ := strconv.Atoi(strings.TrimPrefix(dup.Again, "journal post "))
			d.DupPost[n] = true
		}
	}
	writePage(w, http.StatusOK, d)
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.State())
}

// handleReset forgets everything received. A browser's form post is
// accepted only from the sandbox's own page (its Origin), so another web
// site cannot clear it.
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			writeJSON(w, http.StatusForbidden, apiError{Code: "api.forbidden", Message: "Reset is allowed only from the sandbox's own page."})
			return
		}
	}
	s.Reset()
	if strings.Contains(r.Header.Get("Accept"), "text/html") ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"code": "api.success", "message": "Everything received was forgotten."})
}

// handleConfirm publishes a journal post, as opening Kiva's confirm_url
// does.
func (s *Server) handleConfirm(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	var post *JournalPost
	s.mu.Lock()
	if err == nil {
		for i := range s.st.journals {
			if s.st.journals[i].N == n {
				post = &s.st.journals[i]
				if !post.Confirmed {
					post.Confirmed, post.ConfirmedAt = true, s.now()
				}
				break
			}
		}
	}
	var count int
	if post != nil {
		count = len(post.Journals)
	}
	s.mu.Unlock()
	if post == nil {
		writePage(w, http.StatusNotFound, pageData{Title: "No such journal post",
			Message: "The sandbox has no journal post " + r.PathValue("n") + " (it may have been reset)."})
		return
	}
	writePage(w, http.StatusOK, pageData{Title: "Journals published",
		Message: "Journal post " + strconv.Itoa(n) + " (" + strconv.Itoa(count) + " journal(s)) is confirmed: on Kiva, the updates would now be published."})
}
