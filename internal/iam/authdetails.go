package iam

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/models"
)

// AuthorizationDetailsInput is GetAccountAuthorizationDetails' input.
type AuthorizationDetailsInput struct {
	// Filter names the entity kinds to return (AWS's values: User, Role,
	// Group, LocalManagedPolicy, AWSManagedPolicy); empty returns all.
	Filter   []string
	Marker   string
	MaxItems int // 0: AWS's default, 100
}

// Entity kinds GetAccountAuthorizationDetails filters by, as AWS spells them.
const (
	DetailUser               = "User"
	DetailGroup              = "Group"
	DetailRole               = "Role"
	DetailLocalManagedPolicy = "LocalManagedPolicy"
	DetailAWSManagedPolicy   = "AWSManagedPolicy"
)

// detailKinds are the kinds in the order of the answer's lists (AWS's:
// users, groups, roles, policies), which is the order a page cuts through.
var detailKinds = []string{DetailUser, DetailGroup, DetailRole, DetailLocalManagedPolicy, DetailAWSManagedPolicy}

// AuthorizationDetailsPage is one page of GetAccountAuthorizationDetails.
type AuthorizationDetailsPage struct {
	// Page holds the page's entities, each list in the snapshot's order.
	Page *graph.Account
	// Whole is the account the page was cut from: an instance profile of a
	// role on the page names its roles, which may be on another page.
	Whole *graph.Account
	// Marker is the next page's, "" on the last.
	Marker string
}

// AuthorizationDetails is one page of GetAccountAuthorizationDetails: the
// live account's snapshot, the very one `console export` writes, narrowed to
// the kinds asked for and cut to the page.
func (s *Service) AuthorizationDetails(ctx context.Context, caller *Principal, in AuthorizationDetailsInput, m Meta) (*AuthorizationDetailsPage, error) {
	want, err := detailFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	maxItems := in.MaxItems
	if maxItems == 0 {
		maxItems = models.DefaultListLimit
	}
	if maxItems < 1 || maxItems > models.MaxListLimit {
		return nil, invalidField("MaxItems", "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", maxItems)
	}
	after, err := decodeDetailMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	// reviewedAccount authorizes iam:GetAccountAuthorizationDetails on
	// "*" (the live account), as AWS does: the action has no
	// resource-level permissions. Snapshot does the same for the export.
	id, live, err := s.reviewedAccount(ctx, caller, "", m)
	if err != nil {
		return nil, err
	}
	a, err := s.detailsSnapshot(ctx, caller, id, live)
	if err != nil {
		return nil, err
	}
	items := detailItems(a, want)
	start := 0
	if after != nil {
		// The first item after the marker's: an entity deleted between
		// pages does not shift the next page, one added before the marker
		// is not returned twice.
		for start < len(items) && !after.less(items[start].key) {
			start++
		}
	}
	items = items[start:]
	next := ""
	if len(items) > maxItems {
		items = items[:maxItems]
		next = items[maxItems-1].key.marker()
	}
	return &AuthorizationDetailsPage{Page: detailPage(a, items), Whole: a, Marker: next}, nil
}

// detailFilter checks the Filter values and says which kinds are wanted.
func detailFilter(filter []string) (map[string]bool, error) {
	want := map[string]bool{}
	for _, f := range filter {
		ok := false
		for _, k := range detailKinds {
			ok = ok || f == k
		}
		if !ok {
			return nil, invalidField("Filter", "1 validation error detected: Value '[%s]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]",
				strings.Join(filter, ", "))
		}
		want[f] = true
	}
	if len(want) == 0 {
		for _, k := range detailKinds {
			want[k] = true
		}
	}
	return want, nil
}

// detailKey is an item's place in the answer: its list, then its name
// (lower-cased, as the snapshot sorts) or, for an AWS managed policy, its
// ARN.
type detailKey struct {
	list int // index in detailKinds
	name string
}

func (k detailKey) less(o detailKey) bool {
	return k.list < o.list || (k.list == o.list && k.name < o.name)
}

// marker encodes the key of a page's last item. It is opaque to callers
// (base64), and AWS's Marker allows [\u0020-\u00FF], 320 characters.
func (k detailKey) marker() string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d:%s", k.list, k.name)))
}

func decodeDetailMarker(m string) (*detailKey, error) {
	if m == "" {
		return nil, nil
	}
	bad := invalidField("Marker", "The marker is not valid.")
	if len(m) > 320 {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return nil, bad
	}
	list, name, ok := strings.Cut(string(b), ":")
	if !ok || len(list) != 1 || list[0] < '0' || int(list[0]-'0') >= len(detailKinds) {
		return nil, bad
	}
	return &detailKey{list: int(list[0] - '0'), name: name}, nil
}

// detailItem is one entity of the combined list: its key and its index in
// the snapshot's list of its kind.
type detailItem struct {
	key   detailKey
	index int
}

// detailItems lists a's entities of the wanted kinds in the answer's order.
func detailItems(a *graph.Account, want map[string]bool) []detailItem {
	var out []detailItem
	add := func(list, n int, name func(int) string) {
		if !want[detailKinds[list]] {
			return
		}
		for i := 0; i < n; i++ {
			out = append(out, detailItem{key: detailKey{list: list, name: name(i)}, index: i})
		}
	}
	add(0, len(a.Users), func(i int) string { return strings.ToLower(a.Users[i].Name) })
	add(1, len(a.Groups), func(i int) string { return strings.ToLower(a.Groups[i].Name) })
	add(2, len(a.Roles), func(i int) string { return strings.ToLower(a.Roles[i].Name) })
	// The snapshot lists customer policies (by name) before the AWS
	// managed ones in use (by ARN).
	var local, aws []int
	for i := range a.Policies {
		if a.Policies[i].AWSManaged() {
			aws = append(aws, i)
		} else {
			local = append(local, i)
		}
	}
	add(3, len(local), func(i int) string { return strings.ToLower(a.Policies[local[i]].Name) })
	for j := range out {
		if out[j].key.list == 3 {
			out[j].index = local[out[j].index]
		}
	}
	n := len(out)
	add(4, len(aws), func(i int) string { return a.Policies[aws[i]].ARN })
	for j := n; j < len(out); j++ {
		out[j].index = aws[out[j].index]
	}
	return out
}

// detailPage is the account holding only items, in their order.
func detailPage(a *graph.Account, items []detailItem) *graph.Account {
	p := &graph.Account{ID: a.ID, CredentialsKnown: a.CredentialsKnown, Root: a.Root}
	for _, it := range items {
		switch it.key.list {
		case 0:
			p.Users = append(p.Users, a.Users[it.index])
		case 1:
			p.Groups = append(p.Groups, a.Groups[it.index])
		case 2:
			p.Roles = append(p.Roles, a.Roles[it.index])
		default:
			p.Policies = append(p.Policies, a.Policies[it.index])
		}
	}
	return p
}

// detailsCache keeps the last snapshot read for GetAccountAuthorizationDetails,
// under the state stamp read before it, so that paging through a large
// account reads it once, not once a page (a whole read of 10,000 users is
// about a second). Kept at most detailsKeep: what moves without a state
// change (a role's last use) is at most that old. Shared read-only.
type detailsCache struct {
	mu      sync.Mutex
	account string
	stamp   models.StateStamp
	read    time.Time
	a       *graph.Account
}

const detailsKeep = time.Minute

// detailsSnapshot is the account's snapshot, the kept one while the state
// has not changed.
func (s *Service) detailsSnapshot(ctx context.Context, caller *Principal, id string, live bool) (*graph.Account, error) {
	if !live {
		return s.loadSnapshot(ctx, id, live)
	}
	stamp, err := s.requestStamp(ctx, caller)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &s.details
	c.mu.Lock()
	if c.a != nil && c.account == id && c.stamp == stamp && now.Sub(c.read) < detailsKeep && !now.Before(c.read) {
		a := c.a
		c.mu.Unlock()
		return a, nil
	}
	c.mu.Unlock()
	a, err := s.loadSnapshot(ctx, id, live)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.account, c.stamp, c.read, c.a = id, stamp, now, a
	c.mu.Unlock()
	return a, nil
}
