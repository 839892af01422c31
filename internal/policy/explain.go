package policy

// Outcome is the final answer for a request.
type Outcome uint8

// Outcomes. The zero value is ImplicitDeny: nothing allowed the request.
const (
	ImplicitDeny Outcome = iota
	Allowed
	ExplicitDeny
)

// String returns the names AWS's policy simulator uses for EvalDecision.
func (o Outcome) String() string {
	switch o {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// Layer is the kind of policy a matched statement came from.
type Layer uint8

// Layers, in the order Evaluate reports them.
const (
	LayerIdentity Layer = iota // user, group or role policies
	LayerBoundary              // permissions boundary
	LayerSession               // session policies
	LayerResource              // resource-based or trust policy
)

// String returns the layer's lower-case name.
func (l Layer) String() string {
	switch l {
	case LayerBoundary:
		return "boundary"
	case LayerSession:
		return "session"
	case LayerResource:
		return "resource"
	}
	return "identity"
}

// MatchedStatement is a statement that applied to the request: its action, resource,
// principal (resource layer) and conditions all matched.
type MatchedStatement struct {
	Policy PolicyRef
	Layer  Layer
	Index  int // position in the policy's Statement list
	Sid    string
	Effect Effect
	// Start and End delimit the statement in the policy text, as AWS's simulator
	// reports StartPosition and EndPosition.
	Start, End Pos
}

// Decision is the answer to a request with its reasons.
type Decision struct {
	Outcome Outcome
	// Matched lists every statement that applied, in layer order, then policy order,
	// then statement order; both effects are listed. The statements that decided are
	// the Deny ones for ExplicitDeny and the Allow ones for Allowed (see Deciding).
	Matched []MatchedStatement
	// Missing lists context keys a condition needed that the request did not supply
	// (AWS's MissingContextValues), as written in the policy, without duplicates.
	Missing []string
	// BoundaryAllowed is false when a permissions boundary was given and allowed
	// nothing for this request (AWS's AllowedByPermissionsBoundary).
	BoundaryAllowed bool
	// IdentityAllowed: some identity-policy Allow statement applied.
	IdentityAllowed bool
	// SessionAllowed is false when session policies were given (or the caller is a
	// federated user session, which needs one) and none allowed the request.
	SessionAllowed bool
	// ResourceAllowed: some Allow statement of the resource policy applied to the
	// caller.
	ResourceAllowed bool

	allowLayers uint8 // bit per Layer whose Allow statements made the decision
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Outcome == Allowed }

// String returns the outcome's name.
func (d Decision) String() string { return d.Outcome.String() }

// Deciding returns the matched statements that determined the outcome: the Deny
// statements of an explicit deny, the Allow statements of an allow, none for an
// implicit deny. This is what AWS's simulator reports as MatchedStatements.
func (d Decision) Deciding() []MatchedStatement {
	want := Allow
	switch d.Outcome {
	case ImplicitDeny:
		return nil
	case ExplicitDeny:
		want = Deny
	}
	var out []MatchedStatement
	for _, m := range d.Matched {
		if m.Effect == want && (want == Deny || d.allowLayers&(1<<m.Layer) != 0) {
			out = append(out, m)
		}
	}
	return out
}

func (d *Decision) reset() {
	d.Outcome = ImplicitDeny
	d.Matched = d.Matched[:0]
	d.Missing = d.Missing[:0]
	d.BoundaryAllowed = true
	d.IdentityAllowed, d.SessionAllowed, d.ResourceAllowed = false, true, false
	d.allowLayers = 0
}

func (d *Decision) addMissing(k string) {
	for _, m := range d.Missing {
		if m == k {
			return
		}
	}
	d.Missing = append(d.Missing, k)
}
