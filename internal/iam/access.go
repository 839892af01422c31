package iam

import (
	"context"
	"slices"
	"strings"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/policy"
)

// AccessReview is what one user, role or group of an account can do: its
// effective permissions by service and access level, and whether it can
// become admin, and how.
type AccessReview struct {
	Account string
	Live    bool
	ARN     string
	Name    string
	Kind    string // "user", "role" or "group"
	// Services are the effective permissions by service: AWS's summary by
	// access level (as the policy editor's), with the permissions behind
	// each row. For a group, what each member gets from it.
	Services []ServiceAccess
	// Admin is the path to full access, when there is one. For a group, a
	// member's path that starts with one of the group's policies.
	Admin *graph.Admin
	// AdminHops tells Admin's path with the verbs of every step.
	AdminHops []graph.Hop
	// Members are a group's members' ARNs.
	Members []string
}

// ServiceAccess is one service's row of an AccessReview.
type ServiceAccess struct {
	ServiceSummary
	Permissions []graph.Permission
}

// PrincipalAccess reviews one principal of the live account ("") or of an
// imported one: what it can do by service and access level, and its path
// to full access. It answers from the account's access graph (built once
// and kept, see AccessGraph), so it needs what the graph needs:
// iam:GetAccountAuthorizationDetails on the account. An ARN that names no
// user, role or group of the account is NotFound.
func (s *Service) PrincipalAccess(ctx context.Context, caller *Principal, accountID, arn string, m Meta) (*AccessReview, error) {
	// Authorized first: a refused caller learns nothing from its input.
	_, live, err := s.reviewedAccount(ctx, caller, accountID, m)
	if err != nil {
		return nil, err
	}
	if arn == "" {
		return nil, invalidField("arn", "Name a user, role or group by its ARN.")
	}
	g, err := s.AccessGraph(ctx, caller, accountID, m)
	if err != nil {
		return nil, err
	}
	n, ok := g.Node(arn)
	if !ok || (n.Kind != graph.KindUser && n.Kind != graph.KindRole && n.Kind != graph.KindGroup) {
		return nil, newErr(NotFound, "Account %s has no user, role or group %s.", g.Account().ID, arn)
	}
	r := &AccessReview{Account: g.Account().ID, Live: live, ARN: arn, Name: n.Name, Kind: string(n.Kind)}
	var perms []graph.ServicePermissions
	var admin graph.Admin
	if n.Kind == graph.KindGroup {
		perms = g.GroupCan(arn)
		admin, ok = g.GroupAdmin(arn)
		r.Members = g.GroupMembers(arn)
	} else {
		perms = g.WhatCan(arn)
		admin, ok = g.AdminOf(arn)
	}
	if ok {
		r.Admin = &admin
		r.AdminHops = g.Tell(admin.Path)
	}
	r.Services = accessByService(perms)
	return r, nil
}

// accessByService summarises effective permissions as AWS's policy summary
// does (policy.Summarize, the policy editor's): each service's permissions
// read as one document of Allow statements. Permissions that reach every
// service ("*", a NotAction) are one row, not hundreds.
func accessByService(perms []graph.ServicePermissions) []ServiceAccess {
	out := make([]ServiceAccess, 0, len(perms))
	for _, sp := range perms {
		if sp.Service == "*" {
			out = append(out, ServiceAccess{ServiceSummary: everyService(sp.Permissions), Permissions: sp.Permissions})
			continue
		}
		d := &policy.Document{Kind: policy.Identity}
		for _, p := range sp.Permissions {
			d.Statements = append(d.Statements, policy.Statement{Effect: policy.Allow, Action: []string{p.Action},
				Resource: []string{p.Resource}, HasResource: true})
		}
		row := ServiceSummary{Service: sp.Service, Name: sp.Service, Access: "Not in AWS's list of actions: matches nothing"}
		if rows := serviceRows(policy.Summarize(d).Allow); len(rows) > 0 {
			row = rows[0]
		}
		out = append(out, ServiceAccess{ServiceSummary: row, Permissions: sp.Permissions})
	}
	return out
}

// everyService is the row of the permissions that name no one service.
func everyService(perms []graph.Permission) ServiceSummary {
	row := ServiceSummary{Service: "*", Name: "Every service"}
	var partial []string
	for _, p := range perms {
		res := p.Resource
		if res == "*" {
			res = "All resources"
		}
		if !slices.Contains(row.Resources, res) {
			row.Resources = append(row.Resources, res)
		}
		switch {
		case p.Action == "*":
			row.Full = true
		case strings.HasPrefix(p.Action, "NotAction:"):
			partial = append(partial, "every action except "+strings.TrimPrefix(p.Action, "NotAction:"))
		default:
			partial = append(partial, p.Action)
		}
	}
	if row.Full {
		row.Access = "Full access: every action of every service"
	} else {
		row.Access = "Limited: " + strings.Join(partial, "; ")
	}
	return row
}
