package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kiva-partners/kivaconv/internal/textdist"
)

// configFile is a parsed config file.
type configFile struct {
	path     string
	mode     fs.FileMode
	env      string
	profiles map[string]*configProfile
}

// configProfile is one section under profiles:.
type configProfile struct {
	line   int
	values map[string]configValue
}

type configValue struct {
	value string
	line  int
}

// profileKeys are the keys a config-file profile may hold.
var profileKeys = []string{
	KeyTokenURL, KeyAudience, KeyAPIURL, KeyPartnerID, KeyScopes,
	KeyClientID, keySecretFile, KeyClientSecret, KeyJournalsPath,
}

var topKeys = []string{"env", "profiles"}

// loadConfig reads the config file at path. A path of "" or a missing
// file gives an empty config.
func loadConfig(path string) (*configFile, error) {
	cfg := &configFile{path: path, profiles: map[string]*configProfile{}}
	if path == "" {
		return cfg, nil
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return cfg, nil
	case err != nil:
		return nil, fmt.Errorf("config file: %w", fileError(path, err))
	case st.IsDir():
		return nil, fmt.Errorf("config file %s is a folder; give the path of the YAML file", path)
	}
	cfg.mode = st.Mode()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", fileError(path, err))
	}
	if err := cfg.parse(data); err != nil {
		return nil, err
	}
	return cfg, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// problemLine finds the line a YAML syntax error is on. The parser
// reports where the enclosing block starts, which is often far above the
// mistake, so this looks for the shortest run of whole lines that fails
// with the same message. It falls back to the parser's line.
func problemLine(data []byte, msg, parserLine string) int {
	lines := strings.SplitAfter(string(data), "\n")
	var node yaml.Node
	for n := 1; n <= len(lines); n++ {
		err := yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &node)
		if err == nil {
			continue
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil && m[2] == msg {
			return n
		}
	}
	line, _ := strconv.Atoi(parserLine)
	return line
}

func (cfg *configFile) errorf(n *yaml.Node, format string, a ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", cfg.path, n.Line, n.Column, fmt.Sprintf(format, a...))
}

func (cfg *configFile) parse(data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return fmt.Errorf("%s:%d: %s (is the indentation right? kivaconv config init writes an example)", cfg.path, problemLine(data, m[2], m[1]), m[2])
		}
		return fmt.Errorf("config file %s: %s", cfg.path, strings.TrimPrefix(msg, "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // empty, or comments only
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return cfg.errorf(root, "the config file must hold keys (env:, profiles:), not %s", kindName(root))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], deref(root.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			return cfg.errorf(k, "%s: is given twice (first on line %d)", k.Value, first)
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "env":
			s, err := cfg.scalar(v, "env")
			if err != nil {
				return err
			}
			cfg.env = strings.TrimSpace(s)
		case "profiles":
			if err := cfg.parseProfiles(v); err != nil {
				return err
			}
		default:
			return cfg.unknownKey(k, "at the top level", topKeys)
		}
	}
	return nil
}

func (cfg *configFile) parseProfiles(n *yaml.Node) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return cfg.errorf(n, "profiles: must hold one section per profile (stage:, production:, …), not %s", kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		name := strings.TrimSpace(k.Value)
		if k.Kind != yaml.ScalarNode || name == "" {
			return cfg.errorf(k, "a profile name must be plain text")
		}
		if prev, dup := cfg.profiles[name]; dup {
			return cfg.errorf(k, "profile %q is given twice (first on line %d)", name, prev.line)
		}
		prof := &configProfile{line: k.Line, values: map[string]configValue{}}
		cfg.profiles[name] = prof
		if isNull(v) {
			continue
		}
		if v.Kind != yaml.MappingNode {
			return cfg.errorf(v, "profile %q must hold settings (client_id:, partner_id:, …), not %s", name, kindName(v))
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			pk, pv := v.Content[j], deref(v.Content[j+1])
			key := pk.Value
			if !contains(profileKeys, key) {
				return cfg.unknownKey(pk, fmt.Sprintf("in profile %q", name), profileKeys)
			}
			if prev, dup := prof.values[key]; dup {
				return cfg.errorf(pk, "%s: is given twice in profile %q (first on line %d)", key, name, prev.line)
			}
			var s string
			var err error
			if key == KeyScopes && pv.Kind == yaml.SequenceNode {
				s, err = cfg.scopeList(pv)
			} else {
				s, err = cfg.scalar(pv, key)
			}
			if err != nil {
				return err
			}
			prof.values[key] = configValue{value: strings.TrimSpace(s), line: pk.Line}
		}
	}
	return nil
}

func (cfg *configFile) scalar(n *yaml.Node, key string) (string, error) {
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", cfg.errorf(n, "%s: must be a single value, not %s", key, kindName(n))
	}
	return n.Value, nil
}

func (cfg *configFile) scopeList(n *yaml.Node) (string, error) {
	var items []string
	for _, it := range n.Content {
		s, err := cfg.scalar(deref(it), "each item of scopes")
		if err != nil {
			return "", err
		}
		items = append(items, s)
	}
	return strings.Join(items, " "), nil
}

func (cfg *configFile) unknownKey(k *yaml.Node, where string, known []string) error {
	hint := ""
	if s := suggest(k.Value, known); s != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", s)
	}
	return cfg.errorf(k, "unknown key %q %s%s; known keys: %s", k.Value, where, hint, strings.Join(known, ", "))
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a set of keys"
	case yaml.ScalarNode:
		return "plain text" // never the value: it could be a secret
	}
	return "this"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns the candidate closest to s, or "" when none is close:
// the same word with another spelling (clientId, client-id), its start
// (prod for production), or within a few typos.
func suggest(s string, cands []string) string {
	fs := fold(s)
	best, bestD := "", -1
	for _, c := range cands {
		fc := fold(c)
		if fc == fs || (len(fs) >= 3 && strings.HasPrefix(fc, fs)) {
			return c
		}
		d := textdist.Levenshtein(fs, fc)
		limit := max(1, len([]rune(fc))/3)
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r != '_' && r != '-' && r != ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
