package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Guessability, as NIST SP 800-63B 5.1.1.2 lets a verifier check it: beyond
// the list of common passwords, "repetitive or sequential characters" and
// context words. Length alone lets `aaaaaaaaaaaaaaa` or `password1234567`
// through, and those are among the first guesses of every cracking tool
// (their rules append digits to dictionary words and walk keyboards).
//
// A zxcvbn port was considered: the maintained Go one
// (github.com/ccojocar/zxcvbn-go) returns a score without reasons and brings
// 2.5 MB of dictionaries for what the 10,000-word list here already covers,
// and its score would refuse passphrases our users already have. So this is
// a small checker over that list, each refusal with a reason in words.

// keyboardRows are the walks people type as "sequences" (QWERTY, digits).
var keyboardRows = []string{"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"}

// weakness returns why pw is easy to guess despite its length ("" when it
// is not). pw is already known to be long enough and not itself common.
func weakness(pw string) string {
	l := strings.ToLower(pw)
	if reason := patternWeakness(l); reason != "" {
		return reason
	}
	core, affix := stripAffixes(l)
	if affix == "" || core == "" {
		return ""
	}
	switch {
	case IsCommonPassword(core) || IsCommonPassword(unLeet(core)):
		if onlyDigits(affix) {
			return "it is a common word followed by digits"
		}
		return "it is a common word with digits or symbols added"
	case patternWeakness(core) != "":
		return patternWeakness(core) + ", with digits or symbols added"
	}
	return ""
}

// patternWeakness finds the mechanical patterns: one character repeated, a
// short unit repeated, a run of consecutive characters or keys, too few
// distinct characters.
func patternWeakness(l string) string {
	rs := []rune(l)
	if len(rs) == 0 {
		return ""
	}
	switch p := period(rs); {
	case p == 1:
		return "it repeats one character"
	case p > 0 && IsCommonPassword(string(rs[:p])):
		return "it repeats a common word"
	case p > 0:
		return "it repeats the same few characters"
	}
	if isSequence(rs) {
		return "it is a sequence of consecutive characters or keys, like 12345 or qwerty"
	}
	if distinct(rs) <= 3 {
		return "it uses only a few different characters"
	}
	return ""
}

// period returns the length of the shortest unit whose repetition spells rs
// (the last repetition may be cut short), when it repeats at least twice;
// else 0.
func period(rs []rune) int {
	for p := 1; p <= len(rs)/2; p++ {
		ok := true
		for i := p; i < len(rs) && ok; i++ {
			ok = rs[i] == rs[i-p]
		}
		if ok {
			return p
		}
	}
	return 0
}

// isSequence reports whether every character follows the one before by the
// same step (+1 or -1): in code points (abcde), in the digits with 9
// wrapping to 0 (7890123), or along a keyboard row (qwerty, lkjhg).
func isSequence(rs []rune) bool {
	if len(rs) < 3 {
		return false
	}
	for _, d := range []int{1, -1} {
		for _, next := range []func(rune, int) rune{nextCodePoint, nextDigit, nextKey} {
			if follows(rs, d, next) {
				return true
			}
		}
	}
	return false
}

func follows(rs []rune, d int, next func(rune, int) rune) bool {
	for i := 1; i < len(rs); i++ {
		if n := next(rs[i-1], d); n < 0 || n != rs[i] {
			return false
		}
	}
	return true
}

func nextCodePoint(r rune, d int) rune { return r + rune(d) }

func nextDigit(r rune, d int) rune {
	if r < '0' || r > '9' {
		return -1
	}
	return '0' + rune((int(r-'0')+d+10)%10)
}

// nextKey is the key beside r on its keyboard row, or -1.
func nextKey(r rune, d int) rune {
	for _, row := range keyboardRows {
		if i := strings.IndexRune(row, r); i >= 0 {
			if j := i + d; j >= 0 && j < len(row) {
				return rune(row[j])
			}
			return -1
		}
	}
	return -1
}

func distinct(rs []rune) int {
	seen := map[rune]bool{}
	for _, r := range rs {
		seen[r] = true
	}
	return len(seen)
}

// stripAffixes splits off the digits and symbols at both ends: "p@ss123!"
// gives ("p@ss", "123!"). A core made only of them is returned whole.
func stripAffixes(l string) (core, affix string) {
	notWord := func(r rune) bool { return !unicode.IsLetter(r) }
	core = strings.TrimRightFunc(strings.TrimLeftFunc(l, notWord), notWord)
	if core == "" {
		return l, ""
	}
	start := strings.Index(l, core)
	return core, l[:start] + l[start+len(core):]
}

// unLeet undoes the usual substitutions (p@ssw0rd).
func unLeet(s string) string {
	return strings.NewReplacer("@", "a", "4", "a", "3", "e", "1", "i", "!", "i", "0", "o", "$", "s", "5", "s", "7", "t").Replace(s)
}

func onlyDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return utf8.RuneCountInString(s) > 0
}
