// Package xlsxzip makes the workbooks kivaconv writes byte-for-byte
// reproducible: excelize stamps each zip entry with the time of saving, so
// the same cells give different files. Normalize rewrites the archive with
// a fixed entry order and a fixed time. Used by the samples generator and
// the loans exports and templates.
package xlsxzip

import (
	"archive/zip"
	"bytes"
	"io"
	"sort"
	"time"
)

// Normalize rewrites a zip archive with [Content_Types].xml first, then the
// other entries by name, each deflated and stamped with modified, so the
// bytes depend only on the entries' contents.
func Normalize(data []byte, modified time.Time) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := append([]*zip.File(nil), zr.File...)
	rank := func(name string) int {
		if name == "[Content_Types].xml" {
			return 0
		}
		return 1
	}
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i].Name, files[j].Name
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		return a < b
	})
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range files {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: modified})
		if err == nil {
			_, err = io.Copy(fw, rc)
		}
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
