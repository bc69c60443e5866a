package input

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
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
			switch string(sc.name) {
			case "sst":
				if ends == nil {
					ends = make([]uint32, 0, xlCountHint(sc.attrs, "uniqueCount"))
				}
			case "si":
				if text, err = xlReadRichText(sc, text[:0]); err != nil {
					return nil, err
				}
				text = xlUnescapeXstring(text)
				if b.Len()+len(text) > math.MaxUint32 {
					return nil, errors.New("shared strings over 4 GiB")
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
// built-in ones.
func xlReadStyles(r io.Reader) ([]string, error) {
	d := xlNewDecoder(r)
	custom := map[int]string{}
	var ids []int
	inCellXfs := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, err := strconv.Atoi(strings.TrimSpace(xlXMLAttr(t, "numFmtId")))
				if err == nil {
					custom[id] = xlXMLAttr(t, "formatCode")
				}
			case "cellXfs":
				inCellXfs = true
			case "xf":
				if inCellXfs {
					id, _ := strconv.Atoi(strings.TrimSpace(xlXMLAttr(t, "numFmtId")))
					ids = append(ids, id)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inCellXfs = false
			}
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

// xlNewDecoder returns an encoding/xml decoder that also accepts the
// spellings of UTF-8 some writers declare ("UTF8", "us-ascii").
func xlNewDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf8", "utf-8", "us-ascii", "ascii":
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

// xlReadRels reads a relationships part.
func xlReadRels(r io.Reader) ([]xlRel, error) {
	d := xlNewDecoder(r)
	var rels []xlRel
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return rels, nil
		}
		if err != nil {
			return nil, err
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "Relationship" {
			rels = append(rels, xlRel{
				ID:       xlXMLAttr(t, "Id"),
				Type:     xlXMLAttr(t, "Type"),
				Target:   xlXMLAttr(t, "Target"),
				External: strings.EqualFold(xlXMLAttr(t, "TargetMode"), "External"),
			})
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
	date1904 bool
	sheets   []xlSheetDecl
}

type xlSheetDecl struct {
	name, state, rid string
}

// xlReadWorkbook reads xl/workbook.xml. It uses Token rather than
// RawToken to resolve the r:id attribute's namespace, whatever its prefix.
func xlReadWorkbook(r io.Reader) (*xlWorkbookXML, error) {
	d := xlNewDecoder(r)
	wb := &xlWorkbookXML{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return wb, nil
		}
		if err != nil {
			return nil, err
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if wb.root == "" {
			wb.root = t.Name.Local
			if wb.root != "workbook" {
				return wb, nil
			}
		}
		switch t.Name.Local {
		case "workbookPr":
			// xsd:boolean: "1" and "true" mean the 1904 date system;
			// "0", "false" and absence mean 1900.
			wb.date1904 = xlBool([]byte(xlXMLAttr(t, "date1904")))
		case "sheet":
			s := xlSheetDecl{name: xlXMLAttr(t, "name"), state: xlXMLAttr(t, "state")}
			for _, a := range t.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" {
					s.rid = a.Value
				}
			}
			wb.sheets = append(wb.sheets, s)
		}
	}
}
