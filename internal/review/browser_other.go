//go:build !unix

package review

import "os/exec"

// ownProcessGroup does nothing here: exec.CommandContext ends Chromium
// itself on a timeout.
func ownProcessGroup(*exec.Cmd) {}

// endProcessGroup does nothing here.
func endProcessGroup(*exec.Cmd) {}
