package awsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamconsole/console/internal/iam"
)

// TestServiceLastAccessed: use made through the API (allowed and refused)
// appears in Access Advisor's reports, at service and action level, for a
// user, its group and the managed policy they hold; never-used granted
// services are listed without a date; paging and errors as AWS's.
func TestServiceLastAccessed(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		const ro = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
		_, err := c.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("readers")})
		ok(t, err)
		_, err = c.AttachGroupPolicy(e.ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("readers"), PolicyArn: aws.String(ro)})
		ok(t, err)
		id, secret := e.user("reader")
		_, err = c.AddUserToGroup(e.ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("reader")})
		ok(t, err)
		e.user("idle", ro)

		rc := e.iamClient(id, secret, "")
		_, err = rc.GetUser(e.ctx, &iamsdk.GetUserInput{UserName: aws.String("idle")})
		ok(t, err)
		_, err = rc.ListRoles(e.ctx, &iamsdk.ListRolesInput{})
		ok(t, err)
		_, err = rc.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("nope")})
		wantCode(t, err, "AccessDenied") // an attempt is use too, as AWS counts it

		readerARN := "arn:aws:iam::" + e.acct.ID + ":user/reader"
		gen := func(arn string, g types.AccessAdvisorUsageGranularityType) string {
			t.Helper()
			out := must[*iamsdk.GenerateServiceLastAccessedDetailsOutput](t)(c.GenerateServiceLastAccessedDetails(e.ctx,
				&iamsdk.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(arn), Granularity: g}))
			return aws.ToString(out.JobId)
		}
		get := func(job string) *iamsdk.GetServiceLastAccessedDetailsOutput {
			t.Helper()
			return must[*iamsdk.GetServiceLastAccessedDetailsOutput](t)(c.GetServiceLastAccessedDetails(e.ctx,
				&iamsdk.GetServiceLastAccessedDetailsInput{JobId: aws.String(job)}))
		}

		out := get(gen(readerARN, ""))
		if out.JobStatus != types.JobStatusTypeCompleted || out.JobType != types.AccessAdvisorUsageGranularityTypeServiceLevel ||
			out.JobCreationDate == nil || out.JobCompletionDate == nil || len(out.ServicesLastAccessed) != 1 {
			t.Fatalf("GetServiceLastAccessedDetails = %+v", out)
		}
		s := out.ServicesLastAccessed[0]
		if aws.ToString(s.ServiceNamespace) != "iam" || aws.ToString(s.ServiceName) == "" || s.LastAuthenticated == nil ||
			aws.ToString(s.LastAuthenticatedEntity) != readerARN || aws.ToString(s.LastAuthenticatedRegion) != "us-east-1" ||
			aws.ToInt32(s.TotalAuthenticatedEntities) != 1 || len(s.TrackedActionsLastAccessed) != 0 {
			t.Errorf("service = %+v", s)
		}

		act := get(gen(readerARN, types.AccessAdvisorUsageGranularityTypeActionLevel))
		var names []string
		for _, a := range act.ServicesLastAccessed[0].TrackedActionsLastAccessed {
			names = append(names, aws.ToString(a.ActionName))
			if a.LastAccessedTime == nil || aws.ToString(a.LastAccessedEntity) != readerARN {
				t.Errorf("tracked action = %+v", a)
			}
		}
		if want := []string{"CreateUser", "GetUser", "ListRoles"}; !equalStrings(names, want) {
			t.Errorf("tracked actions = %v, want %v", names, want)
		}

		// The idle user holds the same grant and used nothing.
		idle := get(gen("arn:aws:iam::"+e.acct.ID+":user/idle", ""))
		if len(idle.ServicesLastAccessed) != 1 || idle.ServicesLastAccessed[0].LastAuthenticated != nil ||
			aws.ToInt32(idle.ServicesLastAccessed[0].TotalAuthenticatedEntities) != 0 {
			t.Errorf("idle = %+v", idle.ServicesLastAccessed)
		}

		// The policy: both users hold it, one used it.
		pjob := gen(ro, "")
		pol := get(pjob)
		if len(pol.ServicesLastAccessed) != 1 || aws.ToString(pol.ServicesLastAccessed[0].LastAuthenticatedEntity) != readerARN {
			t.Errorf("policy = %+v", pol.ServicesLastAccessed)
		}
		ents := must[*iamsdk.GetServiceLastAccessedDetailsWithEntitiesOutput](t)(c.GetServiceLastAccessedDetailsWithEntities(e.ctx,
			&iamsdk.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: aws.String(pjob), ServiceNamespace: aws.String("iam")}))
		if ents.JobStatus != types.JobStatusTypeCompleted || len(ents.EntityDetailsList) != 1 ||
			aws.ToString(ents.EntityDetailsList[0].EntityInfo.Arn) != readerARN || ents.EntityDetailsList[0].EntityInfo.Type != types.PolicyOwnerEntityTypeUser ||
			ents.EntityDetailsList[0].LastAuthenticated == nil {
			t.Errorf("WithEntities = %+v", ents.EntityDetailsList)
		}
		gjob := gen("arn:aws:iam::"+e.acct.ID+":group/readers", "")
		gents := must[*iamsdk.GetServiceLastAccessedDetailsWithEntitiesOutput](t)(c.GetServiceLastAccessedDetailsWithEntities(e.ctx,
			&iamsdk.GetServiceLastAccessedDetailsWithEntitiesInput{JobId: aws.String(gjob), ServiceNamespace: aws.String("iam")}))
		if len(gents.EntityDetailsList) != 1 || aws.ToString(gents.EntityDetailsList[0].EntityInfo.Name) != "reader" {
			t.Errorf("group WithEntities = %+v", gents.EntityDetailsList)
		}

		// Admin is granted every service: pages of them.
		adminJob := gen("arn:aws:iam::"+e.acct.ID+":user/admin", "")
		p1 := must[*iamsdk.GetServiceLastAccessedDetailsOutput](t)(c.GetServiceLastAccessedDetails(e.ctx,
			&iamsdk.GetServiceLastAccessedDetailsInput{JobId: aws.String(adminJob), MaxItems: aws.Int32(2)}))
		if !p1.IsTruncated || len(p1.ServicesLastAccessed) != 2 || p1.Marker == nil {
			t.Fatalf("page 1 = %+v", p1)
		}
		p2 := must[*iamsdk.GetServiceLastAccessedDetailsOutput](t)(c.GetServiceLastAccessedDetails(e.ctx,
			&iamsdk.GetServiceLastAccessedDetailsInput{JobId: aws.String(adminJob), MaxItems: aws.Int32(2), Marker: p1.Marker}))
		if len(p2.ServicesLastAccessed) != 2 || aws.ToString(p2.ServicesLastAccessed[0].ServiceNamespace) <= aws.ToString(p1.ServicesLastAccessed[1].ServiceNamespace) {
			t.Errorf("page 2 = %+v", p2.ServicesLastAccessed)
		}

		_, err = c.GetServiceLastAccessedDetails(e.ctx, &iamsdk.GetServiceLastAccessedDetailsInput{JobId: aws.String("00000000-0000-0000-0000-000000000000")})
		wantCode(t, err, "NoSuchEntity")
		_, err = c.GenerateServiceLastAccessedDetails(e.ctx, &iamsdk.GenerateServiceLastAccessedDetailsInput{Arn: aws.String("arn:aws:iam::" + e.acct.ID + ":user/ghost")})
		wantCode(t, err, "NoSuchEntity")
		_, err = c.GenerateServiceLastAccessedDetails(e.ctx, &iamsdk.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(readerARN), Granularity: "WHATEVER"})
		wantCode(t, err, "ValidationError")
		// The reader may generate (IAMReadOnlyAccess allows it) but the
		// report's use is the reader's own.
		_, err = rc.GenerateServiceLastAccessedDetails(e.ctx, &iamsdk.GenerateServiceLastAccessedDetailsInput{Arn: aws.String(readerARN)})
		ok(t, err)
		_ = iam.GranularityAction
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
