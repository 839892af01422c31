package bench

import (
	"fmt"
	"strconv"
	"time"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
)

// cedarEngine is github.com/cedar-policy/cedar-go on the scenario's .cedar.txt (one
// Cedar policy per IAM statement, wildcard actions already expanded from the action
// catalogue). As the .cedar.txt expects:
//   - the principal is Iam::User::"NAME", a member (parent) of Iam::Group::"G" for each
//     of its groups;
//   - the action is Action::"s3:...";
//   - the resource is an entity Iam::Resource::"ARN" with the attribute arn = ARN
//     (policies test `resource.arn like ...`);
//   - the context holds the request's aws: keys under camelCase names with Cedar types:
//     currentTime (datetime), epochTime (Long), secureTransport (Boolean),
//     sourceIp (ipaddr), userAgent, username, userid (String), groups (Set of String).
type cedarEngine struct{}

func (cedarEngine) name() string { return "cedar" }

func (cedarEngine) load(s *Scenario) (loaded, error) {
	ps, err := cedar.NewPolicySetFromBytes(s.Name+".cedar.txt", s.Cedar)
	if err != nil {
		return nil, fmt.Errorf("cedar: %w", err)
	}
	return &cedarLoaded{s: s, policies: ps}, nil
}

type cedarLoaded struct {
	s        *Scenario
	policies *cedar.PolicySet
}

var (
	cedarUser     = types.EntityType("Iam::User")
	cedarGroup    = types.EntityType("Iam::Group")
	cedarResource = types.EntityType("Iam::Resource")
	cedarAction   = types.EntityType("Action")
)

func (l *cedarLoaded) prepare(r Request) (func() outcome, error) {
	user := types.NewEntityUID(cedarUser, types.String(l.s.Principal.Username))
	resource := types.NewEntityUID(cedarResource, types.String(r.Resource))
	groups := make([]types.EntityUID, len(l.s.Principal.Groups))
	entities := types.EntityMap{}
	for i, g := range l.s.Principal.Groups {
		groups[i] = types.NewEntityUID(cedarGroup, types.String(g))
		entities[groups[i]] = types.Entity{UID: groups[i]}
	}
	entities[user] = types.Entity{UID: user, Parents: types.NewEntityUIDSet(groups...)}
	entities[resource] = types.Entity{
		UID:        resource,
		Attributes: types.NewRecord(types.RecordMap{"arn": types.String(r.Resource)}),
	}
	ctx, err := cedarContext(r.Context)
	if err != nil {
		return nil, err
	}
	req := types.Request{
		Principal: user,
		Action:    types.NewEntityUID(cedarAction, types.String(r.Action)),
		Resource:  resource,
		Context:   ctx,
	}
	ps := l.policies
	return func() outcome {
		d, diag := cedar.Authorize(ps, entities, req)
		o := outcome{allowed: d == cedar.Allow, explicit: no}
		if d != cedar.Allow && len(diag.Reasons) > 0 {
			o.explicit = yes // a forbid policy matched
		}
		return o
	}, nil
}

// cedarContext maps the request's aws: context keys to the names and types the
// .cedar.txt policies use.
func cedarContext(c map[string][]string) (types.Record, error) {
	m := types.RecordMap{}
	one := func(k string) (string, bool) {
		v, ok := c[k]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	}
	if v, ok := one("aws:CurrentTime"); ok {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return types.Record{}, fmt.Errorf("cedar: aws:CurrentTime: %w", err)
		}
		m["currentTime"] = types.NewDatetime(t)
	}
	if v, ok := one("aws:EpochTime"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return types.Record{}, fmt.Errorf("cedar: aws:EpochTime: %w", err)
		}
		m["epochTime"] = types.Long(n)
	}
	if v, ok := one("aws:SecureTransport"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return types.Record{}, fmt.Errorf("cedar: aws:SecureTransport: %w", err)
		}
		m["secureTransport"] = types.Boolean(b)
	}
	if v, ok := one("aws:SourceIp"); ok {
		ip, err := types.ParseIPAddr(v)
		if err != nil {
			return types.Record{}, fmt.Errorf("cedar: aws:SourceIp: %w", err)
		}
		m["sourceIp"] = ip
	}
	for k, name := range map[string]string{
		"aws:UserAgent": "userAgent",
		"aws:username":  "username",
		"aws:userid":    "userid",
	} {
		if v, ok := one(k); ok {
			m[types.String(name)] = types.String(v)
		}
	}
	if vs, ok := c["aws:groups"]; ok {
		set := make([]types.Value, len(vs))
		for i, g := range vs {
			set[i] = types.String(g)
		}
		m["groups"] = types.NewSet(set...)
	}
	return types.NewRecord(m), nil
}
