package iam

import (
	"context"
	"regexp"
	"strings"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// ServiceGrants is one service's answer of ListPoliciesGrantingServiceAccess:
// the policies an entity holds that allow some action of the service.
type ServiceGrants struct {
	ServiceNamespace string
	Policies         []ServiceGrant
}

// ServiceGrant is one such policy, as AWS's PolicyGrantingServiceAccess:
// a managed policy by ARN, or an inline policy with the user, group or
// role it is in.
type ServiceGrant struct {
	PolicyName string
	PolicyType string // "MANAGED" or "INLINE"
	PolicyArn  string // managed
	EntityType string // inline: "USER", "GROUP" or "ROLE"
	EntityName string // inline
}

var serviceNamespaceRE = regexp.MustCompile(`^[\w-]{1,64}$`)

// PoliciesGrantingServiceAccess is IAM's ListPoliciesGrantingServiceAccess:
// for each service namespace, the policies the user (its groups'
// included), group or role arn names holds whose Allow statements reach an
// action of that service, managed then inline, in the order held. A
// NotAction statement reaches every service it does not name.
func (s *Service) PoliciesGrantingServiceAccess(ctx context.Context, caller *Principal, arn string, namespaces []string, m Meta) ([]ServiceGrants, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if len(namespaces) == 0 || len(namespaces) > 200 {
		return nil, invalidField("ServiceNamespaces", "1 validation error detected: Value at 'serviceNamespaces' failed to satisfy constraint: Member must have length less than or equal to 200 and greater than or equal to 1")
	}
	for _, ns := range namespaces {
		if !serviceNamespaceRE.MatchString(ns) {
			return nil, invalidField("ServiceNamespaces", "1 validation error detected: Value '%s' at 'serviceNamespaces' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]*", ns)
		}
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ListPoliciesGrantingServiceAccess", arn); err != nil {
		return nil, err
	}
	h, err := s.holdingOf(ctx, acct, arn, "Arn")
	if err != nil {
		return nil, err
	}
	type grant struct {
		ServiceGrant
		services map[string]bool
	}
	var grants []grant
	add := func(g ServiceGrant, doc string) {
		d, err := policy.Parse([]byte(doc), policy.Identity)
		if err != nil {
			return // stored documents were valid when stored; one that is not grants nothing
		}
		svcs := map[string]bool{}
		for _, row := range policy.Summarize(d).Allow {
			svcs[strings.ToLower(row.Prefix)] = true
		}
		grants = append(grants, grant{g, svcs})
	}
	for _, o := range h.owners {
		for _, id := range o.ids {
			for _, pa := range h.held.attached[id] {
				if b := Builtin(pa); b != nil {
					add(ServiceGrant{PolicyName: b.Name, PolicyType: "MANAGED", PolicyArn: pa}, b.Document())
				} else if d, ok := h.held.docs[pa]; ok {
					add(ServiceGrant{PolicyName: d.Name, PolicyType: "MANAGED", PolicyArn: pa}, d.Document)
				}
			}
			for _, ip := range h.held.inline[id] {
				add(ServiceGrant{PolicyName: ip.Name, PolicyType: "INLINE", EntityType: entityTypeWord(o.t), EntityName: h.names[id]}, ip.Document)
			}
		}
	}
	out := make([]ServiceGrants, 0, len(namespaces))
	for _, ns := range namespaces {
		sg := ServiceGrants{ServiceNamespace: ns, Policies: []ServiceGrant{}}
		for _, g := range grants {
			if g.services[strings.ToLower(ns)] {
				sg.Policies = append(sg.Policies, g.ServiceGrant)
			}
		}
		out = append(out, sg)
	}
	return out, nil
}

// entityTypeWord is AWS's policyOwnerEntityType: USER, GROUP or ROLE.
func entityTypeWord(t models.EntityType) string { return strings.ToUpper(string(t)) }
