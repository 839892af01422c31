package graph_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/graph"
)

// A user allowed iam:CreateAccessKey on every user can act as the
// administrator among them: who-can names it with its path.
func ExampleGraph_WhoCan() {
	dump := `{"UserDetailList":[
	  {"UserName":"hank","UserId":"AIDAHANK","Arn":"arn:aws:iam::111122223333:user/hank","Path":"/","GroupList":[],"AttachedManagedPolicies":[],"Tags":[],
	   "UserPolicyList":[{"PolicyName":"keys","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111122223333:user/*"}]}}]},
	  {"UserName":"boss","UserId":"AIDABOSS","Arn":"arn:aws:iam::111122223333:user/boss","Path":"/","GroupList":[],"Tags":[],
	   "AttachedManagedPolicies":[{"PolicyName":"AdministratorAccess","PolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}],
	 "GroupDetailList":[],"RoleDetailList":[],
	 "Policies":[{"PolicyName":"AdministratorAccess","PolicyId":"ANPAADMIN","Arn":"arn:aws:iam::aws:policy/AdministratorAccess","Path":"/",
	   "DefaultVersionId":"v1","AttachmentCount":1,"PermissionsBoundaryUsageCount":0,"IsAttachable":true,
	   "PolicyVersionList":[{"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"VersionId":"v1","IsDefaultVersion":true}]}]}`
	acct, _, err := graph.ParseAuthorizationDetails(strings.NewReader(dump))
	if err != nil {
		panic(err)
	}
	g := graph.Build(acct, graph.Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	for _, p := range g.WhoCan("s3:DeleteBucket", "arn:aws:s3:::payroll") {
		fmt.Println(strings.Join(p.Path, " -> "), p.Technique)
	}
	// Output:
	// arn:aws:iam::111122223333:user/hank -> arn:aws:iam::111122223333:user/boss iam-002
	// arn:aws:iam::111122223333:user/boss
}
