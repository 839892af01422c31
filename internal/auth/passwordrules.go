package auth

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The 10,000 most common passwords, from the zxcvbn-ts common dictionary
// (MIT, see common-passwords.LICENSE).
//
//go:embed common-passwords.txt
var commonPasswordsFile []byte

var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{}, 10000)
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsFile))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[strings.ToLower(w)] = struct{}{}
		}
	}
	return m
}()

// IsCommonPassword reports whether pw (case-insensitively) is among the
// 10,000 most common passwords.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords[strings.ToLower(pw)]
	return ok
}

// PasswordRules are the AWS account password policy fields that decide what
// a new password may be. The zero value means NIST-minded defaults.
type PasswordRules struct {
	MinimumLength    int
	RequireSymbols   bool
	RequireNumbers   bool
	RequireUppercase bool
	RequireLowercase bool
}

// MinimumPasswordFloor holds whatever a policy says: nothing shorter passes.
const MinimumPasswordFloor = 8

// PasswordError says why a password was refused, in words for the person
// choosing it.
type PasswordError struct{ Reason string }

func (e *PasswordError) Error() string { return e.Reason }

// MaxPasswordLength bounds the work one password costs; AWS allows 128.
const MaxPasswordLength = 128

// CheckPassword returns a *PasswordError when pw breaks the rules, is too
// common or too easy to guess (passwordstrength.go), or contains one of avoid (the user's name, the account alias)
// ignoring case.
func CheckPassword(pw string, r PasswordRules, avoid ...string) error {
	minLen := max(r.MinimumLength, MinimumPasswordFloor)
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return &PasswordError{"The password is not valid UTF-8."}
	case n < minLen:
		return &PasswordError{fmt.Sprintf("The password must be at least %d characters long.", minLen)}
	case n > MaxPasswordLength:
		return &PasswordError{fmt.Sprintf("The password must be at most %d characters long.", MaxPasswordLength)}
	case IsCommonPassword(pw):
		return &PasswordError{"This password is one of the most commonly used passwords. Choose another."}
	}
	if why := weakness(pw); why != "" {
		return &PasswordError{"This password is too easy to guess: " + why + ". A few unrelated words make a strong passphrase."}
	}
	lower := strings.ToLower(pw)
	for _, a := range avoid {
		if a = strings.ToLower(strings.TrimSpace(a)); len(a) >= 3 && strings.Contains(lower, a) {
			return &PasswordError{"The password must not contain your user name or the account alias."}
		}
	}
	var sym, num, up, low bool
	for _, c := range pw {
		switch {
		case unicode.IsDigit(c):
			num = true
		case unicode.IsUpper(c):
			up = true
		case unicode.IsLower(c):
			low = true
		case unicode.IsPunct(c) || unicode.IsSymbol(c):
			sym = true
		}
	}
	switch {
	case r.RequireSymbols && !sym:
		return &PasswordError{"The password must contain at least one symbol."}
	case r.RequireNumbers && !num:
		return &PasswordError{"The password must contain at least one number."}
	case r.RequireUppercase && !up:
		return &PasswordError{"The password must contain at least one uppercase letter."}
	case r.RequireLowercase && !low:
		return &PasswordError{"The password must contain at least one lowercase letter."}
	}
	return nil
}

// Describe lists the rules in words, for the form where a new password is
// chosen: what it must be before it is refused, not after.
func (r PasswordRules) Describe() []string {
	out := []string{fmt.Sprintf("At least %d characters, at most %d (a few unrelated words make a strong passphrase).",
		max(r.MinimumLength, MinimumPasswordFloor), MaxPasswordLength)}
	for _, c := range []struct {
		on   bool
		text string
	}{{r.RequireUppercase, "An uppercase letter."}, {r.RequireLowercase, "A lowercase letter."},
		{r.RequireNumbers, "A number."}, {r.RequireSymbols, "A symbol, such as ! @ # $ %."}} {
		if c.on {
			out = append(out, c.text)
		}
	}
	return append(out, "Not a common password, repeated or sequential characters (aaaa, 12345, qwerty), a common word with digits added, or the user's name.")
}
