package iam

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// ContextKeysForCustomPolicy is IAM's GetContextKeysForCustomPolicy: the
// condition keys the given policy documents read, each once, in the order
// written. A document that does not parse is MalformedPolicyDocument.
func (s *Service) ContextKeysForCustomPolicy(ctx context.Context, caller *Principal, docs []string, m Meta) ([]string, error) {
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetContextKeysForCustomPolicy", "*"); err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, invalidField("PolicyInputList", "PolicyInputList is required.")
	}
	ps, err := compileInputList(docs)
	if err != nil {
		return nil, err
	}
	return contextKeys(ps), nil
}

// ContextKeysForPrincipalPolicy is IAM's GetContextKeysForPrincipalPolicy:
// the condition keys of every policy a user (with its groups'), a group or
// a role holds, inline and managed, then of the given documents.
func (s *Service) ContextKeysForPrincipalPolicy(ctx context.Context, caller *Principal, arn string, docs []string, m Meta) ([]string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetContextKeysForPrincipalPolicy", arn); err != nil {
		return nil, err
	}
	held, err := s.heldBy(ctx, acct, arn)
	if err != nil {
		return nil, err
	}
	extra, err := compileInputList(docs)
	if err != nil {
		return nil, err
	}
	return contextKeys(append(held, extra...)), nil
}

// holding is what a user (with its groups), group or role holds: its
// owners for heldPolicies and what they hold, and each owner's name by ID
// (the user, role or group, then the groups).
type holding struct {
	t      EntityType
	owners []policyOwner
	held   *held
	names  map[string]string
}

// holdingOf reads what the user, group or role arn names holds. The ARN
// must be the entity's own, path included: the caller was authorized on
// it.
func (s *Service) holdingOf(ctx context.Context, acct, arn, param string) (*holding, error) {
	t, ok := typeOfARN(arn)
	name := arn[strings.LastIndex(arn, "/")+1:]
	if !ok || t == PolicyType || !strings.HasPrefix(arn, "arn:aws:iam::"+acct+":") || name == "" {
		return nil, invalidField(param, "Name a user, group or role of this account by ARN, such as arn:aws:iam::%s:user/alice.", acct)
	}
	e, err := s.findEntity(ctx, s.store, acct, models.EntityType(t), name)
	if errors.Is(err, models.ErrNotFound) || (err == nil && e.arn != arn) {
		return nil, newErr(NotFound, "The %s with ARN %s cannot be found.", t, arn)
	}
	if err != nil {
		return nil, internal(err, string(t))
	}
	h := &holding{t: t, owners: []policyOwner{{models.EntityType(t), []string{e.id}}}, names: map[string]string{e.id: e.name}}
	if t == UserType {
		groups, _, err := s.store.ListGroupsForUser(ctx, acct, e.id, models.ListFilter{Limit: models.MaxListLimit})
		if err != nil {
			return nil, internal(err, "groups")
		}
		ids := make([]string, len(groups))
		for i, g := range groups {
			ids[i], h.names[g.GroupID] = g.GroupID, g.Name
		}
		h.owners = append(h.owners, policyOwner{models.EntityGroup, ids})
	}
	if h.held, err = heldPolicies(ctx, s.store, acct, h.owners, ""); err != nil {
		return nil, err
	}
	return h, nil
}

// heldBy compiles the identity policies the user, group or role arn
// names holds (a user's groups' too).
func (s *Service) heldBy(ctx context.Context, acct, arn string) ([]*policy.Policy, error) {
	h, err := s.holdingOf(ctx, acct, arn, "PolicySourceArn")
	if err != nil {
		return nil, err
	}
	return s.compileHeld(h.owners, h.held)
}

// compileInputList compiles a PolicyInputList's documents, naming a bad one
// by its place.
func compileInputList(docs []string) ([]*policy.Policy, error) {
	out := make([]*policy.Policy, 0, len(docs))
	for i, doc := range docs {
		label := fmt.Sprintf("PolicyInputList.%d", i+1)
		d, err := policy.Parse([]byte(doc), policy.Identity)
		if err != nil {
			return nil, malformed(label, err)
		}
		out = append(out, policy.Compile(policy.PolicyRef{ID: label, Name: label}, d))
	}
	return out, nil
}

// contextKeys gathers the policies' condition keys, each once whatever its
// case, in order.
func contextKeys(ps []*policy.Policy) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, p := range ps {
		for _, k := range p.ContextKeys() {
			if l := strings.ToLower(k); !seen[l] {
				seen[l] = true
				out = append(out, k)
			}
		}
	}
	return out
}
