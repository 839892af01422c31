package iam

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/models"
)

// EnrollmentLifetime bounds an unfinished enrollment.
const EnrollmentLifetime = 10 * time.Minute

var mfaNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

// Enrollment is an enrollment in progress, as the enrollment page shows it.
// Secret is the base32 seed: it is shown to its owner while enrolling and
// never again.
type Enrollment struct {
	Name      string
	Serial    string
	Secret    string
	QRDataURL string
	ExpiresAt time.Time
}

// MFADeviceInfo describes a device without its secret.
type MFADeviceInfo struct {
	Name       string
	Serial     string
	EnabledAt  time.Time
	OwnerARN   string
	LastUsedAt time.Time
}

// serialFor is the device's ARN, as AWS names virtual MFA devices.
func serialFor(accountID, name string) string {
	return "arn:aws:iam::" + accountID + ":mfa/" + name
}

// FreshSignIn is how long after a sign-in (or a setup, or a password
// change) enrolling a device does not ask for the password again: the
// person proved it seconds before, and asking again is noise.
const FreshSignIn = 5 * time.Minute

// NeedsReauthentication reports whether enrolling a device must ask for
// p's password again: when its session is older than FreshSignIn.
func (s *Service) NeedsReauthentication(p *Principal) bool {
	return p.SessionID == "" || p.AuthTime.IsZero() || s.now().Sub(p.AuthTime) >= FreshSignIn
}

// reauthenticate checks the caller's password again before a sensitive
// change (enrolling or removing a device, new recovery codes).
func (s *Service) reauthenticate(ctx context.Context, p *Principal, password string) error {
	hash, err := s.passwordHashOf(ctx, p)
	if err != nil {
		return err
	}
	ok, err := auth.VerifyPassword(password, hash)
	if err != nil || !ok {
		return invalidField("password", "The password is not correct.")
	}
	return nil
}

// passwordHashOf returns the stored password hash of a principal.
func (s *Service) passwordHashOf(ctx context.Context, p *Principal) (string, error) {
	if p.IsRoot() {
		acct, err := s.store.Account(ctx, p.AccountID)
		if err != nil {
			return "", internal(err, "account")
		}
		return acct.RootPasswordHash, nil
	}
	if p.Type == TypeUser {
		lp, err := s.store.LoginProfile(ctx, p.AccountID, p.ID)
		if err == nil {
			return lp.PasswordHash, nil
		}
		if !errors.Is(err, models.ErrNotFound) {
			return "", internal(err, "login profile")
		}
	}
	return "", invalidField("password", "This principal has no console password.")
}

// StartEnrollment begins enrolling a virtual MFA device for the caller,
// after checking the caller's password again unless it was checked moments
// ago (NeedsReauthentication). The seed is sealed before it
// is stored; nothing becomes a device until ConfirmEnrollment.
func (s *Service) StartEnrollment(ctx context.Context, p *Principal, name, password string, m Meta) (*Enrollment, error) {
	name = strings.TrimSpace(name)
	if !mfaNameRE.MatchString(name) {
		return nil, invalidField("name", "Use 1 to 128 letters, digits and +=,.@_- for the device name.")
	}
	if err := s.authorizeMeta(ctx, p, m, "iam:CreateVirtualMFADevice", serialFor(p.AccountID, name)); err != nil {
		return nil, err
	}
	if s.NeedsReauthentication(p) {
		if err := s.reauthenticate(ctx, p, password); err != nil {
			return nil, err
		}
	}
	serial := serialFor(p.AccountID, name)
	if _, err := s.store.MFADeviceBySerial(ctx, p.AccountID, serial); err == nil {
		return nil, invalidField("name", "A device with this name already exists. Choose another name.")
	} else if !errors.Is(err, models.ErrNotFound) {
		return nil, internal(err, "device lookup")
	}
	issuer, err := s.totpIssuer(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	key, err := newTOTPKey(issuer, p.Name)
	if err != nil {
		return nil, internal(err, "totp key")
	}
	qr, err := qrDataURL(key)
	if err != nil {
		return nil, internal(err, "qr")
	}
	now := s.now()
	e := &models.MFAEnrollment{AccountID: p.AccountID, OwnerARN: p.ARN, Name: name,
		SealedSeed: s.cfg.Sealer.Seal([]byte(key.Secret()), []byte("enroll:"+p.ARN)), CreatedAt: now, ExpiresAt: now.Add(EnrollmentLifetime)}
	if err := s.store.PutMFAEnrollment(ctx, e); err != nil {
		return nil, internal(err, "store enrollment")
	}
	return &Enrollment{Name: name, Serial: serial, Secret: key.Secret(), QRDataURL: qr, ExpiresAt: e.ExpiresAt}, nil
}

// PendingEnrollment returns the caller's enrollment in progress, with its
// secret and QR code, or NotFound.
func (s *Service) PendingEnrollment(ctx context.Context, p *Principal) (*Enrollment, error) {
	e, secret, err := s.pendingEnrollment(ctx, p)
	if err != nil {
		return nil, err
	}
	issuer, err := s.totpIssuer(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	key, err := totpKeyFor(issuer, p.Name, secret)
	if err != nil {
		return nil, internal(err, "totp key")
	}
	qr, err := qrDataURL(key)
	if err != nil {
		return nil, internal(err, "qr")
	}
	return &Enrollment{Name: e.Name, Serial: serialFor(p.AccountID, e.Name), Secret: secret, QRDataURL: qr, ExpiresAt: e.ExpiresAt}, nil
}

var errNoEnrollment = &Error{Kind: NotFound, Message: "No enrollment is in progress, or it has expired. Start again."}

func (s *Service) pendingEnrollment(ctx context.Context, p *Principal) (*models.MFAEnrollment, string, error) {
	e, err := s.store.MFAEnrollment(ctx, p.AccountID, p.ARN)
	if errors.Is(err, models.ErrNotFound) {
		return nil, "", errNoEnrollment
	}
	if err != nil {
		return nil, "", internal(err, "enrollment")
	}
	if !s.now().Before(e.ExpiresAt) {
		_ = s.store.DeleteMFAEnrollment(ctx, p.AccountID, p.ARN)
		return nil, "", errNoEnrollment
	}
	seed, err := s.cfg.Sealer.Open(e.SealedSeed, []byte("enroll:"+p.ARN))
	if err != nil {
		return nil, "", internal(err, "unseal enrollment")
	}
	return e, string(seed), nil
}

// ConfirmResult is a finished enrollment: the recovery codes, shown once,
// and the caller's new session (its privileges changed, so its ID does).
type ConfirmResult struct {
	Device        MFADeviceInfo
	RecoveryCodes []string
	Session       *SignInResult
}

// ConfirmEnrollment finishes an enrollment with two consecutive codes, as
// AWS asks. A wrong pair leaves no device and ends the enrollment. The codes
// used here are spent: sign-in accepts only later ones.
func (s *Service) ConfirmEnrollment(ctx context.Context, p *Principal, code1, code2 string, m Meta) (*ConfirmResult, error) {
	e, secret, err := s.pendingEnrollment(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeMeta(ctx, p, m, "iam:EnableMFADevice", p.ARN); err != nil {
		return nil, err
	}
	serial := serialFor(p.AccountID, e.Name)
	fail := func(msg string) error {
		ferr := invalidField("code1", "%s", msg)
		terr := s.store.Tx(ctx, func(tx *models.Store) error {
			if err := tx.DeleteMFAEnrollment(ctx, p.AccountID, p.ARN); err != nil && !errors.Is(err, models.ErrNotFound) {
				return err
			}
			return s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "EnableMFADevice", resource: serial}, ferr)
		})
		if terr != nil {
			return asInternal(terr, "end enrollment")
		}
		return ferr
	}
	if !validTOTPFormat(code1) || !validTOTPFormat(code2) {
		return nil, invalidField("code1", "Enter two six-digit codes from your authenticator app.")
	}
	// code1 is T(s) and code2 T(s+1), with s within two steps of now (the
	// second code may be the one showing now).
	now := totpStep(s.now())
	last, ok, err := consecutiveCodes(secret, code1, code2, now-2, now, 0)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fail("Those codes are not two consecutive codes of this device. Scan the QR code again and enter the next two codes.")
	}
	codes, hashes, err := s.newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	res := &ConfirmResult{RecoveryCodes: codes}
	at := s.now()
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockSelf(ctx, tx, p); err != nil {
			return err
		}
		if err := tx.DeleteMFAEnrollment(ctx, p.AccountID, p.ARN); err != nil {
			return err // ErrNotFound: a racing confirmation won
		}
		d := &models.MFADevice{AccountID: p.AccountID, OwnerARN: p.ARN, Name: e.Name, SerialNumber: serial,
			SealedSeed: s.cfg.Sealer.Seal([]byte(secret), []byte("mfa:"+serial)), LastUsedStep: last, CreatedAt: at}
		if err := tx.CreateMFADevice(ctx, d); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, p.AccountID, p.ARN, hashes, at); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "EnableMFADevice", resource: serial,
			params: stepParams(p, map[string]any{"serialNumber": serial})}, nil); err != nil {
			return err
		}
		res.Device = MFADeviceInfo{Name: e.Name, Serial: serial, EnabledAt: at, OwnerARN: p.ARN}
		np := *p
		np.MFA = true
		var err error
		res.Session, err = s.rotateSession(ctx, tx, p, &np, m)
		return err
	})
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrConflict) {
		return nil, errNoEnrollment
	}
	if err != nil {
		return nil, asInternal(err, "confirm enrollment")
	}
	return res, nil
}

// rotateSession replaces the caller's session with one for np (a new ID),
// at a change of privilege. API callers (no session) get none.
func (s *Service) rotateSession(ctx context.Context, tx *models.Store, old, np *Principal, m Meta) (*SignInResult, error) {
	if old.SessionID == "" {
		return nil, nil
	}
	if err := tx.DeleteSession(ctx, old.SessionID); err != nil {
		return nil, err
	}
	return s.createSession(ctx, tx, np, m, "SessionRotated")
}

// RecoveryCodeCount is how many recovery codes a principal has.
const RecoveryCodeCount = 10

var recoveryAlphabet = []byte("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") // no I, O, 0, 1

// newRecoveryCodes makes 10 codes like "K7QX2-MN4PR" (50 bits each) and
// their argon2id hashes.
func (s *Service) newRecoveryCodes() ([]string, []string, error) {
	codes := make([]string, RecoveryCodeCount)
	hashes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, internal(err, "random")
		}
		for j := range b {
			b[j] = recoveryAlphabet[int(b[j])%len(recoveryAlphabet)]
		}
		codes[i] = string(b[:5]) + "-" + string(b[5:])
		h, err := auth.HashPassword(codes[i], s.cfg.Argon2)
		if err != nil {
			return nil, nil, internal(err, "hash recovery code")
		}
		hashes[i] = h
	}
	return codes, hashes, nil
}

// normalizeRecoveryCode accepts a recovery code in any case, with or
// without its dash, and returns its canonical form, or false.
func normalizeRecoveryCode(code string) (string, bool) {
	c := strings.ToUpper(strings.ReplaceAll(code, "-", ""))
	if len(c) != 10 {
		return "", false
	}
	for i := 0; i < len(c); i++ {
		if !strings.ContainsRune(string(recoveryAlphabet), rune(c[i])) {
			return "", false
		}
	}
	return c[:5] + "-" + c[5:], true
}

// RegenerateRecoveryCodes replaces the caller's recovery codes after
// checking the password again; the old set stops working at once.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, p *Principal, password string, m Meta) ([]string, error) {
	if err := s.reauthenticate(ctx, p, password); err != nil {
		return nil, err
	}
	devs, err := s.store.MFADevices(ctx, p.AccountID, p.ARN)
	if err != nil {
		return nil, internal(err, "devices")
	}
	if len(devs) == 0 {
		return nil, newErr(Invalid, "Recovery codes come with an MFA device: enroll one first.")
	}
	codes, hashes, err := s.newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockSelf(ctx, tx, p); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, p.AccountID, p.ARN, hashes, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "RegenerateRecoveryCodes", resource: p.ARN}, nil)
	})
	if err != nil {
		return nil, asInternal(err, "regenerate recovery codes")
	}
	return codes, nil
}

// MFAStatus is what the security page shows a principal of its own MFA.
type MFAStatus struct {
	Devices           []MFADeviceInfo
	RecoveryCodesLeft int
}

// MyMFA lists the caller's devices and how many recovery codes are left.
func (s *Service) MyMFA(ctx context.Context, p *Principal) (*MFAStatus, error) {
	devs, err := s.store.MFADevices(ctx, p.AccountID, p.ARN)
	if err != nil {
		return nil, internal(err, "devices")
	}
	codes, err := s.store.UnusedRecoveryCodes(ctx, p.AccountID, p.ARN)
	if err != nil {
		return nil, internal(err, "recovery codes")
	}
	st := &MFAStatus{RecoveryCodesLeft: len(codes)}
	for _, d := range devs {
		st.Devices = append(st.Devices, MFADeviceInfo{Name: d.Name, Serial: d.SerialNumber, EnabledAt: d.CreatedAt,
			OwnerARN: d.OwnerARN, LastUsedAt: time.Unix(d.LastUsedStep*totpPeriod, 0).UTC()})
	}
	return st, nil
}

// RemoveMFADevice deletes one of the caller's devices after checking the
// password again. Root's last device cannot be removed. The caller's other
// sessions end, and this one is rotated.
func (s *Service) RemoveMFADevice(ctx context.Context, p *Principal, serial, password string, m Meta) (*SignInResult, error) {
	if err := s.authorize(ctx, p, "iam:DeactivateMFADevice", p.ARN); err != nil {
		return nil, err
	}
	if err := s.reauthenticate(ctx, p, password); err != nil {
		return nil, err
	}
	var res *SignInResult
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		// The user first (locks.go): a sign-in with this device locks the
		// user, then updates the device; this ends by opening a session.
		if err := lockSelf(ctx, tx, p); err != nil {
			return err
		}
		devs, err := tx.MFADevices(ctx, p.AccountID, p.ARN)
		if err != nil {
			return err
		}
		var target *models.MFADevice
		for i := range devs {
			if devs[i].SerialNumber == serial {
				target = &devs[i]
			}
		}
		if target == nil {
			return newErr(NotFound, "No MFA device %s.", serial)
		}
		if p.IsRoot() && len(devs) == 1 {
			return newErr(Conflict, "Root must keep at least one MFA device: enroll another before removing this one.")
		}
		if err := tx.DeleteMFADevice(ctx, p.AccountID, target.ID); err != nil {
			return err
		}
		if len(devs) == 1 {
			if err := tx.ReplaceRecoveryCodes(ctx, p.AccountID, p.ARN, nil, s.now()); err != nil {
				return err
			}
		}
		if _, err := tx.DeleteSessionsOf(ctx, p.AccountID, p.ARN, p.SessionID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, m, p.AccountID, p.ARN, event{name: "DeactivateMFADevice", resource: serial,
			params: map[string]any{"serialNumber": serial}}, nil); err != nil {
			return err
		}
		np := *p
		np.MFA = len(devs) > 1
		res, err = s.rotateSession(ctx, tx, p, &np, m)
		return err
	})
	if err != nil {
		return nil, asInternal(err, "remove MFA device")
	}
	return res, nil
}

// ListMFADevices lists a user's MFA devices (the caller's own when
// userName is empty), as AWS's ListMFADevices: iam:ListMFADevices on the
// user.
func (s *Service) ListMFADevices(ctx context.Context, caller *Principal, userName string, m Meta) ([]MFADeviceInfo, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	owner := callerARN(caller)
	if userName != "" {
		u, err := s.store.User(ctx, acct, userName)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return nil, internal(err, "user")
		}
		if u == nil {
			if err := s.authorizeMeta(ctx, caller, m, "iam:ListMFADevices", userARN(acct, "/", userName)); err != nil {
				return nil, err
			}
			return nil, newErr(NotFound, "The user with name %s cannot be found.", userName)
		}
		owner = userARN(acct, u.Path, u.Name)
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ListMFADevices", owner); err != nil {
		return nil, err
	}
	devs, err := s.store.MFADevices(ctx, acct, owner)
	if err != nil {
		return nil, internal(err, "devices")
	}
	out := make([]MFADeviceInfo, len(devs))
	for i, d := range devs {
		out[i] = MFADeviceInfo{Name: d.Name, Serial: d.SerialNumber, EnabledAt: d.CreatedAt, OwnerARN: d.OwnerARN,
			LastUsedAt: time.Unix(d.LastUsedStep*totpPeriod, 0).UTC()}
	}
	return out, nil
}
