package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
)

// apiClient is aws-sdk-go-v2's IAM client for one process's /aws, signing
// with the given key. Retries are off: a retried 500 would hide the error
// these tests look for.
func apiClient(base, id, secret string) *iamsdk.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(id, secret, ""),
		RetryMaxAttempts: 1}
	return iamsdk.NewFromConfig(cfg, func(o *iamsdk.Options) { o.BaseEndpoint = aws.String(base + "/aws") })
}

// apiCode is the AWS error code of err, "" when there is none.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// httpStatus is the HTTP status of an API error, 0 when there is none.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// cliUser makes a user with `console admin create-user --access-key`.
func cliUser(t *testing.T, dsn, dir, name string, policies ...string) (arn, id, secret string) {
	t.Helper()
	args := []string{"admin", "create-user", name, "--access-key", "--db", dsn, "--data-dir", dir}
	for _, p := range policies {
		args = append(args, "--policy", p)
	}
	code, out, errOut := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("create-user %s: %s %s", name, out, errOut)
	}
	var u struct{ Arn, AccessKeyId, SecretAccessKey string }
	if err := json.Unmarshal([]byte(out), &u); err != nil {
		t.Fatalf("create-user output %q: %v", out, err)
	}
	return u.Arn, u.AccessKeyId, u.SecretAccessKey
}

// parallel runs fn(i) for i in [0, n) at once and waits for all.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

// auditedUsers returns the userName parameter of every successful event
// called name in the account, as the audit log has them.
func auditedUsers(t *testing.T, st *models.Store, acct, name string) []string {
	t.Helper()
	evs, err := st.ListAudit(context.Background(), acct, models.AuditFilter{EventName: name, Result: models.ResultSuccess, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, ev := range evs {
		var p struct{ UserName string }
		if err := json.Unmarshal([]byte(ev.RequestParameters), &p); err != nil {
			t.Fatalf("parameters of %s: %v", name, err)
		}
		users = append(users, p.UserName)
	}
	slices.Sort(users)
	return users
}

// testAPIAcrossProcesses drives the AWS API of two processes sharing one
// PostgreSQL database, as a load balancer would spread one client's calls:
// quotas, memberships and key status must hold across them.
func testAPIAcrossProcesses(t *testing.T, dsn, dir, baseA, baseB string) {
	ctx := context.Background()
	adminARN, id, secret := cliUser(t, dsn, dir, "admin", "AdministratorAccess")
	acct := strings.Split(adminARN, ":")[4]
	a, b := apiClient(baseA, id, secret), apiClient(baseB, id, secret)
	on := func(i int) *iamsdk.Client { return []*iamsdk.Client{a, b}[i%2] }
	st, err := models.Open(ctx, dsn, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	t.Run("PolicyVersionQuota", func(t *testing.T) {
		// v1 exists: of 20 racing new versions, split across both
		// processes, exactly 4 fit in AWS's 5.
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		p, err := a.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("Raced"), PolicyDocument: aws.String(doc)})
		if err != nil {
			t.Fatal(err)
		}
		const racers = 20
		errs := make([]error, racers)
		parallel(racers, func(i int) {
			_, errs[i] = on(i).CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn, PolicyDocument: aws.String(doc)})
		})
		ok, limited := 0, 0
		for i, err := range errs {
			switch code := apiCode(err); {
			case err == nil:
				ok++
			case code == "LimitExceeded":
				limited++
			default:
				t.Errorf("racer %d: %v (code %q), want success or LimitExceeded", i, err, code)
			}
		}
		vs, err := b.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: p.Policy.Arn})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs.Versions) != iam.MaxPolicyVersions || ok != iam.MaxPolicyVersions-1 || limited != racers-ok {
			t.Fatalf("%d versions, %d created, %d LimitExceeded", len(vs.Versions), ok, limited)
		}
		if n, err := st.CountAudit(ctx, acct, models.AuditFilter{EventName: "CreatePolicyVersion", Result: models.ResultSuccess}); err != nil || n != int64(ok) {
			t.Fatalf("%d CreatePolicyVersion events for %d versions created (%v)", n, ok, err)
		}
	})

	t.Run("GroupMembership", func(t *testing.T) {
		// 16 users join one group at once through A and B alternately,
		// then half leave the same way: nothing is lost, and every
		// acknowledged change is in the audit log.
		if _, err := a.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("team")}); err != nil {
			t.Fatal(err)
		}
		const n = 16
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("member%02d", i)
		}
		errs := make([]error, n)
		parallel(n, func(i int) {
			_, errs[i] = on(i).CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(names[i])})
		})
		parallel(n, func(i int) {
			if errs[i] == nil {
				_, errs[i] = on(i).AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("team"), UserName: aws.String(names[i])})
			}
		})
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		members := func(c *iamsdk.Client) []string {
			t.Helper()
			g, err := c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("team")})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range g.Users {
				got = append(got, aws.ToString(u.UserName))
			}
			slices.Sort(got)
			return got
		}
		if got := members(b); !slices.Equal(got, names) {
			t.Fatalf("after adding: members %v, want %v", got, names)
		}
		if got := auditedUsers(t, st, acct, "AddUserToGroup"); !slices.Equal(got, names) {
			t.Fatalf("AddUserToGroup events for %v, want %v", got, names)
		}
		var leaving, staying []string
		for i, name := range names {
			if i%2 == 0 {
				leaving = append(leaving, name)
			} else {
				staying = append(staying, name)
			}
		}
		errs = make([]error, len(leaving))
		parallel(len(leaving), func(i int) {
			// The other process than the one that added it.
			_, errs[i] = on(i+1).RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("team"), UserName: aws.String(leaving[i])})
		})
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if got := members(a); !slices.Equal(got, staying) {
			t.Fatalf("after removing: members %v, want %v", got, staying)
		}
		if got := auditedUsers(t, st, acct, "RemoveUserFromGroup"); !slices.Equal(got, leaving) {
			t.Fatalf("RemoveUserFromGroup events for %v, want %v", got, leaving)
		}
	})

	t.Run("GroupsPerUserQuota", func(t *testing.T) {
		// One user joins 12 groups at once across both processes: 10 fit.
		const n = 12
		if _, err := a.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("joiner")}); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if _, err := on(i).CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String(fmt.Sprintf("club%02d", i))}); err != nil {
				t.Fatal(err)
			}
		}
		errs := make([]error, n)
		parallel(n, func(i int) {
			_, errs[i] = on(i).AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String(fmt.Sprintf("club%02d", i)), UserName: aws.String("joiner")})
		})
		ok := 0
		for i, err := range errs {
			if err == nil {
				ok++
			} else if code := apiCode(err); code != "LimitExceeded" {
				t.Errorf("racer %d: %v (code %q), want success or LimitExceeded", i, err, code)
			}
		}
		gs, err := b.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: aws.String("joiner")})
		if err != nil {
			t.Fatal(err)
		}
		if ok != iam.MaxGroupsPerUser || len(gs.Groups) != iam.MaxGroupsPerUser {
			t.Fatalf("%d joins succeeded, user is in %d groups, want %d", ok, len(gs.Groups), iam.MaxGroupsPerUser)
		}
	})

	t.Run("KeyStatus", func(t *testing.T) {
		// A key switched off on one process is refused by the other on its
		// very next request: status is read per request, not cached.
		_, kid, ksecret := cliUser(t, dsn, dir, "keyed", "IAMReadOnlyAccess")
		ka, kb := apiClient(baseA, kid, ksecret), apiClient(baseB, kid, ksecret)
		use := func(c *iamsdk.Client) error {
			_, err := c.ListUsers(ctx, &iamsdk.ListUsersInput{})
			return err
		}
		refused := func(what string, err error) {
			t.Helper()
			if code := apiCode(err); code != "InvalidClientTokenId" || httpStatus(err) != 403 {
				t.Fatalf("%s: %v (code %q, status %d), want InvalidClientTokenId 403", what, err, code, httpStatus(err))
			}
		}
		setStatus := func(c *iamsdk.Client, s iamtypes.StatusType) {
			t.Helper()
			if _, err := c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("keyed"), AccessKeyId: aws.String(kid), Status: s}); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []*iamsdk.Client{ka, kb, kb} { // B twice: its last-use mark is fresh
			if err := use(c); err != nil {
				t.Fatalf("active key: %v", err)
			}
		}
		setStatus(a, iamtypes.StatusTypeInactive)
		refused("B after A deactivated the key", use(kb))
		refused("A after it deactivated the key", use(ka))
		setStatus(b, iamtypes.StatusTypeActive)
		if err := use(ka); err != nil {
			t.Fatalf("A after B reactivated the key: %v", err)
		}
		if _, err := b.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("keyed"), AccessKeyId: aws.String(kid)}); err != nil {
			t.Fatal(err)
		}
		refused("A after B deleted the key", use(ka))
	})
}
