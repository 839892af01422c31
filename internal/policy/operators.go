package policy

import "strings"

// opFamily is the type of comparison a condition operator makes.
type opFamily uint8

const (
	famString opFamily = iota
	famStringFold
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famArn
	famNull
)

// cmpKind is the relation of the ordered families (Numeric, Date).
type cmpKind uint8

const (
	cmpEq cmpKind = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

// setQual is the ForAnyValue / ForAllValues qualifier.
type setQual uint8

const (
	setNone setQual = iota
	setAny
	setAll
)

// opInfo is a parsed condition operator.
type opInfo struct {
	fam      opFamily
	cmp      cmpKind
	neg      bool // StringNotEquals, NotIpAddress, ...: true when no value matches
	ifExists bool
	set      setQual
}

var baseOperators = map[string]opInfo{
	"StringEquals":              {fam: famString},
	"StringNotEquals":           {fam: famString, neg: true},
	"StringEqualsIgnoreCase":    {fam: famStringFold},
	"StringNotEqualsIgnoreCase": {fam: famStringFold, neg: true},
	"StringLike":                {fam: famStringLike},
	"StringNotLike":             {fam: famStringLike, neg: true},
	"NumericEquals":             {fam: famNumeric, cmp: cmpEq},
	"NumericNotEquals":          {fam: famNumeric, cmp: cmpEq, neg: true},
	"NumericLessThan":           {fam: famNumeric, cmp: cmpLt},
	"NumericLessThanEquals":     {fam: famNumeric, cmp: cmpLe},
	"NumericGreaterThan":        {fam: famNumeric, cmp: cmpGt},
	"NumericGreaterThanEquals":  {fam: famNumeric, cmp: cmpGe},
	"DateEquals":                {fam: famDate, cmp: cmpEq},
	"DateNotEquals":             {fam: famDate, cmp: cmpEq, neg: true},
	"DateLessThan":              {fam: famDate, cmp: cmpLt},
	"DateLessThanEquals":        {fam: famDate, cmp: cmpLe},
	"DateGreaterThan":           {fam: famDate, cmp: cmpGt},
	"DateGreaterThanEquals":     {fam: famDate, cmp: cmpGe},
	"Bool":                      {fam: famBool},
	"BinaryEquals":              {fam: famBinary},
	"IpAddress":                 {fam: famIP},
	"NotIpAddress":              {fam: famIP, neg: true},
	"ArnEquals":                 {fam: famArn},
	"ArnLike":                   {fam: famArn},
	"ArnNotEquals":              {fam: famArn, neg: true},
	"ArnNotLike":                {fam: famArn, neg: true},
	"Null":                      {fam: famNull},
}

// parseOperator reads "[ForAnyValue:|ForAllValues:]Base[IfExists]". Names are
// case-sensitive, as in IAM, which refuses "stringEquals" with MalformedPolicyDocument
// ("Invalid Condition type").
func parseOperator(s string) (opInfo, bool) {
	l := s
	var set setQual
	switch {
	case strings.HasPrefix(l, "ForAnyValue:"):
		set, l = setAny, l[len("ForAnyValue:"):]
	case strings.HasPrefix(l, "ForAllValues:"):
		set, l = setAll, l[len("ForAllValues:"):]
	}
	info, ok := baseOperators[l]
	if !ok {
		base, found := strings.CutSuffix(l, "IfExists")
		if !found {
			return opInfo{}, false
		}
		if info, ok = baseOperators[base]; !ok || info.fam == famNull {
			return opInfo{}, false
		}
		info.ifExists = true
	}
	info.set = set
	return info, true
}
