package annotate

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Write records two custom document properties in the copy:
//
//   - writtenProperty, the copy's modification time (dcterms:modified) as
//     Write wrote it. A spreadsheet program that saves the copy records a
//     new modification time and keeps custom properties, so the two
//     differ once a person has saved the copy;
//   - sourceProperty, what the copy was made from: sourceOriginal, or
//     sourceCopy when the input was itself an annotated copy, whose values
//     may be fixes a person typed in.
//
// See Edited.
const (
	writtenProperty = "kivaconv annotated"
	sourceProperty  = "kivaconv annotated from"
	sourceOriginal  = "original"
	sourceCopy      = "annotated copy"
)

// unknownModified is the modification time Write gives a copy whose input
// recorded none. It is fixed, not the time of writing, so that the same
// input always gives the same bytes.
const unknownModified = "2000-01-01T00:00:00Z"

// isAnnotatedCopy reports whether f was written by Write.
func isAnnotatedCopy(f *excelize.File) bool {
	props, err := f.GetCustomProps()
	if err != nil {
		return false
	}
	for _, p := range props {
		if p.Name == writtenProperty {
			return true
		}
	}
	return false
}

// markWritten records, in the copy being written, that it is as Write
// left it and what it was made from.
func markWritten(f *excelize.File, fromCopy bool) error {
	props, err := f.GetDocProps()
	if err != nil {
		return err
	}
	if strings.TrimSpace(props.Modified) == "" {
		props.Modified = unknownModified
		if err := f.SetDocProps(props); err != nil {
			return err
		}
	}
	source := sourceOriginal
	if fromCopy {
		source = sourceCopy
	}
	if err := f.SetCustomProps(excelize.CustomProperty{Name: sourceProperty, Value: source}); err != nil {
		return err
	}
	return f.SetCustomProps(excelize.CustomProperty{Name: writtenProperty, Value: strings.TrimSpace(props.Modified)})
}

// Edited reports whether the annotated copy at path may hold values that
// a person typed in, which its input does not have: it was saved by a
// spreadsheet program since Write wrote it, or it was made from an
// annotated copy (fixed and converted again), or Write did not write it.
// A caller about to replace or remove such a copy should keep it instead.
// The error is the file's (fs.ErrNotExist when there is none); a file
// that is not a workbook at all is reported as edited.
func Edited(path string) (bool, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) {
			return true, nil
		}
		return false, err
	}
	defer zr.Close()
	var core struct {
		Modified string `xml:"modified"`
	}
	var custom struct {
		Props []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"lpwstr"`
		} `xml:"property"`
	}
	if err := readPart(&zr.Reader, "docProps/core.xml", &core); err != nil {
		return true, nil
	}
	if err := readPart(&zr.Reader, "docProps/custom.xml", &custom); err != nil {
		return true, nil
	}
	written, source := "", ""
	for _, p := range custom.Props {
		switch p.Name {
		case writtenProperty:
			written = strings.TrimSpace(p.Value)
		case sourceProperty:
			source = strings.TrimSpace(p.Value)
		}
	}
	return written == "" || written != strings.TrimSpace(core.Modified) || source != sourceOriginal, nil
}

// maxPropsBytes bounds the document-property parts Edited reads.
const maxPropsBytes = 1 << 20

// readPart decodes the XML part name of a workbook's zip into v.
func readPart(zr *zip.Reader, name string, v any) error {
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, maxPropsBytes)).Decode(v)
	}
	return fmt.Errorf("no %s", name)
}
