package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// MaxImportBytes bounds an authorization-details upload.
const MaxImportBytes = 64 << 20

// ImportResult is an account loaded for review.
type ImportResult struct {
	AccountID string
	Label     string
	Warnings  []string
	Users     int
	Groups    int
	Roles     int
	Policies  int
}

// ImportAccount loads a real AWS account's `get-account-authorization-
// details` dump as a read-only account for review, keyed by its own account
// ID (a later import of the same account replaces it). Pieces that cannot
// be read are reported, not fatal. Importing is an administrator's act:
// iam:ImportAccountAuthorizationDetails (a console action, covered by
// "iam:*" and "*").
func (s *Service) ImportAccount(ctx context.Context, caller *Principal, r io.Reader, label string, m Meta) (*ImportResult, error) {
	if err := s.authorizeMeta(ctx, caller, m, "iam:ImportAccountAuthorizationDetails", "*"); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, internal(err, "read import")
	}
	if len(raw) > MaxImportBytes {
		return nil, newErr(Invalid, "The file is larger than %d MiB.", MaxImportBytes>>20)
	}
	a, warns, err := graph.ParseAuthorizationDetails(bytes.NewReader(raw))
	if err != nil {
		return nil, invalidField("file", "This is not an authorization-details document: %s", err.Error())
	}
	if a.ID == "" {
		return nil, invalidField("file", "The document names no account (no ARNs to take the account ID from).")
	}
	if live, err := s.store.LiveAccount(ctx); err == nil && live.ID == a.ID {
		return nil, invalidField("file", "Account %s is the live account: it cannot be imported over itself.", a.ID)
	} else if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, internal(err, "live account")
	}
	res := &ImportResult{AccountID: a.ID, Label: label, Users: len(a.Users), Groups: len(a.Groups), Roles: len(a.Roles), Policies: len(a.Policies)}
	for _, w := range warns {
		res.Warnings = append(res.Warnings, fmt.Sprint(w))
	}
	wj, _ := json.Marshal(res.Warnings)
	if label == "" {
		res.Label = "Imported " + a.ID
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.PutImportedAccount(ctx, &models.ImportedAccount{ID: a.ID, Label: res.Label, Document: string(raw),
			Warnings: string(wj), ImportedAt: s.now()}); err != nil {
			return err
		}
		acct := callerAccount(caller)
		if acct == "" {
			if live, err := tx.LiveAccount(ctx); err == nil {
				acct = live.ID
			}
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "ImportAccountAuthorizationDetails",
			resource: "arn:aws:iam::" + a.ID + ":root", params: map[string]any{"accountId": a.ID, "label": res.Label,
				"users": res.Users, "roles": res.Roles, "warnings": len(res.Warnings)}}, nil)
	})
	if err != nil {
		return nil, asInternal(err, "import")
	}
	return res, nil
}

// importedSnapshot reads an imported account back.
func (s *Service) importedSnapshot(ctx context.Context, id string) (*graph.Account, error) {
	ia, err := s.store.ImportedAccount(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, newErr(NotFound, "No account %s: neither the live account nor an imported one.", id)
	}
	if err != nil {
		return nil, internal(err, "imported account")
	}
	a, _, err := graph.ParseAuthorizationDetails(bytes.NewReader([]byte(ia.Document)))
	if err != nil {
		return nil, internal(err, "parse imported account")
	}
	return a, nil
}

// AccessGraph builds the access graph of the live account or an imported
// one (by ID). Reading it needs iam:GetAccountAuthorizationDetails, as the
// data it shows does.
func (s *Service) AccessGraph(ctx context.Context, caller *Principal, accountID string, m Meta) (*graph.Graph, error) {
	a, err := s.Snapshot(ctx, caller, accountID, m)
	if err != nil {
		return nil, err
	}
	return graph.Build(a, graph.Options{Now: s.now()}), nil
}

// ReviewAccount is an account the review pages can show.
type ReviewAccount struct {
	ID, Label string
	Live      bool
}

// ReviewAccounts lists the live account and the imported ones.
func (s *Service) ReviewAccounts(ctx context.Context, caller *Principal, m Meta) ([]ReviewAccount, error) {
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountAuthorizationDetails", "*"); err != nil {
		return nil, err
	}
	var out []ReviewAccount
	if live, err := s.store.LiveAccount(ctx); err == nil {
		label := live.Alias
		if label == "" {
			label = "This account"
		}
		out = append(out, ReviewAccount{ID: live.ID, Label: label, Live: true})
	}
	imported, err := s.store.ImportedAccounts(ctx)
	if err != nil {
		return nil, internal(err, "imported accounts")
	}
	for _, a := range imported {
		out = append(out, ReviewAccount{ID: a.ID, Label: a.Label})
	}
	return out, nil
}
