package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/policy"
)

// Account is a snapshot of one account's IAM configuration: plain data, the
// shape of `aws iam get-account-authorization-details` plus what that command
// leaves out (access keys, MFA devices, login profiles), which the live
// account supplies and imported dumps usually lack (CredentialsKnown false).
//
// Policy documents are kept as JSON text (indented, two spaces) so that the
// line:column positions in explanations point into what a reviewer reads.
type Account struct {
	ID       string // 12-digit account ID
	Users    []User
	Groups   []Group
	Roles    []Role
	Policies []ManagedPolicy
	// CredentialsKnown says whether Users carry access keys, MFA devices and
	// login profiles. A dump from AWS does not, so checks that depend on them
	// (MFA, stale keys, inactivity, login-profile prerequisites) are skipped or
	// assumed rather than answered wrongly.
	CredentialsKnown bool
	// Root describes the account root user when known; nil otherwise.
	Root *Root
	// Foreign lists the ARNs of the dump's users, groups, roles and
	// policies that name another account than ID (read as ID's all the
	// same: a dump is one account's, whatever its ARNs say). Information,
	// not a problem: test accounts and copied dumps carry them.
	Foreign []string
	// ServicesLastAccessed is, per user and role ARN, each service
	// namespace's last use (zero: never) as an imported account's
	// get-service-last-accessed-details evidence gave it; nil when none
	// was given (the live account's use is recorded elsewhere).
	ServicesLastAccessed map[string]map[string]time.Time
}

// Root is what is known about the account's root user.
type Root struct {
	MFAEnabled bool
	AccessKeys int // active root access keys
}

// Tag is a key/value pair on a user or role.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// InlinePolicy is a policy embedded in a user, group or role.
type InlinePolicy struct {
	Name     string
	Document string
}

// AttachedPolicy names a managed policy attached to an identity or used as its
// permissions boundary.
type AttachedPolicy struct {
	Name string
	ARN  string
}

// User is an IAM user.
type User struct {
	Name, ID, ARN, Path string
	CreateDate          time.Time
	Groups              []string // group names
	Inline              []InlinePolicy
	Attached            []AttachedPolicy
	Boundary            *AttachedPolicy
	Tags                []Tag
	// Known only when Account.CredentialsKnown.
	AccessKeys       []AccessKey
	MFADevices       []MFADevice
	LoginProfile     *LoginProfile
	PasswordLastUsed time.Time
}

// AccessKey is one of a user's access keys.
type AccessKey struct {
	ID              string
	Status          string // Active or Inactive
	CreateDate      time.Time
	LastUsed        time.Time // zero: never used
	LastUsedService string
}

// MFADevice is an MFA device enabled for a user.
type MFADevice struct {
	Serial     string
	EnableDate time.Time
}

// LoginProfile is a user's console password.
type LoginProfile struct {
	CreateDate            time.Time
	PasswordResetRequired bool
}

// Group is an IAM group.
type Group struct {
	Name, ID, ARN, Path string
	CreateDate          time.Time
	Inline              []InlinePolicy
	Attached            []AttachedPolicy
}

// Role is an IAM role.
type Role struct {
	Name, ID, ARN, Path string
	Description         string
	CreateDate          time.Time
	Trust               string // AssumeRolePolicyDocument
	Inline              []InlinePolicy
	Attached            []AttachedPolicy
	Boundary            *AttachedPolicy
	Tags                []Tag
	InstanceProfiles    []InstanceProfile
	LastUsed            time.Time // zero: never used (or unknown)
	LastUsedRegion      string
}

// InstanceProfile is an EC2 instance profile holding a role.
type InstanceProfile struct {
	Name, ID, ARN, Path string
	CreateDate          time.Time
	Roles               []string // role ARNs
}

// ManagedPolicy is a customer or AWS managed policy with all its versions.
type ManagedPolicy struct {
	Name, ID, ARN, Path string
	Description         string
	DefaultVersion      string
	AttachmentCount     int
	BoundaryUsageCount  int
	IsAttachable        bool
	CreateDate          time.Time
	UpdateDate          time.Time
	Versions            []PolicyVersion
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID         string
	Document   string
	IsDefault  bool
	CreateDate time.Time
}

// Document returns the default version's document, "" when the dump lacks it.
func (p *ManagedPolicy) Document() string {
	for _, v := range p.Versions {
		if v.ID == p.DefaultVersion || (p.DefaultVersion == "" && v.IsDefault) {
			return v.Document
		}
	}
	return ""
}

// AWSManaged reports whether the policy is one of AWS's (arn:aws:iam::aws:policy/...),
// which no customer can change.
func (p *ManagedPolicy) AWSManaged() bool {
	return strings.HasPrefix(p.ARN, "arn:aws:iam::aws:policy/")
}

// Warning is a problem found while reading a dump that did not stop it: the
// entity it concerns (an ARN or a name) and what is wrong.
type Warning struct {
	Entity  string
	Message string
}

// String formats the warning as "ENTITY: MESSAGE".
func (w Warning) String() string { return w.Entity + ": " + w.Message }

// The JSON shapes AWS prints. Fields beyond AWS's (marked "extension") carry
// what the live account knows and a dump does not; AWS tools ignore them.
type (
	jsonDetails struct {
		UserDetailList  []jsonUser   `json:"UserDetailList"`
		GroupDetailList []jsonGroup  `json:"GroupDetailList"`
		RoleDetailList  []jsonRole   `json:"RoleDetailList"`
		Policies        []jsonPolicy `json:"Policies"`
		// extension
		Console *jsonConsole `json:"IAMConsole,omitempty"`
	}
	jsonConsole struct {
		AccountId        string `json:"AccountId,omitempty"`
		CredentialsKnown bool   `json:"CredentialsKnown,omitempty"`
		Root             *Root  `json:"Root,omitempty"`
		// principal ARN -> service namespace -> last use ("" never)
		ServicesLastAccessed map[string]map[string]string `json:"ServicesLastAccessed,omitempty"`
	}
	jsonAttached struct {
		PolicyName string `json:"PolicyName"`
		PolicyArn  string `json:"PolicyArn"`
	}
	jsonBoundary struct {
		PermissionsBoundaryType string `json:"PermissionsBoundaryType"`
		PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
	}
	jsonInline struct {
		PolicyName     string          `json:"PolicyName"`
		PolicyDocument json.RawMessage `json:"PolicyDocument"`
	}
	jsonUser struct {
		Path                    string         `json:"Path"`
		UserName                string         `json:"UserName"`
		UserId                  string         `json:"UserId"`
		Arn                     string         `json:"Arn"`
		CreateDate              string         `json:"CreateDate,omitempty"`
		UserPolicyList          []jsonInline   `json:"UserPolicyList,omitempty"`
		GroupList               []string       `json:"GroupList"`
		AttachedManagedPolicies []jsonAttached `json:"AttachedManagedPolicies"`
		PermissionsBoundary     *jsonBoundary  `json:"PermissionsBoundary,omitempty"`
		Tags                    []Tag          `json:"Tags"`
		// extension
		AccessKeys       []jsonKey  `json:"AccessKeys,omitempty"`
		MFADevices       []jsonMFA  `json:"MFADevices,omitempty"`
		LoginProfile     *jsonLogin `json:"LoginProfile,omitempty"`
		PasswordLastUsed string     `json:"PasswordLastUsed,omitempty"`
	}
	jsonKey struct {
		AccessKeyId     string `json:"AccessKeyId"`
		Status          string `json:"Status"`
		CreateDate      string `json:"CreateDate,omitempty"`
		LastUsedDate    string `json:"LastUsedDate,omitempty"`
		LastUsedService string `json:"LastUsedService,omitempty"`
	}
	jsonMFA struct {
		SerialNumber string `json:"SerialNumber"`
		EnableDate   string `json:"EnableDate,omitempty"`
	}
	jsonLogin struct {
		CreateDate            string `json:"CreateDate,omitempty"`
		PasswordResetRequired bool   `json:"PasswordResetRequired"`
	}
	jsonGroup struct {
		Path                    string         `json:"Path"`
		GroupName               string         `json:"GroupName"`
		GroupId                 string         `json:"GroupId"`
		Arn                     string         `json:"Arn"`
		CreateDate              string         `json:"CreateDate,omitempty"`
		GroupPolicyList         []jsonInline   `json:"GroupPolicyList"`
		AttachedManagedPolicies []jsonAttached `json:"AttachedManagedPolicies"`
	}
	jsonRole struct {
		Path                     string                `json:"Path"`
		RoleName                 string                `json:"RoleName"`
		RoleId                   string                `json:"RoleId"`
		Arn                      string                `json:"Arn"`
		CreateDate               string                `json:"CreateDate,omitempty"`
		Description              string                `json:"Description,omitempty"`
		AssumeRolePolicyDocument json.RawMessage       `json:"AssumeRolePolicyDocument,omitempty"`
		InstanceProfileList      []jsonInstanceProfile `json:"InstanceProfileList"`
		RolePolicyList           []jsonInline          `json:"RolePolicyList"`
		AttachedManagedPolicies  []jsonAttached        `json:"AttachedManagedPolicies"`
		PermissionsBoundary      *jsonBoundary         `json:"PermissionsBoundary,omitempty"`
		Tags                     []Tag                 `json:"Tags"`
		RoleLastUsed             jsonRoleLastUsed      `json:"RoleLastUsed"`
	}
	jsonRoleLastUsed struct {
		LastUsedDate string `json:"LastUsedDate,omitempty"`
		Region       string `json:"Region,omitempty"`
	}
	jsonInstanceProfile struct {
		Path                string            `json:"Path"`
		InstanceProfileName string            `json:"InstanceProfileName"`
		InstanceProfileId   string            `json:"InstanceProfileId"`
		Arn                 string            `json:"Arn"`
		CreateDate          string            `json:"CreateDate,omitempty"`
		Roles               []jsonProfileRole `json:"Roles"`
	}
	// jsonProfileRole is a role as an instance profile lists it: AWS's
	// Role without what only GetRole carries.
	jsonProfileRole struct {
		Path                     string          `json:"Path,omitempty"`
		RoleName                 string          `json:"RoleName,omitempty"`
		RoleId                   string          `json:"RoleId,omitempty"`
		Arn                      string          `json:"Arn"`
		CreateDate               string          `json:"CreateDate,omitempty"`
		AssumeRolePolicyDocument json.RawMessage `json:"AssumeRolePolicyDocument,omitempty"`
	}
	jsonPolicy struct {
		PolicyName                    string        `json:"PolicyName"`
		PolicyId                      string        `json:"PolicyId"`
		Arn                           string        `json:"Arn"`
		Path                          string        `json:"Path"`
		Description                   string        `json:"Description,omitempty"`
		DefaultVersionId              string        `json:"DefaultVersionId"`
		AttachmentCount               int           `json:"AttachmentCount"`
		PermissionsBoundaryUsageCount int           `json:"PermissionsBoundaryUsageCount"`
		IsAttachable                  bool          `json:"IsAttachable"`
		CreateDate                    string        `json:"CreateDate,omitempty"`
		UpdateDate                    string        `json:"UpdateDate,omitempty"`
		PolicyVersionList             []jsonVersion `json:"PolicyVersionList"`
	}
	jsonVersion struct {
		Document         json.RawMessage `json:"Document,omitempty"`
		VersionId        string          `json:"VersionId"`
		IsDefaultVersion bool            `json:"IsDefaultVersion"`
		CreateDate       string          `json:"CreateDate,omitempty"`
	}
)

// reader collects warnings while converting the JSON shapes.
type reader struct {
	warnings []Warning
}

func (r *reader) warn(entity, format string, args ...any) {
	r.warnings = append(r.warnings, Warning{Entity: entity, Message: fmt.Sprintf(format, args...)})
}

// date reads the formats dumps use: RFC 3339 as the AWS CLI prints it, and
// "2006-01-02 15:04:05+00:00" as Python's str() of a datetime (boto3 scripts).
func (r *reader) date(entity, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999Z07:00", "2006-01-02T15:04:05.999999Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	r.warn(entity, "unreadable date %q", s)
	return time.Time{}
}

// document turns a policy document as dumps carry it (a JSON object, or a
// string holding URL-encoded JSON, as the IAM API returns it) into indented
// JSON text. Empty when absent or unreadable (with a warning).
func (r *reader) document(entity string, raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		r.warn(entity, "policy document missing")
		return ""
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			r.warn(entity, "policy document: %v", err)
			return ""
		}
		s = strings.TrimSpace(s)
		if !strings.HasPrefix(s, "{") {
			u, err := url.PathUnescape(s)
			if err != nil {
				r.warn(entity, "policy document: not URL-encoded JSON: %v", err)
				return ""
			}
			s = u
		}
		raw = []byte(s)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		r.warn(entity, "policy document is not JSON: %v", err)
		return ""
	}
	return buf.String()
}

func (r *reader) inline(entity string, in []jsonInline) []InlinePolicy {
	var out []InlinePolicy
	for _, p := range in {
		out = append(out, InlinePolicy{Name: p.PolicyName, Document: r.document(entity+" inline policy "+p.PolicyName, p.PolicyDocument)})
	}
	return out
}

func attached(in []jsonAttached) []AttachedPolicy {
	var out []AttachedPolicy
	for _, p := range in {
		out = append(out, AttachedPolicy{Name: p.PolicyName, ARN: p.PolicyArn})
	}
	return out
}

func boundary(b *jsonBoundary) *AttachedPolicy {
	if b == nil || b.PermissionsBoundaryArn == "" {
		return nil
	}
	arn := b.PermissionsBoundaryArn
	return &AttachedPolicy{Name: arn[strings.LastIndex(arn, "/")+1:], ARN: arn}
}

func tags(in []Tag) []Tag {
	if len(in) == 0 {
		return nil
	}
	return append([]Tag(nil), in...)
}

// ParseAuthorizationDetails reads the JSON that `aws iam
// get-account-authorization-details` prints. Missing or unreadable pieces
// (a policy document that is not JSON, an attached policy absent from
// Policies, a group a user names that is not listed) are reported as warnings
// and left out; only JSON that cannot be read at all is an error. The account
// ID comes from the ARNs.
func ParseAuthorizationDetails(rd io.Reader) (*Account, []Warning, error) {
	var d jsonDetails
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&d); err != nil {
		return nil, nil, fmt.Errorf("authorization details: %w", err)
	}
	r := &reader{}
	a := &Account{}
	for _, u := range d.UserDetailList {
		x := User{Name: u.UserName, ID: u.UserId, ARN: u.Arn, Path: u.Path, CreateDate: r.date(u.Arn, u.CreateDate),
			Inline: r.inline(u.Arn, u.UserPolicyList), Attached: attached(u.AttachedManagedPolicies),
			Boundary: boundary(u.PermissionsBoundary), Tags: tags(u.Tags),
			PasswordLastUsed: r.date(u.Arn, u.PasswordLastUsed)}
		if len(u.GroupList) > 0 {
			x.Groups = append([]string(nil), u.GroupList...)
		}
		for _, k := range u.AccessKeys {
			x.AccessKeys = append(x.AccessKeys, AccessKey{ID: k.AccessKeyId, Status: k.Status, CreateDate: r.date(u.Arn, k.CreateDate),
				LastUsed: r.date(u.Arn, k.LastUsedDate), LastUsedService: k.LastUsedService})
		}
		for _, m := range u.MFADevices {
			x.MFADevices = append(x.MFADevices, MFADevice{Serial: m.SerialNumber, EnableDate: r.date(u.Arn, m.EnableDate)})
		}
		if u.LoginProfile != nil {
			x.LoginProfile = &LoginProfile{CreateDate: r.date(u.Arn, u.LoginProfile.CreateDate), PasswordResetRequired: u.LoginProfile.PasswordResetRequired}
		}
		if x.Name == "" || x.ARN == "" {
			r.warn(u.Arn+u.UserName, "user without name or ARN left out")
			continue
		}
		a.Users = append(a.Users, x)
	}
	for _, g := range d.GroupDetailList {
		x := Group{Name: g.GroupName, ID: g.GroupId, ARN: g.Arn, Path: g.Path, CreateDate: r.date(g.Arn, g.CreateDate),
			Inline: r.inline(g.Arn, g.GroupPolicyList), Attached: attached(g.AttachedManagedPolicies)}
		if x.Name == "" || x.ARN == "" {
			r.warn(g.Arn+g.GroupName, "group without name or ARN left out")
			continue
		}
		a.Groups = append(a.Groups, x)
	}
	for _, ro := range d.RoleDetailList {
		x := Role{Name: ro.RoleName, ID: ro.RoleId, ARN: ro.Arn, Path: ro.Path, Description: ro.Description,
			CreateDate: r.date(ro.Arn, ro.CreateDate), Trust: r.document(ro.Arn+" trust policy", ro.AssumeRolePolicyDocument),
			Inline: r.inline(ro.Arn, ro.RolePolicyList), Attached: attached(ro.AttachedManagedPolicies),
			Boundary: boundary(ro.PermissionsBoundary), Tags: tags(ro.Tags),
			LastUsed: r.date(ro.Arn, ro.RoleLastUsed.LastUsedDate), LastUsedRegion: ro.RoleLastUsed.Region}
		for _, ip := range ro.InstanceProfileList {
			p := InstanceProfile{Name: ip.InstanceProfileName, ID: ip.InstanceProfileId, ARN: ip.Arn, Path: ip.Path, CreateDate: r.date(ip.Arn, ip.CreateDate)}
			for _, pr := range ip.Roles {
				p.Roles = append(p.Roles, pr.Arn)
			}
			x.InstanceProfiles = append(x.InstanceProfiles, p)
		}
		if x.Name == "" || x.ARN == "" {
			r.warn(ro.Arn+ro.RoleName, "role without name or ARN left out")
			continue
		}
		a.Roles = append(a.Roles, x)
	}
	for _, p := range d.Policies {
		x := ManagedPolicy{Name: p.PolicyName, ID: p.PolicyId, ARN: p.Arn, Path: p.Path, Description: p.Description,
			DefaultVersion: p.DefaultVersionId, AttachmentCount: p.AttachmentCount, BoundaryUsageCount: p.PermissionsBoundaryUsageCount,
			IsAttachable: p.IsAttachable, CreateDate: r.date(p.Arn, p.CreateDate), UpdateDate: r.date(p.Arn, p.UpdateDate)}
		for _, v := range p.PolicyVersionList {
			x.Versions = append(x.Versions, PolicyVersion{ID: v.VersionId, IsDefault: v.IsDefaultVersion, CreateDate: r.date(p.Arn, v.CreateDate),
				Document: r.document(p.Arn+" version "+v.VersionId, v.Document)})
		}
		if x.Document() == "" {
			r.warn(p.Arn, "default version %q missing from the dump: the policy grants nothing here", p.DefaultVersionId)
		}
		if x.ARN == "" {
			r.warn(p.PolicyName, "policy without ARN left out")
			continue
		}
		a.Policies = append(a.Policies, x)
	}
	if d.Console != nil {
		a.ID = d.Console.AccountId
		a.CredentialsKnown = d.Console.CredentialsKnown
		a.Root = d.Console.Root
		if d.Console.ServicesLastAccessed != nil {
			a.ServicesLastAccessed = map[string]map[string]time.Time{}
			for arn, m := range d.Console.ServicesLastAccessed {
				x := map[string]time.Time{}
				for ns, t := range m {
					x[ns] = r.date(arn, t)
				}
				a.ServicesLastAccessed[arn] = x
			}
		}
	}
	if a.ID == "" {
		a.ID = r.accountID(a)
	}
	a.Foreign = foreign(a)
	// The ID names the account in pages, URLs and file names: a dump
	// whose ARNs carried `"><svg…` as the account was accepted once.
	if a.ID != "" && !policy.IsAccountID(a.ID) {
		return nil, nil, fmt.Errorf("the account ID %q is not 12 digits", truncateID(a.ID))
	}
	r.crossCheck(a)
	return a, r.warnings, nil
}

// truncateID shortens a bad account ID for a message.
func truncateID(id string) string {
	if len(id) > 40 {
		return id[:40] + "…"
	}
	return id
}

// accountID is the account that owns most of the entities' ARNs.
func (r *reader) accountID(a *Account) string {
	count := map[string]int{}
	for _, arn := range entityARNs(a) {
		if id := arnAccount(arn); id != "" && id != "aws" {
			count[id]++
		}
	}
	best := ""
	for id, n := range count {
		if best == "" || n > count[best] || (n == count[best] && id < best) {
			best = id
		}
	}
	if best == "" {
		r.warn("account", "no ARN names an account")
	}
	return best
}

// foreign lists the ARNs of a's entities that name another account than
// a.ID, in the order users, groups, roles, policies.
func foreign(a *Account) []string {
	var out []string
	for _, arn := range entityARNs(a) {
		if id := arnAccount(arn); id != "" && id != "aws" && id != a.ID {
			out = append(out, arn)
		}
	}
	return out
}

// entityARNs are the ARNs of a's users, groups, roles and policies, in that
// order.
func entityARNs(a *Account) []string {
	out := make([]string, 0, len(a.Users)+len(a.Groups)+len(a.Roles)+len(a.Policies))
	for _, u := range a.Users {
		out = append(out, u.ARN)
	}
	for _, g := range a.Groups {
		out = append(out, g.ARN)
	}
	for _, ro := range a.Roles {
		out = append(out, ro.ARN)
	}
	for _, p := range a.Policies {
		out = append(out, p.ARN)
	}
	return out
}

// crossCheck reports references the dump cannot resolve.
func (r *reader) crossCheck(a *Account) {
	pol := map[string]bool{}
	for _, p := range a.Policies {
		pol[p.ARN] = true
	}
	grp := map[string]bool{}
	for _, g := range a.Groups {
		grp[g.Name] = true
	}
	check := func(entity string, ps []AttachedPolicy, b *AttachedPolicy) {
		for _, p := range ps {
			if !pol[p.ARN] {
				r.warn(entity, "attached policy %s is not in Policies: its permissions are unknown", p.ARN)
			}
		}
		if b != nil && !pol[b.ARN] {
			r.warn(entity, "permissions boundary %s is not in Policies: treated as allowing nothing", b.ARN)
		}
	}
	for _, u := range a.Users {
		check(u.ARN, u.Attached, u.Boundary)
		for _, g := range u.Groups {
			if !grp[g] {
				r.warn(u.ARN, "group %s is not in GroupDetailList: its permissions are unknown", g)
			}
		}
	}
	for _, g := range a.Groups {
		check(g.ARN, g.Attached, nil)
	}
	for _, ro := range a.Roles {
		check(ro.ARN, ro.Attached, ro.Boundary)
	}
}

// arnAccount is the account field of an ARN, "" when s is not an ARN.
func arnAccount(s string) string {
	if !strings.HasPrefix(s, "arn:") {
		return ""
	}
	rest := s
	for i := 0; i < 4; i++ { // skip arn, partition, service, region
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ""
		}
		rest = rest[j+1:]
	}
	j := strings.IndexByte(rest, ':')
	if j < 0 {
		return ""
	}
	return rest[:j]
}

// arnResource is what follows the account field of an ARN (role/ci,
// assumed-role/ci/session), s itself when s is not an ARN.
func arnResource(s string) string {
	acct := arnAccount(s)
	if acct == "" {
		return s
	}
	i := strings.Index(s, ":"+acct+":")
	return s[i+len(acct)+2:]
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func rawDoc(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func jsonInlines(in []InlinePolicy) []jsonInline {
	out := []jsonInline{}
	for _, p := range in {
		out = append(out, jsonInline{PolicyName: p.Name, PolicyDocument: rawDoc(p.Document)})
	}
	return out
}

func jsonAttacheds(in []AttachedPolicy) []jsonAttached {
	out := []jsonAttached{}
	for _, p := range in {
		out = append(out, jsonAttached{PolicyName: p.Name, PolicyArn: p.ARN})
	}
	return out
}

// jsonBound is a PermissionsBoundary member; "PermissionsBoundaryPolicy" is
// the one type AWS sends (AttachedPermissionsBoundary).
func jsonBound(b *AttachedPolicy) *jsonBoundary {
	if b == nil {
		return nil
	}
	return &jsonBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: b.ARN}
}

func jsonTags(in []Tag) []Tag {
	if in == nil {
		return []Tag{}
	}
	return in
}

// AuthorizationDetails writes the account in the shape ParseAuthorizationDetails
// reads (and `aws iam get-account-authorization-details` prints), documents as
// JSON objects; credentials, the root user and the account ID travel in an
// "IAMConsole" member and per-user extension fields that AWS tools ignore.
// Entities keep the account's order, so equal accounts give equal bytes.
func (a *Account) AuthorizationDetails() ([]byte, error) {
	d := jsonDetails{UserDetailList: []jsonUser{}, GroupDetailList: []jsonGroup{}, RoleDetailList: []jsonRole{}, Policies: []jsonPolicy{},
		Console: &jsonConsole{AccountId: a.ID, CredentialsKnown: a.CredentialsKnown, Root: a.Root}}
	if a.ServicesLastAccessed != nil {
		d.Console.ServicesLastAccessed = map[string]map[string]string{}
		for arn, m := range a.ServicesLastAccessed {
			x := map[string]string{}
			for ns, t := range m {
				x[ns] = fmtDate(t)
			}
			d.Console.ServicesLastAccessed[arn] = x
		}
	}
	for _, u := range a.Users {
		x := jsonUser{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN, CreateDate: fmtDate(u.CreateDate),
			GroupList: append([]string{}, u.Groups...), AttachedManagedPolicies: jsonAttacheds(u.Attached),
			PermissionsBoundary: jsonBound(u.Boundary), Tags: jsonTags(u.Tags), PasswordLastUsed: fmtDate(u.PasswordLastUsed)}
		if len(u.Inline) > 0 {
			x.UserPolicyList = jsonInlines(u.Inline)
		}
		for _, k := range u.AccessKeys {
			x.AccessKeys = append(x.AccessKeys, jsonKey{AccessKeyId: k.ID, Status: k.Status, CreateDate: fmtDate(k.CreateDate),
				LastUsedDate: fmtDate(k.LastUsed), LastUsedService: k.LastUsedService})
		}
		for _, m := range u.MFADevices {
			x.MFADevices = append(x.MFADevices, jsonMFA{SerialNumber: m.Serial, EnableDate: fmtDate(m.EnableDate)})
		}
		if u.LoginProfile != nil {
			x.LoginProfile = &jsonLogin{CreateDate: fmtDate(u.LoginProfile.CreateDate), PasswordResetRequired: u.LoginProfile.PasswordResetRequired}
		}
		d.UserDetailList = append(d.UserDetailList, x)
	}
	for _, g := range a.Groups {
		d.GroupDetailList = append(d.GroupDetailList, jsonGroup{Path: g.Path, GroupName: g.Name, GroupId: g.ID, Arn: g.ARN,
			CreateDate: fmtDate(g.CreateDate), GroupPolicyList: jsonInlines(g.Inline), AttachedManagedPolicies: jsonAttacheds(g.Attached)})
	}
	roles := map[string]*Role{}
	for i := range a.Roles {
		roles[a.Roles[i].ARN] = &a.Roles[i]
	}
	for _, ro := range a.Roles {
		x := jsonRole{Path: ro.Path, RoleName: ro.Name, RoleId: ro.ID, Arn: ro.ARN, CreateDate: fmtDate(ro.CreateDate),
			Description: ro.Description, AssumeRolePolicyDocument: rawDoc(ro.Trust), InstanceProfileList: []jsonInstanceProfile{},
			RolePolicyList: jsonInlines(ro.Inline), AttachedManagedPolicies: jsonAttacheds(ro.Attached),
			PermissionsBoundary: jsonBound(ro.Boundary), Tags: jsonTags(ro.Tags),
			RoleLastUsed: jsonRoleLastUsed{LastUsedDate: fmtDate(ro.LastUsed), Region: ro.LastUsedRegion}}
		for _, ip := range ro.InstanceProfiles {
			p := jsonInstanceProfile{Path: ip.Path, InstanceProfileName: ip.Name, InstanceProfileId: ip.ID, Arn: ip.ARN,
				CreateDate: fmtDate(ip.CreateDate), Roles: []jsonProfileRole{}}
			for _, arn := range ip.Roles {
				pr := jsonProfileRole{RoleName: arn[strings.LastIndex(arn, "/")+1:], Arn: arn}
				if r := roles[arn]; r != nil {
					pr = jsonProfileRole{Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN, CreateDate: fmtDate(r.CreateDate),
						AssumeRolePolicyDocument: rawDoc(r.Trust)}
				}
				p.Roles = append(p.Roles, pr)
			}
			x.InstanceProfileList = append(x.InstanceProfileList, p)
		}
		d.RoleDetailList = append(d.RoleDetailList, x)
	}
	for _, p := range a.Policies {
		x := jsonPolicy{PolicyName: p.Name, PolicyId: p.ID, Arn: p.ARN, Path: p.Path, Description: p.Description,
			DefaultVersionId: p.DefaultVersion, AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.BoundaryUsageCount,
			IsAttachable: p.IsAttachable, CreateDate: fmtDate(p.CreateDate), UpdateDate: fmtDate(p.UpdateDate), PolicyVersionList: []jsonVersion{}}
		for _, v := range p.Versions {
			x.PolicyVersionList = append(x.PolicyVersionList, jsonVersion{Document: rawDoc(v.Document), VersionId: v.ID,
				IsDefaultVersion: v.IsDefault, CreateDate: fmtDate(v.CreateDate)})
		}
		d.Policies = append(d.Policies, x)
	}
	return json.MarshalIndent(d, "", "  ")
}
