package iam

import (
	"context"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // AWS defines NameQualifier with SHA-1; it identifies, it does not protect
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/federation/saml"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/policy"
)

// The attributes AWS reads from an assertion.
const (
	samlRoleAttr            = "https://aws.amazon.com/SAML/Attributes/Role"
	samlRoleSessionNameAttr = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	samlSessionDurationAttr = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	samlSourceIdentityAttr  = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	samlPrincipalTagPrefix  = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
	// samlTransitiveTagKeysAttr names the session tags that would pass on
	// to a chained session: read as sts:TransitiveTagKeys.
	samlTransitiveTagKeysAttr = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
	samlNameIDFormatPrefix    = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
)

// AssumeRoleWithSAMLInput is STS AssumeRoleWithSAML's input.
type AssumeRoleWithSAMLInput struct {
	RoleArn         string
	PrincipalArn    string
	SAMLAssertion   string // base64 SAML response
	Policy          string
	PolicyArns      []string
	DurationSeconds int // 0 = 3600
}

// AssumeRoleWithSAMLResult is AssumeRoleWithSAML's output.
type AssumeRoleWithSAMLResult struct {
	Credentials      Credentials
	AssumedRoleId    string
	Arn              string
	PackedPolicySize int
	Audience         string
	Issuer           string
	NameQualifier    string
	Subject          string
	SubjectType      string
	SourceIdentity   string
}

// samlDenied is AWS's refusal when the trust policy, or the assertion's
// Role attribute, does not let the provider's user in.
func samlDenied() *Error {
	return newErr(AccessDenied, "Not authorized to perform sts:AssumeRoleWithSAML")
}

// errSAMLReplay is an assertion ID seen before, found in the transaction
// that would have issued the credentials.
var errSAMLReplay = errors.New("SAML assertion replayed")

// AssumeRoleWithSAML returns a role's temporary credentials for a user a
// SAML identity provider vouches for. The call is unsigned: the response's
// XML signature, checked against the provider's metadata, is the only
// proof. The assertion must name the role and the provider as a pair in its
// Role attribute, and the role's trust policy must allow the provider
// (Principal {"Federated": ARN}) sts:AssumeRoleWithSAML with the saml:*
// keys the assertion sets. Each assertion is accepted once, in every
// process sharing the database. Refusals are audited with the provider as
// the principal.
func (s *Service) AssumeRoleWithSAML(ctx context.Context, in AssumeRoleWithSAMLInput, m Meta) (*AssumeRoleWithSAMLResult, error) {
	if err := checkSAMLInput(in); err != nil {
		return nil, err
	}
	acct, err := s.accountOf(ctx, nil)
	if err != nil {
		return nil, err
	}
	params := map[string]any{"roleArn": in.RoleArn, "principalArn": in.PrincipalArn}
	fail := func(e error) error {
		if aerr := s.audit(ctx, s.store, m, acct, in.PrincipalArn, event{name: "AssumeRoleWithSAML", resource: in.RoleArn, params: params}, e); aerr != nil {
			return aerr
		}
		return e
	}
	provider, md, decrypt, err := s.samlProviderFor(ctx, acct, in.PrincipalArn)
	if err != nil {
		return nil, fail(err)
	}
	now := s.now()
	a, err := saml.Verify(in.SAMLAssertion, md, now, decrypt...)
	if err == nil {
		err = encryptionKept(provider, a)
	}
	if err != nil {
		return nil, fail(samlError(err))
	}
	params["subject"], params["issuer"], params["assertionId"] = a.Subject, a.Issuer, a.ID
	if !samlRolePair(a.Attributes[samlRoleAttr], in.RoleArn, in.PrincipalArn) {
		return nil, fail(samlDenied())
	}
	claims, err := samlClaimsOf(a)
	if err != nil {
		return nil, fail(err)
	}
	params["roleSessionName"] = claims.sessionName
	if claims.sourceIdentity != "" {
		params["sourceIdentity"] = claims.sourceIdentity
	}
	role, err := s.roleToAssume(ctx, acct, in.RoleArn)
	if errors.Is(err, errNoSuchRoleToAssume) {
		return nil, fail(samlDenied())
	}
	if err != nil {
		return nil, fail(err)
	}
	requested := in.DurationSeconds
	if requested == 0 && claims.duration > 0 {
		requested = min(claims.duration, role.MaxSessionDuration)
	}
	dur, err := sessionDuration(role, false, requested)
	if err != nil {
		return nil, fail(err)
	}
	if err := checkSessionPolicies(in.Policy, in.PolicyArns); err != nil {
		return nil, fail(err)
	}
	nameQualifier := samlNameQualifier(a.Issuer, acct, provider.Name)
	keys := samlContextKeys(a, acct, provider.Name, in.PrincipalArn, nameQualifier, claims, now, m)
	if err := s.samlTrusts(role, in, acct, claims, keys, now); err != nil {
		return nil, fail(err)
	}
	expires, err := samlExpiry(now, dur, a.SessionNotOnOrAfter)
	if err != nil {
		return nil, fail(err)
	}
	x := &models.STSSession{AccountID: acct, Kind: "AssumedRole", RoleID: role.RoleID, RoleARN: in.RoleArn,
		SessionName: claims.sessionName, PrincipalARN: "arn:aws:sts::" + acct + ":assumed-role/" + role.Name + "/" + claims.sessionName,
		SessionPolicy: in.Policy, SourceARN: in.PrincipalArn, CreatedAt: now, Expiration: expires}
	if len(in.PolicyArns) > 0 {
		arns, _ := json.Marshal(in.PolicyArns) // a []string always encodes
		x.PolicyARNs = string(arns)
	}
	samlFederation(x, a, in.PrincipalArn, claims)
	params["durationSeconds"] = int(expires.Sub(now) / time.Second)
	if len(claims.tags) > 0 {
		params["principalTags"] = claims.tags
	}
	replayKey := samlReplayKey(acct, a.Issuer, a.ID)
	cred, err := s.issueCredentials(ctx, x, nil, 0, func(tx *models.Store) error {
		fresh, err := tx.UseSAMLAssertion(ctx, replayKey, a.NotOnOrAfter.Add(saml.Skew), now)
		if err != nil {
			return err
		}
		if !fresh {
			return errSAMLReplay
		}
		if err := tx.RecordRoleUse(ctx, acct, role.RoleID, now, "us-east-1"); err != nil {
			return err
		}
		params["accessKeyId"] = x.AccessKeyID
		return s.audit(ctx, tx, m, acct, in.PrincipalArn, event{name: "AssumeRoleWithSAML", resource: in.RoleArn, params: params}, nil)
	})
	if errors.Is(err, errSAMLReplay) {
		delete(params, "accessKeyId")
		return nil, fail(invalidIdentityToken("SAML assertion has already been used"))
	}
	if err != nil {
		return nil, err
	}
	return &AssumeRoleWithSAMLResult{Credentials: *cred, AssumedRoleId: role.RoleID + ":" + claims.sessionName, Arn: x.PrincipalARN,
		PackedPolicySize: packedSize(AssumeRoleInput{Policy: in.Policy, PolicyArns: in.PolicyArns}),
		Audience:         a.Recipient, Issuer: a.Issuer, NameQualifier: nameQualifier, Subject: a.Subject,
		SubjectType: samlSubjectType(a.SubjectFormat), SourceIdentity: claims.sourceIdentity}, nil
}

// samlTrusts asks the role's trust policy for each permission the session
// needs: sts:AssumeRoleWithSAML, and as AWS, sts:TagSession for session
// tags and sts:SetSourceIdentity for a source identity.
func (s *Service) samlTrusts(role *models.Role, in AssumeRoleWithSAMLInput, acct string, c *samlClaims, keys map[string][]string, now time.Time) error {
	actions := []string{"sts:AssumeRoleWithSAML"}
	if len(c.tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	if c.sourceIdentity != "" {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	for _, action := range actions {
		ok, err := s.providerMayAssume(role, in.RoleArn, in.PrincipalArn, acct, action, keys, now)
		if err != nil {
			return err
		}
		if !ok {
			return samlDenied()
		}
	}
	return nil
}

// samlFederation keeps with the session what the assertion proved, as a
// web identity session keeps it: the session tags (aws:PrincipalTag/* in
// its later calls) and the transitive keys among them, the source identity
// (aws:SourceIdentity, fixed for every chained session) and the provider
// and subject (aws:FederatedProvider, and the switch-role banner's name).
func samlFederation(x *models.STSSession, a *saml.Assertion, providerARN string, c *samlClaims) {
	x.SourceIdentity, x.FederatedProvider, x.FederatedSubject = c.sourceIdentity, providerARN, a.Subject
	if len(c.tags) == 0 {
		return
	}
	tags := make(map[string]string, len(c.tags))
	for _, t := range c.tags {
		tags[t.Key] = t.Value
	}
	b, _ := json.Marshal(tags) // strings always encode
	x.SessionTags = string(b)
	// AWS keeps as transitive only keys that are session tags.
	var transitive []string
	for _, k := range a.Attributes[samlTransitiveTagKeysAttr] {
		if _, ok := tags[k]; ok {
			transitive = append(transitive, k)
		}
	}
	if len(transitive) > 0 {
		x.TransitiveTagKeys = jsonList(transitive)
	}
}

// samlExpiry is when the credentials expire: after dur seconds, or when
// the IdP's session ends (SessionNotOnOrAfter), whichever is first.
func samlExpiry(now time.Time, dur int, sessionEnd time.Time) (time.Time, error) {
	expires := now.Add(time.Duration(dur) * time.Second)
	if sessionEnd.IsZero() || !sessionEnd.Before(expires) {
		return expires, nil
	}
	if !sessionEnd.After(now) {
		return time.Time{}, &Error{Kind: Invalid, Code: "ExpiredTokenException", Message: "Token expired: the SAML assertion's SessionNotOnOrAfter has passed"}
	}
	return sessionEnd, nil
}

// checkSAMLInput checks AssumeRoleWithSAML's parameters as AWS's model
// bounds them.
func checkSAMLInput(in AssumeRoleWithSAMLInput) error {
	for _, f := range []struct {
		name, member, v string
		lo, hi          int
	}{
		{"RoleArn", "roleArn", in.RoleArn, 20, 2048},
		{"PrincipalArn", "principalArn", in.PrincipalArn, 20, 2048},
		{"SAMLAssertion", "sAMLAssertion", in.SAMLAssertion, 4, saml.MaxEncodedLen},
	} {
		if n := len(f.v); n < f.lo || n > f.hi {
			return invalidField(f.name, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between %d and %d", f.member, f.lo, f.hi)
		}
	}
	if d := in.DurationSeconds; d != 0 && (d < 900 || d > 43200) {
		return invalidField("DurationSeconds", "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", d)
	}
	return nil
}

// samlProviderFor finds the provider PrincipalArn names in the live
// account and reads its metadata and its private keys (RSA ones: XML
// Encryption carries the assertion's key with RSA), which decrypt an
// encrypted assertion.
func (s *Service) samlProviderFor(ctx context.Context, acct, arn string) (*models.SAMLProvider, *saml.Metadata, []*rsa.PrivateKey, error) {
	notFound := invalidIdentityToken("Specified provider doesn't exist")
	arnAcct, name, err := parseSAMLProviderARN(arn)
	if err != nil {
		return nil, nil, nil, err
	}
	if arnAcct != acct {
		return nil, nil, nil, notFound
	}
	p, err := s.store.SAMLProvider(ctx, acct, name)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, nil, notFound
	}
	if err != nil {
		return nil, nil, nil, internal(err, "SAML provider")
	}
	if !p.ValidUntil.IsZero() && !s.now().Before(p.ValidUntil) {
		return nil, nil, nil, invalidIdentityToken("The SAML provider's metadata has expired")
	}
	md, err := saml.ParseMetadata(p.MetadataDocument)
	if err != nil { // it was read when stored: a change of parser since
		return nil, nil, nil, internal(err, "SAML provider metadata")
	}
	keys, err := s.samlDecryptionKeys(p)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, md, keys, nil
}

// samlDecryptionKeys unseals a provider's private keys and keeps the RSA
// ones.
func (s *Service) samlDecryptionKeys(p *models.SAMLProvider) ([]*rsa.PrivateKey, error) {
	stored, err := decodeSAMLKeys(p.PrivateKeys)
	if err != nil {
		return nil, err
	}
	var keys []*rsa.PrivateKey
	for _, k := range stored {
		pemKey, err := s.cfg.Sealer.Open(k.Sealed, []byte("saml-key:"+k.KeyID))
		if err != nil {
			return nil, internal(err, "unseal SAML provider key")
		}
		block, _ := pem.Decode(pemKey)
		if block == nil {
			return nil, internal(errors.New("not PEM"), "SAML provider key")
		}
		if rk, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			keys = append(keys, rk)
		} else if pk, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
			if rk, ok := pk.(*rsa.PrivateKey); ok {
				keys = append(keys, rk)
			}
		}
	}
	return keys, nil
}

// encryptionKept refuses a plain assertion for a provider whose
// AssertionEncryptionMode is Required; Allowed (or none) takes both.
func encryptionKept(p *models.SAMLProvider, a *saml.Assertion) error {
	if p.AssertionEncryptionMode == "Required" && !a.Encrypted {
		return &saml.Error{Reason: saml.Invalid, Message: "The SAML provider requires encrypted assertions; this one is not encrypted"}
	}
	return nil
}

// samlError words a verifier's refusal as STS does.
func samlError(err error) error {
	var se *saml.Error
	if !errors.As(err, &se) {
		return internal(err, "verify SAML response")
	}
	e := invalidIdentityToken(se.Message)
	if se.Reason == saml.Expired {
		e.Code = "ExpiredTokenException"
	}
	e.Err = se.Err
	return e
}

// samlRolePair reports whether one of the Role attribute's values pairs
// the role with the provider: "roleArn,providerArn", in either order.
func samlRolePair(values []string, roleARN, providerARN string) bool {
	for _, v := range values {
		a, b, ok := strings.Cut(v, ",")
		if !ok {
			continue
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if a == roleARN && b == providerARN || a == providerARN && b == roleARN {
			return true
		}
	}
	return false
}

// samlClaims are the session's attributes, checked.
type samlClaims struct {
	sessionName    string
	duration       int // 0: none asked
	sourceIdentity string
	tags           []Tag
}

func samlClaimsOf(a *saml.Assertion) (*samlClaims, error) {
	c := &samlClaims{}
	names := a.Attributes[samlRoleSessionNameAttr]
	if len(names) != 1 {
		return nil, invalidIdentityToken("SAML assertion must contain exactly one RoleSessionName attribute value")
	}
	if !sessionNameRE.MatchString(names[0]) {
		return nil, invalidIdentityToken("The RoleSessionName attribute of the SAML assertion must be 2 to 64 characters of [\\w+=,.@-]")
	}
	c.sessionName = names[0]
	if v := a.Attributes[samlSessionDurationAttr]; len(v) > 0 {
		d, err := strconv.Atoi(v[0])
		if err != nil || d < 900 || d > 43200 {
			return nil, invalidIdentityToken("The SessionDuration attribute of the SAML assertion must be a number of seconds between 900 and 43200")
		}
		c.duration = d
	}
	if v := a.Attributes[samlSourceIdentityAttr]; len(v) > 0 {
		if !sessionNameRE.MatchString(v[0]) || strings.HasPrefix(strings.ToLower(v[0]), "aws:") {
			return nil, invalidIdentityToken("The SourceIdentity attribute of the SAML assertion must be 2 to 64 characters of [\\w+=,.@-]")
		}
		c.sourceIdentity = v[0]
	}
	for name, vs := range a.Attributes {
		key, ok := strings.CutPrefix(name, samlPrincipalTagPrefix)
		if !ok {
			continue
		}
		if len(vs) != 1 {
			return nil, invalidIdentityToken("A PrincipalTag attribute of the SAML assertion must have exactly one value")
		}
		c.tags = append(c.tags, Tag{Key: key, Value: vs[0]})
	}
	if len(c.tags) > MaxTags {
		return nil, &Error{Kind: Invalid, Code: "PackedPolicyTooLarge", Message: "Packed size of the session tags exceeds the limit"}
	}
	if err := validateTags(c.tags); err != nil {
		return nil, invalidIdentityToken("Invalid PrincipalTag attribute in the SAML assertion: " + err.Error())
	}
	return c, nil
}

// samlNameQualifier is AWS's NameQualifier: BASE64(SHA1(issuer + account
// + "/" + provider name)). With Subject it names one user of one provider.
func samlNameQualifier(issuer, acct, providerName string) string {
	sum := sha1.Sum([]byte(issuer + acct + "/" + providerName)) //nolint:gosec // AWS's definition
	return base64.StdEncoding.EncodeToString(sum[:])
}

// samlSubjectType is AWS's SubjectType: the NameID Format without SAML
// 2.0's prefix ("persistent", "transient"), any other format as it is.
func samlSubjectType(format string) string {
	if rest, ok := strings.CutPrefix(format, samlNameIDFormatPrefix); ok {
		return rest
	}
	return format
}

// samlReplayKey names an assertion once per account and issuer.
func samlReplayKey(acct, issuer, id string) string {
	sum := sha256.Sum256([]byte(acct + "\x00" + issuer + "\x00" + id))
	return hex.EncodeToString(sum[:])
}

// samlContextKeys are the keys a trust policy may test on
// AssumeRoleWithSAML: AWS's saml:* keys (saml:aud is the Recipient, not
// the Audience, as AWS documents; saml:doc is ACCOUNT/PROVIDER), the
// session's tags and source identity, and the request's global keys.
func samlContextKeys(a *saml.Assertion, acct, providerName, providerARN, nameQualifier string, c *samlClaims, now time.Time, m Meta) map[string][]string {
	keys := map[string][]string{
		"saml:aud":              {a.Recipient},
		"saml:iss":              {a.Issuer},
		"saml:sub":              {a.Subject},
		"saml:sub_type":         {samlSubjectType(a.SubjectFormat)},
		"saml:namequalifier":    {nameQualifier},
		"saml:doc":              {acct + "/" + providerName},
		"aws:FederatedProvider": {providerARN},
		"aws:CurrentTime":       {now.Format(time.RFC3339)},
		"aws:EpochTime":         {strconv.FormatInt(now.Unix(), 10)},
		"aws:SecureTransport":   {strconv.FormatBool(m.Secure)},
		"aws:RequestedRegion":   {"us-east-1"},
		"aws:ResourceAccount":   {acct},
	}
	if m.SourceIP != "" {
		keys["aws:SourceIp"] = []string{m.SourceIP}
	}
	if m.UserAgent != "" {
		keys["aws:UserAgent"] = []string{m.UserAgent}
	}
	if c.sourceIdentity != "" {
		keys["sts:SourceIdentity"] = []string{c.sourceIdentity}
	}
	keys["sts:RoleSessionName"] = []string{c.sessionName}
	if v := a.Attributes[samlTransitiveTagKeysAttr]; len(v) > 0 {
		keys["sts:TransitiveTagKeys"] = v
	}
	for k, v := range tagRequestKeys(c.tags) {
		keys[k] = v
	}
	// The eduPerson and X.500 attributes AWS turns into keys of their own,
	// by their OIDs (IAM User Guide, "Available keys for SAML-based
	// federation").
	for oid, key := range samlAttributeKeys {
		if v := a.Attributes[oid]; len(v) > 0 {
			keys[key] = v
		}
	}
	return keys
}

// samlAttributeKeys maps the attribute OIDs AWS reads to their saml:* keys
// (the key names are AWS's, from its service reference; AWS's
// saml:commonName, saml:organizationStatus and saml:primaryGroupSID are
// left out until their attribute names are confirmed).
var samlAttributeKeys = map[string]string{
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":  "saml:edupersonaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.2":  "saml:edupersonnickname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.3":  "saml:edupersonorgdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.4":  "saml:edupersonorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.5":  "saml:edupersonprimaryaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.6":  "saml:edupersonprincipalname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.7":  "saml:edupersonentitlement",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.8":  "saml:edupersonprimaryorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.9":  "saml:edupersonscopedaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "saml:edupersontargetedid",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.11": "saml:edupersonassurance",
	"urn:oid:2.5.4.3":                   "saml:cn",
	"urn:oid:0.9.2342.19200300.100.1.1": "saml:uid",
	"urn:oid:0.9.2342.19200300.100.1.3": "saml:mail",
	"urn:oid:2.5.4.42":                  "saml:givenName",
	"urn:oid:2.5.4.4":                   "saml:surname",
	"urn:oid:2.5.4.41":                  "saml:name",
	"urn:oid:2.5.4.45":                  "saml:x500UniqueIdentifier",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.2":  "saml:eduorghomepageuri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.3":  "saml:eduorgidentityauthnpolicyuri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.4":  "saml:eduorglegalname",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.5":  "saml:eduorgsuperioruri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.6":  "saml:eduorgwhitepagesuri",
}

// providerMayAssume asks the engine whether the role's trust policy lets
// the provider's user in (action: sts:AssumeRoleWithSAML, sts:TagSession or
// sts:SetSourceIdentity): the provider is the request's principal, and
// only the trust policy speaks (a federated user has no identity policies
// of its own).
func (s *Service) providerMayAssume(role *models.Role, roleARN, providerARN, acct, action string, keys map[string][]string, now time.Time) (bool, error) {
	trust, err := s.compiled(policy.PolicyRef{ID: roleARN + "#trust", Name: "trust policy"}, role.AssumeRolePolicyDocument, policy.Trust)
	if err != nil {
		return false, err
	}
	req := &policy.Request{Principal: policy.Principal{ARN: providerARN, Account: acct}, Action: action,
		Resource: roleARN, Context: policy.NewContext(keys), Time: now}
	return policy.Decide(&policy.Inputs{Resource: trust}, req) == policy.Allowed, nil
}
