package iam

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// KeptImports is how many imports of one account are kept: the newest is
// the account's review, the older ones are kept only to compare with.
const KeptImports = 5

// keepImport records an import among the account's kept ones, forgetting
// the oldest past KeptImports. It runs in the import's transaction.
func keepImport(ctx context.Context, tx *models.Store, id, label, doc, warnings string, at time.Time) error {
	_, err := keepDocument(ctx, tx, id, label, doc, warnings, at)
	return err
}

func keepDocument(ctx context.Context, tx *models.Store, id, label, doc, warnings string, at time.Time) (uint64, error) {
	ai := &models.AccountImport{AccountID: id, Label: label, Document: doc, Warnings: warnings, ImportedAt: at}
	if err := tx.KeepImport(ctx, ai, KeptImports); err != nil {
		return 0, fmt.Errorf("keep import: %w", err)
	}
	return ai.ID, nil
}

// KeepSnapshot keeps the live account as it is now, among its kept
// snapshots (the last KeptImports), so that it can be compared later with
// what it has become: the "before" of a before-and-after. It needs
// reading the account (iam:GetAccountAuthorizationDetails) and, as
// keeping review data is an administrator's act like an import,
// iam:ImportAccountAuthorizationDetails.
func (s *Service) KeepSnapshot(ctx context.Context, caller *Principal, label string, m Meta) (*KeptImport, error) {
	id, live, err := s.reviewedAccount(ctx, caller, "", m)
	if err != nil {
		return nil, err
	}
	if !live {
		return nil, newErr(Invalid, "Only the live account changes: an imported account is compared with its earlier imports.")
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ImportAccountAuthorizationDetails", "*"); err != nil {
		return nil, err
	}
	if len(label) > 128 {
		return nil, invalidField("label", "A label is at most 128 characters.")
	}
	at := s.now()
	if label = strings.TrimSpace(label); label == "" {
		label = "Snapshot of " + at.UTC().Format("2006-01-02 15:04 UTC")
	}
	a, err := s.loadSnapshot(ctx, id, true)
	if err != nil {
		return nil, err
	}
	doc, err := a.AuthorizationDetails()
	if err != nil {
		return nil, internal(err, "export snapshot")
	}
	k := &KeptImport{Label: label, ImportedAt: at}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		n, err := keepDocument(ctx, tx, id, label, string(doc), "[]", at)
		if err != nil {
			return err
		}
		k.ID = n
		return s.audit(ctx, tx, m, id, callerARN(caller), event{name: "KeepAccountSnapshot", resource: "arn:aws:iam::" + id + ":root",
			params: map[string]any{"label": label, "snapshot": k.ID}}, nil)
	})
	if err != nil {
		return nil, asInternal(err, "keep snapshot")
	}
	return k, nil
}

// KeptImport is one kept import of an account.
type KeptImport struct {
	ID         uint64 // numbers imports in the order they were made
	Label      string
	ImportedAt time.Time
	Current    bool // the newest: what the review pages show
}

// CompareRef names one side of a comparison: the account as the review
// pages show it now (the zero value: the live account's state, or an
// imported account's newest import), a kept import by number, or a
// document the caller holds (an earlier `console export`, or a dump), as
// authorization-details JSON.
type CompareRef struct {
	Import   uint64
	Document []byte
	Name     string // what Document is called (a file name), for messages
}

// ParseCompareRef reads a side as the page and the CLI write it: "live"
// (or "current", or nothing) for the account now, else an import's number.
func ParseCompareRef(field, s string) (CompareRef, error) {
	switch s = strings.TrimSpace(s); s {
	case "", "live", "current":
		return CompareRef{}, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return CompareRef{}, invalidField(field, "%q is neither \"live\" nor the number of an import.", s)
	}
	return CompareRef{Import: n}, nil
}

// ComparedSide says what one side of a comparison is.
type ComparedSide struct {
	Import     uint64 // 0: the account now, or a document
	Label      string
	ImportedAt time.Time // zero for the live account now and for documents
	Current    bool      // the account as the review pages show it now
}

// Comparison is what changed in one account from one snapshot to another.
type Comparison struct {
	AccountID string
	Live      bool
	// Imports are the account's kept imports (the live account's kept
	// snapshots), newest first: what can be compared.
	Imports       []KeptImport
	Before, After ComparedSide
	// Diff is nil when there is nothing to compare with: no side was
	// named and the account has no earlier import.
	Diff *graph.Diff
}

// CompareAccount compares two snapshots of one account (the live one, or
// an imported one by ID): by default the account as reviewed now (after)
// with the newest kept snapshot that is not it (before): an imported
// account's import before the newest, the live account's last KeepSnapshot. Reading needs
// iam:GetAccountAuthorizationDetails on the account, as its graph does.
// An import that is not one of the account's kept ones is NotFound.
func (s *Service) CompareAccount(ctx context.Context, caller *Principal, accountID string, before, after CompareRef, m Meta) (*Comparison, error) {
	id, live, err := s.reviewedAccount(ctx, caller, accountID, m)
	if err != nil {
		return nil, err
	}
	if _, err := s.graphKey(ctx, id, live); err != nil {
		return nil, err // an imported account that does not exist
	}
	kept, err := s.store.AccountImports(ctx, id)
	if err != nil {
		return nil, internal(err, "kept imports")
	}
	c := &Comparison{AccountID: id, Live: live}
	for i, k := range kept {
		c.Imports = append(c.Imports, KeptImport{ID: k.ID, Label: k.Label, ImportedAt: k.ImportedAt, Current: i == 0 && !live})
	}
	if before.Import == 0 && before.Document == nil {
		// The newest import that is not the account's current state.
		for _, k := range c.Imports {
			if !k.Current {
				before.Import = k.ID
				break
			}
		}
		if before.Import == 0 {
			return c, nil
		}
	}
	bg, err := s.comparedGraph(ctx, caller, c, before, &c.Before, m)
	if err != nil {
		return nil, err
	}
	ag, err := s.comparedGraph(ctx, caller, c, after, &c.After, m)
	if err != nil {
		return nil, err
	}
	d := graph.Compare(bg, ag)
	c.Diff = &d
	return c, nil
}

// comparedGraph builds the graph of one side and says what it is in side.
func (s *Service) comparedGraph(ctx context.Context, caller *Principal, c *Comparison, ref CompareRef, side *ComparedSide, m Meta) (*graph.Graph, error) {
	if ref.Document != nil {
		*side = ComparedSide{Label: ref.Name}
		a, _, err := graph.ParseAuthorizationDetails(bytes.NewReader(ref.Document))
		if err != nil {
			return nil, invalidField("file", "%s is not an authorization-details document: %s", ref.Name, err.Error())
		}
		if a.ID != c.AccountID {
			return nil, invalidField("file", "%s is account %s, not %s.", ref.Name, a.ID, c.AccountID)
		}
		return s.buildCompared(ctx, a)
	}
	var k *KeptImport
	for i := range c.Imports {
		if c.Imports[i].ID == ref.Import {
			k = &c.Imports[i]
		}
	}
	switch {
	case ref.Import != 0 && k == nil:
		return nil, newErr(NotFound, "Account %s has no import %d: it is not one of the %d kept.", c.AccountID, ref.Import, len(c.Imports))
	case ref.Import == 0 || k.Current:
		// The account now: its graph is most likely already built.
		*side = ComparedSide{Current: true, Label: "now"}
		if k != nil {
			*side = ComparedSide{Import: k.ID, Label: k.Label, ImportedAt: k.ImportedAt, Current: true}
		} else if len(c.Imports) > 0 && !c.Live {
			k := c.Imports[0]
			*side = ComparedSide{Import: k.ID, Label: k.Label, ImportedAt: k.ImportedAt, Current: true}
		}
		return s.AccessGraph(ctx, caller, c.AccountID, m)
	}
	*side = ComparedSide{Import: k.ID, Label: k.Label, ImportedAt: k.ImportedAt}
	if g := s.compared.get(c.AccountID, k.ID); g != nil {
		return g, nil
	}
	ai, err := s.store.AccountImport(ctx, c.AccountID, k.ID)
	if errors.Is(err, models.ErrNotFound) {
		// Forgotten by an import since the list was read.
		return nil, newErr(NotFound, "Account %s has no import %d any more.", c.AccountID, k.ID)
	}
	if err != nil {
		return nil, internal(err, "kept import")
	}
	a, _, err := graph.ParseAuthorizationDetails(strings.NewReader(ai.Document))
	if err != nil {
		return nil, internal(err, "parse kept import")
	}
	g, err := s.buildCompared(ctx, a)
	if err != nil {
		return nil, err
	}
	s.compared.put(c.AccountID, k.ID, g)
	return g, nil
}

// comparedCache keeps the graph of the one kept snapshot compared last:
// a reviewer compares the same earlier import again and again (switching
// the other side, reloading), and at 10,000 principals its build is
// seconds. A kept snapshot never changes, so its account and number are
// its key. It is kept apart from graphCache, whose bound is for the
// accounts' current graphs, and only for graphMaxAge, so that its memory
// goes back once the comparing is done.
type comparedCache struct {
	mu      sync.Mutex
	account string
	id      uint64
	g       *graph.Graph
	drop    *time.Timer
}

func (c *comparedCache) get(account string, id uint64) *graph.Graph {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.g != nil && c.account == account && c.id == id {
		c.drop.Reset(graphMaxAge)
		return c.g
	}
	return nil
}

func (c *comparedCache) put(account string, id uint64, g *graph.Graph) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.account, c.id, c.g = account, id, g
	if c.drop == nil {
		c.drop = time.AfterFunc(graphMaxAge, func() {
			c.mu.Lock()
			c.g = nil
			c.mu.Unlock()
		})
		return
	}
	c.drop.Reset(graphMaxAge)
}

// buildCompared builds an earlier snapshot's graph, within the whole-account
// build's budget and time limit. It is not put in graphCache: it would push
// the account's current graph out (comparedCache keeps it instead).
func (s *Service) buildCompared(ctx context.Context, a *graph.Account) (*graph.Graph, error) {
	ctx, cancel := context.WithTimeout(ctx, graphBuildLimit)
	defer cancel()
	g, err := graph.BuildContext(ctx, a, s.graphOptions())
	if err != nil {
		return nil, buildError(ctx, graphBuildLimit, err)
	}
	return g, nil
}
