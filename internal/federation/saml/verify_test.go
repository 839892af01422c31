package saml_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/iamconsole/console/internal/federation/saml"
	"github.com/iamconsole/console/internal/federation/saml/samltest"
)

var now = time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)

func mustIdP(t testing.TB, entityID string) (*samltest.IdP, *saml.Metadata) {
	t.Helper()
	idp, err := samltest.New(entityID, now)
	if err != nil {
		t.Fatal(err)
	}
	md, err := saml.ParseMetadata(idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	return idp, md
}

// fuzzIdP is an IdP with the stored test key (testdata/fuzz-idp-key.pem,
// made for these tests and nothing else).
func fuzzIdP(f *testing.F) (*samltest.IdP, *saml.Metadata) {
	f.Helper()
	b, err := os.ReadFile("testdata/fuzz-idp-key.pem")
	if err != nil {
		f.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		f.Fatal("testdata/fuzz-idp-key.pem: no PEM block")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	idp, err := samltest.WithKey("https://idp.example.com/saml", key, now)
	if err != nil {
		f.Fatal(err)
	}
	md, err := saml.ParseMetadata(idp.Metadata())
	if err != nil {
		f.Fatal(err)
	}
	return idp, md
}

func mustResponse(t testing.TB, idp *samltest.IdP, a samltest.Assertion) string {
	t.Helper()
	s, err := idp.Response(a, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseMetadata(t *testing.T) {
	idp, md := mustIdP(t, "https://idp.example.com/saml")
	if md.EntityID != idp.EntityID || len(md.SigningCerts) != 1 || !md.SigningCerts[0].Equal(idp.Cert) {
		t.Fatalf("metadata = %+v", md)
	}
	for name, doc := range map[string]string{
		"empty":       "",
		"not xml":     "hello",
		"no entityID": strings.Replace(idp.Metadata(), `entityID="https://idp.example.com/saml"`, "", 1),
		"no idp":      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`,
		"no cert":     strings.Replace(idp.Metadata(), `use="signing"`, `use="encryption"`, 1),
		"bad cert":    strings.Replace(idp.Metadata(), "<ds:X509Certificate>", "<ds:X509Certificate>AAAA", 1),
	} {
		if _, err := saml.ParseMetadata(doc); !errors.Is(err, saml.ErrMetadata) {
			t.Errorf("%s: err = %v, want ErrMetadata", name, err)
		}
	}
}

func TestVerifyAccepts(t *testing.T) {
	idp, md := mustIdP(t, "https://idp.example.com/saml")
	for name, a := range map[string]samltest.Assertion{
		"signed assertion": {ID: "_a1", Attributes: []samltest.Attr{{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}}}},
		"signed response":  {ID: "_a2", SignResponse: true},
		"urn audience":     {ID: "_a3", Audience: saml.AWSURN},
		"regional":         {ID: "_a4", Recipient: "https://eu-west-1.signin.aws.amazon.com/saml", Audience: "https://eu-west-1.signin.aws.amazon.com/saml"},
		"within skew":      {ID: "_a5", NotBefore: now.Add(2 * time.Minute), NotOnOrAfter: now.Add(-2 * time.Minute)},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := saml.Verify(mustResponse(t, idp, a), md, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != a.ID || got.Issuer != idp.EntityID || got.Subject != "alice@example.com" || got.Recipient == "" {
				t.Fatalf("assertion = %+v", got)
			}
			if a.Attributes != nil && got.Attributes[samltest.RoleSessionNameAttr][0] != "alice" {
				t.Fatalf("attributes = %v", got.Attributes)
			}
		})
	}
}

// wrap rewrites a signed response into an XML signature wrapping attempt.
type wrap func(t *testing.T, doc *etree.Document)

func assertionOf(t *testing.T, doc *etree.Document) *etree.Element {
	t.Helper()
	el := doc.FindElement("//Assertion")
	if el == nil {
		t.Fatal("no assertion")
	}
	return el
}

func TestVerifyRejects(t *testing.T) {
	idp, md := mustIdP(t, "https://idp.example.com/saml")
	other, _ := mustIdP(t, "https://idp.example.com/saml") // same entityID, another key
	evilSubject := func(t *testing.T, el *etree.Element) {
		el.FindElement(".//NameID").SetText("admin@example.com")
	}
	tests := []struct {
		name   string
		signer *samltest.IdP
		a      samltest.Assertion
		edit   wrap
		raw    string
		reason saml.Reason
	}{
		{name: "unsigned", a: samltest.Assertion{Unsigned: true}},
		{name: "untrusted certificate", signer: other},
		{name: "wrong issuer", a: samltest.Assertion{Issuer: "https://evil.example.com"}},
		{name: "wrong audience", a: samltest.Assertion{Audience: "https://sp.example.com"}},
		{name: "wrong recipient", a: samltest.Assertion{Recipient: "https://sp.example.com/acs"}},
		{name: "expired", a: samltest.Assertion{NotBefore: now.Add(-time.Hour), NotOnOrAfter: now.Add(-10 * time.Minute)}, reason: saml.Expired},
		{name: "not yet valid", a: samltest.Assertion{NotBefore: now.Add(10 * time.Minute), NotOnOrAfter: now.Add(time.Hour)}},
		{name: "not base64", raw: "%%%not base64%%%"},
		{name: "not xml", raw: base64.StdEncoding.EncodeToString([]byte("hello"))},
		{name: "too large", raw: strings.Repeat("A", saml.MaxEncodedLen+4)},
		{name: "bad signature: subject changed after signing", edit: func(t *testing.T, doc *etree.Document) {
			evilSubject(t, assertionOf(t, doc))
		}},
		{name: "wrapping: forged assertion before the signed one", edit: func(t *testing.T, doc *etree.Document) {
			orig := assertionOf(t, doc)
			evil := orig.Copy()
			evil.RemoveChild(evil.FindElement("./Signature"))
			evilSubject(t, evil)
			evil.CreateAttr("ID", "_evil")
			doc.Root().InsertChildAt(orig.Index(), evil)
		}},
		{name: "wrapping: signed assertion hidden inside the forged one", edit: func(t *testing.T, doc *etree.Document) {
			orig := assertionOf(t, doc)
			evil := orig.Copy()
			evil.RemoveChild(evil.FindElement("./Signature"))
			evilSubject(t, evil)
			doc.Root().RemoveChild(orig)
			evil.FindElement("./Subject").AddChild(orig)
			doc.Root().AddChild(evil)
		}},
		{name: "wrapping: forged assertion carrying the signature", edit: func(t *testing.T, doc *etree.Document) {
			evilSubject(t, assertionOf(t, doc))
		}},
		{name: "wrapping: signed response with a second, forged assertion", a: samltest.Assertion{SignResponse: true}, edit: func(t *testing.T, doc *etree.Document) {
			evil := assertionOf(t, doc).Copy()
			evilSubject(t, evil)
			evil.CreateAttr("ID", "_evil")
			doc.Root().InsertChildAt(0, evil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := tc.raw
			if enc == "" {
				signer := idp
				if tc.signer != nil {
					signer = tc.signer
				}
				doc, err := signer.Document(tc.a, now)
				if err != nil {
					t.Fatal(err)
				}
				if tc.edit != nil {
					tc.edit(t, doc)
				}
				if enc, err = samltest.Encode(doc); err != nil {
					t.Fatal(err)
				}
			}
			got, err := saml.Verify(enc, md, now)
			var se *saml.Error
			if !errors.As(err, &se) {
				t.Fatalf("Verify = %+v, %v; want a refusal", got, err)
			}
			if se.Reason != tc.reason {
				t.Fatalf("reason = %v (%v), want %v", se.Reason, err, tc.reason)
			}
		})
	}
}

// FuzzVerify feeds arbitrary responses to the verifier: it must refuse
// what it cannot read, never panic, and accept only what the IdP signed.
// Run it with a short minimization (each input checks an RSA signature):
//
//	go test ./internal/federation/saml -run XXX -fuzz FuzzVerify -fuzztime 60s -fuzzminimizetime 3s
func FuzzVerify(f *testing.F) {
	idp, md := fuzzIdP(f)
	// The IdP's key decrypts too: encrypted seeds reach the decryption.
	for _, a := range []samltest.Assertion{{ID: "_seed1"}, {ID: "_seed2", SignResponse: true}, {Unsigned: true},
		{ID: "_seed3", EncryptTo: &idp.Key.PublicKey}, {ID: "_seed4", EncryptTo: &idp.Key.PublicKey, SignResponse: true}} {
		doc, err := idp.Document(a, now)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := doc.WriteToBytes()
		f.Add(b)
	}
	f.Add([]byte("<samlp:Response/>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			return
		}
		a, err := saml.Verify(base64.StdEncoding.EncodeToString(raw), md, now, idp.Key)
		if err == nil && (a.Issuer != idp.EntityID || a.ID == "") {
			t.Fatalf("accepted %+v", a)
		}
	})
}

// FuzzParseMetadata: a metadata document is read or refused with
// ErrMetadata, never a panic; what is read names an entity and a
// certificate.
func FuzzParseMetadata(f *testing.F) {
	idp, _ := fuzzIdP(f)
	f.Add(idp.Metadata())
	f.Add(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>`)
	f.Add("<a><b></a>")
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 64<<10 {
			return
		}
		md, err := saml.ParseMetadata(doc)
		if err != nil {
			if !errors.Is(err, saml.ErrMetadata) {
				t.Fatalf("error %v is not ErrMetadata", err)
			}
			return
		}
		if md.EntityID == "" || len(md.SigningCerts) == 0 {
			t.Fatalf("accepted %+v", md)
		}
	})
}

// TestVerifyForSP: an assertion addressed to the console's own assertion
// consumer URL is accepted there and nowhere else; one made for AWS (or
// another service provider) is refused at the console.
func TestVerifyForSP(t *testing.T) {
	idp, md := mustIdP(t, "https://idp.example.com/saml")
	const acs = "https://console.example.com/saml/acs"
	sign := func(a samltest.Assertion) string {
		t.Helper()
		enc, err := idp.Response(a, now)
		if err != nil {
			t.Fatal(err)
		}
		return enc
	}
	tests := []struct {
		name      string
		a         samltest.Assertion
		forSP, aw bool // accepted by VerifyForSP(acs), by Verify
	}{
		{"for the console", samltest.Assertion{Recipient: acs, Audience: acs}, true, false},
		{"for AWS", samltest.Assertion{}, false, true},
		{"console recipient, AWS audience", samltest.Assertion{Recipient: acs}, false, false},
		{"AWS recipient, console audience", samltest.Assertion{Audience: acs}, false, false},
		{"another console", samltest.Assertion{Recipient: "https://evil.example.com/saml/acs", Audience: "https://evil.example.com/saml/acs"}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := sign(tc.a)
			if _, err := saml.VerifyForSP(enc, md, now, acs); (err == nil) != tc.forSP {
				t.Errorf("VerifyForSP: err = %v, want accepted %v", err, tc.forSP)
			}
			if _, err := saml.Verify(enc, md, now); (err == nil) != tc.aw {
				t.Errorf("Verify: err = %v, want accepted %v", err, tc.aw)
			}
		})
	}
	if _, err := saml.VerifyForSP(sign(samltest.Assertion{Recipient: acs, Audience: acs}), md, now, ""); err == nil {
		t.Error("VerifyForSP without a URL accepted an assertion")
	}
}

// TestVerifyEncrypted: an encrypted assertion is decrypted with the first
// of the provider's keys that opens it (signed inside, or with the whole
// response signed; with or without the service provider's certificate
// named), and refused without a key that opens it or when the encrypted
// part was tampered with.
func TestVerifyEncrypted(t *testing.T) {
	idp, md := mustIdP(t, "https://idp.example.com/saml")
	spKey, other := mustRSA(t), mustRSA(t)
	role := samltest.Attr{Name: samltest.RoleAttr, Values: []string{"arn:aws:iam::123456789012:role/r,arn:aws:iam::123456789012:saml-provider/p"}}
	cases := []struct {
		name string
		a    samltest.Assertion
		keys []*rsa.PrivateKey
		// tamper changes the encoded response's XML before it is sent.
		tamper func(string) string
		ok     bool
		want   string // in the refusal
	}{
		{name: "assertion signed, then encrypted", a: samltest.Assertion{EncryptTo: &spKey.PublicKey}, keys: []*rsa.PrivateKey{spKey}, ok: true},
		{name: "response signed over the encrypted assertion", a: samltest.Assertion{EncryptTo: &spKey.PublicKey, SignResponse: true}, keys: []*rsa.PrivateKey{spKey}, ok: true},
		{name: "the second key opens it (rotation)", a: samltest.Assertion{EncryptTo: &spKey.PublicKey}, keys: []*rsa.PrivateKey{other, spKey}, ok: true},
		{name: "a regional sign-in endpoint as recipient", a: samltest.Assertion{EncryptTo: &spKey.PublicKey,
			Recipient: "https://eu-west-1.signin.aws.amazon.com/saml"}, keys: []*rsa.PrivateKey{spKey}, ok: true},
		{name: "the EncryptedKey names a certificate", a: samltest.Assertion{EncryptTo: &spKey.PublicKey, EncryptToCert: selfSigned(t, spKey)}, keys: []*rsa.PrivateKey{spKey}, ok: true},
		{name: "no key", a: samltest.Assertion{EncryptTo: &spKey.PublicKey}, want: "no private key"},
		{name: "no key that opens it", a: samltest.Assertion{EncryptTo: &spKey.PublicKey}, keys: []*rsa.PrivateKey{other}, want: "could not be decrypted"},
		{name: "unsigned inside", a: samltest.Assertion{EncryptTo: &spKey.PublicKey, Unsigned: true}, keys: []*rsa.PrivateKey{spKey}, want: "signature"},
		{name: "ciphertext changed", a: samltest.Assertion{EncryptTo: &spKey.PublicKey}, keys: []*rsa.PrivateKey{spKey}, tamper: func(x string) string {
			i := strings.LastIndex(x, "</xenc:CipherValue>")
			return x[:i-4] + "AAA=" + x[i:]
		}, want: "could not be decrypted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.a.Attributes = []samltest.Attr{role}
			enc := mustResponse(t, idp, c.a)
			if c.tamper != nil {
				raw, _ := base64.StdEncoding.DecodeString(enc)
				enc = base64.StdEncoding.EncodeToString([]byte(c.tamper(string(raw))))
			}
			a, err := saml.Verify(enc, md, now, c.keys...)
			if c.ok {
				if err != nil || !a.Encrypted || a.Subject != "alice@example.com" || len(a.Attributes[samltest.RoleAttr]) != 1 {
					t.Fatalf("refused or misread: %v %+v", err, a)
				}
				return
			}
			var se *saml.Error
			if !errors.As(err, &se) || se.Reason != saml.Invalid || !strings.Contains(se.Message, c.want) {
				t.Fatalf("accepted or refused the wrong way (want %q): %v %+v", c.want, err, a)
			}
		})
	}
	// A plain assertion is read as before, and says it was not encrypted.
	if a, err := saml.Verify(mustResponse(t, idp, samltest.Assertion{}), md, now, spKey); err != nil || a.Encrypted {
		t.Fatalf("plain: %v %+v", err, a)
	}
}

func mustRSA(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// selfSigned is a certificate for key, as a service provider publishes
// with its encryption key.
func selfSigned(t *testing.T, key *rsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "console"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}
