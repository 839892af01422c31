package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamconsole/console/internal/browsertest"
	"github.com/iamconsole/console/internal/handlers"
)

// TestBrowserPathsToAdmin: in Chromium, the paths page of a small
// hand-made account draws alice → developers → ops-admin →
// AdministratorAccess and says it in words; who-can says "via group".
func TestBrowserPathsToAdmin(t *testing.T) {
	ctx := browsertest.New(t)
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	acct := importOps(t, e).AccountID
	browserAdmin(t, ctx, e, b)
	alice := "arn:aws:iam::" + acct + ":user/alice"

	browsertest.Step(t, ctx, "paths to admin from the navigation",
		chromedp.Navigate(e.srv.URL+"/paths?account="+acct),
		chromedp.WaitVisible("#nav-paths"),
		chromedp.WaitVisible("#paths ol.chain"),
	)
	if got := browsertest.Text(t, ctx, "#paths-count"); !strings.Contains(got, "8 principals can reach full access") {
		t.Errorf("count: %q", got)
	}
	browsertest.Screenshot(t, ctx, "paths-to-admin")
	browsertest.Step(t, ctx, "alice's path",
		chromedp.Navigate(e.srv.URL+"/paths?account="+acct+"&from="+url.QueryEscape(alice)),
		chromedp.WaitVisible("#paths ol.chain"),
	)
	chain := browsertest.Text(t, ctx, "#paths ol.chain")
	// The chain's boxes in order, each step's verb between them.
	var at int
	for _, want := range []string{"user/alice", "member of", "developers", "can assume", "ops-admin", "has", "AdministratorAccess"} {
		i := strings.Index(chain[at:], want)
		if i < 0 {
			t.Fatalf("the chain %q lacks %q after position %d", chain, want, at)
		}
		at += i + len(want)
	}
	if said := browsertest.Text(t, ctx, "#paths p.said"); said != aliceSaid {
		t.Errorf("said: %q", said)
	}
	if st := browsertest.Text(t, ctx, "#paths tbody td:last-child"); !strings.Contains(st, "AssumeOps") || !strings.Contains(st, "AdministratorAccess v1") {
		t.Errorf("deciding statements: %q", st)
	}

	browsertest.Step(t, ctx, "who-can",
		chromedp.Navigate(e.srv.URL+"/who-can?account="+acct+"&action=iam:PassRole&resource="+url.QueryEscape("arn:aws:iam::"+acct+":role/lambda-admin")),
		chromedp.WaitVisible("#who-can"),
	)
	if got := browsertest.Text(t, ctx, "#who-can tbody"); !strings.Contains(got, "via group developers") {
		t.Errorf("who-can: %q", got)
	}
	browsertest.Step(t, ctx, "who-can by a chain",
		chromedp.Navigate(e.srv.URL+"/who-can?account="+acct+"&action=iam:CreateUser&resource=*"),
		chromedp.WaitVisible("#who-can"),
	)
	if got := browsertest.Text(t, ctx, "#who-can tbody"); !strings.Contains(got, "via group developers, via role ops-admin (assumed)") {
		t.Errorf("who-can by a chain: %q", got)
	}
	browsertest.Screenshot(t, ctx, "who-can-chains")
}
