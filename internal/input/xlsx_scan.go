package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// xlScanner is a small pull tokenizer for the XML that spreadsheet programs
// write (worksheets and shared strings, the big parts). It is not a general
// XML parser: it does not check well-formedness beyond what it needs, does
// not resolve namespaces (a tag's name is split into its prefix and local
// part; xlSpaces matches them against the part's main namespace) and skips
// comments, processing instructions and DOCTYPEs. In exchange it allocates
// nothing per token: names, attributes and text are slices of its buffer,
// valid until the next call to next.
//
// The small parts (workbook, relationships, styles) go through
// encoding/xml instead.
type xlScanner struct {
	r      io.Reader
	buf    []byte
	pos    int   // next unread byte of buf
	end    int   // end of the data in buf
	base   int64 // stream offset of buf[0]
	eof    bool  // r returned io.EOF
	rerr   error // r returned another error
	maxTok int   // longest token the buffer may grow to hold

	// The current token.
	name   []byte // local name of a start or end tag
	prefix []byte // its namespace prefix ("x" of <x:row>), empty when none
	attrs  []byte // attribute text of a start tag
	empty  bool   // the start tag was self-closing (<v/>)
	text   []byte // raw text (entities not decoded) or CDATA content
	cdata  bool   // text is CDATA: take it verbatim
	start  int64  // stream offset where the token began

	// Namespaces (see is).
	depth    int // elements open after the current token
	scopes   []xlScope
	rootSeen bool
	main     string // the root element's namespace
	nsPrefix []byte // the last prefix is looked up, and its answer
	nsMain   bool
	nsCached bool
}

type xlTok uint8

const (
	xlEOF xlTok = iota
	xlStart
	xlEnd
	xlText
)

const (
	xlBufSize   = 64 << 10
	xlMaxTokLen = 64 << 20
)

// xlErrSyntax marks malformed XML; xlSyntaxError wraps it with an offset.
var xlErrSyntax = errors.New("malformed XML")

type xlSyntaxError struct {
	Offset int64
	Msg    string
}

func (e *xlSyntaxError) Error() string {
	return fmt.Sprintf("malformed XML at byte %d: %s", e.Offset, e.Msg)
}

func (e *xlSyntaxError) Unwrap() error { return xlErrSyntax }

func newXLScanner(r io.Reader) *xlScanner {
	return &xlScanner{r: r, buf: make([]byte, xlBufSize), maxTok: xlMaxTokLen}
}

func (s *xlScanner) syntax(format string, args ...any) error {
	return &xlSyntaxError{Offset: s.start, Msg: fmt.Sprintf(format, args...)}
}

// offset is the stream offset of the next unread byte.
func (s *xlScanner) offset() int64 { return s.base + int64(s.pos) }

// fill reads more data, moving the unread bytes to the front of the buffer
// and growing it when it is full. It reports whether data was added;
// indexes relative to s.pos stay valid across a call.
func (s *xlScanner) fill() (bool, error) {
	if s.eof || s.rerr != nil {
		return false, s.rerr
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.maxTok {
			return false, s.syntax("token longer than %d bytes", s.maxTok)
		}
		nb := make([]byte, min(2*len(s.buf), s.maxTok))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.rerr = err
		}
		if n > 0 {
			return true, nil
		}
		if err != nil {
			return false, s.rerr
		}
	}
	s.rerr = io.ErrNoProgress
	return false, s.rerr
}

// avail returns how many unread bytes are buffered, reading until there
// are at least n or the input ends.
func (s *xlScanner) avail(n int) (int, error) {
	for s.end-s.pos < n {
		ok, err := s.fill()
		if err != nil {
			return s.end - s.pos, err
		}
		if !ok {
			break
		}
	}
	return s.end - s.pos, nil
}

// index returns the offset from s.pos of the first occurrence of sep at or
// after offset from, reading as needed; -1 when the input ends first.
func (s *xlScanner) index(sep string, from int) (int, error) {
	for {
		if from < s.end-s.pos {
			var i int
			if len(sep) == 1 {
				i = bytes.IndexByte(s.buf[s.pos+from:s.end], sep[0])
			} else {
				i = bytes.Index(s.buf[s.pos+from:s.end], []byte(sep))
			}
			if i >= 0 {
				return from + i, nil
			}
			// Keep the last len(sep)-1 bytes: a match may straddle.
			from = max(from, s.end-s.pos-len(sep)+1)
		}
		ok, err := s.fill()
		if err != nil {
			return -1, err
		}
		if !ok {
			return -1, nil
		}
	}
}

// next reads the next token.
func (s *xlScanner) next() (xlTok, error) {
	if len(s.scopes) > 0 {
		s.closeScopes() // those of a self-closing tag, or of an element just ended
	}
	for {
		s.start = s.offset()
		n, err := s.avail(1)
		if n == 0 {
			return xlEOF, err
		}
		if s.buf[s.pos] != '<' {
			i, err := s.index("<", 1)
			if err != nil {
				return xlEOF, err
			}
			if i < 0 {
				i = s.end - s.pos
			}
			s.text = s.buf[s.pos : s.pos+i]
			s.cdata = false
			s.pos += i
			return xlText, nil
		}
		if n, err = s.avail(2); n < 2 {
			if err == nil {
				err = s.syntax("unexpected end of input after '<'")
			}
			return xlEOF, err
		}
		switch s.buf[s.pos+1] {
		case '/':
			return s.endTag()
		case '?':
			if err := s.skipPast("?>", 2); err != nil {
				return xlEOF, err
			}
		case '!':
			tok, err := s.bang()
			if err != nil || tok != xlEOF {
				return tok, err
			}
		default:
			return s.startTag()
		}
	}
}

// skipPast skips to just after the next sep, searching from offset from.
func (s *xlScanner) skipPast(sep string, from int) error {
	i, err := s.index(sep, from)
	if err != nil {
		return err
	}
	if i < 0 {
		return s.syntax("unexpected end of input: missing %q", sep)
	}
	s.pos += i + len(sep)
	return nil
}

// bang handles <!-- comments -->, <![CDATA[...]]> and other <!...>
// declarations (DOCTYPE). It returns xlText for CDATA and xlEOF (with a
// nil error) for skipped markup.
func (s *xlScanner) bang() (xlTok, error) {
	n, err := s.avail(9)
	rest := s.buf[s.pos:s.end]
	switch {
	case n >= 4 && bytes.HasPrefix(rest, []byte("<!--")):
		return xlEOF, s.skipPast("-->", 4)
	case n >= 9 && bytes.HasPrefix(rest, []byte("<![CDATA[")):
		i, err := s.index("]]>", 9)
		if err != nil {
			return xlEOF, err
		}
		if i < 0 {
			return xlEOF, s.syntax("unexpected end of input in CDATA section")
		}
		s.text = s.buf[s.pos+9 : s.pos+i]
		s.cdata = true
		s.pos += i + 3
		return xlText, nil
	}
	if err != nil {
		return xlEOF, err
	}
	// A declaration: skip to its '>', over quoted strings, nested <...>
	// (a DOCTYPE's internal subset) and comments, as encoding/xml does;
	// like it, ignore the byte after "<!".
	depth := 0
	var quote byte
	for j := 3; ; j++ {
		c, err := s.byteAt(j)
		if err != nil {
			return xlEOF, err
		}
		switch {
		case quote == 0 && c == '>' && depth == 0:
			s.pos += j + 1
			return xlEOF, nil
		case c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			depth--
		case c == '<':
			if n, _ := s.avail(j + 4); n >= j+4 && string(s.buf[s.pos+j+1:s.pos+j+4]) == "!--" {
				k, err := s.index("-->", j+4)
				if err != nil {
					return xlEOF, err
				}
				if k < 0 {
					return xlEOF, s.syntax("unexpected end of input in comment")
				}
				j = k + 2
				continue
			}
			depth++
		}
	}
}

// byteAt returns the byte at offset i from s.pos, reading as needed.
func (s *xlScanner) byteAt(i int) (byte, error) {
	for i >= s.end-s.pos {
		ok, err := s.fill()
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, s.syntax("unexpected end of input")
		}
	}
	return s.buf[s.pos+i], nil
}

// tagEnd returns the offset from s.pos of the '>' that closes the tag
// starting at s.pos, skipping quoted attribute values.
func (s *xlScanner) tagEnd() (int, error) {
	// Fast path: the first '>' with no quote characters before it, or
	// with an even number of double quotes and no single quotes.
	i, err := s.index(">", 1)
	if err != nil {
		return -1, err
	}
	if i < 0 {
		return -1, s.syntax("unexpected end of input in tag")
	}
	tag := s.buf[s.pos : s.pos+i]
	if bytes.IndexByte(tag, '\'') < 0 && bytes.Count(tag, []byte{'"'})%2 == 0 {
		return i, nil
	}
	// Slow path: a '>' inside a quoted value.
	var quote byte
	for j := 1; ; j++ {
		if j >= s.end-s.pos {
			ok, err := s.fill()
			if err != nil {
				return -1, err
			}
			if !ok {
				return -1, s.syntax("unexpected end of input in tag")
			}
		}
		c := s.buf[s.pos+j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j, nil
		}
	}
}

func xlIsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// xlSplitName splits a qualified name at the colon into its prefix and
// local part. As in encoding/xml, a name with an empty prefix or local
// part (":x", "x:") is taken whole, with no prefix.
func xlSplitName(name []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(name, ':'); i > 0 && i < len(name)-1 {
		return name[:i], name[i+1:]
	}
	return nil, name
}

func (s *xlScanner) startTag() (xlTok, error) {
	i, err := s.tagEnd()
	if err != nil {
		return xlEOF, err
	}
	tag := s.buf[s.pos+1 : s.pos+i] // without '<' and '>'
	s.pos += i + 1
	s.empty = len(tag) > 0 && tag[len(tag)-1] == '/'
	if s.empty {
		tag = tag[:len(tag)-1]
	}
	j := 0
	for j < len(tag) && !xlIsSpace(tag[j]) {
		j++
	}
	if j == 0 {
		return xlEOF, s.syntax("tag without a name")
	}
	s.prefix, s.name = xlSplitName(tag[:j])
	s.attrs = tag[j:]
	s.openScope(s.depth + 1)
	if !s.empty {
		s.depth++
	}
	return xlStart, nil
}

func (s *xlScanner) endTag() (xlTok, error) {
	i, err := s.index(">", 2)
	if err != nil {
		return xlEOF, err
	}
	if i < 0 {
		return xlEOF, s.syntax("unexpected end of input in end tag")
	}
	name := s.buf[s.pos+2 : s.pos+i]
	for len(name) > 0 && xlIsSpace(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	s.pos += i + 1
	if len(name) == 0 {
		return xlEOF, s.syntax("end tag without a name")
	}
	s.prefix, s.name = xlSplitName(name)
	s.attrs = nil
	if s.depth > 0 {
		s.depth--
	}
	return xlEnd, nil
}

// skipElement skips the content of the element whose start tag was just
// read, through its end tag.
func (s *xlScanner) skipElement() error {
	if s.empty {
		return nil
	}
	depth := 1
	for {
		tok, err := s.next()
		switch {
		case err != nil:
			return err
		case tok == xlEOF:
			return s.syntax("unexpected end of input in element")
		case tok == xlStart && !s.empty:
			depth++
		case tok == xlEnd:
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
}

// appendText appends the character data of the element whose start tag was
// just read to dst, decoding entities, and consumes its end tag. Child
// elements (none are expected) are skipped.
func (s *xlScanner) appendText(dst []byte) ([]byte, error) {
	if s.empty {
		return dst, nil
	}
	for {
		tok, err := s.next()
		switch {
		case err != nil:
			return dst, err
		case tok == xlText:
			if s.cdata {
				dst = xlAppendCDATA(dst, s.text)
			} else if dst, err = xlAppendText(dst, s.text); err != nil {
				return dst, s.syntax("%v", err)
			}
		case tok == xlStart:
			if err := s.skipElement(); err != nil {
				return dst, err
			}
		case tok == xlEnd:
			return dst, nil
		default:
			return dst, s.syntax("unexpected end of input in element")
		}
	}
}

// xlAttr splits the first attribute off attrs: its name (qualified, as
// written), raw value (entities not decoded) and the rest. ok is false at
// the end of the attributes; err reports malformed attribute text.
func xlAttr(attrs []byte) (name, value, rest []byte, ok bool, err error) {
	i := 0
	for i < len(attrs) && xlIsSpace(attrs[i]) {
		i++
	}
	if i == len(attrs) {
		return nil, nil, nil, false, nil
	}
	j := i
	for j < len(attrs) && attrs[j] != '=' && !xlIsSpace(attrs[j]) {
		j++
	}
	name = attrs[i:j]
	for j < len(attrs) && xlIsSpace(attrs[j]) {
		j++
	}
	if j == len(attrs) || attrs[j] != '=' || len(name) == 0 {
		return nil, nil, nil, false, fmt.Errorf("attribute %q without a value", name)
	}
	j++
	for j < len(attrs) && xlIsSpace(attrs[j]) {
		j++
	}
	if j == len(attrs) || (attrs[j] != '"' && attrs[j] != '\'') {
		return nil, nil, nil, false, fmt.Errorf("attribute %q: value not quoted", name)
	}
	q := attrs[j]
	k := bytes.IndexByte(attrs[j+1:], q)
	if k < 0 {
		return nil, nil, nil, false, fmt.Errorf("attribute %q: missing closing quote", name)
	}
	return name, attrs[j+1 : j+1+k], attrs[j+1+k+1:], true, nil
}

// xlAppendText appends raw XML character data to dst with entity and
// character references decoded and line ends normalised to \n, as an XML
// processor must.
func xlAppendText(dst, raw []byte) ([]byte, error) {
	for len(raw) > 0 {
		i := 0
		for i < len(raw) && raw[i] != '&' && raw[i] != '\r' {
			i++
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if len(raw) == 0 {
			break
		}
		if raw[0] == '\r' {
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 40 {
			return dst, errors.New("'&' not followed by an entity reference")
		}
		ent := raw[1:semi]
		raw = raw[semi+1:]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := xlCharRef(ent)
			if !ok {
				return dst, fmt.Errorf("unknown entity &%s;", ent)
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, nil
}

// xlAppendCDATA appends the content of a CDATA section with line ends
// normalised to \n.
func xlAppendCDATA(dst, raw []byte) []byte {
	for {
		i := bytes.IndexByte(raw, '\r')
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		dst = append(dst, '\n')
		raw = raw[i+1:]
		if len(raw) > 0 && raw[0] == '\n' {
			raw = raw[1:]
		}
	}
}

// xlCharRef parses the inside of a character reference: "#65" or
// "#x41". It rejects code points XML does not allow.
func xlCharRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	digits, base := ent[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return 0, false
		}
	}
	return r, xlIsXMLChar(r)
}

// xlIsXMLChar reports whether r may appear in an XML document (the Char
// production of XML 1.0).
func xlIsXMLChar(r rune) bool {
	switch {
	case r == 0x09 || r == 0x0A || r == 0x0D:
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	case r < 0x10000:
		return false
	}
	return r <= utf8.MaxRune
}

// xlUnescapeXstring decodes the _xHHHH_ escapes of ECMA-376's ST_Xstring in
// place (Excel writes control characters such as CR as _x000D_, and a
// literal "_x" sequence as _x005F_x) and returns the shortened slice.
// Surrogate pairs written as two escapes are combined; lone surrogates
// become U+FFFD.
func xlUnescapeXstring(b []byte) []byte {
	i := bytes.Index(b, []byte("_x"))
	if i < 0 {
		return b
	}
	w := i // write position; b[:w] is final
	for i < len(b) {
		if r, ok := xlXstringEscape(b[i:]); ok {
			i += 7
			if r >= 0xD800 && r <= 0xDBFF {
				if r2, ok := xlXstringEscape(b[i:]); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
					r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
					i += 7
				}
			}
			if r >= 0xD800 && r <= 0xDFFF {
				r = utf8.RuneError
			}
			w += utf8.EncodeRune(b[w:], r) // never longer than the 7-byte escape
			continue
		}
		b[w] = b[i]
		w++
		i++
	}
	return b[:w]
}

// xlXstringEscape decodes an _xHHHH_ escape at the start of b.
func xlXstringEscape(b []byte) (rune, bool) {
	if len(b) < 7 || b[0] != '_' || b[1] != 'x' || b[6] != '_' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Namespaces. The scanner tracks the namespace declarations in scope
// (xmlns="…" and xmlns:p="…" on any element, for that element and its
// content) so that is can tell an element of the part's main namespace
// from an extension that reuses its local name. The main namespace is the
// root element's: SpreadsheetML's, transitional or Strict, in any real
// file, whatever prefix the writer gives it (<x:row> from the Open XML
// SDK); none at all in some hand-made files.

// xlScope is the declarations made on one open element.
type xlScope struct {
	depth int // depth of the element that declares them (the root is 1)
	decls []xlDecl
}

type xlDecl struct{ prefix, uri string }

// is reports whether the tag just read is the element local of the
// part's main namespace.
func (s *xlScanner) is(local string) bool {
	if string(s.name) != local {
		return false
	}
	if s.nsCached && bytes.Equal(s.prefix, s.nsPrefix) {
		return s.nsMain
	}
	s.nsPrefix = append(s.nsPrefix[:0], s.prefix...)
	s.nsMain = s.resolve(s.prefix) == s.main
	s.nsCached = true
	return s.nsMain
}

// resolve returns the namespace URI bound to a prefix ("" for the default
// namespace) where the scanner is. As in encoding/xml, a prefix that is
// not bound stands for itself, and no default namespace is "".
func (s *xlScanner) resolve(prefix []byte) string {
	for i := len(s.scopes) - 1; i >= 0; i-- {
		for _, d := range s.scopes[i].decls {
			if d.prefix == string(prefix) {
				return d.uri
			}
		}
	}
	return string(prefix)
}

// openScope records the declarations of the start tag just read, at
// depth, and the main namespace when it is the root.
func (s *xlScanner) openScope(depth int) {
	if bytes.Contains(s.attrs, []byte("xmlns")) {
		if decls := xlNSDecls(s.attrs); len(decls) > 0 {
			s.scopes = append(s.scopes, xlScope{depth: depth, decls: decls})
			s.nsCached = false
		}
	}
	if !s.rootSeen {
		s.rootSeen = true
		s.main = s.resolve(s.prefix)
	}
}

// closeScopes drops the declarations of elements that are no longer open.
func (s *xlScanner) closeScopes() {
	for len(s.scopes) > 0 && s.scopes[len(s.scopes)-1].depth > s.depth {
		s.scopes = s.scopes[:len(s.scopes)-1]
		s.nsCached = false
	}
}

// xlNSDecls returns the namespace declarations among a tag's attributes.
// Malformed attributes end the list (the caller reports them when it
// reads the attributes it needs).
func xlNSDecls(attrs []byte) []xlDecl {
	var decls []xlDecl
	for {
		name, value, rest, ok, _ := xlAttr(attrs)
		if !ok {
			return decls
		}
		attrs = rest
		var prefix string
		switch {
		case string(name) == "xmlns":
		case bytes.HasPrefix(name, []byte("xmlns:")):
			prefix = string(name[len("xmlns:"):])
		default:
			continue
		}
		uri, err := xlAppendText(nil, value)
		if err != nil {
			uri = value
		}
		decls = append(decls, xlDecl{prefix, string(uri)})
	}
}
