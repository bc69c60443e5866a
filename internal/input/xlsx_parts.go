package input

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xlSST is the shared string table: every string in one Go string, with
// the end offset of each. That is 4 bytes per entry besides the text
// itself, and no per-string allocation.
type xlSST struct {
	data string
	ends []uint32
}

func (t *xlSST) len() int {
	if t == nil {
		return 0
	}
	return len(t.ends)
}

// get returns string i; 0 <= i < t.len().
func (t *xlSST) get(i int) string {
	from := uint32(0)
	if i > 0 {
		from = t.ends[i-1]
	}
	return t.data[from:t.ends[i]]
}

// xlReadSST reads xl/sharedStrings.xml: <sst><si>…</si>…</sst>, each <si>
// a plain <t> or rich text runs <r><t>…</t></r> (phonetic <rPh> runs are
// not part of the text).
func xlReadSST(r io.Reader) (*xlSST, error) {
	return xlReadSSTWith(r, nil)
}

// xlReadSSTWith is xlReadSST with a hook to adjust the scanner (tests).
func xlReadSSTWith(r io.Reader, setup func(*xlScanner)) (*xlSST, error) {
	sc := newXLScanner(r)
	if setup != nil {
		setup(sc)
	}
	var (
		b    strings.Builder
		ends []uint32
		text []byte
		root = true
	)
	for {
		tok, err := sc.next()
		if err != nil {
			return nil, err
		}
		switch tok {
		case xlEOF:
			return &xlSST{data: b.String(), ends: ends}, nil
		case xlStart:
			if root {
				root = false
				if sc.is("sst") {
					ends = make([]uint32, 0, xlCountHint(sc.attrs, "uniqueCount"))
				}
				continue
			}
			switch {
			case sc.is("si"):
				if text, err = xlReadRichText(sc, text[:0]); err != nil {
					return nil, err
				}
				text = xlUnescapeXstring(text)
				if b.Len()+len(text) > xlMaxSSTBytes || len(ends) >= xlMaxSSTCount {
					return nil, errSSTTooLarge
				}
				b.Write(text)
				ends = append(ends, uint32(b.Len()))
			default:
				if err := sc.skipElement(); err != nil {
					return nil, err
				}
			}
		}
	}
}

// The shared strings are held in memory while a sheet is read: at most
// xlMaxSSTBytes of text in at most xlMaxSSTCount strings (with growth, about
// 600 MB at worst). A full Excel sheet of distinct short strings fits.
const (
	xlMaxSSTBytes = 200 << 20
	xlMaxSSTCount = 20 << 20
)

// errSSTTooLarge is returned when the shared strings pass those limits.
var errSSTTooLarge = fmt.Errorf("the workbook's shared text is over %d MiB or %d strings, more than kivaconv holds in memory", xlMaxSSTBytes>>20, xlMaxSSTCount)

// xlCountHint returns a count attribute as a capacity hint, capped so that
// a lying file cannot make us allocate much.
func xlCountHint(attrs []byte, name string) int {
	for {
		n, v, rest, ok, _ := xlAttr(attrs)
		if !ok {
			return 0
		}
		if string(n) == name {
			c, _ := xlParseUint(v)
			return min(c, 1<<20)
		}
		attrs = rest
	}
}

// xlReadStyles reads xl/styles.xml and returns the number format code of
// each cell format (<cellXfs><xf numFmtId="…"/>), custom codes
// (<numFmts><numFmt numFmtId formatCode/>) taking precedence over the
// built-in ones. Only elements of the part's own namespace count, and
// only where the schema puts them: a <numFmt> inside a differential
// format (<dxfs><dxf>, used by conditional formatting) or an extension
// is not a cell's number format, and neither is an <xf> of
// <cellStyleXfs>.
func xlReadStyles(r io.Reader) ([]string, error) {
	d := xlNewDecoder(r)
	custom := map[int]string{}
	var ids []int
	var path xlPath
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path.push(t.Name)
			switch {
			case path.is("styleSheet", "numFmts", "numFmt"):
				id, err := strconv.Atoi(strings.TrimSpace(xlXMLAttr(t, "numFmtId")))
				if err == nil {
					custom[id] = xlXMLAttr(t, "formatCode")
				}
			case path.is("styleSheet", "cellXfs", "xf"):
				id, _ := strconv.Atoi(strings.TrimSpace(xlXMLAttr(t, "numFmtId")))
				ids = append(ids, id)
			}
		case xml.EndElement:
			path.pop()
		}
	}
	formats := make([]string, len(ids))
	for i, id := range ids {
		if code, ok := custom[id]; ok {
			formats[i] = code
		} else {
			formats[i] = builtinNumFmt(id)
		}
	}
	return formats, nil
}

// xlPath is the chain of open elements of an encoding/xml Token stream,
// for matching an element by where it is rather than by its local name
// alone (xlsx_scan.go's note on namespaces says why). The root element's
// namespace is the part's own: an element matches only in that namespace,
// so that an extension such as Excel 2013's <x15:workbookPr> inside
// <extLst> is never taken for the main <workbookPr>.
type xlPath struct {
	names []xml.Name
}

func (p *xlPath) push(n xml.Name) { p.names = append(p.names, n) }

func (p *xlPath) pop() {
	if len(p.names) > 0 {
		p.names = p.names[:len(p.names)-1]
	}
}

// is reports whether the open elements are exactly locals, from the root
// down, all in the root's namespace.
func (p *xlPath) is(locals ...string) bool {
	if len(p.names) != len(locals) {
		return false
	}
	space := p.names[0].Space
	for i, n := range p.names {
		if n.Local != locals[i] || n.Space != space {
			return false
		}
	}
	return true
}

// xlNewDecoder returns an encoding/xml decoder that also accepts the
// spellings of UTF-8 some writers declare ("UTF8", "us-ascii"), and
// UTF-16 (see xlDecodeUTF16).
func xlNewDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf8", "utf-8", "us-ascii", "ascii",
			// Parts in UTF-16 have been decoded to UTF-8 already
			// (xlDecodeUTF16); the declaration still says what they were.
			"utf-16", "utf16", "utf-16le", "utf-16be", "ucs-2":
			return in, nil
		}
		return nil, errors.New("unsupported XML encoding " + strconv.Quote(label))
	}
	return d
}

// xlXMLAttr returns the value of the attribute with the given local name
// and no prefix.
func xlXMLAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// xlRel is one <Relationship> of a .rels part.
type xlRel struct {
	ID, Type, Target string
	External         bool
}

// xlReadRels reads a relationships part: the <Relationship> children of
// its root <Relationships>.
func xlReadRels(r io.Reader) ([]xlRel, error) {
	d := xlNewDecoder(r)
	var rels []xlRel
	var path xlPath
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rels, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path.push(t.Name)
			if path.is("Relationships", "Relationship") {
				rels = append(rels, xlRel{
					ID:       xlXMLAttr(t, "Id"),
					Type:     xlXMLAttr(t, "Type"),
					Target:   xlXMLAttr(t, "Target"),
					External: strings.EqualFold(xlXMLAttr(t, "TargetMode"), "External"),
				})
			}
		case xml.EndElement:
			path.pop()
		}
	}
}

// xlRelType reports whether a relationship type URI (transitional
// "http://schemas.openxmlformats.org/officeDocument/2006/relationships/…"
// or Strict "http://purl.oclc.org/ooxml/officeDocument/relationships/…")
// ends with the given name.
func xlRelType(uri, name string) bool {
	return strings.HasSuffix(uri, "/"+name)
}

// xlWorkbookXML is what we need from xl/workbook.xml.
type xlWorkbookXML struct {
	root     string // local name of the root element: "workbook"
	space    string // its namespace
	date1904 bool
	sheets   []xlSheetDecl
}

type xlSheetDecl struct {
	name, state, rid string
	hasRID           bool // the r:id attribute is present (possibly empty)
}

// The main namespaces of SpreadsheetML: transitional (ECMA-376) and
// Strict (ISO/IEC 29500).
const (
	xlMainNS       = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	xlStrictMainNS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
)

// xlBetaNS reports whether a namespace is one of the pre-release formats
// of Excel 2007 (Office 12 betas), which no current program reads.
func xlBetaNS(space string) bool {
	switch space {
	case "http://schemas.microsoft.com/office/excel/2006/2",
		"http://schemas.openxmlformats.org/spreadsheetml/2006/5/main",
		"http://schemas.openxmlformats.org/spreadsheetml/2006/7/main":
		return true
	}
	return false
}

// xlReadWorkbook reads xl/workbook.xml: <workbook><workbookPr date1904>
// and <workbook><sheets><sheet>, in the root's namespace only (Excel 2013
// and later also write an <x15:workbookPr/> inside <extLst>, which must
// not reset the date system). It uses Token rather than RawToken to
// resolve namespaces, whatever their prefixes.
func xlReadWorkbook(r io.Reader) (*xlWorkbookXML, error) {
	d := xlNewDecoder(r)
	wb := &xlWorkbookXML{}
	var path xlPath
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return wb, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			path.pop()
			continue
		case xml.StartElement:
			path.push(t.Name)
			if wb.root == "" {
				wb.root, wb.space = t.Name.Local, t.Name.Space
				if wb.root != "workbook" || xlBetaNS(wb.space) {
					return wb, nil
				}
			}
			switch {
			case path.is("workbook", "workbookPr"):
				// xsd:boolean: "1" and "true" mean the 1904 date system;
				// "0", "false" and absence mean 1900.
				wb.date1904 = xlBool([]byte(xlXMLAttr(t, "date1904")))
			case path.is("workbook", "sheets", "sheet"):
				s := xlSheetDecl{name: xlXMLAttr(t, "name"), state: xlXMLAttr(t, "state")}
				for _, a := range t.Attr {
					if a.Name.Local == "id" && a.Name.Space != "" {
						s.rid, s.hasRID = strings.TrimSpace(a.Value), true
					}
				}
				wb.sheets = append(wb.sheets, s)
			}
		}
	}
}
