package graph

// Verb is what an edge says between its two ends, in words a reviewer reads
// as "FROM verb TO": "alice — member of → developers — can assume → ops-admin
// — has → AdministratorAccess". Every page, export and CLI line that tells a
// path says its steps with these verbs, so one relation reads the same
// everywhere.
func (e Edge) Verb() string {
	switch e.Kind {
	case EdgeMemberOf:
		return "member of"
	case EdgeAttached:
		return "has"
	case EdgeInline:
		return "has inline"
	case EdgeBoundary:
		return "bounded by"
	case EdgeCanAssume:
		return "can assume"
	case EdgeGrants:
		return "can use"
	case EdgeEscalation:
		switch e.Gain {
		case GainPrincipal:
			return "can act as"
		case GainArbitrary:
			return "can rewrite the permissions of"
		case GainGroup:
			return "can add itself to"
		case GainVersion:
			return "can switch versions of"
		}
		return "can escalate to"
	}
	return string(e.Kind)
}
