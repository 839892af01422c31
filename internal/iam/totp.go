package iam

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters every authenticator app expects: 160-bit secret, SHA-1,
// 6 digits, 30-second steps.
const (
	totpPeriod     = 30
	totpDigits     = otp.DigitsSix
	totpSecretSize = 20
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// newTOTPKey makes a new secret for issuer/label.
func newTOTPKey(issuer, label string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: label, Period: totpPeriod, SecretSize: totpSecretSize,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
}

// totpStep is the time step t falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// totpCode is the code of secret for a step.
func totpCode(secret string, step int64) (string, error) {
	return totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0).UTC(), totpOpts)
}

// matchTOTP returns the step (T-1, T or T+1 around now) whose code is code,
// or false. Codes are compared in constant time.
func matchTOTP(secret, code string, now time.Time) (int64, bool, error) {
	t := totpStep(now)
	found, step := false, int64(0)
	for s := t - 1; s <= t+1; s++ {
		want, err := totpCode(secret, s)
		if err != nil {
			return 0, false, err
		}
		if constantEqual(want, code) && !found {
			found, step = true, s
		}
	}
	return step, found, nil
}

// validTOTPFormat accepts exactly six ASCII digits: no spaces, no letters,
// no other scripts' digits.
func validTOTPFormat(code string) bool {
	if len(code) != 6 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// qrDataURL renders the key's otpauth:// URL as a PNG data URL, for an
// inline <img> (the CSP allows data: images and nothing inline else).
func qrDataURL(key *otp.Key) (string, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return "", fmt.Errorf("qr image: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("qr png: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// totpKeyFor rebuilds the otpauth key of an enrollment in progress from its
// secret, to draw its QR code again.
func totpKeyFor(issuer, label, secret string) (*otp.Key, error) {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + label}
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	u.RawQuery = q.Encode()
	return otp.NewKeyFromURL(u.String())
}

// totpIssuer names the account in authenticator apps: its alias, else its ID.
func (s *Service) totpIssuer(ctx context.Context, accountID string) (string, error) {
	acct, err := s.store.Account(ctx, accountID)
	if err != nil {
		return "", internal(err, "account")
	}
	if acct.Alias != "" {
		return "IAM Console " + acct.Alias, nil
	}
	return "IAM Console " + acct.ID, nil
}

// consecutiveCodes finds a step st from first to final, after spent (the
// device's last spent step), where code1 is T(st) and code2 T(st+1), and
// returns st+1: the step the pair spends. Every step is compared, in
// constant time, so the time taken says nothing of which matched.
func consecutiveCodes(secret, code1, code2 string, first, final, spent int64) (int64, bool, error) {
	var last int64
	ok := false
	for st := first; st <= final; st++ {
		c1, err1 := totpCode(secret, st)
		c2, err2 := totpCode(secret, st+1)
		if err1 != nil || err2 != nil {
			return 0, false, internal(errors.Join(err1, err2), "totp")
		}
		if constantEqual(c1, code1) && constantEqual(c2, code2) && !ok && st > spent {
			ok, last = true, st+1
		}
	}
	return last, ok, nil
}
