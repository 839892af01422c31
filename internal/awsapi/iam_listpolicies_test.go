package awsapi_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestListPoliciesFilters: Scope, OnlyAttached, PathPrefix and
// PolicyUsageFilter over AWS's 1,594 managed policies and the account's
// own together, paged by Marker and MaxItems; the counts AWS's managed
// policies show in GetPolicy; and AWS's version IDs in GetPolicyVersion.
func TestListPoliciesFilters(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
		arn := map[string]string{}
		for _, n := range []string{"lp-attached", "lp-boundary", "lp-unused"} {
			p := must[*iamsdk.CreatePolicyOutput](t)(c.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String(n),
				Path: aws.String("/team/"), PolicyDocument: aws.String(doc)}))
			arn[n] = aws.ToString(p.Policy.Arn)
		}
		e.user("u1", arn["lp-attached"])
		e.user("u2")
		_, err := c.PutUserPermissionsBoundary(e.ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: aws.String("u2"), PermissionsBoundary: aws.String(arn["lp-boundary"])})
		ok(t, err)
		_, err = c.PutUserPermissionsBoundary(e.ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: aws.String("u1"),
			PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")})
		ok(t, err)
		e.seedRole("reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			"arn:aws:iam::aws:policy/ReadOnlyAccess")

		list := func(in *iamsdk.ListPoliciesInput) []string {
			t.Helper()
			var names []string
			pages := iamsdk.NewListPoliciesPaginator(c, in)
			for pages.HasMorePages() {
				page, err := pages.NextPage(e.ctx)
				if err != nil {
					t.Fatalf("ListPolicies %+v: %v", in, err)
				}
				for _, p := range page.Policies {
					names = append(names, aws.ToString(p.PolicyName))
				}
			}
			sort.Strings(names)
			return names
		}
		if n := len(list(&iamsdk.ListPoliciesInput{MaxItems: aws.Int32(300)})); n != 1594+3 {
			t.Errorf("Scope=All: %d policies, want 1,597", n)
		}
		if n := len(list(&iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(1000)})); n != 1594 {
			t.Errorf("Scope=AWS: %d policies, want 1,594", n)
		}
		cases := []struct {
			name string
			in   iamsdk.ListPoliciesInput
			want []string
		}{
			{"local", iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}, []string{"lp-attached", "lp-boundary", "lp-unused"}},
			{"path prefix", iamsdk.ListPoliciesInput{PathPrefix: aws.String("/team/")}, []string{"lp-attached", "lp-boundary", "lp-unused"}},
			{"only attached", iamsdk.ListPoliciesInput{OnlyAttached: true}, []string{"AdministratorAccess", "ReadOnlyAccess", "lp-attached"}},
			{"only attached, local", iamsdk.ListPoliciesInput{OnlyAttached: true, Scope: types.PolicyScopeTypeLocal}, []string{"lp-attached"}},
			{"permissions policies", iamsdk.ListPoliciesInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy},
				[]string{"AdministratorAccess", "ReadOnlyAccess", "lp-attached"}},
			{"permissions boundaries", iamsdk.ListPoliciesInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary},
				[]string{"PowerUserAccess", "lp-boundary"}},
			{"permissions boundaries, AWS", iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws,
				PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, []string{"PowerUserAccess"}},
			{"one at a time", iamsdk.ListPoliciesInput{OnlyAttached: true, MaxItems: aws.Int32(1)}, []string{"AdministratorAccess", "ReadOnlyAccess", "lp-attached"}},
		}
		for _, tc := range cases {
			if got := list(&tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		// A page: IsTruncated and the Marker that continues it.
		page := must[*iamsdk.ListPoliciesOutput](t)(c.ListPolicies(e.ctx, &iamsdk.ListPoliciesInput{MaxItems: aws.Int32(2)}))
		if len(page.Policies) != 2 || !page.IsTruncated || aws.ToString(page.Marker) == "" {
			t.Errorf("first page: %d policies, IsTruncated %v, Marker %q", len(page.Policies), page.IsTruncated, aws.ToString(page.Marker))
		}
		// AWS's managed policies count their attachments and boundary uses.
		ro := must[*iamsdk.GetPolicyOutput](t)(c.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})).Policy
		pu := must[*iamsdk.GetPolicyOutput](t)(c.GetPolicy(e.ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")})).Policy
		if aws.ToInt32(ro.AttachmentCount) != 1 || aws.ToInt32(ro.PermissionsBoundaryUsageCount) != 0 ||
			aws.ToInt32(pu.AttachmentCount) != 0 || aws.ToInt32(pu.PermissionsBoundaryUsageCount) != 1 {
			t.Errorf("counts: ReadOnlyAccess %d/%d, PowerUserAccess %d/%d", aws.ToInt32(ro.AttachmentCount), aws.ToInt32(ro.PermissionsBoundaryUsageCount),
				aws.ToInt32(pu.AttachmentCount), aws.ToInt32(pu.PermissionsBoundaryUsageCount))
		}
		// GetPolicyVersion answers AWS's default version ID (IAMReadOnlyAccess
		// is at v4 in AWS's published list). Only default versions are
		// held: AWS answers its older versions too, which the published
		// data lacks, so v1 is NoSuchEntity here (a known difference).
		iro := "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
		v := must[*iamsdk.GetPolicyVersionOutput](t)(c.GetPolicyVersion(e.ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(iro), VersionId: aws.String("v4")})).PolicyVersion
		if !v.IsDefaultVersion || aws.ToString(v.Document) == "" {
			t.Errorf("IAMReadOnlyAccess v4 = %+v", v)
		}
		_, err = c.GetPolicyVersion(e.ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(iro), VersionId: aws.String("v1")})
		wantCode(t, err, "NoSuchEntity")
		contains(t, "message", err.Error(), "Policy "+iro+" version v1 does not exist or is not attachable.")
		// Bad enum values in AWS's validation words.
		_, err = c.ListPolicies(e.ctx, &iamsdk.ListPoliciesInput{Scope: "Everything", PolicyUsageFilter: "Sometimes"})
		wantCode(t, err, "ValidationError")
		contains(t, "message", err.Error(), "2 validation errors detected: Value 'Everything' at 'scope' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [All, AWS, Local]; Value 'Sometimes' at 'policyUsageFilter' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
	})
}
