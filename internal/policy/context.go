package policy

import (
	"strconv"
	"strings"
	"time"
)

// Context holds a request's condition keys. Keys compare case-insensitively, as AWS
// compares condition keys; every key may carry several values (aws:TagKeys...). The
// zero Context is empty and ready to use. Build it once per request: lookups during
// evaluation then allocate nothing.
type Context struct {
	m map[string][]string // lower-cased key -> values
}

// NewContext builds a Context from a map such as the benchmark scenarios and the
// SimulatePrincipalPolicy API provide. Keys that differ only in case are merged.
func NewContext(m map[string][]string) Context {
	c := Context{m: make(map[string][]string, len(m))}
	for k, v := range m {
		c.Add(k, v...)
	}
	return c
}

// Set replaces the values of key.
func (c *Context) Set(key string, values ...string) {
	if c.m == nil {
		c.m = make(map[string][]string)
	}
	c.m[strings.ToLower(key)] = values
}

// Add appends values to key.
func (c *Context) Add(key string, values ...string) {
	if c.m == nil {
		c.m = make(map[string][]string)
	}
	k := strings.ToLower(key)
	c.m[k] = append(c.m[k], values...)
}

// Get returns the values of key and whether it has any.
func (c Context) Get(key string) ([]string, bool) {
	v := c.m[strings.ToLower(key)]
	return v, len(v) > 0
}

// Len is the number of keys.
func (c Context) Len() int { return len(c.m) }

// PrincipalType is the kind of caller, with the values AWS gives aws:PrincipalType.
type PrincipalType string

// Principal types.
const (
	PrincipalAccount   PrincipalType = "Account" // the root user
	PrincipalUser      PrincipalType = "User"
	PrincipalRole      PrincipalType = "AssumedRole" // a role session
	PrincipalFederated PrincipalType = "FederatedUser"
	PrincipalAnonymous PrincipalType = "Anonymous"
	PrincipalService   PrincipalType = "Service" // an AWS service principal, ARN = "ec2.amazonaws.com"
)

// Principal is who makes a request. Only ARN is required; the other fields are derived
// from it when empty, and together they supply aws:username, aws:userid,
// aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType and aws:PrincipalTag/* when
// the request context does not.
type Principal struct {
	// ARN of the caller: arn:aws:iam::111122223333:user/alice, or for a role session
	// arn:aws:sts::111122223333:assumed-role/RoleName/session.
	ARN string
	// ID is the unique ID (aws:userid): AIDA... for users, "AROA...:session" for roles.
	ID string
	// Type; derived from ARN when empty.
	Type PrincipalType
	// Name is the IAM user name (aws:username); derived from a user ARN when empty.
	Name string
	// Account is the 12-digit account ID; derived from ARN when empty.
	Account string
	// RoleARN is the role a session belongs to (aws:PrincipalArn for sessions and what
	// a Principal naming the role matches); derived from an assumed-role ARN when empty.
	RoleARN string
	// Tags are the principal's tags (aws:PrincipalTag/KEY), keys compared case-insensitively.
	Tags map[string]string
}

// arnField returns the i-th colon-separated field of an ARN (0 = "arn").
// The resource field (5) is the whole rest, colons included.
func arnField(arn string, i int) string {
	for n := 0; n < i; n++ {
		c := strings.IndexByte(arn, ':')
		if c < 0 {
			return ""
		}
		arn = arn[c+1:]
	}
	if i >= 5 {
		return arn
	}
	if c := strings.IndexByte(arn, ':'); c >= 0 {
		return arn[:c]
	}
	return arn
}

func (p *Principal) account() string {
	if p.Account != "" {
		return p.Account
	}
	if strings.HasPrefix(p.ARN, "arn:") {
		return arnField(p.ARN, 4)
	}
	return ""
}

func (p *Principal) kind() PrincipalType {
	if p.Type != "" {
		return p.Type
	}
	res := arnField(p.ARN, 5)
	switch {
	case p.ARN == "" || p.ARN == "*":
		return PrincipalAnonymous
	case res == "root":
		return PrincipalAccount
	case strings.HasPrefix(res, "user/"):
		return PrincipalUser
	case strings.HasPrefix(res, "assumed-role/"):
		return PrincipalRole
	case strings.HasPrefix(res, "federated-user/"):
		return PrincipalFederated
	case !strings.HasPrefix(p.ARN, "arn:") && strings.Contains(p.ARN, "."):
		return PrincipalService
	}
	return ""
}

// federated reports a GetFederationToken session, cheaply: it is asked per decision.
func (p *Principal) federated() bool {
	if p.Type != "" {
		return p.Type == PrincipalFederated
	}
	return strings.Contains(p.ARN, ":federated-user/")
}

// userName is aws:username: present for IAM users only.
func (p *Principal) userName() string {
	if p.Name != "" {
		return p.Name
	}
	if p.kind() != PrincipalUser {
		return ""
	}
	res := arnField(p.ARN, 5)
	return res[strings.LastIndexByte(res, '/')+1:]
}

// roleARN is the ARN of the role behind a role session ("" otherwise). The role's path
// is not in the session ARN; callers that know it should set RoleARN.
func (p *Principal) roleARN() string {
	if p.RoleARN != "" {
		return p.RoleARN
	}
	if p.kind() != PrincipalRole {
		return ""
	}
	res := arnField(p.ARN, 5) // assumed-role/Name/session
	rest := res[len("assumed-role/"):]
	name, _, _ := strings.Cut(rest, "/")
	return "arn:" + arnField(p.ARN, 1) + ":iam::" + p.account() + ":role/" + name
}

// principalARN is aws:PrincipalArn: the role's ARN for role sessions.
func (p *Principal) principalARN() string {
	if r := p.roleARN(); r != "" {
		return r
	}
	return p.ARN
}

func (p *Principal) tag(key string) (string, bool) {
	if v, ok := p.Tags[key]; ok {
		return v, true
	}
	for k, v := range p.Tags {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// Request is one authorization question: may Principal do Action on Resource, given
// Context?
type Request struct {
	Principal Principal
	Action    string // "service:ActionName", any case
	Resource  string // ARN, or "*" for actions without resource-level permissions
	Context   Context
	// Time, when set, supplies aws:CurrentTime and aws:EpochTime if Context lacks them.
	Time time.Time
}

// derivedKey names the context keys the engine can supply from the Principal.
type derivedKey uint8

const (
	dNone derivedKey = iota
	dUsername
	dUserID
	dPrincipalArn
	dPrincipalAccount
	dPrincipalType
	dPrincipalTag
	dCurrentTime
	dEpochTime
)

// ckey is a condition key or variable name compiled for lookup.
type ckey struct {
	name   string // lower-cased
	orig   string // as written, for MissingContextValues
	derive derivedKey
	tag    string // dPrincipalTag: the tag key
}

func compileKey(k string) ckey {
	l := strings.ToLower(k)
	c := ckey{name: l, orig: k}
	switch l {
	case "aws:username":
		c.derive = dUsername
	case "aws:userid":
		c.derive = dUserID
	case "aws:principalarn":
		c.derive = dPrincipalArn
	case "aws:principalaccount":
		c.derive = dPrincipalAccount
	case "aws:principaltype":
		c.derive = dPrincipalType
	case "aws:currenttime":
		c.derive = dCurrentTime
	case "aws:epochtime":
		c.derive = dEpochTime
	default:
		if strings.HasPrefix(l, "aws:principaltag/") {
			c.derive, c.tag = dPrincipalTag, k[len("aws:principaltag/"):]
		}
	}
	return c
}

// vals is a view of a key's values that needs no allocation for values derived from
// the principal (one string) or the request time.
type vals struct {
	list   []string
	one    string
	single bool
	isTime bool  // one holds nothing yet; unix nanoseconds in t
	t      int64 // for isTime
	epoch  bool  // isTime rendered as epoch seconds rather than ISO 8601
}

func (v *vals) n() int {
	if v.single {
		return 1
	}
	return len(v.list)
}

func (v *vals) at(i int) string {
	if !v.single {
		return v.list[i]
	}
	if v.isTime {
		// Only string-typed operators reach this; dates compare on v.t directly.
		t := time.Unix(0, v.t).UTC()
		if v.epoch {
			return strconv.FormatInt(t.Unix(), 10)
		}
		return t.Format(time.RFC3339)
	}
	return v.one
}

// lookup finds a key's values: the request context first, then what the principal
// and the request time imply.
func (r *Request) lookup(k *ckey) (vals, bool) {
	if l := r.Context.m[k.name]; len(l) > 0 {
		return vals{list: l}, true
	}
	var s string
	switch k.derive {
	case dNone:
		return vals{}, false
	case dUsername:
		s = r.Principal.userName()
	case dUserID:
		s = r.Principal.ID
	case dPrincipalArn:
		s = r.Principal.principalARN()
	case dPrincipalAccount:
		s = r.Principal.account()
	case dPrincipalType:
		s = string(r.Principal.kind())
	case dPrincipalTag:
		t, ok := r.Principal.tag(k.tag)
		if !ok {
			return vals{}, false
		}
		return vals{one: t, single: true}, true
	case dCurrentTime, dEpochTime:
		if r.Time.IsZero() {
			return vals{}, false
		}
		return vals{single: true, isTime: true, t: r.Time.UnixNano(), epoch: k.derive == dEpochTime}, true
	}
	if s == "" {
		return vals{}, false
	}
	return vals{one: s, single: true}, true
}
