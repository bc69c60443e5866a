package input

import (
	"bytes"
	"fmt"
	"io"
)

// xlReadMerged returns the <mergeCell ref="A1:C1"/> ranges of a worksheet
// part that start at or above row maxRow (all when maxRow <= 0). The
// <mergeCells> element follows <sheetData>, so this is a second pass over
// the part; it finds the element with a byte search instead of tokenizing
// the rows.
func xlReadMerged(r io.Reader, maxRow int) ([]Range, error) {
	return xlReadMergedFrom(newXLScanner(r), maxRow)
}

func xlReadMergedFrom(sc *xlScanner, maxRow int) ([]Range, error) {
	found, err := sc.skipToTag("mergeCells")
	if err != nil || !found {
		return nil, err
	}
	var ranges []Range
	for {
		tok, err := sc.next()
		if err != nil {
			return nil, err
		}
		switch tok {
		case xlEOF:
			return ranges, nil
		case xlEnd:
			if string(sc.name) == "mergeCells" {
				return ranges, nil
			}
		case xlStart:
			if string(sc.name) != "mergeCell" {
				continue
			}
			for attrs := sc.attrs; ; {
				name, raw, rest, ok, err := xlAttr(attrs)
				if err != nil {
					return nil, sc.syntax("%v", err)
				}
				if !ok {
					break
				}
				attrs = rest
				if string(name) != "ref" {
					continue
				}
				rg, ok := xlParseRange(raw)
				if !ok {
					return nil, fmt.Errorf("malformed merged range %q", raw)
				}
				if maxRow <= 0 || rg.FromRow <= maxRow {
					ranges = append(ranges, rg)
				}
			}
		}
	}
}

// skipToTag advances past the name of the next start tag with the given
// local name and past the rest of that tag. It reports false when there
// is none, or when the element is empty (<mergeCells/>). Only the
// candidate matches of a byte search are looked at, not every tag.
func (s *xlScanner) skipToTag(local string) (bool, error) {
	pat := []byte(local)
	for {
		data := s.buf[s.pos:s.end]
		// Search from 1 so that the byte before a match is at hand.
		i := -1
		if len(data) > 1 {
			if i = bytes.Index(data[1:], pat); i >= 0 {
				i++
			}
		}
		switch {
		case i < 0:
			// Keep enough to see a match that straddles the refill.
			s.pos = max(s.pos, s.end-len(pat))
		case i+len(pat) >= len(data):
			// Need the byte after the name: read more, keep the match.
			s.pos += i - 1
		default:
			before, after := data[i-1], data[i+len(pat)]
			if (before == '<' || before == ':') && (xlIsSpace(after) || after == '>' || after == '/') {
				s.pos += i + len(pat)
				s.start = s.offset()
				j, err := s.index(">", 0)
				if err != nil || j < 0 {
					return false, err
				}
				empty := j > 0 && s.buf[s.pos+j-1] == '/'
				s.pos += j + 1
				return !empty, nil
			}
			s.pos += i
			continue
		}
		ok, err := s.fill()
		if err != nil || !ok {
			return false, err
		}
	}
}

// xlParseRange parses "A1:C3" (or a single cell "A1") into a normalised
// Range.
func xlParseRange(b []byte) (Range, bool) {
	b = bytes.TrimSpace(b)
	from, to := b, b
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		from, to = b[:i], b[i+1:]
	}
	c1, r1, ok1 := xlParseRef(from)
	c2, r2, ok2 := xlParseRef(to)
	if !ok1 || !ok2 || r1 == 0 || r2 == 0 {
		return Range{}, false
	}
	return Range{FromRow: min(r1, r2), FromCol: min(c1, c2), ToRow: max(r1, r2), ToCol: max(c1, c2)}, true
}
