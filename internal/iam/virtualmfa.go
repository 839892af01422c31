package iam

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// Virtual MFA devices through AWS's API. They are the console's devices
// (mfa.go): one table, seeds sealed under the master key with the same
// associated data ("mfa:"+serial), so a device enabled here signs its user
// in to the console, and one enrolled in the console is listed here. A
// device made by CreateVirtualMFADevice and not yet enabled is a row with
// no owner; enabling gives it one, deactivating takes it away. The row's
// CreatedAt is its EnableDate once it is assigned (AWS shows no creation
// date for a device).

// MaxMFADevicesPerUser is AWS's quota of MFA devices a user may have.
const MaxMFADevicesPerUser = 8

// resyncWindow is how far from now, in 30-second steps, ResyncMFADevice
// looks for the two codes: a device out of sync may be minutes off.
const resyncWindow = 20

var (
	virtualMFANameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)
	mfaSerialRE      = regexp.MustCompile(`^[\w+=/:,.@-]+$`)
	authCodeRE       = regexp.MustCompile(`^\d+$`)
)

// VirtualMFADevice is AWS's VirtualMFADevice. Base32StringSeed (the seed
// as base32 text) and QRCodePNG come only from CreateVirtualMFADevice: the
// seed is never shown again. User is the owner of an assigned device
// (root's device shows the account's root).
type VirtualMFADevice struct {
	SerialNumber     string
	Base32StringSeed []byte
	QRCodePNG        []byte
	EnableDate       *time.Time
	User             *User
	Tags             []Tag
}

// CreateVirtualMFADeviceInput is CreateVirtualMFADevice's input.
type CreateVirtualMFADeviceInput struct {
	VirtualMFADeviceName string
	Path                 string
	Tags                 []Tag
}

func noSuchDevice(serial string) *Error {
	return newErr(NotFound, "VirtualMFADevice with serial number %s doesn't exist.", serial)
}

func invalidCode() *Error {
	e := newErr(AccessDenied, "Authentication code for device is not valid.")
	e.Code = "InvalidAuthenticationCode"
	return e
}

// checkSerial checks a SerialNumber parameter as AWS does.
func checkSerial(serial string) error {
	if len(serial) < 9 || len(serial) > 256 {
		return invalidField("SerialNumber", "1 validation error detected: Value '%s' at 'serialNumber' failed to satisfy constraint: Member must have length between 9 and 256", serial)
	}
	if !mfaSerialRE.MatchString(serial) {
		return invalidField("SerialNumber", "1 validation error detected: Value '%s' at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]+", serial)
	}
	return nil
}

// checkCodes checks AuthenticationCode1 and 2: six digits each.
func checkCodes(code1, code2 string) error {
	for i, c := range []string{code1, code2} {
		at := "authenticationCode" + strconv.Itoa(i+1)
		if len(c) != 6 {
			return invalidField("AuthenticationCode"+strconv.Itoa(i+1), "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length 6", c, at)
		}
		if !authCodeRE.MatchString(c) {
			return invalidField("AuthenticationCode"+strconv.Itoa(i+1), "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]+", c, at)
		}
	}
	return nil
}

// CreateVirtualMFADevice makes an unassigned virtual MFA device named
// arn:aws:iam::ACCT:mfa/PATH+NAME and returns its seed and QR code, the
// only time they are shown: iam:CreateVirtualMFADevice on that ARN.
func (s *Service) CreateVirtualMFADevice(ctx context.Context, caller *Principal, in CreateVirtualMFADeviceInput, m Meta) (*VirtualMFADevice, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	name := in.VirtualMFADeviceName
	if len(name) > 226 {
		return nil, invalidField("VirtualMFADeviceName", "1 validation error detected: Value '%s' at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length less than or equal to 226", name)
	}
	if !virtualMFANameRE.MatchString(name) {
		return nil, invalidField("VirtualMFADeviceName", "1 validation error detected: Value '%s' at 'virtualMFADeviceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	path, err := normalizePath("Path", in.Path)
	if err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	serial := serialFor(acct, strings.TrimPrefix(path, "/")+name)
	if err := s.authorizeMeta(ctx, caller, m, "iam:CreateVirtualMFADevice", serial); err != nil {
		return nil, err
	}
	issuer, err := s.totpIssuer(ctx, acct)
	if err != nil {
		return nil, err
	}
	// AWS's QR code names the device and the account: NAME@ACCOUNT.
	key, err := newTOTPKey(issuer, name+"@"+acct)
	if err != nil {
		return nil, internal(err, "totp key")
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, internal(err, "qr image")
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return nil, internal(err, "qr png")
	}
	// The Name column holds 128 characters, AWS's names up to 226: the
	// serial number keeps the whole name, Name (shown by the console
	// only) its first 128 characters (the pattern is ASCII).
	short := name
	if len(short) > 128 {
		short = short[:128]
	}
	d := &models.MFADevice{AccountID: acct, Name: short, SerialNumber: serial,
		SealedSeed: s.cfg.Sealer.Seal([]byte(key.Secret()), []byte("mfa:"+serial)), CreatedAt: s.now()}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.CreateMFADevice(ctx, d); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntityMFA, strconv.FormatUint(d.ID, 10), storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateVirtualMFADevice", resource: serial,
			params: map[string]any{"virtualMFADeviceName": name, "path": path}}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "MFADevice entity at the same path and name already exists.")
	}
	if err != nil {
		return nil, asInternal(err, "create virtual MFA device")
	}
	return &VirtualMFADevice{SerialNumber: serial, Base32StringSeed: []byte(key.Secret()), QRCodePNG: qr.Bytes(), Tags: in.Tags}, nil
}

// deviceOf finds serial among user arn's devices (NoSuchEntity otherwise)
// and opens its seed.
func (s *Service) deviceOf(ctx context.Context, acct, arn, serial string) (*models.MFADevice, string, error) {
	d, err := s.store.MFADeviceBySerial(ctx, acct, serial)
	if errors.Is(err, models.ErrNotFound) || (err == nil && d.OwnerARN != arn) {
		return nil, "", noSuchDevice(serial)
	}
	if err != nil {
		return nil, "", internal(err, "mfa device")
	}
	seed, err := s.cfg.Sealer.Open(d.SealedSeed, []byte("mfa:"+d.SerialNumber))
	if err != nil {
		return nil, "", internal(err, "unseal device")
	}
	return d, string(seed), nil
}

// auditFailure records a refused change (wrong codes) and returns its error.
func (s *Service) auditFailure(ctx context.Context, m Meta, acct string, caller *Principal, ev event, ferr error) error {
	if err := s.audit(ctx, s.store, m, acct, callerARN(caller), ev, ferr); err != nil {
		return err
	}
	return ferr
}

// EnableMFADevice assigns an unassigned virtual device to a user, with two
// consecutive codes of the device: iam:EnableMFADevice on the user. From
// then on the user's console sign-in asks for a code of it.
func (s *Service) EnableMFADevice(ctx context.Context, caller *Principal, userName, serial, code1, code2 string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := checkSerial(serial); err != nil {
		return err
	}
	if err := checkCodes(code1, code2); err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, "iam:EnableMFADevice")
	if err != nil {
		return err
	}
	d, err := s.store.MFADeviceBySerial(ctx, acct, serial)
	if errors.Is(err, models.ErrNotFound) {
		return noSuchDevice(serial)
	}
	if err != nil {
		return internal(err, "mfa device")
	}
	if d.OwnerARN != "" {
		return newErr(AlreadyExists, "MFA Device is already in use.")
	}
	seed, err := s.cfg.Sealer.Open(d.SealedSeed, []byte("mfa:"+d.SerialNumber))
	if err != nil {
		return internal(err, "unseal device")
	}
	ev := event{name: "EnableMFADevice", resource: serial, params: stepParams(caller, map[string]any{"userName": u.Name, "serialNumber": serial})}
	now := totpStep(s.now())
	last, ok, err := consecutiveCodes(string(seed), code1, code2, now-2, now, 0)
	if err != nil {
		return err
	}
	if !ok {
		return s.auditFailure(ctx, m, acct, caller, ev, invalidCode())
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		have, err := tx.MFADevices(ctx, acct, arn)
		if err != nil {
			return err
		}
		if len(have) >= MaxMFADevicesPerUser {
			return newErr(LimitExceeded, "Cannot exceed quota for MFADevicesPerUser: %d", MaxMFADevicesPerUser)
		}
		if err := tx.AssignMFADevice(ctx, acct, d.ID, arn, s.now(), last); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), ev, nil)
	})
	if errors.Is(err, models.ErrConflict) { // a racing request enabled it first
		return newErr(AlreadyExists, "MFA Device is already in use.")
	}
	return asInternal(err, "enable MFA device")
}

// ResyncMFADevice brings a user's device back in step with two consecutive
// codes from up to ten minutes either side of now: iam:ResyncMFADevice on
// the user. Codes already spent are refused.
func (s *Service) ResyncMFADevice(ctx context.Context, caller *Principal, userName, serial, code1, code2 string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := checkSerial(serial); err != nil {
		return err
	}
	if err := checkCodes(code1, code2); err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, "iam:ResyncMFADevice")
	if err != nil {
		return err
	}
	d, seed, err := s.deviceOf(ctx, acct, arn, serial)
	if err != nil {
		return err
	}
	ev := event{name: "ResyncMFADevice", resource: serial, params: map[string]any{"userName": u.Name, "serialNumber": serial}}
	now := totpStep(s.now())
	last, ok, err := consecutiveCodes(seed, code1, code2, now-resyncWindow, now+resyncWindow, d.LastUsedStep)
	if err != nil {
		return err
	}
	if !ok {
		return s.auditFailure(ctx, m, acct, caller, ev, invalidCode())
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		if err := tx.ResyncMFADevice(ctx, acct, d.ID, arn, last); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), ev, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchDevice(serial)
	}
	return asInternal(err, "resync MFA device")
}

// DeactivateMFADevice takes a device from a user and leaves it unassigned
// (DeleteVirtualMFADevice removes it): iam:DeactivateMFADevice on the user.
// The user's console sessions end, as when the console removes a device:
// they were opened with a factor the user no longer has. The last device
// takes the recovery codes with it.
func (s *Service) DeactivateMFADevice(ctx context.Context, caller *Principal, userName, serial string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := checkSerial(serial); err != nil {
		return err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, "iam:DeactivateMFADevice")
	if err != nil {
		return err
	}
	d, _, err := s.deviceOf(ctx, acct, arn, serial)
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityUser, u.UserID, u.Name); err != nil {
			return err
		}
		if err := tx.UnassignMFADevice(ctx, acct, d.ID, arn); err != nil {
			return err
		}
		left, err := tx.MFADevices(ctx, acct, arn)
		if err != nil {
			return err
		}
		if len(left) == 0 {
			if err := tx.ReplaceRecoveryCodes(ctx, acct, arn, nil, s.now()); err != nil {
				return err
			}
		}
		if _, err := tx.DeleteSessionsOf(ctx, acct, arn, ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeactivateMFADevice", resource: serial,
			params: map[string]any{"userName": u.Name, "serialNumber": serial}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchDevice(serial)
	}
	return asInternal(err, "deactivate MFA device")
}

// DeleteVirtualMFADevice removes an unassigned device with its tags:
// iam:DeleteVirtualMFADevice on its ARN. An assigned one is DeleteConflict:
// deactivate it first.
func (s *Service) DeleteVirtualMFADevice(ctx context.Context, caller *Principal, serial string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	if err := checkSerial(serial); err != nil {
		return err
	}
	// The resource is the serial itself: authorizing before the lookup
	// tells a caller without the right nothing of which devices exist.
	if err := s.authorizeMeta(ctx, caller, m, "iam:DeleteVirtualMFADevice", serial); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		d, err := tx.MFADeviceBySerial(ctx, acct, serial)
		if errors.Is(err, models.ErrNotFound) {
			return noSuchDevice(serial)
		}
		if err != nil {
			return err
		}
		if d.OwnerARN != "" {
			return newErr(Conflict, "MFA Device is still in use.")
		}
		if err := tx.DeleteUnassignedMFADevice(ctx, acct, d.ID); err != nil {
			switch {
			case errors.Is(err, models.ErrConflict): // enabled since it was read
				return newErr(Conflict, "MFA Device is still in use.")
			case errors.Is(err, models.ErrNotFound): // deleted since it was read
				return noSuchDevice(serial)
			}
			return err
		}
		if err := tx.DeleteTagsOf(ctx, acct, models.EntityMFA, strconv.FormatUint(d.ID, 10)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteVirtualMFADevice", resource: serial,
			params: map[string]any{"serialNumber": serial}}, nil)
	})
	return asInternal(err, "delete virtual MFA device")
}

// ListVirtualMFADevicesInput is ListVirtualMFADevices' input.
// AssignmentStatus is Assigned, Unassigned or Any (empty: Any).
type ListVirtualMFADevicesInput struct {
	AssignmentStatus string
	Marker           string
	MaxItems         int
}

// ListVirtualMFADevices lists the account's virtual MFA devices by serial
// number, those enrolled in the console among them: iam:ListVirtualMFADevices
// (an action on no resource, "*"). Seeds are never listed.
func (s *Service) ListVirtualMFADevices(ctx context.Context, caller *Principal, in ListVirtualMFADevicesInput, m Meta) ([]VirtualMFADevice, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	switch in.AssignmentStatus {
	case "", "Any", "Assigned", "Unassigned":
	default:
		return nil, "", invalidField("AssignmentStatus", "1 validation error detected: Value '%s' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Unassigned, Any, Assigned]", in.AssignmentStatus)
	}
	f, err := listFilter("", in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, "", err
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:ListVirtualMFADevices", "*"); err != nil {
		return nil, "", err
	}
	all, err := s.store.AllMFADevices(ctx, acct)
	if err != nil {
		return nil, "", internal(err, "mfa devices")
	}
	devs := all[:0]
	for _, d := range all {
		assigned := d.OwnerARN != ""
		if (in.AssignmentStatus == "Assigned" && !assigned) || (in.AssignmentStatus == "Unassigned" && assigned) {
			continue
		}
		devs = append(devs, d)
	}
	sort.Slice(devs, func(i, j int) bool { return devs[i].SerialNumber < devs[j].SerialNumber })
	devs, next, err := pageOf(devs, func(d models.MFADevice) string { return d.SerialNumber }, f)
	if err != nil {
		return nil, "", err
	}
	tags, err := s.store.AccountTags(ctx, acct, models.EntityMFA)
	if err != nil {
		return nil, "", internal(err, "mfa device tags")
	}
	tagsOf := map[string][]Tag{}
	for _, t := range tags {
		tagsOf[t.EntityID] = append(tagsOf[t.EntityID], Tag{Key: t.Key, Value: t.Value})
	}
	owners := map[string]*User{}
	out := make([]VirtualMFADevice, len(devs))
	for i, d := range devs {
		out[i] = VirtualMFADevice{SerialNumber: d.SerialNumber, Tags: tagsOf[strconv.FormatUint(d.ID, 10)]}
		if d.OwnerARN == "" {
			continue
		}
		at := d.CreatedAt.UTC()
		out[i].EnableDate = &at
		u, ok := owners[d.OwnerARN]
		if !ok {
			if u, err = s.ownerOf(ctx, acct, d.OwnerARN); err != nil {
				return nil, "", err
			}
			owners[d.OwnerARN] = u
		}
		out[i].User = u
	}
	return out, next, nil
}

// ownerOf is the User element of an assigned device: the IAM user whose
// ARN owns it, or the account's root (its ID as UserId, as AWS shows it).
func (s *Service) ownerOf(ctx context.Context, acct, arn string) (*User, error) {
	if arn == "arn:aws:iam::"+acct+":root" {
		a, err := s.store.Account(ctx, acct)
		if err != nil {
			return nil, internal(err, "account")
		}
		return &User{UserId: acct, Arn: arn, CreateDate: a.CreatedAt.UTC()}, nil
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	u, err := s.store.User(ctx, acct, name)
	if errors.Is(err, models.ErrNotFound) {
		return &User{Arn: arn}, nil // deleted under the list: the ARN is all there is
	}
	if err != nil {
		return nil, internal(err, "user")
	}
	out := userOut(acct, u)
	return &out, nil
}

// MFADeviceDetail is GetMFADevice's answer.
type MFADeviceDetail struct {
	UserName     string
	SerialNumber string
	EnableDate   time.Time
}

// GetMFADevice describes one of a user's MFA devices (the caller's own
// when userName is empty): iam:GetMFADevice on the user.
func (s *Service) GetMFADevice(ctx context.Context, caller *Principal, userName, serial string, m Meta) (*MFADeviceDetail, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := checkSerial(serial); err != nil {
		return nil, err
	}
	u, arn, err := s.authorizedUser(ctx, caller, acct, userName, m, "iam:GetMFADevice")
	if err != nil {
		return nil, err
	}
	d, _, err := s.deviceOf(ctx, acct, arn, serial)
	if err != nil {
		return nil, err
	}
	return &MFADeviceDetail{UserName: u.Name, SerialNumber: d.SerialNumber, EnableDate: d.CreatedAt.UTC()}, nil
}
