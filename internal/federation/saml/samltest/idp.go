// Package samltest is a SAML identity provider for tests: a real RSA key, a
// self-signed certificate, metadata naming it, and responses signed with
// goxmldsig, the library the verifier checks them with. Nothing is mocked:
// what the verifier accepts from it, it would accept from an IdP.
package samltest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// Namespaces of SAML 2.0.
const (
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
)

// Attribute names AWS reads.
const (
	RoleAttr            = "https://aws.amazon.com/SAML/Attributes/Role"
	RoleSessionNameAttr = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	SessionDurationAttr = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	SourceIdentityAttr  = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	PrincipalTagPrefix  = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
)

// IdP is an identity provider with its signing key.
type IdP struct {
	EntityID string
	Key      *rsa.PrivateKey
	Cert     *x509.Certificate
	CertDER  []byte
}

// New makes an IdP with a fresh 2048-bit RSA key and a self-signed
// certificate valid from a day before now to a year after.
func New(entityID string, now time.Time) (*IdP, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("samltest: key: %w", err)
	}
	return WithKey(entityID, key, now)
}

// WithKey makes an IdP with the given key and a fresh self-signed
// certificate. Fuzz tests use it with a stored key: generating one under
// the fuzzer's coverage instrumentation takes minutes.
func WithKey(entityID string, key *rsa.PrivateKey, now time.Time) (*IdP, error) {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: entityID},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("samltest: certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("samltest: certificate: %w", err)
	}
	return &IdP{EntityID: entityID, Key: key, Cert: cert, CertDER: der}, nil
}

// Metadata is the IdP's metadata document: its entityID, the signing
// certificate and an SSO endpoint.
func (p *IdP) Metadata() string {
	doc := etree.NewDocument()
	ed := doc.CreateElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", nsMetadata)
	ed.CreateAttr("xmlns:ds", nsDSig)
	ed.CreateAttr("entityID", p.EntityID)
	idp := ed.CreateElement("md:IDPSSODescriptor")
	idp.CreateAttr("protocolSupportEnumeration", nsProtocol)
	kd := idp.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", "signing")
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
		SetText(base64.StdEncoding.EncodeToString(p.CertDER))
	idp.CreateElement("md:NameIDFormat").SetText("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
	sso := idp.CreateElement("md:SingleSignOnService")
	sso.CreateAttr("Binding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
	sso.CreateAttr("Location", strings.TrimSuffix(p.EntityID, "/")+"/sso")
	doc.Indent(2)
	s, _ := doc.WriteToString() // an in-memory tree always writes
	return s
}

// Attr is one attribute of an assertion, with its values in order.
type Attr struct {
	Name   string
	Values []string
}

// Assertion describes the response to sign. Zero fields take the defaults
// New's IdP sends AWS: a fresh ID, the IdP as issuer, AWS's sign-in URL as
// recipient and audience, valid from a minute ago for five minutes.
type Assertion struct {
	ID, Issuer             string
	Subject, SubjectFormat string
	Recipient, Audience    string
	NotBefore              time.Time
	NotOnOrAfter           time.Time
	SessionNotOnOrAfter    time.Time
	Attributes             []Attr
	// SignResponse signs the Response rather than the Assertion.
	SignResponse bool
	// Unsigned signs nothing.
	Unsigned bool
	// EncryptTo, when set, sends the (signed) assertion encrypted to this
	// service provider's key, as an EncryptedAssertion: AES-256-GCM, the
	// content key carried with RSA-OAEP.
	EncryptTo *rsa.PublicKey
	// EncryptToCert names the service provider's certificate in the
	// EncryptedKey, as some IdPs do.
	EncryptToCert []byte
}

// Document builds and signs the response at time now.
func (p *IdP) Document(a Assertion, now time.Time) (*etree.Document, error) {
	if a.ID == "" {
		a.ID = "_" + randomHex(16)
	}
	if a.Issuer == "" {
		a.Issuer = p.EntityID
	}
	if a.Subject == "" {
		a.Subject = "alice@example.com"
	}
	if a.SubjectFormat == "" {
		a.SubjectFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	}
	if a.Recipient == "" {
		a.Recipient = "https://signin.aws.amazon.com/saml"
	}
	if a.Audience == "" {
		a.Audience = "https://signin.aws.amazon.com/saml"
	}
	if a.NotBefore.IsZero() {
		a.NotBefore = now.Add(-time.Minute)
	}
	if a.NotOnOrAfter.IsZero() {
		a.NotOnOrAfter = now.Add(5 * time.Minute)
	}
	t := func(x time.Time) string { return x.UTC().Format(time.RFC3339) }

	doc := etree.NewDocument()
	resp := doc.CreateElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", nsProtocol)
	resp.CreateAttr("xmlns:saml", nsAssertion)
	resp.CreateAttr("ID", "_"+randomHex(16))
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", t(now))
	resp.CreateAttr("Destination", a.Recipient)
	resp.CreateElement("saml:Issuer").SetText(a.Issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")

	as := etree.NewElement("saml:Assertion")
	as.CreateAttr("xmlns:saml", nsAssertion)
	as.CreateAttr("ID", a.ID)
	as.CreateAttr("Version", "2.0")
	as.CreateAttr("IssueInstant", t(now))
	as.CreateElement("saml:Issuer").SetText(a.Issuer)
	subj := as.CreateElement("saml:Subject")
	nid := subj.CreateElement("saml:NameID")
	nid.CreateAttr("Format", a.SubjectFormat)
	nid.SetText(a.Subject)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", t(a.NotOnOrAfter))
	scd.CreateAttr("Recipient", a.Recipient)
	cond := as.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", t(a.NotBefore))
	cond.CreateAttr("NotOnOrAfter", t(a.NotOnOrAfter))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(a.Audience)
	authn := as.CreateElement("saml:AuthnStatement")
	authn.CreateAttr("AuthnInstant", t(now))
	if !a.SessionNotOnOrAfter.IsZero() {
		authn.CreateAttr("SessionNotOnOrAfter", t(a.SessionNotOnOrAfter))
	}
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").
		SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
	if len(a.Attributes) > 0 {
		st := as.CreateElement("saml:AttributeStatement")
		for _, at := range a.Attributes {
			el := st.CreateElement("saml:Attribute")
			el.CreateAttr("Name", at.Name)
			for _, v := range at.Values {
				el.CreateElement("saml:AttributeValue").SetText(v)
			}
		}
	}
	ctx, err := p.signer()
	if err != nil {
		return nil, err
	}
	if !a.Unsigned && !a.SignResponse {
		if as, err = ctx.SignEnveloped(as); err != nil {
			return nil, fmt.Errorf("samltest: sign assertion: %w", err)
		}
	}
	if a.EncryptTo != nil {
		if as, err = encrypt(as, a.EncryptTo, a.EncryptToCert); err != nil {
			return nil, err
		}
	}
	resp.AddChild(as)
	if a.SignResponse && !a.Unsigned {
		signed, err := ctx.SignEnveloped(resp)
		if err != nil {
			return nil, fmt.Errorf("samltest: sign response: %w", err)
		}
		doc.SetRoot(signed)
	}
	return doc, nil
}

// XML Encryption's algorithms, as IdPs name them.
const (
	nsXMLEnc   = "http://www.w3.org/2001/04/xmlenc#"
	encElement = nsXMLEnc + "Element"
	aes256GCM  = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
	rsaOAEP    = nsXMLEnc + "rsa-oaep-mgf1p"
	sha1Digest = nsDSig + "sha1"
)

// encrypt wraps as in an EncryptedAssertion for key: the assertion's XML
// sealed with a fresh AES-256-GCM key (nonce first, as XML Encryption 1.1
// writes it), that key with RSA-OAEP (SHA-1, MGF1).
func encrypt(as *etree.Element, key *rsa.PublicKey, cert []byte) (*etree.Element, error) {
	d := etree.NewDocument()
	d.SetRoot(as.Copy())
	plain, err := d.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("samltest: write assertion: %w", err)
	}
	cek := make([]byte, 32)
	nonce := make([]byte, 12)
	_, _ = rand.Read(cek)
	_, _ = rand.Read(nonce)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sealed := gcm.Seal(append([]byte(nil), nonce...), nonce, plain, nil)
	wrapped, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, cek, nil)
	if err != nil {
		return nil, fmt.Errorf("samltest: wrap key: %w", err)
	}
	ea := etree.NewElement("saml:EncryptedAssertion")
	ea.CreateAttr("xmlns:saml", nsAssertion)
	ed := ea.CreateElement("xenc:EncryptedData")
	ed.CreateAttr("xmlns:xenc", nsXMLEnc)
	ed.CreateAttr("Type", encElement)
	ed.CreateElement("xenc:EncryptionMethod").CreateAttr("Algorithm", aes256GCM)
	ki := ed.CreateElement("ds:KeyInfo")
	ki.CreateAttr("xmlns:ds", nsDSig)
	ek := ki.CreateElement("xenc:EncryptedKey")
	em := ek.CreateElement("xenc:EncryptionMethod")
	em.CreateAttr("Algorithm", rsaOAEP)
	em.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", sha1Digest)
	if cert != nil {
		ek.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").
			SetText(base64.StdEncoding.EncodeToString(cert))
	}
	ek.CreateElement("xenc:CipherData").CreateElement("xenc:CipherValue").SetText(base64.StdEncoding.EncodeToString(wrapped))
	ed.CreateElement("xenc:CipherData").CreateElement("xenc:CipherValue").SetText(base64.StdEncoding.EncodeToString(sealed))
	return ea, nil
}

// Response is Document, encoded as AssumeRoleWithSAML's SAMLAssertion.
func (p *IdP) Response(a Assertion, now time.Time) (string, error) {
	doc, err := p.Document(a, now)
	if err != nil {
		return "", err
	}
	return Encode(doc)
}

// Encode serializes and base64-encodes a response document.
func Encode(doc *etree.Document) (string, error) {
	b, err := doc.WriteToBytes()
	if err != nil {
		return "", fmt.Errorf("samltest: write: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// signer is a signing context with exclusive canonicalization, as IdPs
// sign SAML.
func (p *IdP) signer() (*dsig.SigningContext, error) {
	ctx, err := dsig.NewSigningContext(p.Key, [][]byte{p.CertDER})
	if err != nil {
		return nil, fmt.Errorf("samltest: signing context: %w", err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	return ctx, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return fmt.Sprintf("%x", b)
}
