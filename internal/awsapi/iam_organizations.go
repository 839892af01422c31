package awsapi

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/iam"
)

// The actions here need something the console does not have — AWS
// Organizations, or a partner onboarded with AWS — and answer, once the
// caller's permission is checked, with the error AWS gives an account
// without it (internal/iam unavailable.go); what can be answered
// faithfully without it is (no delegation requests exist, no account
// property is set). README's API section lists them.

// needsOrganization answers an Organizations feature action: the account
// belongs to no organization. The parameters AWS requires are required
// first, as AWS validates before it looks.
func needsOrganization(action string, required ...string) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(required...); err != nil {
			return nil, err
		}
		return nil, s.svc.Unavailable(c.ctx, c.caller, c.meta, "iam:"+action, "*", iam.ErrOrganizationNotFound)
	}
}

// getOrganizationsAccessReport: a report exists only once
// GenerateOrganizationsAccessReport made one, which it cannot here, so no
// job ID names one.
func getOrganizationsAccessReport(s *Server, c *call) (any, error) {
	if err := c.p.required("JobId"); err != nil {
		return nil, err
	}
	return nil, s.svc.UnavailableNotFound(c.ctx, c.caller, c.meta, "iam:GetOrganizationsAccessReport", "*",
		"The report with job ID %s cannot be found.", c.p.str("JobId"))
}

// assumeRoot is STS AssumeRoot: root sessions in the member accounts of an
// organization.
func assumeRoot(s *Server, c *call) (any, error) {
	if err := c.p.required("TargetPrincipal"); err != nil {
		return nil, err
	}
	if c.p.str("TaskPolicyArn.arn") == "" {
		return nil, missing("TaskPolicyArn")
	}
	target := c.p.str("TargetPrincipal")
	if len(target) == 12 { // an account ID: its root user
		target = "arn:aws:iam::" + target + ":root"
	}
	return nil, s.svc.RefusePrerequisite(c.ctx, c.caller, c.meta, "sts:AssumeRoot", target)
}

// delegationRequestARN is the resource a delegation request ID names
// (IAM's resource type delegation-request).
func delegationRequestARN(c *call, id string) string {
	return "arn:aws:iam::" + c.caller.AccountID + ":delegation-request/" + id
}

// onDelegationRequest answers an action on one delegation request. Only a
// partner onboarded with AWS creates them (CreateDelegationRequest is "not
// available for general use"), so none exists: NoSuchEntity, after the
// caller's permission.
func onDelegationRequest(action string) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required("DelegationRequestId"); err != nil {
			return nil, err
		}
		id := c.p.str("DelegationRequestId")
		return nil, s.svc.UnavailableNotFound(c.ctx, c.caller, c.meta, "iam:"+action, delegationRequestARN(c, id),
			"The delegation request with ID %s cannot be found.", id)
	}
}

// createDelegationRequest: the caller is not a partner onboarded for
// temporary delegation, which AWS requires; it answers AccessDenied.
func createDelegationRequest(s *Server, c *call) (any, error) {
	if err := c.p.required("Description", "RequestorWorkflowId", "NotificationChannel", "SessionDuration"); err != nil {
		return nil, err
	}
	return nil, s.svc.RefusePrerequisite(c.ctx, c.caller, c.meta, "iam:CreateDelegationRequest", delegationRequestARN(c, "*"))
}

type listDelegationRequestsResult struct {
	DelegationRequests members[struct{}] `xml:"DelegationRequests"`
	page
}

// listDelegationRequests lists the account's delegation requests: there
// are none (see onDelegationRequest).
func listDelegationRequests(s *Server, c *call) (any, error) {
	if _, _, err := c.p.paging(); err != nil {
		return nil, err
	}
	if err := s.svc.AuthorizeAction(c.ctx, c.caller, c.meta, "iam:ListDelegationRequests", "*"); err != nil {
		return nil, err
	}
	return listDelegationRequestsResult{DelegationRequests: list([]struct{}{})}, nil
}

// getHumanReadableSummary summarizes an entity; the only kind AWS
// summarizes is a delegation request, and none exists.
func getHumanReadableSummary(s *Server, c *call) (any, error) {
	if err := c.p.required("EntityArn"); err != nil {
		return nil, err
	}
	arn := c.p.str("EntityArn")
	return nil, s.svc.UnavailableNotFound(c.ctx, c.caller, c.meta, "iam:GetHumanReadableSummary", arn,
		"The entity %s cannot be found.", arn)
}

// onRoleTemplate answers an action on a role template (AcquireRole,
// GetRoleTemplateVersion): templates come from AWS and its partners'
// Role Manager, which the console does not have, so none exists.
func onRoleTemplate(action string) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required("TemplateArn"); err != nil {
			return nil, err
		}
		arn := c.p.str("TemplateArn")
		return nil, s.svc.UnavailableNotFound(c.ctx, c.caller, c.meta, "iam:"+action, arn,
			"The role template with ARN %s cannot be found.", arn)
	}
}

type getAccountPropertiesResult struct {
	Properties struct {
		Entry []struct{} `xml:"entry"`
	} `xml:"Properties"`
}

// getAccountProperties: account properties configure Role Manager, which
// the console does not have; none is set.
func getAccountProperties(s *Server, c *call) (any, error) {
	if err := s.svc.AuthorizeAction(c.ctx, c.caller, c.meta, "iam:GetAccountProperties", "*"); err != nil {
		return nil, err
	}
	return getAccountPropertiesResult{}, nil
}

// accountPropertyKey is PutAccountProperties' key pattern (IAM API
// Reference: 1–50 characters, Namespace/PropertyName).
var accountPropertyKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9/_-]{0,49}$`)

// putAccountProperties validates the keys as AWS documents them, then
// refuses every one with InvalidInput: the console knows no property (its
// features are Role Manager's).
func putAccountProperties(s *Server, c *call) (any, error) {
	entries := mapEntries(c.p, "Properties")
	if len(entries) == 0 {
		return nil, missing("Properties")
	}
	for _, kv := range entries {
		if !accountPropertyKey.MatchString(kv[0]) || strings.Count(kv[0], "/") != 1 || strings.HasSuffix(kv[0], "/") {
			return nil, validation("1 validation error detected: Value '%s' at 'properties' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^[A-Za-z][A-Za-z0-9/_-]*$]", kv[0])
		}
	}
	if err := s.svc.AuthorizeAction(c.ctx, c.caller, c.meta, "iam:PutAccountProperties", "*"); err != nil {
		return nil, err
	}
	return nil, &apiError{Status: 400, Code: "InvalidInput", Message: "The account property " + entries[0][0] + " is not recognized."}
}

// getDelegatedAccessToken is STS GetDelegatedAccessToken: it exchanges a
// trade-in token from an accepted delegation request, and none can exist
// here.
func getDelegatedAccessToken(s *Server, c *call) (any, error) {
	if err := c.p.required("TradeInToken"); err != nil {
		return nil, err
	}
	return nil, s.svc.Unavailable(c.ctx, c.caller, c.meta, "sts:GetDelegatedAccessToken", "*", iam.ErrTradeInTokenExpired)
}

// mapEntries decodes a query-protocol map, Name.entry.N.key and
// Name.entry.N.value, as [key, value] pairs in N's order.
func mapEntries(p params, prefix string) [][2]string {
	var out [][2]string
	for n := 1; ; n++ {
		k, ok := p[prefix+".entry."+strconv.Itoa(n)+".key"]
		if !ok || len(k) == 0 {
			return out
		}
		out = append(out, [2]string{k[0], p.str(prefix + ".entry." + strconv.Itoa(n) + ".value")})
	}
}
