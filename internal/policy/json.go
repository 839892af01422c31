package policy

import (
	"strconv"
	"unicode/utf8"
)

// This file holds a small JSON decoder written for policy documents. We do not use
// encoding/json because the validator must report a line and column for every element,
// must see duplicate keys (encoding/json silently keeps the last one) and must bound
// the work done on hostile input: depth, size and therefore memory are capped before
// anything is allocated for them.

const (
	// MaxDocumentBytes bounds the raw input Parse accepts. AWS's largest policy (a role
	// inline policy) is 10,240 characters without whitespace; resource policies of some
	// services go to 20 KiB. Anything this large is not a policy, and refusing it early
	// keeps memory bounded.
	MaxDocumentBytes = 256 << 10
	// maxDepth bounds nesting. A valid policy nests at most 6 levels (document,
	// Statement list, statement, Condition, operator, key, value list); the slack is for
	// useful error messages on slightly wrong documents.
	maxDepth = 16
)

type jkind uint8

const (
	jString jkind = iota
	jNumber
	jBool
	jNull
	jObject
	jArray
)

func (k jkind) String() string {
	switch k {
	case jString:
		return "string"
	case jNumber:
		return "number"
	case jBool:
		return "boolean"
	case jNull:
		return "null"
	case jObject:
		return "object"
	default:
		return "array"
	}
}

// Pos is a 1-based line and column (in characters) in a policy document.
type Pos struct {
	Line, Column int
}

// jnode is one decoded JSON value with where it started.
type jnode struct {
	kind    jkind
	pos     Pos
	end     Pos    // just after the value; used for statement end positions
	str     string // string value, number literal, or "true"/"false"
	members []jmember
	elems   []*jnode
}

type jmember struct {
	key    string
	keyPos Pos
	val    *jnode
}

type jdecoder struct {
	data  []byte
	off   int
	line  int
	col   int
	diags []Diagnostic // duplicate keys; syntax errors stop decoding
}

// jsyntaxError stops decoding; it carries the diagnostic to report.
type jsyntaxError struct{ d Diagnostic }

func (e *jsyntaxError) Error() string { return e.d.Message }

func decodeJSON(data []byte) (*jnode, []Diagnostic, *jsyntaxError) {
	d := &jdecoder{data: data, line: 1, col: 1}
	if len(data) > MaxDocumentBytes {
		return nil, nil, &jsyntaxError{Diagnostic{Code: CodeSizeLimit, Severity: SeverityError, Line: 1, Column: 1,
			Message: "policy document is larger than " + strconv.Itoa(MaxDocumentBytes) + " bytes"}}
	}
	d.skipBOM()
	d.skipSpace()
	if d.off >= len(d.data) {
		return nil, nil, d.fail(CodeMalformedJSON, "policy document is empty")
	}
	n, err := d.value(0)
	if err != nil {
		return nil, d.diags, err
	}
	d.skipSpace()
	if d.off < len(d.data) {
		return nil, d.diags, d.fail(CodeMalformedJSON, "unexpected data after the end of the JSON document")
	}
	return n, d.diags, nil
}

func (d *jdecoder) pos() Pos { return Pos{d.line, d.col} }

func (d *jdecoder) fail(code Code, msg string) *jsyntaxError { return d.failAt(d.pos(), code, msg) }

// failAt reports a syntax error where the mistake is, which is not always
// where the decoder noticed it: a trailing comma is noticed at the '}' after
// it, a missing comma at the member after it, an unclosed string at the end.
func (d *jdecoder) failAt(at Pos, code Code, msg string) *jsyntaxError {
	return &jsyntaxError{Diagnostic{Code: code, Severity: SeverityError, Message: msg, Line: at.Line, Column: at.Column}}
}

// at returns the position of byte offset off, which must be on the current
// line at or before d.off.
func (d *jdecoder) at(off int) Pos {
	col := d.col
	for i := off; i < d.off; i++ {
		if d.data[i]&0xC0 != 0x80 {
			col--
		}
	}
	return Pos{d.line, col}
}

// unexpected describes the character at d.off, with a hint for the mistakes
// people make when JSON is not their daily language.
func (d *jdecoder) unexpected(expected string) *jsyntaxError {
	if d.off >= len(d.data) {
		return d.fail(CodeMalformedJSON, "unexpected end of document; expected "+expected)
	}
	msg := "unexpected character " + quoteChar(d.data[d.off:]) + "; expected " + expected
	switch d.data[d.off] {
	case '\'':
		msg += " (JSON strings and names use double quotes)"
	case '/', '#':
		msg += " (JSON has no comments)"
	}
	return d.fail(CodeMalformedJSON, msg)
}

func (d *jdecoder) skipBOM() {
	if len(d.data) >= 3 && d.data[0] == 0xEF && d.data[1] == 0xBB && d.data[2] == 0xBF {
		d.off = 3
	}
}

// advance moves over n bytes that contain no newline, counting characters not bytes.
func (d *jdecoder) advance(n int) {
	for i := 0; i < n; i++ {
		if d.data[d.off]&0xC0 != 0x80 {
			d.col++
		}
		d.off++
	}
}

func (d *jdecoder) skipSpace() {
	for d.off < len(d.data) {
		switch d.data[d.off] {
		case '\n':
			d.line++
			d.col = 1
			d.off++
		case ' ', '\t', '\r':
			d.col++
			d.off++
		default:
			return
		}
	}
}

func (d *jdecoder) value(depth int) (*jnode, *jsyntaxError) {
	if depth > maxDepth {
		return nil, d.fail(CodeTooDeep, "JSON nesting is deeper than "+strconv.Itoa(maxDepth)+" levels")
	}
	if d.off >= len(d.data) {
		return nil, d.fail(CodeMalformedJSON, "unexpected end of document")
	}
	start := d.pos()
	switch c := d.data[d.off]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return &jnode{kind: jString, pos: start, end: d.pos(), str: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return d.literal("true", jBool)
	case c == 'f':
		return d.literal("false", jBool)
	case c == 'n':
		return d.literal("null", jNull)
	default:
		return nil, d.unexpected("a JSON value")
	}
}

func quoteChar(b []byte) string {
	r, _ := utf8.DecodeRune(b)
	return strconv.QuoteRune(r)
}

func (d *jdecoder) literal(word string, k jkind) (*jnode, *jsyntaxError) {
	start := d.pos()
	if len(d.data)-d.off < len(word) || string(d.data[d.off:d.off+len(word)]) != word {
		return nil, d.fail(CodeMalformedJSON, "invalid literal; expected "+word)
	}
	d.advance(len(word))
	return &jnode{kind: k, pos: start, end: d.pos(), str: word}, nil
}

func (d *jdecoder) number() (*jnode, *jsyntaxError) {
	start := d.pos()
	i := d.off
	if d.data[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
		}
		return i - j
	}
	if n := digits(); n == 0 || (n > 1 && d.data[i-n] == '0') {
		return nil, d.fail(CodeMalformedJSON, "invalid number")
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if digits() == 0 {
			return nil, d.fail(CodeMalformedJSON, "invalid number: digits expected after '.'")
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, d.fail(CodeMalformedJSON, "invalid number: digits expected in exponent")
		}
	}
	lit := string(d.data[d.off:i])
	d.advance(i - d.off)
	return &jnode{kind: jNumber, pos: start, end: d.pos(), str: lit}, nil
}

// str decodes a JSON string at d.off (which is '"').
func (d *jdecoder) str() (string, *jsyntaxError) {
	open := d.pos()
	d.advance(1)
	// Fast path: no escapes.
	i := d.off
	for i < len(d.data) {
		c := d.data[i]
		if c == '"' {
			s := d.data[d.off:i]
			if !utf8.Valid(s) {
				break
			}
			d.advance(i - d.off + 1)
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	var buf []byte
	for {
		if d.off >= len(d.data) {
			return "", d.failAt(open, CodeMalformedJSON, "this string is never closed: a '\"' is missing")
		}
		c := d.data[d.off]
		switch {
		case c == '"':
			d.advance(1)
			return string(buf), nil
		case c == '\n':
			return "", d.failAt(open, CodeMalformedJSON, "this string is not closed on its line: a '\"' is missing (a line break inside a string must be written \\n)")
		case c < 0x20:
			return "", d.fail(CodeMalformedJSON, "control character in string; escape it")
		case c == '\\':
			if d.off+1 >= len(d.data) {
				return "", d.failAt(open, CodeMalformedJSON, "this string is never closed: a '\"' is missing")
			}
			e := d.data[d.off+1]
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, n, ok := d.unicodeEscape()
				if !ok {
					return "", d.fail(CodeMalformedJSON, "invalid \\u escape in string")
				}
				buf = utf8.AppendRune(buf, r)
				d.advance(n)
				continue
			default:
				return "", d.fail(CodeMalformedJSON, "invalid escape \\"+string(rune(e))+" in string")
			}
			d.advance(2)
		default:
			r, size := utf8.DecodeRune(d.data[d.off:])
			if r == utf8.RuneError && size <= 1 {
				return "", d.fail(CodeMalformedJSON, "invalid UTF-8 in string")
			}
			buf = append(buf, d.data[d.off:d.off+size]...)
			d.advance(size)
		}
	}
}

// unicodeEscape reads \uXXXX (and a following low surrogate) at d.off.
func (d *jdecoder) unicodeEscape() (rune, int, bool) {
	hex4 := func(at int) (rune, bool) {
		if at+4 > len(d.data) {
			return 0, false
		}
		v, err := strconv.ParseUint(string(d.data[at:at+4]), 16, 32)
		return rune(v), err == nil
	}
	r, ok := hex4(d.off + 2)
	if !ok {
		return 0, 0, false
	}
	if r >= 0xD800 && r < 0xDC00 {
		at := d.off + 6
		if at+6 <= len(d.data) && d.data[at] == '\\' && d.data[at+1] == 'u' {
			if lo, ok := hex4(at + 2); ok && lo >= 0xDC00 && lo < 0xE000 {
				return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12, true
			}
		}
		return utf8.RuneError, 6, true
	}
	if r >= 0xDC00 && r < 0xE000 {
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}

func (d *jdecoder) object(depth int) (*jnode, *jsyntaxError) {
	n := &jnode{kind: jObject, pos: d.pos()}
	var seen map[string]int
	d.advance(1)
	d.skipSpace()
	if d.off < len(d.data) && d.data[d.off] == '}' {
		d.advance(1)
		n.end = d.pos()
		return n, nil
	}
	for {
		d.skipSpace()
		if d.off >= len(d.data) {
			return nil, d.unclosed(n.pos, '{')
		}
		if d.data[d.off] != '"' {
			return nil, d.unexpected("a quoted member name")
		}
		kp := d.pos()
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		if len(n.members) == 16 && seen == nil {
			// Large objects switch to a map so duplicate detection stays linear.
			seen = make(map[string]int, 32)
			for i, m := range n.members {
				seen[m.key] = i
			}
		}
		var dup *jmember
		if seen != nil {
			if i, ok := seen[key]; ok {
				dup = &n.members[i]
			} else {
				seen[key] = len(n.members)
			}
		} else {
			for i := range n.members {
				if n.members[i].key == key {
					dup = &n.members[i]
					break
				}
			}
		}
		if dup != nil && len(d.diags) < maxDiagnostics {
			d.diags = append(d.diags, Diagnostic{Code: CodeDuplicateKey, Severity: SeverityError,
				Line: kp.Line, Column: kp.Column,
				Message: "duplicate key " + strconv.Quote(key) + " (first at line " + strconv.Itoa(dup.keyPos.Line) + ", column " + strconv.Itoa(dup.keyPos.Column) + ")"})
		}
		keyEnd := d.pos()
		d.skipSpace()
		if d.off >= len(d.data) {
			return nil, d.unclosed(n.pos, '{')
		}
		if d.data[d.off] != ':' {
			return nil, d.failAt(keyEnd, CodeMalformedJSON, "missing ':' after member name "+strconv.Quote(key))
		}
		d.advance(1)
		d.skipSpace()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, jmember{key: key, keyPos: kp, val: v})
		if done, err := d.separator(n, v, '}'); done || err != nil {
			return n, err
		}
	}
}

func (d *jdecoder) array(depth int) (*jnode, *jsyntaxError) {
	n := &jnode{kind: jArray, pos: d.pos()}
	d.advance(1)
	d.skipSpace()
	if d.off < len(d.data) && d.data[d.off] == ']' {
		d.advance(1)
		n.end = d.pos()
		return n, nil
	}
	for {
		d.skipSpace()
		if d.off >= len(d.data) {
			return nil, d.unclosed(n.pos, '[')
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		if done, err := d.separator(n, v, ']'); done || err != nil {
			return n, err
		}
	}
}

// separator reads what follows a member or element of n (whose last value is
// prev): ',' before the next one (done false), or the closing bracket (done
// true, n.end set). Mistakes are reported where they are: a trailing comma at
// the comma, a missing comma just after prev.
func (d *jdecoder) separator(n *jnode, prev *jnode, closer byte) (done bool, err *jsyntaxError) {
	what := "object member"
	if closer == ']' {
		what = "array element"
	}
	d.skipSpace()
	if d.off >= len(d.data) {
		return false, d.unclosed(n.pos, map[byte]byte{'}': '{', ']': '['}[closer])
	}
	switch c := d.data[d.off]; {
	case c == closer:
		d.advance(1)
		n.end = d.pos()
		return true, nil
	case c == ',':
		comma := d.pos()
		d.advance(1)
		d.skipSpace()
		if d.off < len(d.data) && d.data[d.off] == closer {
			return false, d.failAt(comma, CodeMalformedJSON, "trailing comma: JSON allows no ',' after the last "+what)
		}
		return false, nil
	case c == '"' || c == '{' || c == '[' || (closer == ']' && (c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f' || c == 'n')):
		// The next member or element, without the comma between them.
		return false, d.failAt(prev.end, CodeMalformedJSON, "missing ',' after this "+what)
	case c == '}' || c == ']':
		return false, d.fail(CodeMalformedJSON, "unexpected "+strconv.QuoteRune(rune(c))+": the "+string(rune(map[byte]byte{'}': '{', ']': '['}[closer]))+
			" at line "+strconv.Itoa(n.pos.Line)+", column "+strconv.Itoa(n.pos.Column)+" is closed by "+strconv.QuoteRune(rune(closer)))
	}
	return false, d.unexpected("',' or " + strconv.QuoteRune(rune(closer)) + " after " + what)
}

// unclosed reports a '{' or '[' the document ends inside, at the bracket.
func (d *jdecoder) unclosed(open Pos, bracket byte) *jsyntaxError {
	return d.failAt(open, CodeMalformedJSON, "this "+strconv.QuoteRune(rune(bracket))+" is never closed: the document ends first")
}
