package annotate

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Comments saved by other tools.
//
// excelize finds a sheet's comments through its relationships, but adds
// and deletes them by names it makes up: the shapes of sheet comments in
// xl/drawings/vmlDrawingN.vml, N read from the name of the sheet's drawing,
// and the comments in xl/commentsN.xml with the same N. A workbook saved
// by another tool need not follow that: openpyxl writes
// xl/comments/comment1.xml and xl/drawings/commentsDrawing1.vml (through
// absolute targets), and Excel numbers comments and drawings apart when a
// sheet has a drawing without comments (buttons). excelize would then
// write our comments to a part no sheet refers to (they are lost), or
// into another sheet's. It also deletes a comment's shape by its anchor,
// which only its own shapes have where it looks (Excel's are one column
// right, openpyxl's have none): a deleted comment would leave its box.
//
// So, before anything else reads them, prepareComments
//
//   - renames the comments and drawings of the sheets to excelize's names,
//     unless they have those names already (Excel's plain files, and the
//     annotated copies), numbering them above any number excelize gives a
//     new part; the parts are moved as they are, with their relationships
//     and content types;
//   - removes the comment shapes (ObjectType "Note") from the drawings,
//     keeping any other shape (buttons, pictures), and gives a shape with
//     an id excelize cannot read one it can.
//
// The comments themselves stay; clearComments then takes them out of each
// sheet, and the annotator adds them back (the user's as they were, ours,
// or both in one on a cell), so that every comment gets a fresh shape of
// excelize's. What is lost is the size and the shown/hidden state of the
// comment boxes of the original.

// Relationship types (transitional and strict).
const (
	relComments   = "/comments"
	relVMLDrawing = "/vmlDrawing"
)

// xmlRels is a relationships part.
type xmlRels struct {
	XMLName xml.Name `xml:"Relationships"`
	Rels    []xmlRel `xml:"Relationship"`
}

type xmlRel struct {
	ID         string `xml:"Id,attr"`
	Type       string `xml:"Type,attr"`
	Target     string `xml:"Target,attr"`
	TargetMode string `xml:"TargetMode,attr,omitempty"`
}

// sheetComments are the comment parts of one worksheet.
type sheetComments struct {
	rels     string  // the worksheet's relationships part
	parsed   xmlRels // its relationships
	comments int     // index in parsed of the comments; -1 for none
	vml      []int   // indices of its VML drawings, the comments' first
}

var (
	reCanonicalVML = regexp.MustCompile(`^\.\./drawings/vmlDrawing([0-9]+)\.vml$`)
	reCanonicalCmt = regexp.MustCompile(`^\.\./comments([0-9]+)\.xml$`)
	reLegacyID     = regexp.MustCompile(`<(?:\w+:)?legacyDrawing\b[^>]*?\b(?:\w+:)?id\s*=\s*["']([^"']*)["']`)
	// reShape is a VML shape element (not a shapetype or shapelayout).
	reShape     = regexp.MustCompile(`(?s)<(\w+:)?shape\b[^>]*?(?:/>|>.*?</(?:\w+:)?shape\s*>)`)
	reNote      = regexp.MustCompile(`ObjectType\s*=\s*["']Note["']`)
	reShapeID   = regexp.MustCompile(`^(<(?:\w+:)?shape\b[^>]*?\s)id\s*=\s*["']([^"']*)["']`)
	reOurID     = regexp.MustCompile(`^_x0000_s[0-9]+$`)
	reShapeName = regexp.MustCompile(`^<(?:\w+:)?shape`)
)

// prepareComments gets the comment parts of f ready for excelize (see
// above). It runs before anything reads comments, sheets' relationships
// or content types.
func prepareComments(f *excelize.File) error {
	var names []string
	f.Pkg.Range(func(k, _ any) bool {
		if s, ok := k.(string); ok {
			names = append(names, s)
		}
		return true
	})
	slices.Sort(names)
	exists := func(name string) bool { _, ok := f.Pkg.Load(name); return ok }
	load := func(name string) []byte {
		v, _ := f.Pkg.Load(name)
		b, _ := v.([]byte)
		return b
	}

	var sheets []*sheetComments
	for _, name := range names {
		if !strings.HasPrefix(name, "xl/worksheets/_rels/") || !strings.HasSuffix(name, ".rels") || strings.Count(name, "/") != 3 {
			continue
		}
		sc := &sheetComments{rels: name, comments: -1}
		if err := xml.Unmarshal(load(name), &sc.parsed); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		legacy := ""
		if m := reLegacyID.FindSubmatch(load("xl/worksheets/" + strings.TrimSuffix(path.Base(name), ".rels"))); m != nil {
			legacy = string(m[1])
		}
		for i, r := range sc.parsed.Rels {
			if r.TargetMode == "External" {
				continue
			}
			switch {
			case strings.HasSuffix(r.Type, relComments):
				sc.comments = i
			case strings.HasSuffix(r.Type, relVMLDrawing):
				// The comments' drawing first: the one the sheet's
				// legacyDrawing names, else one holding comment shapes.
				first := r.ID == legacy || legacy == "" && reNote.Match(load(partName(r.Target)))
				if first {
					sc.vml = slices.Insert(sc.vml, 0, i)
				} else {
					sc.vml = append(sc.vml, i)
				}
			}
		}
		if sc.comments >= 0 || len(sc.vml) > 0 {
			sheets = append(sheets, sc)
		}
	}
	if len(sheets) == 0 {
		return nil
	}

	if !canonicalComments(sheets, names) {
		if err := renameComments(f, sheets, names, exists, load); err != nil {
			return err
		}
	}
	for _, sc := range sheets {
		for _, i := range sc.vml {
			name := partName(sc.parsed.Rels[i].Target)
			if data := load(name); data != nil {
				f.Pkg.Store(name, withoutNotes(data))
			}
		}
	}
	return nil
}

// partName is the part a worksheet's relationship target names.
func partName(target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return path.Join("xl/worksheets", target)
}

// canonicalComments reports whether the parts already have the names
// excelize gives them: each sheet's drawings ../drawings/vmlDrawingN.vml,
// its comments ../commentsN.xml with the N of its first drawing, every N
// once, the Ns of the comments 1 to the number of comment parts, and
// every drawing with comments (excelize numbers a new sheet's parts one
// above the number of comment parts).
func canonicalComments(sheets []*sheetComments, names []string) bool {
	seen := map[int]bool{}
	nComments := 0
	for _, sc := range sheets {
		for j, i := range sc.vml {
			m := reCanonicalVML.FindStringSubmatch(sc.parsed.Rels[i].Target)
			if m == nil || j > 0 {
				return false
			}
			n, _ := strconv.Atoi(m[1])
			if seen[n] {
				return false
			}
			seen[n] = true
			if sc.comments < 0 {
				return false
			}
			c := reCanonicalCmt.FindStringSubmatch(sc.parsed.Rels[sc.comments].Target)
			if c == nil || c[1] != m[1] {
				return false
			}
		}
		if sc.comments >= 0 {
			if len(sc.vml) == 0 {
				return false
			}
			nComments++
		}
	}
	for n := 1; n <= nComments; n++ {
		if !seen[n] {
			return false
		}
	}
	parts := 0
	for _, name := range names {
		if strings.Contains(name, "xl/comments") {
			parts++
		}
	}
	return parts == nComments
}

// renameComments moves the sheets' comments and drawings to excelize's
// names, numbered from above any number excelize could give a new part
// (one more than the comment parts, which are at most one a sheet).
func renameComments(f *excelize.File, sheets []*sheetComments, names []string, exists func(string) bool, load func(string) []byte) error {
	n := 1
	for _, name := range names {
		if strings.Contains(name, "xl/comments") || strings.HasPrefix(name, "xl/worksheets/") {
			n++
		}
	}
	next := func() int {
		for exists("xl/comments"+strconv.Itoa(n)+".xml") || exists("xl/drawings/vmlDrawing"+strconv.Itoa(n)+".vml") {
			n++
		}
		n++
		return n - 1
	}
	ct := load("[Content_Types].xml")
	move := func(from, to string) {
		data, ok := f.Pkg.Load(from)
		if !ok || from == to {
			return
		}
		f.Pkg.Store(to, data)
		f.Pkg.Delete(from)
		ct = bytes.ReplaceAll(ct, []byte(`PartName="/`+from+`"`), []byte(`PartName="/`+to+`"`))
		ct = bytes.ReplaceAll(ct, []byte(`PartName='/`+from+`'`), []byte(`PartName='/`+to+`'`))
		// A part's relationships move with it (a drawing's pictures).
		fromRels := path.Join(path.Dir(from), "_rels", path.Base(from)+".rels")
		if rels, ok := f.Pkg.Load(fromRels); ok {
			f.Pkg.Store(path.Join(path.Dir(to), "_rels", path.Base(to)+".rels"), rels)
			f.Pkg.Delete(fromRels)
		}
	}
	for _, sc := range sheets {
		num := 0
		for j, i := range sc.vml {
			k := next()
			if j == 0 {
				num = k
			}
			r := &sc.parsed.Rels[i]
			move(partName(r.Target), "xl/drawings/vmlDrawing"+strconv.Itoa(k)+".vml")
			r.Target = "../drawings/vmlDrawing" + strconv.Itoa(k) + ".vml"
		}
		if sc.comments >= 0 {
			if num == 0 {
				num = next()
			}
			r := &sc.parsed.Rels[sc.comments]
			move(partName(r.Target), "xl/comments"+strconv.Itoa(num)+".xml")
			r.Target = "../comments" + strconv.Itoa(num) + ".xml"
		}
		f.Pkg.Store(sc.rels, marshalRels(sc.parsed))
	}
	if ct != nil {
		f.Pkg.Store("[Content_Types].xml", ct)
	}
	return nil
}

func marshalRels(r xmlRels) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	attr := func(name, v string) {
		b.WriteString(" " + name + `="`)
		xml.EscapeText(&b, []byte(v))
		b.WriteString(`"`)
	}
	for _, rel := range r.Rels {
		b.WriteString("<Relationship")
		attr("Id", rel.ID)
		attr("Type", rel.Type)
		attr("Target", rel.Target)
		if rel.TargetMode != "" {
			attr("TargetMode", rel.TargetMode)
		}
		b.WriteString("/>")
	}
	b.WriteString("</Relationships>")
	return b.Bytes()
}

// withoutNotes is a VML drawing without its comment shapes, its other
// shapes given ids excelize reads ("_x0000_s1025") where they have others.
func withoutNotes(vml []byte) []byte {
	id := 1 << 20 // above excelize's (1024 a sheet)
	return reShape.ReplaceAllFunc(vml, func(shape []byte) []byte {
		if reNote.Match(shape) {
			return nil
		}
		m := reShapeID.FindSubmatchIndex(shape)
		switch {
		case m == nil: // no id: one after the element name
			id++
			name := reShapeName.Find(shape)
			out := append([]byte(nil), name...)
			out = append(out, ` id="_x0000_s`+strconv.Itoa(id)+`"`...)
			return append(out, shape[len(name):]...)
		case !reOurID.Match(shape[m[4]:m[5]]):
			id++
			out := append([]byte(nil), shape[:m[3]]...)
			out = append(out, `id="_x0000_s`+strconv.Itoa(id)+`"`...)
			return append(out, shape[m[1]:]...)
		}
		return shape
	})
}
