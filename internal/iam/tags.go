package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iamconsole/console/internal/models"
)

// taggable is a user, role, customer managed policy or virtual MFA device
// found for a tag operation.
type taggable struct {
	typ       models.EntityType
	id, label string // label names it in the audit parameters
	arn       string
	paramKey  string
}

// authorizedTaggable finds what a Tag/Untag/List…Tags call names (a user or
// role by name, a policy by ARN, an MFA device by serial number) and
// authorizes action on it.
func (s *Service) authorizedTaggable(ctx context.Context, caller *Principal, acct string, t models.EntityType, name string,
	m Meta, action string, keys map[string][]string) (*taggable, error) {
	if t == models.EntityMFA {
		// The resource is the serial itself: authorized before the lookup.
		if err := s.authorizeMeta(ctx, caller, m, action, name); err != nil {
			return nil, err
		}
		d, err := s.store.MFADeviceBySerial(ctx, acct, name)
		if errors.Is(err, models.ErrNotFound) {
			return nil, noSuchDevice(name)
		}
		if err != nil {
			return nil, internal(err, "mfa device")
		}
		return &taggable{typ: t, id: strconv.FormatUint(d.ID, 10), label: name, arn: name, paramKey: "serialNumber"}, nil
	}
	if t == models.EntityOIDCProvider {
		p, err := s.authorizedOIDCProvider(ctx, caller, acct, name, m, action, keys)
		if err != nil {
			return nil, err
		}
		return &taggable{typ: t, id: p.ProviderID, label: name, arn: name, paramKey: "openIDConnectProviderArn"}, nil
	}
	if t == models.EntitySAMLProvider {
		p, _, err := s.authorizedSAMLProvider(ctx, caller, name, m, action, keys)
		if err != nil {
			return nil, err
		}
		return &taggable{typ: t, id: p.ProviderID, label: name, arn: name, paramKey: "sAMLProviderArn"}, nil
	}
	if t == models.EntityPolicy {
		if isAWSPolicyARN(name) && !strings.HasPrefix(action, "iam:List") {
			return nil, s.builtinReadOnly(ctx, caller, m, action, name)
		}
		if Builtin(name) != nil { // built-ins have no tags
			if err := s.authorizeMeta(ctx, caller, m, action, name); err != nil {
				return nil, err
			}
			return &taggable{typ: t, arn: name, label: name, paramKey: "policyArn"}, nil
		}
		p, err := s.authorizedPolicy(ctx, caller, acct, name, m, action, keys)
		if err != nil {
			return nil, err
		}
		return &taggable{typ: t, id: p.PolicyID, label: p.ARN, arn: p.ARN, paramKey: "policyArn"}, nil
	}
	if t == models.EntityServerCertificate {
		c, arn, err := s.authorizedServerCertificate(ctx, withRequestContext(caller, keys), acct, name, m, action)
		if err != nil {
			return nil, err
		}
		return &taggable{typ: t, id: c.ServerCertificateID, label: c.Name, arn: arn, paramKey: "serverCertificateName"}, nil
	}
	e, err := s.authorizedEntity(ctx, caller, acct, t, name, m, action, keys)
	if err != nil {
		return nil, err
	}
	return &taggable{typ: t, id: e.id, label: e.name, arn: e.arn, paramKey: Entity{Type: EntityType(t)}.paramKey()}, nil
}

// Tag adds tags to a user, a role or a customer managed policy (AWS managed
// policies cannot be tagged), replacing the values of keys it has (keys
// compare whatever their case). LimitExceeded past 50 tags.
func (s *Service) Tag(ctx context.Context, caller *Principal, e Entity, tags []Tag, m Meta) error {
	if err := OpTag.supports(e); err != nil {
		return err
	}
	return s.tag(ctx, caller, e, tags, m)
}

func (s *Service) tag(ctx context.Context, caller *Principal, e Entity, tags []Tag, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	t, op := e.model(), OpTag.name(e.Type)
	x, err := s.authorizedTaggable(ctx, caller, acct, t, e.Name, m, "iam:"+op, tagRequestKeys(tags))
	if err != nil {
		return err
	}
	if len(tags) == 0 {
		return invalidField("Tags", "Tags is required.")
	}
	if err := validateTags(tags); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, t, x.id, x.label); err != nil {
			return err
		}
		have, err := tx.ListTags(ctx, acct, t, x.id)
		if err != nil {
			return err
		}
		keys := map[string]bool{}
		for _, h := range have {
			keys[h.KeyLower] = true
		}
		for _, n := range tags {
			keys[strings.ToLower(n.Key)] = true
		}
		if len(keys) > MaxTags {
			return newErr(LimitExceeded, "The number of tags has reached the maximum limit.")
		}
		if err := tx.SetTags(ctx, acct, t, x.id, storeTags(tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: x.arn,
			params: map[string]any{x.paramKey: x.label, "tags": tags}}, nil)
	})
	return asInternal(err, strings.ToLower(op))
}

// Untag removes tags from a user, a role or a customer managed policy by
// key (whatever the case); keys it does not have are ignored, as AWS's.
func (s *Service) Untag(ctx context.Context, caller *Principal, e Entity, keys []string, m Meta) error {
	if err := OpUntag.supports(e); err != nil {
		return err
	}
	return s.untag(ctx, caller, e, keys, m)
}

func (s *Service) untag(ctx context.Context, caller *Principal, e Entity, keys []string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	t, op, name := e.model(), OpUntag.name(e.Type), e.Name
	var rc map[string][]string
	if len(keys) > 0 {
		rc = map[string][]string{"aws:TagKeys": keys}
	}
	x, err := s.authorizedTaggable(ctx, caller, acct, t, name, m, "iam:"+op, rc)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return invalidField("TagKeys", "TagKeys is required.")
	}
	if err := validateTagKeys(keys); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.RemoveTags(ctx, acct, t, x.id, keys); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: op, resource: x.arn,
			params: map[string]any{x.paramKey: x.label, "tagKeys": keys}}, nil)
	})
	return asInternal(err, strings.ToLower(op))
}

// ListTags lists one page of the tags of a user, a role or a managed policy,
// by key; AWS managed policies have none.
func (s *Service) ListTags(ctx context.Context, caller *Principal, of Entity, in Page, m Meta) ([]Tag, string, error) {
	if err := OpListTags.supports(of); err != nil {
		return nil, "", err
	}
	return s.listTags(ctx, caller, of, in, m)
}

func (s *Service) listTags(ctx context.Context, caller *Principal, of Entity, in Page, m Meta) ([]Tag, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	t, op := of.model(), OpListTags.name(of.Type)
	x, err := s.authorizedTaggable(ctx, caller, acct, t, of.Name, m, "iam:"+op, nil)
	if err != nil {
		return nil, "", err
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	if x.id == "" {
		return nil, "", nil
	}
	rows, err := s.store.ListTags(ctx, acct, t, x.id)
	if err != nil {
		return nil, "", internal(err, "tags")
	}
	out := make([]Tag, len(rows))
	for i, r := range rows {
		out[i] = Tag{Key: r.Key, Value: r.Value}
	}
	f.After = strings.ToLower(f.After)
	return pageOf(out, func(t Tag) string { return strings.ToLower(t.Key) }, f)
}

// tagRequestKeys are the condition keys a request carrying tags sets.
func tagRequestKeys(tags []Tag) map[string][]string {
	if len(tags) == 0 {
		return nil
	}
	keys := map[string][]string{}
	for _, t := range tags {
		keys["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys["aws:TagKeys"] = append(keys["aws:TagKeys"], t.Key)
	}
	return keys
}

// storeTags is tags as the store keeps them.
func storeTags(tags []Tag) []models.Tag {
	out := make([]models.Tag, len(tags))
	for i, t := range tags {
		out[i] = models.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// validateTagKeys checks Untag's keys against AWS's model: at most 50, each
// a tag key; AWS words a list member's failure as the list's, naming every
// constraint of the member (Member must satisfy constraint: [...]).
func validateTagKeys(keys []string) error {
	var vs []Violation
	list := "[" + strings.Join(keys, ", ") + "]"
	if len(keys) > MaxTags {
		vs = append(vs, Violation{"tagKeys", list, "Member must have length less than or equal to " + strconv.Itoa(MaxTags)})
	}
	for _, k := range keys {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 || !tagChars(k) {
			vs = append(vs, Violation{"tagKeys", list, "Member must satisfy constraint: [Member must have length less than or equal to 128, " +
				"Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: " + tagKeyPattern +
				", Member must not be null]"})
			break
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return violation("TagKeys", "Name at most 50 tag keys, each 1 to 128 letters, digits, spaces and _ . : / = + - @.", vs...)
}
