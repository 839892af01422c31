package policy

import (
	"strconv"
	"strings"
)

// AWS's grammar. IAM's API refuses a policy document with one
// MalformedPolicyDocument message, in its own words and without a position,
// for the first of its checks that fails, in this order (as observed against
// IAM and recorded in testdata/cases/aws-grammar.json, each case with its
// source):
//
//  1. syntax: JSON, the elements and their types ("Syntax errors in policy.");
//  2. Version 2012-10-17, for managed policies only;
//  3. no Principal in an identity policy;
//  4. the "legacy parser": Effect exactly Allow or Deny, Date condition values,
//     the colons of resource ARNs ("The policy failed legacy parsing");
//  5. unique Sids, then alphanumeric Sids;
//  6. Action or NotAction present; then Resource present (identity), or
//     absent and a Principal present (trust);
//  7. the format of resource ARNs (IAM names the last one it read);
//  8. the vendor prefix of actions;
//  9. trust policies: STS AssumeRole actions only, and valid principals.
//
// The parser keeps its own line:column diagnostics; each error also carries
// the text and the stage IAM would answer, and Report.AWSError picks the one
// IAM reports. The parser refuses exactly what IAM refuses where IAM's rule is
// known, and accepts what IAM accepts even where that is odd (an action name
// with spaces, "arn:aws:fdsasf", an empty condition operator): lint warns.

type awsStage uint8

const (
	stageSyntax awsStage = iota
	stageVersion
	stagePrincipalNotAllowed
	stageLegacy
	stageSidUnique
	stageSidAlnum
	stageActions
	stageResources
	stageResourceFormat
	stageActionPrefix
	stageTrustAction
	stagePrincipal
)

// AWS's texts.
const (
	awsSyntax            = "Syntax errors in policy."
	awsInvalidJSONTrust  = "This policy contains invalid Json"
	awsVersion           = "Policy document must be version 2012-10-17 or greater."
	awsNoPrincipal       = "Policy document should not specify a principal."
	awsLegacy            = "The policy failed legacy parsing"
	awsSidUnique         = "Statement IDs (SID) in a single policy must be unique."
	awsSidAlnum          = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	awsNoActions         = "Policy statement must contain actions."
	awsNoResources       = "Policy statement must contain resources."
	awsTrustResource     = "Has prohibited field Resource"
	awsTrustNotResource  = "Has prohibited field NotResource"
	awsMissingPrincipal  = "Missing required field Principal"
	awsNoVendor          = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	awsOneColon          = "Actions/Condition can contain only one colon."
	awsTrustActions      = "AssumeRole policy may only specify STS AssumeRole actions."
	awsEmptyPrincipals   = "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!"
	awsResourceVendor    = "Resource vendor must be fully qualified and cannot contain regexes."
	awsIAMResourcePrefix = `IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
)

// AWSError is the error IAM's API answers for the report's document: its
// code and message, or two empty strings when IAM accepts the document. Of
// several problems it names the one IAM checks first (see the stages above).
func (r Report) AWSError() (code, message string) {
	return awsPick(r.Errors, r.Kind)
}

func awsPick(ds []Diagnostic, kind Kind) (string, string) {
	// IAM's legacy parser reads a statement's resources only while no format
	// error is known: firstFormat is the first (key, statement) with one.
	firstFormat := -1
	for _, d := range ds {
		if d.awsStage == stageResourceFormat && (firstFormat < 0 || d.awsOrder>>20 < firstFormat) {
			firstFormat = d.awsOrder >> 20
		}
	}
	var best *Diagnostic
	for i := range ds {
		d := &ds[i]
		if d.Severity != SeverityError {
			continue
		}
		if d.awsStage == stageLegacy && d.Code == CodeBadARN && firstFormat >= 0 && d.awsOrder>>20 >= firstFormat {
			continue
		}
		if d.Code == CodeSizeLimit {
			if best == nil {
				best = d
			}
			continue
		}
		if best == nil || best.Code == CodeSizeLimit || d.awsStage < best.awsStage ||
			d.awsStage == best.awsStage && awsLater(d, best) {
			best = d
		}
	}
	if best == nil {
		return "", ""
	}
	if best.Code == CodeSizeLimit {
		return "LimitExceeded", best.Message
	}
	msg := best.AWSMessage
	if msg == "" {
		msg = awsSyntax
		if kind == Trust && (best.Code == CodeMalformedJSON || best.Code == CodeTooDeep) {
			msg = awsInvalidJSONTrust
		}
	}
	return "MalformedPolicyDocument", msg
}

// awsLater reports whether d, in the same stage as best, is the one IAM
// names: the first in IAM's reading order, except for resource formats,
// where IAM keeps the last it read.
func awsLater(d, best *Diagnostic) bool {
	if d.awsStage == stageResourceFormat {
		return d.awsOrder > best.awsOrder
	}
	return d.awsOrder < best.awsOrder
}

// ValidateFor is Validate with the rules of the IAM API that receives the
// document: managed policies (CreatePolicy, CreatePolicyVersion) must also
// be in Version 2012-10-17.
func ValidateFor(doc []byte, kind Kind, managed bool, limit int) Report {
	return validate(doc, kind, managed, limit)
}

// awsActionProblem is IAM's complaint about an action's shape, or "".
// Only the vendor is checked: IAM accepts any action name ("iam: asdf ").
func awsActionProblem(a string) string {
	if a == "*" {
		return ""
	}
	vendor, name, ok := strings.Cut(a, ":")
	if !ok {
		return awsNoVendor
	}
	if strings.Contains(name, ":") {
		return awsOneColon
	}
	if vendor == "*" {
		return ""
	}
	for _, c := range vendor {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "Vendor " + vendor + " is not valid"
		}
	}
	return ""
}

// awsPartitions are the partitions IAM accepts in a resource ARN.
var awsPartitions = map[string]bool{"*": true, "aws": true, "aws-cn": true, "aws-us-gov": true,
	"aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

var iamResourcePrefixes = []string{"user/", "federated-user/", "role/", "group/", "instance-profile/",
	"mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"}

// awsResourceFormat is IAM's complaint about a resource's format, or "".
// IAM reads the ARN's fields by colons and does not look at the first one.
func awsResourceFormat(r string) string {
	if r == "*" {
		return ""
	}
	_, rest, ok := strings.Cut(r, ":")
	if !ok {
		return "Resource " + r + ` must be in ARN format or "*".`
	}
	partition, rest, hasService := strings.Cut(rest, ":")
	if !awsPartitions[partition] && !strings.HasPrefix(partition, "${") {
		fields := strings.Split(rest, ":")
		f := func(i int) string {
			if i < len(fields) && (fields[i] != "" || len(fields) > 1) {
				return fields[i]
			}
			return "*"
		}
		last := "*"
		if len(fields) > 3 {
			last = strings.Join(fields[3:], ":")
		}
		return `Partition "` + partition + `" is not valid for resource "arn:` + partition + ":" + f(0) + ":" + f(1) + ":" + f(2) + ":" + last + `".`
	}
	if !hasService {
		return awsResourceVendor
	}
	service, afterService, _ := strings.Cut(rest, ":")
	_, afterRegion, _ := strings.Cut(afterService, ":")
	account, resourceID, _ := strings.Cut(afterRegion, ":")
	if strings.Contains(r, "${") {
		return "" // a variable's own colons would misplace the fields
	}
	switch service {
	case "iam":
		if !strings.HasPrefix(afterService, ":") {
			return "IAM resource " + r + " cannot contain region information."
		}
		if resourceID == "*" || resourceID == "root" {
			return ""
		}
		for _, p := range iamResourcePrefixes {
			if strings.HasPrefix(resourceID, p) {
				return ""
			}
		}
		return awsIAMResourcePrefix
	case "s3":
		// Buckets and objects have no region; access points, jobs and the
		// like have a region and an account.
		if !strings.HasPrefix(afterService, ":") && account == "" {
			return "Resource " + r + " can not contain region information."
		}
	}
	return ""
}

// awsResourceLegacy reports whether IAM's legacy parser refuses r: an empty
// field ("::") before the sixth, or an empty service.
func awsResourceLegacy(r string) bool {
	if r == "*" {
		return false
	}
	if strings.Count(r, ":") < 5 && strings.Contains(r, "::") {
		return true
	}
	fields := strings.SplitN(r, ":", 4)
	return len(fields) < 3 || fields[2] == ""
}

// awsTrustActions are the actions a trust policy may name.
var awsTrustActionNames = []string{"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
	"sts:tagsession", "sts:setsourceidentity", "sts:setcontext"}

// awsTrustAction reports whether a trust policy may name a: one of STS's
// AssumeRole actions, or a wildcard that matches one.
func awsTrustAction(a string) bool {
	g := compileGlob(strings.ToLower(a), true, false, false)
	for _, n := range awsTrustActionNames {
		if g.match(n, nil) {
			return true
		}
	}
	return false
}

// awsPrincipalType is how IAM names a principal type in "Invalid principal".
func awsPrincipalType(t string) string {
	switch t {
	case "AWS":
		return "AWS"
	case "CanonicalUser":
		return "CANONICAL_USER"
	}
	return strings.ToUpper(t)
}

func awsInvalidPrincipal(t, v string) string {
	return `Invalid principal in policy: "` + awsPrincipalType(t) + `":"` + v + `"`
}

// awsLegacyDate reports whether IAM's legacy parser reads v as a date: an
// ISO 8601 date and time (loosely: "01T" passes) when v holds a 't' or a
// '-', else a non-negative epoch in seconds that fits in 63 bits.
func awsLegacyDate(v string) bool {
	l := strings.ToLower(v)
	if !strings.Contains(l, "t") && !strings.Contains(l, "-") {
		n, ok := pyInt(v)
		return ok && n >= 0
	}
	date, clock, _ := strings.Cut(l, "t")
	neg := strings.HasPrefix(date, "-")
	if neg {
		date = date[1:]
	}
	parts := strings.Split(date, "-")
	year, ok := pyInt(parts[0])
	if neg {
		year = -year
	}
	if !ok || year < -292275054 || year > 292278993 || len(parts) > 3 {
		return false
	}
	if len(parts) > 1 && !inRange(parts[1], 1, 12) || len(parts) > 2 && !inRange(parts[2], 1, 31) {
		return false
	}
	// A zone designator ends the time: Z, or +hh, +hh:mm, -hh, -hh:mm.
	if i := strings.IndexByte(clock, 'z'); i >= 0 {
		if i != len(clock)-1 {
			return false
		}
		clock = clock[:i]
	} else if i := strings.LastIndexAny(clock, "+-"); i >= 0 {
		h, m, hasMin := strings.Cut(clock[i+1:], ":")
		if len(h) != 2 || !inRange(h, 0, 23) || hasMin && (len(m) != 2 || !inRange(m, 0, 59)) {
			return false
		}
		clock = clock[:i]
	}
	t := strings.Split(clock, ":")
	if t[0] != "" && !inRange(t[0], 0, 23) || len(t) > 1 && !inRange(t[1], 0, 59) {
		return false
	}
	if len(t) < 3 {
		return true
	}
	s, frac, hasFrac := strings.Cut(t[2], ".")
	return inRange(s, 0, 59) && (!hasFrac || inRange(frac, 0, 999999999))
}

func inRange(s string, lo, hi int64) bool {
	n, ok := pyInt(s)
	return ok && n >= lo && n <= hi
}

// pyInt reads an integer as IAM's legacy parser does: optional surrounding
// spaces and sign, decimal digits.
func pyInt(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}
