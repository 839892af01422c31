package analyzer

import (
	"unicode/utf8"

	"github.com/iamconsole/console/internal/policy"
)

// PathElement is one step of a location's path into the document, as
// ValidatePolicy gives it: exactly one of Index (an array element), Key (an
// object member's name, when the finding is about the name), Value (the
// value of the member so named) or Substring (part of a string) is set.
type PathElement struct {
	Index     *int
	Key       *string
	Value     *string
	Substring *Substring
}

// Substring is a part of a string value: Start and Length in characters.
type Substring struct{ Start, Length int }

// Position is a point in the document: Line from 1, Column and Offset (in
// characters from the document's start) from 0, as AWS counts them.
type Position struct{ Line, Column, Offset int }

// Span is the text a location covers: End is just past its last character.
type Span struct{ Start, End Position }

// Location is where in the document a finding is.
type Location struct {
	Path []PathElement
	Span Span
}

func indexElem(i int) PathElement    { return PathElement{Index: &i} }
func keyElem(k string) PathElement   { return PathElement{Key: &k} }
func valueElem(k string) PathElement { return PathElement{Value: &k} }

// locator turns the validator's line:column positions into AWS's paths and
// spans, over the document's JSON tree.
type locator struct {
	doc   []byte
	root  *policy.Node
	lines []lineStart // per line (index line-1): where it starts
}

type lineStart struct{ byteOff, charOff int }

func newLocator(doc []byte, root *policy.Node) *locator {
	l := &locator{doc: doc, root: root, lines: make([]lineStart, 1, 64)}
	chars := 0
	for i := 0; i < len(doc); {
		r, size := utf8.DecodeRune(doc[i:])
		i += size
		chars++
		if r == '\n' {
			l.lines = append(l.lines, lineStart{i, chars})
		}
	}
	return l
}

// position converts a 1-based line and column (in characters) to AWS's
// position.
func (l *locator) position(p policy.Pos) Position {
	if p.Line < 1 || p.Line > len(l.lines) {
		return Position{Line: max(p.Line, 1)}
	}
	col := max(p.Column-1, 0)
	return Position{Line: p.Line, Column: col, Offset: l.lines[p.Line-1].charOff + col}
}

// stringEnd is the position just past the quoted string starting at p (an
// object member's name: the tree keeps only where names start).
func (l *locator) stringEnd(p policy.Pos) Position {
	start := l.position(p)
	if p.Line < 1 || p.Line > len(l.lines) {
		return start
	}
	i := l.lines[p.Line-1].byteOff
	for c := 1; c < p.Column && i < len(l.doc); c++ { // to the opening quote
		_, size := utf8.DecodeRune(l.doc[i:])
		i += size
	}
	n, esc := 0, false
	for j := i; j < len(l.doc); {
		r, size := utf8.DecodeRune(l.doc[j:])
		j += size
		n++
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case r == '"' && n > 1:
			return Position{Line: start.Line, Column: start.Column + n, Offset: start.Offset + n}
		}
	}
	return start
}

func (l *locator) span(n *policy.Node) Span {
	return Span{Start: l.position(n.Start), End: l.position(n.End)}
}

// nodeAt finds the value or member name starting at p: the path to it, its
// span, and the value (nil for a member name).
func (l *locator) nodeAt(p policy.Pos) (Location, *policy.Node, bool) {
	var path []PathElement
	var found Location
	var node *policy.Node
	ok := false
	var walk func(n *policy.Node) bool
	walk = func(n *policy.Node) bool {
		if n.Start == p && len(n.Members) == 0 && len(n.Elems) == 0 {
			found, node, ok = Location{Path: clonePath(path), Span: l.span(n)}, n, true
			return true
		}
		for i := range n.Members {
			m := &n.Members[i]
			if m.KeyPos == p {
				found = Location{Path: append(clonePath(path), keyElem(m.Key)), Span: Span{l.position(m.KeyPos), l.stringEnd(m.KeyPos)}}
				ok = true
				return true
			}
			path = append(path, valueElem(m.Key))
			if walk(m.Value) {
				return true
			}
			path = path[:len(path)-1]
		}
		for i, e := range n.Elems {
			path = append(path, indexElem(i))
			if walk(e) {
				return true
			}
			path = path[:len(path)-1]
		}
		if n.Start == p { // a container: the innermost one starting here
			found, node, ok = Location{Path: clonePath(path), Span: l.span(n)}, n, true
			return true
		}
		return false
	}
	if l.root != nil {
		walk(l.root)
	}
	return found, node, ok
}

// statementPath is the path to statement i (the Statement element may be
// one object rather than a list).
func (l *locator) statement(i int) (*policy.Node, []PathElement) {
	st := l.root.Member("Statement")
	if st == nil {
		return nil, nil
	}
	if st.Kind == policy.NodeObject {
		return st, []PathElement{valueElem("Statement")}
	}
	if i < len(st.Elems) {
		return st.Elems[i], []PathElement{valueElem("Statement"), indexElem(i)}
	}
	return nil, nil
}

// member locates the value of statement i's element key (or the
// statement, when the element is absent).
func (l *locator) member(i int, key string) Location {
	n, path := l.statement(i)
	if n == nil {
		return Location{}
	}
	if v := n.Member(key); v != nil {
		return Location{Path: append(clonePath(path), valueElem(key)), Span: l.span(v)}
	}
	return Location{Path: path, Span: l.span(n)}
}

// element locates entry j of statement i's element key (a string or a
// list of strings).
func (l *locator) element(i int, key string, j int) Location {
	n, path := l.statement(i)
	if n == nil {
		return Location{}
	}
	v := n.Member(key)
	if v == nil {
		return Location{Path: path, Span: l.span(n)}
	}
	path = append(clonePath(path), valueElem(key))
	if v.Kind == policy.NodeArray && j < len(v.Elems) {
		return Location{Path: append(path, indexElem(j)), Span: l.span(v.Elems[j])}
	}
	return Location{Path: path, Span: l.span(v)}
}

func clonePath(p []PathElement) []PathElement {
	return append(make([]PathElement, 0, len(p)+2), p...)
}
