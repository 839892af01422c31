package awsapi_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/crypto/ssh"

	"github.com/iamconsole/console/internal/models"
)

// Keys made once for every test: RSA key generation is slow.
var (
	keysOnce             sync.Once
	rsaA, rsaB, rsaShort *rsa.PrivateKey
	ecKey                *ecdsa.PrivateKey
)

func testKeys(t *testing.T) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		for _, k := range []struct {
			dst  **rsa.PrivateKey
			bits int
		}{{&rsaA, 2048}, {&rsaB, 2048}, {&rsaShort, 1024}} {
			if *k.dst, err = rsa.GenerateKey(rand.Reader, k.bits); err != nil {
				panic(err)
			}
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

// certPEM is a self-signed certificate for key, valid from notBefore to
// notAfter.
func certPEM(t *testing.T, key crypto.Signer, cn string, notBefore, notAfter time.Time) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func validCert(t *testing.T, key crypto.Signer, cn string) string {
	return certPEM(t, key, cn, time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour))
}

func rsaKeyPEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func pkcs8PEM(t *testing.T, k crypto.Signer) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func sshAuthorized(t *testing.T, k *rsa.PrivateKey) string {
	pub, err := ssh.NewPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " alice@laptop"
}

func pkixPEM(t *testing.T, k crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// TestSigningCertificates walks a user's signing certificates through
// their life with the real client, the caller's own included.
func TestSigningCertificates(t *testing.T) {
	testKeys(t)
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		e.user("alice")
		body := validCert(t, rsaA, "alice")
		up := must[*iamsdk.UploadSigningCertificateOutput](t)(c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{
			UserName: aws.String("alice"), CertificateBody: aws.String(body)})).Certificate
		if aws.ToString(up.UserName) != "alice" || up.Status != types.StatusTypeActive || len(aws.ToString(up.CertificateId)) < 24 ||
			aws.ToString(up.CertificateBody) != body || up.UploadDate == nil {
			t.Errorf("UploadSigningCertificate = %+v", up)
		}
		// The same certificate, for anyone in the account, is a duplicate.
		_, err := c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{CertificateBody: aws.String("\n" + body + "\n")})
		wantCode(t, err, "DuplicateCertificate")
		// No UserName: the caller's own (admin).
		own := must[*iamsdk.UploadSigningCertificateOutput](t)(c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{
			CertificateBody: aws.String(validCert(t, ecKey, "admin"))})).Certificate
		if aws.ToString(own.UserName) != "admin" {
			t.Errorf("own certificate's user = %q", aws.ToString(own.UserName))
		}
		_, err = c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{UserName: aws.String("alice"),
			CertificateBody: aws.String(validCert(t, rsaB, "alice2"))})
		ok(t, err)
		_, err = c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{UserName: aws.String("alice"),
			CertificateBody: aws.String(validCert(t, ecKey, "alice3"))})
		wantError(t, err, "LimitExceeded", "Cannot exceed quota for SigningCertificatesPerUser: 2")

		one := must[*iamsdk.ListSigningCertificatesOutput](t)(c.ListSigningCertificates(e.ctx, &iamsdk.ListSigningCertificatesInput{UserName: aws.String("alice"), MaxItems: aws.Int32(1)}))
		if len(one.Certificates) != 1 || !one.IsTruncated || aws.ToString(one.Marker) == "" {
			t.Errorf("ListSigningCertificates MaxItems 1 = %+v", one)
		}
		ls := must[*iamsdk.ListSigningCertificatesOutput](t)(c.ListSigningCertificates(e.ctx, &iamsdk.ListSigningCertificatesInput{UserName: aws.String("alice")}))
		if len(ls.Certificates) != 2 || aws.ToString(ls.Certificates[0].CertificateId) != aws.ToString(up.CertificateId) || ls.IsTruncated {
			t.Errorf("ListSigningCertificates = %+v", ls.Certificates)
		}
		_, err = c.UpdateSigningCertificate(e.ctx, &iamsdk.UpdateSigningCertificateInput{UserName: aws.String("alice"),
			CertificateId: up.CertificateId, Status: types.StatusTypeInactive})
		ok(t, err)
		ls = must[*iamsdk.ListSigningCertificatesOutput](t)(c.ListSigningCertificates(e.ctx, &iamsdk.ListSigningCertificatesInput{UserName: aws.String("alice")}))
		if ls.Certificates[0].Status != types.StatusTypeInactive {
			t.Errorf("after UpdateSigningCertificate: %s", ls.Certificates[0].Status)
		}
		// Another user's certificate is not alice's.
		_, err = c.UpdateSigningCertificate(e.ctx, &iamsdk.UpdateSigningCertificateInput{UserName: aws.String("alice"),
			CertificateId: own.CertificateId, Status: types.StatusTypeInactive})
		wantError(t, err, "NoSuchEntity", "The Certificate with id "+aws.ToString(own.CertificateId)+" cannot be found.")

		// DeleteUser waits for the certificates to go.
		_, err = c.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alice")})
		if apiCode(err) != "DeleteConflict" {
			t.Fatalf("DeleteUser with keys and certificates = %v", err)
		}
		for _, cert := range ls.Certificates {
			_, err = c.DeleteSigningCertificate(e.ctx, &iamsdk.DeleteSigningCertificateInput{UserName: aws.String("alice"), CertificateId: cert.CertificateId})
			ok(t, err)
		}
		_, err = c.DeleteSigningCertificate(e.ctx, &iamsdk.DeleteSigningCertificateInput{UserName: aws.String("alice"), CertificateId: up.CertificateId})
		wantCode(t, err, "NoSuchEntity")
	})
}

// TestUploadSigningCertificateErrors: what AWS refuses, with its codes.
func TestUploadSigningCertificateErrors(t *testing.T) {
	testKeys(t)
	e := sqlite(t)
	e.user("bob")
	good := validCert(t, rsaA, "bob")
	block, _ := pem.Decode([]byte(good))
	truncated := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: block.Bytes[:len(block.Bytes)/2]}))
	for _, tc := range []struct {
		name, user, body, code string
	}{
		{"not PEM", "bob", "hello", "MalformedCertificate"},
		{"a key, not a certificate", "bob", rsaKeyPEM(rsaA), "MalformedCertificate"},
		{"truncated DER", "bob", truncated, "MalformedCertificate"},
		{"expired", "bob", certPEM(t, rsaA, "old", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)), "InvalidCertificate"},
		{"not yet valid", "bob", certPEM(t, rsaA, "new", time.Now().Add(24*time.Hour), time.Now().Add(48*time.Hour)), "InvalidCertificate"},
		{"control characters", "bob", "\x01" + good, "ValidationError"},
		{"too long", "bob", strings.Repeat("A", 16385), "ValidationError"},
		{"no such user", "nobody", good, "NoSuchEntity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.iam.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{UserName: aws.String(tc.user), CertificateBody: aws.String(tc.body)})
			wantCode(t, err, tc.code)
		})
	}
	_, err := e.iam.UpdateSigningCertificate(e.ctx, &iamsdk.UpdateSigningCertificateInput{UserName: aws.String("bob"),
		CertificateId: aws.String(strings.Repeat("A", 24)), Status: "Broken"})
	wantCode(t, err, "ValidationError")
}

// TestServerCertificates walks a server certificate through its life: the
// key never comes back, renames, paths, tags, the quota's neighbours.
func TestServerCertificates(t *testing.T) {
	testKeys(t)
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		body := validCert(t, rsaA, "www.example.com")
		chain := validCert(t, ecKey, "Example CA") + validCert(t, rsaB, "Example Root")
		up := must[*iamsdk.UploadServerCertificateOutput](t)(c.UploadServerCertificate(e.ctx, &iamsdk.UploadServerCertificateInput{
			ServerCertificateName: aws.String("www"), Path: aws.String("/cloudfront/"), CertificateBody: aws.String(body),
			PrivateKey: aws.String(rsaKeyPEM(rsaA)), CertificateChain: aws.String(chain), Tags: tagsOf("env", "prod")}))
		md := up.ServerCertificateMetadata
		if aws.ToString(md.ServerCertificateName) != "www" || aws.ToString(md.Path) != "/cloudfront/" ||
			aws.ToString(md.Arn) != "arn:aws:iam::"+e.acct.ID+":server-certificate/cloudfront/www" ||
			!strings.HasPrefix(aws.ToString(md.ServerCertificateId), "ASCA") || md.Expiration == nil || md.UploadDate == nil ||
			len(up.Tags) != 1 {
			t.Errorf("UploadServerCertificate = %+v %+v", md, up.Tags)
		}
		_, err := c.UploadServerCertificate(e.ctx, &iamsdk.UploadServerCertificateInput{ServerCertificateName: aws.String("WWW"),
			CertificateBody: aws.String(body), PrivateKey: aws.String(pkcs8PEM(t, rsaA))})
		wantError(t, err, "EntityAlreadyExists", "The Server Certificate with name WWW already exists.")
		// An EC key in PKCS #8, no chain.
		_, err = c.UploadServerCertificate(e.ctx, &iamsdk.UploadServerCertificateInput{ServerCertificateName: aws.String("api"),
			CertificateBody: aws.String(validCert(t, ecKey, "api")), PrivateKey: aws.String(pkcs8PEM(t, ecKey))})
		ok(t, err)

		sum := must[*iamsdk.GetAccountSummaryOutput](t)(c.GetAccountSummary(e.ctx, &iamsdk.GetAccountSummaryInput{}))
		if n := sum.SummaryMap["ServerCertificates"]; n != 2 {
			t.Errorf("GetAccountSummary ServerCertificates = %d, want 2", n)
		}
		got := must[*iamsdk.GetServerCertificateOutput](t)(c.GetServerCertificate(e.ctx, &iamsdk.GetServerCertificateInput{ServerCertificateName: aws.String("www")})).ServerCertificate
		if aws.ToString(got.CertificateBody) != body || aws.ToString(got.CertificateChain) != chain || len(got.Tags) != 1 ||
			aws.ToString(got.ServerCertificateMetadata.ServerCertificateId) != aws.ToString(md.ServerCertificateId) {
			t.Errorf("GetServerCertificate = %+v", got)
		}
		row, err := e.store.ServerCertificate(e.ctx, e.acct.ID, "www")
		if err != nil {
			t.Fatal(err)
		}
		if row.SealedPrivateKey == "" || strings.Contains(row.SealedPrivateKey, "PRIVATE KEY") {
			t.Errorf("private key stored in clear: %.40q", row.SealedPrivateKey)
		}
		if key, err := e.sealer.Open(row.SealedPrivateKey, []byte("servercertificate:"+row.ServerCertificateID)); err != nil || string(key) != rsaKeyPEM(rsaA) {
			t.Errorf("sealed key does not open to the key uploaded: %v", err)
		}

		ls := must[*iamsdk.ListServerCertificatesOutput](t)(c.ListServerCertificates(e.ctx, &iamsdk.ListServerCertificatesInput{MaxItems: aws.Int32(1)}))
		if len(ls.ServerCertificateMetadataList) != 1 || !ls.IsTruncated || aws.ToString(ls.ServerCertificateMetadataList[0].ServerCertificateName) != "api" {
			t.Errorf("ListServerCertificates page 1 = %+v", ls)
		}
		ls = must[*iamsdk.ListServerCertificatesOutput](t)(c.ListServerCertificates(e.ctx, &iamsdk.ListServerCertificatesInput{Marker: ls.Marker}))
		if len(ls.ServerCertificateMetadataList) != 1 || ls.IsTruncated {
			t.Errorf("ListServerCertificates page 2 = %+v", ls)
		}
		ls = must[*iamsdk.ListServerCertificatesOutput](t)(c.ListServerCertificates(e.ctx, &iamsdk.ListServerCertificatesInput{PathPrefix: aws.String("/cloud")}))
		if len(ls.ServerCertificateMetadataList) != 1 || aws.ToString(ls.ServerCertificateMetadataList[0].ServerCertificateName) != "www" {
			t.Errorf("ListServerCertificates PathPrefix = %+v", ls.ServerCertificateMetadataList)
		}

		_, err = c.UpdateServerCertificate(e.ctx, &iamsdk.UpdateServerCertificateInput{ServerCertificateName: aws.String("www"),
			NewServerCertificateName: aws.String("www-2027"), NewPath: aws.String("/elb/")})
		ok(t, err)
		_, err = c.GetServerCertificate(e.ctx, &iamsdk.GetServerCertificateInput{ServerCertificateName: aws.String("www")})
		wantError(t, err, "NoSuchEntity", "The Server Certificate with name www cannot be found.")
		_, err = c.UpdateServerCertificate(e.ctx, &iamsdk.UpdateServerCertificateInput{ServerCertificateName: aws.String("api"),
			NewServerCertificateName: aws.String("WWW-2027")})
		wantCode(t, err, "EntityAlreadyExists")

		// Tags.
		_, err = c.TagServerCertificate(e.ctx, &iamsdk.TagServerCertificateInput{ServerCertificateName: aws.String("www-2027"), Tags: tagsOf("team", "web")})
		ok(t, err)
		_, err = c.UntagServerCertificate(e.ctx, &iamsdk.UntagServerCertificateInput{ServerCertificateName: aws.String("www-2027"), TagKeys: []string{"ENV"}})
		ok(t, err)
		tl := must[*iamsdk.ListServerCertificateTagsOutput](t)(c.ListServerCertificateTags(e.ctx, &iamsdk.ListServerCertificateTagsInput{ServerCertificateName: aws.String("www-2027")}))
		if len(tl.Tags) != 1 || aws.ToString(tl.Tags[0].Key) != "team" {
			t.Errorf("ListServerCertificateTags = %+v", tl.Tags)
		}
		_, err = c.TagServerCertificate(e.ctx, &iamsdk.TagServerCertificateInput{ServerCertificateName: aws.String("nope"), Tags: tagsOf("a", "b")})
		wantError(t, err, "NoSuchEntity", "The Server Certificate with name nope cannot be found.")

		for _, n := range []string{"www-2027", "api"} {
			_, err = c.DeleteServerCertificate(e.ctx, &iamsdk.DeleteServerCertificateInput{ServerCertificateName: aws.String(n)})
			ok(t, err)
		}
		_, err = c.DeleteServerCertificate(e.ctx, &iamsdk.DeleteServerCertificateInput{ServerCertificateName: aws.String("api")})
		wantCode(t, err, "NoSuchEntity")
		if tags, err := e.store.ListTags(e.ctx, e.acct.ID, models.EntityServerCertificate, row.ServerCertificateID); err != nil || len(tags) != 0 {
			t.Errorf("tags left behind: %v, %v", tags, err)
		}
	})
}

// TestUploadServerCertificateErrors: bad PEM, keys that do not match,
// names and quota.
func TestUploadServerCertificateErrors(t *testing.T) {
	testKeys(t)
	e := sqlite(t)
	body := validCert(t, rsaA, "a")
	key := rsaKeyPEM(rsaA)
	for _, tc := range []struct {
		name, certName, body, key, chain, code string
	}{
		{"body not PEM", "a", "garbage", key, "", "MalformedCertificate"},
		{"key not PEM", "a", body, "garbage", "", "MalformedCertificate"},
		{"key of another type", "a", body, pkixPEM(t, &rsaA.PublicKey), "", "MalformedCertificate"},
		{"key of another certificate", "a", body, rsaKeyPEM(rsaB), "", "KeyPairMismatch"},
		{"EC key for an RSA certificate", "a", body, pkcs8PEM(t, ecKey), "", "KeyPairMismatch"},
		{"chain not certificates", "a", body, key, key, "MalformedCertificate"},
		{"bad name", "a/b", body, key, "", "ValidationError"},
		{"long name", strings.Repeat("n", 129), body, key, "", "ValidationError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &iamsdk.UploadServerCertificateInput{ServerCertificateName: aws.String(tc.certName), CertificateBody: aws.String(tc.body),
				PrivateKey: aws.String(tc.key)}
			if tc.chain != "" {
				in.CertificateChain = aws.String(tc.chain)
			}
			_, err := e.iam.UploadServerCertificate(e.ctx, in)
			wantCode(t, err, tc.code)
		})
	}
	_, err := e.iam.UploadServerCertificate(e.ctx, &iamsdk.UploadServerCertificateInput{ServerCertificateName: aws.String("x"),
		CertificateBody: aws.String(body), PrivateKey: aws.String(rsaKeyPEM(rsaB))})
	wantError(t, err, "KeyPairMismatch", "Unable to validate certificate. Please ensure the certificate and private key match.")
	_, err = e.iam.UploadServerCertificate(e.ctx, &iamsdk.UploadServerCertificateInput{ServerCertificateName: aws.String("x"),
		CertificateBody: aws.String("x"), PrivateKey: aws.String(key)})
	wantError(t, err, "MalformedCertificate", "Unable to parse certificate. Please ensure the certificate is in PEM format.")

	// The quota: 20 per account.
	for i := range 20 {
		_, err := e.iam.UploadServerCertificate(e.ctx, &iamsdk.UploadServerCertificateInput{ServerCertificateName: aws.String("c" + string(rune('a'+i))),
			CertificateBody: aws.String(body), PrivateKey: aws.String(key)})
		ok(t, err)
	}
	_, err = e.iam.UploadServerCertificate(e.ctx, &iamsdk.UploadServerCertificateInput{ServerCertificateName: aws.String("one-more"),
		CertificateBody: aws.String(body), PrivateKey: aws.String(key)})
	wantError(t, err, "LimitExceeded", "Cannot exceed quota for ServerCertificatesPerAccount: 20")
}

type rsaKey = rsa.PrivateKey

func newRSA(bits int) (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, bits) }

func ed25519Key() (ssh.PublicKey, ed25519.PrivateKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sp, err := ssh.NewPublicKey(pub)
	return sp, priv, err
}
