package awsapi_test

import (
	"crypto/md5"
	"crypto/x509"
	"encoding/base64"
	"encoding/csv"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/crypto/ssh"
)

// md5Fingerprint is AWS's SSH key fingerprint, computed here apart from
// the code under test: the MD5 of the key blob, colon-separated hex.
func md5Fingerprint(t *testing.T, authorized string) string {
	fields := strings.Fields(authorized)
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}

// TestSSHPublicKeys walks a user's SSH keys through their life: both
// encodings in and out, AWS's fingerprint, the quota and the duplicate.
func TestSSHPublicKeys(t *testing.T) {
	testKeys(t)
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		e.user("carol")
		authorized := sshAuthorized(t, rsaA)
		up := must[*iamsdk.UploadSSHPublicKeyOutput](t)(c.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{
			UserName: aws.String("carol"), SSHPublicKeyBody: aws.String(authorized)})).SSHPublicKey
		id := aws.ToString(up.SSHPublicKeyId)
		if aws.ToString(up.UserName) != "carol" || !strings.HasPrefix(id, "APKA") || len(id) != 20 || up.Status != types.StatusTypeActive ||
			aws.ToString(up.Fingerprint) != md5Fingerprint(t, authorized) || up.UploadDate == nil {
			t.Errorf("UploadSSHPublicKey = %+v", up)
		}
		// The same key in PEM is the same key.
		_, err := c.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{UserName: aws.String("carol"), SSHPublicKeyBody: aws.String(pkixPEM(t, &rsaA.PublicKey))})
		wantError(t, err, "DuplicateSSHPublicKey", "The SSH public key is already associated with the specified IAM user.")
		// Another user may hold it.
		e.user("dave")
		_, err = c.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{UserName: aws.String("dave"), SSHPublicKeyBody: aws.String(authorized)})
		ok(t, err)

		got := must[*iamsdk.GetSSHPublicKeyOutput](t)(c.GetSSHPublicKey(e.ctx, &iamsdk.GetSSHPublicKeyInput{UserName: aws.String("carol"),
			SSHPublicKeyId: up.SSHPublicKeyId, Encoding: types.EncodingTypeSsh})).SSHPublicKey
		if want := strings.Join(strings.Fields(authorized)[:2], " "); aws.ToString(got.SSHPublicKeyBody) != want {
			t.Errorf("GetSSHPublicKey SSH = %q, want %q", aws.ToString(got.SSHPublicKeyBody), want)
		}
		got = must[*iamsdk.GetSSHPublicKeyOutput](t)(c.GetSSHPublicKey(e.ctx, &iamsdk.GetSSHPublicKeyInput{UserName: aws.String("carol"),
			SSHPublicKeyId: up.SSHPublicKeyId, Encoding: types.EncodingTypePem})).SSHPublicKey
		if aws.ToString(got.SSHPublicKeyBody) != pkixPEM(t, &rsaA.PublicKey) {
			t.Errorf("GetSSHPublicKey PEM = %q", aws.ToString(got.SSHPublicKeyBody))
		}
		_, err = c.GetSSHPublicKey(e.ctx, &iamsdk.GetSSHPublicKeyInput{UserName: aws.String("carol"), SSHPublicKeyId: up.SSHPublicKeyId, Encoding: "DER"})
		wantCode(t, err, "ValidationError")

		// Up to five: the PEM forms of four more keys (PKCS #1 too).
		bodies := []string{string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaB.PublicKey)}))}
		for range 3 {
			k := fresh2048(t)
			bodies = append(bodies, sshAuthorized(t, k))
		}
		for _, b := range bodies {
			_, err := c.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{UserName: aws.String("carol"), SSHPublicKeyBody: aws.String(b)})
			ok(t, err)
		}
		_, err = c.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{UserName: aws.String("carol"), SSHPublicKeyBody: aws.String(sshAuthorized(t, fresh2048(t)))})
		wantError(t, err, "LimitExceeded", "Cannot exceed quota for PublicKeysPerUser: 5")

		ls := must[*iamsdk.ListSSHPublicKeysOutput](t)(c.ListSSHPublicKeys(e.ctx, &iamsdk.ListSSHPublicKeysInput{UserName: aws.String("carol"), MaxItems: aws.Int32(3)}))
		if len(ls.SSHPublicKeys) != 3 || !ls.IsTruncated || aws.ToString(ls.SSHPublicKeys[0].SSHPublicKeyId) != id {
			t.Errorf("ListSSHPublicKeys page 1 = %+v", ls)
		}
		ls = must[*iamsdk.ListSSHPublicKeysOutput](t)(c.ListSSHPublicKeys(e.ctx, &iamsdk.ListSSHPublicKeysInput{UserName: aws.String("carol"), Marker: ls.Marker}))
		if len(ls.SSHPublicKeys) != 2 || ls.IsTruncated {
			t.Errorf("ListSSHPublicKeys page 2 = %+v", ls)
		}
		_, err = c.UpdateSSHPublicKey(e.ctx, &iamsdk.UpdateSSHPublicKeyInput{UserName: aws.String("carol"), SSHPublicKeyId: up.SSHPublicKeyId, Status: types.StatusTypeInactive})
		ok(t, err)
		_, err = c.UpdateSSHPublicKey(e.ctx, &iamsdk.UpdateSSHPublicKeyInput{UserName: aws.String("dave"), SSHPublicKeyId: up.SSHPublicKeyId, Status: types.StatusTypeInactive})
		wantError(t, err, "NoSuchEntity", "The Public Key with id "+id+" cannot be found.")

		_, err = c.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("dave")})
		wantCode(t, err, "DeleteConflict")
		_, err = c.DeleteSSHPublicKey(e.ctx, &iamsdk.DeleteSSHPublicKeyInput{UserName: aws.String("carol"), SSHPublicKeyId: up.SSHPublicKeyId})
		ok(t, err)
		_, err = c.DeleteSSHPublicKey(e.ctx, &iamsdk.DeleteSSHPublicKeyInput{UserName: aws.String("carol"), SSHPublicKeyId: up.SSHPublicKeyId})
		wantCode(t, err, "NoSuchEntity")
	})
}

var fresh2048 = func() func(t *testing.T) *rsaKey {
	return func(t *testing.T) *rsaKey {
		t.Helper()
		k, err := newRSA(2048)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
}()

// TestUploadSSHPublicKeyErrors: encodings AWS does not take, short and
// malformed keys.
func TestUploadSSHPublicKeyErrors(t *testing.T) {
	testKeys(t)
	e := sqlite(t)
	e.user("erin")
	edPub, _, err := ed25519Key()
	if err != nil {
		t.Fatal(err)
	}
	good := sshAuthorized(t, rsaA)
	fields := strings.Fields(good)
	for _, tc := range []struct {
		name, body, code string
	}{
		{"1024-bit RSA", sshAuthorized(t, rsaShort), "InvalidPublicKey"},
		{"1024-bit RSA in PEM", pkixPEM(t, &rsaShort.PublicKey), "InvalidPublicKey"},
		{"ed25519", strings.TrimSpace(string(ssh.MarshalAuthorizedKey(edPub))), "UnrecognizedPublicKeyEncoding"},
		{"EC in PEM", pkixPEM(t, &ecKey.PublicKey), "UnrecognizedPublicKeyEncoding"},
		{"a private key", rsaKeyPEM(rsaA), "UnrecognizedPublicKeyEncoding"},
		{"not a key", "hello world", "UnrecognizedPublicKeyEncoding"},
		{"bad base64", "ssh-rsa !!!notbase64", "InvalidPublicKey"},
		{"truncated blob", "ssh-rsa " + fields[1][:40], "InvalidPublicKey"},
		{"broken PEM", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "InvalidPublicKey"},
		{"too long", strings.Repeat("a", 16385), "ValidationError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.iam.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{UserName: aws.String("erin"), SSHPublicKeyBody: aws.String(tc.body)})
			wantCode(t, err, tc.code)
		})
	}
	_, err = e.iam.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{UserName: aws.String("ghost"), SSHPublicKeyBody: aws.String(good)})
	wantError(t, err, "NoSuchEntity", "The user with name ghost cannot be found.")
}

// TestServiceSpecificCredentials: passwords shown once, user names as AWS
// makes them, two per service, reset, Bedrock API keys that expire.
func TestServiceSpecificCredentials(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		e.user("frank")
		mk := func(service string) *types.ServiceSpecificCredential {
			t.Helper()
			return must[*iamsdk.CreateServiceSpecificCredentialOutput](t)(c.CreateServiceSpecificCredential(e.ctx, &iamsdk.CreateServiceSpecificCredentialInput{
				UserName: aws.String("frank"), ServiceName: aws.String(service)})).ServiceSpecificCredential
		}
		first := mk("codecommit.amazonaws.com")
		if aws.ToString(first.ServiceUserName) != "frank-at-"+e.acct.ID || len(aws.ToString(first.ServicePassword)) != 44 ||
			!strings.HasPrefix(aws.ToString(first.ServiceSpecificCredentialId), "ACCA") || first.Status != types.StatusTypeActive ||
			aws.ToString(first.UserName) != "frank" || first.CreateDate == nil || first.ExpirationDate != nil {
			t.Errorf("CreateServiceSpecificCredential = %+v", first)
		}
		second := mk("codecommit.amazonaws.com")
		if aws.ToString(second.ServiceUserName) != "frank+1-at-"+e.acct.ID {
			t.Errorf("second ServiceUserName = %q", aws.ToString(second.ServiceUserName))
		}
		_, err := c.CreateServiceSpecificCredential(e.ctx, &iamsdk.CreateServiceSpecificCredentialInput{UserName: aws.String("frank"), ServiceName: aws.String("codecommit.amazonaws.com")})
		wantError(t, err, "LimitExceeded", "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2")
		keyspaces := mk("cassandra.amazonaws.com")
		if aws.ToString(keyspaces.ServiceUserName) != "frank-at-"+e.acct.ID {
			t.Errorf("Keyspaces ServiceUserName = %q", aws.ToString(keyspaces.ServiceUserName))
		}
		_, err = c.CreateServiceSpecificCredential(e.ctx, &iamsdk.CreateServiceSpecificCredentialInput{UserName: aws.String("frank"), ServiceName: aws.String("s3.amazonaws.com")})
		wantError(t, err, "NotSupportedService", "The specified service does not support service-specific credentials.")
		_, err = c.CreateServiceSpecificCredential(e.ctx, &iamsdk.CreateServiceSpecificCredentialInput{UserName: aws.String("frank"),
			ServiceName: aws.String("codecommit.amazonaws.com"), CredentialAgeDays: aws.Int32(30)})
		wantCode(t, err, "InvalidInput")

		bedrock := must[*iamsdk.CreateServiceSpecificCredentialOutput](t)(c.CreateServiceSpecificCredential(e.ctx, &iamsdk.CreateServiceSpecificCredentialInput{
			UserName: aws.String("frank"), ServiceName: aws.String("bedrock.amazonaws.com"), CredentialAgeDays: aws.Int32(30)})).ServiceSpecificCredential
		if !strings.HasPrefix(aws.ToString(bedrock.ServiceCredentialAlias), "BedrockAPIKey-") || !strings.HasPrefix(aws.ToString(bedrock.ServiceCredentialSecret), "ABSK") ||
			bedrock.ExpirationDate == nil || bedrock.ServicePassword != nil {
			t.Errorf("Bedrock API key = %+v", bedrock)
		}

		ls := must[*iamsdk.ListServiceSpecificCredentialsOutput](t)(c.ListServiceSpecificCredentials(e.ctx, &iamsdk.ListServiceSpecificCredentialsInput{UserName: aws.String("frank")}))
		if len(ls.ServiceSpecificCredentials) != 4 || aws.ToString(ls.ServiceSpecificCredentials[0].ServiceSpecificCredentialId) != aws.ToString(first.ServiceSpecificCredentialId) {
			t.Errorf("ListServiceSpecificCredentials = %+v", ls.ServiceSpecificCredentials)
		}
		ls = must[*iamsdk.ListServiceSpecificCredentialsOutput](t)(c.ListServiceSpecificCredentials(e.ctx, &iamsdk.ListServiceSpecificCredentialsInput{
			UserName: aws.String("frank"), ServiceName: aws.String("cassandra.amazonaws.com")}))
		if len(ls.ServiceSpecificCredentials) != 1 {
			t.Errorf("ListServiceSpecificCredentials by service = %+v", ls.ServiceSpecificCredentials)
		}
		ls = must[*iamsdk.ListServiceSpecificCredentialsOutput](t)(c.ListServiceSpecificCredentials(e.ctx, &iamsdk.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), MaxItems: aws.Int32(3)}))
		if len(ls.ServiceSpecificCredentials) != 3 || !ls.IsTruncated {
			t.Errorf("ListServiceSpecificCredentials AllUsers = %+v", ls)
		}

		reset := must[*iamsdk.ResetServiceSpecificCredentialOutput](t)(c.ResetServiceSpecificCredential(e.ctx, &iamsdk.ResetServiceSpecificCredentialInput{
			UserName: aws.String("frank"), ServiceSpecificCredentialId: first.ServiceSpecificCredentialId})).ServiceSpecificCredential
		if aws.ToString(reset.ServicePassword) == aws.ToString(first.ServicePassword) || len(aws.ToString(reset.ServicePassword)) != 44 ||
			aws.ToString(reset.ServiceUserName) != aws.ToString(first.ServiceUserName) {
			t.Errorf("ResetServiceSpecificCredential = %+v", reset)
		}
		_, err = c.UpdateServiceSpecificCredential(e.ctx, &iamsdk.UpdateServiceSpecificCredentialInput{UserName: aws.String("frank"),
			ServiceSpecificCredentialId: first.ServiceSpecificCredentialId, Status: types.StatusTypeInactive})
		ok(t, err)
		_, err = c.UpdateServiceSpecificCredential(e.ctx, &iamsdk.UpdateServiceSpecificCredentialInput{UserName: aws.String("admin"),
			ServiceSpecificCredentialId: first.ServiceSpecificCredentialId, Status: types.StatusTypeInactive})
		wantCode(t, err, "NoSuchEntity")

		_, err = c.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("frank")})
		wantCode(t, err, "DeleteConflict")
		for _, cred := range []*types.ServiceSpecificCredential{first, second, keyspaces, bedrock} {
			_, err = c.DeleteServiceSpecificCredential(e.ctx, &iamsdk.DeleteServiceSpecificCredentialInput{UserName: aws.String("frank"),
				ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId})
			ok(t, err)
		}
		_, err = c.DeleteServiceSpecificCredential(e.ctx, &iamsdk.DeleteServiceSpecificCredentialInput{UserName: aws.String("frank"),
			ServiceSpecificCredentialId: first.ServiceSpecificCredentialId})
		wantCode(t, err, "NoSuchEntity")
	})
}

// TestDeleteUserCredentialConflicts: each new credential keeps DeleteUser
// away, with its own words, until it goes.
func TestDeleteUserCredentialConflicts(t *testing.T) {
	testKeys(t)
	e := sqlite(t)
	c := e.iam
	_, err := c.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("gina")})
	ok(t, err)
	cert := must[*iamsdk.UploadSigningCertificateOutput](t)(c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{
		UserName: aws.String("gina"), CertificateBody: aws.String(validCert(t, rsaB, "gina"))})).Certificate
	key := must[*iamsdk.UploadSSHPublicKeyOutput](t)(c.UploadSSHPublicKey(e.ctx, &iamsdk.UploadSSHPublicKeyInput{
		UserName: aws.String("gina"), SSHPublicKeyBody: aws.String(sshAuthorized(t, rsaB))})).SSHPublicKey
	cred := must[*iamsdk.CreateServiceSpecificCredentialOutput](t)(c.CreateServiceSpecificCredential(e.ctx, &iamsdk.CreateServiceSpecificCredentialInput{
		UserName: aws.String("gina"), ServiceName: aws.String("codecommit.amazonaws.com")})).ServiceSpecificCredential
	del := func() error {
		_, err := c.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("gina")})
		return err
	}
	wantError(t, del(), "DeleteConflict", "Cannot delete entity, must delete signing certificates first.")
	_, err = c.DeleteSigningCertificate(e.ctx, &iamsdk.DeleteSigningCertificateInput{UserName: aws.String("gina"), CertificateId: cert.CertificateId})
	ok(t, err)
	wantError(t, del(), "DeleteConflict", "Cannot delete entity, must delete SSH public keys first.")
	_, err = c.DeleteSSHPublicKey(e.ctx, &iamsdk.DeleteSSHPublicKeyInput{UserName: aws.String("gina"), SSHPublicKeyId: key.SSHPublicKeyId})
	ok(t, err)
	wantError(t, del(), "DeleteConflict", "Cannot delete entity, must delete service specific credentials first.")
	_, err = c.DeleteServiceSpecificCredential(e.ctx, &iamsdk.DeleteServiceSpecificCredentialInput{UserName: aws.String("gina"),
		ServiceSpecificCredentialId: cred.ServiceSpecificCredentialId})
	ok(t, err)
	ok(t, del())
}

// TestServiceLinkedRoles: the role a service makes, its reserved path,
// its protection, and deletion as a task.
func TestServiceLinkedRoles(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		c := e.iam
		r := must[*iamsdk.CreateServiceLinkedRoleOutput](t)(c.CreateServiceLinkedRole(e.ctx, &iamsdk.CreateServiceLinkedRoleInput{
			AWSServiceName: aws.String("elasticbeanstalk.amazonaws.com"), Description: aws.String("Beanstalk")})).Role
		if aws.ToString(r.RoleName) != "AWSServiceRoleForElasticBeanstalk" || aws.ToString(r.Path) != "/aws-service-role/elasticbeanstalk.amazonaws.com/" ||
			aws.ToString(r.Arn) != "arn:aws:iam::"+e.acct.ID+":role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk" ||
			!strings.Contains(decoded(t, r.AssumeRolePolicyDocument), `"Service":"elasticbeanstalk.amazonaws.com"`) || aws.ToString(r.Description) != "Beanstalk" {
			t.Errorf("CreateServiceLinkedRole = %+v (%s)", r, decoded(t, r.AssumeRolePolicyDocument))
		}
		_, err := c.CreateServiceLinkedRole(e.ctx, &iamsdk.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("elasticbeanstalk.amazonaws.com")})
		wantError(t, err, "InvalidInput", "Service role name AWSServiceRoleForElasticBeanstalk has been taken in this account, please try a different suffix.")
		suffixed := must[*iamsdk.CreateServiceLinkedRoleOutput](t)(c.CreateServiceLinkedRole(e.ctx, &iamsdk.CreateServiceLinkedRoleInput{
			AWSServiceName: aws.String("autoscaling.amazonaws.com"), CustomSuffix: aws.String("web")})).Role
		if aws.ToString(suffixed.RoleName) != "AWSServiceRoleForAutoScaling_web" {
			t.Errorf("custom suffix role = %q", aws.ToString(suffixed.RoleName))
		}
		_, err = c.CreateServiceLinkedRole(e.ctx, &iamsdk.CreateServiceLinkedRoleInput{AWSServiceName: aws.String("not a service")})
		wantCode(t, err, "InvalidInput")

		// The path is reserved, and the role protected.
		_, err = c.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("Mine"), Path: aws.String("/aws-service-role/ecs.amazonaws.com/"),
			AssumeRolePolicyDocument: aws.String(ec2Trust)})
		wantError(t, err, "InvalidInput", "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles")
		protected := "Cannot perform the operation on the protected role 'AWSServiceRoleForElasticBeanstalk' - this role is only modifiable by AWS"
		_, err = c.DeleteRole(e.ctx, &iamsdk.DeleteRoleInput{RoleName: r.RoleName})
		wantError(t, err, "UnmodifiableEntity", protected)
		_, err = c.UpdateAssumeRolePolicy(e.ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: r.RoleName, PolicyDocument: aws.String(ec2Trust)})
		wantError(t, err, "UnmodifiableEntity", protected)
		_, err = c.AttachRolePolicy(e.ctx, &iamsdk.AttachRolePolicyInput{RoleName: r.RoleName, PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
		wantError(t, err, "UnmodifiableEntity", protected)
		_, err = c.PutRolePolicy(e.ctx, &iamsdk.PutRolePolicyInput{RoleName: r.RoleName, PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
		wantError(t, err, "UnmodifiableEntity", protected)
		_, err = c.UpdateRoleDescription(e.ctx, &iamsdk.UpdateRoleDescriptionInput{RoleName: r.RoleName, Description: aws.String("edited")})
		ok(t, err) // AWS lets the description be edited

		// An ordinary role is no service-linked role.
		_, err = c.CreateRole(e.ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("plain"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
		ok(t, err)
		_, err = c.DeleteServiceLinkedRole(e.ctx, &iamsdk.DeleteServiceLinkedRoleInput{RoleName: aws.String("plain")})
		wantCode(t, err, "NoSuchEntity")

		del := must[*iamsdk.DeleteServiceLinkedRoleOutput](t)(c.DeleteServiceLinkedRole(e.ctx, &iamsdk.DeleteServiceLinkedRoleInput{RoleName: r.RoleName}))
		task := aws.ToString(del.DeletionTaskId)
		if !strings.HasPrefix(task, "task/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk/") {
			t.Errorf("DeletionTaskId = %q", task)
		}
		st := must[*iamsdk.GetServiceLinkedRoleDeletionStatusOutput](t)(c.GetServiceLinkedRoleDeletionStatus(e.ctx, &iamsdk.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: del.DeletionTaskId}))
		if st.Status != types.DeletionTaskStatusTypeSucceeded || st.Reason != nil {
			t.Errorf("GetServiceLinkedRoleDeletionStatus = %+v", st)
		}
		_, err = c.GetRole(e.ctx, &iamsdk.GetRoleInput{RoleName: r.RoleName})
		wantCode(t, err, "NoSuchEntity")
		_, err = c.GetServiceLinkedRoleDeletionStatus(e.ctx, &iamsdk.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: aws.String("nonsense")})
		wantCode(t, err, "InvalidInput")
		_, err = c.GetServiceLinkedRoleDeletionStatus(e.ctx, &iamsdk.GetServiceLinkedRoleDeletionStatusInput{
			DeletionTaskId: aws.String(strings.TrimSuffix(task, task[len(task)-4:]) + "0000")})
		wantCode(t, err, "NoSuchEntity")
	})
}

// TestCredentialReportCertificates: the report's cert_N columns are the
// user's signing certificates.
func TestCredentialReportCertificates(t *testing.T) {
	testKeys(t)
	e := sqlite(t)
	c := e.iam
	e.user("hana")
	first := must[*iamsdk.UploadSigningCertificateOutput](t)(c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{
		UserName: aws.String("hana"), CertificateBody: aws.String(validCert(t, rsaA, "hana"))})).Certificate
	_, err := c.UploadSigningCertificate(e.ctx, &iamsdk.UploadSigningCertificateInput{UserName: aws.String("hana"),
		CertificateBody: aws.String(validCert(t, rsaB, "hana2"))})
	ok(t, err)
	_, err = c.UpdateSigningCertificate(e.ctx, &iamsdk.UpdateSigningCertificateInput{UserName: aws.String("hana"),
		CertificateId: first.CertificateId, Status: types.StatusTypeInactive})
	ok(t, err)
	var rep *iamsdk.GetCredentialReportOutput
	for range 50 { // generating may answer STARTED first, as AWS's does
		_, err = c.GenerateCredentialReport(e.ctx, &iamsdk.GenerateCredentialReportInput{})
		ok(t, err)
		if rep, err = c.GetCredentialReport(e.ctx, &iamsdk.GetCredentialReportInput{}); err == nil {
			break
		}
	}
	ok(t, err)
	rows, err := csv.NewReader(strings.NewReader(string(rep.Content))).ReadAll()
	ok(t, err)
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, r := range rows[1:] {
		if r[0] != "hana" {
			continue
		}
		if r[col["cert_1_active"]] != "false" || r[col["cert_1_last_rotated"]] != first.UploadDate.UTC().Format("2006-01-02T15:04:05+00:00") ||
			r[col["cert_2_active"]] != "true" || r[col["cert_2_last_rotated"]] == "N/A" {
			t.Errorf("hana's certificate columns: %v", r)
		}
		return
	}
	t.Fatal("hana missing from the report")
}
