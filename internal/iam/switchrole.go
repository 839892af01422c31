package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamconsole/console/internal/models"
)

// SwitchRole is the console's "switch role": an IAM user's console session
// takes on a role of this account, when the role's trust policy and the
// user's own policies allow sts:AssumeRole (the same decision AssumeRole
// makes). The new session's permissions are the role's; the user's own
// session stays, so the browser can switch back.
func (s *Service) SwitchRole(ctx context.Context, caller *Principal, roleArn string, m Meta) (*SignInResult, error) {
	if err := SwitchRoleRefusal(caller); err != nil {
		return nil, err
	}
	acct, name, ok := parseRoleARN(strings.TrimSpace(roleArn))
	if !ok {
		return nil, invalidField("role", "Enter a role ARN such as arn:aws:iam::%s:role/ReadOnly.", caller.AccountID)
	}
	denied := func() error {
		e := newErr(AccessDenied, "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, roleArn)
		e.Action, e.Resource = "sts:AssumeRole", roleArn
		if aerr := s.audit(ctx, s.store, m, caller.AccountID, caller.ARN, event{name: "SwitchRole", resource: roleArn}, e); aerr != nil {
			return aerr
		}
		return e
	}
	if acct != caller.AccountID {
		return nil, denied()
	}
	role, err := s.store.Role(ctx, acct, name)
	if errors.Is(err, models.ErrNotFound) {
		return nil, denied()
	}
	if err != nil {
		return nil, internal(err, "role")
	}
	arn := roleARN(acct, role.Path, role.Name)
	ok, err = s.mayAssume(ctx, caller, role, arn, caller.MFA, map[string][]string{"sts:RoleSessionName": {caller.Name}}, m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, denied()
	}
	np := &Principal{AccountID: acct, Type: TypeAssumedRole, Name: caller.Name, ID: role.RoleID + ":" + caller.Name,
		ARN: "arn:aws:sts::" + acct + ":assumed-role/" + role.Name + "/" + caller.Name, MFA: caller.MFA,
		Session: &TempCredentials{Kind: "AssumedRole", RoleID: role.RoleID, RoleARN: arn, SessionName: caller.Name}}
	var res *SignInResult
	err = s.store.Tx(ctx, func(tx *models.Store) (err error) {
		if err := tx.RecordRoleUse(ctx, acct, role.RoleID, s.now(), "us-east-1"); err != nil {
			return err
		}
		res, err = s.createSession(ctx, tx, np, m, "SwitchRole")
		return err
	})
	if err != nil {
		return nil, asInternal(err, "switch role")
	}
	return res, nil
}

// SwitchRoleRefusal says why caller may not switch roles at all, whatever
// the role: root cannot (as in AWS), nor a session that is already a
// role's (switch back first). Nil when it may try; pages offer "Switch
// role" only then, and SwitchRole refuses with the same error.
func SwitchRoleRefusal(caller *Principal) error {
	switch {
	case caller == nil || caller.IsRoot():
		return newErr(AccessDenied, "The root user cannot switch roles: sign in as an IAM user.")
	case caller.Type == TypeAssumedRole:
		return newErr(Invalid, "Switch back to your user before switching to another role.")
	}
	return nil
}

// EndRoleSession ends a switched-role console session (switch back).
func (s *Service) EndRoleSession(ctx context.Context, p *Principal, m Meta) error {
	if p.Type != TypeAssumedRole {
		return nil
	}
	return s.SignOut(ctx, p, m)
}

// roleSessionFromID restores a console role session's role from its
// principal ID ("AROA…:session").
func (s *Service) roleSessionFromID(ctx context.Context, p *Principal) error {
	roleID, sessionName, ok := strings.Cut(p.ID, ":")
	if !ok {
		return ErrSessionInvalid
	}
	// The role is kept under the state stamp (a rename or deletion
	// moves it): a role session's every page asked for it.
	st, err := s.requestStamps(ctx, p)
	if err != nil {
		return err
	}
	key := p.AccountID + "/" + roleID
	r, ok := s.sessionRoles.get(st.State, key)
	if !ok {
		r, err = s.store.RoleByID(ctx, p.AccountID, roleID)
		if errors.Is(err, models.ErrNotFound) {
			return ErrSessionInvalid // the role is gone: so is the session
		}
		if err != nil {
			return internal(err, "role")
		}
		s.sessionRoles.put(st.State, key, r, sessionsMax)
	}
	p.Session = &TempCredentials{Kind: "AssumedRole", RoleID: roleID, RoleARN: roleARN(p.AccountID, r.Path, r.Name), SessionName: sessionName}
	return nil
}
