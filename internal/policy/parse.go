package policy

import (
	"slices"
	"strconv"
	"strings"
)

// Parse decodes and checks a policy document for the given kind. It returns the
// document, or a *ParseError listing every error found (each with Line, Column and a
// Code); it never panics. Size quotas and lint warnings are Validate's job.
func Parse(doc []byte, kind Kind) (*Document, error) {
	d, errs := parse(doc, kind)
	if len(errs) > 0 {
		return nil, &ParseError{Diagnostics: errs}
	}
	return d, nil
}

// MustParse is Parse for documents known to be valid (tests, built-in policies); it
// panics on error.
func MustParse(doc string, kind Kind) *Document {
	d, err := Parse([]byte(doc), kind)
	if err != nil {
		panic(err)
	}
	return d
}

// parse returns the document (nil if the JSON is unreadable) and its errors.
func parse(doc []byte, kind Kind) (*Document, []Diagnostic) {
	root, diags, serr := decodeJSON(doc)
	if serr != nil {
		return nil, append(diags, serr.d)
	}
	p := &parser{kind: kind, diags: diags}
	d := &Document{Kind: kind}
	d.Size = p.scanCharacters(doc)
	p.document(root, d)
	if len(p.diags) > 0 {
		sortDiagnostics(p.diags)
		return d, p.diags
	}
	return d, nil
}

type parser struct {
	kind  Kind
	diags []Diagnostic
}

// maxDiagnostics bounds the errors kept for one document: past it, more detail does
// not help anyone and a hostile document could make the list huge.
const maxDiagnostics = 100

func (p *parser) errAt(pos Pos, path string, code Code, msg string) {
	if len(p.diags) >= maxDiagnostics {
		return
	}
	p.diags = append(p.diags, Diagnostic{Code: code, Severity: SeverityError, Message: msg,
		Line: pos.Line, Column: pos.Column, Path: path})
}

// scanCharacters counts the characters AWS counts for size quotas (everything but
// whitespace outside strings) and reports characters IAM refuses: IAM accepts tab,
// newline, carriage return and U+0020 through U+00FF only.
func (p *parser) scanCharacters(doc []byte) int {
	n, line, col, inStr, esc, bad := 0, 1, 1, false, false, 0
	for _, r := range string(doc) {
		switch {
		case r == '\n':
			line, col = line+1, 1
			if inStr {
				n++
			}
			continue
		case r == '\uFEFF' && n == 0 && line == 1 && col == 1:
			continue // byte-order mark
		case r != '\t' && r != '\r' && (r < 0x20 || r > 0xFF):
			if bad < 5 {
				p.errAt(Pos{line, col}, "", CodeBadCharacter,
					"character "+strconv.QuoteRune(r)+" is not allowed in IAM policies (only tab, newline, carriage return and U+0020-U+00FF)")
			}
			bad++
		}
		if inStr {
			n++
			switch {
			case esc:
				esc = false
			case r == '\\':
				esc = true
			case r == '"':
				inStr = false
			}
		} else if r != ' ' && r != '\t' && r != '\r' {
			n++
			if r == '"' {
				inStr = true
			}
		}
		col++
	}
	return n
}

func (p *parser) document(root *jnode, d *Document) {
	if root.kind != jObject {
		p.errAt(root.pos, "", CodeWrongType, "a policy document must be a JSON object, not a "+root.kind.String())
		return
	}
	var stmts *jnode
	for _, m := range root.members {
		switch m.key {
		case "Version":
			if s, ok := p.str(m.val, "Version"); ok {
				d.Version = s
				if s != Version2012 && s != Version2008 {
					p.errAt(m.val.pos, "Version", CodeBadVersion,
						"Version must be \"2012-10-17\" or \"2008-10-17\", not "+strconv.Quote(s))
				}
			}
		case "Id":
			if s, ok := p.str(m.val, "Id"); ok {
				d.ID = s
			}
		case "Statement":
			stmts = m.val
		default:
			p.unknown(m, "", "Version, Id, Statement")
		}
	}
	if stmts == nil {
		p.errAt(root.pos, "", CodeMissingElement, "the policy has no Statement element")
		return
	}
	switch stmts.kind {
	case jObject:
		d.Statements = make([]Statement, 0, 1)
		p.statement(stmts, "Statement", d)
	case jArray:
		if len(stmts.elems) == 0 {
			p.errAt(stmts.pos, "Statement", CodeMissingElement, "the Statement list is empty")
		}
		d.Statements = make([]Statement, 0, len(stmts.elems))
		for i, e := range stmts.elems {
			path := "Statement[" + strconv.Itoa(i) + "]"
			if e.kind != jObject {
				p.errAt(e.pos, path, CodeWrongType, "a statement must be a JSON object, not a "+e.kind.String())
				continue
			}
			p.statement(e, path, d)
		}
	default:
		p.errAt(stmts.pos, "Statement", CodeWrongType, "Statement must be an object or a list of objects, not a "+stmts.kind.String())
	}
	p.checkSids(d)
}

func (p *parser) unknown(m jmember, path, allowed string) {
	if path != "" {
		path += "."
	}
	p.errAt(m.keyPos, path+m.key, CodeUnknownElement,
		"unknown element "+strconv.Quote(m.key)+"; expected one of "+allowed+" (names are case-sensitive)")
}

func (p *parser) str(n *jnode, path string) (string, bool) {
	if n.kind != jString {
		p.errAt(n.pos, path, CodeWrongType, path+" must be a string, not a "+n.kind.String())
		return "", false
	}
	return n.str, true
}

// strList reads a string or a non-empty list of strings.
func (p *parser) strList(n *jnode, path string) ([]string, []Pos) {
	switch n.kind {
	case jString:
		return []string{n.str}, []Pos{n.pos}
	case jArray:
		if len(n.elems) == 0 {
			p.errAt(n.pos, path, CodeMissingElement, path+" must not be an empty list")
			return nil, nil
		}
		out := make([]string, 0, len(n.elems))
		pos := make([]Pos, 0, len(n.elems))
		for i, e := range n.elems {
			if e.kind != jString {
				p.errAt(e.pos, path+"["+strconv.Itoa(i)+"]", CodeWrongType, path+" entries must be strings, not a "+e.kind.String())
				continue
			}
			out = append(out, e.str)
			pos = append(pos, e.pos)
		}
		return out, pos
	}
	p.errAt(n.pos, path, CodeWrongType, path+" must be a string or a list of strings, not a "+n.kind.String())
	return nil, nil
}

func (p *parser) statement(n *jnode, path string, d *Document) {
	st := Statement{Start: n.pos, End: n.end}
	var seenEffect, seenAction, seenNotAction, seenRes, seenNotRes, seenPrin, seenNotPrin bool
	for _, m := range n.members {
		mp := path + "." + m.key
		switch m.key {
		case "Sid":
			st.Sid, _ = p.str(m.val, mp)
		case "Effect":
			seenEffect = true
			if s, ok := p.str(m.val, mp); ok {
				switch s {
				case "Allow":
					st.Effect = Allow
				case "Deny":
					st.Effect = Deny
				default:
					p.errAt(m.val.pos, mp, CodeBadEffect, "Effect must be \"Allow\" or \"Deny\" (case-sensitive), not "+strconv.Quote(s))
				}
			}
		case "Action", "NotAction":
			if m.key == "Action" {
				seenAction = true
			} else {
				seenNotAction, st.NotAction = true, true
			}
			st.Action, st.actionPos = p.strList(m.val, mp)
			for i, a := range st.Action {
				if msg := checkAction(a); msg != "" {
					p.errAt(st.actionPos[i], mp, CodeBadAction, msg)
				}
			}
		case "Resource", "NotResource":
			if m.key == "Resource" {
				seenRes = true
			} else {
				seenNotRes, st.NotResource = true, true
			}
			st.HasResource = true
			st.Resource, st.resourcePos = p.strList(m.val, mp)
			for i, r := range st.Resource {
				if msg := checkResource(r); msg != "" {
					p.errAt(st.resourcePos[i], mp, CodeBadARN, msg)
				}
			}
		case "Principal", "NotPrincipal":
			if m.key == "Principal" {
				seenPrin = true
			} else {
				seenNotPrin, st.NotPrincipal = true, true
			}
			st.HasPrincipal = true
			st.Principal = p.principal(m.val, mp)
		case "Condition":
			st.Condition = p.condition(m.val, mp)
		default:
			p.unknown(m, path, "Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition")
		}
	}
	pairs := [...]struct {
		a, b   bool
		an, bn string
	}{{seenAction, seenNotAction, "Action", "NotAction"}, {seenRes, seenNotRes, "Resource", "NotResource"}, {seenPrin, seenNotPrin, "Principal", "NotPrincipal"}}
	for _, pr := range pairs {
		if pr.a && pr.b {
			p.errAt(n.pos, path, CodeConflict, "a statement may have "+pr.an+" or "+pr.bn+", not both")
		}
	}
	if !seenEffect {
		p.errAt(n.pos, path, CodeMissingElement, "the statement has no Effect; add \"Effect\": \"Allow\" or \"Deny\"")
	}
	if !seenAction && !seenNotAction {
		p.errAt(n.pos, path, CodeMissingElement, "the statement has no Action or NotAction")
	}
	switch p.kind {
	case Trust:
		if st.HasResource {
			p.errAt(n.pos, path, CodeResourceNotAllow, "a trust policy must not have Resource or NotResource: the resource is the role itself")
		}
	default:
		if !st.HasResource {
			p.errAt(n.pos, path, CodeMissingElement, "the statement has no Resource or NotResource")
		}
	}
	switch p.kind {
	case Trust, Resource:
		if !st.HasPrincipal {
			p.errAt(n.pos, path, CodePrincipalRequired, "a "+p.kind.String()+" policy statement must have a Principal or NotPrincipal")
		}
	default:
		if st.HasPrincipal {
			p.errAt(n.pos, path, CodePrincipalNotAllow, "a "+p.kind.String()+" policy must not have Principal or NotPrincipal: it applies to whoever it is attached to")
		}
	}
	d.Statements = append(d.Statements, st)
}

var principalTypes = "AWS, Service, Federated, CanonicalUser"

func (p *parser) principal(n *jnode, path string) []PrincipalEntry {
	switch n.kind {
	case jString:
		if n.str != "*" {
			p.errAt(n.pos, path, CodeBadPrincipal, "a Principal given as a string must be \"*\"; name principals as {\"AWS\": ...}, {\"Service\": ...}, {\"Federated\": ...} or {\"CanonicalUser\": ...}")
			return nil
		}
		return []PrincipalEntry{{Type: "*", Value: "*", Pos: n.pos}}
	case jObject:
		if len(n.members) == 0 {
			p.errAt(n.pos, path, CodeMissingElement, path+" must name at least one principal")
		}
		var out []PrincipalEntry
		for _, m := range n.members {
			mp := path + "." + m.key
			switch m.key {
			case "AWS", "Service", "Federated", "CanonicalUser":
			default:
				p.unknown(m, path, principalTypes)
				continue
			}
			vals, pos := p.strList(m.val, mp)
			for i, v := range vals {
				e := PrincipalEntry{Type: m.key, Value: v, Pos: pos[i]}
				if m.key == "AWS" && IsAccountID(v) {
					e.Value = "arn:aws:iam::" + v + ":root"
				}
				if msg := checkPrincipal(m.key, v); msg != "" {
					p.errAt(pos[i], mp, CodeBadPrincipal, msg)
				}
				out = append(out, e)
			}
		}
		return out
	}
	p.errAt(n.pos, path, CodeWrongType, path+" must be \"*\" or an object, not a "+n.kind.String())
	return nil
}

func (p *parser) condition(n *jnode, path string) []Condition {
	if n.kind != jObject {
		p.errAt(n.pos, path, CodeWrongType, "Condition must be an object of operator -> {key: value}, not a "+n.kind.String())
		return nil
	}
	var out []Condition
	for _, om := range n.members {
		op := om.key
		opPath := path + "." + op
		if _, ok := parseOperator(op); !ok {
			p.errAt(om.keyPos, opPath, CodeUnknownOperator, "unknown condition operator "+strconv.Quote(op)+suggestOperator(op))
			continue
		}
		if om.val.kind != jObject {
			p.errAt(om.val.pos, opPath, CodeWrongType, "a condition operator takes an object of key -> value(s), not a "+om.val.kind.String())
			continue
		}
		if len(om.val.members) == 0 {
			p.errAt(om.val.pos, opPath, CodeMissingElement, "condition operator "+op+" has no keys")
		}
		for _, km := range om.val.members {
			kp := opPath + "." + km.key
			if msg := checkConditionKey(km.key); msg != "" {
				p.errAt(km.keyPos, kp, CodeBadConditionKey, msg)
			}
			c := Condition{Operator: op, Key: km.key, Pos: km.keyPos}
			switch km.val.kind {
			case jString, jNumber, jBool:
				c.Values = []string{km.val.str}
			case jArray:
				if len(km.val.elems) == 0 {
					p.errAt(km.val.pos, kp, CodeMissingElement, "condition value list must not be empty")
				}
				for i, e := range km.val.elems {
					switch e.kind {
					case jString, jNumber, jBool:
						c.Values = append(c.Values, e.str)
					default:
						p.errAt(e.pos, kp+"["+strconv.Itoa(i)+"]", CodeWrongType, "condition values must be strings, numbers or booleans, not a "+e.kind.String())
					}
				}
			default:
				p.errAt(km.val.pos, kp, CodeWrongType, "a condition value must be a string, number, boolean or a list of them, not a "+km.val.kind.String())
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// suggestOperator helps with the commonest mistakes: wrong case and typos.
func suggestOperator(op string) string {
	l := strings.ToLower(op)
	best := ""
	for name := range baseOperators {
		if strings.Contains(l, strings.ToLower(name)) && len(name) > len(best) {
			best = name
		}
	}
	if best != "" {
		return "; operator names are case-sensitive: did you mean one based on " + strconv.Quote(best) + "?"
	}
	return "; see the IAM condition operators reference"
}

// checkSids enforces what IAM enforces: Sids unique within a policy and, outside
// resource policies, alphanumeric.
func (p *parser) checkSids(d *Document) {
	seen := map[string]bool{}
	for i, st := range d.Statements {
		if st.Sid == "" {
			continue
		}
		path := "Statement[" + strconv.Itoa(i) + "].Sid"
		if p.kind != Resource && !isAlnum(st.Sid) {
			p.errAt(st.Start, path, CodeBadSid, "Sid "+strconv.Quote(st.Sid)+" must contain only letters and digits")
		}
		if seen[st.Sid] {
			p.errAt(st.Start, path, CodeBadSid, "Sid "+strconv.Quote(st.Sid)+" is used by more than one statement; Sids must be unique")
		}
		seen[st.Sid] = true
	}
}

func sortDiagnostics(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}
