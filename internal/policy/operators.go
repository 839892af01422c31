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
	"stringequals":              {fam: famString},
	"stringnotequals":           {fam: famString, neg: true},
	"stringequalsignorecase":    {fam: famStringFold},
	"stringnotequalsignorecase": {fam: famStringFold, neg: true},
	"stringlike":                {fam: famStringLike},
	"stringnotlike":             {fam: famStringLike, neg: true},
	"numericequals":             {fam: famNumeric, cmp: cmpEq},
	"numericnotequals":          {fam: famNumeric, cmp: cmpEq, neg: true},
	"numericlessthan":           {fam: famNumeric, cmp: cmpLt},
	"numericlessthanequals":     {fam: famNumeric, cmp: cmpLe},
	"numericgreaterthan":        {fam: famNumeric, cmp: cmpGt},
	"numericgreaterthanequals":  {fam: famNumeric, cmp: cmpGe},
	"dateequals":                {fam: famDate, cmp: cmpEq},
	"datenotequals":             {fam: famDate, cmp: cmpEq, neg: true},
	"datelessthan":              {fam: famDate, cmp: cmpLt},
	"datelessthanequals":        {fam: famDate, cmp: cmpLe},
	"dategreaterthan":           {fam: famDate, cmp: cmpGt},
	"dategreaterthanequals":     {fam: famDate, cmp: cmpGe},
	"bool":                      {fam: famBool},
	"binaryequals":              {fam: famBinary},
	"ipaddress":                 {fam: famIP},
	"notipaddress":              {fam: famIP, neg: true},
	"arnequals":                 {fam: famArn},
	"arnlike":                   {fam: famArn},
	"arnnotequals":              {fam: famArn, neg: true},
	"arnnotlike":                {fam: famArn, neg: true},
	"null":                      {fam: famNull},
}

// parseOperator reads "[ForAnyValue:|ForAllValues:]Base[IfExists]". Operator names
// are matched without regard to case so that any document AWS accepted evaluates.
func parseOperator(s string) (opInfo, bool) {
	l := strings.ToLower(s)
	var set setQual
	switch {
	case strings.HasPrefix(l, "foranyvalue:"):
		set, l = setAny, l[len("foranyvalue:"):]
	case strings.HasPrefix(l, "forallvalues:"):
		set, l = setAll, l[len("forallvalues:"):]
	}
	info, ok := baseOperators[l]
	if !ok {
		base, found := strings.CutSuffix(l, "ifexists")
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
