package xlsxzip

import (
	"archive/zip"
	"bytes"
	"testing"
	"time"
)

func archive(t *testing.T, at time.Time, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: at})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("content of " + n))
	}
	zw.Close()
	return buf.Bytes()
}

func TestNormalize(t *testing.T) {
	fixed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a, err := Normalize(archive(t, time.Now(), "xl/workbook.xml", "[Content_Types].xml", "docProps/app.xml"), fixed)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Normalize(archive(t, time.Now().Add(time.Hour), "docProps/app.xml", "xl/workbook.xml", "[Content_Types].xml"), fixed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("same entries, different times and order: different bytes")
	}
	zr, _ := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(fixed) {
			t.Errorf("%s modified %v", f.Name, f.Modified)
		}
	}
	if want := "[Content_Types].xml docProps/app.xml xl/workbook.xml"; fmtNames(names) != want {
		t.Errorf("order %q, want %q", fmtNames(names), want)
	}
	if _, err := Normalize([]byte("not a zip"), fixed); err == nil {
		t.Error("garbage accepted")
	}
}

func fmtNames(n []string) string {
	var b bytes.Buffer
	for i, s := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}
