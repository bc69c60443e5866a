//go:build !unix

package batch

// syncDir does nothing where a directory cannot be synced: Windows has no
// way to flush a directory opened through os.Open (NTFS journals the
// rename itself), and js/wasip1/plan9 have no such call.
func syncDir(dir string) error { return nil }
