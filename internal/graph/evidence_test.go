package graph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const crHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
	"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
	"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

const crAlice = "alice,arn:aws:iam::111122223333:user/alice,2020-01-01T00:00:00+00:00,true,2020-02-01T00:00:00+00:00,2020-01-01T00:00:00+00:00,N/A,false," +
	"true,2020-01-01T00:00:00+00:00,2020-03-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"

func TestReadCredentialReport(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		rows     int
		err      string
	}{
		{"ok", crHeader + crAlice, 1, ""},
		{"header only", crHeader, 0, ""},
		{"empty", "", 0, "the file is empty"},
		{"missing column", "user,arn\nalice,arn:x\n", 0, `line 1: column "user_creation_time" missing`},
		{"short row", crHeader + "alice,arn\n", 0, "line 2"},
		{"bad date", crHeader + strings.Replace(crAlice, "2020-02-01T00:00:00+00:00", "yesterday", 1), 0, "line 2: column password_last_used"},
		{"bad flag", crHeader + strings.Replace(crAlice, ",true,", ",maybe,", 1), 0, "line 2: column password_enabled"},
		{"no arn", crHeader + strings.Replace(crAlice, "arn:aws:iam::111122223333:user/alice", "", 1), 0, "line 2: column arn: empty"},
		{"bare quote", crHeader + "a\"b" + crAlice, 0, "line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ReadCredentialReport(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || len(rows) != tc.rows {
				t.Fatalf("rows %d err %v, want %d", len(rows), err, tc.rows)
			}
		})
	}
	rows, _ := ReadCredentialReport(strings.NewReader(crHeader + crAlice))
	r := rows[0]
	if !r.PasswordEnabled || r.MFAActive || !r.Keys[0].Active || r.Keys[0].LastUsedService != "s3" ||
		!r.Keys[0].LastUsed.Equal(time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)) || r.Keys[1].Active || !r.Keys[1].LastRotated.IsZero() {
		t.Errorf("row %+v", r)
	}
}

func TestReadLastAccessed(t *testing.T) {
	const svc = `"ServicesLastAccessed":[{"ServiceName":"S3","ServiceNamespace":"s3","LastAuthenticated":"2020-02-01T00:00:00Z"},{"ServiceName":"EC2","ServiceNamespace":"ec2"}]`
	for _, tc := range []struct {
		name, in string
		n        int
		err      string
	}{
		{"object", `{"Arn":"arn:aws:iam::1:user/a",` + svc + `}`, 1, ""},
		{"array", `[{"Arn":"arn:aws:iam::1:user/a",` + svc + `},{"Arn":"arn:aws:iam::1:role/r",` + svc + `}]`, 2, ""},
		{"wrapper", `{"Principals":[{"Arn":"arn:aws:iam::1:user/a",` + svc + `}]}`, 1, ""},
		{"empty", ``, 0, "the file is empty"},
		{"not json", `{"Arn":`, 0, "last accessed"},
		{"scalar", `42`, 0, "expected a JSON object"},
		{"no arn", `{` + svc + `}`, 0, "principal 1: field Arn missing"},
		{"no services", `{"Arn":"x"}`, 0, "field ServicesLastAccessed missing"},
		{"no namespace", `{"Arn":"x","ServicesLastAccessed":[{"ServiceName":"S3"}]}`, 0, "ServicesLastAccessed[0]: field ServiceNamespace missing"},
		{"bad date", `{"Arn":"x","ServicesLastAccessed":[{"ServiceNamespace":"s3","LastAuthenticated":"soon"}]}`, 0, "LastAuthenticated"},
		{"wrong type", `{"Arn":5,"ServicesLastAccessed":[]}`, 0, "field Arn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			la, err := ReadLastAccessed(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || len(la) != tc.n {
				t.Fatalf("principals %d err %v, want %d", len(la), err, tc.n)
			}
			m := la["arn:aws:iam::1:user/a"]
			if !m["s3"].Equal(time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)) || !m["ec2"].IsZero() {
				t.Errorf("alice %v", m)
			}
			if _, ok := m["ec2"]; !ok {
				t.Errorf("never-used ec2 left out: %v", m)
			}
		})
	}
}

// TestEvidenceRoundTrip: evidence applied to a dump survives the stored
// document (AuthorizationDetails read back).
func TestEvidenceRoundTrip(t *testing.T) {
	dir := filepath.Join("testdata", "evidence")
	f, _ := os.Open(filepath.Join(dir, "dump.json"))
	defer f.Close()
	a, _, err := ParseAuthorizationDetails(f)
	if err != nil {
		t.Fatal(err)
	}
	cr, _ := os.Open(filepath.Join(dir, "credential-report.csv"))
	defer cr.Close()
	rows, err := ReadCredentialReport(cr)
	if err != nil {
		t.Fatal(err)
	}
	if w := a.ApplyCredentialReport(rows); len(w) != 0 {
		t.Errorf("warnings %v", w)
	}
	lf, _ := os.Open(filepath.Join(dir, "last-accessed.json"))
	defer lf.Close()
	la, err := ReadLastAccessed(lf)
	if err != nil {
		t.Fatal(err)
	}
	a.ApplyLastAccessed(la)
	doc, err := a.AuthorizationDetails()
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := ParseAuthorizationDetails(strings.NewReader(string(doc)))
	if err != nil {
		t.Fatal(err)
	}
	if !b.CredentialsKnown || b.Root == nil || !b.Root.MFAEnabled || len(b.ServicesLastAccessed) != 2 {
		t.Fatalf("read back %+v", b)
	}
	alice := b.Users[0]
	if alice.LoginProfile == nil || len(alice.MFADevices) != 0 || len(alice.AccessKeys) != 1 || alice.AccessKeys[0].Status != "Active" {
		t.Errorf("alice %+v", alice)
	}
	if _, ok := b.ServicesLastAccessed["arn:aws:iam::111122223333:role/ops"]["sqs"]; !ok {
		t.Errorf("ops's sqs lost: %v", b.ServicesLastAccessed)
	}
	kinds := map[string]bool{}
	for _, f := range (&Graph{acct: b}).credentialFindings(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		kinds[f.Type] = true
	}
	for _, k := range []string{FindingUserWithoutMFA, FindingStaleAccessKey, FindingInactiveUser} {
		if !kinds[k] {
			t.Errorf("no %s finding: %v", k, kinds)
		}
	}
}

func FuzzReadCredentialReport(f *testing.F) {
	f.Add(crHeader + crAlice)
	f.Add(crHeader)
	f.Add("user,arn\n\"a")
	if b, err := os.ReadFile(filepath.Join("testdata", "evidence", "credential-report.csv")); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ReadCredentialReport(strings.NewReader(in))
		if err != nil {
			return
		}
		a := &Account{Users: []User{{Name: "alice", ARN: "arn:aws:iam::111122223333:user/alice"}}}
		a.ApplyCredentialReport(rows)
		if _, err := a.AuthorizationDetails(); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzReadLastAccessed(f *testing.F) {
	f.Add(`{"Arn":"arn:aws:iam::1:user/a","ServicesLastAccessed":[{"ServiceNamespace":"s3","LastAuthenticated":"2020-02-01T00:00:00Z"}]}`)
	f.Add(`{"Principals":[]}`)
	f.Add(`[]`)
	if b, err := os.ReadFile(filepath.Join("testdata", "evidence", "last-accessed.json")); err == nil {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, in string) {
		la, err := ReadLastAccessed(strings.NewReader(in))
		if err != nil {
			return
		}
		a := &Account{Users: []User{{Name: "a", ARN: "arn:aws:iam::1:user/a"}}}
		a.ApplyLastAccessed(la)
		if _, err := a.AuthorizationDetails(); err != nil {
			t.Fatal(err)
		}
	})
}
