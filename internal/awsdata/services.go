package awsdata

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed service-reference.gz
var serviceReferenceGz []byte

// AccessLevel is the access level AWS's Service Authorization Reference gives
// an action; policy summaries group actions by it.
type AccessLevel uint8

// Access levels, in the order AWS's console lists them.
const (
	List AccessLevel = iota
	Read
	Write
	PermissionsManagement
	Tagging
)

// AccessLevels lists every level in AWS's order.
var AccessLevels = []AccessLevel{List, Read, Write, PermissionsManagement, Tagging}

// String returns the level as AWS writes it ("Permissions management").
func (l AccessLevel) String() string {
	switch l {
	case List:
		return "List"
	case Read:
		return "Read"
	case Write:
		return "Write"
	case PermissionsManagement:
		return "Permissions management"
	}
	return "Tagging"
}

// Action is one action of a service.
type Action struct {
	Name          string // as AWS spells it: "GetObject"
	Level         AccessLevel
	ResourceTypes []string // resource type names; a required one ends in "*"
	ConditionKeys []string
}

// ResourceType is a kind of resource a service defines, with its ARN format
// ("arn:${Partition}:s3:::${BucketName}").
type ResourceType struct {
	Name string
	ARN  string
}

// Service is one AWS service of the reference.
type Service struct {
	Prefix        string // "s3"
	Name          string // "Amazon S3"
	Actions       []Action
	ResourceTypes []ResourceType
	ConditionKeys []string // as AWS writes them, e.g. "s3:ExistingObjectTag/<key>"

	actions map[string]int // lowercased action name -> index in Actions
	lower   []string       // lowercased action names, by index in Actions
	keys    keySet
}

// LowerNames returns the actions' names in lower case, in Actions' order
// (shared: do not modify), for matching policy patterns without allocating.
func (s *Service) LowerNames() []string { return s.lower }

// Action returns the action with this name (case-insensitive).
func (s *Service) Action(name string) (*Action, bool) {
	i, ok := s.actions[strings.ToLower(name)]
	if !ok {
		return nil, false
	}
	return &s.Actions[i], true
}

// HasConditionKey reports whether the service defines key (case-insensitive;
// "s3:ExistingObjectTag/<key>" stands for every "s3:ExistingObjectTag/NAME").
func (s *Service) HasConditionKey(key string) bool { return s.keys.has(key) }

// Reference is AWS's Service Authorization Reference, as of the snapshot.
type Reference struct {
	services map[string]*Service
	prefixes []string
	// arns maps the service field of an ARN ("s3" in arn:aws:s3:::b) to the
	// resource ARN formats using it, whichever service defines them.
	arns         map[string][]string
	unassociated keySet // condition-key prefixes of identity providers ("accounts.google.com")
	keyServices  map[string][]string
	actionCount  int
}

// Service returns the service with this prefix (case-insensitive), or nil.
func (r *Reference) Service(prefix string) *Service { return r.services[strings.ToLower(prefix)] }

// Prefixes lists every service prefix, sorted.
func (r *Reference) Prefixes() []string { return r.prefixes }

// ActionCount is the number of actions of all services.
func (r *Reference) ActionCount() int { return r.actionCount }

// ARNFormats returns the resource ARN formats whose service field is svc.
func (r *Reference) ARNFormats(svc string) []string { return r.arns[svc] }

// KnownKeyPrefix reports whether prefix (the part of a condition key before
// ':') names an identity provider or other key family AWS documents apart from
// any service, such as "accounts.google.com" or "saml".
func (r *Reference) KnownKeyPrefix(prefix string) bool { return r.unassociated.has(prefix) }

// KeyPrefixServices returns the services whose actions take condition keys
// of a prefix that is not a service ("catalog" keys go with
// aws-marketplace actions, "saml" keys with sts), or nil.
func (r *Reference) KeyPrefixServices(prefix string) []string {
	return r.keyServices[strings.ToLower(prefix)]
}

// Services returns the reference, reading the embedded digest on first use
// (about 20 ms and a few MB, paid by the first policy check, not at start).
func Services() *Reference {
	r, err := loadServices()
	if err != nil {
		// The digest is embedded and checked by the package tests: failing to
		// read it means a broken build, not bad input.
		panic(err)
	}
	return r
}

var loadServices = sync.OnceValues(parseServicesGz)

func parseServices(rd interface{ Read([]byte) (int, error) }) (*Reference, error) {
	r := &Reference{services: make(map[string]*Service, 512), arns: make(map[string][]string)}
	var s *Service
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 2 || (f[0] != "S" && f[0] != "U" && s == nil) {
			return nil, fmt.Errorf("awsdata: service reference line %d: malformed", line)
		}
		switch {
		case f[0] == "S" && len(f) == 3:
			prefix := strings.ToLower(f[1])
			if r.services[prefix] != nil {
				return nil, fmt.Errorf("awsdata: service reference line %d: service %s twice", line, prefix)
			}
			s = &Service{Prefix: prefix, Name: f[2], actions: make(map[string]int)}
			r.services[prefix] = s
			r.prefixes = append(r.prefixes, prefix)
		case f[0] == "A" && len(f) == 5:
			s.actions[strings.ToLower(f[1])] = len(s.Actions)
			s.lower = append(s.lower, strings.ToLower(f[1]))
			s.Actions = append(s.Actions, Action{Name: f[1], Level: levelOf(f[2]), ResourceTypes: splitList(f[3]), ConditionKeys: splitList(f[4])})
			r.actionCount++
		case f[0] == "R" && len(f) == 3:
			s.ResourceTypes = append(s.ResourceTypes, ResourceType{Name: f[1], ARN: f[2]})
			if parts := strings.SplitN(f[2], ":", 4); len(parts) == 4 {
				r.arns[parts[2]] = append(r.arns[parts[2]], f[2])
			}
		case f[0] == "K" && len(f) == 3:
			s.ConditionKeys = append(s.ConditionKeys, f[1])
			s.keys.add(f[1])
		case f[0] == "U" && len(f) == 3:
			r.unassociated.add(f[1])
			if r.keyServices == nil {
				r.keyServices = make(map[string][]string)
			}
			r.keyServices[strings.ToLower(f[1])] = splitList(f[2])
		default:
			return nil, fmt.Errorf("awsdata: service reference line %d: malformed", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("awsdata: service reference: %w", err)
	}
	sort.Strings(r.prefixes)
	return r, nil
}

func levelOf(s string) AccessLevel {
	switch s {
	case "L":
		return List
	case "R":
		return Read
	case "W":
		return Write
	case "P":
		return PermissionsManagement
	}
	return Tagging
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// keySet matches condition keys as AWS documents them: exact names, and
// families with a placeholder ("aws:ResourceTag/${TagKey}",
// "s3:ExistingObjectTag/<key>") standing for any non-empty text.
type keySet struct {
	exact    map[string]bool
	patterns []keyPattern
}

type keyPattern struct{ prefix, suffix string }

func (k *keySet) add(key string) {
	lk := strings.ToLower(key)
	// A few services write the tag family as ".../tag-key".
	if strings.HasSuffix(lk, "/tag-key") {
		k.patterns = append(k.patterns, keyPattern{strings.TrimSuffix(lk, "tag-key"), ""})
		return
	}
	if i := strings.IndexAny(lk, "$<"); i >= 0 {
		end := strings.IndexAny(lk[i:], "}>")
		if end > 0 {
			k.patterns = append(k.patterns, keyPattern{lk[:i], lk[i+end+1:]})
			return
		}
	}
	if k.exact == nil {
		k.exact = make(map[string]bool)
	}
	k.exact[lk] = true
}

func (k *keySet) has(key string) bool {
	lk := strings.ToLower(key)
	if k.exact[lk] {
		return true
	}
	for _, p := range k.patterns {
		if len(lk) > len(p.prefix)+len(p.suffix) && strings.HasPrefix(lk, p.prefix) && strings.HasSuffix(lk, p.suffix) {
			return true
		}
	}
	return false
}

// parseServicesGz reads the embedded digest.
func parseServicesGz() (*Reference, error) {
	zr, err := gzip.NewReader(bytes.NewReader(serviceReferenceGz))
	if err != nil {
		return nil, fmt.Errorf("awsdata: service reference: %w", err)
	}
	return parseServices(zr)
}
