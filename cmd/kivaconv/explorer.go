package main

import "github.com/inconshreveable/mousetrap"

// startedByExplorer reports whether Windows Explorer launched the program
// (always false elsewhere).
func startedByExplorer() bool { return mousetrap.StartedByExplorer() }
