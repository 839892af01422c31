package iam

import (
	"context"

	"github.com/iamconsole/console/internal/models"
)

// Global endpoint token versions (IAM SetSecurityTokenServicePreferences):
// v1 tokens are valid only in Regions enabled by default, v2 in all.
const (
	TokenV1 = "v1Token"
	TokenV2 = "v2Token"
)

// SetSecurityTokenServicePreferences is IAM's action of that name: which
// version of session tokens the STS global endpoint issues, an account
// setting. The caller needs iam:SetSecurityTokenServicePreferences. It
// changes no IAM entity, so the state stamp stays (statechange.go).
func (s *Service) SetSecurityTokenServicePreferences(ctx context.Context, caller *Principal, version string, m Meta) error {
	if version != TokenV1 && version != TokenV2 {
		return invalidField("GlobalEndpointTokenVersion", "1 validation error detected: Value '%s' at 'globalEndpointTokenVersion' failed to satisfy constraint: Member must satisfy enum value set: [v1Token, v2Token]", version)
	}
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:SetSecurityTokenServicePreferences", "*"); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		st, err := tx.AccountSTSSettings(ctx, acct)
		if err != nil {
			return err
		}
		st.GlobalEndpointTokenVersion, st.UpdatedAt = version, s.now()
		if err := tx.PutAccountSTSSettings(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "SetSecurityTokenServicePreferences",
			resource: "arn:aws:iam::" + acct + ":root", params: map[string]any{"globalEndpointTokenVersion": version}}, nil)
	})
	return asInternal(err, "set STS preferences")
}

// STSGlobalEndpointTokenVersion is the account's GlobalEndpointTokenVersion
// as GetAccountSummary reports it in its SummaryMap: 1 (v1Token, AWS's
// default) or 2 (v2Token). It reads without authorizing: the summary's
// caller was authorized for iam:GetAccountSummary.
func (s *Service) STSGlobalEndpointTokenVersion(ctx context.Context, accountID string) (int, error) {
	st, err := s.store.AccountSTSSettings(ctx, accountID)
	if err != nil {
		return 0, internal(err, "STS preferences")
	}
	if st.GlobalEndpointTokenVersion == TokenV2 {
		return 2, nil
	}
	return 1, nil
}
