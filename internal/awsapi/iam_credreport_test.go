package awsapi_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestCredentialReport(t *testing.T) {
	e := sqlite(t)
	ctx := context.Background()
	gen, err := e.iam.GenerateCredentialReport(ctx, &iamsdk.GenerateCredentialReportInput{})
	if err != nil || string(gen.State) != "COMPLETE" {
		t.Fatalf("generate: %v %v", gen, err)
	}
	rep, err := e.iam.GetCredentialReport(ctx, &iamsdk.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(rep.Content))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][0] != "user" || len(rows[0]) != 22 || rows[1][0] != "<root_account>" {
		t.Fatalf("report: %v", rows)
	}
	found := false
	for _, r := range rows[2:] {
		if r[0] == "admin" {
			found = true
			if r[8] != "true" || r[9] == "N/A" {
				t.Fatalf("admin's access key columns: %v", r)
			}
		}
	}
	if !found {
		t.Fatal("admin missing from the credential report")
	}
	// A user without iam:GetCredentialReport is refused.
	id, secret := e.user("nobody")
	if _, err := e.iamClient(id, secret, "").GetCredentialReport(ctx, &iamsdk.GetCredentialReportInput{}); err == nil {
		t.Fatal("a user without permission read the credential report")
	}
}
