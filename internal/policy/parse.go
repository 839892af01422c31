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
	d, errs, _ := parseFor(doc, kind, false)
	return d, errs
}

// parseFor is parse with the rules for managed policies when managed is set,
// and also returns the warnings the parser itself finds (elements IAM accepts
// and ignores).
func parseFor(doc []byte, kind Kind, managed bool) (*Document, []Diagnostic, []Diagnostic) {
	root, diags, serr := decodeJSON(doc)
	if serr != nil {
		return nil, append(diags, serr.d), nil
	}
	p := &parser{kind: kind, managed: managed, diags: diags}
	d := &Document{Kind: kind}
	d.Size = p.scanCharacters(doc)
	p.document(root, d)
	if len(p.diags) > 0 {
		sortDiagnostics(p.diags)
		return d, p.diags, p.warns
	}
	return d, nil, p.warns
}

type parser struct {
	kind    Kind
	managed bool // CreatePolicy's rules: Version 2012-10-17 required
	diags   []Diagnostic
	warns   []Diagnostic
	seq     int // diagnostics so far: IAM's reading order within a stage
}

// maxDiagnostics bounds the errors kept for one document: past it, more detail does
// not help anyone and a hostile document could make the list huge.
const maxDiagnostics = 100

// errAt records a syntax error: IAM answers "Syntax errors in policy.".
func (p *parser) errAt(pos Pos, path string, code Code, msg string) {
	p.errAWS(pos, path, code, msg, stageSyntax, awsSyntax, 0)
}

// errAWS records an error that IAM finds at stage, answering awsMsg (see
// aws.go). order places it within the stage; 0 means reading order.
func (p *parser) errAWS(pos Pos, path string, code Code, msg string, stage awsStage, awsMsg string, order int) {
	if len(p.diags) >= maxDiagnostics {
		return
	}
	p.seq++
	if order == 0 {
		order = p.seq
	}
	p.diags = append(p.diags, Diagnostic{Code: code, Severity: SeverityError, Message: msg,
		Line: pos.Line, Column: pos.Column, Path: path, AWSMessage: awsMsg, awsStage: stage, awsOrder: order})
}

func (p *parser) warnAt(pos Pos, path string, code Code, msg string) {
	if len(p.warns) < maxDiagnostics {
		p.warns = append(p.warns, Diagnostic{Code: code, Severity: SeverityWarning, Message: msg,
			Line: pos.Line, Column: pos.Column, Path: path})
	}
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
	var stmts, version *jnode
	for _, m := range root.members {
		switch m.key {
		case "Version":
			version = m.val
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
	if p.managed && d.Version != Version2012 {
		pos, path := root.pos, ""
		if version != nil {
			pos, path = version.pos, "Version"
		}
		p.errAWS(pos, path, CodeOldVersion, "a managed policy must say \"Version\": \"2012-10-17\"", stageVersion, awsVersion, 0)
	}
	if stmts == nil {
		p.errAt(root.pos, "", CodeMissingElement, "the policy has no Statement element")
		return
	}
	switch stmts.kind {
	case jObject:
		d.Statements = make([]Statement, 0, 1)
		p.statement(stmts, "Statement", 0, d)
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
			p.statement(e, path, i, d)
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

// strList reads a string or a non-empty list of strings; nulls in the list
// are skipped when allowNull is set (IAM ignores them in Resource). An empty
// list is refused at stage, with awsMsg.
func (p *parser) strList(n *jnode, path string, stage awsStage, awsMsg string, allowNull bool) ([]string, []Pos) {
	switch n.kind {
	case jString:
		return []string{n.str}, []Pos{n.pos}
	case jArray:
		if len(n.elems) == 0 {
			p.errAWS(n.pos, path, CodeMissingElement, path+" must not be an empty list", stage, awsMsg, 0)
			return nil, nil
		}
		out := make([]string, 0, len(n.elems))
		pos := make([]Pos, 0, len(n.elems))
		for i, e := range n.elems {
			if e.kind == jNull && allowNull {
				p.warnAt(e.pos, path+"["+strconv.Itoa(i)+"]", CodeIgnoredElement, "null in "+path+" is ignored")
				continue
			}
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

func (p *parser) statement(n *jnode, path string, idx int, d *Document) {
	st := Statement{Start: n.pos, End: n.end}
	var seenEffect, seenAction, seenNotAction, seenRes, seenNotRes, seenPrin, seenNotPrin bool
	var resNode, notResNode *jnode
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
					msg := "Effect must be \"Allow\" or \"Deny\" (case-sensitive), not " + strconv.Quote(s)
					if strings.EqualFold(s, "Allow") || strings.EqualFold(s, "Deny") {
						// IAM's grammar reads it, its legacy parser does not.
						p.errAWS(m.val.pos, mp, CodeBadEffect, msg, stageLegacy, awsLegacy, 0)
					} else {
						p.errAt(m.val.pos, mp, CodeBadEffect, msg)
					}
				}
			}
		case "Action", "NotAction":
			key := 0
			if m.key == "Action" {
				seenAction = true
			} else {
				seenNotAction, st.NotAction, key = true, true, 1
			}
			st.Action, st.actionPos = p.strList(m.val, mp, stageActions, awsNoActions, false)
			for i, a := range st.Action {
				if aws := awsActionProblem(a); aws != "" {
					p.seq++
					p.errAWS(st.actionPos[i], mp, CodeBadAction, actionMessage(a, aws), stageActionPrefix, aws, key<<40|p.seq)
				}
			}
		case "Resource", "NotResource":
			if m.key == "Resource" {
				seenRes, resNode = true, m.val
			} else {
				seenNotRes, st.NotResource, notResNode = true, true, m.val
			}
			st.HasResource = true
			st.Resource, st.resourcePos = p.strList(m.val, mp, stageResources, awsNoResources, true)
			p.checkResources(st.Resource, st.resourcePos, mp, st.NotResource, idx)
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
		p.errAWS(n.pos, path, CodeMissingElement, "the statement has no Action or NotAction", stageActions, awsNoActions, 0)
	}
	switch p.kind {
	case Trust:
		if resNode != nil {
			p.errAWS(n.pos, path, CodeResourceNotAllow, "a trust policy must not have Resource or NotResource: the resource is the role itself", stageResources, awsTrustResource, 0)
		} else if notResNode != nil {
			p.errAWS(n.pos, path, CodeResourceNotAllow, "a trust policy must not have Resource or NotResource: the resource is the role itself", stageResources, awsTrustNotResource, 0)
		}
		if !st.NotAction {
			for i, a := range st.Action {
				if !awsTrustAction(a) {
					p.errAWS(st.actionPos[i], path+".Action", CodeTrustAction, "a trust policy may name only STS's AssumeRole actions (sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity, sts:SetContext), not "+strconv.Quote(a), stageTrustAction, awsTrustActions, 0)
				}
			}
		}
	default:
		if !st.HasResource {
			p.errAWS(n.pos, path, CodeMissingElement, "the statement has no Resource or NotResource", stageResources, awsNoResources, 0)
		}
	}
	switch p.kind {
	case Trust, Resource:
		if !st.HasPrincipal {
			p.errAWS(n.pos, path, CodePrincipalRequired, "a "+p.kind.String()+" policy statement must have a Principal or NotPrincipal", stageResources, awsMissingPrincipal, 0)
		}
	default:
		if st.HasPrincipal {
			p.errAWS(n.pos, path, CodePrincipalNotAllow, "a "+p.kind.String()+" policy must not have Principal or NotPrincipal: it applies to whoever it is attached to", stagePrincipalNotAllowed, awsNoPrincipal, 0)
		}
	}
	d.Statements = append(d.Statements, st)
}

// checkResources checks a statement's Resource (or NotResource) list as IAM
// does. IAM reads every statement's Resource, then every NotResource, each
// list in descending order, and names the last format error it met; its
// legacy parser reads a statement's list only while no format error is known
// (awsPick applies that rule: it needs the whole document).
func (p *parser) checkResources(rs []string, pos []Pos, path string, not bool, stmt int) {
	key := 0
	if not {
		key = 1
	}
	rank := make(map[string]int, len(rs))
	sorted := slices.Clone(rs)
	slices.Sort(sorted)
	for i, r := range sorted {
		rank[r] = len(sorted) - i // IAM reads in descending order: the largest first
	}
	for i, r := range rs {
		order := key<<40 | stmt<<20 | rank[r]
		if aws := awsResourceFormat(r); aws != "" {
			p.errAWS(pos[i], path, CodeBadARN, resourceMessage(r, aws), stageResourceFormat, aws, order)
		} else if awsResourceLegacy(r) {
			p.errAWS(pos[i], path, CodeBadARN, "resource "+strconv.Quote(r)+" has an empty field where IAM expects the service (arn:partition:service:region:account:resource)", stageLegacy, awsLegacy, order)
		}
	}
}

// actionMessage explains IAM's complaint about action a.
func actionMessage(a, aws string) string {
	switch aws {
	case awsNoVendor:
		return "action " + strconv.Quote(a) + " must have the form \"service:ActionName\" (for example \"s3:GetObject\") or be \"*\""
	case awsOneColon:
		return "action " + strconv.Quote(a) + " has more than one ':'; the form is \"service:ActionName\""
	}
	return "action " + strconv.Quote(a) + ": the service prefix may contain only letters, digits, '-' and '.', or be \"*\""
}

// resourceMessage explains IAM's complaint about resource r.
func resourceMessage(r, aws string) string {
	switch {
	case strings.HasPrefix(aws, "Resource ") && strings.HasSuffix(aws, `must be in ARN format or "*".`):
		return "resource " + strconv.Quote(r) + " must be an ARN (arn:partition:service:region:account:resource) or \"*\""
	case strings.HasPrefix(aws, "Partition "):
		return "resource " + strconv.Quote(r) + ": the partition (second field) must be \"aws\", another AWS partition or \"*\""
	case aws == awsResourceVendor:
		return "resource " + strconv.Quote(r) + " has no service field (arn:partition:service:region:account:resource)"
	case aws == awsIAMResourcePrefix:
		return "resource " + strconv.Quote(r) + ": an IAM resource must be \"*\", \"root\" or start with user/, role/, group/, policy/, instance-profile/, mfa/ or another IAM resource type"
	}
	return "resource " + strconv.Quote(r) + ": IAM and S3 bucket ARNs have no region (arn:aws:s3:::bucket, arn:aws:iam::account:user/name)"
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
			p.errAWS(n.pos, path, CodeMissingElement, path+" must name at least one principal", stagePrincipal, awsEmptyPrincipals, 0)
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
			vals, pos := p.strList(m.val, mp, stagePrincipal, awsEmptyPrincipals, false)
			for i, v := range vals {
				e := PrincipalEntry{Type: m.key, Value: v, Pos: pos[i]}
				if m.key == "AWS" && IsAccountID(v) {
					e.Value = "arn:aws:iam::" + v + ":root"
				}
				if msg := checkPrincipal(m.key, v); msg != "" {
					p.errAWS(pos[i], mp, CodeBadPrincipal, msg, stagePrincipal, awsInvalidPrincipal(m.key, v), 0)
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
		info, known := parseOperator(op)
		if om.val.kind != jObject {
			p.errAt(om.val.pos, opPath, CodeWrongType, "a condition operator takes an object of key -> value(s), not a "+om.val.kind.String())
			continue
		}
		if len(om.val.members) == 0 {
			// IAM accepts an operator with no keys, even one it does not know,
			// and it tests nothing.
			p.warnAt(om.keyPos, opPath, CodeEmptyCondition, "condition operator "+strconv.Quote(op)+" has no keys: it tests nothing")
			continue
		}
		if !known {
			p.errAt(om.keyPos, opPath, CodeUnknownOperator, "unknown condition operator "+strconv.Quote(op)+suggestOperator(op))
			continue
		}
		for _, km := range om.val.members {
			kp := opPath + "." + km.key
			if msg := checkConditionKey(km.key); msg != "" {
				p.errAt(km.keyPos, kp, CodeBadConditionKey, msg)
			}
			c := Condition{Operator: op, Key: km.key, Pos: km.keyPos}
			var vpos []Pos
			switch km.val.kind {
			case jString, jNumber, jBool:
				c.Values, vpos = []string{km.val.str}, []Pos{km.val.pos}
			case jArray:
				if len(km.val.elems) == 0 {
					p.warnAt(km.val.pos, kp, CodeEmptyCondition, "condition key "+strconv.Quote(km.key)+" has an empty list of values")
				}
				for i, e := range km.val.elems {
					switch e.kind {
					case jString, jNumber, jBool:
						c.Values, vpos = append(c.Values, e.str), append(vpos, e.pos)
					default:
						p.errAt(e.pos, kp+"["+strconv.Itoa(i)+"]", CodeWrongType, "condition values must be strings, numbers or booleans, not a "+e.kind.String())
					}
				}
			default:
				p.errAt(km.val.pos, kp, CodeWrongType, "a condition value must be a string, number, boolean or a list of them, not a "+km.val.kind.String())
				continue
			}
			if info.fam == famDate {
				for i, v := range c.Values {
					if !awsLegacyDate(v) {
						p.errAWS(vpos[i], kp, CodeBadDate, "condition value "+strconv.Quote(v)+" is not a date: use ISO 8601 (2030-01-01T00:00:00Z) or seconds since 1970", stageLegacy, awsLegacy, 0)
					}
				}
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
			p.errAWS(st.Start, path, CodeBadSid, "Sid "+strconv.Quote(st.Sid)+" must contain only letters and digits", stageSidAlnum, awsSidAlnum, 0)
		}
		if seen[st.Sid] {
			p.errAWS(st.Start, path, CodeBadSid, "Sid "+strconv.Quote(st.Sid)+" is used by more than one statement; Sids must be unique", stageSidUnique, awsSidUnique, 0)
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
