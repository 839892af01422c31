package awsapi

import (
	"github.com/iamconsole/console/internal/iam"
)

// putInline handles Put{User,Group,Role}Policy. The lint warnings the
// operation returns are the console's, not AWS's: the API answers without
// them.
func putInline(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t, "PolicyName", "PolicyDocument")
		if err != nil {
			return nil, err
		}
		_, err = s.svc.PutInlinePolicy(c.ctx, c.caller, e, c.p.str("PolicyName"), c.p.str("PolicyDocument"), c.meta)
		return nil, err
	}
}

// getInline answers Get{User,Group,Role}Policy with the owner in the
// element AWS names for each and the document URL-encoded.
func getInline(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t, "PolicyName")
		if err != nil {
			return nil, err
		}
		p, err := s.svc.GetInlinePolicy(c.ctx, c.caller, e, c.p.str("PolicyName"), c.meta)
		if err != nil {
			return nil, err
		}
		doc := urlDoc(p.PolicyDocument)
		switch t {
		case iam.UserType:
			return getUserPolicyResult{UserName: p.EntityName, PolicyName: p.PolicyName, PolicyDocument: doc}, nil
		case iam.GroupType:
			return getGroupPolicyResult{GroupName: p.EntityName, PolicyName: p.PolicyName, PolicyDocument: doc}, nil
		}
		return getRolePolicyResult{RoleName: p.EntityName, PolicyName: p.PolicyName, PolicyDocument: doc}, nil
	}
}

// listInline handles List{User,Group,Role}Policies.
func listInline(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, page, err := c.entityPage(t)
		if err != nil {
			return nil, err
		}
		names, next, err := s.svc.ListInlinePolicies(c.ctx, c.caller, e, page, c.meta)
		if err != nil {
			return nil, err
		}
		return listInlinePoliciesResult{PolicyNames: list(names), page: pageOf(next)}, nil
	}
}

// deleteInline handles Delete{User,Group,Role}Policy.
func deleteInline(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t, "PolicyName")
		if err != nil {
			return nil, err
		}
		return nil, s.svc.DeleteInlinePolicy(c.ctx, c.caller, e, c.p.str("PolicyName"), c.meta)
	}
}
