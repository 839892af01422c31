package auth

import (
	"strings"
	"testing"
)

func TestHashPasswordRoundTrip(t *testing.T) {
	long := strings.Repeat("a", 99)
	h, err := HashPassword(long+"b", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not record its parameters", h)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{
		{long + "b", true},
		{long + "c", false}, // byte 100 matters: nothing is truncated
		{long, false},
		{"", false},
	} {
		got, err := VerifyPassword(c.pw, h)
		if err != nil || got != c.want {
			t.Errorf("VerifyPassword(len %d) = %v, %v; want %v", len(c.pw), got, err, c.want)
		}
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=18$m=1,t=1,p=1$AA$AA",
		"$argon2id$v=19$m=0,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", "$argon2id$v=19$m=64,t=1,p=1$!!$AA"} {
		if ok, err := VerifyPassword("x", h); ok || err != ErrMalformedHash {
			t.Errorf("VerifyPassword(%q) = %v, %v", h, ok, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	nist := PasswordRules{MinimumLength: 15}
	cases := []struct {
		name  string
		pw    string
		rules PasswordRules
		avoid []string
		ok    bool
	}{
		{"long passphrase", "purple monkey dishwasher", nist, nil, true},
		{"too short", "purple monkey", nist, nil, false},
		{"floor of 8 whatever the policy", "abcdefg", PasswordRules{MinimumLength: 6}, nil, false},
		{"8 allowed when policy says 8", "vX9#tq2!", PasswordRules{MinimumLength: 8}, nil, true},
		{"common", "password", PasswordRules{}, nil, false},
		{"common, other case", "PassWord", PasswordRules{}, nil, false},
		{"common 15+", "mailcreated5240", nist, nil, false},
		{"contains user name", "alice-likes-long-walks", nist, []string{"Alice"}, false},
		{"contains alias", "acme-corp-secret-phrase", nist, []string{"acme"}, false},
		{"no composition by default", "all lower case words here", nist, nil, true},
		{"symbols required", "all lower case words here", PasswordRules{RequireSymbols: true}, nil, false},
		{"symbol present", "all lower-case words here", PasswordRules{RequireSymbols: true}, nil, true},
		{"numbers required", "all lower case words", PasswordRules{RequireNumbers: true}, nil, false},
		{"uppercase required", "all lower case words", PasswordRules{RequireUppercase: true}, nil, false},
		{"lowercase required", "ALL UPPER CASE WORDS", PasswordRules{RequireLowercase: true}, nil, false},
		{"all classes", "Tr0ub4dor&3-extra", PasswordRules{RequireSymbols: true, RequireNumbers: true, RequireUppercase: true, RequireLowercase: true}, nil, true},
		{"too long", strings.Repeat("x", 129), PasswordRules{}, nil, false},
		{"invalid utf-8", "abcdefgh\xff", PasswordRules{}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPassword(c.pw, c.rules, c.avoid...)
			if (err == nil) != c.ok {
				t.Fatalf("CheckPassword(%q) = %v, want ok=%v", c.pw, err, c.ok)
			}
		})
	}
}

func TestCommonPasswordList(t *testing.T) {
	if n := len(commonPasswords); n < 9900 {
		t.Fatalf("common password list has %d entries, want about 10,000", n)
	}
	for _, pw := range []string{"123456", "qwerty", "letmein", "dragon"} {
		if !IsCommonPassword(pw) {
			t.Errorf("%q is not in the list", pw)
		}
	}
}

func TestSealer(t *testing.T) {
	key := make([]byte, 32)
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal([]byte("seed"), []byte("mfa/alice"))
	if pt, err := s.Open(sealed, []byte("mfa/alice")); err != nil || string(pt) != "seed" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	if _, err := s.Open(sealed, []byte("mfa/bob")); err != ErrUnseal {
		t.Fatal("a sealed value opened under another binding")
	}
	other, _ := NewSealer(append([]byte{1}, key[1:]...))
	if _, err := other.Open(sealed, []byte("mfa/alice")); err != ErrUnseal {
		t.Fatal("a sealed value opened under another key")
	}
	if _, err := NewSealer(key[:16]); err == nil {
		t.Fatal("a 16-byte master key was accepted")
	}
}

func TestMasterKeyFile(t *testing.T) {
	path := t.TempDir() + "/k/master.key"
	if _, err := LoadOrCreateMasterKey(path, false); err == nil {
		t.Fatal("missing key file accepted without create")
	}
	k1, err := LoadOrCreateMasterKey(path, true)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateMasterKey(path, true)
	if err != nil || string(k1) != string(k2) {
		t.Fatal("second load made a new key")
	}
}

// TestPasswordGuessability: long passwords that cracking tools try first are
// refused with the reason in words; passphrases and random strings pass.
func TestPasswordGuessability(t *testing.T) {
	nist := PasswordRules{MinimumLength: 15}
	cases := []struct {
		pw, reason string // reason "" = accepted
	}{
		{"password1234567", "a common word followed by digits"},
		{"aaaaaaaaaaaaaaa", "repeats one character"},
		{"123456789012345", "sequence of consecutive characters"},
		{"passwordpassword", "repeats a common word"},
		{"987654321098765", "sequence of consecutive characters"},
		{"abcdefghijklmnop", "sequence of consecutive characters"},
		{"qwertyuiop12345", "a common word followed by digits"}, // qwertyuiop is on the list
		{"lkjhgfdsa%%%%%%", "sequence of consecutive characters or keys, like 12345 or qwerty, with digits or symbols added"},
		{"abcabcabcabcabc", "repeats the same few characters"},
		{"P@ssw0rd2024!!!!", "a common word with digits or symbols added"},
		{"Sunshine2024202", "a common word followed by digits"},
		{"ababababababab1a", "only a few different characters"},
		{"correct horse battery staple", ""},
		{"839201746592013", ""},
		{"plenty of entropy in this phrase", ""},
		{"vX9#tq2!mK4$zL7p", ""},
	}
	for _, c := range cases {
		t.Run(c.pw, func(t *testing.T) {
			err := CheckPassword(c.pw, nist)
			switch {
			case c.reason == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.reason != "" && (err == nil || !strings.Contains(err.Error(), c.reason)):
				t.Fatalf("got %v, want a refusal saying %q", err, c.reason)
			}
		})
	}
}

func TestPasswordRulesDescribe(t *testing.T) {
	got := strings.Join(PasswordRules{MinimumLength: 12, RequireSymbols: true}.Describe(), "\n")
	for _, want := range []string{"At least 12 characters", "A symbol", "common word with digits"} {
		if !strings.Contains(got, want) {
			t.Errorf("rules %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "uppercase") {
		t.Errorf("rules %q name a class not required", got)
	}
}
