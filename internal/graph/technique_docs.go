package graph

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

// technique_docs.json holds pathfinding.cloud's text for each path (what
// it is, what it needs, how to fix it, references), written from its path
// files by testdata/technique_docs.py. Datadog publishes it under the Apache
// 2.0 licence: pathfinding-cloud-LICENSE and pathfinding-cloud-NOTICE beside
// this file.
//
//go:embed technique_docs.json
var techniqueDocsJSON []byte

// TechniqueDoc is what a reviewer reads about a technique.
type TechniqueDoc struct {
	ID          string
	Description string
	// PrerequisitesAdmin must hold for the technique to give full access;
	// PrerequisitesLateral for it to give another principal's access.
	PrerequisitesAdmin   []string
	PrerequisitesLateral []string
	Required             []TechniquePermission // the permissions it needs
	Additional           []TechniquePermission // permissions that help (listing, reading)
	Steps                []ExploitStep
	Recommendation       string
	Limitations          string
	References           []Reference
	Related              []string // IDs of related techniques
}

// TechniquePermission is an action a technique uses, and on what.
type TechniquePermission struct{ Permission, Constraint string }

// ExploitStep is one AWS CLI command of the technique.
type ExploitStep struct{ Command, Description string }

// Reference is a write-up of a technique.
type Reference struct{ Title, URL string }

var (
	docsOnce sync.Once
	docs     map[string]TechniqueDoc
	docsErr  error
)

// TechniqueDocOf is the documentation of a catalogue technique; ok is false
// when the catalogue has none (the console's own entries have it below).
func TechniqueDocOf(id string) (TechniqueDoc, bool) {
	docsOnce.Do(func() {
		if err := json.Unmarshal(techniqueDocsJSON, &docs); err != nil {
			docsErr = fmt.Errorf("read embedded technique_docs.json: %w", err)
		}
		for id, d := range ownDocs {
			docs[id] = d
		}
	})
	if docsErr != nil { // embedded at build time: TestTechniqueDocs keeps it readable
		return TechniqueDoc{}, false
	}
	d, ok := docs[id]
	return d, ok
}

// ownDocs document the techniques the console adds to pathfinding.cloud's.
var ownDocs = map[string]TechniqueDoc{
	"iamconsole-001": {
		ID: "iamconsole-001",
		Description: "Anyone with `iam:SetDefaultPolicyVersion` on a customer managed policy can make any of its stored versions the default. " +
			"When an older (or prepared) version grants more than the current one, every principal the policy is attached to gains it at once, " +
			"without writing a new version.",
		PrerequisitesAdmin: []string{
			"The policy must keep a non-default version that grants full access (or more than the current one)",
			"The policy must be attached to the principal, to one of its groups, or to a principal it can act as",
		},
		Required: []TechniquePermission{{Permission: "iam:SetDefaultPolicyVersion", Constraint: "The managed policy must be in the Resource section"}},
		Additional: []TechniquePermission{
			{Permission: "iam:ListPolicyVersions", Constraint: "Helpful to find the versions"},
			{Permission: "iam:GetPolicyVersion", Constraint: "Helpful to read what each version grants"},
		},
		Steps: []ExploitStep{
			{Command: "aws iam list-policy-versions --policy-arn @policyArn", Description: "List the stored versions of the policy"},
			{Command: "aws iam set-default-policy-version --policy-arn @policyArn --version-id v2", Description: "Make the broader version the default"},
		},
		Recommendation: "Delete policy versions that are no longer in use (a policy keeps up to five), and grant `iam:SetDefaultPolicyVersion` only to the " +
			"few principals that administer policies, never on policies attached to themselves.",
		Limitations: "The principal gains only what the stored versions grant; with no broader version stored, the technique gives nothing.",
		References: []Reference{
			{Title: "AWS Privilege Escalation Methods and Mitigation (method 2)", URL: "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"},
			{Title: "IAM Vulnerable: privesc2-SetExistingDefaultPolicyVersion", URL: "https://github.com/BishopFox/iam-vulnerable"},
		},
		Related: []string{"iam-001"},
	},
}
