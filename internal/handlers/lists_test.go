package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
)

// TestListsSortAndPage: users, groups and roles sort by name either way
// from the column header, and the order holds across pages; the audit log
// reads newest or oldest first, page after page, with its filter kept.
func TestListsSortAndPage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	var names []string
	for i := range 120 {
		n := fmt.Sprintf("u%03d", i)
		names = append(names, n)
		if _, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: n}, m); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "g" + n}, m); err != nil {
			t.Fatal(err)
		}
	}
	link := regexp.MustCompile(`href="(/users\?[^"]*)" id="next-page"`)
	row := regexp.MustCompile(`<a href="/users/(u\d{3})"`)
	walk := func(start string) []string {
		t.Helper()
		var got []string
		for path, pages := start, 0; path != ""; pages++ {
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			res, body := b.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			for _, m := range row.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			path = ""
			if m := link.FindStringSubmatch(body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		return got
	}
	if got := walk("/users"); !slices.Equal(got, names) {
		t.Fatalf("A to Z: %v", got)
	}
	_, body := b.get("/users")
	if !strings.Contains(body, `aria-sort="ascending"`) || !strings.Contains(body, `href="/users?sort=-name"`) {
		t.Fatal("the name header does not offer Z to A")
	}
	rev := slices.Clone(names)
	slices.Reverse(rev)
	if got := walk("/users?sort=-name"); !slices.Equal(got, rev) {
		t.Fatalf("Z to A: %v", got)
	}
	if _, body := b.get("/groups?sort=-name&q=gu11"); !regexp.MustCompile(`(?s)gu119.*gu118.*gu110`).MatchString(body) ||
		!strings.Contains(body, `aria-sort="descending"`) || !strings.Contains(body, `name="sort" value="-name"`) {
		t.Fatal("groups Z to A with a search")
	}

	// The audit log: 240 creations and the sign-up's events, both ways.
	event := regexp.MustCompile(`<summary>(Create(?:User|Group))</summary>`)
	next := regexp.MustCompile(`href="(/audit\?[^"]*)" id="next-page"`)
	audit := func(start string) []string {
		t.Helper()
		var got []string
		for path, pages := start, 0; path != ""; pages++ {
			if pages > 10 {
				t.Fatal("audit paging does not end")
			}
			_, body := b.get(path)
			for _, m := range event.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			path = ""
			if m := next.FindStringSubmatch(body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		return got
	}
	newest, oldest := audit("/audit?event=CreateUser"), audit("/audit?event=CreateUser&sort=oldest")
	if len(newest) != 120 || len(oldest) != 120 {
		t.Fatalf("CreateUser events: %d newest first, %d oldest first, want 120", len(newest), len(oldest))
	}
	_, body = b.get("/audit?event=CreateUser&sort=oldest")
	if !strings.Contains(body, `aria-sort="ascending"`) || !strings.Contains(body, "u000") || strings.Contains(body, "u119") {
		t.Fatal("oldest first does not start with the first user")
	}
}

// TestPoliciesListSortAndPage: the policies list merges AWS's 1,594
// managed policies and the account's own by name, A to Z or Z to A from
// the column header, server side, page after page (the account's policy
// first where it shares AWS's name); a scope keeps the order across its
// pages.
func TestPoliciesListSortAndPage(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	type entry struct{ key, arn string }
	var want []entry
	for _, bp := range iam.Builtins() {
		want = append(want, entry{strings.ToLower(bp.Name), bp.ARN()})
	}
	for _, n := range []string{"aaa-first", "readonlyaccess", "ZZZ-last", "Middle"} {
		p, err := e.svc.CreatePolicy(ctx, nil, iam.CreatePolicyInput{PolicyName: n, PolicyDocument: doc}, m)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, entry{strings.ToLower(n), p.Arn})
	}
	local := func(arn string) bool { return !strings.HasPrefix(arn, "arn:aws:iam::aws:") }
	order := func(desc bool) []string {
		s := slices.Clone(want)
		slices.SortStableFunc(s, func(a, b entry) int {
			if c := strings.Compare(a.key, b.key); c != 0 {
				if desc {
					return -c
				}
				return c
			}
			switch { // the account's own first on a shared name
			case local(a.arn) && !local(b.arn):
				return -1
			case local(b.arn) && !local(a.arn):
				return 1
			}
			return 0
		})
		out := make([]string, len(s))
		for i, x := range s {
			out[i] = x.arn
		}
		return out
	}
	link := regexp.MustCompile(`href="(/policies\?[^"]*)" id="next-page"`)
	row := regexp.MustCompile(`<a href="/policies/view\?arn=([^"]+)">`)
	walk := func(start string) []string {
		t.Helper()
		var got []string
		for path, pages := start, 0; path != ""; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			res, body := b.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			for _, m := range row.FindAllStringSubmatch(body, -1) {
				arn, err := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, arn)
			}
			path = ""
			if m := link.FindStringSubmatch(body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		return got
	}
	if len(want) != 1598 {
		t.Fatalf("%d policies in all, want 1,594 of AWS's and 4 of the account's", len(want))
	}
	for _, tc := range []struct {
		start string
		desc  bool
	}{{"/policies", false}, {"/policies?sort=-name", true}} {
		if got, w := walk(tc.start), order(tc.desc); !slices.Equal(got, w) {
			t.Errorf("%s: %d rows, want %d in order; first %v", tc.start, len(got), len(w), got[:min(5, len(got))])
		}
	}
	_, body := b.get("/policies")
	if !strings.Contains(body, `aria-sort="ascending"`) || !strings.Contains(body, `href="/policies?scope=All&amp;sort=-name"`) {
		t.Fatal("the name header does not offer Z to A")
	}
	// A scope keeps the order on its pages, its tabs keep it too.
	_, body = b.get("/policies?scope=AWS&sort=-name")
	if m := link.FindStringSubmatch(body); m == nil || !strings.Contains(m[1], "scope=AWS") || !strings.Contains(m[1], "sort=-name") {
		t.Fatalf("AWS scope Z to A: next page %v", m)
	}
	if !strings.Contains(body, `href="/policies?scope=Local&amp;sort=-name"`) || !strings.Contains(body, `name="sort" value="-name"`) {
		t.Fatal("the scope tabs or the search form lose the order")
	}
	if _, body = b.get("/policies?scope=Local&sort=-name"); !regexp.MustCompile(`(?s)ZZZ-last.*readonlyaccess.*Middle.*aaa-first`).MatchString(body) {
		t.Fatal("customer managed Z to A")
	}
}

// TestAuditFilterByPrincipalAndEvent: the audit log filters by principal
// and by event name, together, and keeps both filters page after page in
// either order.
func TestAuditFilterByPrincipalAndEvent(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	ctx, m := context.Background(), iam.Meta{}
	for i := range 40 { // by the operator: another principal
		if _, err := e.svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: fmt.Sprintf("op%02d", i)}, m); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 60 { // by root, through the console
		if res, body := b.form("/users/new", "/users", "UserName", fmt.Sprintf("root%02d", i)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create user: %d %s", res.StatusCode, body)
		}
	}
	if res, body := b.form("/groups/new", "/groups", "GroupName", "rootgroup"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create group: %d %s", res.StatusCode, body)
	}
	root := url.QueryEscape("arn:aws:iam::" + mustAccount(t, e) + ":root")
	event := regexp.MustCompile(`<summary>(Create(?:User|Group))</summary>`)
	next := regexp.MustCompile(`href="(/audit\?[^"]*)" id="next-page"`)
	count := func(start string) map[string]int {
		t.Helper()
		got := map[string]int{}
		for path, pages := start, 0; path != ""; pages++ {
			if pages > 10 {
				t.Fatal("audit paging does not end")
			}
			_, body := b.get(path)
			for _, m := range event.FindAllStringSubmatch(body, -1) {
				got[m[1]]++
			}
			path = ""
			if m := next.FindStringSubmatch(body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		return got
	}
	for _, tc := range []struct {
		query         string
		users, groups int
	}{
		{"principal=" + root + "&event=CreateUser", 60, 0},
		{"principal=" + root + "&event=CreateUser&sort=oldest", 60, 0},
		{"principal=" + root, 60, 1},
		{"event=CreateUser", 100, 0},
		{"event=CreateUser&sort=oldest", 100, 0},
		{"principal=" + url.QueryEscape("arn:aws:iam::"+mustAccount(t, e)+":user/nobody"), 0, 0},
	} {
		if got := count("/audit?" + tc.query); got["CreateUser"] != tc.users || got["CreateGroup"] != tc.groups {
			t.Errorf("%s: %v, want %d CreateUser and %d CreateGroup", tc.query, got, tc.users, tc.groups)
		}
	}
}
