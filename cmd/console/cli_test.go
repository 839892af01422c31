package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBootstrap(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("a long and unguessable passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	weak := filepath.Join(dir, "weak")
	os.WriteFile(weak, []byte("password\n"), 0o600)

	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"weak password", []string{"bootstrap", "--email", "root@example.com", "--password-file", weak, "--data-dir", dir}, 1, "password"},
		{"bad email", []string{"bootstrap", "--email", "nope", "--password-file", pwFile, "--data-dir", dir}, 1, "email"},
		{"missing file", []string{"bootstrap", "--email", "root@example.com", "--password-file", dir + "/none", "--data-dir", dir}, 2, ""},
		// Flags after the subcommand and in any order.
		{"creates root", []string{"bootstrap", "--data-dir", dir, "--password-file", pwFile, "--email", "root@example.com"}, 0, "created"},
		{"root exists", []string{"--data-dir", dir, "bootstrap", "--email", "other@example.com", "--password-file", pwFile}, 1, "root already exists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != c.code || !strings.Contains(out+errOut, c.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
		})
	}
	// The trailing newline was not part of the password, and the setup
	// token is gone: `serve` prints no setup line now.
	srv := startServer(t, "--data-dir", dir)
	if srv.Setup != "" {
		t.Fatalf("setup line after bootstrap: %q", srv.Setup)
	}
}

func TestAdminUnlockCLI(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI(t, "admin", "unlock", "nobody@example.com", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "no failed sign-ins") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"serve", "--addr"}, {"bogus-command", "x"}, {"--db", "mysql://x", "admin", "unlock", "a"}} {
		code, _, errOut := runCLI(t, args...)
		if code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
