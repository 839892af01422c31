package graph

// Stand-ins for the API the `graph` branch provides (issue 08 items 1-3 and
// 5). THE LEAD DELETES THIS FILE AT MERGE: the real BuildContext, Update and
// ErrTooLarge come with that branch, with the same signatures.

import (
	"context"
	"errors"
)

// ErrTooLarge says a build went past its budget.
var ErrTooLarge = errors.New("this account is too large for the whole-account drawing; focus on a principal")

// BuildContext is Build under ctx: checked before and after, as Build
// itself cannot be interrupted.
func BuildContext(ctx context.Context, a *Account, opts Options) (*Graph, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g := Build(a, opts)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return g, nil
}

// Update gives the graph of a, an account changed from g's in the
// entities named by changed: here, a full build.
func (g *Graph) Update(ctx context.Context, a *Account, changed []string, opts Options) (*Graph, error) {
	return BuildContext(ctx, a, opts)
}
