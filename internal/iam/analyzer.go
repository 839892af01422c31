package iam

import (
	"context"
	"errors"
	"slices"

	"github.com/iamconsole/console/internal/analyzer"
	"github.com/iamconsole/console/internal/policy"
)

// The IAM Access Analyzer policy checks. They read nothing and change
// nothing but the documents they are given, so they are authorized (each as
// its own access-analyzer action, on "*": the Service Authorization
// Reference gives them no resource type) and not audited beyond a refusal.

// ValidatePolicy is Access Analyzer's ValidatePolicy: the findings for doc
// as a policy of in's type.
func (s *Service) ValidatePolicy(ctx context.Context, caller *Principal, m Meta, doc string, in analyzer.Input) ([]analyzer.Finding, error) {
	if err := s.authorizeMeta(ctx, caller, m, "access-analyzer:ValidatePolicy", "*"); err != nil {
		return nil, err
	}
	if err := checkPolicyType(in.PolicyType, analyzer.PolicyTypes); err != nil {
		return nil, err
	}
	if in.ResourceType != "" && !slices.Contains(analyzer.ValidatePolicyResourceTypes, in.ResourceType) {
		return nil, enumError("validatePolicyResourceType", in.ResourceType, analyzer.ValidatePolicyResourceTypes)
	}
	if err := checkAnalyzedDocument("policyDocument", doc); err != nil {
		return nil, err
	}
	return analyzer.Validate([]byte(doc), in), nil
}

// CheckNoNewAccess is Access Analyzer's CheckNoNewAccess.
func (s *Service) CheckNoNewAccess(ctx context.Context, caller *Principal, m Meta, newDoc, existingDoc string, typ analyzer.PolicyType) (analyzer.Result, error) {
	if err := s.authorizeMeta(ctx, caller, m, "access-analyzer:CheckNoNewAccess", "*"); err != nil {
		return analyzer.Result{}, err
	}
	if err := checkPolicyType(typ, accessCheckTypes); err != nil {
		return analyzer.Result{}, err
	}
	if err := errors.Join(checkAnalyzedDocument("newPolicyDocument", newDoc), checkAnalyzedDocument("existingPolicyDocument", existingDoc)); err != nil {
		return analyzer.Result{}, firstErr(err)
	}
	r, err := analyzer.CheckNoNewAccess(newDoc, existingDoc, typ)
	return r, documentError(err)
}

// CheckAccessNotGranted is Access Analyzer's CheckAccessNotGranted.
func (s *Service) CheckAccessNotGranted(ctx context.Context, caller *Principal, m Meta, doc string, typ analyzer.PolicyType, access []analyzer.Access) (analyzer.Result, error) {
	if err := s.authorizeMeta(ctx, caller, m, "access-analyzer:CheckAccessNotGranted", "*"); err != nil {
		return analyzer.Result{}, err
	}
	if err := checkPolicyType(typ, accessCheckTypes); err != nil {
		return analyzer.Result{}, err
	}
	if err := checkAnalyzedDocument("policyDocument", doc); err != nil {
		return analyzer.Result{}, err
	}
	if len(access) == 0 {
		return analyzer.Result{}, invalidField("access", "The access list must name at least one action or resource.")
	}
	for _, a := range access {
		if len(a.Actions) == 0 && len(a.Resources) == 0 {
			return analyzer.Result{}, invalidField("access", "Each access entry must name at least one action or resource.")
		}
		if len(a.Actions) > 100 || len(a.Resources) > 100 {
			return analyzer.Result{}, invalidField("access", "An access entry names at most 100 actions and 100 resources.")
		}
	}
	r, err := analyzer.CheckAccessNotGranted(doc, typ, access)
	return r, documentError(err)
}

// CheckNoPublicAccess is Access Analyzer's CheckNoPublicAccess.
func (s *Service) CheckNoPublicAccess(ctx context.Context, caller *Principal, m Meta, doc, resourceType string) (analyzer.Result, error) {
	if err := s.authorizeMeta(ctx, caller, m, "access-analyzer:CheckNoPublicAccess", "*"); err != nil {
		return analyzer.Result{}, err
	}
	if !slices.Contains(analyzer.PublicAccessResourceTypes, resourceType) {
		return analyzer.Result{}, enumError("resourceType", resourceType, analyzer.PublicAccessResourceTypes)
	}
	if err := checkAnalyzedDocument("policyDocument", doc); err != nil {
		return analyzer.Result{}, err
	}
	r, err := analyzer.CheckNoPublicAccess(doc, resourceType)
	return r, documentError(err)
}

// accessCheckTypes are the policy types the custom checks take
// (AccessCheckPolicyType).
var accessCheckTypes = []analyzer.PolicyType{analyzer.IdentityPolicy, analyzer.ResourcePolicy}

func checkPolicyType(t analyzer.PolicyType, valid []analyzer.PolicyType) error {
	if slices.Contains(valid, t) {
		return nil
	}
	names := make([]string, len(valid))
	for i, v := range valid {
		names[i] = string(v)
	}
	return enumError("policyType", string(t), names)
}

// enumError is AWS's validation message for a value outside an enum (the
// Smithy validator's wording).
func enumError(field, value string, valid []string) *Error {
	if value == "" {
		return invalidField(field, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	list := ""
	for i, v := range valid {
		if i > 0 {
			list += ", "
		}
		list += v
	}
	return invalidField(field, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", value, field, list)
}

// checkAnalyzedDocument refuses a missing document and one beyond what
// any policy could be (the policy package's own bound).
func checkAnalyzedDocument(field, doc string) error {
	switch {
	case doc == "":
		return invalidField(field, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	case len(doc) > policy.MaxDocumentBytes:
		return invalidField(field, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", field, policy.MaxDocumentBytes)
	}
	return nil
}

// documentError turns a check's refusal of a document into the field's
// validation error.
func documentError(err error) error {
	var de *analyzer.InvalidDocumentError
	if errors.As(err, &de) {
		msg := de.Err.Error()
		var pe *policy.ParseError
		if errors.As(de.Err, &pe) && len(pe.Diagnostics) > 0 {
			msg = pe.Diagnostics[0].String()
		}
		return invalidField(de.Field, "The %s is not a valid policy: %s", de.Field, msg)
	}
	return err
}

// firstErr is the first of a join of errors.
func firstErr(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) > 0 {
		return j.Unwrap()[0]
	}
	return err
}

// EditorFindings are ValidatePolicy's findings for the policy editor's
// check, when the caller may run ValidatePolicy, and nil otherwise: the
// editor offers them beside its own diagnostics, so a caller without the
// permission sees the rest of the check rather than a refusal (and none is
// recorded: the caller asked for a check, not for Access Analyzer).
func (s *Service) EditorFindings(ctx context.Context, caller *Principal, m Meta, doc string, in analyzer.Input) []analyzer.Finding {
	allowed, err := s.Allowed(ctx, caller, m, "access-analyzer:ValidatePolicy", "*")
	if err != nil {
		s.cfg.Log.Warn("permission check", "action", "access-analyzer:ValidatePolicy", "err", err)
		return nil
	}
	if !allowed || doc == "" || len(doc) > policy.MaxDocumentBytes {
		return nil
	}
	return analyzer.Validate([]byte(doc), in)
}
