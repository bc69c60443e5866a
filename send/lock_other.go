//go:build !unix && !windows

package send

import (
	"errors"
	"os"
)

// tryLock cannot lock here: send works unprotected.
func tryLock(*os.File) error { return errors.ErrUnsupported }
