package graph

// Technique is one way a principal gains permissions it does not hold: an
// entry of the catalogue built from pathfinding.cloud's 65 documented paths
// (ID and Name as there), plus SetDefaultPolicyVersion, which that catalogue
// lacks. What it needs is evaluated by the policy engine for the actual
// principal and target ARNs; the fields below say which requests to ask.
type Technique struct {
	ID       string   // e.g. "iam-002"
	Name     string   // e.g. "iam:CreateAccessKey"
	Category string   // self-escalation, principal-access, new-passrole, existing-passrole
	Required []string // the actions the catalogue lists as required

	kind  techKind
	parts [2]string // composite: the modify technique and the reach technique
	// services: the role gained must trust one of these service principals.
	services        []string
	instanceProfile bool              // the role must have an instance profile
	resources       map[string]string // action -> resource template ({account})
	existing        string            // a resource the IAM data cannot show that must exist
}

type techKind uint8

const (
	kindModifyPolicy       techKind = iota + 1 // write a new version of a policy attached to someone
	kindSetDefaultVersion                      // switch a policy attached to someone to another version
	kindModifyUser                             // put or attach a policy on a user
	kindModifyRole                             // put or attach a policy on a role
	kindModifyGroup                            // put or attach a policy on a group
	kindJoinGroup                              // add oneself to a group
	kindCreateAccessKey                        // become a user through a new access key
	kindRotateAccessKey                        // same, deleting one of two keys first
	kindCreateLoginProfile                     // become a user through a new console password
	kindUpdateLoginProfile                     // become a user by resetting its password
	kindUpdateTrust                            // rewrite a role's trust to trust oneself
	kindAssume                                 // assume a role its trust allows
	kindPassRole                               // pass a role to new compute one controls
	kindExistingRole                           // take over existing compute that runs as a role
	kindComposite                              // a modify technique reached through a reach technique
)

// Catalogue returns the techniques the graph evaluates, in ID order.
func Catalogue() []Technique {
	out := make([]Technique, len(catalogue))
	copy(out, catalogue)
	return out
}

// techniqueByID finds a catalogue entry; nil when unknown.
func techniqueByID(id string) *Technique {
	for i := range catalogue {
		if catalogue[i].ID == id {
			return &catalogue[i]
		}
	}
	return nil
}

// compositeOf names the catalogue entry for a modify technique reached through
// a reach technique (iam-015 = iam-008 through iam-002), "" when the catalogue
// has none.
func compositeOf(modify, reach string) string {
	for _, t := range catalogue {
		if t.kind == kindComposite && t.parts[0] == modify && t.parts[1] == reach {
			return t.ID
		}
	}
	return ""
}

// TechniqueByID is the catalogue entry with that ID, or nil.
func TechniqueByID(id string) *Technique {
	t := techniqueByID(id)
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// Services are the service principals the gained role must trust, for a
// technique that passes or takes over a role; nil otherwise.
func (t Technique) Services() []string { return t.services }

// NeedsInstanceProfile reports whether the role must have an instance
// profile.
func (t Technique) NeedsInstanceProfile() bool { return t.instanceProfile }

// Assumes is what must exist that IAM data cannot show (an existing Lambda
// function running as the role, …), taken to hold; "" when nothing.
func (t Technique) Assumes() string { return t.existing }
