package handlers_test

import (
	"context"
	"fmt"
	"net/http"
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
