package iam

import (
	"context"

	"github.com/iamconsole/console/internal/models"
)

// credentialRemovals are the steps deleting user u with everything takes
// for its signing certificates, SSH public keys and service-specific
// credentials, each authorized and audited as its API call.
func (e *userEverything) credentialRemovals(acct, arn string, u *models.User) []removal {
	var out []removal
	for _, c := range e.certs {
		out = append(out, removal{needs: []permission{{OpDeleteSigningCertificate.Action(UserType), arn}},
			event: "DeleteSigningCertificate", params: map[string]any{"certificateId": c.CertificateID},
			apply: func(ctx context.Context, tx *models.Store) error {
				return tx.DeleteSigningCertificate(ctx, acct, u.UserID, c.CertificateID)
			}})
	}
	for _, k := range e.sshKeys {
		out = append(out, removal{needs: []permission{{OpDeleteSSHPublicKey.Action(UserType), arn}},
			event: "DeleteSSHPublicKey", params: map[string]any{"sSHPublicKeyId": k.SSHPublicKeyID},
			apply: func(ctx context.Context, tx *models.Store) error {
				return tx.DeleteSSHPublicKey(ctx, acct, u.UserID, k.SSHPublicKeyID)
			}})
	}
	for _, c := range e.svcCreds {
		out = append(out, removal{needs: []permission{{OpDeleteServiceSpecificCredential.Action(UserType), arn}},
			event: "DeleteServiceSpecificCredential", params: map[string]any{"serviceSpecificCredentialId": c.CredentialID},
			apply: func(ctx context.Context, tx *models.Store) error {
				return tx.DeleteServiceSpecificCredential(ctx, acct, u.UserID, c.CredentialID)
			}})
	}
	return out
}
