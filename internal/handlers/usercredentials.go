package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/web/templates"
)

// A user's SSH public keys, signing certificates and service-specific
// credentials on the Security credentials tab: listed (each list as its
// own API call would be authorized), and deleted one at a time through one
// confirmation step. They are made through the API.

// credentialKind is one kind of those credentials: how the tab names it,
// and the operations that list it for a user and delete one.
type credentialKind struct {
	noun   string // "SSH public key"
	delete iam.Op
	list   func(s *Server, ctx context.Context, p *iam.Principal, user string, m iam.Meta) ([]templates.CredentialRow, error)
	remove func(s *Server, ctx context.Context, p *iam.Principal, user, id string, m iam.Meta) error
	// consequence says what stops working once it is gone.
	consequence string
}

var credentialKinds = map[string]credentialKind{
	"ssh-key": {noun: "SSH public key", delete: iam.OpDeleteSSHPublicKey,
		consequence: "Git over SSH to AWS CodeCommit with this key fails from now on; the key cannot be restored (upload it again to use it).",
		list: func(s *Server, ctx context.Context, p *iam.Principal, user string, m iam.Meta) ([]templates.CredentialRow, error) {
			var rows []templates.CredentialRow
			for page := (iam.Page{}); ; {
				keys, next, err := s.svc.ListSSHPublicKeys(ctx, p, user, page, m)
				if err != nil {
					return nil, err
				}
				for _, k := range keys {
					// The list leaves the fingerprint out, as AWS's does.
					full, err := s.svc.GetSSHPublicKey(ctx, p, user, k.SSHPublicKeyId, iam.EncodingSSH, m)
					detail := ""
					if err == nil {
						detail = full.Fingerprint
					}
					rows = append(rows, templates.CredentialRow{Kind: "ssh-key", ID: k.SSHPublicKeyId, Detail: detail, Status: k.Status, Created: when(k.UploadDate)})
				}
				if page.Marker = next; next == "" {
					return rows, nil
				}
			}
		},
		remove: func(s *Server, ctx context.Context, p *iam.Principal, user, id string, m iam.Meta) error {
			return s.svc.DeleteSSHPublicKey(ctx, p, user, id, m)
		}},
	"signing-certificate": {noun: "signing certificate", delete: iam.OpDeleteSigningCertificate,
		consequence: "Requests signed with this certificate's key fail from now on; the certificate cannot be restored (upload it again to use it).",
		list: func(s *Server, ctx context.Context, p *iam.Principal, user string, m iam.Meta) ([]templates.CredentialRow, error) {
			certs, _, err := s.svc.ListSigningCertificates(ctx, p, user, iam.Page{MaxItems: iam.MaxSigningCertificatesPerUser}, m)
			if err != nil {
				return nil, err
			}
			rows := make([]templates.CredentialRow, len(certs))
			for i, c := range certs {
				rows[i] = templates.CredentialRow{Kind: "signing-certificate", ID: c.CertificateId, Detail: "X.509", Status: c.Status, Created: when(c.UploadDate)}
			}
			return rows, nil
		},
		remove: func(s *Server, ctx context.Context, p *iam.Principal, user, id string, m iam.Meta) error {
			return s.svc.DeleteSigningCertificate(ctx, p, user, id, m)
		}},
	"service-credential": {noun: "service-specific credential", delete: iam.OpDeleteServiceSpecificCredential,
		consequence: "Signing in to the service with this user name and password (or API key) fails from now on; it cannot be restored.",
		list: func(s *Server, ctx context.Context, p *iam.Principal, user string, m iam.Meta) ([]templates.CredentialRow, error) {
			var rows []templates.CredentialRow
			for page := (iam.Page{}); ; {
				cs, next, err := s.svc.ListServiceSpecificCredentials(ctx, p, iam.ListServiceSpecificCredentialsInput{UserName: user, Page: page}, m)
				if err != nil {
					return nil, err
				}
				for _, c := range cs {
					name := c.ServiceUserName
					if name == "" {
						name = c.ServiceCredentialAlias
					}
					rows = append(rows, templates.CredentialRow{Kind: "service-credential", ID: c.ServiceSpecificCredentialId,
						Detail: c.ServiceName + " · " + name, Status: c.Status, Created: when(c.CreateDate)})
				}
				if page.Marker = next; next == "" {
					return rows, nil
				}
			}
		},
		remove: func(s *Server, ctx context.Context, p *iam.Principal, user, id string, m iam.Meta) error {
			return s.svc.DeleteServiceSpecificCredential(ctx, p, user, id, m)
		}},
}

// userOtherCredentials fills the tab's lists; a list the caller may not
// read says which right is missing.
func (s *Server) userOtherCredentials(c echo.Context, u *iam.User, v *templates.UserDetailView) error {
	ctx, p, m := c.Request().Context(), principal(c), meta(c)
	for kind, dst := range map[string]struct {
		rows   *[]templates.CredentialRow
		denied *string
		action string
	}{
		"ssh-key":             {&v.Other.SSHKeys, &v.Other.SSHDenied, iam.OpListSSHPublicKeys.Action(iam.UserType)},
		"signing-certificate": {&v.Other.Certificates, &v.Other.CertsDenied, iam.OpListSigningCertificates.Action(iam.UserType)},
		"service-credential":  {&v.Other.Service, &v.Other.ServiceDenied, iam.OpListServiceSpecificCredentials.Action(iam.UserType)},
	} {
		k := credentialKinds[kind]
		rows, err := k.list(s, ctx, p, u.UserName, m)
		switch {
		case iam.KindOf(err) == iam.AccessDenied:
			*dst.denied = dst.action
			continue
		case err != nil:
			return err
		}
		canDelete := s.can(c, k.delete, u.Arn)
		for i := range rows {
			rows[i].CanDelete = canDelete
		}
		*dst.rows = rows
	}
	return nil
}

// credentialDeletion is deleting one of those credentials, confirmed by a
// click.
func (s *Server) credentialDeletion() destructive {
	return destructive{typed: plainConfirm, do: s.credentialDelete, step: s.credentialDeleteStep}
}

// credentialDeleteStep asks before deleting; a credential that is not the
// user's is not found, as on its page.
func (s *Server) credentialDeleteStep(c echo.Context) (templates.Page, templates.ConfirmView, error) {
	name, kind, id := c.Param("name"), c.FormValue("Kind"), c.FormValue("Id")
	href := entityURL("users", name, "security")
	k, ok := credentialKinds[kind]
	if !ok {
		s.flash(c, "error", "There is no such kind of credential.")
		return templates.Page{}, templates.ConfirmView{}, elsewhere(href)
	}
	rows, err := k.list(s, c.Request().Context(), principal(c), name, meta(c))
	if err != nil {
		return templates.Page{}, templates.ConfirmView{}, err
	}
	found := false
	for _, r := range rows {
		found = found || r.ID == id
	}
	if !found {
		s.flash(c, "error", "The "+k.noun+" "+id+" is not one of "+name+"'s.")
		return templates.Page{}, templates.ConfirmView{}, elsewhere(href)
	}
	v := templates.ConfirmView{Heading: "Delete " + k.noun + " " + id + "?", Consequences: []string{k.consequence},
		Action: "/users/" + url.PathEscape(name) + "/credentials/delete", Fields: []templates.HiddenField{{Name: "Kind", Value: kind}, {Name: "Id", Value: id}},
		Button: "Delete " + k.noun, Cancel: href}
	return s.confirmPage(c, "Delete "+k.noun, "users", "Users", "/users", name, href), v, nil
}

// credentialDelete deletes the credential (confirmed).
func (s *Server) credentialDelete(c echo.Context) error {
	name, kind := c.Param("name"), c.FormValue("Kind")
	href := entityURL("users", name, "security")
	k, ok := credentialKinds[kind]
	if !ok {
		s.flash(c, "error", "There is no such kind of credential.")
		return c.Redirect(http.StatusSeeOther, href)
	}
	err := k.remove(s, c.Request().Context(), principal(c), name, c.FormValue("Id"), meta(c))
	if msg, ok := flashable(err); ok {
		s.flash(c, "error", msg)
		return c.Redirect(http.StatusSeeOther, href)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The "+k.noun+" was deleted.")
	return c.Redirect(http.StatusSeeOther, href)
}
