package awsapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/iamconsole/console/internal/iam"
)

func TestAccountPasswordPolicy(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		_, err := e.iam.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{})
		var nse *types.NoSuchEntityException
		if !asErr(err, &nse) {
			t.Fatalf("GetAccountPasswordPolicy with none set = %v, want NoSuchEntityException", err)
		}
		_, err = e.iam.DeleteAccountPasswordPolicy(e.ctx, &iamsdk.DeleteAccountPasswordPolicyInput{})
		wantCode(t, err, "NoSuchEntity")

		_, err = e.iam.UpdateAccountPasswordPolicy(e.ctx, &iamsdk.UpdateAccountPasswordPolicyInput{
			MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true,
			AllowUsersToChangePassword: true, MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(5)})
		ok(t, err)
		out := must[*iamsdk.GetAccountPasswordPolicyOutput](t)(e.iam.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{}))
		p := out.PasswordPolicy
		if aws.ToInt32(p.MinimumPasswordLength) != 14 || !p.RequireSymbols || !p.RequireNumbers || p.RequireUppercaseCharacters ||
			!p.AllowUsersToChangePassword || !p.ExpirePasswords || aws.ToInt32(p.MaxPasswordAge) != 90 ||
			aws.ToInt32(p.PasswordReusePrevention) != 5 || aws.ToBool(p.HardExpiry) {
			t.Errorf("password policy = %+v", p)
		}
		_, err = e.iam.UpdateAccountPasswordPolicy(e.ctx, &iamsdk.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(3)})
		wantCode(t, err, "ValidationError")

		// A read-only user reads, and is refused the write.
		k, s := e.user("auditor", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
		ro := e.iamClient(k, s, "")
		_, err = ro.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{})
		ok(t, err)
		_, err = ro.DeleteAccountPasswordPolicy(e.ctx, &iamsdk.DeleteAccountPasswordPolicyInput{})
		wantCode(t, err, "AccessDenied")

		_, err = e.iam.DeleteAccountPasswordPolicy(e.ctx, &iamsdk.DeleteAccountPasswordPolicyInput{})
		ok(t, err)
		_, err = e.iam.GetAccountPasswordPolicy(e.ctx, &iamsdk.GetAccountPasswordPolicyInput{})
		wantCode(t, err, "NoSuchEntity")
	})
}

const simPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    },
    {
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "*"
    }
  ]
}`

func TestSimulateCustomPolicy(t *testing.T) {
	e := sqlite(t)
	out, err := e.iam.SimulateCustomPolicy(e.ctx, &iamsdk.SimulateCustomPolicyInput{
		PolicyInputList: []string{simPolicy},
		ActionNames:     []string{"s3:GetObject", "s3:DeleteObject", "s3:PutObject"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:RequestedRegion"),
			ContextKeyValues: []string{"eu-west-1"}, ContextKeyType: types.ContextKeyTypeEnumString}},
	})
	ok(t, err)
	if len(out.EvaluationResults) != 3 || out.IsTruncated {
		t.Fatalf("results = %+v", out.EvaluationResults)
	}
	get, del, put := out.EvaluationResults[0], out.EvaluationResults[1], out.EvaluationResults[2]
	if aws.ToString(get.EvalActionName) != "s3:GetObject" || aws.ToString(get.EvalResourceName) != "*" ||
		get.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Errorf("GetObject = %+v", get)
	}
	if len(get.MatchedStatements) != 1 {
		t.Fatalf("GetObject matched %+v", get.MatchedStatements)
	}
	m := get.MatchedStatements[0]
	if aws.ToString(m.SourcePolicyId) != "PolicyInputList.1" || m.StartPosition == nil || m.StartPosition.Line != 4 ||
		m.EndPosition == nil || m.EndPosition.Line != 9 {
		t.Errorf("GetObject statement = %s %+v %+v", aws.ToString(m.SourcePolicyId), m.StartPosition, m.EndPosition)
	}
	if del.EvalDecision != types.PolicyEvaluationDecisionTypeExplicitDeny || len(del.MatchedStatements) != 1 ||
		del.MatchedStatements[0].StartPosition.Line != 10 {
		t.Errorf("DeleteObject = %+v", del)
	}
	if put.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || len(put.MatchedStatements) != 0 {
		t.Errorf("PutObject = %+v", put)
	}

	// Without the context key, the condition's key is reported missing.
	out, err = e.iam.SimulateCustomPolicy(e.ctx, &iamsdk.SimulateCustomPolicyInput{
		PolicyInputList: []string{simPolicy}, ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/k"},
		PermissionsBoundaryPolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
	})
	ok(t, err)
	r := out.EvaluationResults[0]
	if r.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || aws.ToString(r.EvalResourceName) != "arn:aws:s3:::b/k" ||
		len(r.MissingContextValues) != 1 || r.MissingContextValues[0] != "aws:RequestedRegion" {
		t.Errorf("without context = %+v", r)
	}
	if r.PermissionsBoundaryDecisionDetail == nil || !r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Errorf("boundary detail = %+v", r.PermissionsBoundaryDecisionDetail)
	}

	// Paged: MaxItems 2 over 3 results.
	pg := iamsdk.NewSimulateCustomPolicyPaginator(e.iam, &iamsdk.SimulateCustomPolicyInput{PolicyInputList: []string{simPolicy},
		ActionNames: []string{"s3:GetObject", "s3:DeleteObject", "s3:PutObject"}, MaxItems: aws.Int32(2)})
	var n, pages int
	for pg.HasMorePages() {
		p, err := pg.NextPage(e.ctx)
		ok(t, err)
		n, pages = n+len(p.EvaluationResults), pages+1
	}
	if n != 3 || pages != 2 {
		t.Errorf("paged simulation: %d results in %d pages", n, pages)
	}

	_, err = e.iam.SimulateCustomPolicy(e.ctx, &iamsdk.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Statement":`}, ActionNames: []string{"s3:GetObject"}})
	wantCode(t, err, "MalformedPolicyDocument")
}

func TestListMFADevicesOwn(t *testing.T) {
	e := sqlite(t)
	out := must[*iamsdk.ListMFADevicesOutput](t)(e.iam.ListMFADevices(e.ctx, &iamsdk.ListMFADevicesInput{}))
	if len(out.MFADevices) != 0 || out.IsTruncated {
		t.Errorf("ListMFADevices = %+v", out)
	}

	e.enrollMFA("admin", "phone")
	out = must[*iamsdk.ListMFADevicesOutput](t)(e.iam.ListMFADevices(e.ctx, &iamsdk.ListMFADevicesInput{UserName: aws.String("admin")}))
	if len(out.MFADevices) != 1 || aws.ToString(out.MFADevices[0].UserName) != "admin" ||
		aws.ToString(out.MFADevices[0].SerialNumber) != "arn:aws:iam::"+e.acct.ID+":mfa/phone" || out.MFADevices[0].EnableDate == nil {
		t.Errorf("ListMFADevices after enrollment = %+v", out.MFADevices)
	}
	_, err := e.iam.ListMFADevices(e.ctx, &iamsdk.ListMFADevicesInput{UserName: aws.String("someone-else")})
	wantCode(t, err, "NoSuchEntity")
	// Another user's devices, for whoever may list them (admin may).
	e.user("bob")
	out = must[*iamsdk.ListMFADevicesOutput](t)(e.iam.ListMFADevices(e.ctx, &iamsdk.ListMFADevicesInput{UserName: aws.String("bob")}))
	if len(out.MFADevices) != 0 {
		t.Errorf("bob's devices = %+v", out.MFADevices)
	}
	// A user with no permissions may not list admin's.
	id, secret := e.user("nosy")
	_, err = e.iamClient(id, secret, "").ListMFADevices(e.ctx, &iamsdk.ListMFADevicesInput{UserName: aws.String("admin")})
	wantCode(t, err, "AccessDenied")
}

func TestGetAccountSummary(t *testing.T) {
	e := sqlite(t)
	_, err := e.iam.CreateGroup(e.ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("g")})
	ok(t, err)
	out := must[*iamsdk.GetAccountSummaryOutput](t)(e.iam.GetAccountSummary(e.ctx, &iamsdk.GetAccountSummaryInput{}))
	m := out.SummaryMap
	if m["Users"] != 1 || m["Groups"] != 1 || m["UsersQuota"] != 5000 || m["AccessKeysPerUserQuota"] != 2 {
		t.Errorf("SummaryMap = %v", m)
	}
	k, s := e.user("nobody")
	_, err = e.iamClient(k, s, "").GetAccountSummary(e.ctx, &iamsdk.GetAccountSummaryInput{})
	wantCode(t, err, "AccessDenied")
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.user("dev", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
		e.seedInline("dev", "s3-read", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
		out, err := e.iam.SimulatePrincipalPolicy(e.ctx, &iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(e.userARN("dev")),
			ActionNames: []string{"s3:GetObject", "iam:GetUser", "iam:CreateUser"}})
		ok(t, err)
		if len(out.EvaluationResults) != 3 {
			t.Fatalf("results = %+v", out.EvaluationResults)
		}
		want := []struct {
			decision types.PolicyEvaluationDecisionType
			source   string
			typ      types.PolicySourceType
		}{
			{types.PolicyEvaluationDecisionTypeAllowed, "s3-read", types.PolicySourceTypeUser},
			{types.PolicyEvaluationDecisionTypeAllowed, "IAMReadOnlyAccess", types.PolicySourceTypeAwsManaged},
			{types.PolicyEvaluationDecisionTypeImplicitDeny, "", ""},
		}
		for i, w := range want {
			r := out.EvaluationResults[i]
			if r.EvalDecision != w.decision {
				t.Errorf("%s: %s, want %s", aws.ToString(r.EvalActionName), r.EvalDecision, w.decision)
			}
			if w.source == "" {
				if len(r.MatchedStatements) != 0 {
					t.Errorf("%s matched %+v", aws.ToString(r.EvalActionName), r.MatchedStatements)
				}
				continue
			}
			if len(r.MatchedStatements) == 0 || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != w.source ||
				r.MatchedStatements[0].SourcePolicyType != w.typ {
				t.Errorf("%s matched %+v, want %s (%s)", aws.ToString(r.EvalActionName), r.MatchedStatements, w.source, w.typ)
			}
		}
		// A policy given as text is evaluated with the principal's.
		out, err = e.iam.SimulatePrincipalPolicy(e.ctx, &iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(e.userARN("dev")),
			ActionNames:     []string{"s3:GetObject"},
			PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`}})
		ok(t, err)
		r := out.EvaluationResults[0]
		if r.EvalDecision != types.PolicyEvaluationDecisionTypeExplicitDeny || len(r.MatchedStatements) != 1 ||
			aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "PolicyInputList.1" {
			t.Errorf("with a deny given = %+v", r)
		}
		_, err = e.iam.SimulatePrincipalPolicy(e.ctx, &iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(e.userARN("ghost")),
			ActionNames: []string{"s3:GetObject"}})
		wantCode(t, err, "NoSuchEntity")
	})
}

// enrollMFA gives a user a console password and a virtual MFA device
// (through the console's operations) and returns a function that makes the
// device's code for a time.
func (e *env) enrollMFA(userName, device string) (serial string, code func(time.Time) string) {
	e.t.Helper()
	const pw = "a long enough console passphrase"
	if _, err := e.svc.CreateLoginProfile(e.ctx, nil, iam.CreateLoginProfileInput{UserName: userName, Password: pw}, iam.Meta{}); err != nil {
		e.t.Fatal(err)
	}
	u, err := e.svc.GetUser(e.ctx, nil, userName, iam.Meta{})
	if err != nil {
		e.t.Fatal(err)
	}
	p := &iam.Principal{AccountID: e.acct.ID, Type: iam.TypeUser, Name: userName, ID: u.UserId, ARN: u.Arn}
	enr, err := e.svc.StartEnrollment(e.ctx, p, device, pw, iam.Meta{})
	if err != nil {
		e.t.Fatal(err)
	}
	code = func(at time.Time) string {
		c, err := totp.GenerateCodeCustom(enr.Secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			e.t.Fatal(err)
		}
		return c
	}
	now := time.Now()
	if _, err := e.svc.ConfirmEnrollment(e.ctx, p, code(now.Add(-30*time.Second)), code(now), iam.Meta{}); err != nil {
		e.t.Fatal(err)
	}
	return enr.Serial, code
}

// TestAccountAlias: one alias, replaced by a new one, removed by its name;
// AWS's pattern; a read-only caller refused.
func TestAccountAlias(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		aliases := func() []string {
			out, err := e.iam.ListAccountAliases(e.ctx, &iamsdk.ListAccountAliasesInput{})
			ok(t, err)
			return out.AccountAliases
		}
		if a := aliases(); len(a) != 0 {
			t.Fatalf("aliases before any: %v", a)
		}
		for _, alias := range []string{"acme-prod", "acme-staging"} {
			_, err := e.iam.CreateAccountAlias(e.ctx, &iamsdk.CreateAccountAliasInput{AccountAlias: aws.String(alias)})
			ok(t, err)
			if a := aliases(); len(a) != 1 || a[0] != alias {
				t.Fatalf("aliases after creating %s: %v", alias, a)
			}
		}
		for _, bad := range []string{"ab", "-acme", "acme-", "ac--me", "Acme", "acme_prod"} {
			_, err := e.iam.CreateAccountAlias(e.ctx, &iamsdk.CreateAccountAliasInput{AccountAlias: aws.String(bad)})
			wantCode(t, err, "ValidationError")
		}
		_, err := e.iam.DeleteAccountAlias(e.ctx, &iamsdk.DeleteAccountAliasInput{AccountAlias: aws.String("acme-prod")})
		wantCode(t, err, "NoSuchEntity")
		key, secret := e.user("reader", "arn:aws:iam::aws:policy/ReadOnlyAccess")
		_, err = e.iamClient(key, secret, "").CreateAccountAlias(e.ctx, &iamsdk.CreateAccountAliasInput{AccountAlias: aws.String("mine")})
		wantCode(t, err, "AccessDenied")
		_, err = e.iam.DeleteAccountAlias(e.ctx, &iamsdk.DeleteAccountAliasInput{AccountAlias: aws.String("acme-staging")})
		ok(t, err)
		if a := aliases(); len(a) != 0 {
			t.Fatalf("aliases after deleting: %v", a)
		}
	})
}
