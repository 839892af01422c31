package iam

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/models"
)

// AttachedPolicy is AWS's AttachedPolicy: a managed policy attached to a
// user, group or role.
type AttachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

// PolicyGroup, PolicyUser and PolicyRole are the entities
// ListEntitiesForPolicy reports, with AWS's element names.
type (
	PolicyGroup struct{ GroupName, GroupId string }
	PolicyUser  struct{ UserName, UserId string }
	PolicyRole  struct{ RoleName, RoleId string }
)

// PolicyEntities is ListEntitiesForPolicy's output.
type PolicyEntities struct {
	PolicyGroups []PolicyGroup
	PolicyUsers  []PolicyUser
	PolicyRoles  []PolicyRole
}

// Page asks for one page of a list: the Marker a previous page returned,
// and at most MaxItems entries (0: AWS's default, 100).
type Page struct {
	Marker   string
	MaxItems int
}

// ListAttachedPoliciesInput is ListAttached{User,Group,Role}Policies' input:
// PathPrefix narrows by the policy's path.
type ListAttachedPoliciesInput struct {
	PathPrefix string
	Marker     string
	MaxItems   int
}

// ListEntitiesForPolicyInput is ListEntitiesForPolicy's input. EntityFilter
// is "User", "Group", "Role" or empty for all; PathPrefix narrows by the
// entity's path.
type ListEntitiesForPolicyInput struct {
	PolicyArn    string
	EntityFilter string
	PathPrefix   string
	Marker       string
	MaxItems     int
}

// MaxPoliciesPerEntity is AWS's quota of managed policies attached to one
// user, group or role.
const MaxPoliciesPerEntity = 10

// entity is a user, group or role found by name, with what operations on it
// need.
type entity struct {
	typ                    models.EntityType
	id, name, path, arn    string
	permissionsBoundaryARN string
}

// entityWord is how AWS's messages name an entity type.
func entityWord(t models.EntityType) string { return string(t) }

// quotaName is AWS's quota name for attached policies of t.
func quotaName(t models.EntityType) string {
	return map[models.EntityType]string{models.EntityUser: "PoliciesPerUser", models.EntityGroup: "PoliciesPerGroup",
		models.EntityRole: "PoliciesPerRole"}[t]
}

func noSuchEntity(t models.EntityType, name string) *Error {
	switch t {
	case models.EntityInstanceProfile:
		return noSuchInstanceProfile(name)
	case models.EntityServerCertificate:
		return noSuchServerCertificate(name)
	}
	if t == models.EntityOIDCProvider {
		return noSuchOIDCProvider(name)
	}
	if t == models.EntitySAMLProvider {
		return noSuchSAMLProvider(name)
	}
	return newErr(NotFound, "The %s with name %s cannot be found.", entityWord(t), name)
}

// findEntity looks a user, group or role up by name through st.
func (s *Service) findEntity(ctx context.Context, st *models.Store, acct string, t models.EntityType, name string) (*entity, error) {
	switch t {
	case models.EntityUser:
		u, err := st.User(ctx, acct, name)
		if err != nil {
			return nil, err
		}
		return &entity{t, u.UserID, u.Name, u.Path, userARN(acct, u.Path, u.Name), u.PermissionsBoundaryARN}, nil
	case models.EntityGroup:
		g, err := st.Group(ctx, acct, name)
		if err != nil {
			return nil, err
		}
		return &entity{t, g.GroupID, g.Name, g.Path, groupARN(acct, g.Path, g.Name), ""}, nil
	case models.EntityRole:
		r, err := st.Role(ctx, acct, name)
		if err != nil {
			return nil, err
		}
		return &entity{t, r.RoleID, r.Name, r.Path, roleARN(acct, r.Path, r.Name), r.PermissionsBoundaryARN}, nil
	case models.EntityInstanceProfile:
		p, err := st.InstanceProfile(ctx, acct, name)
		if err != nil {
			return nil, err
		}
		return &entity{t, p.InstanceProfileID, p.Name, p.Path, instanceProfileARN(acct, p.Path, p.Name), ""}, nil
	}
	return nil, models.ErrNotFound
}

// entityARN is the ARN of an entity of type t at path.
func entityARN(acct string, t models.EntityType, path, name string) string {
	switch t {
	case models.EntityUser:
		return userARN(acct, path, name)
	case models.EntityGroup:
		return groupARN(acct, path, name)
	case models.EntityInstanceProfile:
		return instanceProfileARN(acct, path, name)
	}
	return roleARN(acct, path, name)
}

// authorizedEntity finds the named user, group or role and authorizes
// action on its ARN with extra request context keys. One that does not exist
// is authorized at path "/" before NotFound is told, so a caller without the
// right learns nothing of which entities exist.
func (s *Service) authorizedEntity(ctx context.Context, caller *Principal, acct string, t models.EntityType, name string,
	m Meta, action string, keys map[string][]string) (*entity, error) {
	field := map[models.EntityType]string{models.EntityUser: "UserName", models.EntityGroup: "GroupName", models.EntityRole: "RoleName",
		models.EntityInstanceProfile: "InstanceProfileName"}[t]
	if name == "" {
		return nil, invalidField(field, "%s is required.", field)
	}
	ac := withRequestContext(caller, keys)
	e, err := s.findEntity(ctx, s.store, acct, t, name)
	if err != nil {
		return nil, s.lookupFailed(ctx, ac, m, action, err, entityARN(acct, t, "/", name), noSuchEntity(t, name), string(t))
	}
	if err := s.authorizeMeta(ctx, ac, m, action, e.arn); err != nil {
		return nil, err
	}
	if err := checkProtectedRole(action, e); err != nil {
		return nil, err
	}
	return e, nil
}

// policyNotAttachable is AWS's NoSuchEntity for a policy ARN that names
// nothing attachable.
func policyNotAttachable(arn string) *Error {
	return newErr(NotFound, "Policy %s does not exist or is not attachable.", arn)
}

// attachablePolicy checks that arn names a managed policy that exists (a
// built-in, or the account's own) and returns its name.
func (s *Service) attachablePolicy(ctx context.Context, st *models.Store, acct, arn string) (string, error) {
	if b := Builtin(arn); b != nil {
		return b.Name, nil
	}
	if arn == "" {
		return "", invalidField("PolicyArn", "PolicyArn is required.")
	}
	if !boundaryARNRE.MatchString(arn) || len(arn) > 2048 {
		return "", invalidField("PolicyArn", "ARN %s is not valid.", arn)
	}
	p, err := st.PolicyByARN(ctx, acct, arn)
	if errors.Is(err, models.ErrNotFound) {
		return "", policyNotAttachable(arn)
	}
	if err != nil {
		return "", internal(err, "policy")
	}
	return p.Name, nil
}

// AttachPolicy attaches a managed policy (built-in or the account's) to a
// user, group or role. Attaching one already attached succeeds and changes
// nothing; LimitExceeded past 10 policies.
func (s *Service) AttachPolicy(ctx context.Context, caller *Principal, to Entity, policyArn string, m Meta) error {
	if err := OpAttachPolicy.supports(to); err != nil {
		return err
	}
	return s.attach(ctx, caller, to, policyArn, m)
}

func (s *Service) attach(ctx context.Context, caller *Principal, to Entity, policyArn string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	t, op := to.model(), OpAttachPolicy.name(to.Type)
	e, err := s.authorizedEntity(ctx, caller, acct, t, to.Name, m, "iam:"+op, map[string][]string{"iam:PolicyARN": {policyArn}})
	if err != nil {
		return err
	}
	if _, err := s.attachablePolicy(ctx, s.store, acct, policyArn); err != nil {
		return err
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeAttach, Entity: to, PolicyARN: policyArn}, m, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, t, e.id, e.name); err != nil {
			return err
		}
		if err := lockAttachable(ctx, tx, acct, policyArn); err != nil {
			return err
		}
		atts, err := tx.ListAttachedPolicies(ctx, acct, t, e.id)
		if err != nil {
			return err
		}
		already := false
		for _, a := range atts {
			already = already || a.PolicyARN == policyArn
		}
		if !already {
			if len(atts) >= MaxPoliciesPerEntity {
				return newErr(LimitExceeded, "Cannot exceed quota for %s: %d", quotaName(t), MaxPoliciesPerEntity)
			}
			if err := tx.AttachPolicy(ctx, acct, t, e.id, policyArn, s.now()); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: e.arn,
			params: map[string]any{string(t) + "Name": e.name, "policyArn": policyArn}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil // attached by a concurrent request: the outcome asked for
	}
	return asInternal(err, strings.ToLower(op))
}

// DetachPolicy detaches a managed policy from a user, group or role;
// NotFound when it is not attached.
func (s *Service) DetachPolicy(ctx context.Context, caller *Principal, from Entity, policyArn string, m Meta) error {
	if err := OpDetachPolicy.supports(from); err != nil {
		return err
	}
	return s.detach(ctx, caller, from, policyArn, m)
}

func (s *Service) detach(ctx context.Context, caller *Principal, from Entity, policyArn string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	t, op := from.model(), OpDetachPolicy.name(from.Type)
	e, err := s.authorizedEntity(ctx, caller, acct, t, from.Name, m, "iam:"+op, map[string][]string{"iam:PolicyARN": {policyArn}})
	if err != nil {
		return err
	}
	if policyArn == "" {
		return invalidField("PolicyArn", "PolicyArn is required.")
	}
	err = s.guardedTx(ctx, caller, Change{Kind: ChangeDetach, Entity: from, PolicyARN: policyArn}, m, func(tx *models.Store) error {
		if err := tx.DetachPolicy(ctx, acct, t, e.id, policyArn); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: e.arn,
			params: map[string]any{string(t) + "Name": e.name, "policyArn": policyArn}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return newErr(NotFound, "Policy %s was not found.", policyArn)
	}
	return asInternal(err, strings.ToLower(op))
}

// ListAttachedPolicies lists one page of the managed policies attached to a
// user, group or role, by ARN.
func (s *Service) ListAttachedPolicies(ctx context.Context, caller *Principal, of Entity, in ListAttachedPoliciesInput, m Meta) ([]AttachedPolicy, string, error) {
	if err := OpListAttachedPolicies.supports(of); err != nil {
		return nil, "", err
	}
	return s.listAttached(ctx, caller, of, in, m)
}

func (s *Service) listAttached(ctx context.Context, caller *Principal, of Entity, in ListAttachedPoliciesInput, m Meta) ([]AttachedPolicy, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	t, op := of.model(), OpListAttachedPolicies.name(of.Type)
	e, err := s.authorizedEntity(ctx, caller, acct, t, of.Name, m, "iam:"+op, nil)
	if err != nil {
		return nil, "", err
	}
	f, err := listFilter(in.PathPrefix, in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	atts, err := s.store.ListAttachedPolicies(ctx, acct, t, e.id)
	if err != nil {
		return nil, "", internal(err, "attached policies")
	}
	var out []AttachedPolicy
	for _, a := range atts {
		_, path, name, ok := parsePolicyARN(a.PolicyARN)
		if !ok || !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		out = append(out, AttachedPolicy{PolicyName: name, PolicyArn: a.PolicyARN})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PolicyArn < out[j].PolicyArn })
	return pageOf(out, func(a AttachedPolicy) string { return a.PolicyArn }, f)
}

// ListEntitiesForPolicy lists the users, groups and roles a managed policy
// is attached to.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, caller *Principal, in ListEntitiesForPolicyInput, m Meta) (*PolicyEntities, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ListEntitiesForPolicy", in.PolicyArn); err != nil {
		return nil, "", err
	}
	f, err := listFilter(in.PathPrefix, in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	var t models.EntityType
	switch in.EntityFilter {
	case "":
	case "User", "Group", "Role":
		t = models.EntityType(strings.ToLower(in.EntityFilter))
	default:
		return nil, "", invalidField("EntityFilter", "EntityFilter must be User, Group or Role.")
	}
	if _, err := s.attachablePolicy(ctx, s.store, acct, in.PolicyArn); err != nil {
		if KindOf(err) == NotFound {
			return nil, "", newErr(NotFound, "Policy %s was not found.", in.PolicyArn)
		}
		return nil, "", err
	}
	atts, err := s.store.ListEntitiesForPolicy(ctx, acct, in.PolicyArn, t)
	if err != nil {
		return nil, "", internal(err, "entities for policy")
	}
	type row struct {
		key  string
		t    models.EntityType
		name string
		id   string
	}
	var rows []row
	for _, a := range atts {
		var name, path string
		switch a.EntityType {
		case models.EntityUser:
			u, err := s.store.UserByID(ctx, acct, a.EntityID)
			if err != nil {
				continue // deleted meanwhile
			}
			name, path = u.Name, u.Path
		case models.EntityGroup:
			g, err := s.store.GroupByID(ctx, acct, a.EntityID)
			if err != nil {
				continue
			}
			name, path = g.Name, g.Path
		case models.EntityRole:
			r, err := s.store.RoleByID(ctx, acct, a.EntityID)
			if err != nil {
				continue
			}
			name, path = r.Name, r.Path
		}
		if !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		rows = append(rows, row{string(a.EntityType) + "/" + strings.ToLower(name), a.EntityType, name, a.EntityID})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].key < rows[j].key })
	page, next, err := pageOf(rows, func(r row) string { return r.key }, f)
	if err != nil {
		return nil, "", err
	}
	out := &PolicyEntities{}
	for _, r := range page {
		switch r.t {
		case models.EntityUser:
			out.PolicyUsers = append(out.PolicyUsers, PolicyUser{UserName: r.name, UserId: r.id})
		case models.EntityGroup:
			out.PolicyGroups = append(out.PolicyGroups, PolicyGroup{GroupName: r.name, GroupId: r.id})
		case models.EntityRole:
			out.PolicyRoles = append(out.PolicyRoles, PolicyRole{RoleName: r.name, RoleId: r.id})
		}
	}
	return out, next, nil
}

// parsePolicyARN splits arn:aws:iam::ACCOUNT:policy/PATH/NAME; account is
// "aws" for the built-ins.
func parsePolicyARN(arn string) (account, path, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", "", false
	}
	account, res, ok := strings.Cut(rest, ":policy/")
	if !ok || account == "" {
		return "", "", "", false
	}
	i := strings.LastIndex(res, "/")
	path, name = "/"+res[:i+1], res[i+1:]
	return account, path, name, name != ""
}
