package graph

import (
	"context"
	"math/rand"
	"sync"
	"testing"
)

// TestConcurrentQueries: a built graph serves queries from many goroutines
// (run with -race).
func TestConcurrentQueries(t *testing.T) {
	g := Build(mustLoad(t, "iam-vulnerable.json"), Options{Now: testNow})
	want := len(g.Findings(testNow))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n := len(g.Findings(testNow)); n != want {
				t.Errorf("findings: %d, want %d", n, want)
			}
			g.WhoCan("iam:CreateUser", vulnAcct+"user/x")
			g.WhatCan(vulnAcct + "user/privesc4-CreateAccessKey-user")
			g.Admins()
			g.DOT(DOTOptions{Focus: vulnAcct + "user/privesc4-CreateAccessKey-user"})
		}()
	}
	wg.Wait()
}

// TestConcurrentQueriesOverSets: paths through set nodes ask the engine
// again about one member while other queries run (run with -race).
func TestConcurrentQueriesOverSets(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		g := Build(randomAccount(seed), Options{Now: testNow, setMin: 1})
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g.Findings(testNow)
				g.Admins()
				g.WhoCan("iam:CreateUser", arn("user", "x"))
				for _, p := range g.principals {
					g.Paths(p.arn, arn("user", "u0"))
				}
			}()
		}
		wg.Wait()
	}
}

// TestUpdateWhileReading: the graph an update starts from keeps answering
// other readers meanwhile, unchanged (run with -race).
func TestUpdateWhileReading(t *testing.T) {
	a := randomAccount(7)
	g := Build(a, Options{Now: testNow, setMin: 1})
	want := len(g.Findings(testNow))
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 5; k++ {
				if n := len(g.Findings(testNow)); n != want {
					t.Errorf("findings: %d, want %d", n, want)
				}
				g.WhoCan("iam:CreateUser", arn("user", "x"))
				g.Paths(arn("user", "u1"), arn("user", "u0"))
			}
		}()
	}
	rng := rand.New(rand.NewSource(7))
	for k := 0; k < 5; k++ {
		b := cloneAccount(a)
		if _, err := g.Update(context.Background(), b, mutate(rng, b), Options{Now: testNow, setMin: 1}); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}
