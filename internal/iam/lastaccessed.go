package iam

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// Access Advisor (issue 15): which services an entity's policies grant and
// when each was last used, from the evidence recorded in usage.go. A job
// is a stored row (its entity and granularity); the report is computed
// when read, so any process on the database answers it, and it is always
// COMPLETED.

// LastAccessedTrackingDays is how far back use is reported, as AWS's
// tracking period.
const LastAccessedTrackingDays = 400

// Granularities of GenerateServiceLastAccessedDetails.
const (
	GranularityService = "SERVICE_LEVEL"
	GranularityAction  = "ACTION_LEVEL"
)

// usageRegion is the region use is reported in: the console is one
// region's worth of global services.
const usageRegion = "us-east-1"

// ServiceLastAccessed is one granted service's last use.
type ServiceLastAccessed struct {
	ServiceName      string
	ServiceNamespace string
	// LastAuthenticated is zero when the service was never used in the
	// tracking period; the entity and region are then "".
	LastAuthenticated          time.Time
	LastAuthenticatedEntity    string
	LastAuthenticatedRegion    string
	TotalAuthenticatedEntities int
	// TrackedActions are the service's actions used (ACTION_LEVEL jobs).
	TrackedActions []TrackedActionLastAccessed
}

// TrackedActionLastAccessed is one action's last use.
type TrackedActionLastAccessed struct {
	ActionName         string
	LastAccessedEntity string
	LastAccessedRegion string
	LastAccessedTime   time.Time
}

// LastAccessedReport is a job's answer, one page of it.
type LastAccessedReport struct {
	JobID, JobType, JobStatus string
	JobCreationDate           time.Time
	JobCompletionDate         time.Time
	Services                  []ServiceLastAccessed
	Marker                    string
}

// EntityLastAccessed is one entity that used a service.
type EntityLastAccessed struct {
	Arn, ID, Name, Type, Path string
	LastAuthenticated         time.Time
}

// EntitiesLastAccessedReport is GetServiceLastAccessedDetailsWithEntities'
// answer, one page of it.
type EntitiesLastAccessedReport struct {
	JobStatus                          string
	JobCreationDate, JobCompletionDate time.Time
	Entities                           []EntityLastAccessed
	Marker                             string
}

// GenerateServiceLastAccessedDetails starts a report on the user, group,
// role or managed policy at arn and returns its job ID.
func (s *Service) GenerateServiceLastAccessedDetails(ctx context.Context, caller *Principal, arn, granularity string, m Meta) (string, error) {
	if granularity == "" {
		granularity = GranularityService
	}
	if granularity != GranularityService && granularity != GranularityAction {
		return "", violation("Granularity", "Granularity must be SERVICE_LEVEL or ACTION_LEVEL.",
			Violation{"granularity", granularity, "Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]"})
	}
	if len(arn) < 20 || len(arn) > 2048 {
		e := invalidField("Arn", "Invalid ARN %s.", arn)
		e.Code = "InvalidInput"
		return "", e
	}
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return "", err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GenerateServiceLastAccessedDetails", arn); err != nil {
		return "", err
	}
	g, err := s.liveGraph(ctx, acct)
	if err != nil {
		return "", err
	}
	if _, err := subjectOf(g.Account(), arn); err != nil {
		return "", err
	}
	j := &models.LastAccessedJob{JobID: uuid.NewString(), AccountID: acct, ARN: arn, Granularity: granularity, CreatedAt: s.now().UnixMilli()}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.PutLastAccessedJob(ctx, j); err != nil {
			return internal(err, "last accessed job")
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "GenerateServiceLastAccessedDetails", resource: arn,
			params: map[string]any{"granularity": granularity}}, nil)
	})
	if err != nil {
		return "", err
	}
	return j.JobID, nil
}

// GetServiceLastAccessedDetails answers a job: the services the entity's
// policies grant, each with its last use (none for the never used), by
// namespace; paged by marker and maxItems (default 100, at most 1000).
func (s *Service) GetServiceLastAccessedDetails(ctx context.Context, caller *Principal, jobID, marker string, maxItems int, m Meta) (*LastAccessedReport, error) {
	f, err := listFilter("", marker, maxItems, "")
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetServiceLastAccessedDetails", "*"); err != nil {
		return nil, err
	}
	j, sub, err := s.lastAccessedJob(ctx, caller, jobID)
	if err != nil {
		return nil, err
	}
	services, err := s.servicesLastAccessed(ctx, j, sub)
	if err != nil {
		return nil, err
	}
	page, next, err := pageOf(services, func(x ServiceLastAccessed) string { return x.ServiceNamespace }, f)
	if err != nil {
		return nil, err
	}
	created := time.UnixMilli(j.CreatedAt).UTC()
	return &LastAccessedReport{JobID: j.JobID, JobType: j.Granularity, JobStatus: "COMPLETED", JobCreationDate: created,
		JobCompletionDate: created, Services: page, Marker: next}, nil
}

// GetServiceLastAccessedDetailsWithEntities lists the entities behind a
// job's subject (a group's users; the users, groups' users and roles a
// policy is attached to; a user or role itself) that used the service
// namespace, latest first.
func (s *Service) GetServiceLastAccessedDetailsWithEntities(ctx context.Context, caller *Principal, jobID, namespace, marker string, maxItems int, m Meta) (*EntitiesLastAccessedReport, error) {
	f, err := listFilter("", marker, maxItems, "")
	if err != nil {
		return nil, err
	}
	if namespace == "" {
		return nil, violation("ServiceNamespace", "ServiceNamespace is required.",
			Violation{"serviceNamespace", namespace, "Member must not be null"})
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetServiceLastAccessedDetailsWithEntities", "*"); err != nil {
		return nil, err
	}
	j, sub, err := s.lastAccessedJob(ctx, caller, jobID)
	if err != nil {
		return nil, err
	}
	uses, err := s.FlushAndUsage(ctx, j.AccountID, sub.arns(), s.now().AddDate(0, 0, -LastAccessedTrackingDays))
	if err != nil {
		return nil, err
	}
	last := map[string]time.Time{}
	for _, u := range uses {
		if serviceOf(u.Action) == strings.ToLower(namespace) && u.LastUsed.After(last[u.PrincipalARN]) {
			last[u.PrincipalARN] = u.LastUsed
		}
	}
	var out []EntityLastAccessed
	for _, e := range sub.entities {
		if t, ok := last[e.Arn]; ok {
			e.LastAuthenticated = t
			out = append(out, e)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Arn < out[b].Arn })
	page, next, err := pageOf(out, func(x EntityLastAccessed) string { return x.Arn }, f)
	if err != nil {
		return nil, err
	}
	created := time.UnixMilli(j.CreatedAt).UTC()
	return &EntitiesLastAccessedReport{JobStatus: "COMPLETED", JobCreationDate: created, JobCompletionDate: created, Entities: page, Marker: next}, nil
}

// LastAccessed is the console's "Last accessed" tab: the report on arn at
// service level, without a stored job (nothing is asked of the API).
func (s *Service) LastAccessed(ctx context.Context, caller *Principal, arn string, m Meta) ([]ServiceLastAccessed, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GenerateServiceLastAccessedDetails", arn); err != nil {
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
	return s.servicesLastAccessed(ctx, &models.LastAccessedJob{AccountID: acct, ARN: arn, Granularity: GranularityAction}, sub)
}

func (s *Service) lastAccessedJob(ctx context.Context, caller *Principal, jobID string) (*models.LastAccessedJob, *lastAccessedSubject, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, nil, err
	}
	j, err := s.store.LastAccessedJobByID(ctx, acct, jobID)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, nil, newErr(NotFound, "No such job %s.", jobID)
		}
		return nil, nil, internal(err, "last accessed job")
	}
	g, err := s.liveGraph(ctx, acct)
	if err != nil {
		return nil, nil, err
	}
	sub, err := subjectOf(g.Account(), j.ARN)
	if err != nil {
		return nil, nil, err
	}
	return j, sub, nil
}

// FlushAndUsage is the stored use of principals since a time, with this
// process's unflushed use written first (so a report shows use just made).
func (s *Service) FlushAndUsage(ctx context.Context, acct string, arns []string, since time.Time) ([]models.ActionUsage, error) {
	if err := s.FlushUsage(ctx); err != nil {
		s.cfg.Log.Warn("flush usage", "err", err)
	}
	if len(arns) > usageBindMax {
		// A policy attached to thousands: read the account's use and keep
		// theirs, rather than bind more parameters than a statement takes.
		all, err := s.store.UsageOfAccount(ctx, acct, since)
		if err != nil {
			return nil, internal(err, "usage")
		}
		keep := make(map[string]bool, len(arns))
		for _, a := range arns {
			keep[a] = true
		}
		return slices.DeleteFunc(all, func(u models.ActionUsage) bool { return !keep[u.PrincipalARN] }), nil
	}
	uses, err := s.store.UsageOf(ctx, acct, arns, since)
	if err != nil {
		return nil, internal(err, "usage")
	}
	return uses, nil
}

// usageBindMax is the most principals whose use is asked for by name.
const usageBindMax = 1000

// servicesLastAccessed is the report on a job's subject: each granted
// service (sorted by namespace) with its last use.
func (s *Service) servicesLastAccessed(ctx context.Context, j *models.LastAccessedJob, sub *lastAccessedSubject) ([]ServiceLastAccessed, error) {
	uses, err := s.FlushAndUsage(ctx, j.AccountID, sub.arns(), s.now().AddDate(0, 0, -LastAccessedTrackingDays))
	if err != nil {
		return nil, err
	}
	byNS := map[string]*ServiceLastAccessed{}
	for prefix, name := range sub.granted {
		byNS[prefix] = &ServiceLastAccessed{ServiceName: name, ServiceNamespace: prefix}
	}
	users := map[string]map[string]bool{}
	for _, u := range uses {
		ns := serviceOf(u.Action)
		x := byNS[ns]
		if x == nil {
			continue // used once, not granted now: AWS reports the granted
		}
		if users[ns] == nil {
			users[ns] = map[string]bool{}
		}
		users[ns][u.PrincipalARN] = true
		if u.LastUsed.After(x.LastAuthenticated) {
			x.LastAuthenticated, x.LastAuthenticatedEntity, x.LastAuthenticatedRegion = u.LastUsed, u.PrincipalARN, usageRegion
		}
		if j.Granularity == GranularityAction {
			_, name, _ := strings.Cut(u.Action, ":")
			x.TrackedActions = mergeTracked(x.TrackedActions, TrackedActionLastAccessed{ActionName: name,
				LastAccessedEntity: u.PrincipalARN, LastAccessedRegion: usageRegion, LastAccessedTime: u.LastUsed})
		}
	}
	out := make([]ServiceLastAccessed, 0, len(byNS))
	for ns, x := range byNS {
		x.TotalAuthenticatedEntities = len(users[ns])
		sort.Slice(x.TrackedActions, func(a, b int) bool { return x.TrackedActions[a].ActionName < x.TrackedActions[b].ActionName })
		out = append(out, *x)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ServiceNamespace < out[b].ServiceNamespace })
	return out, nil
}

// mergeTracked adds t, keeping one entry per action with its latest use
// (a group's members use the same action).
func mergeTracked(ts []TrackedActionLastAccessed, t TrackedActionLastAccessed) []TrackedActionLastAccessed {
	for i := range ts {
		if strings.EqualFold(ts[i].ActionName, t.ActionName) {
			if t.LastAccessedTime.After(ts[i].LastAccessedTime) {
				ts[i] = t
			}
			return ts
		}
	}
	return append(ts, t)
}

// serviceOf is an action's service namespace, lower-cased.
func serviceOf(action string) string {
	svc, _, _ := strings.Cut(action, ":")
	return strings.ToLower(svc)
}

// lastAccessedSubject is what a report is about: the principals whose use
// counts (entities) and the services its policies grant (namespace ->
// name).
type lastAccessedSubject struct {
	entities []EntityLastAccessed
	granted  map[string]string
}

func (sub *lastAccessedSubject) arns() []string {
	out := make([]string, len(sub.entities))
	for i, e := range sub.entities {
		out[i] = e.Arn
	}
	return out
}

// subjectOf resolves a report's ARN in the live account (see
// subjectIndex.of).
func subjectOf(a *graph.Account, arn string) (*lastAccessedSubject, error) {
	return newSubjectIndex(a).of(arn)
}

// subjectIndex finds an account's entities by ARN and remembers what each
// document grants, so that asking for every principal (the unused-access
// findings) costs a lookup each, not a walk of the account and a parse of
// every policy each.
type subjectIndex struct {
	a        *graph.Account
	users    map[string]*graph.User
	groups   map[string]*graph.Group // by name, as users list them
	groupARN map[string]*graph.Group
	roles    map[string]*graph.Role
	managed  map[string]*graph.ManagedPolicy
	grants   map[string]map[string]string // policy ARN or inline document -> granted services
}

func newSubjectIndex(a *graph.Account) *subjectIndex {
	x := &subjectIndex{a: a, users: map[string]*graph.User{}, groups: map[string]*graph.Group{}, groupARN: map[string]*graph.Group{},
		roles: map[string]*graph.Role{}, managed: map[string]*graph.ManagedPolicy{}, grants: map[string]map[string]string{}}
	for i := range a.Users {
		x.users[a.Users[i].ARN] = &a.Users[i]
	}
	for i := range a.Groups {
		x.groups[a.Groups[i].Name] = &a.Groups[i]
		x.groupARN[a.Groups[i].ARN] = &a.Groups[i]
	}
	for i := range a.Roles {
		x.roles[a.Roles[i].ARN] = &a.Roles[i]
	}
	for i := range a.Policies {
		x.managed[a.Policies[i].ARN] = &a.Policies[i]
	}
	return x
}

// of resolves arn: a user (itself, its and its groups' policies), a group
// (its users, its policies), a role (itself, its policies) or a managed
// policy (the users, groups' users and roles it is attached to; its
// default document). NoSuchEntity otherwise.
func (x *subjectIndex) of(arn string) (*lastAccessedSubject, error) {
	sub := &lastAccessedSubject{granted: map[string]string{}}
	grant := func(inline []graph.InlinePolicy, attached []graph.AttachedPolicy) {
		for _, p := range inline {
			x.grantInto(sub, p.Document, p.Document)
		}
		for _, ap := range attached {
			x.grantInto(sub, ap.ARN, x.managedDoc(ap.ARN))
		}
	}
	user := func(u *graph.User) EntityLastAccessed {
		return EntityLastAccessed{Arn: u.ARN, ID: u.ID, Name: u.Name, Type: "USER", Path: u.Path}
	}
	role := func(r *graph.Role) EntityLastAccessed {
		return EntityLastAccessed{Arn: r.ARN, ID: r.ID, Name: r.Name, Type: "ROLE", Path: r.Path}
	}
	attachedTo := func(as []graph.AttachedPolicy) bool {
		for _, ap := range as {
			if ap.ARN == arn {
				return true
			}
		}
		return false
	}
	t, _ := typeOfARN(arn)
	switch t {
	case UserType:
		if u := x.users[arn]; u != nil {
			sub.entities = append(sub.entities, user(u))
			grant(u.Inline, u.Attached)
			for _, gn := range u.Groups {
				if g := x.groups[gn]; g != nil {
					grant(g.Inline, g.Attached)
				}
			}
			return sub, nil
		}
	case GroupType:
		if g := x.groupARN[arn]; g != nil {
			grant(g.Inline, g.Attached)
			for i := range x.a.Users {
				if u := &x.a.Users[i]; slices.Contains(u.Groups, g.Name) {
					sub.entities = append(sub.entities, user(u))
				}
			}
			return sub, nil
		}
	case RoleType:
		if r := x.roles[arn]; r != nil {
			sub.entities = append(sub.entities, role(r))
			grant(r.Inline, r.Attached)
			return sub, nil
		}
	case PolicyType:
		doc := x.managedDoc(arn)
		if doc == "" {
			break
		}
		x.grantInto(sub, arn, doc)
		viaGroup := map[string]bool{}
		for i := range x.a.Groups {
			if attachedTo(x.a.Groups[i].Attached) {
				viaGroup[x.a.Groups[i].Name] = true
			}
		}
		for i := range x.a.Users {
			u := &x.a.Users[i]
			in := attachedTo(u.Attached)
			for _, gn := range u.Groups {
				in = in || viaGroup[gn]
			}
			if in {
				sub.entities = append(sub.entities, user(u))
			}
		}
		for i := range x.a.Roles {
			if attachedTo(x.a.Roles[i].Attached) {
				sub.entities = append(sub.entities, role(&x.a.Roles[i]))
			}
		}
		return sub, nil
	}
	return nil, newErr(NotFound, "The entity %s does not exist.", arn)
}

// managedDoc is a managed policy's default document, "" when unknown.
func (x *subjectIndex) managedDoc(arn string) string {
	if mp := x.managed[arn]; mp != nil {
		return mp.Document()
	}
	if b := Builtin(arn); b != nil {
		return b.Document()
	}
	return ""
}

// grantInto adds the services a document's Allow statements name (all of
// a wildcard's, as AWS's report lists every service a policy grants),
// read once per key.
func (x *subjectIndex) grantInto(sub *lastAccessedSubject, key, doc string) {
	g, ok := x.grants[key]
	if !ok {
		g = map[string]string{}
		if d, err := policy.Parse([]byte(doc), policy.Identity); err == nil { // stored documents parsed when saved
			for _, ss := range policy.Summarize(d).Allow {
				g[ss.Prefix] = ss.Name
			}
		}
		x.grants[key] = g
	}
	for k, v := range g {
		sub.granted[k] = v
	}
}

// liveGraph is the live account's access graph, shared with the review
// pages' (graphcache.go), read without authorizing: the caller's own
// operation was authorized.
func (s *Service) liveGraph(ctx context.Context, acct string) (*graph.Graph, error) {
	return s.graphs.get(ctx, acct, s.now(), func(ctx context.Context) (graphKey, error) {
		return s.graphKey(ctx, acct, true)
	}, func(ctx context.Context, key graphKey, prev *graphEntry) (*graphEntry, error) {
		return s.buildGraph(ctx, acct, true, key, prev)
	})
}
