package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// MaxImportBytes bounds an authorization-details upload.
const MaxImportBytes = 64 << 20

// ImportResult is an account loaded for review, and the report of what was
// read. Its JSON is `console import`'s output (README, "JSON shapes"):
// every key is present, Notes and Warnings empty lists when there are none.
type ImportResult struct {
	AccountID string
	Label     string
	Users     int
	Groups    int
	Roles     int
	Policies  int
	// Summary says what was read: "44 users, 5 groups, 78 roles, 84 policies".
	Summary string
	// Notes are remarks that are no problem, such as entities that carry
	// another account's ID and were read as this account's.
	Notes []string
	// Warnings are real problems: parts of the dump that could not be read
	// or resolved, each with what the review assumes instead.
	Warnings []string
}

// importReport fills the report of an import from what the dump gave.
func importReport(res *ImportResult, a *graph.Account, warns []graph.Warning) {
	res.Users, res.Groups, res.Roles, res.Policies = len(a.Users), len(a.Groups), len(a.Roles), len(a.Policies)
	res.Summary = counted(res.Users, "user", "users") + ", " + counted(res.Groups, "group", "groups") + ", " +
		counted(res.Roles, "role", "roles") + ", " + counted(res.Policies, "managed policy", "managed policies")
	res.Notes, res.Warnings = []string{}, []string{}
	if n := len(a.Foreign); n > 0 {
		others := map[string]bool{}
		var names []string
		for _, arn := range a.Foreign {
			if acct := arnAccountID(arn); !others[acct] {
				others[acct] = true
				names = append(names, acct)
			}
		}
		sort.Strings(names)
		shown := make([]string, 0, 5)
		for _, arn := range a.Foreign[:min(n, 5)] {
			shown = append(shown, arnResource(arn))
		}
		list := strings.Join(shown, ", ")
		if n > len(shown) {
			list += fmt.Sprintf(" and %d more", n-len(shown))
		}
		carry, were := "carry", "were"
		if n == 1 {
			carry, were = "carries", "was"
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s %s another account's ID (%s) and %s read as %s's: %s.",
			counted(n, "entity", "entities"), carry, strings.Join(names, ", "), were, a.ID, list))
	}
	for _, w := range warns {
		res.Warnings = append(res.Warnings, w.String())
	}
}

// counted is "1 user", "44 users".
func counted(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// arnAccountID is an ARN's account field; arnResource what follows it
// ("user/alice").
func arnAccountID(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

func arnResource(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	return parts[5]
}

// ImportAccount loads a real AWS account's `get-account-authorization-
// details` dump as a read-only account for review, keyed by its own account
// ID (a later import of the same account replaces it; the last
// KeptImports are kept to compare with, CompareAccount). Pieces that cannot
// be read are reported, not fatal. Importing is an administrator's act:
// iam:ImportAccountAuthorizationDetails (a console action, covered by
// "iam:*" and "*").
func (s *Service) ImportAccount(ctx context.Context, caller *Principal, r io.Reader, label string, m Meta) (*ImportResult, error) {
	return s.ImportAccountEvidence(ctx, caller, r, label, ImportEvidence{}, m)
}

// ImportAccountEvidence is ImportAccount with evidence of use beside the
// dump (import_evidence.go).
func (s *Service) ImportAccountEvidence(ctx context.Context, caller *Principal, r io.Reader, label string, ev ImportEvidence, m Meta) (*ImportResult, error) {
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
	raw, warns, err = applyEvidence(a, raw, warns, ev)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{AccountID: a.ID, Label: label}
	importReport(res, a, warns)
	evidenceReport(res, a, ev)
	wj, _ := json.Marshal(res.Warnings)
	if label == "" {
		res.Label = "Imported " + a.ID
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.PutImportedAccount(ctx, &models.ImportedAccount{ID: a.ID, Label: res.Label, Document: string(raw),
			Warnings: string(wj), ImportedAt: s.now()}); err != nil {
			return err
		}
		if err := keepImport(ctx, tx, a.ID, res.Label, string(raw), string(wj), s.now()); err != nil {
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
//
// Building is seconds of work for a large account, and every graph page,
// download and poll asks for it, so built graphs are kept (graphCache)
// while the account's state is unchanged, and brought up to date from the
// kept one after a change. ctx is the request's: the build is shared with
// the other requests waiting for it, and stops when none waits. An account
// too large or too slow to build gives a LimitExceeded error that says so.
func (s *Service) AccessGraph(ctx context.Context, caller *Principal, accountID string, m Meta) (*graph.Graph, error) {
	id, live, err := s.reviewedAccount(ctx, caller, accountID, m)
	if err != nil {
		return nil, err
	}
	return s.graphs.get(ctx, id, s.now(), func(ctx context.Context) (graphKey, error) {
		return s.graphKey(ctx, id, live)
	}, func(ctx context.Context, key graphKey, prev *graphEntry) (*graphEntry, error) {
		return s.buildGraph(ctx, id, live, key, prev)
	})
}

// graphKey reads the state account id's graph is built from.
func (s *Service) graphKey(ctx context.Context, id string, live bool) (graphKey, error) {
	if !live {
		at, err := s.store.ImportedAt(ctx, id)
		if errors.Is(err, models.ErrNotFound) {
			return graphKey{}, newErr(NotFound, "No account %s: neither the live account nor an imported one.", id)
		}
		if err != nil {
			return graphKey{}, internal(err, "imported account")
		}
		return graphKey{imported: at}, nil
	}
	st, err := s.store.StateStamp(ctx)
	if err != nil {
		return graphKey{}, internal(err, "state stamp")
	}
	return graphKey{state: st}, nil
}

// graphOptions are the options every access graph is built with, with the
// whole-account build's budget: past it the build ends with
// graph.ErrTooLarge, shown as a message, instead of taking the server's
// memory. The compact graph of a dense 4,000-user account (the largest the
// issue asks for; 3.0 million edges in PMapper's uncondensed form) is about
// 32,000 edges and 100 MB at its peak, a benign 10,000-principal one about
// 100,000 edges and 200 MB, so the budget leaves room for ten times those.
func (s *Service) graphOptions() graph.Options {
	return graph.Options{Now: s.now(), MaxNodes: graphMaxNodes, MaxEdges: graphMaxEdges, MaxMemory: graphMaxMemory}
}

const (
	graphMaxNodes  = 250_000
	graphMaxEdges  = 2_000_000
	graphMaxMemory = 2 << 30 // bytes of heap growth while building
)

// buildGraph makes the graph of account id at key: from prev, the kept
// graph of an earlier state, by patching its snapshot and updating it with
// what changed since, or else from a whole read of the account.
func (s *Service) buildGraph(ctx context.Context, id string, live bool, key graphKey, prev *graphEntry) (*graphEntry, error) {
	if live && prev != nil && prev.snap != nil && prev.key.imported.IsZero() {
		changed, all, err := s.store.ChangedSince(ctx, prev.key.state, graphPatchLimit)
		if err != nil {
			return nil, internal(err, "state changes")
		}
		if !all {
			a, touched, err := s.patchSnapshot(ctx, prev.snap, changed)
			if err != nil {
				return nil, internal(err, "patch snapshot")
			}
			g, err := prev.g.Update(ctx, a, touched, s.graphOptions())
			if err != nil {
				return nil, err
			}
			return &graphEntry{key: key, read: prev.read, g: g, snap: a}, nil
		}
	}
	read := s.now()
	a, err := s.loadSnapshot(ctx, id, live)
	if err != nil {
		return nil, err
	}
	g, err := graph.BuildContext(ctx, a, s.graphOptions())
	if err != nil {
		return nil, err
	}
	return &graphEntry{key: key, read: read, g: g, snap: a}, nil
}

// ReviewAccount is an account the review pages can show.
type ReviewAccount struct {
	ID, Label string
	Live      bool
}

// ReviewAccounts lists the live account and the imported ones the caller
// may review (reviewResource): an account it may not see is left out.
func (s *Service) ReviewAccounts(ctx context.Context, caller *Principal, m Meta) ([]ReviewAccount, error) {
	var all []ReviewAccount
	live, err := s.store.LiveAccount(ctx)
	if err == nil {
		label := live.Alias
		if label == "" {
			label = "This account"
		}
		all = append(all, ReviewAccount{ID: live.ID, Label: label, Live: true})
	} else if !errors.Is(err, models.ErrNotFound) {
		return nil, internal(err, "live account")
	}
	imported, err := s.store.ImportedAccounts(ctx)
	if err != nil {
		return nil, internal(err, "imported accounts")
	}
	for _, a := range imported {
		all = append(all, ReviewAccount{ID: a.ID, Label: a.Label})
	}
	var out []ReviewAccount
	for _, a := range all {
		ok, err := s.Allowed(ctx, caller, m, "iam:GetAccountAuthorizationDetails", reviewResource(a.ID, a.Live))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		// Refused everywhere: say so, and audit it, as a refusal on one
		// account does.
		if err := s.authorizeMeta(ctx, caller, m, "iam:GetAccountAuthorizationDetails", "*"); err != nil {
			return nil, err
		}
	}
	return out, nil
}
