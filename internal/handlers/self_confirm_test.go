package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/models"
)

// TestOwnCredentialsConfirm: regenerating one's recovery codes and removing
// one's MFA device go through the confirmation step, which asks for the
// password too: posted without `confirm` (even with the password) nothing
// changes and the step answers 422; confirmed, the action is done.
func TestOwnCredentialsConfirm(t *testing.T) {
	e := newEnv(t, handlers.Config{})
	b := e.browser()
	b.setup()
	b.enrollWith("tablet", rootPassword)
	acct := mustAccount(t, e)
	regenerated := func() int {
		t.Helper()
		evs, err := e.store.ListAudit(context.Background(), acct, models.AuditFilter{EventName: "RegenerateRecoveryCodes", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	_, sec := b.get("/security")
	m := regexp.MustCompile(`href="(/mfa/devices/delete\?serial=[^"]*tablet)"`).FindStringSubmatch(sec)
	if m == nil || !strings.Contains(sec, `href="/mfa/recovery-codes"`) {
		t.Fatal("the security page does not link to the steps")
	}
	deviceStep := html.UnescapeString(m[1])
	u, _ := url.Parse(deviceStep)
	serial := u.Query().Get("serial")

	for _, tc := range []struct {
		name, step string
		fields     url.Values
		doneStatus int
		done       func() bool
	}{
		{"recovery codes", "/mfa/recovery-codes", url.Values{}, http.StatusOK, func() bool { return regenerated() == 1 }},
		{"MFA device", deviceStep, url.Values{"serial": {serial}}, http.StatusSeeOther, func() bool {
			_, sec := b.get("/security")
			return !strings.Contains(sec, serial)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.get(tc.step)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="confirm-password"`) {
				t.Fatalf("step: %d, password field %v", res.StatusCode, strings.Contains(body, `id="confirm-password"`))
			}
			form := url.Values{"_csrf": {csrfField.FindStringSubmatch(body)[1]}, "password": {rootPassword}}
			for k, v := range tc.fields {
				form[k] = v
			}
			action := strings.SplitN(tc.step, "?", 2)[0]
			res, body = b.post(action, form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was changed") || strings.Contains(body, rootPassword) {
				t.Fatalf("unconfirmed: %d", res.StatusCode)
			}
			if tc.done() {
				t.Fatal("done without confirmation")
			}
			form.Set("confirm", "yes")
			if res, _ = b.post(action, form); res.StatusCode != tc.doneStatus {
				t.Fatalf("confirmed: %d", res.StatusCode)
			}
			if !tc.done() {
				t.Fatal("not done once confirmed")
			}
		})
	}
}
