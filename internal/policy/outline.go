package policy

// Outline exposes the decoder's tree to tools that point into a document by
// JSON path and span rather than by statement (IAM Access Analyzer's
// finding locations). It is the same decoder Parse uses, so a location and a
// diagnostic can never disagree about where an element is.

// NodeKind is the JSON type of a Node.
type NodeKind uint8

// JSON types.
const (
	NodeString NodeKind = NodeKind(jString)
	NodeNumber NodeKind = NodeKind(jNumber)
	NodeBool   NodeKind = NodeKind(jBool)
	NodeNull   NodeKind = NodeKind(jNull)
	NodeObject NodeKind = NodeKind(jObject)
	NodeArray  NodeKind = NodeKind(jArray)
)

// String returns the JSON type's name ("string", "object"...).
func (k NodeKind) String() string { return jkind(k).String() }

// Node is one JSON value of a document with where it starts and ends (End
// is just past its last character).
type Node struct {
	Kind       NodeKind
	Start, End Pos
	Value      string // strings, numbers and booleans as written (strings unquoted)
	Members    []Member
	Elems      []*Node
}

// Member is one member of an object: its name, where the quoted name
// starts, and its value.
type Member struct {
	Key    string
	KeyPos Pos
	Value  *Node
}

// Member returns the value of the member named key, or nil.
func (n *Node) Member(key string) *Node {
	if n == nil {
		return nil
	}
	for i := range n.Members {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// Outline decodes doc into its JSON tree, or returns nil when doc is not
// JSON (Validate reports why). It checks nothing about policies.
func Outline(doc []byte) *Node {
	root, _, serr := decodeJSON(doc)
	if serr != nil {
		return nil
	}
	return outlineNode(root)
}

func outlineNode(j *jnode) *Node {
	n := &Node{Kind: NodeKind(j.kind), Start: j.pos, End: j.end, Value: j.str}
	if len(j.members) > 0 {
		n.Members = make([]Member, len(j.members))
		for i, m := range j.members {
			n.Members[i] = Member{Key: m.key, KeyPos: m.keyPos, Value: outlineNode(m.val)}
		}
	}
	if len(j.elems) > 0 {
		n.Elems = make([]*Node, len(j.elems))
		for i, e := range j.elems {
			n.Elems[i] = outlineNode(e)
		}
	}
	return n
}

// Covers reports whether every pattern of small is matched by some pattern
// of big (actions case-insensitively when fold), the approximation of "big's
// set includes small's" the redundancy warnings use.
func Covers(big, small []string, fold bool) bool { return covers(big, small, fold) }

// ConditionFamily names the kind of values an operator compares: "String",
// "Numeric", "Date", "Bool", "Null", "IpAddress", "Arn" or "Binary"; "" for
// an operator IAM does not define.
func ConditionFamily(operator string) string {
	op, ok := parseOperator(operator)
	if !ok {
		return ""
	}
	switch op.fam {
	case famNumeric:
		return "Numeric"
	case famDate:
		return "Date"
	case famBool:
		return "Bool"
	case famNull:
		return "Null"
	case famIP:
		return "IpAddress"
	case famArn:
		return "Arn"
	case famBinary:
		return "Binary"
	}
	return "String"
}
