package iam

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sort"

	"github.com/iamconsole/console/internal/policy"
)

// An authorization message tells why a request was refused, as AWS's
// "Encoded authorization failure message" does: the engine's explanation,
// in the JSON shape STS DecodeAuthorizationMessage returns, sealed under the
// master key (AES-256-GCM, bound to the account) so that it can neither be
// read without that call nor forged.

// authzDoc is the decoded message, in AWS's shape: allowed, explicitDeny,
// matchedStatements, failures, context.
type authzDoc struct {
	Allowed           bool                `json:"allowed"`
	ExplicitDeny      bool                `json:"explicitDeny"`
	MatchedStatements authzItems[authzSt] `json:"matchedStatements"`
	Failures          authzItems[string]  `json:"failures"`
	Context           authzContext        `json:"context"`
}

// authzItems is AWS's list encoding in these messages: {"items": [...]}.
type authzItems[T any] struct {
	Items []T `json:"items"`
}

type authzValue struct {
	Value string `json:"value"`
}

// authzSt is one statement that decided the refusal (an explicit deny's
// Deny statements; none for an implicit deny, as AWS lists none). The
// policy it came from is named by its statement ID and the kind of policy
// (identity, boundary, session, resource), not by its name: the message is
// for the caller's administrator, who has the policies.
type authzSt struct {
	StatementID string                 `json:"statementId"`
	Effect      string                 `json:"effect"`
	Principals  authzItems[authzValue] `json:"principals"`
	PolicyType  string                 `json:"policyType"`
}

type authzContext struct {
	Principal  authzPrincipal      `json:"principal"`
	Action     string              `json:"action"`
	Resource   string              `json:"resource"`
	Conditions authzItems[authzKV] `json:"conditions"`
}

type authzPrincipal struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	ARN  string `json:"arn"`
}

type authzKV struct {
	Key    string                 `json:"key"`
	Values authzItems[authzValue] `json:"values"`
}

// authzMessageAD binds a message to its account: another account's
// message does not open here.
func authzMessageAD(account string) []byte { return []byte("authz-message:" + account) }

// authorizationMessage explains why the engine refused caller action on
// resource, sealed. "" when the explanation cannot be made (logged): the
// refusal stands without it.
func (s *Service) authorizationMessage(ctx context.Context, caller *Principal, m Meta, action, resource string) string {
	in, err := s.inputsFor(ctx, caller)
	if err != nil {
		s.cfg.Log.Warn("authorization message", "err", err)
		return ""
	}
	now := s.now()
	keys := s.contextKeys(caller, m)
	d := policy.Evaluate(in, &policy.Request{Principal: s.enginePrincipal(caller), Action: action, Resource: resource,
		Context: policy.NewContext(keys), Time: now})
	doc := authzDoc{ExplicitDeny: d.Outcome == policy.ExplicitDeny,
		MatchedStatements: authzItems[authzSt]{Items: []authzSt{}}, Failures: authzItems[string]{Items: []string{}},
		Context: authzContext{Principal: authzPrincipal{ID: caller.ID, ARN: caller.ARN}, Action: action, Resource: resource,
			Conditions: authzItems[authzKV]{Items: []authzKV{}}}}
	if caller.Type == TypeUser || caller.Type == TypeFederatedUser {
		doc.Context.Principal.Name = caller.Name
	}
	for _, st := range d.Deciding() {
		effect := "ALLOW"
		if st.Effect == policy.Deny {
			effect = "DENY"
		}
		doc.MatchedStatements.Items = append(doc.MatchedStatements.Items, authzSt{StatementID: st.Sid, Effect: effect,
			Principals: authzItems[authzValue]{Items: []authzValue{{Value: caller.ID}}}, PolicyType: st.Layer.String()})
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		kv := authzKV{Key: k, Values: authzItems[authzValue]{Items: []authzValue{}}}
		for _, v := range keys[k] {
			kv.Values.Items = append(kv.Values.Items, authzValue{Value: v})
		}
		doc.Context.Conditions.Items = append(doc.Context.Conditions.Items, kv)
	}
	b, err := json.Marshal(doc)
	if err != nil { // strings and bools only: cannot happen
		s.cfg.Log.Warn("authorization message", "err", err)
		return ""
	}
	// Re-encoded URL-safe and unpadded, as AWS's encoded messages are: a
	// message copied from a terminal or a URL survives.
	sealed, err := base64.StdEncoding.DecodeString(s.cfg.Sealer.Seal(b, authzMessageAD(caller.AccountID)))
	if err != nil { // Seal writes standard base64: cannot happen
		s.cfg.Log.Warn("authorization message", "err", err)
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(sealed)
}

// maxEncodedMessage is DecodeAuthorizationMessage's EncodedMessage length
// limit (STS API Reference: 1–10240).
const maxEncodedMessage = 10240

// DecodeAuthorizationMessage is STS DecodeAuthorizationMessage: the JSON
// explanation an AccessDenied carried, encoded. The caller needs
// sts:DecodeAuthorizationMessage; a message that was not made by this
// console for the caller's account is InvalidAuthorizationMessageException.
func (s *Service) DecodeAuthorizationMessage(ctx context.Context, caller *Principal, encoded string, m Meta) (string, error) {
	if len(encoded) > maxEncodedMessage {
		return "", newErr(Invalid, "1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length less than or equal to %d", maxEncodedMessage)
	}
	if err := s.authorizeMeta(ctx, caller, m, "sts:DecodeAuthorizationMessage", "*"); err != nil {
		return "", err
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	var pt []byte
	if err == nil {
		pt, err = s.cfg.Sealer.Open(base64.StdEncoding.EncodeToString(raw), authzMessageAD(callerAccount(caller)))
	}
	if err != nil {
		return "", &Error{Kind: Invalid, Code: "InvalidAuthorizationMessageException",
			Message: "The encoded authorization message is invalid."}
	}
	return string(pt), nil
}
