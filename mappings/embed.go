package mappings

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Every *.yaml file of this directory is a built-in mapping (test fixtures
// belong under testdata/).
//
//go:embed *.yaml
var embedded embed.FS

//go:embed schema.json
var schemaJSON []byte

// Schema is the JSON Schema (draft 2020-12) of mapping files, for editors:
// a mapping that starts with
//
//	# yaml-language-server: $schema=schema.json
//
// gets completion and checks in VS Code's YAML extension. Parse remains
// the authority; the schema is kept in step with it by tests.
func Schema() []byte { return slices.Clone(schemaJSON) }

var (
	embeddedOnce sync.Once
	embeddedMaps map[string]*Mapping
)

// loadEmbedded parses the embedded mappings once. They are checked by the
// tests, so a failure here is a bug in the build.
func loadEmbedded() map[string]*Mapping {
	embeddedOnce.Do(func() {
		embeddedMaps = map[string]*Mapping{}
		names, err := fs.Glob(embedded, "*.yaml")
		if err != nil {
			panic(err)
		}
		for _, file := range names {
			data, err := embedded.ReadFile(file)
			if err != nil {
				panic(err)
			}
			name := strings.TrimSuffix(file, ".yaml")
			m, err := Parse(data, "embedded:"+name)
			if err != nil {
				panic(fmt.Sprintf("mappings: embedded %s: %v", file, err))
			}
			embeddedMaps[m.Name] = m
		}
	})
	return embeddedMaps
}

// Embedded returns the built-in mappings (loans, repayments, journals)
// sorted by name. Each call returns fresh copies the caller may change.
func Embedded() []*Mapping {
	ms := loadEmbedded()
	out := make([]*Mapping, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Get returns a copy of the built-in mapping called name.
func Get(name string) (*Mapping, error) {
	ms := loadEmbedded()
	if m, ok := ms[name]; ok {
		return m.Clone(), nil
	}
	return nil, fmt.Errorf("no built-in mapping %q (built-in mappings: %s)", name, strings.Join(EmbeddedNames(), ", "))
}

// EmbeddedNames are the names of the built-in mappings, sorted.
func EmbeddedNames() []string {
	ms := loadEmbedded()
	out := make([]string, 0, len(ms))
	for n := range ms {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// EmbeddedYAML is the text of the built-in mapping called name, comments
// included: the starting point for a partner's own mapping.
func EmbeddedYAML(name string) ([]byte, error) {
	if _, err := Get(name); err != nil {
		return nil, err
	}
	return embedded.ReadFile(name + ".yaml")
}

// Candidates returns the mappings to choose from: the built-in ones plus
// every *.yaml and *.yml file in each of dirs that exists (the CLI passes
// <exe dir>/mappings and <user config dir>/kivaconv/mappings), sorted by
// name. A missing directory is skipped. A file that cannot be read or
// parsed adds its error to errs and is left out; the others still load.
//
// Names are unique: a file whose mapping has the name of a built-in
// mapping replaces it (that is how a partner adapts "loans" to their own
// export), and a mapping in a later directory replaces one of the same
// name in an earlier directory. Two files with the same name in one
// directory are an error (the second is left out).
func Candidates(dirs ...string) ([]*Mapping, []error) {
	byName := map[string]*Mapping{}
	for _, m := range Embedded() {
		byName[m.Name] = m
	}
	var errs []error
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !os.IsNotExist(err) {
				errs = append(errs, err)
			}
			continue
		}
		inDir := map[string]string{}
		for _, e := range entries {
			name := e.Name()
			ext := strings.ToLower(filepath.Ext(name))
			if e.IsDir() || strings.HasPrefix(name, ".") || (ext != ".yaml" && ext != ".yml") {
				continue
			}
			path := filepath.Join(dir, name)
			m, err := Load(path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if first, dup := inDir[m.Name]; dup {
				errs = append(errs, fmt.Errorf("%s: mapping name %q is already used by %s in the same folder; rename one (name: ...)", path, m.Name, first))
				continue
			}
			inDir[m.Name] = path
			byName[m.Name] = m
		}
	}
	out := make([]*Mapping, 0, len(byName))
	for _, m := range byName {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errs
}
