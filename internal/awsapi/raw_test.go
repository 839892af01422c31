package awsapi_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/auth/sigv4"
)

// raw sends a signed IAM query without the SDK (which refuses to send a
// request missing a required parameter), and returns status and body.
func (e *env) raw(form url.Values) (int, []byte) {
	e.t.Helper()
	body := []byte(form.Encode())
	r, err := http.NewRequest(http.MethodPost, e.srv.URL+"/aws", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := sigv4.Sign(r, body, sigv4.Credential{AccessKeyID: e.adminKey, Secret: e.adminSecret}, "us-east-1", "iam", time.Now()); err != nil {
		e.t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

type xmlErr struct {
	Error struct{ Type, Code, Message string }
}

func TestRawErrors(t *testing.T) {
	e := sqlite(t)
	cases := []struct {
		form   url.Values
		status int
		code   string
	}{
		{url.Values{"Action": {"DeleteUser"}, "Version": {"2010-05-08"}}, 400, "ValidationError"},
		{url.Values{"Action": {"AddUserToGroup"}, "Version": {"2010-05-08"}, "GroupName": {"g"}}, 400, "ValidationError"},
		{url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}, "MaxItems": {"1001"}}, 400, "ValidationError"},
		{url.Values{"Action": {"ListUsers"}, "Version": {"2010-05-08"}, "MaxItems": {"ten"}}, 400, "ValidationError"},
		{url.Values{"Action": {"GetUser"}, "Version": {"2010-05-08"}, "UserName": {"ghost"}}, 404, "NoSuchEntity"},
		{url.Values{"Action": {"NoSuchAction"}, "Version": {"2010-05-08"}}, 400, "InvalidAction"},
		{url.Values{"Action": {"SimulateCustomPolicy"}, "Version": {"2010-05-08"}, "ActionNames.member.1": {"s3:GetObject"}}, 400, "ValidationError"},
	}
	for _, c := range cases {
		status, body := e.raw(c.form)
		var x xmlErr
		if err := xml.Unmarshal(body, &x); err != nil {
			t.Fatalf("%v: %s", c.form, body)
		}
		if status != c.status || x.Error.Code != c.code || x.Error.Type != "Sender" || x.Error.Message == "" {
			t.Errorf("%v: %d %+v, want %d %s", c.form, status, x.Error, c.status, c.code)
		}
	}
}
