package handlers_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestUnusedFindingsFix: the live account's unused findings link to the
// confirmation step of the change that fixes them, which shows its
// preview; an imported account's findings have no Fix links.
func TestUnusedFindingsFix(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	e.mkUser("hank", "quiet violet harbor 31", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	key, err := e.svc.CreateAccessKey(context.Background(), nil, "hank", iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(100 * 24 * time.Hour)
	b = e.browser() // the session ended with the days gone
	b.login(rootEmail, rootPassword, "/")
	res, body := b.get("/findings?type=&q=hank")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("findings: %d", res.StatusCode)
	}
	fixes := map[string]bool{}
	for _, m := range regexp.MustCompile(`href="([^"]*)" class="fix"`).FindAllStringSubmatch(body, -1) {
		fixes[html.UnescapeString(m[1])] = true
	}
	for _, want := range []string{
		"/users/hank/access-keys/delete?AccessKeyId=" + key.AccessKeyId,
		"/users/hank/login-profile/delete",
	} {
		if !fixes[want] {
			t.Errorf("no Fix link %s in %v", want, fixes)
		}
	}
	var inline string
	for f := range fixes {
		if strings.HasPrefix(f, "/users/hank/inline/delete?PolicyName=") {
			inline = f
		}
	}
	if inline == "" {
		t.Errorf("no Fix link for hank's unused s3 permission in %v", fixes)
	}
	for f := range fixes {
		if !strings.HasPrefix(f, "/users/hank/") {
			continue
		}
		res, body := b.get(f)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="preview"`) {
			t.Errorf("%s: %d, preview shown: %v", f, res.StatusCode, strings.Contains(body, `id="preview"`))
		}
	}
}
