package awsapi_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestAccountSummaryKeys: GetAccountSummary answers every key of AWS's
// SummaryMap (the SDK model's SummaryKeyType enum), counting what the
// account holds.
func TestAccountSummaryKeys(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		must[*iamsdk.CreateGroupOutput](t)(e.iam.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("g")}))
		e.seedRole("r", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			"arn:aws:iam::aws:policy/ReadOnlyAccess")
		p := must[*iamsdk.CreatePolicyOutput](t)(e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)}))
		_, err := e.iam.AttachGroupPolicy(e.ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: p.Policy.Arn})
		ok(t, err)
		m := must[*iamsdk.GetAccountSummaryOutput](t)(e.iam.GetAccountSummary(e.ctx, &iamsdk.GetAccountSummaryInput{})).SummaryMap
		for _, k := range types.SummaryKeyType("").Values() {
			if _, present := m[string(k)]; !present {
				t.Errorf("SummaryMap lacks %s", k)
			}
		}
		// admin (AdministratorAccess) and r (ReadOnlyAccess) and g (p):
		// three attachments, three versions in use.
		want := map[string]int32{"Users": 1, "Groups": 1, "Roles": 1, "Policies": 1, "PolicyVersionsInUse": 3,
			"AccountPasswordPresent": 1, "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "ServerCertificates": 0,
			"Providers": 0, "InstanceProfiles": 0, "GlobalEndpointTokenVersion": 1,
			// AWS's default quotas (IAM and AWS STS quotas, User Guide).
			"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500, "InstanceProfilesQuota": 1000,
			"ServerCertificatesQuota": 20, "PolicySizeQuota": 6144, "UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120,
			"RolePolicySizeQuota": 10240, "AssumeRolePolicySizeQuota": 2048, "VersionsPerPolicyQuota": 5,
			"PolicyVersionsInUseQuota": 10000, "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10,
			"AttachedPoliciesPerRoleQuota": 10, "GroupsPerUserQuota": 10, "AccessKeysPerUserQuota": 2,
			"SigningCertificatesPerUserQuota": 2}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("SummaryMap[%s] = %d, want %d", k, m[k], v)
			}
		}
	})
}

// TestPasswordPolicyFields: once a policy is set, GetAccountPasswordPolicy
// answers HardExpiry (false too) and ExpirePasswords, MaxPasswordAge only
// when set, as AWS's (the API reference's PasswordPolicy: ExpirePasswords
// "Returns false if MaxPasswordAge is 0 or not present").
func TestPasswordPolicyFields(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		_, err := e.iam.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{})
		wantCode(t, err, "NoSuchEntity")
		contains(t, "message", err.Error(), "The Password Policy with domain name "+e.acct.ID+" cannot be found.")

		_, err = e.iam.UpdateAccountPasswordPolicy(e.ctx, &iamsdk.UpdateAccountPasswordPolicyInput{})
		ok(t, err)
		p := must[*iamsdk.GetAccountPasswordPolicyOutput](t)(e.iam.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{})).PasswordPolicy
		if p.HardExpiry == nil || *p.HardExpiry || p.ExpirePasswords || p.MaxPasswordAge != nil || p.PasswordReusePrevention != nil ||
			aws.ToInt32(p.MinimumPasswordLength) != 6 {
			t.Errorf("defaults: %+v (HardExpiry %v, MaxPasswordAge %v)", p, p.HardExpiry, p.MaxPasswordAge)
		}
		_, err = e.iam.UpdateAccountPasswordPolicy(e.ctx, &iamsdk.UpdateAccountPasswordPolicyInput{MaxPasswordAge: aws.Int32(60),
			HardExpiry: aws.Bool(true), PasswordReusePrevention: aws.Int32(3)})
		ok(t, err)
		p = must[*iamsdk.GetAccountPasswordPolicyOutput](t)(e.iam.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{})).PasswordPolicy
		if !aws.ToBool(p.HardExpiry) || !p.ExpirePasswords || aws.ToInt32(p.MaxPasswordAge) != 60 || aws.ToInt32(p.PasswordReusePrevention) != 3 {
			t.Errorf("set: %+v", p)
		}
	})
}

// TestPolicyVersionShapes: the policy document is in GetPolicyVersion
// only, URL-encoded; CreatePolicyVersion and ListPolicyVersions leave it
// out, as AWS's do (the aws CLI reference's examples for
// create-policy-version and list-policy-versions show VersionId,
// IsDefaultVersion and CreateDate alone). CreatePolicy answers the tags it
// was given.
func TestPolicyVersionShapes(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
		p := must[*iamsdk.CreatePolicyOutput](t)(e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("p"),
			PolicyDocument: aws.String(doc), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}))
		if len(p.Policy.Tags) != 1 || aws.ToString(p.Policy.Tags[0].Key) != "team" || aws.ToString(p.Policy.Tags[0].Value) != "blue" {
			t.Errorf("CreatePolicy Tags = %+v", p.Policy.Tags)
		}
		v := must[*iamsdk.CreatePolicyVersionOutput](t)(e.iam.CreatePolicyVersion(e.ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: p.Policy.Arn,
			PolicyDocument: aws.String(doc), SetAsDefault: true}))
		if aws.ToString(v.PolicyVersion.VersionId) != "v2" || !v.PolicyVersion.IsDefaultVersion || v.PolicyVersion.Document != nil {
			t.Errorf("CreatePolicyVersion = %+v", v.PolicyVersion)
		}
		vs := must[*iamsdk.ListPolicyVersionsOutput](t)(e.iam.ListPolicyVersions(e.ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: p.Policy.Arn}))
		if len(vs.Versions) != 2 {
			t.Fatalf("versions = %+v", vs.Versions)
		}
		for _, v := range vs.Versions {
			if v.Document != nil {
				t.Errorf("ListPolicyVersions %s has a Document", aws.ToString(v.VersionId))
			}
		}
		g := must[*iamsdk.GetPolicyVersionOutput](t)(e.iam.GetPolicyVersion(e.ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: aws.String("v1")}))
		if got, err := url.QueryUnescape(aws.ToString(g.PolicyVersion.Document)); err != nil || got != doc || !strings.Contains(aws.ToString(g.PolicyVersion.Document), "%22") {
			t.Errorf("GetPolicyVersion Document = %q", aws.ToString(g.PolicyVersion.Document))
		}
	})
}
