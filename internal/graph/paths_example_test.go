package graph_test

import (
	"fmt"
	"os"
	"time"

	"github.com/iamconsole/console/internal/graph"
)

// alice is a member of developers, whose inline policy lets her assume
// ops-admin, which has AdministratorAccess: PathsToAdmin ranks her with the
// others who can reach full access, and Tell says her way in words.
func ExampleGraph_PathsToAdmin() {
	f, err := os.Open("testdata/aws-authorization-details/ops-admin.json")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	acct, _, err := graph.ParseAuthorizationDetails(f)
	if err != nil {
		panic(err)
	}
	g := graph.Build(acct, graph.Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, r := range g.PathsToAdmin() {
		fmt.Println(r.Hops, r.Assumptions, r.Severity, graph.SayHops(r.Principal, g.Tell(r.Path)))
	}
	// Output:
	// 1 0 Critical bob — can rewrite the permissions of → bob
	// 1 0 Medium lambda-admin — has → AdministratorAccess
	// 1 0 Medium ops-admin — has → AdministratorAccess
	// 1 0 Medium erin — has → AdministratorAccess
	// 2 0 Medium carol — member of → admins — has → AdministratorAccess
	// 2 1 Critical dave — can act as → lambda-admin — has → AdministratorAccess
	// 2 1 Critical lambda.amazonaws.com — can assume → lambda-admin — has → AdministratorAccess
	// 3 0 Critical alice — member of → developers — can assume → ops-admin — has → AdministratorAccess
}
