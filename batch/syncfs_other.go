//go:build !linux

package batch

import (
	"errors"
	"os"
)

// haveSyncfs: elsewhere each temporary batch file is fsynced on its own
// (by the background writer, before it closes the file).
const haveSyncfs = false

func syncFS(*os.File) error { return errors.ErrUnsupported }
