package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// The release build stamps these (make dist, make build):
//
//	-ldflags "-X main.version=v1.2.0 -X main.commit=abc1234 -X main.date=2026-01-02T03:04:05Z"
//
// A plain `go build` or `go install` leaves them empty; init then fills
// them from the build information the go command records (module version,
// VCS revision and time), when there is any.
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func init() {
	if bi, ok := debug.ReadBuildInfo(); ok {
		version, commit, date = fromBuildInfo(bi, version, commit, date)
	}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprint(c.App.Writer, versionText()) }
}

// fromBuildInfo fills what the linker did not stamp: the module version of
// `go install …@v1.2.0` (or the pseudo-version go build derives from the
// repository), and the VCS revision ("-dirty" when the tree had changes)
// and commit time.
func fromBuildInfo(bi *debug.BuildInfo, v, c, d string) (string, string, string) {
	if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if c == "" && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "-dirty"
		}
		c = rev
	}
	if d == "" {
		d = at
	}
	return v, c, d
}

// versionString is the short form shown by --help: "v1.2.0 (abc1234, 2026-01-02T03:04:05Z)".
func versionString() string {
	v := version
	if commit != "" {
		v += " (" + commit
		if date != "" {
			v += ", " + date
		}
		v += ")"
	}
	return v
}

// versionText is what --version prints: enough for a bug report.
func versionText() string {
	or := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kivaconv %s\n", version)
	fmt.Fprintf(&b, "commit   %s\n", or(commit))
	fmt.Fprintf(&b, "built    %s\n", or(date))
	fmt.Fprintf(&b, "go       %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
