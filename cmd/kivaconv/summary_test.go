package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/kiva"
)

// TestPrintIssuesMore: the line after the first problems says where the
// rest are, truthfully: errors.csv has every problem; report.txt only the
// ones kept when there were too many; a dry run wrote neither.
func TestPrintIssuesMore(t *testing.T) {
	issues := make([]convert.Issue, 40)
	for i := range issues {
		issues[i] = convert.Issue{Severity: kiva.Error, Message: "bad"}
	}
	for _, tc := range []struct {
		name      string
		sum       convert.Summary
		want, not string
	}{
		{"all kept", convert.Summary{OutDir: "x.kiva", Errors: 40, Issues: issues}, "… and 10 more, listed in report.txt and errors.csv", "except"},
		{"truncated", convert.Summary{OutDir: "x.kiva", Errors: 100, Issues: issues, IssuesTruncated: 60}, "… and 70 more: errors.csv lists every one (report.txt the first 40)", "except the last"},
		{"dry run", convert.Summary{Errors: 40, Issues: issues}, "… and 10 more: kivaconv validate lists them", "errors.csv"},
	} {
		var errb bytes.Buffer
		printIssues(&IO{Err: &errb}, &tc.sum)
		if got := errb.String(); !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%s: last line %q, want %q", tc.name, lastLine(got), tc.want)
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
