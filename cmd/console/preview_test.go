package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreviewCommand: `console preview` on the seeded review scenario says
// who a change would make admin, saves nothing, fails a check with status
// 3 on request, and refuses incomplete or wrong input with exit status 1.
func TestPreviewCommand(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("a long and unguessable passphrase\n"), 0o600)
	if code, out, errOut := runCLI(t, "admin", "seed", "--email", "root@example.com", "--password-file", pw, "--data-dir", dir); code != 0 {
		t.Fatalf("seed: %s %s", out, errOut)
	}
	preview := func(args ...string) (int, string, string) {
		return runCLI(t, append([]string{"preview", "--data-dir", dir}, args...)...)
	}
	attach := []string{"attach", "--group", "Auditors", "--policy", "AdministratorAccess"}
	for range 2 { // the same twice: the first saved nothing
		code, out, errOut := preview(attach...)
		var p struct {
			Summary     string
			AdminsAdded []struct{ Principal, Words string }
			Access      []struct {
				Principal string
				Gained    []struct{ Service, Access string }
			}
		}
		if code != 0 || json.Unmarshal([]byte(out), &p) != nil {
			t.Fatalf("preview: %d %s %s", code, out, errOut)
		}
		if len(p.AdminsAdded) == 0 || len(p.Access) == 0 || !strings.Contains(p.AdminsAdded[0].Words, "member of → Auditors") {
			t.Fatalf("AdministratorAccess on Auditors: %+v", p)
		}
	}
	code, out, _ := preview(append(attach, "--format", "text")...)
	if code != 0 || !strings.Contains(out, "Can become admin") || !strings.Contains(out, "member of → Auditors") {
		t.Fatalf("text: %d\n%s", code, out)
	}
	if code, _, errOut := preview(append(attach, "--fail-on-new-admin")...); code != 3 || !strings.Contains(errOut, "become admin") {
		t.Fatalf("--fail-on-new-admin: %d %s", code, errOut)
	}
	// Detaching ReadOnlyAccess from Auditors opens no way to admin.
	if code, _, errOut := preview("detach", "--group", "Auditors", "--policy", "ReadOnlyAccess", "--fail-on-new-admin"); code != 0 {
		t.Fatalf("a detach: %d %s", code, errOut)
	}

	doc := filepath.Join(t.TempDir(), "trust.json")
	os.WriteFile(doc, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`), 0o600)
	code, out, errOut := preview("trust", "--role", "BreakGlass", "--document-file", doc)
	var p struct {
		Entering []struct{ Principal, Words string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil || len(p.Entering) == 0 {
		t.Fatalf("a trust open to anyone: %d %s %s", code, out, errOut)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"attach", "--policy", "AdministratorAccess"}, "--user, --group or --role"},
		{[]string{"attach", "--user", "nobody", "--policy", "AdministratorAccess"}, "nobody"},
		{[]string{"attach", "--user", "alice", "--policy", "NoSuchPolicyAnywhere"}, "NoSuchPolicyAnywhere"},
		{[]string{"put-inline", "--user", "alice", "--name", "x"}, "--document-file"},
		{[]string{"trust", "--user", "alice", "--document-file", doc}, "Only a role"},
	} {
		if code, _, errOut := preview(c.args...); code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q lacks %q", c.args, code, errOut, c.want)
		}
	}
	if code, _, _ := preview("rename", "--user", "alice"); code != 2 {
		t.Errorf("an unknown change: exit %d, want 2 (usage)", code)
	}
}
