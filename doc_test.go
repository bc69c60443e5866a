package kivaconv

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/kiva-partners/kivaconv"

// allowedArrows reads the table of doc.go: package → the repository
// packages it may import.
func allowedArrows(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	allowed := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "//\t")
		if !ok {
			continue
		}
		pkg, deps, ok := strings.Cut(line, "→")
		if !ok {
			continue
		}
		var list []string
		for _, d := range strings.Split(deps, ",") {
			if d = strings.TrimSpace(d); d != "" {
				list = append(list, d)
			}
		}
		allowed[strings.TrimSpace(pkg)] = list
	}
	if len(allowed) == 0 {
		t.Fatal("doc.go has no package table")
	}
	return allowed
}

// TestImportMap: every package of the module is in doc.go's table, imports
// only the repository packages its line lists, and only cmd/kivaconv
// imports urfave/cli.
func TestImportMap(t *testing.T) {
	allowed := allowedArrows(t)
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		if pkg == "" {
			continue // this package
		}
		list, ok := allowed[pkg]
		if !ok {
			t.Errorf("%s is not in doc.go's package table: add it, with what it may import", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "github.com/urfave/cli") && pkg != "cmd/kivaconv" {
				t.Errorf("%s imports %s: only cmd/kivaconv may", pkg, imp)
			}
			own, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue
			}
			if !slices.Contains(list, own) {
				t.Errorf("%s imports %s, which doc.go does not allow (%s → %s)", pkg, own, pkg, strings.Join(list, ", "))
			}
		}
	}
}
