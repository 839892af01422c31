package awsapi

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/iam"
)

// TestCredentialResponseShapes pins the XML of the certificate, SSH key,
// service-specific credential and service-linked role answers against
// golden files (go test -run TestCredentialResponseShapes -update).
func TestCredentialResponseShapes(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("X", 3600))
	later := at.AddDate(1, 0, 0)
	md := iam.ServerCertificateMetadata{Path: "/cloudfront/", ServerCertificateName: "www", ServerCertificateId: "ASCAEXAMPLE1",
		Arn: "arn:aws:iam::123456789012:server-certificate/cloudfront/www", UploadDate: at, Expiration: later}
	cases := []struct {
		name, action string
		result       any
	}{
		{"get_server_certificate", "GetServerCertificate", getServerCertificateResult{ServerCertificate: xmlServerCertificate{
			ServerCertificateMetadata: serverCertificateMetadataXML(&md), CertificateBody: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
			CertificateChain: "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n", Tags: tagList([]iam.Tag{{Key: "env", Value: "prod"}})}}},
		{"list_server_certificates", "ListServerCertificates", listServerCertificatesResult{
			ServerCertificateMetadataList: list([]xmlServerCertificateMetadata{serverCertificateMetadataXML(&md)}), page: pageOf("www")}},
		{"list_signing_certificates", "ListSigningCertificates", listSigningCertificatesResult{Certificates: list([]xmlSigningCertificate{
			signingCertificateXML(&iam.SigningCertificate{UserName: "alice", CertificateId: "TA7SMP42TDN5Z26OBPJE7EXAMPLE",
				CertificateBody: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", Status: "Active", UploadDate: at})})}},
		{"get_ssh_public_key", "GetSSHPublicKey", sshPublicKeyResult{SSHPublicKey: xmlSSHPublicKey{UserName: "alice",
			SSHPublicKeyID: "APKAEIBAERJR2EXAMPLE", Fingerprint: "7e:4a:0b:1c:2d:3e:4f:50:61:72:83:94:a5:b6:c7:d8",
			SSHPublicKeyBody: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", Status: "Active", UploadDate: ts(at)}}},
		{"list_ssh_public_keys", "ListSSHPublicKeys", listSSHPublicKeysResult{SSHPublicKeys: list([]xmlSSHPublicKeyMetadata{
			{UserName: "alice", SSHPublicKeyID: "APKAEIBAERJR2EXAMPLE", Status: "Inactive", UploadDate: ts(at)}})}},
		{"create_service_specific_credential", "CreateServiceSpecificCredential", serviceSpecificCredentialResult{
			ServiceSpecificCredential: serviceCredentialXML(&iam.ServiceSpecificCredential{UserName: "alice", ServiceName: "codecommit.amazonaws.com",
				ServiceSpecificCredentialId: "ACCAEXAMPLE123EXAMPLE", Status: "Active", CreateDate: at,
				ServiceUserName: "alice-at-123456789012", ServicePassword: "xTBAr/czp+D3EXAMPLE47lrJ6/43r2zqGwR3EXAMPLE="})}},
		{"list_service_specific_credentials", "ListServiceSpecificCredentials", listServiceSpecificCredentialsResult{
			ServiceSpecificCredentials: list([]xmlServiceSpecificCredential{serviceCredentialXML(&iam.ServiceSpecificCredential{
				UserName: "alice", ServiceName: "bedrock.amazonaws.com", ServiceSpecificCredentialId: "ACCAEXAMPLE456EXAMPLE",
				Status: "Expired", CreateDate: at, ExpirationDate: &later, ServiceCredentialAlias: "BedrockAPIKey-abcd-at-123456789012"})})}},
		{"delete_service_linked_role", "DeleteServiceLinkedRole", deleteServiceLinkedRoleResult{
			DeletionTaskID: "task/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk/ec720f7a-c0ba-4838-be33-f72e1873dd52"}},
		{"get_service_linked_role_deletion_status", "GetServiceLinkedRoleDeletionStatus", deletionStatusResult{Status: "FAILED",
			Reason: &xmlDeletionFailureReason{Reason: "The role still has policies.", RoleUsageList: list([]xmlNone{})}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := encodeResponse(c.action, iamService.ns, "req-1", c.result)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.name+".xml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s:\n got %s\nwant %s", c.name, got, want)
			}
		})
	}
}
