package handlers_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

// TestAPIErrorsAroundTheAPI: what the server refuses around the API (its
// body limit, a path under /aws that is no route) is answered by the API in AWS's XML, in the namespace of
// the service the credential scope names; a path that only starts like the
// API's is the console's.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestAPIErrorsAroundTheAPI(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	sts := "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00"
	cases := []struct {
		method, path, auth string
		status             int
		want               string
	}{
		{http.MethodPost, "/aws", "", 413, `xmlns="https://iam.amazonaws.com/doc/2010-05-08/"`},
		{http.MethodPost, "/aws", sts, 413, `xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`},
		{http.MethodPost, "/aws/users", sts, 404, `<Code>NotFound</Code>`},
		// Not the API's: the console's error page.
		{http.MethodPost, "/awsome", "", 413, ``},
		{http.MethodGet, "/awsome", "", 303, ``},
	}
	for _, c := range cases {
		body := "Action=ListUsers"
		if c.status == 413 { // past the server's body limit (1M): refused before the API's handler
			body += "&x=" + strings.Repeat("a", 2<<20)
		}
		r, _ := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		res, err := noRedirect.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		xml := strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml")
		if res.StatusCode != c.status || !strings.Contains(string(b), c.want) || xml != (c.want != "") {
			t.Errorf("%s %s: %d %.300s, want %d with %s", c.method, c.path, res.StatusCode, b, c.status, c.want)
		}
	}
}
