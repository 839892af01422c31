package analyzer

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/awsdata"
	"github.com/iamconsole/console/internal/policy"
)

// Result is a custom policy check's answer: PASS or FAIL with a message and,
// for FAIL, the statements to blame.
type Result struct {
	Pass    bool
	Message string
	Reasons []Reason
}

// Reason names a statement a check failed on.
type Reason struct {
	Description    string
	StatementIndex int // -1 when the reason is about no one statement
	StatementID    string
}

// ErrInvalidDocument wraps the reason a document given to a check is not a
// policy of its type (the operation answers ValidationException).
var ErrInvalidDocument = errors.New("the policy document is not valid")

// InvalidDocumentError says which document is not valid and why.
type InvalidDocumentError struct {
	Field string // policyDocument, newPolicyDocument, existingPolicyDocument
	Err   error
}

func (e *InvalidDocumentError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap makes errors.Is(err, ErrInvalidDocument) true.
func (e *InvalidDocumentError) Unwrap() []error { return []error{ErrInvalidDocument, e.Err} }

// parseFor parses a check's document as typ: a resource policy without any
// Resource element is a role's trust policy.
func parseFor(doc, field string, typ PolicyType) (*policy.Document, error) {
	kind := policy.Identity
	if typ == ResourcePolicy || typ == ResourceControlPolicy {
		kind = policy.Resource
		if root := policy.Outline([]byte(doc)); root != nil && !hasResource(root) {
			kind = policy.Trust
		}
	}
	d, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		return nil, &InvalidDocumentError{Field: field, Err: err}
	}
	return d, nil
}

func hasResource(root *policy.Node) bool {
	st := root.Member("Statement")
	if st == nil {
		return false
	}
	stmts := st.Elems
	if st.Kind == policy.NodeObject {
		stmts = []*policy.Node{st}
	}
	for _, s := range stmts {
		if s.Member("Resource") != nil || s.Member("NotResource") != nil {
			return true
		}
	}
	return false
}

// CheckNoNewAccess reports whether newDoc allows anything existingDoc does
// not: for each Allow statement of the new policy, every action it names
// (wildcards expanded over AWS's actions), on every resource and for every
// principal it names, must be allowed by one Allow statement of the
// existing policy whose conditions the new statement also has (values
// narrowed, never widened); and every Deny of the existing policy must be
// kept. The comparison is over patterns, not over every possible request,
// so it errs toward FAIL: a new policy that regroups the same access
// differently may fail where AWS's automated reasoning passes it.
func CheckNoNewAccess(newDoc, existingDoc string, typ PolicyType) (Result, error) {
	nd, err := parseFor(newDoc, "newPolicyDocument", typ)
	if err != nil {
		return Result{}, err
	}
	od, err := parseFor(existingDoc, "existingPolicyDocument", typ)
	if err != nil {
		return Result{}, err
	}
	var reasons []Reason
	for i := range nd.Statements {
		s := &nd.Statements[i]
		if s.Effect == policy.Allow && !allowCovered(s, od) {
			reasons = append(reasons, Reason{Description: "New access in the statement with index: " + strconv.Itoa(i) + ". Revise the policy statement to remove the access.",
				StatementIndex: i, StatementID: s.Sid})
		}
	}
	for j := range od.Statements {
		e := &od.Statements[j]
		if e.Effect == policy.Deny && !denyKept(e, nd) {
			reasons = append(reasons, Reason{Description: "The Deny in the existing policy's statement with index: " + strconv.Itoa(j) +
				" is removed or narrowed in the new policy, which allows what it denied. Keep the Deny statement.", StatementIndex: -1, StatementID: e.Sid})
		}
	}
	if len(reasons) > 0 {
		return Result{Message: "The modified permissions grant new access compared to your existing policy.", Reasons: reasons}, nil
	}
	return Result{Pass: true, Message: "The modified permissions do not grant new access compared to your existing policy."}, nil
}

// allowCovered: every action x resource x principal s allows is allowed by
// some Allow statement of d with no condition s lacks.
func allowCovered(s *policy.Statement, d *policy.Document) bool {
	units := actionUnits(s)
	for _, e := range statementsOf(d, policy.Allow) {
		if !conditionsNarrower(s, e) || !resourcesCovered(s, e) || !principalsCovered(s, e) {
			continue
		}
		if s.NotAction {
			if actionsIncludeAll(e) || (e.NotAction && policy.Covers(s.Action, e.Action, true)) {
				return true
			}
			continue
		}
		units = slices.DeleteFunc(units, func(a string) bool { return actionAllowed(e, a) })
		if len(units) == 0 {
			return true
		}
	}
	return !s.NotAction && len(units) == 0
}

// denyKept: some Deny of d denies at least what e denies, on as few
// conditions.
func denyKept(e *policy.Statement, d *policy.Document) bool {
	for _, n := range statementsOf(d, policy.Deny) {
		if !conditionsNarrower(e, n) || !resourcesCovered(e, n) || !principalsCovered(e, n) {
			continue
		}
		if e.NotAction {
			if actionsIncludeAll(n) || (n.NotAction && policy.Covers(e.Action, n.Action, true)) {
				return true
			}
			continue
		}
		all := true
		for _, a := range actionUnits(e) {
			if !actionAllowed(n, a) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func statementsOf(d *policy.Document, eff policy.Effect) []*policy.Statement {
	var out []*policy.Statement
	for i := range d.Statements {
		if d.Statements[i].Effect == eff {
			out = append(out, &d.Statements[i])
		}
	}
	return out
}

// maxExpanded bounds the actions one pattern expands to; past it the
// pattern is compared as a pattern.
const maxExpanded = 2000

// actionUnits are the actions s names, wildcards expanded to the actions
// of the reference they match (a pattern over an unknown service, or one
// matching too many, stays a pattern).
func actionUnits(s *policy.Statement) []string {
	var out []string
	for _, a := range s.Action {
		svc, name, ok := strings.Cut(a, ":")
		if !ok || !strings.ContainsAny(name, "*?") || strings.ContainsAny(svc, "*?") {
			out = append(out, a)
			continue
		}
		ref := awsdata.Services().Service(svc)
		if ref == nil {
			out = append(out, a)
			continue
		}
		var exp []string
		for _, act := range ref.Actions {
			if full := ref.Prefix + ":" + act.Name; policy.MatchAction(a, full) {
				exp = append(exp, full)
			}
		}
		if len(exp) == 0 || len(exp) > maxExpanded {
			out = append(out, a)
			continue
		}
		out = append(out, exp...)
	}
	return out
}

func actionsIncludeAll(e *policy.Statement) bool {
	return !e.NotAction && slices.Contains(e.Action, "*")
}

// actionAllowed: e's action element includes a (an action or a pattern).
func actionAllowed(e *policy.Statement, a string) bool {
	if e.NotAction {
		for _, x := range e.Action {
			if policy.MatchAction(x, a) || policy.MatchAction(a, x) {
				return false
			}
		}
		return true
	}
	return policy.Covers(e.Action, []string{a}, true)
}

// resourcesCovered: e's resource element includes every resource s names.
func resourcesCovered(s, e *policy.Statement) bool {
	switch {
	case !s.HasResource || !e.HasResource:
		return s.HasResource == e.HasResource // trust policies: the role itself
	case !e.NotResource && slices.Contains(e.Resource, "*"):
		return true
	case s.NotResource:
		return e.NotResource && policy.Covers(s.Resource, e.Resource, false)
	case e.NotResource:
		for _, r := range s.Resource {
			for _, x := range e.Resource {
				if policy.MatchResource(x, r) || policy.MatchResource(r, x) {
					return false
				}
			}
		}
		return true
	}
	return policy.Covers(e.Resource, s.Resource, false)
}

// principalsCovered: e's principals include every principal s names.
func principalsCovered(s, e *policy.Statement) bool {
	if !s.HasPrincipal {
		return true
	}
	if s.NotPrincipal != e.NotPrincipal {
		return !e.NotPrincipal && everyone(e)
	}
	if s.NotPrincipal { // both: e must exclude no more than s
		for _, x := range e.Principal {
			if !hasPrincipal(s.Principal, x) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Principal {
		if !everyone(e) && !(p.Type == "AWS" && hasPrincipal(e.Principal, policy.PrincipalEntry{Type: "AWS", Value: "*"})) && !hasPrincipal(e.Principal, p) {
			return false
		}
	}
	return true
}

func everyone(e *policy.Statement) bool {
	return hasPrincipal(e.Principal, policy.PrincipalEntry{Type: "*", Value: "*"})
}

func hasPrincipal(ps []policy.PrincipalEntry, p policy.PrincipalEntry) bool {
	for _, x := range ps {
		if x.Type == p.Type && x.Value == p.Value {
			return true
		}
	}
	return false
}

// conditionsNarrower: every condition of e is in s too, with values
// that match no more than e's (a subset for positive operators, a
// superset for negated ones).
func conditionsNarrower(s, e *policy.Statement) bool {
	for _, ec := range e.Condition {
		found := false
		for _, sc := range s.Condition {
			if sc.Operator != ec.Operator || !strings.EqualFold(sc.Key, ec.Key) {
				continue
			}
			if strings.Contains(ec.Operator, "Not") {
				found = subset(ec.Values, sc.Values)
			} else {
				found = subset(sc.Values, ec.Values)
			}
			if found {
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func subset(small, big []string) bool {
	for _, x := range small {
		if !slices.Contains(big, x) {
			return false
		}
	}
	return true
}

// Access is one entry of CheckAccessNotGranted's access list.
type Access struct {
	Actions   []string
	Resources []string
}

// CheckAccessNotGranted reports whether doc allows any of the listed
// access: one of the actions (any action when none is listed) on one of
// the resources (any resource when none is listed). An Allow counts even
// with conditions (some request may meet them); a Deny without conditions
// that covers the same action and resource takes it back.
func CheckAccessNotGranted(doc string, typ PolicyType, access []Access) (Result, error) {
	d, err := parseFor(doc, "policyDocument", typ)
	if err != nil {
		return Result{}, err
	}
	var reasons []Reason
	for i := range d.Statements {
		s := &d.Statements[i]
		if s.Effect != policy.Allow {
			continue
		}
		if grantsAny(s, d, access) {
			reasons = append(reasons, Reason{Description: "One or more of the listed actions or resources in the statement with index: " + strconv.Itoa(i) + ".",
				StatementIndex: i, StatementID: s.Sid})
		}
	}
	if len(reasons) > 0 {
		return Result{Message: "The policy document grants access to perform one or more of the listed actions or resources.", Reasons: reasons}, nil
	}
	return Result{Pass: true, Message: "The policy document does not grant access to perform the listed actions or resources."}, nil
}

func grantsAny(s *policy.Statement, d *policy.Document, access []Access) bool {
	for _, acc := range access {
		actions, resources := acc.Actions, acc.Resources
		if len(actions) == 0 {
			actions = []string{"*"}
		}
		if len(resources) == 0 {
			resources = []string{"*"}
		}
		for _, a := range actions {
			if !statementAction(s, a) {
				continue
			}
			for _, r := range resources {
				if statementResource(s, r) && !deniedOutright(d, a, r) {
					return true
				}
			}
		}
	}
	return false
}

// statementAction: s's action element matches some action a stands for.
func statementAction(s *policy.Statement, a string) bool {
	if s.NotAction {
		if a == "*" {
			return true // NotAction leaves some action allowed
		}
		for _, x := range s.Action {
			if policy.MatchAction(x, a) {
				return false
			}
		}
		return true
	}
	for _, x := range s.Action {
		if policy.MatchAction(x, a) || policy.MatchAction(a, x) {
			return true
		}
	}
	return false
}

// statementResource: s's resource element matches some resource r stands
// for.
func statementResource(s *policy.Statement, r string) bool {
	if !s.HasResource || r == "*" {
		return true
	}
	if s.NotResource {
		for _, x := range s.Resource {
			if policy.MatchResource(x, r) {
				return false
			}
		}
		return true
	}
	for _, x := range s.Resource {
		if policy.MatchResource(x, r) || policy.MatchResource(r, x) {
			return true
		}
	}
	return false
}

// deniedOutright: an unconditional Deny of d covers every action a and
// resource r stand for.
func deniedOutright(d *policy.Document, a, r string) bool {
	for _, n := range statementsOf(d, policy.Deny) {
		if len(n.Condition) > 0 || n.NotPrincipal || (n.HasPrincipal && !everyone(n)) {
			continue
		}
		if actionAllowed(n, a) && resourceIncluded(n, r) {
			return true
		}
	}
	return false
}

// resourceIncluded: n's resource element includes every resource r stands
// for.
func resourceIncluded(n *policy.Statement, r string) bool {
	switch {
	case !n.HasResource:
		return true
	case n.NotResource:
		for _, x := range n.Resource {
			if policy.MatchResource(x, r) || policy.MatchResource(r, x) {
				return false
			}
		}
		return true
	}
	return policy.Covers(n.Resource, []string{r}, false)
}

// PublicAccessResourceTypes are CheckNoPublicAccess's resource types.
var PublicAccessResourceTypes = []string{
	"AWS::DynamoDB::Table", "AWS::DynamoDB::Stream", "AWS::EFS::FileSystem", "AWS::OpenSearchService::Domain",
	"AWS::Kinesis::Stream", "AWS::Kinesis::StreamConsumer", "AWS::KMS::Key", "AWS::Lambda::Function",
	"AWS::S3::Bucket", "AWS::S3::AccessPoint", "AWS::S3Express::DirectoryBucket", "AWS::S3::Glacier",
	"AWS::S3Outposts::Bucket", "AWS::S3Outposts::AccessPoint", "AWS::SecretsManager::Secret", "AWS::SNS::Topic",
	"AWS::SQS::Queue", TrustPolicyResourceType, "AWS::S3Tables::TableBucket", "AWS::ApiGateway::RestApi",
	"AWS::CodeArtifact::Domain", "AWS::Backup::BackupVault", "AWS::CloudTrail::Dashboard",
	"AWS::CloudTrail::EventDataStore", "AWS::S3Tables::Table", "AWS::S3Express::AccessPoint",
}

// restrictingKeys are the condition keys that, compared with fixed values,
// confine a statement naming everyone to known accounts, organizations,
// networks or services: S3's "The meaning of public" lists them, and
// Access Analyzer reads them the same way.
var restrictingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourceowner": true, "aws:sourcevpc": true,
	"aws:sourcevpce": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true, "aws:principalaccount": true,
	"aws:principalarn": true, "aws:principalorgid": true, "aws:principalorgpaths": true, "aws:userid": true,
	"aws:sourceip": true, "aws:principalservicename": true, "s3:dataaccesspointaccount": true,
	"s3:dataaccesspointarn": true, "kms:calleraccount": true, "lambda:functionurlauthtype": false,
}

// CheckNoPublicAccess reports whether doc, the resource policy of a
// resource of resourceType (a role's trust policy for
// AWS::IAM::AssumeRolePolicyDocument), lets anyone in: an Allow naming
// Principal "*" ({"AWS": "*"}, or NotPrincipal) with no condition that
// confines it.
func CheckNoPublicAccess(doc, resourceType string) (Result, error) {
	kind := policy.Resource
	if resourceType == TrustPolicyResourceType {
		kind = policy.Trust
	}
	d, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		return Result{}, &InvalidDocumentError{Field: "policyDocument", Err: err}
	}
	var reasons []Reason
	for i := range d.Statements {
		s := &d.Statements[i]
		if s.Effect == policy.Allow && publicStatement(s) {
			reasons = append(reasons, Reason{Description: "Public access granted in the following statement with index: " + strconv.Itoa(i) + ".",
				StatementIndex: i, StatementID: s.Sid})
		}
	}
	if len(reasons) > 0 {
		return Result{Message: "The resource policy grants public access for the given resource type.", Reasons: reasons}, nil
	}
	return Result{Pass: true, Message: "The resource policy does not grant public access for the given resource type."}, nil
}

func publicStatement(s *policy.Statement) bool {
	anyone := s.NotPrincipal
	for _, p := range s.Principal {
		if p.Value == "*" && (p.Type == "*" || p.Type == "AWS") {
			anyone = true
		}
	}
	if !anyone {
		return false
	}
	for _, c := range s.Condition {
		if confines(c) {
			return false
		}
	}
	return true
}

// confines: c compares a restricting key with fixed values, positively
// and without IfExists (which lets requests without the key through).
func confines(c policy.Condition) bool {
	op := c.Operator
	if strings.HasPrefix(op, "ForAnyValue:") || strings.HasPrefix(op, "ForAllValues:") ||
		strings.Contains(op, "Not") || strings.HasSuffix(op, "IfExists") || strings.HasPrefix(op, "Null") {
		return false
	}
	if !restrictingKeys[strings.ToLower(c.Key)] || len(c.Values) == 0 {
		return false
	}
	for _, v := range c.Values {
		if v == "*" || v == "0.0.0.0/0" || v == "::/0" || (strings.Contains(op, "Like") && strings.Trim(v, "*?") == "") {
			return false
		}
	}
	return true
}
