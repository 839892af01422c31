package iam

import (
	"context"
	"time"

	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// UserSummary is a user as AWS's console lists users: its groups, MFA,
// console password and access keys beside it, and its last activity.
type UserSummary struct {
	User
	// Groups are the names of its groups; nil with GroupsHidden when the
	// caller may not list them (iam:ListGroupsForUser).
	Groups       []string
	GroupsHidden bool
	// MFA is whether it has an MFA device; MFAHidden when the caller may
	// not list them (iam:ListMFADevices).
	MFA, MFAHidden bool
	// Console is whether it has a console password, changed at
	// PasswordChanged; ConsoleHidden when iam:GetLoginProfile is refused.
	Console, ConsoleHidden bool
	PasswordChanged        time.Time
	// Keys are its access keys, oldest first; KeysHidden when
	// iam:ListAccessKeys is refused.
	Keys       []KeySummary
	KeysHidden bool
	// LastActivity is its latest console sign-in or access key use, nil
	// when it has none (or none the caller may see).
	LastActivity *time.Time
}

// KeySummary is an access key without its secret.
type KeySummary struct {
	AccessKeyId string
	Status      string
	CreateDate  time.Time
	LastUsed    *time.Time
}

// ListUserSummaries is ListUsers with the columns of AWS's users list,
// read in bulk for the page (four queries, not four per user). Each column
// is shown only where the caller may read it for that user, as the API
// calls behind it would allow.
func (s *Service) ListUserSummaries(ctx context.Context, caller *Principal, in ListInput, m Meta) ([]UserSummary, string, error) {
	users, next, err := s.ListUsers(ctx, caller, in, m)
	if err != nil || len(users) == 0 {
		return nil, next, err
	}
	acct := caller.AccountID
	b, err := s.credentialsOf(ctx, acct, users)
	if err != nil {
		return nil, "", err
	}
	allowed, err := s.decider(ctx, caller, m)
	if err != nil {
		return nil, "", err
	}
	out := make([]UserSummary, len(users))
	for i, u := range users {
		sum := UserSummary{User: u, LastActivity: u.PasswordLastUsed}
		may := func(action string) bool { return allowed(action, u.Arn) }
		ok := may("iam:ListGroupsForUser")
		sum.GroupsHidden = !ok
		if ok {
			sum.Groups = b.groups[u.UserId]
		}
		ok = may("iam:ListMFADevices")
		sum.MFAHidden, sum.MFA = !ok, ok && b.mfa[u.Arn]
		ok = may("iam:GetLoginProfile")
		lp, has := b.profiles[u.UserId]
		sum.ConsoleHidden, sum.Console = !ok, ok && has
		if sum.Console {
			sum.PasswordChanged = lp.PasswordChangedAt.UTC()
		}
		ok = may("iam:ListAccessKeys")
		sum.KeysHidden = !ok
		if ok {
			for _, k := range b.keys[u.UserId] {
				sum.Keys = append(sum.Keys, KeySummary{AccessKeyId: k.AccessKeyID, Status: k.Status, CreateDate: k.CreatedAt.UTC(), LastUsed: k.LastUsedAt})
				sum.LastActivity = latest(sum.LastActivity, k.LastUsedAt)
			}
		}
		out[i] = sum
	}
	return out, next, nil
}

// decider is Allowed for many checks of one caller in one request: the
// caller's policies are read once, not once per check (a page of 100 users
// asks 400 questions).
func (s *Service) decider(ctx context.Context, caller *Principal, m Meta) (func(action, resource string) bool, error) {
	if caller == nil || caller.IsRoot() {
		return func(string, string) bool { return true }, nil
	}
	in, err := s.inputsFor(ctx, caller)
	if err != nil {
		return nil, err
	}
	ep, keys, now := s.enginePrincipal(caller), policy.NewContext(s.contextKeys(caller, m)), s.now()
	return func(action, resource string) bool {
		req := &policy.Request{Principal: ep, Action: action, Resource: resource, Context: keys, Time: now}
		return policy.Decide(in, req) == policy.Allowed
	}, nil
}

// userCredentials are the credentials of a set of users, read in bulk.
type userCredentials struct {
	groups   map[string][]string // user ID -> group names
	mfa      map[string]bool     // user ARN -> has a device
	profiles map[string]models.LoginProfile
	keys     map[string][]models.AccessKey
}

func (s *Service) credentialsOf(ctx context.Context, acct string, users []User) (*userCredentials, error) {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.UserId
	}
	b := &userCredentials{groups: map[string][]string{}, mfa: map[string]bool{}, profiles: map[string]models.LoginProfile{},
		keys: map[string][]models.AccessKey{}}
	members, err := s.store.MembershipsOf(ctx, acct, ids)
	if err != nil {
		return nil, internal(err, "memberships")
	}
	if len(members) > 0 {
		// An account has at most a few hundred groups (AWS's quota is 300):
		// one page names them all.
		groups, _, err := s.store.ListGroups(ctx, acct, models.ListFilter{Limit: models.MaxListLimit})
		if err != nil {
			return nil, internal(err, "groups")
		}
		names := make(map[string]string, len(groups))
		for _, g := range groups {
			names[g.GroupID] = g.Name
		}
		for _, gm := range members {
			b.groups[gm.UserID] = append(b.groups[gm.UserID], names[gm.GroupID])
		}
	}
	devices, err := s.store.AllMFADevices(ctx, acct)
	if err != nil {
		return nil, internal(err, "mfa devices")
	}
	for _, d := range devices {
		b.mfa[d.OwnerARN] = true
	}
	profiles, err := s.store.LoginProfilesOf(ctx, acct, ids)
	if err != nil {
		return nil, internal(err, "login profiles")
	}
	for _, lp := range profiles {
		b.profiles[lp.UserID] = lp
	}
	keys, err := s.store.AccessKeysOf(ctx, acct, ids)
	if err != nil {
		return nil, internal(err, "access keys")
	}
	for _, k := range keys {
		b.keys[k.UserID] = append(b.keys[k.UserID], k)
	}
	return b, nil
}

func latest(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil || a.After(*b):
		return a
	}
	return b
}
