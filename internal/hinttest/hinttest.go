// Package hinttest checks, for tests, that a hint is worded as package
// values documents (values.ForMapping): what to change in the workbook
// first, in plain words, and advice for whoever maintains the mapping (or
// set up kivaconv) only after that.
package hinttest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/values"
)

// notForCoordinators are words that belong to mapping files and command
// lines, not to the workbook part of a hint.
var notForCoordinators = []string{"mapping", "locale.", "schedule.", "column:", "columns:", "--", "yaml", "field's values"}

// key is a field or JSON key such as image_encoded or client_id.
var key = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`)

// Check returns why hint is not worded workbook-first, or nil.
func Check(hint string) error {
	if strings.TrimSpace(hint) == "" {
		return fmt.Errorf("no hint")
	}
	workbook, _ := values.SplitHint(hint)
	if strings.TrimSpace(workbook) == "" {
		return fmt.Errorf("hint %q starts with advice for the mapping, not with what to change in the workbook", hint)
	}
	low := strings.ToLower(workbook)
	for _, w := range notForCoordinators {
		if strings.Contains(low, w) {
			return fmt.Errorf("hint %q: its workbook part %q says %q (mapping advice belongs after %q)", hint, workbook, w, values.ForMapping)
		}
	}
	if k := key.FindString(workbook); k != "" {
		return fmt.Errorf("hint %q: its workbook part %q names the key %s", hint, workbook, k)
	}
	return nil
}
