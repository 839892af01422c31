package iam

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Least privilege from activity (issue 15): a policy of exactly the
// actions a user or role was allowed and used in a period, by service,
// on every resource (the evidence keeps actions, not resources), set
// beside what its policies grant now. Saving it is the normal
// CreatePolicy, by whoever may.

// ActivityPolicy is the policy a principal's activity asks for.
type ActivityPolicy struct {
	Principal string
	Since     time.Time
	// Document is the generated identity policy (no statement when
	// nothing was used).
	Document string
	// Actions are the actions used, allowed, since Since, sorted.
	Actions []string
	// Services compare the principal's granted services with its use:
	// one row per service granted or used, by namespace.
	Services []ActivityService
}

// ActivityService is one service's row of the comparison.
type ActivityService struct {
	Namespace, Name string
	Granted         bool     // the current policies allow some of it
	Used            []string // its actions used (the generated policy's)
}

// Removed reports whether the generated policy drops the service: granted
// now, not used in the period.
func (a ActivityService) Removed() bool { return a.Granted && len(a.Used) == 0 }

// PolicyFromActivity generates the policy of what the user or role at arn
// was allowed and used in the last days days. It is Access Analyzer's
// access-analyzer:StartPolicyGeneration on the principal, as AWS's
// policy generation from activity.
func (s *Service) PolicyFromActivity(ctx context.Context, caller *Principal, arn string, days int, m Meta) (*ActivityPolicy, error) {
	if days < 1 || days > LastAccessedTrackingDays {
		return nil, invalidField("Days", "The period must be between 1 and %d days.", LastAccessedTrackingDays)
	}
	t, _ := typeOfARN(arn)
	if t != UserType && t != RoleType {
		return nil, invalidField("Arn", "A policy is generated for a user or a role, not %s.", arn)
	}
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "access-analyzer:StartPolicyGeneration", arn); err != nil {
		return nil, err
	}
	g, err := s.liveGraph(ctx, acct)
	if err != nil {
		return nil, err
	}
	sub, err := subjectOf(g.Account(), arn)
	if err != nil {
		return nil, err
	}
	since := s.now().AddDate(0, 0, -days)
	uses, err := s.FlushAndUsage(ctx, acct, []string{arn}, since)
	if err != nil {
		return nil, err
	}
	out := &ActivityPolicy{Principal: arn, Since: since}
	byNS := map[string]*ActivityService{}
	row := func(ns string) *ActivityService {
		if byNS[ns] == nil {
			byNS[ns] = &ActivityService{Namespace: ns, Name: sub.granted[ns]}
			_, byNS[ns].Granted = sub.granted[ns]
		}
		return byNS[ns]
	}
	for ns := range sub.granted {
		row(ns)
	}
	for _, u := range uses {
		if u.Count <= u.Denied {
			continue // only refused: granting it would widen, not narrow
		}
		r := row(serviceOf(u.Action))
		r.Used = append(r.Used, u.Action)
		out.Actions = append(out.Actions, u.Action)
	}
	sort.Strings(out.Actions)
	for _, r := range byNS {
		sort.Strings(r.Used)
		out.Services = append(out.Services, *r)
	}
	sort.Slice(out.Services, func(a, b int) bool { return out.Services[a].Namespace < out.Services[b].Namespace })
	if out.Document, err = activityDocument(out.Services); err != nil {
		return nil, err
	}
	return out, nil
}

// activityDocument is one Allow statement per used service, its actions
// on every resource.
func activityDocument(services []ActivityService) (string, error) {
	type statement struct {
		Sid      string   `json:"Sid"`
		Effect   string   `json:"Effect"`
		Action   []string `json:"Action"`
		Resource string   `json:"Resource"`
	}
	doc := struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{Version: "2012-10-17", Statement: []statement{}}
	for _, r := range services {
		if len(r.Used) > 0 {
			doc.Statement = append(doc.Statement, statement{Sid: sidOf(r.Namespace), Effect: "Allow", Action: r.Used, Resource: "*"})
		}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", internal(err, "activity policy")
	}
	return string(b), nil
}

// sidOf makes a statement ID of a namespace: "access-analyzer" is
// "AccessAnalyzerUsed" (Sids are alphanumeric).
func sidOf(ns string) string {
	var b strings.Builder
	up := true
	for _, r := range ns {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String() + "Used"
}
