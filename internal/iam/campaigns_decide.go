package iam

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/iamconsole/console/internal/models"
)

// DecideInput is one reviewer decision: on the whole principal (Permission
// ""; Decision keep or revoke) or on one of its permissions ("policy:ARN",
// "inline:NAME", "group:NAME"; Decision revoke).
type DecideInput struct {
	CampaignID   string
	PrincipalARN string
	Permission   string
	Decision     string
}

// denyAllPolicy is the inline policy that revoking a role attaches: an
// explicit deny of everything, which no Allow overrides, kept in the
// role's own policies so that deleting it (named by the campaign) undoes
// the revocation exactly. The trust policy is left as it was: rewriting it
// could not be undone as simply, and a role whose sessions are denied
// everything can do nothing with them.
const denyAllPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"AccessReviewRevoked","Effect":"Deny","Action":"*","Resource":"*"}]}`

// RevokedRolePolicyName is the inline policy a campaign's role revocation
// attaches.
func RevokedRolePolicyName(campaignID string) string {
	return "AccessReviewRevoked-" + strings.ReplaceAll(campaignID, "-", "")[:12]
}

// Decide records a reviewer's decision and applies a revocation through
// the account's own operations, with the caller's authorization: a
// reviewer who may not detach a policy gets DetachPolicy's AccessDenied
// and nothing is recorded. The caller must be allowed
// DecideAccessReviewAction and be one of the campaign's reviewers, unless
// it holds ManageAccessReviewsAction (root and administrators).
//
// Each operation is its own transaction (as it is from any page); the
// decision is recorded, with the audit event IDs of what it changed, in
// one more. Revoking a user deactivates its access keys and deletes its
// console password; revoking a role attaches RevokedRolePolicyName, an
// inline deny-all. If one of several operations fails, those before it
// stay applied (each audited) and the decision is not recorded.
func (s *Service) Decide(ctx context.Context, caller *Principal, in DecideInput, m Meta) (*Campaign, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeCampaign(ctx, caller, m, DecideAccessReviewAction, in.CampaignID); err != nil {
		return nil, err
	}
	c, err := s.loadCampaign(ctx, s.store, acct, in.CampaignID)
	if err != nil {
		return nil, err
	}
	if err := s.mustReview(ctx, caller, m, c, DecideAccessReviewAction); err != nil {
		return nil, err
	}
	if c.State != CampaignOpen {
		return nil, newErr(Conflict, "The access review %s is closed: decisions are no longer taken.", c.ID)
	}
	idx := slices.IndexFunc(c.Items, func(it CampaignItem) bool { return it.Snapshot.ARN == in.PrincipalARN })
	if idx < 0 {
		return nil, invalidField("PrincipalArn", "The access review %s does not cover %s.", c.ID, in.PrincipalARN)
	}
	item := &c.Items[idx]
	var perm *ReviewPermission
	switch {
	case in.Permission == "" && (in.Decision == DecisionKeep || in.Decision == DecisionRevoke):
	case in.Permission != "" && in.Decision == DecisionRevoke:
		for i, p := range item.Snapshot.Permissions {
			if p.Key() == in.Permission {
				perm = &item.Snapshot.Permissions[i]
			}
		}
		if perm == nil {
			return nil, invalidField("Permission", "%s had no permission %s when the review started.", item.Snapshot.Name, in.Permission)
		}
	default:
		return nil, invalidField("Decision", "Decide keep or revoke for a principal, or revoke for one of its permissions.")
	}

	// The operations' audit events are found by the request ID they are
	// recorded under: one of the decision's own.
	om := m
	om.RequestID = "access-review-" + uuid.NewString()
	since := s.now()
	var applied []Revocation
	run := func(op, target string, err error) error {
		if KindOf(err) == NotFound {
			// Deleted since the snapshot: the access is gone already.
			applied = append(applied, Revocation{Operation: op, Target: target, Gone: errMessage(err)})
			return nil
		}
		if err != nil {
			return err
		}
		applied = append(applied, Revocation{Operation: op, Target: target})
		return nil
	}
	snap := item.Snapshot
	switch {
	case perm != nil:
		err = s.revokePermission(ctx, caller, snap, *perm, om, run)
	case in.Decision == DecisionRevoke:
		err = s.revokePrincipal(ctx, caller, acct, c.ID, snap, om, run)
	}
	if err != nil {
		return nil, err
	}
	if len(applied) > 0 {
		evs, err := s.store.AuditEventsOfRequest(ctx, acct, om.RequestID, since)
		if err != nil {
			return nil, internal(err, "revocations' audit events")
		}
		// Each operation that changed something appended its event, named as the operation, in
		// order; matched by name, so an operation that records more than
		// one event cannot shift the others.
		next := 0
		for i := range applied {
			if applied[i].Gone != "" {
				continue
			}
			for j := next; j < len(evs); j++ {
				if evs[j].EventName == applied[i].Operation {
					applied[i].AuditEventID, next = evs[j].EventID, j+1
					break
				}
			}
		}
	}
	revs, err := json.Marshal(applied)
	if err != nil {
		return nil, internal(err, "revocations")
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		// Closed while the operations ran: the report is final. What
		// they changed stays, audited as themselves.
		if now, err := tx.Campaign(ctx, acct, c.ID); err != nil {
			return err
		} else if now.State != CampaignOpen {
			return newErr(Conflict, "The access review %s was closed before the decision was recorded; the changes made are in the audit log.", c.ID)
		}
		// The audit event first: the decision names it.
		evID := uuid.NewString()
		d := models.CampaignDecision{CampaignID: c.ID, ItemID: item.ID, PrincipalARN: snap.ARN, Permission: in.Permission,
			Decision: in.Decision, Reviewer: callerARN(caller), DecidedAt: s.now(), Revocations: string(revs), AuditEventID: evID}
		if err := tx.AddCampaignDecisions(ctx, acct, []models.CampaignDecision{d}); err != nil {
			return err
		}
		ids := make([]string, len(applied))
		for i, r := range applied {
			ids[i] = r.AuditEventID
		}
		return s.auditWithID(ctx, tx, m, acct, callerARN(caller), evID, event{name: "DecideAccessReview", resource: campaignResource(acct, c.ID),
			params: map[string]any{"campaignId": c.ID, "principalArn": snap.ARN, "permission": in.Permission, "decision": in.Decision,
				"revocationEventIds": ids}})
	})
	if KindOf(err) == Conflict {
		return nil, err
	}
	if err != nil {
		return nil, asInternal(err, "record decision")
	}
	return s.loadCampaign(ctx, s.store, acct, c.ID)
}

// auditWithID is audit of a success with a chosen event ID, for records
// that name their event.
func (s *Service) auditWithID(ctx context.Context, st *models.Store, m Meta, acct, principalARN, eventID string, ev event) error {
	ev.id = eventID
	return s.audit(ctx, st, m, acct, principalARN, ev, nil)
}

// mustReview refuses a caller that is not one of the campaign's reviewers
// and may not manage every campaign; the refusal is audited.
func (s *Service) mustReview(ctx context.Context, caller *Principal, m Meta, c *Campaign, action string) error {
	if caller == nil || caller.IsRoot() {
		return nil
	}
	if caller.Type == TypeUser && caller.Session == nil && slices.Contains(c.Reviewers, caller.Name) {
		return nil
	}
	ok, err := s.allowedWith(ctx, caller, m, ManageAccessReviewsAction, map[string][]string{AccessReviewIDKey: {c.ID}})
	if err != nil || ok {
		return err
	}
	denied := accessDenied(caller, action, "*")
	denied.Message = "User: " + caller.ARN + " is not a reviewer of access review " + c.ID + "."
	if aerr := s.audit(ctx, s.store, m, caller.AccountID, caller.ARN, event{name: strings.TrimPrefix(action, "console:"),
		resource: campaignResource(caller.AccountID, c.ID)}, denied); aerr != nil {
		return aerr
	}
	return denied
}

// revokePermission applies a permission's revocation.
func (s *Service) revokePermission(ctx context.Context, caller *Principal, snap PrincipalSnapshot, p ReviewPermission, m Meta,
	run func(op, target string, err error) error) error {
	ent := UserNamed(snap.Name)
	if snap.Kind == string(RoleType) {
		ent = RoleNamed(snap.Name)
	}
	switch p.Kind {
	case PermissionPolicy:
		return run("Detach"+entityOpWord(ent)+"Policy", p.ARN, s.DetachPolicy(ctx, caller, ent, p.ARN, m))
	case PermissionInline:
		return run("Delete"+entityOpWord(ent)+"Policy", p.Name, s.DeleteInlinePolicy(ctx, caller, ent, p.Name, m))
	case PermissionGroup:
		return run("RemoveUserFromGroup", p.Name, s.RemoveUserFromGroup(ctx, caller, p.Name, snap.Name, m))
	}
	return invalidField("Permission", "%s is not a permission a review revokes.", p.Key())
}

func entityOpWord(e Entity) string {
	if e.Type == RoleType {
		return "Role"
	}
	return "User"
}

// revokePrincipal takes a principal's access away, reversibly: a user's
// active access keys are deactivated and its console password deleted; a
// role gets the campaign's deny-all inline policy.
func (s *Service) revokePrincipal(ctx context.Context, caller *Principal, acct, campaignID string, snap PrincipalSnapshot, m Meta,
	run func(op, target string, err error) error) error {
	if snap.Kind == string(RoleType) {
		name := RevokedRolePolicyName(campaignID)
		_, err := s.PutInlinePolicy(ctx, caller, RoleNamed(snap.Name), name, denyAllPolicy, m)
		return run("PutRolePolicy", name, err)
	}
	keys, err := s.ListAccessKeys(ctx, caller, snap.Name, m)
	if KindOf(err) == NotFound {
		return run("DeleteUser", snap.Name, err) // the user itself is gone
	}
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Status != models.AccessKeyActive {
			continue
		}
		err := s.UpdateAccessKey(ctx, caller, UpdateAccessKeyInput{UserName: snap.Name, AccessKeyId: k.AccessKeyId, Status: models.AccessKeyInactive}, m)
		if err := run("UpdateAccessKey", k.AccessKeyId, err); err != nil {
			return err
		}
	}
	err = s.DeleteLoginProfile(ctx, caller, snap.Name, m)
	if KindOf(err) == NotFound {
		return nil // no console password to delete
	}
	return run("DeleteLoginProfile", snap.Name, err)
}

// CloseCampaign closes an open campaign. With undecided principals it is
// refused unless force is set; then each is recorded as "undecided" by the
// caller. The decisions, the state and the audit event are one
// transaction.
func (s *Service) CloseCampaign(ctx context.Context, caller *Principal, id string, force bool, m Meta) (*Campaign, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeCampaign(ctx, caller, m, CloseAccessReviewAction, id); err != nil {
		return nil, err
	}
	c, err := s.loadCampaign(ctx, s.store, acct, id)
	if err != nil {
		return nil, err
	}
	if err := s.mustReview(ctx, caller, m, c, CloseAccessReviewAction); err != nil {
		return nil, err
	}
	if c.State != CampaignOpen {
		return nil, newErr(Conflict, "The access review %s is already closed.", c.ID)
	}
	if c.Undecided > 0 && !force {
		e := newErr(Conflict, "%d principals of access review %s are undecided: decide them, or close it marking them undecided.", c.Undecided, c.ID)
		return nil, e
	}
	now := s.now()
	var marks []models.CampaignDecision
	var marked []string
	for _, it := range c.Items {
		if !it.Decided() {
			marks = append(marks, models.CampaignDecision{CampaignID: c.ID, ItemID: it.ID, PrincipalARN: it.Snapshot.ARN,
				Decision: DecisionUndecided, Reviewer: callerARN(caller), DecidedAt: now, Revocations: "[]"})
			marked = append(marked, it.Snapshot.ARN)
		}
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		evID := uuid.NewString()
		for i := range marks {
			marks[i].AuditEventID = evID
		}
		if err := tx.AddCampaignDecisions(ctx, acct, marks); err != nil {
			return err
		}
		if err := tx.CloseCampaign(ctx, acct, c.ID, callerARN(caller), now); err != nil {
			return err
		}
		return s.auditWithID(ctx, tx, m, acct, callerARN(caller), evID, event{name: "CloseAccessReview", resource: campaignResource(acct, c.ID),
			params: map[string]any{"campaignId": c.ID, "markedUndecided": marked}})
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(Conflict, "The access review %s is already closed.", c.ID)
	}
	if err != nil {
		return nil, asInternal(err, "close campaign")
	}
	return s.loadCampaign(ctx, s.store, acct, c.ID)
}

// CampaignRights says whether caller may decide in and close an open
// campaign, for the page's buttons: the action allowed and a reviewer (or
// ManageAccessReviewsAction). Nothing is audited.
func (s *Service) CampaignRights(ctx context.Context, caller *Principal, m Meta, c *Campaign) (decide, close bool) {
	if c.State != CampaignOpen {
		return false, false
	}
	keys := map[string][]string{AccessReviewIDKey: {c.ID}}
	reviewer := caller == nil || caller.IsRoot() || caller.Type == TypeUser && caller.Session == nil && slices.Contains(c.Reviewers, caller.Name)
	if !reviewer {
		ok, err := s.allowedWith(ctx, caller, m, ManageAccessReviewsAction, keys)
		if err != nil || !ok {
			return false, false
		}
	}
	decide, _ = s.allowedWith(ctx, caller, m, DecideAccessReviewAction, keys)
	close, _ = s.allowedWith(ctx, caller, m, CloseAccessReviewAction, keys)
	return decide, close
}

// errMessage is an operation error's message, for the record.
func errMessage(err error) string {
	var e *Error
	if asError(err, &e) {
		return e.Message
	}
	return err.Error()
}
