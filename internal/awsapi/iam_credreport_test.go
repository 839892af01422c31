package awsapi_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestCredentialReportStates follows AWS's sequence: GetCredentialReport
// before any GenerateCredentialReport is ReportNotPresent (410); the first
// generate answers STARTED with AWS's description (the aws CLI reference's
// example output, "No report exists. Starting a new report generation
// task"), the next COMPLETE; a report four hours old is ReportExpired (410)
// and the next generate starts anew. The state is the database's, so it
// holds across console processes (PostgreSQL).
func TestCredentialReportStates(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		wantGone := func(err error, code, msg string) {
			t.Helper()
			wantCode(t, err, code)
			var re *awshttp.ResponseError
			if !asErr(err, &re) || re.HTTPStatusCode() != http.StatusGone {
				t.Fatalf("%s: status is not 410: %v", code, err)
			}
			contains(t, code+" message", err.Error(), msg)
		}
		_, err := e.iam.GetCredentialReport(ctx, &iamsdk.GetCredentialReportInput{})
		// AWS's API reference, GetCredentialReport's Errors.
		wantGone(err, "ReportNotPresent", "The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.")
		steps := []struct{ state, desc string }{
			{"STARTED", "No report exists. Starting a new report generation task"},
			{"COMPLETE", ""},
			{"COMPLETE", ""},
		}
		for i, st := range steps {
			gen := must[*iamsdk.GenerateCredentialReportOutput](t)(e.iam.GenerateCredentialReport(ctx, &iamsdk.GenerateCredentialReportInput{}))
			if string(gen.State) != st.state || deref(gen.Description) != st.desc {
				t.Fatalf("generate #%d = %s %q, want %s %q", i+1, gen.State, deref(gen.Description), st.state, st.desc)
			}
		}
		rep := must[*iamsdk.GetCredentialReportOutput](t)(e.iam.GetCredentialReport(ctx, &iamsdk.GetCredentialReportInput{}))
		if rep.GeneratedTime == nil || time.Since(*rep.GeneratedTime) > time.Minute {
			t.Fatalf("GeneratedTime = %v", rep.GeneratedTime)
		}
		// Four hours later the report has expired.
		ok(t, e.store.MarkCredentialReport(ctx, e.acct.ID, time.Now().Add(-4*time.Hour-time.Minute)))
		_, err = e.iam.GetCredentialReport(ctx, &iamsdk.GetCredentialReportInput{})
		wantGone(err, "ReportExpired", "The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.")
		gen := must[*iamsdk.GenerateCredentialReportOutput](t)(e.iam.GenerateCredentialReport(ctx, &iamsdk.GenerateCredentialReportInput{}))
		if string(gen.State) != "STARTED" {
			t.Fatalf("generate after expiry = %s, want STARTED", gen.State)
		}
		must[*iamsdk.GetCredentialReportOutput](t)(e.iam.GetCredentialReport(ctx, &iamsdk.GetCredentialReportInput{}))
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestCredentialReport(t *testing.T) {
	e := sqlite(t)
	ctx := context.Background()
	gen, err := e.iam.GenerateCredentialReport(ctx, &iamsdk.GenerateCredentialReportInput{})
	if err != nil || string(gen.State) != "STARTED" {
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
