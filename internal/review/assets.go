package review

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
)

//go:embed assets/page.tmpl assets/style.css assets/script.js
var assets embed.FS

func mustAsset(name string) string {
	data, err := assets.ReadFile("assets/" + name)
	if err != nil {
		panic(err)
	}
	return string(data)
}

var (
	// pageStyle and pageScript are the page's only style sheet and script,
	// inlined.
	pageStyle  = template.CSS(mustAsset("style.css"))
	pageScript = template.JS(mustAsset("script.js"))

	// contentSecurityPolicy lets the page run its own inline script (named
	// by its sha256, so no other script can run even if some text escaped
	// escaping), use inline styles and show data: images, and nothing else:
	// no network access of any kind.
	contentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src " +
		scriptHash(string(pageScript)) + "; base-uri 'none'; form-action 'none'"

	pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"breakable": breakable}).Parse(mustAsset("page.tmpl")))
)

// scriptHash is the CSP source expression allowing an inline script whose
// text is js: 'sha256-<base64 of its sha256>'.
func scriptHash(js string) string {
	sum := sha256.Sum256([]byte(js))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}
