package iam

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/iamconsole/console/internal/federation/saml"
	"github.com/iamconsole/console/internal/models"
)

// SAMLProviderType is a SAML identity provider, named by its ARN
// (arn:aws:iam::ACCOUNT:saml-provider/NAME): its operations are in
// saml_providers.go, its use in saml_sts.go.
const SAMLProviderType EntityType = "saml-provider"

// SAMLProvider is GetSAMLProvider's output (and a ListSAMLProviders entry:
// Arn, CreateDate and ValidUntil).
type SAMLProvider struct {
	Arn                     string
	SAMLProviderUUID        string
	SAMLMetadataDocument    string
	CreateDate              time.Time
	ValidUntil              time.Time
	AssertionEncryptionMode string
	PrivateKeyList          []SAMLPrivateKey
	Tags                    []Tag
	// EntityID and SigningCertExpiry are read from the metadata for the
	// console's list (AWS answers neither): the IdP's entityID, and when
	// the first of its signing certificates expires.
	EntityID          string
	SigningCertExpiry time.Time
}

// SAMLPrivateKey is AWS's SAMLPrivateKey: a decryption key's ID and when
// it was added (the key itself is never shown again).
type SAMLPrivateKey struct {
	KeyId     string
	Timestamp time.Time
}

// samlKey is a private key as stored: sealed under the master key.
type samlKey struct {
	KeyID     string    `json:"keyId"`
	Timestamp time.Time `json:"timestamp"`
	Sealed    string    `json:"sealed"`
}

// CreateSAMLProviderInput is CreateSAMLProvider's input.
type CreateSAMLProviderInput struct {
	Name                    string
	SAMLMetadataDocument    string
	Tags                    []Tag
	AssertionEncryptionMode string // "", "Required" or "Allowed"
	AddPrivateKey           string // PEM
}

// UpdateSAMLProviderInput is UpdateSAMLProvider's input; empty fields keep
// what the provider has.
type UpdateSAMLProviderInput struct {
	SAMLProviderArn         string
	SAMLMetadataDocument    string
	AssertionEncryptionMode string
	AddPrivateKey           string
	RemovePrivateKey        string
}

// SAML provider quotas and limits, as AWS's.
const (
	MaxSAMLProvidersPerAccount = 100
	MaxSAMLPrivateKeys         = 2
	minSAMLMetadataLen         = 1000
	maxSAMLMetadataLen         = 10000000
)

var (
	samlProviderNameRE = regexp.MustCompile(`^[\w._-]{1,128}$`)
	samlProviderARNRE  = regexp.MustCompile(`^arn:aws:iam::(\d{12}):saml-provider/([\w._-]{1,128})$`)
	samlKeyIDRE        = regexp.MustCompile(`^[A-Z0-9]{22,64}$`)
)

func samlProviderARN(acct, name string) string {
	return "arn:aws:iam::" + acct + ":saml-provider/" + name
}

func noSuchSAMLProvider(arn string) *Error {
	return newErr(NotFound, "Manifest not found for arn %s", arn)
}

// samlInvalidInput is IAM's InvalidInput (400), which the SAML provider
// actions answer for a document or key they cannot read.
func samlInvalidInput(format string, args ...any) *Error {
	e := newErr(Invalid, format, args...)
	e.Code = "InvalidInput"
	return e
}

// checkMetadata checks a metadata document's length (AWS's 1,000 to
// 10,000,000 characters) and reads it.
func checkMetadata(doc string) (*saml.Metadata, error) {
	n := utf8.RuneCountInString(doc)
	if n < minSAMLMetadataLen {
		return nil, invalidField("SAMLMetadataDocument", "1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length greater than or equal to %d", minSAMLMetadataLen)
	}
	if n > maxSAMLMetadataLen {
		return nil, invalidField("SAMLMetadataDocument", "1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length less than or equal to %d", maxSAMLMetadataLen)
	}
	md, err := saml.ParseMetadata(doc)
	if err != nil {
		e := samlInvalidInput("Could not parse metadata")
		e.Field, e.Err = "SAMLMetadataDocument", err
		return nil, e
	}
	return md, nil
}

// validUntil is when a provider's metadata stops being trusted: the
// document's validUntil, else a hundred years on, as AWS answers for
// metadata without one.
func validUntil(md *saml.Metadata, created time.Time) time.Time {
	if !md.ValidUntil.IsZero() {
		return md.ValidUntil.UTC()
	}
	return created.AddDate(100, 0, 0).UTC()
}

func checkEncryptionMode(mode string) error {
	switch mode {
	case "", "Required", "Allowed":
		return nil
	}
	return invalidField("AssertionEncryptionMode", "1 validation error detected: Value '%s' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Required, Allowed]", mode)
}

// sealPrivateKey checks a PEM private key (AWS's 1 to 16,384 characters)
// and seals it under a new key ID.
func (s *Service) sealPrivateKey(pemKey string, now time.Time) (samlKey, error) {
	if len(pemKey) > 16384 {
		return samlKey{}, invalidField("AddPrivateKey", "1 validation error detected: Value at 'addPrivateKey' failed to satisfy constraint: Member must have length less than or equal to 16384")
	}
	block, _ := pem.Decode([]byte(pemKey))
	if block == nil {
		return samlKey{}, samlInvalidInput("The private key is not a valid PEM-encoded key.")
	}
	_, err1 := x509.ParsePKCS8PrivateKey(block.Bytes)
	_, err2 := x509.ParsePKCS1PrivateKey(block.Bytes)
	_, err3 := x509.ParseECPrivateKey(block.Bytes)
	if err1 != nil && err2 != nil && err3 != nil {
		return samlKey{}, samlInvalidInput("The private key is not a valid PEM-encoded key.")
	}
	id := newID("", 26)
	return samlKey{KeyID: id, Timestamp: now.UTC(), Sealed: s.cfg.Sealer.Seal([]byte(pemKey), []byte("saml-key:"+id))}, nil
}

func decodeSAMLKeys(js string) ([]samlKey, error) {
	if js == "" {
		return nil, nil
	}
	var keys []samlKey
	if err := json.Unmarshal([]byte(js), &keys); err != nil {
		return nil, internal(err, "SAML provider keys")
	}
	return keys, nil
}

func encodeSAMLKeys(keys []samlKey) string {
	if len(keys) == 0 {
		return ""
	}
	b, _ := json.Marshal(keys) // strings and times always encode
	return string(b)
}

// newProviderID is a random UUID: its 32 hex digits are the row's key
// (tags name their entity in 32 characters), its usual form AWS's
// SAMLProviderUUID.
func newProviderID() (id, formatted string) {
	u := uuid.New()
	return hex.EncodeToString(u[:]), u.String()
}

// CreateSAMLProvider stores a SAML identity provider from its metadata
// document. Tags need iam:TagSAMLProvider too, as in AWS; AlreadyExists
// when the name is taken; LimitExceeded past 100 providers.
func (s *Service) CreateSAMLProvider(ctx context.Context, caller *Principal, in CreateSAMLProviderInput, m Meta) (*SAMLProvider, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	arn := samlProviderARN(acct, in.Name)
	if err := s.authorizeCreate(ctx, caller, m, SAMLProviderType, arn, in.Tags, ""); err != nil {
		return nil, err
	}
	if !samlProviderNameRE.MatchString(in.Name) {
		return nil, invalidField("Name", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+", in.Name)
	}
	md, err := checkMetadata(in.SAMLMetadataDocument)
	if err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkEncryptionMode(in.AssertionEncryptionMode); err != nil {
		return nil, err
	}
	if in.AssertionEncryptionMode == "Required" && in.AddPrivateKey == "" {
		return nil, samlInvalidInput("AssertionEncryptionMode Required needs a private key.")
	}
	now := s.now()
	var keys []samlKey
	if in.AddPrivateKey != "" {
		k, err := s.sealPrivateKey(in.AddPrivateKey, now)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	id, uid := newProviderID()
	p := &models.SAMLProvider{ProviderID: id, UUID: uid, Name: in.Name, EntityID: md.EntityID, MetadataDocument: in.SAMLMetadataDocument,
		ValidUntil: validUntil(md, now), AssertionEncryptionMode: in.AssertionEncryptionMode, PrivateKeys: encodeSAMLKeys(keys), CreatedAt: now}
	params := map[string]any{"name": in.Name, "entityId": md.EntityID}
	if len(in.Tags) > 0 {
		params["tags"] = in.Tags
	}
	if in.AssertionEncryptionMode != "" {
		params["assertionEncryptionMode"] = in.AssertionEncryptionMode
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		n, err := tx.CountSAMLProviders(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxSAMLProvidersPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for SAMLProvidersPerAccount: %d", MaxSAMLProvidersPerAccount)
		}
		if err := tx.CreateSAMLProvider(ctx, acct, p); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntitySAMLProvider, p.ProviderID, storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateSAMLProvider", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "SAMLProvider %s already exists.", in.Name)
	}
	if err != nil {
		return nil, asInternal(err, "create SAML provider")
	}
	return &SAMLProvider{Arn: arn, SAMLProviderUUID: uid, CreateDate: now.UTC(), ValidUntil: p.ValidUntil, Tags: in.Tags}, nil
}

// parseSAMLProviderARN checks a SAMLProviderArn parameter (AWS's 20 to
// 2,048 characters) and splits it.
func parseSAMLProviderARN(arn string) (acct, name string, err error) {
	if len(arn) < 20 || len(arn) > 2048 {
		return "", "", invalidField("SAMLProviderArn", "1 validation error detected: Value '%s' at 'sAMLProviderArn' failed to satisfy constraint: Member must have length between 20 and 2048", arn)
	}
	mm := samlProviderARNRE.FindStringSubmatch(arn)
	if mm == nil {
		return "", "", invalidField("SAMLProviderArn", "ARN %s is not valid.", arn)
	}
	return mm[1], mm[2], nil
}

// authorizedSAMLProvider authorizes action on the provider arn names, then
// finds it: NotFound (after the authorization, so a caller learns nothing
// it may not ask) when it does not exist or is another account's.
func (s *Service) authorizedSAMLProvider(ctx context.Context, caller *Principal, arn string, m Meta, action string, keys map[string][]string) (*models.SAMLProvider, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	if arn == "" {
		return nil, "", invalidField("SAMLProviderArn", "SAMLProviderArn is required.")
	}
	arnAcct, name, err := parseSAMLProviderARN(arn)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorizeMeta(ctx, withRequestContext(caller, keys), m, action, arn); err != nil {
		return nil, "", err
	}
	if arnAcct != acct {
		return nil, "", noSuchSAMLProvider(arn)
	}
	p, err := s.store.SAMLProvider(ctx, acct, name)
	if errors.Is(err, models.ErrNotFound) {
		return nil, "", noSuchSAMLProvider(arn)
	}
	if err != nil {
		return nil, "", internal(err, "SAML provider")
	}
	return p, acct, nil
}

// GetSAMLProvider returns a provider with its metadata document and tags.
func (s *Service) GetSAMLProvider(ctx context.Context, caller *Principal, arn string, m Meta) (*SAMLProvider, error) {
	p, acct, err := s.authorizedSAMLProvider(ctx, caller, arn, m, "iam:GetSAMLProvider", nil)
	if err != nil {
		return nil, err
	}
	keys, err := decodeSAMLKeys(p.PrivateKeys)
	if err != nil {
		return nil, err
	}
	out := &SAMLProvider{Arn: arn, SAMLProviderUUID: p.UUID, SAMLMetadataDocument: p.MetadataDocument, CreateDate: p.CreatedAt.UTC(),
		ValidUntil: p.ValidUntil.UTC(), AssertionEncryptionMode: p.AssertionEncryptionMode}
	for _, k := range keys {
		out.PrivateKeyList = append(out.PrivateKeyList, SAMLPrivateKey{KeyId: k.KeyID, Timestamp: k.Timestamp})
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntitySAMLProvider, p.ProviderID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	for _, t := range tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

// ListSAMLProviders lists the account's providers (AWS pages none of it:
// the quota is 100).
func (s *Service) ListSAMLProviders(ctx context.Context, caller *Principal, m Meta) ([]SAMLProvider, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, caller, m, OpList.Action(SAMLProviderType), "*"); err != nil {
		return nil, err
	}
	ps, err := s.store.ListSAMLProviders(ctx, acct)
	if err != nil {
		return nil, internal(err, "list SAML providers")
	}
	out := make([]SAMLProvider, len(ps))
	for i, p := range ps {
		out[i] = SAMLProvider{Arn: samlProviderARN(acct, p.Name), CreateDate: p.CreatedAt.UTC(), ValidUntil: p.ValidUntil.UTC(), EntityID: p.EntityID}
		if md, err := saml.ParseMetadata(p.MetadataDocument); err == nil { // it was read when stored
			for _, c := range md.SigningCerts {
				if out[i].SigningCertExpiry.IsZero() || c.NotAfter.Before(out[i].SigningCertExpiry) {
					out[i].SigningCertExpiry = c.NotAfter.UTC()
				}
			}
		}
	}
	return out, nil
}

// UpdateSAMLProvider replaces a provider's metadata document, and changes
// its assertion encryption mode and private keys (two at most).
func (s *Service) UpdateSAMLProvider(ctx context.Context, caller *Principal, in UpdateSAMLProviderInput, m Meta) (string, error) {
	p, acct, err := s.authorizedSAMLProvider(ctx, caller, in.SAMLProviderArn, m, OpUpdate.Action(SAMLProviderType), nil)
	if err != nil {
		return "", err
	}
	if in.SAMLMetadataDocument == "" && in.AssertionEncryptionMode == "" && in.AddPrivateKey == "" && in.RemovePrivateKey == "" {
		return "", samlInvalidInput("At least one of SAMLMetadataDocument, AssertionEncryptionMode, AddPrivateKey or RemovePrivateKey is required.")
	}
	params := map[string]any{"sAMLProviderArn": in.SAMLProviderArn}
	if in.SAMLMetadataDocument != "" {
		md, err := checkMetadata(in.SAMLMetadataDocument)
		if err != nil {
			return "", err
		}
		p.MetadataDocument, p.EntityID, p.ValidUntil = in.SAMLMetadataDocument, md.EntityID, validUntil(md, s.now())
		params["entityId"] = md.EntityID
	}
	if err := checkEncryptionMode(in.AssertionEncryptionMode); err != nil {
		return "", err
	}
	if in.AssertionEncryptionMode != "" {
		p.AssertionEncryptionMode = in.AssertionEncryptionMode
		params["assertionEncryptionMode"] = in.AssertionEncryptionMode
	}
	keys, err := decodeSAMLKeys(p.PrivateKeys)
	if err != nil {
		return "", err
	}
	if in.RemovePrivateKey != "" {
		if !samlKeyIDRE.MatchString(in.RemovePrivateKey) {
			return "", invalidField("RemovePrivateKey", "1 validation error detected: Value '%s' at 'removePrivateKey' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Z0-9]+", in.RemovePrivateKey)
		}
		kept := keys[:0]
		for _, k := range keys {
			if k.KeyID != in.RemovePrivateKey {
				kept = append(kept, k)
			}
		}
		if len(kept) == len(keys) {
			return "", samlInvalidInput("The private key %s does not exist.", in.RemovePrivateKey)
		}
		keys = kept
		params["removePrivateKey"] = in.RemovePrivateKey
	}
	if in.AddPrivateKey != "" {
		if len(keys) >= MaxSAMLPrivateKeys {
			return "", newErr(LimitExceeded, "Cannot exceed quota for PrivateKeysPerSAMLProvider: %d", MaxSAMLPrivateKeys)
		}
		k, err := s.sealPrivateKey(in.AddPrivateKey, s.now())
		if err != nil {
			return "", err
		}
		keys = append(keys, k)
		params["addPrivateKey"] = k.KeyID // the ID, never the key
	}
	if p.AssertionEncryptionMode == "Required" && len(keys) == 0 {
		return "", samlInvalidInput("AssertionEncryptionMode Required needs a private key.")
	}
	p.PrivateKeys = encodeSAMLKeys(keys)
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := s.lockSAMLProvider(ctx, tx, acct, p.ProviderID, in.SAMLProviderArn); err != nil {
			return err
		}
		if err := tx.UpdateSAMLProvider(ctx, acct, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateSAMLProvider", resource: in.SAMLProviderArn, params: params}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return "", noSuchSAMLProvider(in.SAMLProviderArn)
	}
	if err != nil {
		return "", asInternal(err, "update SAML provider")
	}
	return in.SAMLProviderArn, nil
}

func (s *Service) lockSAMLProvider(ctx context.Context, tx *models.Store, acct, id, arn string) error {
	err := tx.LockSAMLProvider(ctx, acct, id)
	if errors.Is(err, models.ErrNotFound) {
		return noSuchSAMLProvider(arn)
	}
	return err
}

// DeleteSAMLProvider deletes a provider and its tags. Roles that trust it
// keep their trust policies, as in AWS: nobody can use them through it.
func (s *Service) DeleteSAMLProvider(ctx context.Context, caller *Principal, arn string, m Meta) error {
	p, acct, err := s.authorizedSAMLProvider(ctx, caller, arn, m, OpDelete.Action(SAMLProviderType), nil)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := s.lockSAMLProvider(ctx, tx, acct, p.ProviderID, arn); err != nil {
			return err
		}
		if err := tx.DeleteTagsOf(ctx, acct, models.EntitySAMLProvider, p.ProviderID); err != nil {
			return err
		}
		if err := tx.DeleteSAMLProvider(ctx, acct, p.ProviderID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteSAMLProvider", resource: arn,
			params: map[string]any{"sAMLProviderArn": arn}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchSAMLProvider(arn)
	}
	return asInternal(err, "delete SAML provider")
}
