// Package graph is the access graph of an account: who can do what, and by
// which path. It works on an Account snapshot, plain data that the live
// account's store and an imported `aws iam get-account-authorization-details`
// dump both produce (ParseAuthorizationDetails, Account.AuthorizationDetails),
// and asks internal/policy for every decision: nothing here matches action
// names to decide anything.
//
// # Nodes and edges
//
// Nodes are users, groups, roles, managed and inline policies, the service
// principals, other accounts, "*" and federated providers that trust policies
// name, and the resource patterns principals are granted. Edges:
//
//   - member-of, attached, inline, boundary: the account's structure;
//   - can-assume: one Evaluate with the principal's own policies and boundary
//     and the role's trust policy as Inputs.Resource allows sts:AssumeRole.
//     Asked first without MFA or sts:ExternalId, then with them; an edge that
//     needs them says so in Needs;
//   - grants: the resource patterns of the principal's Allow statements with
//     the actions the engine still allows there (denies, boundary applied);
//   - escalation: a technique of the catalogue lets the source act as the
//     target (GainPrincipal: new access key, login profile, rewritten trust,
//     a role passed to compute it controls...), rewrite its permissions at
//     will (GainArbitrary: put/attach policies, new policy version), join a
//     group (GainGroup) or switch a policy to another version (GainVersion).
//
// # Techniques
//
// The catalogue (Catalogue) holds the 65 paths of pathfinding.cloud
// (testdata/pathfinding-cloud, Apache 2.0) with their IDs and names, plus
// SetDefaultPolicyVersion (iamconsole-001), which that catalogue lacks. It is
// a Go table, not YAML read at run time: the binary carries no YAML parser and
// no data files, and TestCatalogueMatchesYAML checks every ID, name, category
// and required permission against the YAML files, so the table cannot drift.
// Each technique says which requests to ask (actions on the target's ARN, on
// the passed role with iam:PassedToService, on a representative ARN such as
// arn:aws:lambda:*:ACCOUNT:function:* for the compute it creates) and which
// prerequisites the data must show (a customer managed policy attached to
// someone, a role whose trust lets the service in, an instance profile, a
// second policy version). Prerequisites that IAM data cannot show (an existing
// Lambda function running as the role) are assumed and named in Edge.Assumes.
// The "two-permission" entries (iam-014 ... iam-021) are not evaluated on
// their own: they are the composition of a rewrite with a way to become the
// rewritten principal, found by the search, and named by their catalogue ID.
//
// # Classes and sets
//
// Asking every technique for every principal on every target grows with
// the square of the account when many principals hold a permission on "*".
// The engine's answer depends on the target only through which Resource
// patterns of the statements that apply to the action match its ARN, the
// account that owns it, and what else the question carries (the service a
// role is passed to, the trust that decides an assumption): targets alike in
// these are one class, asked once (classes.go). Reading which statements
// apply and which patterns match decides nothing; the engine still answers.
// An allowed class of more than 100 targets is one edge to a set node
// (KindSet: "4000 users"), shared by everyone with the same technique on
// the same members, and made concrete (the engine asked about one member)
// wherever a path is shown. Smaller classes are drawn edge by edge, exactly
// as before, so small accounts draw as they always did.
//
// # Searches and queries
//
// The whole-account answers come from reverse breadth-first searches
// (search.go), never from a walk per principal. Full access is reached at
// the first principal of a walk that is an administrator (the engine allows
// a fixed set of probe actions on "*", including an action of a service that
// does not exist) or that can rewrite the permissions of someone the walk
// reaches. One reverse search from the principals that take full access
// whoever walks to them gives every principal its distance; descending along
// the first successor one step closer gives the path a forward walk in the
// graph's stable edge order would have found first. Rewriters whose target
// is reached by another branch are searched for separately and walked
// exactly. Admins and Findings read those paths; WhoCan asks the engine once
// per principal and searches back from those it allows; Paths walks from one
// principal; WhatCan lists a principal's effective permissions by service.
//
// # Bounds and updates
//
// BuildContext checks its context between engine questions and ends with
// ErrTooLarge past Options.MaxNodes, MaxEdges or MaxMemory; Build is it
// without either. Queries take no context: Admins reads paths found at
// build time, WhoCan is one engine question per principal and one reverse
// search, Paths one walk, Findings one walk per principal holding a rewrite,
// each linear in the compact graph. Update builds the graph
// of a changed snapshot from the previous one, asking again only about the
// principals the change touches and the techniques whose targets it alters.
//
// # Outside the account
//
// Services, other accounts, their named principals, "*" and identity
// providers that trust policies name are outside principals (Outside kinds).
// Their own side is not in the snapshot, so they are asked with a stand-in
// that allows sts:AssumeRole* (other accounts) or nothing (services,
// providers), and the trust decides: under the plain, MFA and ExternalId
// variants, or, when a statement's conditions read keys nobody here can
// supply (aws:SourceAccount, aws:PrincipalOrgID, a provider's aud), with
// those keys in Needs, each condition asked of the engine on its own. Searches
// reach them too, kept apart from the account's own: WhoCan and Admins
// list them after the account's principals, never on their own policies,
// only through the roles they enter, with External, the Assumption the answer
// rests on and the Trust statements that let them in.
//
// # Output
//
// Findings(now) is the `console findings` list (Type, Severity, Principal,
// Technique, Path, Explanation); WhoCan's Path is the `console who-can`
// object (Principal, Path, Statements, plus the Steps taken, what they Need,
// and for outside principals External, Assumption and Trust). DOT draws the
// graph for Graphviz with stable node names, styles by kind, URL attributes to
// the console's pages, escaped labels, a focus neighbourhood and collapsed
// sets; JSON gives nodes and edges in the same order.
//
// Build evaluates at Options.Now with aws:TokenIssueTime = now and
// aws:SecureTransport = true; MFA only where an edge is marked as needing it.
package graph
