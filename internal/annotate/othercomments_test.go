package annotate_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// Workbooks whose comments another tool saved, built part by part (as
// input/xlsx_writers_test.go does): openpyxl writes the comments of a
// sheet to xl/comments/comment1.xml and their shapes to
// xl/drawings/commentsDrawing1.vml, referenced by absolute targets under
// relationship ids of its own ("comments", "anysvml"), and its shapes have
// no <x:Anchor>; Excel writes xl/comments1.xml and
// xl/drawings/vmlDrawing1.vml, with relative targets.

const (
	ooxmlNS  = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	relNS    = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	pkgRelNS = `http://schemas.openxmlformats.org/package/2006/relationships`
	relBase  = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
	xmlHead  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// zipPart is one entry of a hand-made workbook.
type zipPart struct{ name, body string }

func zipParts(t *testing.T, parts []zipPart) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// toolComment is a comment as another tool saved it.
type toolComment struct{ cell, author, text string }

// commentStyle says how a tool lays out a sheet's comments.
type commentStyle struct {
	comments, vml       string // part names
	commentsRel, vmlRel string // relationship ids
	absolute            bool   // targets "/xl/…" rather than "../…"
	anchor              bool   // shapes have an <x:Anchor>
}

var (
	openpyxlStyle = commentStyle{comments: "xl/comments/comment1.xml", vml: "xl/drawings/commentsDrawing1.vml",
		commentsRel: "comments", vmlRel: "anysvml", absolute: true}
	excelStyle = commentStyle{comments: "xl/comments1.xml", vml: "xl/drawings/vmlDrawing1.vml",
		commentsRel: "rId2", vmlRel: "rId1", anchor: true}
)

// commentedBook is a one-sheet workbook ("Repayments", repaymentRows) with
// the comments cs laid out as style says.
func commentedBook(t *testing.T, path string, style commentStyle, cs ...toolComment) string {
	t.Helper()
	var rows strings.Builder
	for r, row := range repaymentRows {
		fmt.Fprintf(&rows, `<row r="%d">`, r+1)
		for c, v := range row {
			ref := cellName(c+1, r+1)
			switch v := v.(type) {
			case string:
				fmt.Fprintf(&rows, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v)
			default:
				fmt.Fprintf(&rows, `<c r="%s"><v>%v</v></c>`, ref, v)
			}
		}
		rows.WriteString(`</row>`)
	}
	target := func(part string) string {
		if style.absolute {
			return "/" + part
		}
		return "../" + strings.TrimPrefix(part, "xl/")
	}
	var authors []string
	var list, shapes strings.Builder
	for i, c := range cs {
		a := slices.Index(authors, c.author)
		if a < 0 {
			a = len(authors)
			authors = append(authors, c.author)
		}
		fmt.Fprintf(&list, `<comment ref="%s" authorId="%d" shapeId="0"><text><t>%s</t></text></comment>`, c.cell, a, c.text)
		col, row := cellCoords(t, c.cell)
		anchor := ""
		if style.anchor {
			anchor = fmt.Sprintf(`<x:Anchor>%d, 15, %d, 2, %d, 15, %d, 16</x:Anchor>`, col, max(row-2, 0), col+2, row+3)
		}
		fmt.Fprintf(&shapes, `<v:shape id="_x0000_s%d" type="#_x0000_t202" style="position:absolute; margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.4pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">`+
			`<v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>`+
			`<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>%s<x:AutoFill>False</x:AutoFill><x:Row>%d</x:Row><x:Column>%d</x:Column></x:ClientData></v:shape>`,
			1026+i, anchor, row-1, col-1)
	}
	var as strings.Builder
	for _, a := range authors {
		as.WriteString("<author>" + a + "</author>")
	}
	vml := `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">` +
		`<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>` +
		`<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>` +
		shapes.String() + `</xml>`
	parts := []zipPart{
		{"[Content_Types].xml", xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/` + style.comments + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>`},
		{"_rels/.rels", xmlHead + `<Relationships xmlns="` + pkgRelNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", xmlHead + `<workbook xmlns="` + ooxmlNS + `" xmlns:r="` + relNS + `"><sheets><sheet name="Repayments" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", xmlHead + `<Relationships xmlns="` + pkgRelNS + `"><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + relBase + `styles" Target="styles.xml"/></Relationships>`},
		{"xl/styles.xml", xmlHead + `<styleSheet xmlns="` + ooxmlNS + `"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
			`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
			`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
			`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>` +
			`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`},
		{"xl/worksheets/sheet1.xml", xmlHead + `<worksheet xmlns="` + ooxmlNS + `" xmlns:r="` + relNS + `"><sheetData>` + rows.String() +
			`</sheetData><legacyDrawing r:id="` + style.vmlRel + `"/></worksheet>`},
		{"xl/worksheets/_rels/sheet1.xml.rels", xmlHead + `<Relationships xmlns="` + pkgRelNS + `">` +
			`<Relationship Id="` + style.commentsRel + `" Type="` + relBase + `comments" Target="` + target(style.comments) + `"/>` +
			`<Relationship Id="` + style.vmlRel + `" Type="` + relBase + `vmlDrawing" Target="` + target(style.vml) + `"/></Relationships>`},
		{style.comments, xmlHead + `<comments xmlns="` + ooxmlNS + `"><authors>` + as.String() + `</authors><commentList>` + list.String() + `</commentList></comments>`},
		{style.vml, vml},
	}
	if err := os.WriteFile(path, zipParts(t, parts), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func cellCoords(t *testing.T, cell string) (int, int) {
	t.Helper()
	m := regexp.MustCompile(`^([A-Z]+)(\d+)$`).FindStringSubmatch(cell)
	if m == nil {
		t.Fatalf("cell %q", cell)
	}
	col := 0
	for _, r := range m[1] {
		col = col*26 + int(r-'A'+1)
	}
	row := 0
	fmt.Sscan(m[2], &row)
	return col, row
}

// zipComments reads an annotated copy as a zip: the text of every
// comments part (by name), and the number of comment shapes (Notes) of
// every VML drawing.
func zipComments(t *testing.T, path string) (parts map[string]string, notes map[string]int) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	parts, notes = map[string]string{}, map[string]int{}
	for _, f := range zr.File {
		isComments := strings.HasPrefix(f.Name, "xl/comments")
		isVML := strings.HasSuffix(f.Name, ".vml")
		if !isComments && !isVML {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if isComments {
			parts[f.Name] = string(data)
		} else {
			notes[f.Name] = len(regexp.MustCompile(`ObjectType="Note"`).FindAllIndex(data, -1))
		}
	}
	return parts, notes
}

// TestOtherToolsComments: comments another tool saved are kept, and
// kivaconv's are added to the same comments part, one per sheet; on a
// cell that has both, they are one comment, the tool's text first.
func TestOtherToolsComments(t *testing.T) {
	for _, tc := range []struct {
		name  string
		style commentStyle
	}{
		{"openpyxl", openpyxlStyle},
		{"Excel", excelStyle},
		// Excel numbers a sheet's drawing apart from its comments when
		// another sheet has a drawing without comments.
		{"Excel, numbered apart", commentStyle{comments: "xl/comments1.xml", vml: "xl/drawings/vmlDrawing2.vml",
			commentsRel: "rId2", vmlRel: "rId1", anchor: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := commentedBook(t, filepath.Join(t.TempDir(), "reps.xlsx"), tc.style,
				toolComment{"A2", "Amina", "VIP client"}, toolComment{"B3", "Amina", "paid in cash"})
			if cs := comments(t, open(t, in), "Repayments"); len(cs) != 2 {
				t.Fatalf("the fixture has %d comments: %v", len(cs), cs)
			}
			cp, dst := write(t, annotate.Options{Input: in, DataSheets: []annotate.SheetRange{{Name: "Repayments"}},
				Problems: []annotate.Problem{
					{Severity: "error", Sheet: "Repayments", Row: 3, Col: 2, Column: "Amount", Message: "too much"},
					{Severity: "error", Sheet: "Repayments", Row: 4, Col: 2, Column: "Amount", Message: "too little"},
				}})
			cs := comments(t, cp, "Repayments")
			want := map[string][]string{
				"A2": {"Amina", "VIP client"},
				"B3": {"Amina", "paid in cash", "too much"},
				"B4": {annotate.Author, "too little"},
			}
			for cell, w := range want {
				c, ok := cs[cell]
				if !ok {
					t.Errorf("no comment on %s", cell)
					continue
				}
				text := commentText(c)
				if c.Author != w[0] {
					t.Errorf("%s: author %q, want %q", cell, c.Author, w[0])
				}
				last := -1
				for _, s := range w[1:] {
					i := strings.Index(text, s)
					if i <= last {
						t.Errorf("%s: %q lacks %q (in that order)", cell, text, s)
					}
					last = i
				}
				if n := strings.Count(text, "kivaconv check"); n > 1 {
					t.Errorf("%s: %q has our part %d times", cell, text, n)
				}
			}
			if len(cs) != len(want) {
				t.Errorf("%d comments, want %d: %v", len(cs), len(want), cs)
			}

			parts, notes := zipComments(t, dst)
			if len(parts) != 1 {
				t.Fatalf("%d comments parts, want the sheet's one: %v", len(parts), slices.Sorted(maps.Keys(parts)))
			}
			for name, body := range parts {
				for _, s := range []string{"VIP client", "paid in cash", "too much", "too little"} {
					if !strings.Contains(body, s) {
						t.Errorf("%s lacks %q", name, s)
					}
				}
			}
			total := 0
			for _, n := range notes {
				total += n
			}
			if len(notes) != 1 || total != 3 {
				t.Errorf("comment shapes: %v, want one drawing with 3", notes)
			}

			// Annotated again (nothing wrong any more): the tool's comments
			// alone, as they were.
			again := filepath.Join(t.TempDir(), "reps.checked.xlsx")
			if err := annotate.Write(again, annotate.Options{Input: dst, DataSheets: []annotate.SheetRange{{Name: "Repayments"}}}); err != nil {
				t.Fatal(err)
			}
			cs = comments(t, open(t, again), "Repayments")
			if len(cs) != 2 || commentText(cs["A2"]) != "VIP client" || commentText(cs["B3"]) != "paid in cash" {
				t.Errorf("annotated again: %v", cs)
			}
			parts, notes = zipComments(t, again)
			total = 0
			for _, n := range notes {
				total += n
			}
			if len(parts) != 1 || total != 2 {
				t.Errorf("annotated again: comments parts %v, shapes %v", slices.Sorted(maps.Keys(parts)), notes)
			}
		})
	}
}
