package saml

import (
	"crypto/rsa"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/beevik/etree"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
)

// Audiences AWS accepts in an assertion's AudienceRestriction, and
// Recipients in its SubjectConfirmationData: AWS's sign-in endpoint, global
// or regional, and (audience only) the URN AWS documents for it.
const (
	SignInURL = "https://signin.aws.amazon.com/saml"
	AWSURN    = "urn:amazon:webservices"
)

// regionalSignIn is a regional sign-in endpoint, e.g.
// https://us-west-2.signin.aws.amazon.com/saml.
var regionalSignIn = regexp.MustCompile(`^https://[a-z]{2}(-[a-z]+)+-\d\.signin\.aws\.amazon\.com/saml$`)

func acceptedRecipient(s string) bool { return s == SignInURL || regionalSignIn.MatchString(s) }

func acceptedAudience(s string) bool { return s == AWSURN || acceptedRecipient(s) }

// MaxEncodedLen is AWS's bound on SAMLAssertion (100,000 characters); the
// decoded document is smaller still.
const MaxEncodedLen = 100000

// Skew is the clock difference allowed on NotBefore and NotOnOrAfter.
const Skew = 5 * time.Minute

// Assertion is what a verified response asserts, read from the signed XML
// only.
type Assertion struct {
	ID     string
	Issuer string
	// Subject is the NameID's value, SubjectFormat its Format attribute.
	Subject, SubjectFormat string
	// Recipient is the SubjectConfirmationData's Recipient: STS answers it
	// as Audience and sets saml:aud to it.
	Recipient string
	// NotOnOrAfter is when the assertion stops being valid: a used ID is
	// remembered until then.
	NotOnOrAfter time.Time
	// SessionNotOnOrAfter is the AuthnStatement's, zero when absent.
	SessionNotOnOrAfter time.Time
	// Attributes are the AttributeStatement's values by attribute Name.
	Attributes map[string][]string
	// Encrypted says the assertion came encrypted (EncryptedAssertion),
	// for a provider whose AssertionEncryptionMode is Required.
	Encrypted bool
}

// Reason classifies a refusal the way STS answers it.
type Reason uint8

// Reasons.
const (
	Invalid Reason = iota // InvalidIdentityToken
	Expired               // ExpiredTokenException
)

// Error is a refused response. Message is safe to show the caller (AWS's
// words where known); Err is the library's cause, for logs.
type Error struct {
	Reason  Reason
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func invalid(msg string, cause error) *Error {
	return &Error{Reason: Invalid, Message: msg, Err: cause}
}

// Verify checks an encoded SAML response (base64, as AssumeRoleWithSAML's
// SAMLAssertion) against the provider's metadata at time now: the Response
// or its Assertion signed by one of the metadata's signing certificates
// (any other certificate, a missing signature or a wrapped one is
// refused), the Issuers equal to the entityID, Status Success, one
// assertion, a bearer SubjectConfirmation whose Recipient is AWS's sign-in
// endpoint, an AudienceRestriction naming AWS, and the time within
// NotBefore and NotOnOrAfter give or take Skew. It does not check that the
// assertion is new: the caller remembers IDs.
//
// An encrypted assertion (XML Encryption: the content key carried with RSA,
// RSA-OAEP or RSA 1.5; the assertion with AES-GCM or AES-CBC) is decrypted
// with the first of keys that opens it, the provider's private keys (two
// while one is rotated out), and then verified like a plain one.
func Verify(encoded string, md *Metadata, now time.Time, keys ...*rsa.PrivateKey) (*Assertion, error) {
	return verify(encoded, md, now, awsTarget, keys)
}

// VerifyForSP is Verify for a service provider of its own: the console's
// assertion consumer service. The Recipient (and the Response's
// Destination, when set) must be acsURL exactly, and every
// AudienceRestriction must name it: an assertion made for AWS, or for any
// other service the IdP serves, is refused here, as one made for the
// console is refused by AssumeRoleWithSAML.
func VerifyForSP(encoded string, md *Metadata, now time.Time, acsURL string, keys ...*rsa.PrivateKey) (*Assertion, error) {
	if acsURL == "" {
		return nil, invalid("No assertion consumer URL is configured", nil)
	}
	return verify(encoded, md, now, target{recipient: func(s string) bool { return s == acsURL },
		audience: func(s string) bool { return s == acsURL }, fallback: acsURL}, keys)
}

// target is who an assertion must be addressed to: the Recipients and
// Audiences accepted, and the URL gosaml2 compares to when the document
// names none accepted.
type target struct {
	recipient, audience func(string) bool
	fallback            string
}

var awsTarget = target{recipient: acceptedRecipient, audience: acceptedAudience, fallback: SignInURL}

func verify(encoded string, md *Metadata, now time.Time, to target, keys []*rsa.PrivateKey) (*Assertion, error) {
	if md == nil || len(md.SigningCerts) == 0 {
		return nil, invalid("SAML provider has no signing certificate", nil)
	}
	if len(encoded) > MaxEncodedLen {
		return nil, invalid("SAML assertion is too large", nil)
	}
	encoded = stripSpace(encoded)
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, invalid("Invalid base64 SAMLResponse", err)
	}
	// Read once, unverified, for what picks how to verify it: the
	// recipient it claims and whether its assertion is encrypted. nil when
	// it is not XML: gosaml2 then refuses it in its words.
	unverified := etree.NewDocument()
	unverified.ReadSettings.Permissive = false
	if unverified.ReadFromBytes(raw) != nil {
		unverified = nil
	}
	sp := &saml2.SAMLServiceProvider{
		IdentityProviderIssuer: md.EntityID,
		// gosaml2 compares Recipient (and Destination) to one URL; AWS
		// accepts any of its sign-in endpoints, so the URL asked for is the
		// one the document claims when AWS would accept it. The library
		// then requires the signed value to equal it.
		AssertionConsumerServiceURL: recipientClaimed(unverified, to),
		AudienceURI:                 to.fallback, // checked below against every accepted one
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: md.SigningCerts},
		// The library's only strict time check is the bearer
		// confirmation's NotOnOrAfter (and the certificate's validity):
		// its clock runs Skew behind so that check allows the same skew
		// as the Conditions' checks below.
		Clock:                       dsig.NewFakeClockAt(now.Add(-Skew)),
		AllowMissingAttributes:      true, // AWS's checks on attributes are the caller's
		MaximumDecompressedBodySize: 2 * MaxEncodedLen,
		MaximumXMLTokens:            20000,
	}
	encrypted, keyCert := encryptedAssertion(unverified)
	if encrypted && len(keys) == 0 {
		return nil, invalid("SAML assertion is encrypted and the provider has no private key to decrypt it", nil)
	}
	var info *saml2.AssertionInfo
	for i := 0; i == 0 || encrypted && i < len(keys); i++ {
		if encrypted {
			// gosaml2 (v0.12) decrypts with SPKeyStore only, not the key
			// store SetSPKeyStore sets. It wants a certificate beside the
			// key and compares it to the one the EncryptedKey names, if
			// any: that one is only informative (the key decides), so it
			// is given back; the provider keeps no certificate, as AWS's.
			sp.SPKeyStore = dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{keyCert}, PrivateKey: keys[i]})
		}
		if info, err = sp.RetrieveAssertionInfo(encoded); err == nil {
			break
		}
	}
	if err != nil && encrypted && strings.Contains(err.Error(), "unable to decrypt") {
		// gosaml2 says so in its error's text only.
		return nil, invalid("SAML assertion could not be decrypted with the provider's private keys", err)
	}
	if err != nil {
		return nil, libraryError(err)
	}
	if len(info.Assertions) != 1 {
		return nil, invalid("SAML response must contain exactly one assertion", nil)
	}
	a := &info.Assertions[0] // the signed one: gosaml2 keeps only what it verified
	if a.ID == "" {
		return nil, invalid("SAML assertion has no ID", nil)
	}
	if a.Subject == nil || a.Subject.NameID == nil || strings.TrimSpace(a.Subject.NameID.Value) == "" {
		return nil, invalid("SAML assertion has no NameID", nil)
	}
	c := a.Conditions // gosaml2 required it, with both times
	notBefore, err1 := time.Parse(time.RFC3339, c.NotBefore)
	notOnOrAfter, err2 := time.Parse(time.RFC3339, c.NotOnOrAfter)
	if err := errors.Join(err1, err2); err != nil {
		return nil, invalid("Invalid SAML assertion validity period", err)
	}
	if !now.Before(notOnOrAfter.Add(Skew)) {
		return nil, &Error{Reason: Expired, Message: fmt.Sprintf("Token expired: current date/time %s must be before the expiration date/time %s",
			now.UTC().Format(time.RFC3339), notOnOrAfter.UTC().Format(time.RFC3339))}
	}
	if now.Add(Skew).Before(notBefore) {
		return nil, invalid("SAML assertion is not yet valid", nil)
	}
	if len(c.AudienceRestrictions) == 0 {
		return nil, invalid("SAML assertion has no audience restriction", nil)
	}
	for _, ar := range c.AudienceRestrictions {
		ok := false
		for _, au := range ar.Audiences {
			ok = ok || to.audience(strings.TrimSpace(au.Value))
		}
		if !ok {
			return nil, invalid("SAML assertion audience is not valid", nil)
		}
	}
	out := &Assertion{ID: a.ID, Issuer: a.Issuer.Value, Subject: strings.TrimSpace(a.Subject.NameID.Value),
		SubjectFormat: a.Subject.NameID.Format, Recipient: a.Subject.SubjectConfirmation.SubjectConfirmationData.Recipient,
		NotOnOrAfter: notOnOrAfter, Attributes: map[string][]string{}, Encrypted: encrypted}
	if a.AuthnStatement != nil && a.AuthnStatement.SessionNotOnOrAfter != nil {
		out.SessionNotOnOrAfter = *a.AuthnStatement.SessionNotOnOrAfter
	}
	if a.AttributeStatement != nil {
		for _, at := range a.AttributeStatement.Attributes {
			for _, v := range at.Values {
				out.Attributes[at.Name] = append(out.Attributes[at.Name], strings.TrimSpace(v.Value))
			}
		}
	}
	return out, nil
}

// recipientClaimed is the Recipient the (unverified) document names, when
// it is one AWS accepts; otherwise AWS's global endpoint, which the
// library's check then refuses. The value only picks what the library
// compares the signed value to. An encrypted assertion hides its
// Recipient: the Response's Destination, which IdPs set to the same URL,
// names it then.
func recipientClaimed(doc *etree.Document, to target) string {
	if doc == nil {
		return to.fallback
	}
	if el := doc.FindElement("//SubjectConfirmationData"); el != nil {
		if r := el.SelectAttrValue("Recipient", ""); to.recipient(r) {
			return r
		}
	} else if root := doc.Root(); root != nil {
		if d := root.SelectAttrValue("Destination", ""); to.recipient(d) {
			return d
		}
	}
	return to.fallback
}

// encryptedAssertion tells whether the (unverified) response carries its
// assertion encrypted, an EncryptedAssertion child of the Response, and
// the certificate its EncryptedKey names (a placeholder when it names
// none): see verify.
func encryptedAssertion(doc *etree.Document) (bool, []byte) {
	if doc == nil || doc.Root() == nil {
		return false, nil
	}
	for _, el := range doc.Root().ChildElements() {
		if el.Tag != "EncryptedAssertion" || el.NamespaceURI() != saml2.SAMLAssertionNamespace {
			continue
		}
		if c := el.FindElement(".//EncryptedKey//X509Certificate"); c != nil {
			if der, err := base64.StdEncoding.DecodeString(stripSpace(c.Text())); err == nil && len(der) > 0 {
				return true, der
			}
		}
		return true, []byte("no certificate")
	}
	return false, nil
}

// libraryError words gosaml2's refusals as STS does.
func libraryError(err error) *Error {
	var iv saml2.ErrInvalidValue
	if errors.As(err, &iv) {
		switch {
		case iv.Reason == saml2.ReasonExpired:
			return &Error{Reason: Expired, Message: "Token expired: the SAML assertion's SubjectConfirmationData NotOnOrAfter has passed", Err: err}
		case iv.Key == saml2.IssuerTag:
			return invalid("Issuer not present in specified provider", err)
		case iv.Key == saml2.RecipientAttr || iv.Key == saml2.DestinationAttr:
			return invalid("SAML assertion recipient is not valid", err)
		case iv.Key == saml2.StatusCodeTag:
			return invalid("SAML response status is not Success", err)
		}
		return invalid("Invalid SAML response", err)
	}
	var me saml2.ErrMissingElement
	if errors.As(err, &me) {
		return invalid("Invalid SAML response: "+me.Error(), err)
	}
	var ve saml2.ErrVerification
	if errors.As(err, &ve) && ve.Cause != nil {
		// gosaml2 wraps every refusal of the response in ErrVerification
		// (without Unwrap): the checks after the signature's are read from
		// its cause; anything else is the signature's or the XML's.
		var iv saml2.ErrInvalidValue
		var me saml2.ErrMissingElement
		if errors.As(ve.Cause, &iv) || errors.As(ve.Cause, &me) {
			return libraryError(ve.Cause)
		}
		return invalid("Response signature invalid", err)
	}
	return invalid("Invalid SAML response", err)
}
