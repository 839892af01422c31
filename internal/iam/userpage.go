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

// GetUserPage gathers the user page (GetUser, GetLoginProfile, and with
// permissions ListAttachedUserPolicies, ListUserPolicies, GetUserPolicy
// and UserGroupPolicies) reading the user once: the page ran each of these
// operations and each read the user again, twenty-two statements for a
// view that needs eleven. Every part is authorized as its own operation
// is, against the same user row.
func (s *Service) GetUserPage(ctx context.Context, caller *Principal, name string, permissions bool, m Meta) (*UserPage, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, name, m, "iam:GetUser")
	if err != nil {
		return nil, err
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntityUser, u.UserID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	page := &UserPage{User: userOut(acct, u)}
	for _, t := range tags {
		page.User.Tags = append(page.User.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	if page.LoginProfileErr = s.authorizeMeta(ctx, caller, m, "iam:GetLoginProfile", arn); page.LoginProfileErr == nil {
		lp, err := s.store.LoginProfile(ctx, acct, u.UserID)
		switch {
		case errors.Is(err, models.ErrNotFound):
		case err != nil:
			return nil, internal(err, "login profile")
		default:
			page.LoginProfile = &LoginProfile{UserName: u.Name, CreateDate: lp.CreatedAt.UTC(), PasswordResetRequired: lp.PasswordResetRequired}
		}
	} else if KindOf(page.LoginProfileErr) != AccessDenied {
		return nil, page.LoginProfileErr
	}
	if permissions {
		if page.Permissions, err = s.userPermissions(ctx, caller, acct, u, arn, m); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// userPermissions reads the permissions tab of user u (at arn).
func (s *Service) userPermissions(ctx context.Context, caller *Principal, acct string, u *models.User, arn string, m Meta) (*UserPermissions, error) {
	out := &UserPermissions{}
	for _, action := range []string{"iam:ListAttachedUserPolicies", "iam:ListUserPolicies"} {
		if err := s.authorizeMeta(ctx, caller, m, action, arn); err != nil {
			if KindOf(err) != AccessDenied {
				return nil, err
			}
			out.Denied = action
			return out, nil
		}
	}
	atts, err := s.store.ListAttachedPolicies(ctx, acct, models.EntityUser, u.UserID)
	if err != nil {
		return nil, internal(err, "attached policies")
	}
	for _, a := range atts {
		if _, _, name, ok := parsePolicyARN(a.PolicyARN); ok {
			out.Attached = append(out.Attached, AttachedPolicy{PolicyName: name, PolicyArn: a.PolicyARN})
		}
	}
	sort.Slice(out.Attached, func(i, j int) bool { return out.Attached[i].PolicyArn < out.Attached[j].PolicyArn })
	// The names and the documents in one read: a page asked for each
	// document by name, one statement per inline policy.
	inline, err := s.store.ListInlinePolicies(ctx, acct, models.EntityUser, u.UserID)
	if err != nil {
		return nil, internal(err, "inline policies")
	}
	if len(inline) > 0 {
		if err := s.authorizeMeta(ctx, caller, m, "iam:GetUserPolicy", arn); err != nil {
			if KindOf(err) != AccessDenied {
				return nil, err
			}
			out.DocumentsDenied = true
		}
	}
	for _, p := range inline {
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
		if out.Groups, err = s.userGroupPolicies(ctx, caller, acct, u, m); err != nil {
			return nil, err
		}
	case KindOf(err) != AccessDenied:
		return nil, err
	}
	return out, nil
}
