//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// enableEscapes turns on escape-code processing in the Windows console, so
// that the progress line and colours render instead of printing "←[K".
// It reports false when the console does not support it (old consoles):
// then neither is used.
func enableEscapes(f *os.File) bool {
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
