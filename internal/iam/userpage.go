package iam

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/iamconsole/console/internal/models"
)

// UserPage is what the console's user page shows of a user: the user with
// its tags and console password, and (when asked) its permissions tab.
// Each part the caller may not read carries the refusal instead of data.
type UserPage struct {
	User User
	// LoginProfile is nil when the user has no console password or the
	// caller may not read it (LoginProfileErr, iam:GetLoginProfile).
	LoginProfile    *LoginProfile
	LoginProfileErr error
	// Permissions is nil unless asked for.
	Permissions *UserPermissions
}

// UserPermissions is the user page's permissions tab. Its lists are read
// in AWS's order of questions: a refusal (Denied, audited as the API call
// would be) stops the lists after it, as the page then says which right is
// missing instead of showing part of them.
type UserPermissions struct {
	// Denied is the first of iam:ListAttachedUserPolicies and
	// iam:ListUserPolicies the caller may not use; the lists are empty
	// when it is set.
	Denied   string
	Attached []AttachedPolicy
	// Inline is the user's inline policies by name, with their documents
	// unless DocumentsDenied (iam:GetUserPolicy).
	Inline          []InlinePolicy
	DocumentsDenied bool
	// Groups is nil when the caller may not list the user's groups
	// (iam:ListGroupsForUser).
	Groups []GroupPolicies
}

// userPageReads is what the user page reads of a user besides its row: all
// of it changes only with IAM state changes (tags, console password,
// policies, groups), so it is kept under the state stamp. The user row is
// read on every view: its password's last use moves with each sign-in,
// which is no state change.
type userPageReads struct {
	tags        []models.Tag
	profile     *models.LoginProfile // nil: no console password
	attached    []models.PolicyAttachment
	inline      []models.InlinePolicy
	groups      []models.Group
	groupAtts   []models.PolicyAttachment
	groupInline map[string][]string // group ID -> inline policy names
}

// userPagesMax bounds the users whose page reads are kept (inline
// documents are up to 2 KB each): past it the cache starts over.
const userPagesMax = 5_000

// GetUserPage gathers the user page (GetUser, GetLoginProfile, and with
// permissions ListAttachedUserPolicies, ListUserPolicies, GetUserPolicy
// and UserGroupPolicies), each part authorized as its own operation is,
// against one read of the user. The page ran each of these operations, and
// each read the user again: twenty-two statements, where this reads the
// user row and, once per IAM state (userPageReads), the rest.
func (s *Service) GetUserPage(ctx context.Context, caller *Principal, name string, permissions bool, m Meta) (*UserPage, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, name, m, "iam:GetUser")
	if err != nil {
		return nil, err
	}
	r, err := s.userPageReads(ctx, caller, acct, u)
	if err != nil {
		return nil, err
	}
	page := &UserPage{User: userOut(acct, u)}
	for _, t := range r.tags {
		page.User.Tags = append(page.User.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	if page.LoginProfileErr = s.authorizeMeta(ctx, caller, m, "iam:GetLoginProfile", arn); page.LoginProfileErr == nil {
		if lp := r.profile; lp != nil {
			page.LoginProfile = &LoginProfile{UserName: u.Name, CreateDate: lp.CreatedAt.UTC(), PasswordResetRequired: lp.PasswordResetRequired}
		}
	} else if KindOf(page.LoginProfileErr) != AccessDenied {
		return nil, page.LoginProfileErr
	}
	if permissions {
		if page.Permissions, err = s.userPermissions(ctx, caller, acct, u, arn, r, m); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// userPageReads reads (or finds kept under the request's state stamp) the
// user page's data of user u.
func (s *Service) userPageReads(ctx context.Context, caller *Principal, acct string, u *models.User) (*userPageReads, error) {
	stamp, err := s.requestStamp(ctx, caller)
	if err != nil {
		return nil, err
	}
	key := acct + "/" + u.UserID
	if r, ok := s.userPages.get(stamp, key); ok {
		return r, nil
	}
	r := &userPageReads{}
	if r.tags, err = s.store.ListTags(ctx, acct, models.EntityUser, u.UserID); err != nil {
		return nil, internal(err, "tags")
	}
	switch r.profile, err = s.store.LoginProfile(ctx, acct, u.UserID); {
	case errors.Is(err, models.ErrNotFound):
		r.profile = nil
	case err != nil:
		return nil, internal(err, "login profile")
	}
	if r.attached, err = s.store.ListAttachedPolicies(ctx, acct, models.EntityUser, u.UserID); err != nil {
		return nil, internal(err, "attached policies")
	}
	if r.inline, err = s.store.ListInlinePolicies(ctx, acct, models.EntityUser, u.UserID); err != nil {
		return nil, internal(err, "inline policies")
	}
	if r.groups, _, err = s.store.ListGroupsForUser(ctx, acct, u.UserID, models.ListFilter{Limit: models.MaxListLimit}); err != nil {
		return nil, internal(err, "groups for user")
	}
	ids := make([]string, len(r.groups))
	for i := range r.groups {
		ids[i] = r.groups[i].GroupID
	}
	if r.groupAtts, err = s.store.AttachmentsOf(ctx, acct, models.EntityGroup, ids); err != nil {
		return nil, internal(err, "group attached policies")
	}
	if r.groupInline, err = s.store.InlinePolicyNamesOf(ctx, acct, models.EntityGroup, ids); err != nil {
		return nil, internal(err, "group inline policies")
	}
	s.userPages.put(stamp, key, r, userPagesMax)
	return r, nil
}

// userPermissions builds the permissions tab of user u (at arn) from r.
func (s *Service) userPermissions(ctx context.Context, caller *Principal, acct string, u *models.User, arn string, r *userPageReads, m Meta) (*UserPermissions, error) {
	out := &UserPermissions{}
	for _, action := range []string{OpListAttachedPolicies.Action(UserType), OpListInlinePolicies.Action(UserType)} {
		if err := s.authorizeMeta(ctx, caller, m, action, arn); err != nil {
			if KindOf(err) != AccessDenied {
				return nil, err
			}
			out.Denied = action
			return out, nil
		}
	}
	for _, a := range r.attached {
		if _, _, name, ok := parsePolicyARN(a.PolicyARN); ok {
			out.Attached = append(out.Attached, AttachedPolicy{PolicyName: name, PolicyArn: a.PolicyARN})
		}
	}
	sort.Slice(out.Attached, func(i, j int) bool { return out.Attached[i].PolicyArn < out.Attached[j].PolicyArn })
	if len(r.inline) > 0 {
		if err := s.authorizeMeta(ctx, caller, m, OpGetInlinePolicy.Action(UserType), arn); err != nil {
			if KindOf(err) != AccessDenied {
				return nil, err
			}
			out.DocumentsDenied = true
		}
	}
	for _, p := range r.inline {
		ip := InlinePolicy{EntityName: u.Name, PolicyName: p.Name}
		if !out.DocumentsDenied {
			ip.PolicyDocument = p.Document
		}
		out.Inline = append(out.Inline, ip)
	}
	sort.Slice(out.Inline, func(i, j int) bool {
		return strings.ToLower(out.Inline[i].PolicyName) < strings.ToLower(out.Inline[j].PolicyName)
	})
	switch err := s.authorizeMeta(ctx, caller, m, "iam:ListGroupsForUser", arn); {
	case err == nil:
		groups, err := s.groupPolicies(ctx, caller, acct, r.groups, r.groupAtts, r.groupInline, m)
		if err != nil {
			return nil, err
		}
		out.Groups = groups
	case KindOf(err) != AccessDenied:
		return nil, err
	}
	return out, nil
}
