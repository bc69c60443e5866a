package settings

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// maxSecretFile bounds a secret file: a client secret is well under 1 KiB,
// so anything bigger is the wrong file.
const maxSecretFile = 4096

// ReadSecretFile reads a client secret from a file holding only the
// secret. Trailing whitespace (the newline editors add) is trimmed. An
// empty file, a folder, several lines or a big file are errors. Errors name
// the file, never its content.
func ReadSecretFile(path string) (partnerapi.Secret, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fileError(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return "", fmt.Errorf("%s is a folder; give the path of the file holding the secret", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fileError(path, err)
	}
	if len(data) > maxSecretFile {
		return "", fmt.Errorf("%s is larger than %d bytes, too big for a client secret: is it the right file?", path, maxSecretFile)
	}
	s := strings.TrimRight(string(data), " \t\r\n")
	s = strings.TrimPrefix(s, "\ufeff") // a byte order mark from Notepad
	switch {
	case s == "":
		return "", fmt.Errorf("%s is empty; put the client secret Kiva gave you in it", path)
	case strings.ContainsAny(s, "\r\n"):
		return "", fmt.Errorf("%s holds several lines; it must hold only the client secret", path)
	}
	return partnerapi.Secret(s), nil
}

func fileError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s cannot be read (permission denied)", path)
	}
	// *PathError messages hold the operation, the path and the cause:
	// never the file's content.
	return err
}

// privateFile returns an error unless a file with mode is readable by its
// owner only. Windows has no such mode bits: there it always passes.
func privateFile(path string, mode fs.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	if perm := mode.Perm(); perm&0o044 != 0 {
		return fmt.Errorf("its mode is %04o; run chmod 600 %s, or move the secret to a file named by client_secret_file", perm, path)
	}
	return nil
}
