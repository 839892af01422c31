package analyzer

import (
	"net/netip"
	"strings"

	"github.com/iamconsole/console/internal/awsdata"
	"github.com/iamconsole/console/internal/policy"
)

// The checks in this file read condition values, principals and resource
// ARNs closer than IAM's grammar does: each is a section of the reference
// (codes.go) that the policy validator has no reason to make.

// multiValuedKeys are global keys whose request value is a set: comparing
// one without ForAllValues/ForAnyValue is MISSING_QUALIFIER.
var multiValuedKeys = map[string]bool{"aws:tagkeys": true, "aws:calledvia": true, "aws:principalservicenameslist": true}

// privateRanges are the address ranges aws:SourceIp never sees (requests
// from them arrive through VPC endpoints, with aws:VpcSourceIp).
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"),
}

func conditionParts(op string) (qualifier, base string, ifExists bool) {
	if q, rest, ok := strings.Cut(op, ":"); ok {
		qualifier, op = q, rest
	}
	base, ifExists = strings.CutSuffix(op, "IfExists")
	return qualifier, base, ifExists
}

// conditionValues checks each condition's values against what its
// operator and key can do.
func (v *validation) conditionValues(i int, st *policy.Statement) {
	for _, c := range st.Condition {
		fam := policy.ConditionFamily(c.Operator)
		if fam == "" {
			continue // an unknown operator: reported already
		}
		qualifier, base, _ := conditionParts(c.Operator)
		lk := strings.ToLower(c.Key)
		loc, _, _ := v.loc.nodeAt(c.Pos)
		switch {
		case fam == "Bool" && len(c.Values) > 1:
			v.add("INVALID_CONDITION_MULTIPLE_BOOLEAN", "The condition key does not support multiple Boolean values. Use a single Boolean value.", loc)
		case fam == "Null" && qualifier != "":
			v.add("NULL_WITH_QUALIFIER", "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they always return a true or false respectively.", loc)
		case multiValuedKeys[lk] && qualifier == "" && fam == "String":
			v.add("MISSING_QUALIFIER", "The request context key "+c.Key+" has multiple values. Use the ForAllValues or ForAnyValue condition key qualifiers in your policy.", loc)
		case fam == "Numeric" && qualifier == "" && len(c.Values) > 1 && base != "NumericEquals" && base != "NumericNotEquals":
			v.add("REDUNDANT_CONDITION_VALUE_NUM", "Multiple values in "+c.Operator+" are redundant. Replace with the greatest/least single value for "+c.Key+".", loc)
		}
		if v.doc.Variables() && fam != "String" && fam != "Arn" {
			for _, val := range c.Values {
				if strings.Contains(val, "${") {
					v.supersede(loc, "TYPE_MISMATCH_")
					v.add("INVALID_VARIABLE_FOR_OPERATOR", "Policy variables can only be used with String and ARN operators.", loc)
					break
				}
			}
		}
		if fam == "IpAddress" {
			v.ipValues(c, base, lk, loc)
		}
	}
}

// ipValues: host bits set past the mask, and aws:SourceIp given private
// ranges it never sees.
func (v *validation) ipValues(c policy.Condition, base, lk string, loc Location) {
	private := 0
	for _, val := range c.Values {
		p, err := netip.ParsePrefix(val)
		if err != nil {
			a, aerr := netip.ParseAddr(val)
			if aerr != nil {
				continue // TYPE_MISMATCH_IP_RANGE, reported already
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Masked() != p {
			v.add("IMPROVE_IP_RANGE", "The non-zero bits in the IP address after the masked bits are ignored. Replace "+val+" with "+p.Masked().String()+".", loc)
		}
		for _, r := range privateRanges {
			if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
				private++
				break
			}
		}
	}
	if lk != "aws:sourceip" || private == 0 {
		return
	}
	not := base == "NotIpAddress"
	switch {
	case private == len(c.Values) && !not:
		v.add("PRIVATE_IP_ADDRESS", "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only private IP addresses and will not have the desired effect. Update the value to include only public IP addresses.", loc)
	case private == len(c.Values):
		v.add("PRIVATE_NOT_IP_ADDRESS", "The values for condition key aws:SourceIp include only private IP addresses and has no effect. aws:SourceIp works only for public IP address ranges. Update the value to include only public IP addresses.", loc)
	case !not:
		v.add("PRIVATE_IP_ADDRESS_SUBSET", "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. To define permissions for private IP ranges, use aws:VpcSourceIp.", loc)
	default:
		v.add("PRIVATE_NOT_IP_ADDRESS_SUBSET", "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private addresses have no effect. aws:SourceIp works only for public IP address ranges. To define permissions for private IP ranges, use aws:VpcSourceIp.", loc)
	}
}

// principalReferences: a user or role named by its unique ID (as IAM shows
// a deleted one) rather than its ARN.
func (v *validation) principalReferences(i int, st *policy.Statement) {
	for _, p := range st.Principal {
		if p.Type != "AWS" || len(p.Value) < 16 || strings.Contains(p.Value, ":") {
			continue
		}
		loc, _, _ := v.loc.nodeAt(p.Pos)
		switch {
		case strings.HasPrefix(p.Value, "AIDA"):
			v.add("INVALID_USER_REFERENCE", "The Principal element includes the IAM user ID "+p.Value+". We recommend that you use a user ARN instead.", loc)
		case strings.HasPrefix(p.Value, "AROA"):
			v.add("INVALID_ROLE_REFERENCE", "The Principal element includes the IAM role ID "+p.Value+". We recommend that you use a role ARN instead.", loc)
		}
	}
}

// resourceARNs checks each Resource ARN's service, Region and account
// fields against the ARN formats (Service Authorization Reference) its
// resource part can be: a bucket ARN names no Region or account, a queue
// ARN needs a Region.
func (v *validation) resourceARNs(i int, st *policy.Statement) {
	ref := awsdata.Services()
	for j, r := range st.Resource {
		parts := strings.SplitN(r, ":", 6)
		if len(parts) < 6 || parts[0] != "arn" {
			continue
		}
		loc := v.loc.element(i, resourceKey(st), j)
		svc := parts[2]
		switch {
		case svc != strings.ToLower(svc) && ref.ARNFormats(strings.ToLower(svc)) != nil:
			v.add("INVALID_ARN_SERVICE_CASE", "Update the service name "+svc+" in the resource ARN to use all lowercase letters.", loc)
			continue
		case svc != "*" && strings.ContainsAny(svc, "*?"):
			v.add("WILDCARD_IN_SERVICE_NAME", "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS services with similar names.", loc)
			continue
		}
		var regions, accounts []string
		for _, f := range ref.ARNFormats(svc) {
			fp := strings.SplitN(f, ":", 6)
			if len(fp) == 6 && formatMatches(fp[5], parts[5]) {
				regions, accounts = append(regions, fp[3]), append(accounts, fp[4])
			}
		}
		if len(regions) == 0 {
			continue // no format fits: INVALID_ARN_RESOURCE, from the validator
		}
		region, account := parts[3], parts[4]
		n := len(v.findings)
		switch {
		case literal(region) && allEmpty(regions):
			v.add("ARN_REGION_NOT_ALLOWED", "The service "+svc+" does not support specifying a Region in the resource ARN.", loc)
		case region == "" && noneEmpty(regions):
			v.add("MISSING_ARN_REGION", "Add a Region to the "+svc+" resource ARN.", loc)
		}
		switch {
		case literal(account) && allEmpty(accounts):
			v.add("ARN_ACCOUNT_NOT_ALLOWED", "The service "+svc+" does not support specifying an account ID in the resource ARN.", loc)
		case literal(account) && noneEmpty(accounts) && account != "aws" && !policy.IsAccountID(account):
			v.add("INVALID_ARN_ACCOUNT", "The resource ARN account ID "+account+" is not valid. Provide a 12-digit account ID.", loc)
		}
		if len(v.findings) > n { // the field says what is wrong better than "no format fits"
			kept := append([]Finding(nil), v.findings[n:]...)
			v.findings = v.findings[:n]
			v.supersede(loc, "INVALID_ARN_RESOURCE")
			v.findings = append(v.findings, kept...)
		}
	}
}

// supersede drops the findings whose code starts with prefix at loc: a
// more precise one is about to be reported there.
func (v *validation) supersede(loc Location, prefix string) {
	out := v.findings[:0]
	for _, f := range v.findings {
		if strings.HasPrefix(f.IssueCode, prefix) && len(f.Locations) > 0 && f.Locations[0].Span == loc.Span {
			continue
		}
		out = append(out, f)
	}
	v.findings = out
}

// literal: a field written out, not empty, wildcarded or a variable.
func literal(f string) bool { return f != "" && !strings.ContainsAny(f, "*?$") }

func allEmpty(fs []string) bool {
	for _, f := range fs {
		if f != "" {
			return false
		}
	}
	return true
}

func noneEmpty(fs []string) bool {
	for _, f := range fs {
		if f == "" {
			return false
		}
	}
	return true
}

// formatMatches reports whether the resource part of an ARN fits that of
// an ARN format, each ${Placeholder} of the format matching any text (and
// the ARN's own wildcards and variables read as text).
func formatMatches(format, s string) bool {
	// The format as literal pieces between placeholders.
	var pieces []string
	for {
		k := strings.Index(format, "${")
		if k < 0 {
			pieces = append(pieces, format)
			break
		}
		end := strings.IndexByte(format[k:], '}')
		if end < 0 {
			pieces = append(pieces, format)
			break
		}
		pieces = append(pieces, format[:k])
		format = format[k+end+1:]
	}
	if len(pieces) == 1 {
		return pieces[0] == s
	}
	if !strings.HasPrefix(s, pieces[0]) {
		return false
	}
	s = s[len(pieces[0]):]
	last := pieces[len(pieces)-1]
	for _, p := range pieces[1 : len(pieces)-1] {
		k := strings.Index(s, p)
		if k < 0 {
			return false
		}
		s = s[k+len(p):]
	}
	return strings.HasSuffix(s, last) && len(s) >= len(last)
}
