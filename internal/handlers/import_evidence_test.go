package handlers_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
)

// TestImportUploadEvidence: the /import page's optional credential report
// and last-accessed files give the imported account's findings page the
// credential and unused-access findings; a bad file is an error on its
// field naming where it is bad, and nothing is imported.
func TestImportUploadEvidence(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	dir := filepath.Join("..", "graph", "testdata", "evidence")
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	post := func(files map[string][]byte) (*http.Response, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("_csrf", b.csrf("/import"))
		for field, content := range files {
			fw, _ := w.CreateFormFile(field, field+".dat")
			fw.Write(content)
		}
		w.Close()
		req, _ := http.NewRequest("POST", e.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(body)
	}
	for _, tc := range []struct {
		name, field, bad, says string
	}{
		{"bad csv", "credential_report", "user,arn\nalice,x\n", `line 1: column &#34;user_creation_time&#34; missing`},
		{"bad json", "last_accessed", `[{"Arn": "x", "ServicesLastAccessed": [{"ServiceName": "S3"}]}]`, "field ServiceNamespace missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := post(map[string][]byte{"file": read("dump.json"), tc.field: []byte(tc.bad)})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) || !strings.Contains(body, tc.says) {
				t.Fatalf("%d %s", res.StatusCode, fieldErrorsOf(body))
			}
		})
	}
	if res, body := b.get("/findings?account=111122223333"); res.StatusCode == http.StatusOK && strings.Contains(body, "111122223333") {
		t.Fatal("a failed import left the account behind")
	}

	res, _ := post(map[string][]byte{"file": read("dump.json"), "credential_report": read("credential-report.csv"), "last_accessed": read("last-accessed.json")})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/findings?account=111122223333" {
		t.Fatalf("upload: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := b.get(res.Header.Get("Location"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("findings: %d", res.StatusCode)
	}
	if strings.Contains(body, `class="fix"`) {
		t.Error("an imported (read-only) account's findings have Fix links")
	}
	for _, want := range []string{"UserWithoutMFA", "StaleAccessKey", "InactiveUser", "UnusedAccessKey", "UnusedPassword", "UnusedPermission", "ec2 (never used)"} {
		if !strings.Contains(body, want) {
			t.Errorf("findings page lacks %q", want)
		}
	}
}
