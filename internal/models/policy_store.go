package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreatePolicy stores a new customer managed policy with document as its
// default version v1, in one transaction. p.PolicyID and p.ARN are the
// caller's; it sets p.AccountID, p.NameKey, p.DefaultVersionID and
// p.NextVersion, and p.CreatedAt (if zero) and p.UpdatedAt. Returns
// ErrConflict if the name (in any case), the ARN or the ID is taken.
func (s *Store) CreatePolicy(ctx context.Context, accountID string, p *ManagedPolicy, document string) error {
	p.AccountID = accountID
	p.NameKey = strings.ToLower(p.Name)
	p.DefaultVersionID = "v1"
	p.NextVersion = 2
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	p.UpdatedAt = p.CreatedAt
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Create(p).Error; err != nil {
			return translate(err, "create policy "+p.Name)
		}
		v := &PolicyVersion{AccountID: accountID, PolicyID: p.PolicyID, VersionID: "v1", Number: 1,
			Document: document, IsDefault: true, CreatedAt: p.CreatedAt}
		return translate(tx.q(ctx).Create(v).Error, "create version v1 of policy "+p.Name)
	})
}

// Policy returns the customer managed policy with the given name, whatever
// its case.
func (s *Store) Policy(ctx context.Context, accountID, name string) (*ManagedPolicy, error) {
	return s.policyWhere(ctx, "policy "+name, "account_id = ? AND name_key = ?", accountID, strings.ToLower(name))
}

// PolicyByID returns the customer managed policy with the given ID (ANPA…).
func (s *Store) PolicyByID(ctx context.Context, accountID, policyID string) (*ManagedPolicy, error) {
	return s.policyWhere(ctx, "policy "+policyID, "account_id = ? AND policy_id = ?", accountID, policyID)
}

// PolicyByARN returns the customer managed policy with the given ARN.
// Built-in (arn:aws:iam::aws:policy/…) policies are not here: ErrNotFound.
func (s *Store) PolicyByARN(ctx context.Context, accountID, arn string) (*ManagedPolicy, error) {
	return s.policyWhere(ctx, "policy "+arn, "account_id = ? AND arn = ?", accountID, arn)
}

func (s *Store) policyWhere(ctx context.Context, what, where string, args ...any) (*ManagedPolicy, error) {
	var p ManagedPolicy
	if err := s.q(ctx).Where(where, args...).Take(&p).Error; err != nil {
		return nil, translate(err, what)
	}
	return &p, nil
}

// ListPolicies returns one page of the account's customer managed policies
// in name order, and the marker for the next page ("" on the last).
func (s *Store) ListPolicies(ctx context.Context, accountID string, f ListFilter) ([]ManagedPolicy, string, error) {
	q := s.q(ctx).Where("account_id = ?", accountID)
	return listPage(q, f, func(p *ManagedPolicy) string { return p.NameKey }, "list policies")
}

// PolicyARNs returns up to limit of the account's customer managed policy
// ARNs in name order: only the ARN column, for pickers, where reading
// whole rows was a third of a user page's time.
func (s *Store) PolicyARNs(ctx context.Context, accountID string, limit int) ([]string, error) {
	var arns []string
	err := s.q(ctx).Model(&ManagedPolicy{}).Where("account_id = ?", accountID).
		Order("name_key").Limit(limit).Pluck("arn", &arns).Error
	return arns, translate(err, "list policy ARNs")
}

// CountPolicies counts the account's customer managed policies.
func (s *Store) CountPolicies(ctx context.Context, accountID string) (int64, error) {
	return s.count(ctx, &ManagedPolicy{}, "count policies", "account_id = ?", accountID)
}

// RenamePolicy gives a policy a new name, path and ARN (the caller builds
// it), and moves the attachments and permissions boundaries that name the
// old ARN to the new one, in one transaction. AWS has no such call; it
// serves imports and repairs. Returns ErrConflict if the name or ARN is
// taken, or if users, roles or the policy's ARN kept changing while the
// rename waited for its locks; ErrNotFound if the policy is gone.
func (s *Store) RenamePolicy(ctx context.Context, accountID, policyID, name, path, arn string) error {
	for range 3 {
		err := s.Tx(ctx, func(tx *Store) error { return tx.renamePolicy(ctx, accountID, policyID, name, path, arn) })
		if !errors.Is(err, errMoved) {
			return err
		}
	}
	return fmt.Errorf("rename policy %s: its ARN or the users and roles using it as boundary kept changing: %w", policyID, ErrConflict)
}

// errMoved: a rename found, once it held the policy, that the rows it had
// locked before were no longer all that name the policy's ARN.
var errMoved = errors.New("policy moved while being locked")

// renamePolicy is one attempt at RenamePolicy. It locks in the documented
// order (lock.go): the users and roles whose boundary is the policy, then
// the policy, since PutUserPermissionsBoundary and AttachUserPolicy hold the
// user and wait for the policy. Which users and roles those are depends on
// the ARN, read before the policy is locked; a boundary given or a rename
// committed in between changes them, and locking one more user or role now,
// after the policy, could deadlock with a transaction that holds it and waits
// for the policy. So the attempt gives up (errMoved) and RenamePolicy starts
// over in a new transaction, holding nothing it took in this one (inside a
// caller's transaction it is a savepoint, and PostgreSQL drops the row locks
// taken since the savepoint when rolling back to it).
func (s *Store) renamePolicy(ctx context.Context, accountID, policyID, name, path, arn string) error {
	what := "rename policy " + policyID
	old, err := s.PolicyByID(ctx, accountID, policyID)
	if err != nil {
		return err
	}
	users, err := s.boundaryHolders(ctx, accountID, EntityUser, old.ARN, true)
	if err != nil {
		return err
	}
	roles, err := s.boundaryHolders(ctx, accountID, EntityRole, old.ARN, true)
	if err != nil {
		return err
	}
	if err := s.LockEntity(ctx, accountID, EntityPolicy, policyID); err != nil {
		return err
	}
	// Nobody can give the policy as a boundary now without its lock; check
	// that nobody did before it was taken.
	now, err := s.PolicyByID(ctx, accountID, policyID)
	if err != nil {
		return err
	}
	if now.ARN != old.ARN {
		return errMoved
	}
	for _, held := range []struct {
		t      EntityType
		locked []string
	}{{EntityUser, users}, {EntityRole, roles}} {
		ids, err := s.boundaryHolders(ctx, accountID, held.t, old.ARN, false)
		if err != nil {
			return err
		}
		if !subset(ids, held.locked) {
			return errMoved
		}
	}
	res := s.q(ctx).Model(&ManagedPolicy{}).Where("account_id = ? AND policy_id = ?", accountID, policyID).
		Updates(map[string]any{"name": name, "name_key": strings.ToLower(name), "path": path, "arn": arn})
	if err := changedOne(res, what); err != nil || old.ARN == arn {
		return err
	}
	for _, model := range []any{&PolicyAttachment{}, &User{}, &Role{}} {
		col := "permissions_boundary_arn"
		if _, ok := model.(*PolicyAttachment); ok {
			col = "policy_arn"
		}
		err := s.q(ctx).Model(model).Where("account_id = ? AND "+col+" = ?", accountID, old.ARN).
			Update(col, arn).Error
		if err != nil {
			return translate(err, what)
		}
	}
	return nil
}

func subset(ids, of []string) bool {
	in := make(map[string]bool, len(of))
	for _, id := range of {
		in[id] = true
	}
	for _, id := range ids {
		if !in[id] {
			return false
		}
	}
	return true
}

// DeletePolicy deletes a customer managed policy with its versions (they
// are its parts), in one transaction. Attachments, boundaries and tags are
// the caller's to check and remove first. Returns ErrNotFound if the policy
// is gone.
func (s *Store) DeletePolicy(ctx context.Context, accountID, policyID string) error {
	what := "delete policy " + policyID
	return s.Tx(ctx, func(tx *Store) error {
		err := tx.q(ctx).Where("account_id = ? AND policy_id = ?", accountID, policyID).Delete(&PolicyVersion{}).Error
		if err != nil {
			return translate(err, what)
		}
		res := tx.q(ctx).Where("account_id = ? AND policy_id = ?", accountID, policyID).Delete(&ManagedPolicy{})
		return changedOne(res, what)
	})
}

// CreatePolicyVersion adds a version to a policy under the next unused
// number ("v2", "v3", … never one seen before, even after deletes), and
// makes it the default if asDefault, in one transaction. at is its
// CreatedAt (and the policy's UpdatedAt when it becomes the default).
// Counting versions against AWS's quota of 5 is the caller's.
func (s *Store) CreatePolicyVersion(ctx context.Context, accountID, policyID, document string, asDefault bool, at time.Time) (*PolicyVersion, error) {
	what := "create version of policy " + policyID
	var v *PolicyVersion
	err := s.Tx(ctx, func(tx *Store) error {
		// The increment comes first: it locks the policy row, so two
		// concurrent versions cannot read the same number.
		res := tx.q(ctx).Model(&ManagedPolicy{}).Where("account_id = ? AND policy_id = ?", accountID, policyID).
			UpdateColumn("next_version", gorm.Expr("next_version + 1"))
		if err := changedOne(res, what); err != nil {
			return err
		}
		p, err := tx.PolicyByID(ctx, accountID, policyID)
		if err != nil {
			return err
		}
		n := p.NextVersion - 1
		v = &PolicyVersion{AccountID: accountID, PolicyID: policyID, VersionID: "v" + strconv.Itoa(n), Number: n,
			Document: document, CreatedAt: at}
		if err := tx.q(ctx).Create(v).Error; err != nil {
			return translate(err, what)
		}
		if !asDefault {
			return nil
		}
		v.IsDefault = true
		return tx.SetDefaultPolicyVersion(ctx, accountID, policyID, v.VersionID, at)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// PolicyVersion returns one version of a policy.
func (s *Store) PolicyVersion(ctx context.Context, accountID, policyID, versionID string) (*PolicyVersion, error) {
	var v PolicyVersion
	err := s.q(ctx).Where("account_id = ? AND policy_id = ? AND version_id = ?", accountID, policyID, versionID).Take(&v).Error
	if err != nil {
		return nil, translate(err, "version "+versionID+" of policy "+policyID)
	}
	return &v, nil
}

// ListPolicyVersions returns a policy's versions, newest first.
func (s *Store) ListPolicyVersions(ctx context.Context, accountID, policyID string) ([]PolicyVersion, error) {
	var vs []PolicyVersion
	err := s.q(ctx).Where("account_id = ? AND policy_id = ?", accountID, policyID).Order("number DESC").Find(&vs).Error
	return vs, translate(err, "list versions of policy "+policyID)
}

// CountPolicyVersions counts a policy's versions.
func (s *Store) CountPolicyVersions(ctx context.Context, accountID, policyID string) (int64, error) {
	return s.count(ctx, &PolicyVersion{}, "count versions of policy "+policyID,
		"account_id = ? AND policy_id = ?", accountID, policyID)
}

// SetDefaultPolicyVersion makes versionID the policy's default version and
// at its UpdatedAt, in one transaction. Returns ErrNotFound if the version
// (or the policy) does not exist.
func (s *Store) SetDefaultPolicyVersion(ctx context.Context, accountID, policyID, versionID string, at time.Time) error {
	what := "set default version " + versionID + " of policy " + policyID
	return s.Tx(ctx, func(tx *Store) error {
		res := tx.q(ctx).Model(&PolicyVersion{}).Where("account_id = ? AND policy_id = ? AND version_id = ?", accountID, policyID, versionID).
			Update("is_default", true)
		if err := changedOne(res, what); err != nil {
			return err
		}
		err := tx.q(ctx).Model(&PolicyVersion{}).Where("account_id = ? AND policy_id = ? AND version_id <> ?", accountID, policyID, versionID).
			Update("is_default", false).Error
		if err != nil {
			return translate(err, what)
		}
		res = tx.q(ctx).Model(&ManagedPolicy{}).Where("account_id = ? AND policy_id = ?", accountID, policyID).
			UpdateColumns(map[string]any{"default_version_id": versionID, "updated_at": at})
		return changedOne(res, what)
	})
}

// DeletePolicyVersion deletes one version. Refusing to delete the default
// version is the caller's. Returns ErrNotFound if it does not exist.
func (s *Store) DeletePolicyVersion(ctx context.Context, accountID, policyID, versionID string) error {
	res := s.q(ctx).Where("account_id = ? AND policy_id = ? AND version_id = ?", accountID, policyID, versionID).
		Delete(&PolicyVersion{})
	return changedOne(res, "delete version "+versionID+" of policy "+policyID)
}

// CountPermissionsBoundaryUses counts the users and roles whose permissions
// boundary is the policy with the given ARN.
func (s *Store) CountPermissionsBoundaryUses(ctx context.Context, accountID, policyARN string) (int64, error) {
	var total int64
	for _, model := range []any{&User{}, &Role{}} {
		n, err := s.count(ctx, model, "count permissions boundary uses of "+policyARN,
			"account_id = ? AND permissions_boundary_arn = ?", accountID, policyARN)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// AttachPolicy attaches the managed policy policyARN (customer or built-in)
// to an entity. Returns ErrConflict if it is already attached. Whether the
// policy and the entity exist is the caller's to check.
func (s *Store) AttachPolicy(ctx context.Context, accountID string, entityType EntityType, entityID, policyARN string, at time.Time) error {
	a := &PolicyAttachment{AccountID: accountID, EntityType: entityType, EntityID: entityID, PolicyARN: policyARN, CreatedAt: at}
	return translate(s.q(ctx).Create(a).Error, "attach "+policyARN+" to "+string(entityType)+" "+entityID)
}

// DetachPolicy detaches a managed policy from an entity. Returns
// ErrNotFound if it was not attached.
func (s *Store) DetachPolicy(ctx context.Context, accountID string, entityType EntityType, entityID, policyARN string) error {
	res := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ? AND policy_arn = ?",
		accountID, string(entityType), entityID, policyARN).Delete(&PolicyAttachment{})
	return changedOne(res, "detach "+policyARN+" from "+string(entityType)+" "+entityID)
}

// ListAttachedPolicies returns an entity's attachments, by policy ARN.
func (s *Store) ListAttachedPolicies(ctx context.Context, accountID string, entityType EntityType, entityID string) ([]PolicyAttachment, error) {
	var as []PolicyAttachment
	err := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID).
		Order("policy_arn").Find(&as).Error
	return as, translate(err, "list policies attached to "+string(entityType)+" "+entityID)
}

// ListEntitiesForPolicy returns the attachments of a policy, of one entity
// type or of all when entityType is "", by type then entity ID.
func (s *Store) ListEntitiesForPolicy(ctx context.Context, accountID, policyARN string, entityType EntityType) ([]PolicyAttachment, error) {
	q := s.q(ctx).Where("account_id = ? AND policy_arn = ?", accountID, policyARN)
	if entityType != "" {
		q = q.Where("entity_type = ?", string(entityType))
	}
	var as []PolicyAttachment
	err := q.Order("entity_type, entity_id").Find(&as).Error
	return as, translate(err, "list entities for policy "+policyARN)
}

// CountAttachedPolicies counts the managed policies attached to an entity.
func (s *Store) CountAttachedPolicies(ctx context.Context, accountID string, entityType EntityType, entityID string) (int64, error) {
	return s.count(ctx, &PolicyAttachment{}, "count policies attached to "+string(entityType)+" "+entityID,
		"account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID)
}

// CountPolicyAttachments counts the entities a policy is attached to (AWS's
// AttachmentCount; a policy is not deleted while it is attached).
func (s *Store) CountPolicyAttachments(ctx context.Context, accountID, policyARN string) (int64, error) {
	return s.count(ctx, &PolicyAttachment{}, "count attachments of "+policyARN,
		"account_id = ? AND policy_arn = ?", accountID, policyARN)
}

// PutInlinePolicy creates or replaces an entity's inline policy of that
// name (matched whatever its case; the name takes the case given). It sets
// p.AccountID, p.NameKey and p.Size. Size quotas are the caller's (see
// InlinePolicySize).
func (s *Store) PutInlinePolicy(ctx context.Context, accountID string, p *InlinePolicy) error {
	p.AccountID = accountID
	p.NameKey = strings.ToLower(p.Name)
	p.Size = DocumentSize(p.Document)
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	err := s.q(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "entity_type"}, {Name: "entity_id"}, {Name: "name_key"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "document", "size", "updated_at"}),
	}).Create(p).Error
	return translate(err, "put inline policy "+p.Name+" of "+string(p.EntityType)+" "+p.EntityID)
}

// DocumentSize is a policy document's size as AWS's quotas count it: its
// characters other than white space.
func DocumentSize(document string) int {
	n := 0
	for _, r := range document {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// InlinePolicy returns an entity's inline policy by name, whatever its
// case.
func (s *Store) InlinePolicy(ctx context.Context, accountID string, entityType EntityType, entityID, name string) (*InlinePolicy, error) {
	var p InlinePolicy
	err := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ? AND name_key = ?",
		accountID, string(entityType), entityID, strings.ToLower(name)).Take(&p).Error
	if err != nil {
		return nil, translate(err, "inline policy "+name+" of "+string(entityType)+" "+entityID)
	}
	return &p, nil
}

// ListInlinePolicies returns an entity's inline policies with their
// documents, by name.
func (s *Store) ListInlinePolicies(ctx context.Context, accountID string, entityType EntityType, entityID string) ([]InlinePolicy, error) {
	var ps []InlinePolicy
	err := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID).
		Order("name_key").Find(&ps).Error
	return ps, translate(err, "list inline policies of "+string(entityType)+" "+entityID)
}

// InlinePolicyNames returns the names of an entity's inline policies, in
// order.
func (s *Store) InlinePolicyNames(ctx context.Context, accountID string, entityType EntityType, entityID string) ([]string, error) {
	var names []string
	err := s.q(ctx).Model(&InlinePolicy{}).
		Where("account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID).
		Order("name_key").Pluck("name", &names).Error
	return names, translate(err, "list inline policy names of "+string(entityType)+" "+entityID)
}

// CountInlinePolicies counts an entity's inline policies.
func (s *Store) CountInlinePolicies(ctx context.Context, accountID string, entityType EntityType, entityID string) (int64, error) {
	return s.count(ctx, &InlinePolicy{}, "count inline policies of "+string(entityType)+" "+entityID,
		"account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID)
}

// InlinePolicySize totals the Size of an entity's inline policies, for
// AWS's aggregate quota (2,048 for a user, 5,120 a group, 10,240 a role).
func (s *Store) InlinePolicySize(ctx context.Context, accountID string, entityType EntityType, entityID string) (int64, error) {
	var total int64
	err := s.q(ctx).Model(&InlinePolicy{}).Select("COALESCE(SUM(size), 0)").
		Where("account_id = ? AND entity_type = ? AND entity_id = ?", accountID, string(entityType), entityID).
		Scan(&total).Error
	return total, translate(err, "size of inline policies of "+string(entityType)+" "+entityID)
}

// DeleteInlinePolicy deletes an entity's inline policy by name, whatever
// its case. Returns ErrNotFound if there is none.
func (s *Store) DeleteInlinePolicy(ctx context.Context, accountID string, entityType EntityType, entityID, name string) error {
	res := s.q(ctx).Where("account_id = ? AND entity_type = ? AND entity_id = ? AND name_key = ?",
		accountID, string(entityType), entityID, strings.ToLower(name)).Delete(&InlinePolicy{})
	return changedOne(res, "delete inline policy "+name+" of "+string(entityType)+" "+entityID)
}

// DefaultDocument is a customer managed policy's default version.
type DefaultDocument struct {
	ARN, Name, VersionID, Document string
}

// DefaultDocuments returns the default versions of the account's managed
// policies among arns, keyed by ARN, in one query; ARNs of policies that do
// not exist are absent. Authorizing a caller reads all its policies this way.
func (s *Store) DefaultDocuments(ctx context.Context, accountID string, arns []string) (map[string]DefaultDocument, error) {
	if len(arns) == 0 {
		return nil, nil
	}
	var rows []DefaultDocument
	err := s.q(ctx).Table("managed_policies AS mp").
		Select("mp.arn AS arn, mp.name AS name, pv.version_id AS version_id, pv.document AS document").
		Joins("JOIN policy_versions AS pv ON pv.policy_id = mp.policy_id AND pv.version_id = mp.default_version_id").
		Where("mp.account_id = ? AND mp.arn IN ?", accountID, arns).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "default versions of policies")
	}
	out := make(map[string]DefaultDocument, len(rows))
	for _, r := range rows {
		out[r.ARN] = r
	}
	return out, nil
}

// PolicyUseCounts returns, for every policy whose ARN starts with arnPrefix
// and that is in use, how many entities it is attached to and how many users
// and roles have it as permissions boundary: one grouped query each, so a
// list of 1,600 AWS managed policies does not cost 3,200 counts.
func (s *Store) PolicyUseCounts(ctx context.Context, accountID, arnPrefix string) (attached, boundaries map[string]int64, err error) {
	like := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(arnPrefix) + "%"
	type row struct {
		ARN string
		N   int64
	}
	var rows []row
	err = s.q(ctx).Model(&PolicyAttachment{}).Select("policy_arn AS arn, COUNT(*) AS n").
		Where(`account_id = ? AND policy_arn LIKE ? ESCAPE '\'`, accountID, like).Group("policy_arn").Scan(&rows).Error
	if err != nil {
		return nil, nil, translate(err, "count attachments under "+arnPrefix)
	}
	attached = make(map[string]int64, len(rows))
	for _, r := range rows {
		attached[r.ARN] = r.N
	}
	boundaries = make(map[string]int64)
	for _, model := range []any{&User{}, &Role{}} {
		rows = rows[:0]
		err = s.q(ctx).Model(model).Select("permissions_boundary_arn AS arn, COUNT(*) AS n").
			Where(`account_id = ? AND permissions_boundary_arn LIKE ? ESCAPE '\'`, accountID, like).
			Group("permissions_boundary_arn").Scan(&rows).Error
		if err != nil {
			return nil, nil, translate(err, "count permissions boundaries under "+arnPrefix)
		}
		for _, r := range rows {
			boundaries[r.ARN] += r.N
		}
	}
	return attached, boundaries, nil
}
