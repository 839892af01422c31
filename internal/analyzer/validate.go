package analyzer

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/awsdata"
	"github.com/iamconsole/console/internal/policy"
)

// PolicyType is ValidatePolicy's policyType.
type PolicyType string

// Policy types.
const (
	IdentityPolicy        PolicyType = "IDENTITY_POLICY"
	ResourcePolicy        PolicyType = "RESOURCE_POLICY"
	ServiceControlPolicy  PolicyType = "SERVICE_CONTROL_POLICY"
	ResourceControlPolicy PolicyType = "RESOURCE_CONTROL_POLICY"
)

// PolicyTypes lists the valid policy types, in AWS's order.
var PolicyTypes = []PolicyType{IdentityPolicy, ResourcePolicy, ServiceControlPolicy, ResourceControlPolicy}

// TrustPolicyResourceType is the validatePolicyResourceType (and
// CheckNoPublicAccess resourceType) of a role's trust policy.
const TrustPolicyResourceType = "AWS::IAM::AssumeRolePolicyDocument"

// ValidatePolicyResourceTypes are the valid validatePolicyResourceType
// values (aws-sdk-go-v2 service/accessanalyzer types.ValidatePolicyResourceType).
var ValidatePolicyResourceTypes = []string{"AWS::S3::Bucket", "AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPoint",
	"AWS::S3ObjectLambda::AccessPoint", TrustPolicyResourceType, "AWS::DynamoDB::Table"}

// Finding is one ValidatePolicy finding.
type Finding struct {
	IssueCode      string
	FindingType    FindingType
	FindingDetails string
	LearnMoreLink  string
	Locations      []Location
}

// Input says what a document is for.
type Input struct {
	PolicyType PolicyType
	// ResourceType is validatePolicyResourceType, for resource policies:
	// AWS::IAM::AssumeRolePolicyDocument validates a trust policy.
	ResourceType string
}

// kind is the policy package's kind for the input.
func (in Input) kind() policy.Kind {
	switch in.PolicyType {
	case ResourcePolicy:
		if in.ResourceType == TrustPolicyResourceType {
			return policy.Trust
		}
		return policy.Resource
	case ResourceControlPolicy:
		return policy.Resource
	}
	return policy.Identity
}

// validation is one run of Validate.
type validation struct {
	in       Input
	doc      *policy.Document
	loc      *locator
	findings []Finding
}

func (v *validation) add(code, details string, locs ...Location) {
	c, ok := checks[code]
	if !ok {
		panic("analyzer: issue code " + code + " is not in the checks table")
	}
	if locs == nil {
		locs = []Location{}
	}
	v.findings = append(v.findings, Finding{IssueCode: code, FindingType: c.typ, FindingDetails: details,
		LearnMoreLink: LearnMoreLink(code), Locations: locs})
}

// Validate checks doc as ValidatePolicy does and returns its findings, in
// document order. It never fails: a document that is not JSON is one
// JSON_SYNTAX_ERROR finding.
func Validate(doc []byte, in Input) []Finding {
	rep := policy.Validate(doc, in.kind(), 0)
	v := &validation{in: in, doc: rep.Doc, loc: newLocator(doc, policy.Outline(doc))}
	for _, d := range rep.Errors {
		v.fromDiagnostic(d)
	}
	for _, d := range rep.Warnings {
		v.fromDiagnostic(d)
	}
	if v.loc.root != nil && v.loc.root.Kind == policy.NodeObject {
		v.structure()
	}
	if rep.Doc != nil {
		v.statements()
		if v.in.PolicyType == IdentityPolicy && rep.Doc.Size > policy.LimitManaged {
			v.add("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "The policy is "+strconv.Itoa(rep.Doc.Size)+
				" characters long (whitespace not counted), more than the "+strconv.Itoa(policy.LimitManaged)+
				" characters of a managed policy. Reduce its size, for example by combining statements or using wildcards.",
				Location{Path: []PathElement{}, Span: v.loc.span(v.loc.root)})
		}
	}
	slices.SortStableFunc(v.findings, func(a, b Finding) int {
		return cmp.Compare(firstOffset(a), firstOffset(b))
	})
	return v.findings
}

func firstOffset(f Finding) int {
	if len(f.Locations) == 0 {
		return -1
	}
	return f.Locations[0].Span.Start.Offset
}

// fromDiagnostic reports one of the validator's diagnostics under AWS's
// issue code for the same problem. Problems the reference files otherwise
// (missing elements, Sids, iam:PassRole) are left to structure and
// statements, which see what a diagnostic's message only describes;
// warnings the reference has no check for (full access, NotAction with
// Allow, a key of another service) stay the editor's alone.
func (v *validation) fromDiagnostic(d policy.Diagnostic) {
	pos := policy.Pos{Line: d.Line, Column: d.Column}
	loc, node, found := v.loc.nodeAt(pos)
	if !found {
		p := v.loc.position(pos)
		loc = Location{Path: []PathElement{}, Span: Span{p, p}}
	}
	text := ""
	if node != nil && node.Kind == policy.NodeString {
		text = node.Value
	}
	last := lastKey(loc.Path)
	switch d.Code {
	case policy.CodeMalformedJSON, policy.CodeTooDeep, policy.CodeBadCharacter, policy.CodeDuplicateKey, policy.CodeSizeLimit:
		v.add("JSON_SYNTAX_ERROR", "Fix the JSON syntax error at index "+strconv.Itoa(loc.Span.Start.Offset)+
			" line "+strconv.Itoa(loc.Span.Start.Line)+" column "+strconv.Itoa(loc.Span.Start.Column)+". ("+d.Message+")", loc)
	case policy.CodeUnknownElement:
		if isPrincipalPath(loc.Path) {
			v.add("INVALID_PRINCIPAL_KEY", "The principal key "+keyOf(loc.Path)+" is not valid.", loc)
			return
		}
		v.add("INVALID_POLICY_ELEMENT", "The policy element "+keyOf(loc.Path)+" is not valid.", loc)
	case policy.CodeWrongType:
		v.add("DATA_TYPE_MISMATCH", "The text does not match the expected JSON data type: "+d.Message+".", loc)
	case policy.CodeMissingElement:
		v.emptyElement(loc, node, last)
	case policy.CodeBadVersion:
		v.add("INVALID_VERSION", "The version "+text+" is not valid. Use one of the following versions: 2012-10-17, 2008-10-17", loc)
	case policy.CodeBadEffect:
		v.add("INVALID_EFFECT", "The effect "+text+" is not valid. Use Allow or Deny.", loc)
	case policy.CodeUnknownOperator:
		op := keyOf(loc.Path)
		if strings.HasPrefix(op, "Null") && strings.HasSuffix(op, "IfExists") {
			v.add("NULL_WITH_IF_EXISTS", "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.", loc)
			return
		}
		v.add("INVALID_CONDITION_OPERATOR", "The condition operator "+op+" is not valid. Use a valid condition operator.", loc)
	case policy.CodeBadConditionKey:
		// structure reports it from the tree (conditionBlock), whichever
		// way the parser reads condition keys.
	case policy.CodeBadARN:
		v.badARN(text, loc)
	case policy.CodeBadAction:
		v.add("INVALID_ACTION", "The action "+text+" does not exist. Use the format service:ActionName.", loc)
	case policy.CodeBadPrincipal:
		switch {
		case last == "Service":
			v.add("INVALID_SERVICE_PRINCIPAL_FORMAT", "The service principal "+text+" does not match the expected format. Use the format servicename.amazonaws.com.", loc)
		case last == "AWS" && strings.ContainsAny(text, "*?"):
			v.add("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "Wildcards (*, ?) are not supported with the principal key AWS. Replace the wildcard with a valid principal value.", loc)
		default:
			v.add("INVALID_PRINCIPAL_FORMAT", "The Principal element contents are not valid. Specify a key-value pair in the Principal element.", loc)
		}
	case policy.CodePrincipalRequired:
		v.add("MISSING_PRINCIPAL", "Add a Principal element to the policy statement.", loc)
	case policy.CodePrincipalNotAllow:
		if v.in.PolicyType == ServiceControlPolicy {
			v.add("SCP_SYNTAX_ERROR_PRINCIPAL", "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.", v.principalLoc(loc))
			return
		}
		v.add("UNSUPPORTED_PRINCIPAL", "The policy type "+string(v.in.PolicyType)+" does not support the Principal element. Remove the Principal element.", v.principalLoc(loc))
	case policy.CodeResourceNotAllow:
		v.add("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", "The resource ARN is not supported for the resource-based policy attached to resource type "+TrustPolicyResourceType+".", v.resourceLoc(loc))
	case policy.CodeBadConditionValue:
		v.conditionValue(d, loc)
	case policy.CodeAllowNotPrincipal:
		if i, ok := statementIndex(loc.Path); ok {
			loc = v.loc.member(i, "NotPrincipal")
		}
		v.add("ALLOW_WITH_NOT_PRINCIPAL", "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.", loc)
	case policy.CodeRedundantStatement:
		v.add("REDUNDANT_STATEMENT", "The statements are redundant because they provide identical permissions. Update the policy to remove the redundant statement.", loc)
	case policy.CodeUnknownService:
		svc, _, _ := strings.Cut(text, ":")
		v.add("INVALID_SERVICE_IN_ACTION", "The service "+svc+" specified in the action does not exist.", loc)
	case policy.CodeUnknownAction:
		v.add("INVALID_ACTION", "The action "+text+" does not exist."+didYouMean(d.Message), loc)
	case policy.CodeVariableInOldPolicy:
		v.add("VARIABLE_UNSUPPORTED_IN_VERSION", "To include variables in your policy, use the policy version 2012-10-17 or later.", loc)
	case policy.CodeSetOperatorOnSingle:
		if op := conditionOperator(loc.Path); strings.HasPrefix(op, "ForAllValues:") {
			v.add("FORALLVALUES_WITH_SINGLE_VALUED_KEY", "Using ForAllValues qualifier with the single-valued condition key "+keyOf(loc.Path)+
				" can be overly permissive. We recommend that you remove ForAllValues:.", loc)
		}
	case policy.CodeMissingVersion:
		v.add("MISSING_VERSION", "We recommend that you specify the Version element to help you with debugging permission issues.", Location{Path: []PathElement{}, Span: v.loc.span(v.loc.root)})
	case policy.CodeUnknownGlobalKey:
		if strings.EqualFold(keyOf(loc.Path), "aws:ARN") {
			v.add("UNSUPPORTED_GLOBAL_CONDITION_KEY", "The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.", loc)
			return
		}
		v.add("INVALID_GLOBAL_CONDITION_KEY", "The condition key "+keyOf(loc.Path)+" does not exist. Use a valid condition key.", loc)
	case policy.CodeUnknownConditionKey:
		key := keyOf(loc.Path)
		prefix, _, _ := strings.Cut(key, ":")
		ref := awsdata.Services()
		switch s := ref.Service(prefix); {
		case s != nil:
			v.add("INVALID_SERVICE_CONDITION_KEY", "The condition key "+key+" does not exist in the service "+s.Prefix+". Use a valid condition key.", loc)
		case !ref.KnownKeyPrefix(prefix):
			v.add("INVALID_SERVICE", "The service "+prefix+" does not exist. Use a valid service name.", loc)
		}
	case policy.CodeUnknownResourceType:
		parts := strings.SplitN(text, ":", 6)
		if len(parts) == 6 && awsdata.Services().ARNFormats(parts[2]) != nil {
			v.add("INVALID_ARN_RESOURCE", "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.", loc)
		}
	}
}

// arnField is field i of an ARN ("" when it has fewer).
func arnField(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 6)
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// didYouMean keeps the validator's suggestion ("; did you mean ...?").
func didYouMean(msg string) string {
	if _, s, ok := strings.Cut(msg, "; did you mean "); ok {
		return " Did you mean " + strings.TrimSuffix(s, "?") + "?"
	}
	return ""
}

// badARN names what is wrong with a Resource entry IAM refuses.
func (v *validation) badARN(arn string, loc Location) {
	switch parts := strings.Split(arn, ":"); {
	case !strings.HasPrefix(arn, "arn:"):
		v.add("INVALID_ARN_PREFIX", "Add the required prefix (arn) to the resource ARN.", loc)
	case len(parts) > 1 && parts[1] == "":
		v.add("INVALID_PARTITION", "The resource ARN for the service "+arnField(arn, 2)+" does not support the partition "+arnField(arn, 1)+". Use the supported values: aws, aws-cn, aws-us-gov", loc)
	case len(parts) < 6 && !strings.HasSuffix(arn, "*") || len(parts) > 2 && parts[2] == "":
		v.add("MISSING_ARN_FIELD", "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource", loc)
	}
	// Other refusals (a resource type IAM does not know, a Region where
	// the service has none) are the resource-type and ARN field checks'.
}

// emptyElement reports an empty list or object the validator refused.
func (v *validation) emptyElement(loc Location, node *policy.Node, last string) {
	if node == nil {
		return // a missing element: structure reports it
	}
	switch {
	case node.Kind == policy.NodeArray && last == "Statement":
		v.add("MISSING_STATEMENT", "Add a statement to the policy", loc)
	case isConditionPath(loc.Path):
		// structure reports empty condition blocks and values from the
		// tree (conditionBlock), whether or not the parser refuses them.
	case node.Kind == policy.NodeObject && isPrincipalPath(loc.Path):
		v.add("EMPTY_OBJECT_PRINCIPAL", "This statement includes no principals and does not affect the policy. Specify principals.", loc)
	case node.Kind == policy.NodeArray && isPrincipalPath(loc.Path):
		v.add("EMPTY_ARRAY_PRINCIPAL", "This statement includes no principals and does not affect the policy. Specify principals.", loc)
	case node.Kind == policy.NodeArray && (last == "Action" || last == "NotAction"):
		v.add("EMPTY_ARRAY_ACTION", "This statement includes no actions and does not affect the policy. Specify actions.", loc)
	case node.Kind == policy.NodeArray && (last == "Resource" || last == "NotResource"):
		v.add("EMPTY_ARRAY_RESOURCE", "This statement includes no resources and does not affect the policy. Specify resources.", loc)
	}
}

// emptyConditionValues reports a condition key given no values, by what
// the operator then does (the reference has a check for each).
func (v *validation) emptyConditionValues(op, key string, loc Location) {
	switch {
	case strings.HasPrefix(op, "ForAllValues:"):
		v.add("EMPTY_ARRAY_CONDITION_FORALLVALUES", "The ForAllValues prefix with an empty condition key matches only if the key "+key+
			" is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead.", loc)
	case strings.HasPrefix(op, "ForAnyValue:"):
		v.add("EMPTY_ARRAY_CONDITION_FORANYVALUE", "The ForAnyValue prefix with an empty condition key "+key+" never matches the request context and it does not affect the policy. Specify conditions.", loc)
	case strings.HasSuffix(op, "IfExists"):
		v.add("EMPTY_ARRAY_CONDITION_IFEXISTS", "The IfExists suffix with an empty condition key matches only if the key "+key+
			" is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead.", loc)
	default:
		v.add("EMPTY_ARRAY_CONDITION", "There are no values for the condition key "+key+" and it does not affect the policy. Specify conditions.", loc)
	}
}

// conditionValue reports a value its operator can never match.
func (v *validation) conditionValue(d policy.Diagnostic, loc Location) {
	op := conditionOperator(loc.Path)
	switch policy.ConditionFamily(op) {
	case "Numeric":
		v.add("TYPE_MISMATCH_NUMBER", "Add a valid numeric value for the condition operator "+op+".", loc)
	case "Date":
		v.add("TYPE_MISMATCH_DATE", "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other ISO 8601 date/time format.", loc)
	case "Bool", "Null":
		v.add("TYPE_MISMATCH_BOOLEAN", "Add a valid Boolean value (true or false) for the condition operator "+op+".", loc)
	case "IpAddress":
		v.add("TYPE_MISMATCH_IP_RANGE", "The condition operator "+op+" is used with an invalid IP range value. Specify the IP range in standard CIDR format.", loc)
	case "Binary":
		v.add("TYPE_MISMATCH_STRING", "Add a valid base64-encoded string value for the condition operator "+op+".", loc)
	}
}

// principalLoc and resourceLoc point a statement-wide diagnostic at the
// element it is about.
func (v *validation) principalLoc(loc Location) Location {
	if i, ok := statementIndex(loc.Path); ok {
		if n, _ := v.loc.statement(i); n != nil && n.Member("Principal") == nil {
			return v.loc.member(i, "NotPrincipal")
		}
		return v.loc.member(i, "Principal")
	}
	return loc
}

func (v *validation) resourceLoc(loc Location) Location {
	if i, ok := statementIndex(loc.Path); ok {
		if n, _ := v.loc.statement(i); n != nil && n.Member("Resource") == nil {
			return v.loc.member(i, "NotResource")
		}
		return v.loc.member(i, "Resource")
	}
	return loc
}

// statementIndex is the statement a path is in (0 for a single statement
// object).
func statementIndex(p []PathElement) (int, bool) {
	if len(p) == 0 || p[0].Value == nil || *p[0].Value != "Statement" {
		return 0, false
	}
	if len(p) > 1 && p[1].Index != nil {
		return *p[1].Index, true
	}
	return 0, true
}

// keyOf is the last member name of a path (whether as key or value).
func keyOf(p []PathElement) string {
	for i := len(p) - 1; i >= 0; i-- {
		switch {
		case p[i].Key != nil:
			return *p[i].Key
		case p[i].Value != nil:
			return *p[i].Value
		}
	}
	return ""
}

// lastKey is keyOf, but only when the path ends in a member (not in an
// array element): "Action" for [..., {value: Action}], "Action" also for
// [..., {value: Action}, {index: 2}].
func lastKey(p []PathElement) string { return keyOf(p) }

// elementName is the statement element (Action, Principal, Condition...) a
// path is under.
func elementName(p []PathElement) string {
	i := 1
	if len(p) > 1 && p[1].Index != nil {
		i = 2
	}
	if i < len(p) {
		if p[i].Value != nil {
			return *p[i].Value
		}
		if p[i].Key != nil {
			return *p[i].Key
		}
	}
	return ""
}

func isPrincipalPath(p []PathElement) bool {
	e := elementName(p)
	return e == "Principal" || e == "NotPrincipal"
}

func isConditionPath(p []PathElement) bool { return elementName(p) == "Condition" }

// conditionOperator is the operator a path under Condition goes through.
func conditionOperator(p []PathElement) string {
	for i := 0; i+1 < len(p); i++ {
		if p[i].Value != nil && *p[i].Value == "Condition" {
			if p[i+1].Value != nil {
				return *p[i+1].Value
			}
			if p[i+1].Key != nil {
				return *p[i+1].Key
			}
		}
	}
	return ""
}
