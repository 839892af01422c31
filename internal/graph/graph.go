package graph

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamconsole/console/internal/policy"
)

// NodeKind is what a node stands for.
type NodeKind string

// Node kinds.
const (
	KindUser     NodeKind = "user"
	KindGroup    NodeKind = "group"
	KindRole     NodeKind = "role"
	KindPolicy   NodeKind = "policy"        // managed policy
	KindInline   NodeKind = "inline-policy" // inline policy of a user, group or role
	KindService  NodeKind = "service"       // AWS service principal named by a trust policy
	KindExternal NodeKind = "external"      // another account, "*", or a federated provider named by a trust policy
	KindResource NodeKind = "resource"      // a resource pattern some principal is granted
	KindSet      NodeKind = "set"           // the many targets one escalation edge stands for (large accounts)
)

// kindOrder sorts nodes: principals first, then policies, then the rest.
var kindOrder = map[NodeKind]int{KindUser: 0, KindGroup: 1, KindRole: 2, KindPolicy: 3, KindInline: 4, KindService: 5, KindExternal: 6, KindResource: 7, KindSet: 8}

// Node is one vertex of the graph. ID is the ARN for users, groups, roles and
// managed policies; "OWNER-ARN#NAME" for inline policies; the service name for
// services; the account root ARN, "*" or the provider ARN for external
// principals; "resource:PATTERN" for resource patterns.
type Node struct {
	ID          string
	Kind        NodeKind
	Name        string
	Path        string `json:",omitempty"`
	Description string `json:",omitempty"`
}

// EdgeKind is what an edge says.
type EdgeKind string

// Edge kinds.
const (
	EdgeMemberOf   EdgeKind = "member-of"  // user -> group
	EdgeAttached   EdgeKind = "attached"   // identity -> managed policy
	EdgeInline     EdgeKind = "inline"     // identity -> its inline policy
	EdgeBoundary   EdgeKind = "boundary"   // identity -> its permissions boundary
	EdgeCanAssume  EdgeKind = "can-assume" // principal -> role (trust and identity both allow)
	EdgeGrants     EdgeKind = "grants"     // principal -> resource pattern
	EdgeEscalation EdgeKind = "escalation" // principal -> what it can take over or rewrite
)

// Gain says what an escalation edge gives its source.
type Gain string

// Gains.
const (
	GainPrincipal Gain = "principal" // the source acts as the target (its credentials or a session)
	GainArbitrary Gain = "arbitrary" // the source can rewrite the target's permissions at will
	GainGroup     Gain = "group"     // the source joins the target group
	GainVersion   Gain = "version"   // the source can switch the target policy to another existing version
)

// Edge is one directed relation, with the engine decisions that make it.
type Edge struct {
	From, To string
	Kind     EdgeKind
	// Label: the action summary of a grants edge, the technique name of an
	// escalation edge.
	Label     string `json:",omitempty"`
	Technique string `json:",omitempty"` // catalogue ID (can-assume: sts-001)
	Gain      Gain   `json:",omitempty"`
	// Needs lists what the request must carry for the edge to hold: "MFA",
	// "ExternalId", or context keys the conditions read that the graph cannot
	// supply (e.g. SAML:aud).
	Needs []string `json:",omitempty"`
	// Assumes is a prerequisite IAM data cannot show (an existing Lambda
	// function running as the role, ...), taken to hold.
	Assumes string `json:",omitempty"`
	Steps   []Step `json:",omitempty"`
}

// Step is one engine decision: an action on a resource and the statements
// that decided it.
type Step struct {
	Action     string
	Resource   string
	Statements []Statement
}

// Statement is a deciding statement, as the engine reports it.
type Statement struct {
	Policy     string // policy ARN, or OWNER#NAME for inline and trust policies
	PolicyName string `json:",omitempty"`
	Version    string `json:",omitempty"`
	Sid        string `json:",omitempty"`
	Index      int
	Effect     string
	Layer      string
	Line       int
	Column     int
}

// shareStatements makes the steps that cite the same statements share one
// list of them: the benign 10,000 principals' 40,000 steps cite 5,200
// distinct lists (every holder of a managed policy cites its statements),
// 6 MB of a kept graph's memory. The lists are never written once made;
// each shared one is clipped, so that an append copies it.
//
// The steps, and the distinct lists, are then copied each into one array:
// left where the build made them, among its garbage, they kept many
// otherwise empty spans of the heap in use.
func (g *Graph) shareStatements() {
	seen := map[string][]Statement{}
	var key []byte
	nSteps := 0
	for i := range g.Edges {
		nSteps += len(g.Edges[i].Steps)
	}
	allSteps := make([]Step, 0, nSteps)
	var distinct [][]Statement
	nStmts := 0
	for i := range g.Edges {
		at := len(allSteps)
		allSteps = append(allSteps, g.Edges[i].Steps...)
		steps := allSteps[at:len(allSteps):len(allSteps)]
		if g.Edges[i].Steps != nil {
			g.Edges[i].Steps = steps
		}
		for j := range steps {
			sts := steps[j].Statements
			if len(sts) == 0 {
				continue
			}
			key = key[:0]
			for _, st := range sts {
				for _, s := range [...]string{st.Policy, st.PolicyName, st.Version, st.Sid, st.Effect, st.Layer} {
					key = append(append(key, s...), 0)
				}
				key = strconv.AppendInt(key, int64(st.Index), 10)
				key = append(key, ':')
				key = strconv.AppendInt(key, int64(st.Line), 10)
				key = append(key, ':')
				key = strconv.AppendInt(key, int64(st.Column), 10)
				key = append(key, 1)
			}
			if shared, ok := seen[string(key)]; ok {
				steps[j].Statements = shared
			} else {
				steps[j].Statements = slices.Clip(sts)
				seen[string(key)] = steps[j].Statements
				distinct = append(distinct, steps[j].Statements)
				nStmts += len(sts)
			}
		}
	}
	// Each distinct list moved into one array, the steps pointed at the
	// copies.
	all := make([]Statement, 0, nStmts)
	moved := make(map[*Statement][]Statement, len(distinct))
	for _, d := range distinct {
		at := len(all)
		all = append(all, d...)
		moved[&d[0]] = all[at:len(all):len(all)]
	}
	for j := range allSteps {
		if sts := allSteps[j].Statements; len(sts) > 0 {
			allSteps[j].Statements = moved[&sts[0]]
		}
	}
}

// shareStrings makes the edges' equal strings, and equal Needs lists,
// one: each grant edge had its own label (13 distinct labels for the
// 30,000 grant edges of the benign 10,000 principals) and its own
// "resource:" ID, and each can-assume edge its own Needs. The copies,
// made among the build's garbage, kept its spans in use. Node IDs become
// the node's own string; the shared Needs lists are clipped, so that an
// append copies, and never written (an Update's edges may share them with
// the previous graph's). Like shareStatements, it writes only into the
// edges and steps finish has just copied.
func (g *Graph) shareStrings() {
	strs := map[string]string{}
	str := func(s string) string {
		if t, ok := strs[s]; ok || s == "" {
			return t
		}
		strs[s] = s
		return s
	}
	id := func(s string) string {
		if i, ok := g.nodeIdx[s]; ok {
			return g.Nodes[i].ID
		}
		return str(s)
	}
	needs := map[string][]string{}
	var key []byte
	for i := range g.Edges {
		e := &g.Edges[i]
		e.From, e.To, e.Label, e.Technique, e.Assumes = id(e.From), id(e.To), str(e.Label), str(e.Technique), str(e.Assumes)
		if len(e.Needs) > 0 {
			key = key[:0]
			for _, n := range e.Needs {
				key = append(append(key, n...), 0)
			}
			if shared, ok := needs[string(key)]; ok {
				e.Needs = shared
			} else {
				e.Needs = slices.Clip(e.Needs)
				needs[string(key)] = e.Needs
			}
		}
		for j := range e.Steps {
			st := &e.Steps[j]
			st.Action, st.Resource = str(st.Action), id(st.Resource)
		}
	}
}

func statements(ms []policy.MatchedStatement) []Statement {
	out := make([]Statement, 0, len(ms))
	for _, m := range ms {
		out = append(out, Statement{Policy: m.Policy.ID, PolicyName: m.Policy.Name, Version: m.Policy.VersionID, Sid: m.Sid,
			Index: m.Index, Effect: m.Effect.String(), Layer: m.Layer.String(), Line: m.Start.Line, Column: m.Start.Column})
	}
	return out
}

// Options tune Build.
type Options struct {
	// Now is the time requests are evaluated at (aws:CurrentTime,
	// aws:TokenIssueTime) and findings measured from; zero means time.Now().
	Now time.Time
	// MaxGrants caps the resource patterns listed per principal (0: 50).
	MaxGrants int

	// The budget of BuildContext (zero: unbounded). MaxMemory is a soft
	// bound on the heap's growth during the build, in bytes, read from the
	// runtime every few thousand engine questions; it counts whatever else
	// the process allocates meanwhile.
	MaxNodes, MaxEdges int
	MaxMemory          uint64

	// setMin overrides defaultSetMin (tests).
	setMin int
}

// Graph is the access graph of one account. It is immutable once built and
// safe for concurrent queries.
type Graph struct {
	acct     *Account
	now      time.Time
	Nodes    []Node
	Edges    []Edge
	Warnings []Warning

	nodeIdx    map[string]int
	principals []*principal // users then roles, each in ARN order
	byARN      map[string]*principal
	managed    map[string]*managedPolicy
	groups     map[string]*groupInfo // by ARN
	groupByNm  map[string]*groupInfo
	trusts     map[string]*policy.Policy // role ARN -> compiled trust
	trustDocs  map[string]*policy.Document
	affects    map[string][]*principal // entity ARN -> principals whose permissions it defines
	out        map[string]edgeRange    // node ID -> its outgoing edges (contiguous once sorted)
	reachOut   map[string][]int        // the subset that lets the source act as another
	modOut     map[string][]int        // the subset that rewrites permissions
	pseudo     map[string]*principal   // "USER+GROUP" -> user with the group's policies
	// The search index (search.go): every principal a walk can visit, its
	// successors and predecessors, and each one's path to full access.
	rnodes       []*principal
	fwd, rev     [][]succ
	adminRes     map[string]*reachResult
	versionFulls map[string]bool
	// Target classes and sets (classes.go).
	setMin     int
	sets       map[string]*setNode
	setOrder   []string
	stmtSets   map[*policy.Document][]actionSet
	pairs      *pairIndex // the grant edges' pairs (query.go); build only
	matchCache map[string]map[string]bool
	resIndex   map[string][]string // entity ARNs by resource part, for matching
	entityARNs []string
	roleCands  map[string]*roleCands    // build only
	userLists  map[techKind]*targetList // build only (userTargets)
	admin      map[string][]Step        // direct full access, with the deciding steps
	maxGrants  int
	docSets    map[*policy.Document]actionSet
	svcTrust   map[svcKey]bool
	// The two contexts nearly every request uses, built once.
	baseCtx, mfaCtx policy.Context
	ctxReady        bool
	ctxCache        map[string]policy.Context
	mu              sync.Mutex // guards ctxCache and svcTrust, which queries fill too
	// pseudoEdges: rewrites a pseudo principal could make, by its key.
	pseudoEdges map[string][]Edge
	// The principals outside the account that trust policies name (services,
	// other accounts and their principals, "*", identity providers), by node
	// ID and in node order.
	outsiders map[string]*principal
	outside   []*principal

	// The build's context, budget and first error (budget.go); ctx is nil
	// once built.
	ctx    context.Context
	opts   Options
	parsed map[parseKey]parsed
	// compiler cuts the compiled policies from shared arrays; build only.
	compiler *policy.Compiler
	// pre: documents parsed before compiling (preparse); compile only.
	pre map[preKey]*policy.Document
	// trustByText: the compiled trust policies, by text (parse).
	trustByText map[string]parsed
	// prev and upd are set while Update builds from a previous graph.
	prev  *Graph
	upd   *changeSet
	err   error
	ticks int
	// chunks hold the edges until finish lays them out in order, in one
	// slice of exactly their number: growing one slice of large structs
	// copied it at every doubling (a fifth of a build's CPU at 10,000
	// principals) and kept up to a quarter of it unused.
	chunks    [][]Edge
	nChunked  int
	heapStart uint64

	// lookup is the name and ARN index of the principals (lookup.go),
	// made on the first search.
	lookupOnce sync.Once
	lookup     []lookupEntry
}

type managedPolicy struct {
	src      *ManagedPolicy
	compiled *policy.Policy // default version; nil when unreadable
	doc      *policy.Document
	versions map[string]*policy.Policy // every readable version
}

type groupInfo struct {
	src      *Group
	policies []*policy.Policy
	docs     []*policy.Document
	members  []*principal
}

// principal is a user or role with the inputs the engine needs.
type principal struct {
	arn, name string
	kind      NodeKind
	user      *User
	role      *Role
	req       policy.Principal
	in        policy.Inputs
	docs      []*policy.Document // identity documents, for the action pre-filter
	inline    []namedDoc         // its own inline policies, for the wildcard lint
	groups    []*groupInfo
	mask      actionSet
	// base is the real principal behind a pseudo principal (a user that joined
	// a group); nil otherwise.
	base  *principal
	group *groupInfo
	// outside is the Outside kind of a principal outside the account; "" for
	// the account's own.
	outside     string
	trustID     string // a role's trust policy's ID, ARN#trust, made once
	boundaryDoc *policy.Document
	pkey        string // a pseudo principal's key, USER-ARN+GROUP-ARN
	// id is the principal's index in the search index.
	id int32
}

func (p *principal) key() string {
	if p.base != nil {
		return p.pkey
	}
	return p.arn
}

// Build makes the graph of an account: compiles every policy, asks the engine
// about trust, escalation techniques and grants, and lays out nodes and edges
// in a stable order. Unreadable policies become warnings. It is BuildContext
// without a deadline or budget.
func Build(a *Account, opts Options) *Graph {
	opts.MaxNodes, opts.MaxEdges, opts.MaxMemory = 0, 0, 0
	g, _ := BuildContext(context.Background(), a, opts) // no budget, no cancellation: cannot fail
	return g
}

// BuildContext is Build under a context and the budget of opts: it checks
// the context between engine questions and returns ctx.Err() as soon as it
// is done, or an error matching ErrTooLarge once the graph outgrows
// MaxNodes, MaxEdges or MaxMemory. On error nothing built is kept.
func BuildContext(ctx context.Context, a *Account, opts Options) (*Graph, error) {
	g := newGraph(ctx, a, opts)
	for _, stage := range []func(){g.compile, g.structure, g.assumeEdges, g.fullAccess, g.escalationEdges, g.grantEdges, g.finish, g.pseudos, g.index} {
		if stage(); g.err != nil {
			return nil, g.err
		}
	}
	if err := g.admins(); err != nil {
		return nil, err
	}
	g.built()
	return g, nil
}

// built drops what only the build needs: the context (a built graph answers
// queries without it) and the caches of classes and candidates.
func (g *Graph) built() {
	g.ctx, g.prev, g.upd, g.compiler = nil, nil, nil, nil
	g.stmtSets, g.matchCache, g.entityARNs, g.resIndex, g.roleCands, g.docSets, g.pairs = nil, nil, nil, nil, nil, nil, nil
	g.userLists = nil
	g.dropDocs()
	g.forgetLookups()
}

// forgetLookups lets go of the engine's action memo in every compiled
// policy (policy.Policy.ForgetLookups): the build asked each about every
// action of its techniques and grants, and the tables it kept were a fifth
// of a kept graph's memory; a query asks about one or a few actions, and
// builds again only theirs.
func (g *Graph) forgetLookups() {
	for _, r := range g.parsed {
		if r.compiled != nil {
			r.compiled.ForgetLookups()
		}
	}
	for _, r := range g.trustByText {
		if r.compiled != nil {
			r.compiled.ForgetLookups()
		}
	}
}

// dropDocs lets go of the parsed documents of users' and roles' inline
// policies, one or more per principal, kept by nothing else once built:
// the compiled policies decide, and WhatCan, Update and the pre-filters
// that read the statements parse them again (docsOf). The wildcard lint
// (Findings) is read first, into the parse cache. Managed, group, boundary
// and trust documents stay: they are shared, and few.
func (g *Graph) dropDocs() {
	for k, r := range g.parsed {
		if r.doc != nil && k.kind == policy.Identity && k.ref.ID != k.entity && g.byARN[k.entity] != nil {
			if f, ok := wildcard(k.ref.ID, r.doc); ok {
				r.note = &parseNote{wild: &f}
			}
			r.doc = nil
			g.parsed[k] = r
		}
	}
	drop := func(p *principal) {
		for i := range p.inline {
			p.docs[i] = nil
		}
	}
	for _, p := range g.principals {
		drop(p)
		for i := range p.inline {
			p.inline[i].doc = nil
		}
	}
	for _, x := range g.pseudo {
		drop(x) // its base's inline policies come first
	}
}

// docsOf is p's identity documents (its inline ones first), parsed again
// where dropped; kept in p while building, fresh for a query (a built graph
// is read concurrently).
func (g *Graph) docsOf(p *principal) []*policy.Document {
	src := p
	if p.base != nil {
		src = p.base
	}
	missing := false
	for i := range src.inline {
		missing = missing || p.docs[i] == nil
	}
	if !missing {
		return p.docs
	}
	docs := slices.Clone(p.docs)
	for i, nd := range src.inline {
		if docs[i] == nil {
			d, err := policy.Parse([]byte(nd.text), policy.Identity)
			if err != nil { // it compiled once: cannot happen
				d = &policy.Document{Kind: policy.Identity}
			}
			docs[i] = d
		}
	}
	if g.ctx != nil {
		p.docs = docs
	}
	return docs
}

func newGraph(ctx context.Context, a *Account, opts Options) *Graph {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	g := &Graph{acct: a, now: now.UTC(), nodeIdx: map[string]int{}, byARN: map[string]*principal{},
		managed: map[string]*managedPolicy{}, groups: map[string]*groupInfo{}, groupByNm: map[string]*groupInfo{},
		trusts: map[string]*policy.Policy{}, trustDocs: map[string]*policy.Document{}, affects: map[string][]*principal{},
		pseudo: map[string]*principal{}, admin: map[string][]Step{}, maxGrants: opts.MaxGrants,
		docSets: map[*policy.Document]actionSet{}, svcTrust: map[svcKey]bool{}, pseudoEdges: map[string][]Edge{}, versionFulls: map[string]bool{},
		outsiders: map[string]*principal{}, ctx: ctx, opts: opts, compiler: &policy.Compiler{}}
	if g.maxGrants == 0 {
		g.maxGrants = 50
	}
	g.setMin = opts.setMin
	if g.setMin == 0 {
		g.setMin = defaultSetMin
	}
	g.sets, g.stmtSets, g.matchCache = map[string]*setNode{}, map[*policy.Document][]actionSet{}, map[string]map[string]bool{}
	g.roleCands = map[string]*roleCands{}
	g.pairs = newPairIndex()
	g.ctxCache, g.parsed, g.trustByText = map[string]policy.Context{}, map[parseKey]parsed{}, map[string]parsed{}
	g.baseCtx, g.mfaCtx = g.context(nil), g.context(mfaKeys)
	g.ctxReady = true
	if opts.MaxMemory > 0 {
		g.heapStart = heapBytes()
	}
	g.chunks = [][]Edge{}
	return g
}

// edgeChunk is the number of edges per chunk while building.
const edgeChunk = 4096

func (g *Graph) warn(entity, msg string) {
	g.Warnings = append(g.Warnings, Warning{Entity: entity, Message: msg})
}

// parse compiles one document, warning when it cannot.
func (g *Graph) parse(entity string, ref policy.PolicyRef, text string, kind policy.Kind) (*policy.Policy, *policy.Document) {
	if text == "" {
		return nil, nil
	}
	k := parseKey{entity, ref, kind}
	if r, ok := g.parsed[k]; ok && r.text == text {
		if r.errMsg() != "" {
			g.warn(entity, r.errMsg())
		}
		return r.compiled, r.doc
	}
	if g.prev != nil {
		if r, ok := g.prev.parsed[k]; ok && r.text == text {
			g.parsed[k] = r
			if r.errMsg() != "" {
				g.warn(entity, r.errMsg())
			}
			return r.compiled, r.doc
		}
	}
	if kind == policy.Trust {
		// Roles made alike (for one service, trusting the account) share
		// their trust's text: one compilation for all, its statements
		// named after each role where an edge cites them (trustStatements).
		r, ok := g.trustByText[text]
		if !ok && g.prev != nil {
			r, ok = g.prev.trustByText[text]
		}
		if !ok {
			r = g.compileText(policy.PolicyRef{ID: sharedTrust, Name: ref.Name}, text, kind)
		}
		g.trustByText[text], g.parsed[k] = r, r
		if r.errMsg() != "" {
			g.warn(entity, r.errMsg())
		}
		return r.compiled, r.doc
	}
	r := g.compileText(ref, text, kind)
	g.parsed[k] = r
	if r.errMsg() != "" {
		g.warn(entity, r.errMsg())
	}
	return r.compiled, r.doc
}

// compileText parses and compiles one document.
func (g *Graph) compileText(ref policy.PolicyRef, text string, kind policy.Kind) parsed {
	if d := g.pre[preKey{kind, text}]; d != nil {
		delete(g.pre, preKey{kind, text}) // one document per compilation, as before
		return parsed{text: text, compiled: g.compiler.Compile(ref, d), doc: d}
	}
	doc, err := policy.Parse([]byte(text), kind)
	if err != nil {
		return parsed{text: text, note: &parseNote{err: "policy " + ref.Name + " ignored: " + err.Error()}}
	}
	return parsed{text: text, compiled: g.compiler.Compile(ref, doc), doc: doc}
}

type preKey struct {
	kind policy.Kind
	text string
}

// preparse parses the users' and roles' inline and trust policies before
// any is compiled: the parse's garbage and the documents (dropped once
// built, dropDocs) then fill spans of their own, and the compiled
// policies, kept, others; made in turn they left the kept graph's objects
// spread thin over the heap.
func (g *Graph) preparse() {
	if g.prev != nil {
		return // Update: the previous graph has most compiled already
	}
	g.pre = map[preKey]*policy.Document{}
	add := func(text string, kind policy.Kind) {
		if text == "" {
			return
		}
		k := preKey{kind, text}
		if _, ok := g.pre[k]; ok {
			return
		}
		if d, err := policy.Parse([]byte(text), kind); err == nil {
			g.pre[k] = d
		}
	}
	for i := range g.acct.Users {
		for _, ip := range g.acct.Users[i].Inline {
			add(ip.Document, policy.Identity)
		}
	}
	for i := range g.acct.Roles {
		r := &g.acct.Roles[i]
		for _, ip := range r.Inline {
			add(ip.Document, policy.Identity)
		}
		add(r.Trust, policy.Trust)
	}
}

// sharedTrust is the policy ID of a compiled trust policy, shared by every
// role whose trust has its text.
const sharedTrust = "\x00trust"

// trustStatements is statements of a decision on assuming role r, the
// shared trust's statements named as r's own.
func trustStatements(ms []policy.MatchedStatement, r *principal) []Statement {
	out := statements(ms)
	for i := range out {
		if out[i].Policy == sharedTrust {
			out[i].Policy = r.trustID
		}
	}
	return out
}

// parseKey names a compiled document; with its text it is all the
// compilation depends on, so Update reuses the previous graph's compilation
// of every document whose text is unchanged (compared, not hashed: the
// snapshot's strings are usually the previous one's).
type parseKey struct {
	entity string
	ref    policy.PolicyRef
	kind   policy.Kind
}

type parsed struct {
	text     string
	compiled *policy.Policy
	doc      *policy.Document // nil once built for inline policies (dropDocs)
	// note: the rare rest, apart (an entry per document is kept); nil when
	// there is none.
	note *parseNote
}

type parseNote struct {
	err string // why the document was ignored
	// The wildcard lint's finding on an inline policy whose document was
	// dropped; nil when it has none.
	wild *Finding
}

func (r parsed) errMsg() string {
	if r.note == nil {
		return ""
	}
	return r.note.err
}

var denyAll = policy.MustCompile(policy.PolicyRef{ID: "missing-boundary", Name: "missing permissions boundary"},
	`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`, policy.Boundary)

func (g *Graph) compile() {
	a := g.acct
	for i := range a.Policies {
		p := &a.Policies[i]
		mp := &managedPolicy{src: p, versions: map[string]*policy.Policy{}}
		for _, v := range p.Versions {
			c, d := g.parse(p.ARN, policy.PolicyRef{ID: p.ARN, Name: p.Name, VersionID: v.ID}, v.Document, policy.Identity)
			if c == nil {
				continue
			}
			mp.versions[v.ID] = c
			if v.ID == p.DefaultVersion || (p.DefaultVersion == "" && v.IsDefault) {
				mp.compiled, mp.doc = c, d
			}
		}
		g.managed[p.ARN] = mp
	}
	for i := range a.Groups {
		gr := &a.Groups[i]
		gi := &groupInfo{src: gr}
		for _, ip := range gr.Inline {
			if c, d := g.parse(gr.ARN, policy.PolicyRef{ID: gr.ARN + "#" + ip.Name, Name: ip.Name}, ip.Document, policy.Identity); c != nil {
				gi.policies, gi.docs = append(gi.policies, c), append(gi.docs, d)
			}
		}
		for _, at := range gr.Attached {
			if mp := g.managed[at.ARN]; mp != nil && mp.compiled != nil {
				gi.policies, gi.docs = append(gi.policies, mp.compiled), append(gi.docs, mp.doc)
			}
		}
		g.groups[gr.ARN] = gi
		g.groupByNm[gr.Name] = gi
	}
	// The principals in one array each for users and roles: kept for the
	// graph's life, allocated one by one they were spread among the build's
	// garbage.
	users, roles := make([]principal, len(a.Users)), make([]principal, len(a.Roles))
	g.preparse()
	for i := range a.Users {
		if g.stopped() {
			return
		}
		u := &a.Users[i]
		p := &users[i]
		*p = principal{arn: u.ARN, name: u.Name, kind: KindUser, user: u,
			req: policy.Principal{ARN: u.ARN, ID: u.ID, Name: u.Name, Account: arnAccount(u.ARN), Type: policy.PrincipalUser, Tags: tagMap(u.Tags)}}
		var ids []*policy.Policy
		for _, ip := range u.Inline {
			if c, d := g.parse(u.ARN, policy.PolicyRef{ID: u.ARN + "#" + ip.Name, Name: ip.Name}, ip.Document, policy.Identity); c != nil {
				ids, p.docs = append(ids, c), append(p.docs, d)
				p.inline = append(p.inline, namedDoc{name: ip.Name, doc: d, text: ip.Document})
			}
		}
		ids = g.attach(p, ids, u.Attached)
		for _, gn := range u.Groups {
			if gi := g.groupByNm[gn]; gi != nil {
				p.groups = append(p.groups, gi)
				gi.members = append(gi.members, p)
				ids, p.docs = append(ids, gi.policies...), append(p.docs, gi.docs...)
				g.affects[gi.src.ARN] = append(g.affects[gi.src.ARN], p)
				for _, at := range gi.src.Attached {
					g.affects[at.ARN] = append(g.affects[at.ARN], p)
				}
			}
		}
		g.setInputs(p, ids, u.Boundary)
		g.addPrincipal(p)
	}
	for i := range a.Roles {
		if g.stopped() {
			return
		}
		r := &a.Roles[i]
		p := &roles[i]
		*p = principal{arn: r.ARN, name: r.Name, kind: KindRole, role: r,
			req: policy.Principal{ARN: "arn:aws:sts::" + arnAccount(r.ARN) + ":assumed-role/" + r.Name + "/graph", ID: r.ID + ":graph",
				Account: arnAccount(r.ARN), Type: policy.PrincipalRole, RoleARN: r.ARN, Tags: tagMap(r.Tags)}}
		var ids []*policy.Policy
		for _, ip := range r.Inline {
			if c, d := g.parse(r.ARN, policy.PolicyRef{ID: r.ARN + "#" + ip.Name, Name: ip.Name}, ip.Document, policy.Identity); c != nil {
				ids, p.docs = append(ids, c), append(p.docs, d)
				p.inline = append(p.inline, namedDoc{name: ip.Name, doc: d, text: ip.Document})
			}
		}
		ids = g.attach(p, ids, r.Attached)
		g.setInputs(p, ids, r.Boundary)
		p.trustID = r.ARN + "#trust"
		if t, d := g.parse(r.ARN, policy.PolicyRef{ID: p.trustID, Name: "trust policy"}, r.Trust, policy.Trust); t != nil {
			g.trusts[r.ARN], g.trustDocs[r.ARN] = t, d
		} else if r.Trust == "" {
			g.warn(r.ARN, "no trust policy: nobody can assume the role")
		}
		g.addPrincipal(p)
	}
	g.pre = nil
	// Pre-filter sets: a superset of the actions each principal may be allowed.
	for _, p := range g.principals {
		if q := g.unchanged(p.arn); q != nil {
			p.mask = q.mask
			continue
		}
		p.mask = g.allowedActions(g.docsOf(p))
	}
}

type namedDoc struct {
	name string
	doc  *policy.Document // nil once built (dropDocs): text has it
	text string
}

func (g *Graph) attach(p *principal, ids []*policy.Policy, at []AttachedPolicy) []*policy.Policy {
	for _, x := range at {
		g.affects[x.ARN] = append(g.affects[x.ARN], p)
		if mp := g.managed[x.ARN]; mp != nil && mp.compiled != nil {
			ids, p.docs = append(ids, mp.compiled), append(p.docs, mp.doc)
		}
	}
	return ids
}

func (g *Graph) setInputs(p *principal, ids []*policy.Policy, b *AttachedPolicy) {
	g.affects[p.arn] = append(g.affects[p.arn], p)
	if q := g.unchanged(p.arn); q != nil {
		// Same documents, same compiled policies: the merge is the same.
		p.in, p.boundaryDoc = q.in, q.boundaryDoc
		return
	}
	if len(ids) > 0 {
		// The compiled policies themselves, shared by every principal that
		// holds them: a merged copy per principal (and the index the engine
		// builds in each) made the kept 10,000-principal graph 20% larger,
		// for no gain in the build's time.
		p.in.Identity = ids
	}
	if b != nil {
		if mp := g.managed[b.ARN]; mp != nil && mp.compiled != nil {
			p.in.Boundary, p.boundaryDoc = mp.compiled, mp.doc
		} else {
			p.in.Boundary = denyAll
		}
	}
}

func (g *Graph) addPrincipal(p *principal) {
	g.principals = append(g.principals, p)
	g.byARN[p.arn] = p
}

func tagMap(ts []Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[t.Key] = t.Value
	}
	return m
}

// context is the request context the graph assumes: a fresh session now,
// over TLS, without MFA unless asked.
func (g *Graph) context(extra map[string][]string) policy.Context {
	switch {
	case extra == nil && g.ctxReady:
		return g.baseCtx
	case len(extra) == 2 && extra["aws:MultiFactorAuthPresent"] != nil && extra["aws:MultiFactorAuthAge"] != nil && g.ctxReady:
		return g.mfaCtx
	case len(extra) == 1 && g.ctxReady:
		for k, v := range extra {
			// Queries ask too (a set's edge made concrete): the cache is
			// shared by concurrent readers.
			key := k + "\x00" + strings.Join(v, "\x00")
			g.mu.Lock()
			c, ok := g.ctxCache[key]
			g.mu.Unlock()
			if !ok {
				c = g.newContext(extra)
				g.mu.Lock()
				g.ctxCache[key] = c
				g.mu.Unlock()
			}
			return c
		}
	}
	return g.newContext(extra)
}

func (g *Graph) newContext(extra map[string][]string) policy.Context {
	m := map[string][]string{
		"aws:TokenIssueTime":  {g.now.Format(time.RFC3339)},
		"aws:SecureTransport": {"true"},
	}
	for k, v := range extra {
		m[k] = v
	}
	return policy.NewContext(m)
}

var mfaKeys = map[string][]string{"aws:MultiFactorAuthPresent": {"true"}, "aws:MultiFactorAuthAge": {"0"}}

// eval asks the engine whether p may do action on resource. When the
// conditions need MFA the principal could present, it asks again with MFA and
// says so. extra adds context keys; res is the resource's policy (trust).
func (g *Graph) eval(p *principal, action, resource string, extra map[string][]string, res *policy.Policy) (policy.Decision, bool) {
	in := p.in
	in.Resource = res
	if ra := arnAccount(resource); in.ResourceAccount == "" && ra != "" && ra != "aws" && !strings.ContainsAny(ra, "*?") && ra != p.req.Account {
		in.ResourceAccount = ra // another account's resource: both sides must allow
	}
	req := &policy.Request{Principal: p.req, Action: action, Resource: resource, Context: g.context(extra), Time: g.now}
	d := policy.Evaluate(&in, req)
	if d.Allowed() || !needsMFA(d.Missing) {
		return d, false
	}
	m := map[string][]string{}
	for k, v := range extra {
		m[k] = v
	}
	for k, v := range mfaKeys {
		m[k] = v
	}
	req.Context = g.context(m)
	d2 := policy.Evaluate(&in, req)
	if d2.Allowed() {
		return d2, true
	}
	return d, false
}

func needsMFA(missing []string) bool {
	for _, k := range missing {
		if strings.EqualFold(k, "aws:MultiFactorAuthPresent") || strings.EqualFold(k, "aws:MultiFactorAuthAge") {
			return true
		}
	}
	return false
}

// decide is the engine's fast answer, without and then with MFA.
func (g *Graph) decide(p *principal, action, resource string) bool {
	in := p.in
	if ra := arnAccount(resource); ra != "" && ra != "aws" && !strings.ContainsAny(ra, "*?") && ra != p.req.Account {
		in.ResourceAccount = ra
	}
	req := &policy.Request{Principal: p.req, Action: action, Resource: resource, Context: g.baseCtx, Time: g.now}
	if policy.Decide(&in, req) == policy.Allowed {
		return true
	}
	req.Context = g.mfaCtx
	return policy.Decide(&in, req) == policy.Allowed
}

// allows is eval reduced to a step when allowed.
func (g *Graph) allows(p *principal, action, resource string, extra map[string][]string) (Step, bool, bool) {
	if !p.mask.may(action) {
		return Step{}, false, false
	}
	if extra == nil && !g.decide(p, action, resource) {
		return Step{}, false, false // the fast answer first; explain only what is allowed
	}
	d, mfa := g.eval(p, action, resource, extra, nil)
	if !d.Allowed() {
		return Step{}, false, false
	}
	return Step{Action: action, Resource: resource, Statements: statements(d.Deciding())}, mfa, true
}

func (g *Graph) addNode(n Node) {
	if _, ok := g.nodeIdx[n.ID]; ok {
		return
	}
	g.nodeIdx[n.ID] = len(g.Nodes)
	g.Nodes = append(g.Nodes, n)
}

// addEdge adds e: to the chunks until finish, to Edges after (rewrites).
func (g *Graph) addEdge(e Edge) {
	if g.chunks == nil {
		g.Edges = append(g.Edges, e)
		return
	}
	if n := len(g.chunks); n == 0 || len(g.chunks[n-1]) == edgeChunk {
		g.chunks = append(g.chunks, make([]Edge, 0, edgeChunk))
	}
	last := &g.chunks[len(g.chunks)-1]
	*last = append(*last, e)
	g.nChunked++
}

// edgeCount is the number of edges so far.
func (g *Graph) edgeCount() int { return len(g.Edges) + g.nChunked }

// chunked is edge i of the chunks.
func (g *Graph) chunked(i int32) *Edge { return &g.chunks[i/edgeChunk][i%edgeChunk] }

// structure adds the nodes and the membership and attachment edges.
func (g *Graph) structure() {
	a := g.acct
	for _, u := range a.Users {
		g.addNode(Node{ID: u.ARN, Kind: KindUser, Name: u.Name, Path: u.Path})
		for _, gn := range u.Groups {
			if gi := g.groupByNm[gn]; gi != nil {
				g.addEdge(Edge{From: u.ARN, To: gi.src.ARN, Kind: EdgeMemberOf})
			}
		}
		g.identityEdges(u.ARN, u.Inline, u.Attached, u.Boundary)
	}
	for _, gr := range a.Groups {
		g.addNode(Node{ID: gr.ARN, Kind: KindGroup, Name: gr.Name, Path: gr.Path})
		g.identityEdges(gr.ARN, gr.Inline, gr.Attached, nil)
	}
	for _, r := range a.Roles {
		g.addNode(Node{ID: r.ARN, Kind: KindRole, Name: r.Name, Path: r.Path, Description: r.Description})
		g.identityEdges(r.ARN, r.Inline, r.Attached, r.Boundary)
	}
	for _, p := range a.Policies {
		if p.AttachmentCount > 0 || p.BoundaryUsageCount > 0 || !p.AWSManaged() {
			g.addNode(Node{ID: p.ARN, Kind: KindPolicy, Name: p.Name, Path: p.Path, Description: p.Description})
		}
	}
}

func (g *Graph) identityEdges(owner string, inline []InlinePolicy, at []AttachedPolicy, b *AttachedPolicy) {
	for _, ip := range inline {
		id := owner + "#" + ip.Name
		g.addNode(Node{ID: id, Kind: KindInline, Name: ip.Name})
		g.addEdge(Edge{From: owner, To: id, Kind: EdgeInline})
	}
	for _, x := range at {
		g.addNode(Node{ID: x.ARN, Kind: KindPolicy, Name: x.Name})
		g.addEdge(Edge{From: owner, To: x.ARN, Kind: EdgeAttached})
	}
	if b != nil {
		g.addNode(Node{ID: b.ARN, Kind: KindPolicy, Name: b.Name})
		g.addEdge(Edge{From: owner, To: b.ARN, Kind: EdgeBoundary})
	}
}

// finish sorts nodes and edges into their stable order and indexes them.
func (g *Graph) finish() {
	// Sorting indices, each node's kind ranked once, and copying each node
	// once into a slice of exactly their number (the list grew by appends).
	rank := make([]int8, len(g.Nodes))
	idx := make([]int32, len(g.Nodes))
	for i := range g.Nodes {
		rank[i], idx[i] = int8(kindOrder[g.Nodes[i].Kind]), int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int {
		if rank[i] != rank[j] {
			return int(rank[i]) - int(rank[j])
		}
		return strings.Compare(g.Nodes[i].ID, g.Nodes[j].ID)
	})
	nodes := make([]Node, len(idx))
	for i, k := range idx {
		nodes[i] = g.Nodes[k]
	}
	g.Nodes = nodes
	g.compactNames()
	// A map of exactly their number, keyed by the nodes' own (compacted)
	// IDs: the one that grew by the build's additions held the IDs it was
	// given.
	g.nodeIdx = make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		g.nodeIdx[n.ID] = i
	}
	// Sorting indices and copying each edge once, from the chunks into a
	// slice of exactly their number: an Edge is large.
	order := make([]int32, g.nChunked)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int { return edgeOrder(g.chunked(i), g.chunked(j)) })
	g.Edges = make([]Edge, len(order))
	for i, k := range order {
		g.Edges[i] = *g.chunked(k)
	}
	g.chunks, g.nChunked = nil, 0
	g.shareStatements()
	g.shareStrings()
	// Each node's edges are contiguous once sorted: the index lists are
	// windows on one backing array each.
	reach, mod := make([]int, 0, 64), make([]int, 0, 64)
	g.out = map[string]edgeRange{}
	for i, e := range g.Edges {
		if r, ok := g.out[e.From]; ok && int(r.end) == i {
			g.out[e.From] = edgeRange{r.start, r.end + 1}
		} else {
			g.out[e.From] = edgeRange{int32(i), int32(i + 1)}
		}
		switch {
		case e.Kind == EdgeCanAssume, e.Kind == EdgeEscalation && (e.Gain == GainPrincipal || e.Gain == GainGroup):
			reach = append(reach, i)
		case e.Kind == EdgeEscalation:
			mod = append(mod, i)
		}
	}
	g.reachOut, g.modOut = windows(g.Edges, reach), windows(g.Edges, mod)
}

// compactNames copies the IDs and names the build made (inline policies'
// OWNER#NAME, resources' "resource:" patterns, sets) into one string: made
// one by one, the grant edges' among the build's garbage, they kept many
// spans of the heap in use. A name that ends its ID is a part of it. Edges
// take the new strings in shareStrings.
func (g *Graph) compactNames() {
	made := func(k NodeKind) bool { return k == KindInline || k == KindResource || k == KindSet }
	n := 0
	for i := range g.Nodes {
		if nd := &g.Nodes[i]; made(nd.Kind) {
			n += len(nd.ID) + len(nd.Name)
		}
	}
	var b strings.Builder
	b.Grow(n)
	type span struct{ id, name [2]int }
	spans := make([]span, 0, len(g.Nodes))
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		if !made(nd.Kind) {
			continue
		}
		var sp span
		sp.id[0] = b.Len()
		b.WriteString(nd.ID)
		sp.id[1] = b.Len()
		if strings.HasSuffix(nd.ID, nd.Name) {
			sp.name = [2]int{sp.id[1] - len(nd.Name), sp.id[1]}
		} else {
			sp.name[0] = b.Len()
			b.WriteString(nd.Name)
			sp.name[1] = b.Len()
		}
		spans = append(spans, sp)
	}
	all := b.String()
	j := 0
	for i := range g.Nodes {
		if nd := &g.Nodes[i]; made(nd.Kind) {
			sp := spans[j]
			nd.ID, nd.Name = all[sp.id[0]:sp.id[1]], all[sp.name[0]:sp.name[1]]
			j++
		}
	}
}

// edgeRange is the edges [start, end) of g.Edges: a node's outgoing edges
// are contiguous once sorted, so a range names them, not a list of their
// indices (one int per edge of the graph).
type edgeRange struct{ start, end int32 }

// windows maps each source node to the run of idx (edge indices, sorted by
// source) that starts from it.
func windows(edges []Edge, idx []int) map[string][]int {
	m := map[string][]int{}
	for start := 0; start < len(idx); {
		from, end := edges[idx[start]].From, start+1
		for end < len(idx) && edges[idx[end]].From == from {
			end++
		}
		m[from] = idx[start:end:end]
		start = end
	}
	return m
}

// JSON is the graph as JSON: {"Nodes": [...], "Edges": [...], "Warnings": [...]},
// in the same stable order as DOT: what `console graph --format json`
// prints and the graph page's JSON download holds.
func (g *Graph) JSON() ([]byte, error) {
	return json.MarshalIndent(struct {
		Nodes    []Node
		Edges    []Edge
		Warnings []Warning
	}{g.Nodes, g.Edges, g.Warnings}, "", "  ")
}

// Account returns the snapshot the graph was built from.
func (g *Graph) Account() *Account { return g.acct }

// Node returns the node with the given ID.
func (g *Graph) Node(id string) (Node, bool) {
	i, ok := g.nodeIdx[id]
	if !ok {
		return Node{}, false
	}
	return g.Nodes[i], true
}
