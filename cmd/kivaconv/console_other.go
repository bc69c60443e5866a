//go:build !windows

package main

import "os"

// enableEscapes: terminals outside Windows process escape codes.
func enableEscapes(*os.File) bool { return true }
