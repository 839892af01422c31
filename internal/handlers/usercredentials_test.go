package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// giveCredentials uploads an SSH key and a signing certificate for user
// and makes a CodeCommit credential, with the operator's authority; it
// returns their IDs and the credential's password.
func giveCredentials(t *testing.T, e *env, user string) (sshID, certID, credID, password string) {
	t.Helper()
	ctx, m := context.Background(), iam.Meta{}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	k, err := e.svc.UploadSSHPublicKey(ctx, nil, user, string(ssh.MarshalAuthorizedKey(pub)), m)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: user},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.UploadSigningCertificate(ctx, nil, user, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), m)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := e.svc.CreateServiceSpecificCredential(ctx, nil, iam.CreateServiceSpecificCredentialInput{UserName: user,
		ServiceName: "codecommit.amazonaws.com"}, m)
	if err != nil {
		t.Fatal(err)
	}
	return k.SSHPublicKeyId, c.CertificateId, cred.ServiceSpecificCredentialId, cred.ServicePassword
}

// TestUserOtherCredentials: the Security credentials tab lists a user's
// SSH keys, signing certificates and service-specific credentials (no
// secret), deletes each after a confirmation, and the user's deletion
// says what is left until they are gone.
func TestUserOtherCredentials(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	res, body := b.form("/users/new", "/users", "UserName", "dana")
	mustRedirect(t, res, body, "/users/dana")
	sshID, certID, credID, password := giveCredentials(t, e, "dana")

	_, body = b.get("/users/dana?tab=security")
	for _, want := range []string{`id="ssh-keys"`, sshID, `id="signing-certificates"`, certID, `id="service-credentials"`, credID,
		"codecommit.amazonaws.com · dana-at-", "delete-ssh-key-" + sshID} {
		if !strings.Contains(body, want) {
			t.Errorf("security tab lacks %q", want)
		}
	}
	if strings.Contains(body, password) {
		t.Fatal("the service password is on the security tab")
	}

	// A plain delete is refused, saying what is left.
	res, body = b.form("/users/dana/delete", "/users/dana/delete", "confirm", "dana")
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "must delete signing certificates first") {
		t.Fatalf("plain delete of a user with credentials: %d %.2000s", res.StatusCode, body)
	}

	// The confirmation step, then the deletion, of each.
	for _, c := range []struct{ kind, id, heading string }{
		{"ssh-key", sshID, "Delete SSH public key " + sshID + "?"},
		{"signing-certificate", certID, "Delete signing certificate " + certID + "?"},
		{"service-credential", credID, "Delete service-specific credential " + credID + "?"},
	} {
		page := "/users/dana/credentials/delete?Kind=" + c.kind + "&Id=" + c.id
		if res, body := b.get(page); res.StatusCode != http.StatusOK || !strings.Contains(body, c.heading) {
			t.Fatalf("%s: %d, no %q", page, res.StatusCode, c.heading)
		}
		res, body := b.form(page, "/users/dana/credentials/delete", "Kind", c.kind, "Id", c.id)
		if res.StatusCode == http.StatusSeeOther {
			t.Fatalf("%s deleted without confirmation", c.kind)
		}
		res, body = b.form(page, "/users/dana/credentials/delete", "Kind", c.kind, "Id", c.id, "confirm", "yes")
		mustRedirect(t, res, body, "/users/dana?tab=security")
		if _, body := b.get("/users/dana?tab=security"); strings.Contains(body, c.id) {
			t.Fatalf("%s %s still listed", c.kind, c.id)
		}
	}
	res, body = b.form("/users/dana/delete", "/users/dana/delete", "confirm", "dana")
	mustRedirect(t, res, body, "/users")

	// A kind that does not exist is refused without a trace.
	b.form("/users/new", "/users", "UserName", "eli")
	if res, _ := b.get("/users/eli/credentials/delete?Kind=password&Id=x"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unknown kind: %d", res.StatusCode)
	}
	// Deleting with everything takes them too.
	giveCredentials(t, e, "eli")
	res, body = b.form("/users/eli/delete", "/users/eli/delete", "confirm", "eli", "Everything", "true")
	mustRedirect(t, res, body, "/users")
}
