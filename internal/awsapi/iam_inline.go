package awsapi

import (
	"context"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/policy"
)

type putInlineOp func(*iam.Service, context.Context, *iam.Principal, iam.PutInlinePolicyInput, iam.Meta) ([]policy.Diagnostic, error)

// putInline handles Put{User,Group,Role}Policy; the entity is named by
// nameParam. The lint warnings the operation returns are the console's, not
// AWS's: the API answers without them.
func putInline(nameParam string, op putInlineOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam, "PolicyName", "PolicyDocument"); err != nil {
			return nil, err
		}
		_, err := op(s.svc, c.ctx, c.caller, iam.PutInlinePolicyInput{Name: c.p.str(nameParam), PolicyName: c.p.str("PolicyName"),
			PolicyDocument: c.p.str("PolicyDocument")}, c.meta)
		return nil, err
	}
}

type getInlineOp func(*iam.Service, context.Context, *iam.Principal, string, string, iam.Meta) (*iam.InlinePolicy, error)

// getInline answers Get{User,Group,Role}Policy with the owner in the
// element AWS names for each and the document URL-encoded.
func getInline(nameParam string, op getInlineOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam, "PolicyName"); err != nil {
			return nil, err
		}
		p, err := op(s.svc, c.ctx, c.caller, c.p.str(nameParam), c.p.str("PolicyName"), c.meta)
		if err != nil {
			return nil, err
		}
		doc := urlDoc(p.PolicyDocument)
		switch nameParam {
		case "UserName":
			return getUserPolicyResult{UserName: p.EntityName, PolicyName: p.PolicyName, PolicyDocument: doc}, nil
		case "GroupName":
			return getGroupPolicyResult{GroupName: p.EntityName, PolicyName: p.PolicyName, PolicyDocument: doc}, nil
		}
		return getRolePolicyResult{RoleName: p.EntityName, PolicyName: p.PolicyName, PolicyDocument: doc}, nil
	}
}

type listInlineOp func(*iam.Service, context.Context, *iam.Principal, iam.EntityPageInput, iam.Meta) ([]string, string, error)

func listInline(nameParam string, op listInlineOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam); err != nil {
			return nil, err
		}
		marker, maxItems, err := c.p.paging()
		if err != nil {
			return nil, err
		}
		names, next, err := op(s.svc, c.ctx, c.caller, iam.EntityPageInput{Name: c.p.str(nameParam), Marker: marker, MaxItems: maxItems}, c.meta)
		if err != nil {
			return nil, err
		}
		return listInlinePoliciesResult{PolicyNames: list(names), page: pageOf(next)}, nil
	}
}

type deleteInlineOp func(*iam.Service, context.Context, *iam.Principal, string, string, iam.Meta) error

func deleteInline(nameParam string, op deleteInlineOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam, "PolicyName"); err != nil {
			return nil, err
		}
		return nil, op(s.svc, c.ctx, c.caller, c.p.str(nameParam), c.p.str("PolicyName"), c.meta)
	}
}
