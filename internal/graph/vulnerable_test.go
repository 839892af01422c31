package graph

import (
	"sort"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const vulnAcct = "arn:aws:iam::200611803367:"

// techniquesOf maps each principal to the techniques its escalation findings
// name (PrivilegeEscalation and HiddenAdmin).
func techniquesOf(fs []Finding) map[string][]string {
	m := map[string][]string{}
	for _, f := range fs {
		if f.Type == FindingPrivilegeEscalation || f.Type == FindingHiddenAdmin {
			m[f.Principal] = append(m[f.Principal], f.Technique)
		}
	}
	return m
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestIAMVulnerable(t *testing.T) {
	g := Build(mustLoad(t, "iam-vulnerable.json"), Options{Now: testNow})
	fs := g.Findings(testNow)
	techs := techniquesOf(fs)
	hidden := map[string]bool{}
	for _, a := range g.Admins() {
		if a.Hidden {
			hidden[a.Principal] = true
		}
	}
	// Users whose path the dump supports, with the technique that must be named.
	found := []struct{ user, technique string }{
		{"privesc1-CreateNewPolicyVersion-user", "iam-001"},
		{"privesc3-CreateEC2WithExistingInstanceProfile-user", "ec2-001"},
		{"privesc4-CreateAccessKey-user", "iam-002"},
		{"privesc5-CreateLoginProfile-user", "iam-004"},
		{"privesc6-UpdateLoginProfile-user", "iam-006"},
		{"privesc7-AttachUserPolicy-user", "iam-008"},
		{"privesc8-AttachGroupPolicy-user", "iam-010"},
		{"privesc10-PutUserPolicy-user", "iam-007"},
		{"privesc11-PutGroupPolicy-user", "iam-011"},
		{"privesc13-AddUserToGroup-user", "iam-013"},
		{"privesc14-UpdatingAssumeRolePolicy-user", "iam-012"},
		{"privesc15-PassExistingRoleToNewLambdaThenInvoke-user", "lambda-001"},
		{"privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user", "lambda-002"},
		{"privesc17-EditExistingLambdaFunctionWithRole-user", "lambda-003"},
		{"privesc18-PassExistingRoleToNewGlueDevEndpoint-user", "glue-001"},
		{"privesc19-UpdateExistingGlueDevEndpoint-user", "glue-002"},
		{"privesc20-PassExistingRoleToCloudFormation-user", "cloudformation-001"},
		{"privesc21-PassExistingRoleToNewDataPipeline-user", "datapipeline-001"},
		{"privesc-CloudFormationUpdateStack-user", "cloudformation-002"},
		{"privesc-codeBuildCreateProjectPassRole-user", "codebuild-001"},
		{"privesc-ec2InstanceConnect-user", "ec2instanceconnect-003"},
		{"privesc-sageMakerCreateNotebookPassRole-user", "sagemaker-001"},
		{"privesc-sageMakerCreatePresignedNotebookURL-user", "sagemaker-004"},
		{"privesc-sageMakerCreateProcessingJobPassRole-user", "sagemaker-003"},
		{"privesc-sageMakerCreateTrainingJobPassRole-user", "sagemaker-002"},
		{"privesc-ssmSendCommand-user", "ssm-002"},
		{"privesc-ssmStartSession-user", "ssm-001"},
		{"privesc-sre-user", "iam-010"}, // iam:* through its group; also assumes privesc-sre-role
		// False-negative traps: constrained-looking, exploitable.
		{"fn1-privesc3-partial-user", "ec2-001"},               // PassRole from one policy, RunInstances from another
		{"fn2-exploitableResourceConstraint-user", "iam-001"},  // policy/fn2-* matches its own policy
		{"fn3-exploitableConditionConstraint-user", "iam-001"}, // aws:TokenIssueTime after 2020 holds
		{"fn4-exploitableNotAction-user", "iam-007"},           // NotAction leaves iam:Put* allowed
		// Roles holding the same policies.
		{"role/privesc9-AttachRolePolicy-role", "iam-009"},
		{"role/privesc12-PutRolePolicy-role", "iam-005"},
		{"role/privesc-AssumeRole-starting-role", "sts-001"},
	}
	for _, c := range found {
		arn := vulnAcct + c.user
		if !strings.HasPrefix(c.user, "role/") {
			arn = vulnAcct + "user/" + c.user
		}
		if !has(techs[arn], c.technique) {
			t.Errorf("%s: want technique %s, findings name %v", c.user, c.technique, techs[arn])
		}
		if !hidden[arn] {
			t.Errorf("%s: not a hidden admin", c.user)
		}
	}
	// privesc users the dump does not let escalate, and why.
	notFound := []struct{ user, why string }{
		{"user/privesc2-SetExistingDefaultPolicyVersion-user", "its only policy has a single version: SetDefaultPolicyVersion has nothing to switch to"},
		{"role/privesc2-SetExistingDefaultPolicyVersion-role", "same policy, same single version"},
		{"user/privesc9-AttachRolePolicy-user", "may attach policies to any role but can become none: no trust names it and it lacks sts:AssumeRole"},
		{"user/privesc12-PutRolePolicy-user", "may put policies on any role but can become none, as privesc9"},
		{"user/privesc-AssumeRole-start-user", "has no policy at all; the chain starts at privesc-AssumeRole-starting-role, which trusts an SSO session"},
	}
	for _, c := range notFound {
		arn := vulnAcct + c.user
		if len(techs[arn]) > 0 || hidden[arn] {
			t.Errorf("%s should not escalate (%s); findings name %v", c.user, c.why, techs[arn])
		}
	}
	// False-positive traps: risky-looking, not exploitable.
	for _, u := range []string{"fp1-allow-and-deny-user", "fp2-allow-and-deny-multiple-policies-user", "fp3-deny-iam-user",
		"fp4-nonExploitableResourceConstraint-user", "fp5-nonExploitableConditionConstraint-user"} {
		for _, f := range fs {
			if f.Principal == vulnAcct+"user/"+u || f.Principal == vulnAcct+"role/"+strings.TrimSuffix(u, "-user")+"-role" {
				if f.Type == FindingPrivilegeEscalation || f.Type == FindingHiddenAdmin || f.Type == FindingAdmin {
					t.Errorf("%s flagged: %+v", u, f)
				}
			}
		}
	}
	// Trusts open outside the account: the organization's management account
	// (its root) and its StackSets service-linked role, a named principal.
	// The SSO session, SAML provider and service trusts are not flagged.
	var permissive []string
	for _, f := range fs {
		if f.Type == FindingPermissiveTrust {
			permissive = append(permissive, f.Severity+" "+strings.TrimPrefix(f.Principal, vulnAcct))
		}
	}
	if got, want := strings.Join(permissive, "; "),
		"High role/OrganizationAccountAccessRole; Medium role/stacksets-exec-b5520cb2730c2f54b523d6375a319abb"; got != want {
		t.Errorf("permissive trusts:\n got %s\nwant %s", got, want)
	}
	// Every privesc user is accounted for.
	listed := map[string]bool{}
	for _, c := range found {
		listed[c.user] = true
	}
	for _, c := range notFound {
		listed[strings.TrimPrefix(c.user, "user/")] = true
	}
	for _, u := range g.acct.Users {
		if strings.HasPrefix(u.Name, "privesc") && !listed[u.Name] {
			t.Errorf("privesc user %s not in the test table", u.Name)
		}
	}
}

// TestNamesDoNotMatter renames every user, group and role (names, ARNs and
// every mention in policy documents) and expects the same findings: types,
// severities, principals, techniques and path lengths.
func TestNamesDoNotMatter(t *testing.T) {
	a := mustLoad(t, "iam-vulnerable.json")
	b := mustLoad(t, "iam-vulnerable.json")
	rename := map[string]string{} // old ARN -> new ARN
	var olds []string
	n := 0
	fresh := func(arn, name string) string {
		n++
		nn := "p" + itoa(1000+n)
		rename[arn] = arn[:len(arn)-len(name)] + nn
		olds = append(olds, arn)
		return nn
	}
	for i := range b.Users {
		u := &b.Users[i]
		u.Name = fresh(u.ARN, u.Name)
	}
	groupNames := map[string]string{}
	for i := range b.Groups {
		gr := &b.Groups[i]
		old := gr.Name
		gr.Name = fresh(gr.ARN, gr.Name)
		groupNames[old] = gr.Name
	}
	for i := range b.Roles {
		r := &b.Roles[i]
		r.Name = fresh(r.ARN, r.Name)
	}
	// Longest ARNs first, so that a name that prefixes another is not half-replaced.
	sort.Slice(olds, func(i, j int) bool { return len(olds[i]) > len(olds[j]) })
	fix := func(s string) string {
		for _, o := range olds {
			s = strings.ReplaceAll(s, `"`+o+`"`, `"`+rename[o]+`"`)
			// assumed-role session ARNs name roles too
			if strings.Contains(o, ":role/") {
				sess := strings.Replace(o[:strings.LastIndex(o, "/")+1], ":iam::", ":sts::", 1)
				sess = strings.Replace(sess, ":role/", ":assumed-role/", 1)
				name := o[strings.LastIndex(o, "/")+1:]
				nn := rename[o][strings.LastIndex(rename[o], "/")+1:]
				s = strings.ReplaceAll(s, `:assumed-role/`+name+`/`, `:assumed-role/`+nn+`/`)
				_ = sess
			}
		}
		return s
	}
	for i := range b.Users {
		u := &b.Users[i]
		u.ARN = rename[u.ARN]
		for j := range u.Groups {
			u.Groups[j] = groupNames[u.Groups[j]]
		}
		for j := range u.Inline {
			u.Inline[j].Document = fix(u.Inline[j].Document)
		}
	}
	for i := range b.Groups {
		gr := &b.Groups[i]
		gr.ARN = rename[gr.ARN]
		for j := range gr.Inline {
			gr.Inline[j].Document = fix(gr.Inline[j].Document)
		}
	}
	for i := range b.Roles {
		r := &b.Roles[i]
		r.Trust = fix(r.Trust)
		for j := range r.Inline {
			r.Inline[j].Document = fix(r.Inline[j].Document)
		}
		for j := range r.InstanceProfiles {
			for k := range r.InstanceProfiles[j].Roles {
				r.InstanceProfiles[j].Roles[k] = rename[r.InstanceProfiles[j].Roles[k]]
			}
		}
		r.ARN = rename[r.ARN]
	}
	for i := range b.Policies {
		for j := range b.Policies[i].Versions {
			b.Policies[i].Versions[j].Document = fix(b.Policies[i].Versions[j].Document)
		}
	}
	back := map[string]string{}
	for o, nw := range rename {
		back[nw] = o
	}
	norm := func(fs []Finding, m map[string]string) []string {
		var out []string
		for _, f := range fs {
			p := f.Principal
			if o, ok := m[p]; ok {
				p = o
			}
			// Which of several equally short paths is shown follows ARN order,
			// so only its length is compared.
			out = append(out, f.Type+"|"+f.Severity+"|"+p+"|"+f.Technique+"|"+itoa(len(f.Path)))
		}
		sort.Strings(out)
		return out
	}
	fa := norm(Build(a, Options{Now: testNow}).Findings(testNow), nil)
	fb := norm(Build(b, Options{Now: testNow}).Findings(testNow), back)
	if strings.Join(fa, "\n") != strings.Join(fb, "\n") {
		for i := 0; i < len(fa) && i < len(fb); i++ {
			if fa[i] != fb[i] {
				t.Fatalf("first difference:\n %s\n %s", fa[i], fb[i])
			}
		}
		t.Fatalf("%d findings before renaming, %d after", len(fa), len(fb))
	}
}
