package iam

import (
	"sort"
	"time"
)

// BuiltinPolicy is an AWS managed policy (arn:aws:iam::aws:policy/NAME). They
// exist in every account, as AWS's do, and cannot be edited. Their documents
// have AWS's meaning for the actions this console serves.
type BuiltinPolicy struct {
	Name        string
	ID          string
	Description string
	Path        string
	Document    string
}

// ARN is the policy's ARN.
func (b *BuiltinPolicy) ARN() string { return "arn:aws:iam::aws:policy" + b.Path + b.Name }

// VersionID is the default (and only) version.
func (b *BuiltinPolicy) VersionID() string { return "v1" }

// BuiltinCreateDate is when the built-ins "were created", for API output.
var BuiltinCreateDate = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)

var builtins = []*BuiltinPolicy{
	{Name: "AdministratorAccess", ID: "ANPAIWMBCKSKIEE64ZLYK", Path: "/",
		Description: "Provides full access to AWS services and resources.",
		Document:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	{Name: "PowerUserAccess", ID: "ANPAJYRXTHIB4FOVS3ZXS", Path: "/",
		Description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
		Document: `{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},` +
			`{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles",` +
			`"organizations:DescribeOrganization","account:ListRegions","account:GetAccountInformation"],"Resource":"*"}]}`},
	{Name: "ReadOnlyAccess", ID: "ANPAILL3HVNFSB6DCOWYQ", Path: "/",
		Description: "Provides read-only access to AWS services and resources.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` +
			`"iam:Generate*","iam:Get*","iam:List*","iam:Simulate*",` +
			`"sts:GetCallerIdentity","sts:GetSessionToken",` +
			`"s3:Get*","s3:List*","ec2:Describe*","ec2:Get*","lambda:Get*","lambda:List*",` +
			`"cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents"],"Resource":"*"}]}`},
	{Name: "IAMFullAccess", ID: "ANPAI7XKCFMBPM3QQRRVQ", Path: "/",
		Description: "Provides full access to IAM via the AWS Management Console.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount",` +
			`"organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy",` +
			`"organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget",` +
			`"organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`},
	{Name: "IAMReadOnlyAccess", ID: "ANPAJKSO7NDY4T57MWDSQ", Path: "/",
		Description: "Provides read only access to IAM via the AWS Management Console.",
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport",` +
			`"iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy",` +
			`"iam:SimulatePrincipalPolicy"],"Resource":"*"}]}`},
	{Name: "IAMUserChangePassword", ID: "ANPAJ4L4MM2A7QIEB56MS", Path: "/",
		Description: "Provides the ability for an IAM user to change their own password.",
		Document: `{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},` +
			`{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]}`},
}

var builtinByARN = func() map[string]*BuiltinPolicy {
	m := make(map[string]*BuiltinPolicy, len(builtins))
	for _, b := range builtins {
		m[b.ARN()] = b
	}
	return m
}()

// Builtin returns the AWS managed policy with the given ARN, or nil.
func Builtin(arn string) *BuiltinPolicy { return builtinByARN[arn] }

// BuiltinByName returns the AWS managed policy with the given name, or nil.
func BuiltinByName(name string) *BuiltinPolicy {
	return builtinByARN["arn:aws:iam::aws:policy/"+name]
}

// Builtins lists the AWS managed policies by name.
func Builtins() []*BuiltinPolicy {
	out := append([]*BuiltinPolicy(nil), builtins...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// BuiltinARNs lists the AWS managed policies' ARNs, by name.
func BuiltinARNs() []string {
	var out []string
	for _, b := range Builtins() {
		out = append(out, b.ARN())
	}
	return out
}
