package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// reviewDump is an authorization-details dump of n principals (half
// users, half roles): teams of fifty in groups that may assume their
// team's role, one role in fifty an administrator, one user in a hundred
// able to pass roles to Lambda.
func reviewDump(n int) []byte {
	const acct = "210987654321"
	arn := func(kind, name string) string { return "arn:aws:iam::" + acct + ":" + kind + "/" + name }
	doc := func(st ...map[string]any) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": st}
	}
	allow := func(action, resource string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
	}
	adm := map[string]any{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
	cd := "2024-01-02 10:00:00+00:00"
	users, roles := n/2, n-n/2
	teams := max(users/50, 1)
	var us, gs, rs []map[string]any
	for i := range teams {
		gs = append(gs, map[string]any{"Path": "/", "GroupName": fmt.Sprintf("team%d", i), "GroupId": fmt.Sprintf("AGPA%d", i), "Arn": arn("group", fmt.Sprintf("team%d", i)),
			"CreateDate": cd, "AttachedManagedPolicies": []any{},
			"GroupPolicyList": []any{map[string]any{"PolicyName": "assume", "PolicyDocument": doc(allow("sts:AssumeRole", arn("role", fmt.Sprintf("role%05d", i%roles))))}}})
	}
	for i := range users {
		st := []map[string]any{allow("s3:GetObject", fmt.Sprintf("arn:aws:s3:::home/u%05d/*", i))}
		if i%100 == 7 {
			st = append(st, allow("iam:PassRole", "*"), allow("lambda:CreateFunction", "*"), allow("lambda:InvokeFunction", "*"))
		}
		us = append(us, map[string]any{"Path": "/", "UserName": fmt.Sprintf("u%05d", i), "UserId": fmt.Sprintf("AIDA%05d", i), "Arn": arn("user", fmt.Sprintf("u%05d", i)),
			"CreateDate": cd, "GroupList": []string{fmt.Sprintf("team%d", i%teams)}, "AttachedManagedPolicies": []any{},
			"UserPolicyList": []any{map[string]any{"PolicyName": "own", "PolicyDocument": doc(st...)}}})
	}
	for i := range roles {
		att := []any{}
		tr := doc(map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + acct + ":root"}, "Action": "sts:AssumeRole"})
		if i%50 == 0 {
			att = append(att, adm)
		}
		if i%10 == 3 {
			tr = doc(map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
		}
		rs = append(rs, map[string]any{"Path": "/", "RoleName": fmt.Sprintf("role%05d", i), "RoleId": fmt.Sprintf("AROA%05d", i), "Arn": arn("role", fmt.Sprintf("role%05d", i)),
			"CreateDate": cd, "AssumeRolePolicyDocument": tr, "InstanceProfileList": []any{}, "AttachedManagedPolicies": att, "Tags": []any{}, "RoleLastUsed": map[string]any{},
			"RolePolicyList": []any{map[string]any{"PolicyName": "work", "PolicyDocument": doc(allow("sqs:*", "arn:aws:sqs:*:"+acct+":"+fmt.Sprintf("role%05d", i)+"-*"))}}})
	}
	pol := []any{map[string]any{"PolicyName": "AdministratorAccess", "PolicyId": "ANPAADMIN", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "Path": "/",
		"DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": true, "CreateDate": cd, "UpdateDate": cd,
		"PolicyVersionList": []any{map[string]any{"Document": doc(allow("*", "*")), "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": cd}}}}
	b, _ := json.Marshal(map[string]any{"UserDetailList": us, "GroupDetailList": gs, "RoleDetailList": rs, "Policies": pol})
	return b
}

// TestReviewPagesAtScale times the paths and who-can pages once the graph
// of an imported account of REVIEW_PRINCIPALS principals (e.g. 10,000) is
// built, against the goal of 300 ms a page (the median of five). It runs
// only when REVIEW_PRINCIPALS is set: the build takes a while.
// Run: REVIEW_PRINCIPALS=10000 go test ./internal/handlers -run ReviewPagesAtScale -v
func TestReviewPagesAtScale(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("REVIEW_PRINCIPALS"))
	if err != nil || n <= 0 {
		t.Skip("set REVIEW_PRINCIPALS=10000 to time the review pages at scale")
	}
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	imp, err := e.svc.ImportAccount(context.Background(), nil, bytes.NewReader(reviewDump(n)), "load", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if res, _ := b.get("/paths?account=" + imp.AccountID); res.StatusCode != http.StatusOK {
		t.Fatalf("first paths page: %d", res.StatusCode)
	}
	t.Logf("%d principals: graph built and first page in %v", n, time.Since(start))
	for _, p := range []struct{ name, path string }{
		{"paths", "/paths?account=" + imp.AccountID},
		{"paths page 5", "/paths?account=" + imp.AccountID + "&page=5"},
		{"paths of one", "/paths?account=" + imp.AccountID + "&from=" + url.QueryEscape("arn:aws:iam::210987654321:user/u00007")},
		{"who-can an admin's action", "/who-can?account=" + imp.AccountID + "&action=iam:CreateUser&resource=*"},
		{"who-can s3", "/who-can?account=" + imp.AccountID + "&action=s3:GetObject&resource=" + url.QueryEscape("arn:aws:s3:::home/u00042/x")},
	} {
		var times []time.Duration
		for range 5 {
			start := time.Now()
			if res, _ := b.get(p.path); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", p.path, res.StatusCode)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		t.Logf("%-26s median %v", p.name, times[2])
		if times[2] > 300*time.Millisecond {
			t.Errorf("%s: median %v, over the 300 ms goal", p.name, times[2])
		}
	}
}
