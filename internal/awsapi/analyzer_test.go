package awsapi_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aasdk "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

func (e *env) analyzerClient(id, secret, token string) *aasdk.Client {
	return aasdk.NewFromConfig(e.cfg(id, secret, token), func(o *aasdk.Options) { o.BaseEndpoint = aws.String(e.srv.URL + "/aws") })
}

const analyzerDoc = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:Get*", "iam:PassRole"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "ec2:DescribeInstancez",
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops*"}}
    }
  ]
}`

// TestAnalyzerValidatePolicy runs ValidatePolicy with the real client:
// issue codes, finding types, links and locations as AWS gives them, and
// paging with maxResults and nextToken.
func TestAnalyzerValidatePolicy(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.analyzerClient(e.adminKey, e.adminSecret, "")
		out := must[*aasdk.ValidatePolicyOutput](t)(c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{
			PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy}))
		var codes []string
		for _, f := range out.Findings {
			codes = append(codes, aws.ToString(f.IssueCode))
		}
		want := []string{"REDUNDANT_ACTION", "PASS_ROLE_WITH_STAR_IN_RESOURCE", "INVALID_ACTION", "WILDCARD_WITHOUT_LIKE_OPERATOR"}
		if strings.Join(codes, ",") != strings.Join(want, ",") {
			t.Fatalf("issue codes = %v, want %v", codes, want)
		}
		f := out.Findings[0]
		if f.FindingType != aatypes.ValidatePolicyFindingTypeSuggestion ||
			aws.ToString(f.LearnMoreLink) != "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-action" {
			t.Errorf("finding = %+v", f)
		}
		// "s3:GetObject" is Statement[0].Action[0], on line 6 from column 17
		// (counted from 0, as AWS counts columns and offsets).
		loc := f.Locations[0]
		if len(loc.Path) != 4 || pathString(loc.Path) != "Statement/0/Action/0" {
			t.Errorf("path = %s", pathString(loc.Path))
		}
		s := loc.Span
		if aws.ToInt32(s.Start.Line) != 6 || aws.ToInt32(s.Start.Column) != 17 || aws.ToInt32(s.End.Column) != 31 ||
			int(aws.ToInt32(s.Start.Offset)) != strings.Index(analyzerDoc, `"s3:GetObject"`) ||
			int(aws.ToInt32(s.End.Offset)) != strings.Index(analyzerDoc, `"s3:GetObject"`)+len(`"s3:GetObject"`) {
			t.Errorf("span = %d:%d+%d .. %d:%d+%d", aws.ToInt32(s.Start.Line), aws.ToInt32(s.Start.Column), aws.ToInt32(s.Start.Offset),
				aws.ToInt32(s.End.Line), aws.ToInt32(s.End.Column), aws.ToInt32(s.End.Offset))
		}
		if out.Findings[1].FindingType != aatypes.ValidatePolicyFindingTypeSecurityWarning || len(out.Findings[1].Locations) != 2 ||
			out.Findings[2].FindingType != aatypes.ValidatePolicyFindingTypeError ||
			!strings.Contains(aws.ToString(out.Findings[2].FindingDetails), "ec2:DescribeInstances") {
			t.Errorf("findings = %+v", out.Findings[1:])
		}
		// A condition key's location ends in its name, as a key.
		if p := pathString(out.Findings[3].Locations[0].Path); p != "Statement/1/Condition/StringEquals/key:aws:PrincipalTag/team" {
			t.Errorf("condition path = %s", p)
		}

		// One finding per page: the paginator sees them all, in order.
		pages := aasdk.NewValidatePolicyPaginator(c, &aasdk.ValidatePolicyInput{MaxResults: aws.Int32(1),
			PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy})
		var paged []string
		for pages.HasMorePages() {
			p := must[*aasdk.ValidatePolicyOutput](t)(pages.NextPage(e.ctx))
			if len(p.Findings) != 1 {
				t.Fatalf("page of %d findings", len(p.Findings))
			}
			paged = append(paged, aws.ToString(p.Findings[0].IssueCode))
		}
		if strings.Join(paged, ",") != strings.Join(want, ",") {
			t.Errorf("paged = %v", paged)
		}
		_, err := c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{NextToken: aws.String("bm9wZQ"),
			PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy})
		wantValidation(t, err, "nextToken")

		// A trust policy, validated as the role's.
		trust := must[*aasdk.ValidatePolicyOutput](t)(c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			PolicyType:     aatypes.PolicyTypeResourcePolicy, ValidatePolicyResourceType: aatypes.ValidatePolicyResourceTypeRoleTrust}))
		if len(trust.Findings) != 0 {
			t.Errorf("trust policy findings = %+v", trust.Findings)
		}
	})
}

func pathString(p []aatypes.PathElement) string {
	var parts []string
	for _, e := range p {
		switch v := e.(type) {
		case *aatypes.PathElementMemberIndex:
			parts = append(parts, strconv.Itoa(int(v.Value)))
		case *aatypes.PathElementMemberValue:
			parts = append(parts, v.Value)
		case *aatypes.PathElementMemberKey:
			parts = append(parts, "key:"+v.Value)
		case *aatypes.PathElementMemberSubstring:
			parts = append(parts, "substring")
		}
	}
	return strings.Join(parts, "/")
}

// wantValidation fails unless err is a ValidationException about field.
func wantValidation(t *testing.T, err error, field string) {
	t.Helper()
	var ve *aatypes.ValidationException
	if !errors.As(err, &ve) || ve.Reason != aatypes.ValidationExceptionReasonFieldValidationFailed ||
		len(ve.FieldList) != 1 || aws.ToString(ve.FieldList[0].Name) != field || aws.ToString(ve.Message) == "" {
		t.Errorf("error = %v, want ValidationException on %s", err, field)
	}
}

// TestAnalyzerErrors checks the REST-JSON errors: validation with the
// field, access denied by the engine (each check is its own action),
// signatures refused in the JSON services' words.
func TestAnalyzerErrors(t *testing.T) {
	e := sqlite(t)
	c := e.analyzerClient(e.adminKey, e.adminSecret, "")
	_, err := c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(analyzerDoc), PolicyType: "MANAGED_POLICY"})
	wantValidation(t, err, "policyType")
	wantError(t, err, "ValidationException", "1 validation error detected: Value 'MANAGED_POLICY' at 'policyType' failed to satisfy constraint: "+
		"Member must satisfy enum value set: [IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY]")
	_, err = c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(""), PolicyType: aatypes.PolicyTypeIdentityPolicy})
	wantValidation(t, err, "policyDocument")
	_, err = c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeResourcePolicy,
		ValidatePolicyResourceType: "AWS::EC2::Instance"})
	wantValidation(t, err, "validatePolicyResourceType")
	_, err = c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy, Locale: "XX"})
	wantValidation(t, err, "locale")
	_, err = c.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy, MaxResults: aws.Int32(0)})
	wantValidation(t, err, "maxResults")
	_, err = c.CheckNoPublicAccess(e.ctx, &aasdk.CheckNoPublicAccessInput{PolicyDocument: aws.String(analyzerDoc), ResourceType: "AWS::EC2::Instance"})
	wantValidation(t, err, "resourceType")
	_, err = c.CheckNoNewAccess(e.ctx, &aasdk.CheckNoNewAccessInput{NewPolicyDocument: aws.String(`{"Statement":[]}`),
		ExistingPolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	wantValidation(t, err, "newPolicyDocument")

	// A user allowed ValidatePolicy only.
	pol := must[*iamsdk.CreatePolicyOutput](t)(e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("validate-only"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"access-analyzer:ValidatePolicy","Resource":"*"}]}`)}))
	id, secret := e.user("linter", aws.ToString(pol.Policy.Arn))
	lc := e.analyzerClient(id, secret, "")
	_, err = lc.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy})
	ok(t, err)
	_, err = lc.CheckNoNewAccess(e.ctx, &aasdk.CheckNoNewAccessInput{NewPolicyDocument: aws.String(analyzerDoc),
		ExistingPolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy})
	var ade *aatypes.AccessDeniedException
	if !errors.As(err, &ade) || !strings.Contains(aws.ToString(ade.Message), "access-analyzer:CheckNoNewAccess") {
		t.Errorf("CheckNoNewAccess without permission: %v", err)
	}

	bad := e.analyzerClient("AKIA"+randID(16), strings.Repeat("x", 40), "")
	_, err = bad.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy})
	wantCode(t, err, "UnrecognizedClientException")
	wrong := e.analyzerClient(e.adminKey, strings.Repeat("x", 40), "")
	_, err = wrong.ValidatePolicy(e.ctx, &aasdk.ValidatePolicyInput{PolicyDocument: aws.String(analyzerDoc), PolicyType: aatypes.PolicyTypeIdentityPolicy})
	wantCode(t, err, "InvalidSignatureException")

	// An unsigned request to an Access Analyzer path is answered in its
	// protocol.
	resp, err := http.Post(e.srv.URL+"/aws/policy/validation", "application/json", strings.NewReader(`{}`))
	ok(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" ||
		resp.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(string(body), `{"message":`) {
		t.Errorf("unsigned: %d %v %s", resp.StatusCode, resp.Header, body)
	}
}

// TestAnalyzerCustomChecks runs the three custom checks with the real
// client, PASS and FAIL, with the statements to blame.
func TestAnalyzerCustomChecks(t *testing.T) {
	e := sqlite(t)
	c := e.analyzerClient(e.adminKey, e.adminSecret, "")
	existing := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"}]}`
	narrower := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectTagging"],"Resource":"arn:aws:s3:::reports/2026/*"}]}`
	wider := `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"},` +
		`{"Sid":"Write","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::reports/*"}]}`
	nn := must[*aasdk.CheckNoNewAccessOutput](t)(c.CheckNoNewAccess(e.ctx, &aasdk.CheckNoNewAccessInput{NewPolicyDocument: aws.String(narrower),
		ExistingPolicyDocument: aws.String(existing), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy}))
	if nn.Result != aatypes.CheckNoNewAccessResultPass || len(nn.Reasons) != 0 {
		t.Errorf("narrower policy: %+v", nn)
	}
	nn = must[*aasdk.CheckNoNewAccessOutput](t)(c.CheckNoNewAccess(e.ctx, &aasdk.CheckNoNewAccessInput{NewPolicyDocument: aws.String(wider),
		ExistingPolicyDocument: aws.String(existing), PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy}))
	if nn.Result != aatypes.CheckNoNewAccessResultFail || len(nn.Reasons) != 1 || aws.ToInt32(nn.Reasons[0].StatementIndex) != 1 ||
		aws.ToString(nn.Reasons[0].StatementId) != "Write" {
		t.Errorf("wider policy: %+v", nn)
	}

	ang := must[*aasdk.CheckAccessNotGrantedOutput](t)(c.CheckAccessNotGranted(e.ctx, &aasdk.CheckAccessNotGrantedInput{PolicyDocument: aws.String(wider),
		PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy, Access: []aatypes.Access{{Actions: []string{"s3:PutObject"}}}}))
	if ang.Result != aatypes.CheckAccessNotGrantedResultFail || len(ang.Reasons) != 1 || aws.ToInt32(ang.Reasons[0].StatementIndex) != 1 {
		t.Errorf("CheckAccessNotGranted(s3:PutObject) = %+v", ang)
	}
	ang = must[*aasdk.CheckAccessNotGrantedOutput](t)(c.CheckAccessNotGranted(e.ctx, &aasdk.CheckAccessNotGrantedInput{PolicyDocument: aws.String(wider),
		PolicyType: aatypes.AccessCheckPolicyTypeIdentityPolicy, Access: []aatypes.Access{{Actions: []string{"s3:DeleteObject"}, Resources: []string{"arn:aws:s3:::reports/x"}}}}))
	if ang.Result != aatypes.CheckAccessNotGrantedResultPass {
		t.Errorf("CheckAccessNotGranted(s3:DeleteObject) = %+v", ang)
	}

	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`
	confined := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",` +
		`"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123def4"}}}]}`
	for doc, want := range map[string]aatypes.CheckNoPublicAccessResult{public: aatypes.CheckNoPublicAccessResultFail, confined: aatypes.CheckNoPublicAccessResultPass} {
		np := must[*aasdk.CheckNoPublicAccessOutput](t)(c.CheckNoPublicAccess(e.ctx, &aasdk.CheckNoPublicAccessInput{PolicyDocument: aws.String(doc),
			ResourceType: aatypes.AccessCheckResourceTypeRoleTrust}))
		if np.Result != want {
			t.Errorf("CheckNoPublicAccess(%s) = %+v, want %s", doc, np, want)
		}
	}
	bucket := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`
	np := must[*aasdk.CheckNoPublicAccessOutput](t)(c.CheckNoPublicAccess(e.ctx, &aasdk.CheckNoPublicAccessInput{PolicyDocument: aws.String(bucket),
		ResourceType: aatypes.AccessCheckResourceTypeS3Bucket}))
	if np.Result != aatypes.CheckNoPublicAccessResultFail || len(np.Reasons) != 1 || aws.ToInt32(np.Reasons[0].StatementIndex) != 0 {
		t.Errorf("public bucket = %+v", np)
	}
}
