package graph

import (
	"errors"
	"fmt"
	"runtime/metrics"
)

// ErrTooLarge ends a build that outgrows its budget (Options.MaxNodes,
// MaxEdges, MaxMemory).
var ErrTooLarge = errors.New("this account is too large for the whole-account drawing; focus on a principal")

// tick is called in every long loop of a build: it records and returns the
// first reason to stop, the context being done or the budget spent. The
// context is read every 64 calls, the heap every 256.
func (g *Graph) tick() error {
	if g.err != nil || g.ctx == nil {
		return g.err
	}
	g.ticks++
	if g.ticks&63 != 0 {
		return nil
	}
	o := &g.opts
	switch err := g.ctx.Err(); {
	case err != nil:
		g.err = err
	case o.MaxNodes > 0 && len(g.Nodes)+len(g.rnodes) > o.MaxNodes:
		g.err = fmt.Errorf("%w (more than %d nodes)", ErrTooLarge, o.MaxNodes)
	case o.MaxEdges > 0 && g.edgeCount() > o.MaxEdges:
		g.err = fmt.Errorf("%w (more than %d edges)", ErrTooLarge, o.MaxEdges)
	case o.MaxMemory > 0 && g.ticks&255 == 0:
		if h := heapBytes(); h > g.heapStart && h-g.heapStart > o.MaxMemory {
			g.err = fmt.Errorf("%w (the build grew the heap by %d MB, budget %d MB)", ErrTooLarge, (h-g.heapStart)>>20, o.MaxMemory>>20)
		}
	}
	return g.err
}

// stopped is tick for loops that only need to know whether to go on.
func (g *Graph) stopped() bool { return g.tick() != nil }

// heapBytes is the memory of live and unswept heap objects, read without
// stopping the world.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
