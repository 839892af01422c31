package awsapi_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// wantError fails unless err carries AWS error code and message, as AWS
// words them.
func wantError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || ae.ErrorMessage() != msg {
		t.Errorf("error = %v, want %s: %s", err, code, msg)
	}
}

func tagsOf(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// TestInstanceProfiles walks an instance profile through its life with the
// real client: create, one role at most, the conflicts deleting either
// side, tags, and the errors in AWS's words.
func TestInstanceProfiles(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		out := must[*iamsdk.CreateInstanceProfileOutput](t)(c.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{
			InstanceProfileName: aws.String("Web"), Path: aws.String("/app/"), Tags: tagsOf("env", "prod")}))
		p := out.InstanceProfile
		if aws.ToString(p.InstanceProfileName) != "Web" || aws.ToString(p.Path) != "/app/" ||
			!strings.HasPrefix(aws.ToString(p.InstanceProfileId), "AIPA") || len(aws.ToString(p.InstanceProfileId)) != 21 ||
			aws.ToString(p.Arn) != "arn:aws:iam::"+e.acct.ID+":instance-profile/app/Web" || p.CreateDate == nil ||
			len(p.Roles) != 0 || len(p.Tags) != 1 {
			t.Errorf("CreateInstanceProfile = %+v", p)
		}
		_, err := c.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("WEB")})
		wantError(t, err, "EntityAlreadyExists", "Instance Profile WEB already exists.")

		_, err = c.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("ec2-app"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
		ok(t, err)
		_, err = c.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("ec2-other"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
		ok(t, err)
		_, err = c.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("web"), RoleName: aws.String("EC2-APP")})
		ok(t, err)
		got := must[*iamsdk.GetInstanceProfileOutput](t)(c.GetInstanceProfile(e.ctx, &iamsdk.GetInstanceProfileInput{InstanceProfileName: aws.String("web")})).InstanceProfile
		if len(got.Roles) != 1 || aws.ToString(got.Roles[0].RoleName) != "ec2-app" || decoded(t, got.Roles[0].AssumeRolePolicyDocument) != ec2Trust ||
			aws.ToString(got.Roles[0].Arn) != "arn:aws:iam::"+e.acct.ID+":role/ec2-app" || len(got.Tags) != 1 || aws.ToString(got.InstanceProfileName) != "Web" {
			t.Errorf("GetInstanceProfile = %+v", got)
		}
		for _, role := range []string{"ec2-app", "ec2-other"} {
			_, err = c.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Web"), RoleName: aws.String(role)})
			wantError(t, err, "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
		}
		_, err = c.DeleteInstanceProfile(e.ctx, &iamsdk.DeleteInstanceProfileInput{InstanceProfileName: aws.String("Web")})
		wantError(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
		_, err = c.DeleteRole(e.ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("ec2-app")})
		wantError(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")

		// A role may be in several profiles.
		_, err = c.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("batch")})
		ok(t, err)
		_, err = c.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("batch"), RoleName: aws.String("ec2-app")})
		ok(t, err)
		forRole := must[*iamsdk.ListInstanceProfilesForRoleOutput](t)(c.ListInstanceProfilesForRole(e.ctx, &iamsdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("ec2-app")}))
		if len(forRole.InstanceProfiles) != 2 || aws.ToString(forRole.InstanceProfiles[0].InstanceProfileName) != "batch" || forRole.IsTruncated ||
			len(forRole.InstanceProfiles[1].Roles) != 1 || forRole.InstanceProfiles[1].Tags != nil {
			t.Errorf("ListInstanceProfilesForRole = %+v", forRole.InstanceProfiles)
		}
		none := must[*iamsdk.ListInstanceProfilesForRoleOutput](t)(c.ListInstanceProfilesForRole(e.ctx, &iamsdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("ec2-other")}))
		if len(none.InstanceProfiles) != 0 {
			t.Errorf("profiles of a role in none = %+v", none.InstanceProfiles)
		}

		// Tags.
		_, err = c.TagInstanceProfile(e.ctx, &iamsdk.TagInstanceProfileInput{InstanceProfileName: aws.String("Web"), Tags: tagsOf("team", "a", "ENV", "dev")})
		ok(t, err)
		tl := must[*iamsdk.ListInstanceProfileTagsOutput](t)(c.ListInstanceProfileTags(e.ctx, &iamsdk.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("Web")}))
		if len(tl.Tags) != 2 || aws.ToString(tl.Tags[0].Key) != "ENV" || aws.ToString(tl.Tags[0].Value) != "dev" {
			t.Errorf("ListInstanceProfileTags = %+v", tl.Tags)
		}
		_, err = c.UntagInstanceProfile(e.ctx, &iamsdk.UntagInstanceProfileInput{InstanceProfileName: aws.String("Web"), TagKeys: []string{"env"}})
		ok(t, err)
		tl = must[*iamsdk.ListInstanceProfileTagsOutput](t)(c.ListInstanceProfileTags(e.ctx, &iamsdk.ListInstanceProfileTagsInput{InstanceProfileName: aws.String("Web")}))
		if len(tl.Tags) != 1 || aws.ToString(tl.Tags[0].Key) != "team" {
			t.Errorf("after UntagInstanceProfile = %+v", tl.Tags)
		}
		var many []string
		for i := range 50 {
			many = append(many, fmt.Sprintf("k%d", i), "v")
		}
		_, err = c.TagInstanceProfile(e.ctx, &iamsdk.TagInstanceProfileInput{InstanceProfileName: aws.String("Web"), Tags: tagsOf(many...)})
		wantCode(t, err, "LimitExceeded")
		_, err = c.TagInstanceProfile(e.ctx, &iamsdk.TagInstanceProfileInput{InstanceProfileName: aws.String("nope"), Tags: tagsOf("a", "b")})
		wantError(t, err, "NoSuchEntity", "Instance Profile nope cannot be found.")

		sum := must[*iamsdk.GetAccountSummaryOutput](t)(c.GetAccountSummary(e.ctx, &iamsdk.GetAccountSummaryInput{}))
		if n := sum.SummaryMap["InstanceProfiles"]; n != 2 {
			t.Errorf("GetAccountSummary InstanceProfiles = %d, want 2", n)
		}

		// Out again, and gone.
		_, err = c.RemoveRoleFromInstanceProfile(e.ctx, &iamsdk.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("Web"), RoleName: aws.String("ec2-app")})
		ok(t, err)
		_, err = c.RemoveRoleFromInstanceProfile(e.ctx, &iamsdk.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("Web"), RoleName: aws.String("ec2-app")})
		wantError(t, err, "NoSuchEntity", "The role with name ec2-app cannot be found.")
		_, err = c.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Web"), RoleName: aws.String("ec2-other")})
		ok(t, err) // room again
		_, err = c.RemoveRoleFromInstanceProfile(e.ctx, &iamsdk.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("Web"), RoleName: aws.String("ec2-other")})
		ok(t, err)
		_, err = c.DeleteInstanceProfile(e.ctx, &iamsdk.DeleteInstanceProfileInput{InstanceProfileName: aws.String("Web")})
		ok(t, err)
		_, err = c.GetInstanceProfile(e.ctx, &iamsdk.GetInstanceProfileInput{InstanceProfileName: aws.String("Web")})
		wantError(t, err, "NoSuchEntity", "Instance Profile Web cannot be found.")
		_, err = c.DeleteInstanceProfile(e.ctx, &iamsdk.DeleteInstanceProfileInput{InstanceProfileName: aws.String("Web")})
		wantError(t, err, "NoSuchEntity", "Instance Profile Web cannot be found.")
		// A profile made again under the name has none of the old tags.
		again := must[*iamsdk.CreateInstanceProfileOutput](t)(c.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("Web")}))
		if again.InstanceProfile.Tags != nil || aws.ToString(again.InstanceProfile.Path) != "/" {
			t.Errorf("made again = %+v", again.InstanceProfile)
		}
		_, err = c.RemoveRoleFromInstanceProfile(e.ctx, &iamsdk.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("batch"), RoleName: aws.String("ec2-app")})
		ok(t, err)
		_, err = c.DeleteRole(e.ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("ec2-app")})
		ok(t, err)
	})
}

// TestInstanceProfilePaging pages ListInstanceProfiles with Marker and
// MaxItems, and narrows it by PathPrefix.
func TestInstanceProfilePaging(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		names := []string{"a1", "B2", "c3", "d4", "E5"}
		for i, n := range names {
			path := "/"
			if i%2 == 0 {
				path = "/even/"
			}
			_, err := e.iam.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String(n), Path: aws.String(path)})
			ok(t, err)
		}
		var seen []string
		var marker *string
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			out := must[*iamsdk.ListInstanceProfilesOutput](t)(e.iam.ListInstanceProfiles(e.ctx, &iamsdk.ListInstanceProfilesInput{MaxItems: aws.Int32(2), Marker: marker}))
			if len(out.InstanceProfiles) > 2 {
				t.Fatalf("page of %d", len(out.InstanceProfiles))
			}
			for _, p := range out.InstanceProfiles {
				seen = append(seen, aws.ToString(p.InstanceProfileName))
			}
			if !out.IsTruncated {
				break
			}
			marker = out.Marker
		}
		if strings.Join(seen, ",") != strings.Join(names, ",") {
			t.Errorf("paged = %v, want %v", seen, names)
		}
		even := must[*iamsdk.ListInstanceProfilesOutput](t)(e.iam.ListInstanceProfiles(e.ctx, &iamsdk.ListInstanceProfilesInput{PathPrefix: aws.String("/even/")}))
		if len(even.InstanceProfiles) != 3 || aws.ToString(even.InstanceProfiles[1].InstanceProfileName) != "c3" {
			t.Errorf("PathPrefix /even/ = %+v", even.InstanceProfiles)
		}
	})
}

// TestInstanceProfileBadInput: every refusal with AWS's code.
func TestInstanceProfileBadInput(t *testing.T) {
	e := sqlite(t)
	_, err := e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
	ok(t, err)
	_, err = e.iam.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("p")})
	ok(t, err)
	long := strings.Repeat("n", 129)
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"no name", func() error {
			_, err := e.iam.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("")})
			return err
		}, "ValidationError"},
		{"name with a space", func() error {
			_, err := e.iam.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("a b")})
			return err
		}, "ValidationError"},
		{"name of 129", func() error {
			_, err := e.iam.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String(long)})
			return err
		}, "ValidationError"},
		{"path without slashes", func() error {
			_, err := e.iam.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("q"), Path: aws.String("app")})
			return err
		}, "ValidationError"},
		{"tag key too long", func() error {
			_, err := e.iam.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("q"), Tags: tagsOf(long, "v")})
			return err
		}, "ValidationError"},
		{"add without a role name", func() error {
			_, err := e.iam.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("p"), RoleName: aws.String("")})
			return err
		}, "ValidationError"},
		{"add a missing role", func() error {
			_, err := e.iam.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("p"), RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		{"add to a missing profile", func() error {
			_, err := e.iam.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("nope"), RoleName: aws.String("r")})
			return err
		}, "NoSuchEntity"},
		{"profiles of a missing role", func() error {
			_, err := e.iam.ListInstanceProfilesForRole(e.ctx, &iamsdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		{"MaxItems 0", func() error {
			_, err := e.iam.ListInstanceProfiles(e.ctx, &iamsdk.ListInstanceProfilesInput{MaxItems: aws.Int32(0)})
			return err
		}, "ValidationError"},
		{"bad path prefix", func() error {
			_, err := e.iam.ListInstanceProfiles(e.ctx, &iamsdk.ListInstanceProfilesInput{PathPrefix: aws.String("x")})
			return err
		}, "ValidationError"},
		{"untag an empty key", func() error {
			_, err := e.iam.UntagInstanceProfile(e.ctx, &iamsdk.UntagInstanceProfileInput{InstanceProfileName: aws.String("p"), TagKeys: []string{""}})
			return err
		}, "ValidationError"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}
}

// TestInstanceProfilePermissions: the profile actions are authorized on the
// profile's ARN, and adding a role takes iam:PassRole on the role, as AWS's.
func TestInstanceProfilePermissions(t *testing.T) {
	e := sqlite(t)
	_, err := e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
	ok(t, err)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateInstanceProfile","iam:AddRoleToInstanceProfile"],"Resource":"*"}]}`
	pol := must[*iamsdk.CreatePolicyOutput](t)(e.iam.CreatePolicy(e.ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("profiles"), PolicyDocument: aws.String(doc)}))
	id, secret := e.user("builder", aws.ToString(pol.Policy.Arn))
	b := e.iamClient(id, secret, "")
	_, err = b.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("p")})
	ok(t, err)
	_, err = b.CreateInstanceProfile(e.ctx, &iamsdk.CreateInstanceProfileInput{InstanceProfileName: aws.String("q"), Tags: tagsOf("a", "b")})
	wantCode(t, err, "AccessDenied") // no iam:TagInstanceProfile
	_, err = b.AddRoleToInstanceProfile(e.ctx, &iamsdk.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("p"), RoleName: aws.String("r")})
	wantCode(t, err, "AccessDenied") // no iam:PassRole
	_, err = b.GetInstanceProfile(e.ctx, &iamsdk.GetInstanceProfileInput{InstanceProfileName: aws.String("p")})
	wantCode(t, err, "AccessDenied")
	_, err = b.DeleteInstanceProfile(e.ctx, &iamsdk.DeleteInstanceProfileInput{InstanceProfileName: aws.String("nope")})
	wantCode(t, err, "AccessDenied") // refused before telling it does not exist
}

// TestInstanceProfileXML checks the shape without the SDK, against AWS's
// sample response: an empty profile still has its Roles element, a role in
// it is a member with its trust policy; missing parameters are AWS's
// ValidationError.
func TestInstanceProfileXML(t *testing.T) {
	e := sqlite(t)
	v := func(kv ...string) url.Values {
		f := url.Values{"Version": {"2010-05-08"}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	status, body := e.raw(v("Action", "CreateInstanceProfile", "InstanceProfileName", "Webserver", "Path", "/application_abc/component_xyz/"))
	if status != 200 {
		t.Fatalf("CreateInstanceProfile: %d %s", status, body)
	}
	for _, want := range []string{"<CreateInstanceProfileResponse", "<CreateInstanceProfileResult><InstanceProfile><Path>/application_abc/component_xyz/</Path>",
		"<InstanceProfileName>Webserver</InstanceProfileName>", "<InstanceProfileId>AIPA", "<Roles></Roles>",
		"<Arn>arn:aws:iam::" + e.acct.ID + ":instance-profile/application_abc/component_xyz/Webserver</Arn>", "<CreateDate>"} {
		contains(t, "CreateInstanceProfile", string(body), want)
	}
	_, err := e.iam.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("S3Access"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
	ok(t, err)
	if status, body = e.raw(v("Action", "AddRoleToInstanceProfile", "InstanceProfileName", "Webserver", "RoleName", "S3Access")); status != 200 ||
		!strings.Contains(string(body), "<AddRoleToInstanceProfileResponse") {
		t.Fatalf("AddRoleToInstanceProfile: %d %s", status, body)
	}
	_, body = e.raw(v("Action", "GetInstanceProfile", "InstanceProfileName", "Webserver"))
	for _, want := range []string{"<Roles><member><Path>/</Path><RoleName>S3Access</RoleName><RoleId>AROA",
		"<AssumeRolePolicyDocument>%7B", "</member></Roles>"} {
		contains(t, "GetInstanceProfile", string(body), want)
	}
	_, body = e.raw(v("Action", "ListInstanceProfiles"))
	for _, want := range []string{"<ListInstanceProfilesResult><InstanceProfiles><member>", "<IsTruncated>false</IsTruncated>"} {
		contains(t, "ListInstanceProfiles", string(body), want)
	}
	for _, form := range []url.Values{v("Action", "GetInstanceProfile"), v("Action", "AddRoleToInstanceProfile", "InstanceProfileName", "Webserver"),
		v("Action", "ListInstanceProfilesForRole"), v("Action", "TagInstanceProfile", "InstanceProfileName", "Webserver")} {
		status, body := e.raw(form)
		var x xmlErr
		if err := xml.Unmarshal(body, &x); err != nil || status != 400 || x.Error.Code != "ValidationError" {
			t.Errorf("%s without a required parameter: %d %s", form.Get("Action"), status, body)
		}
	}
}
