package models

import (
	"context"
	"time"
)

// PutMFAEnrollment starts (or restarts) the principal's enrollment: any
// earlier unfinished one is replaced.
func (s *Store) PutMFAEnrollment(ctx context.Context, e *MFAEnrollment) error {
	if err := s.q(ctx).Where("account_id = ? AND owner_arn = ?", e.AccountID, e.OwnerARN).Delete(&MFAEnrollment{}).Error; err != nil {
		return translate(err, "replace MFA enrollment")
	}
	return translate(s.q(ctx).Create(e).Error, "create MFA enrollment")
}

// MFAEnrollment returns the principal's enrollment in progress.
func (s *Store) MFAEnrollment(ctx context.Context, accountID, ownerARN string) (*MFAEnrollment, error) {
	var e MFAEnrollment
	err := s.q(ctx).Where("account_id = ? AND owner_arn = ?", accountID, ownerARN).Take(&e).Error
	if err != nil {
		return nil, translate(err, "MFA enrollment")
	}
	return &e, nil
}

// DeleteMFAEnrollment drops the principal's enrollment in progress. It
// returns ErrNotFound when there was none, so two confirmations racing with
// the same codes cannot both make a device.
func (s *Store) DeleteMFAEnrollment(ctx context.Context, accountID, ownerARN string) error {
	res := s.q(ctx).Where("account_id = ? AND owner_arn = ?", accountID, ownerARN).Delete(&MFAEnrollment{})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "delete MFA enrollment")
	}
	return translate(res.Error, "delete MFA enrollment")
}

// CreateMFADevice stores a confirmed device.
func (s *Store) CreateMFADevice(ctx context.Context, d *MFADevice) error {
	return translate(s.q(ctx).Create(d).Error, "create MFA device")
}

// MFADevices lists a principal's devices, oldest first.
func (s *Store) MFADevices(ctx context.Context, accountID, ownerARN string) ([]MFADevice, error) {
	var ds []MFADevice
	err := s.q(ctx).Where("account_id = ? AND owner_arn = ?", accountID, ownerARN).Order("id").Find(&ds).Error
	return ds, translate(err, "list MFA devices")
}

// AllMFADevices lists every device of an account (for ListMFADevices
// without a user, the credential report and the dashboard).
func (s *Store) AllMFADevices(ctx context.Context, accountID string) ([]MFADevice, error) {
	var ds []MFADevice
	err := s.q(ctx).Where("account_id = ?", accountID).Order("id").Find(&ds).Error
	return ds, translate(err, "list MFA devices")
}

// MFADeviceBySerial returns one device of an account by serial number (ARN).
func (s *Store) MFADeviceBySerial(ctx context.Context, accountID, serial string) (*MFADevice, error) {
	var d MFADevice
	if err := s.q(ctx).Where("account_id = ? AND serial_number = ?", accountID, serial).Take(&d).Error; err != nil {
		return nil, translate(err, "MFA device "+serial)
	}
	return &d, nil
}

// DeleteMFADevice removes a device.
func (s *Store) DeleteMFADevice(ctx context.Context, accountID string, id uint64) error {
	res := s.q(ctx).Where("account_id = ? AND id = ?", accountID, id).Delete(&MFADevice{})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "delete MFA device")
	}
	return translate(res.Error, "delete MFA device")
}

// ConsumeTOTPStep records that a device's code for step was used, only if
// no code of that step or a later one was used before. It is one
// conditional UPDATE, so of two requests racing with the same code exactly
// one sees true, on SQLite and PostgreSQL alike.
func (s *Store) ConsumeTOTPStep(ctx context.Context, accountID string, deviceID uint64, step int64) (bool, error) {
	res := s.q(ctx).Model(&MFADevice{}).
		Where("account_id = ? AND id = ? AND last_used_step < ?", accountID, deviceID, step).
		Update("last_used_step", step)
	return res.RowsAffected == 1, translate(res.Error, "consume TOTP step")
}

// CreateMFAChallenge stores the pending MFA step of a sign-in.
func (s *Store) CreateMFAChallenge(ctx context.Context, c *MFAChallenge) error {
	return translate(s.q(ctx).Create(c).Error, "create MFA challenge")
}

// MFAChallenge returns a pending MFA step that has not expired at now.
func (s *Store) MFAChallenge(ctx context.Context, idHash string, now time.Time) (*MFAChallenge, error) {
	var c MFAChallenge
	if err := s.q(ctx).Where("id_hash = ? AND expires_at > ?", idHash, now).Take(&c).Error; err != nil {
		return nil, translate(err, "MFA challenge")
	}
	return &c, nil
}

// TakeMFAChallenge deletes a pending MFA step, returning ErrNotFound when it
// is already gone: whoever deletes it is the one sign-in it completes.
func (s *Store) TakeMFAChallenge(ctx context.Context, idHash string) error {
	res := s.q(ctx).Where("id_hash = ?", idHash).Delete(&MFAChallenge{})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "take MFA challenge")
	}
	return translate(res.Error, "take MFA challenge")
}

// ReplaceRecoveryCodes invalidates a principal's recovery codes and stores
// new hashes.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, accountID, ownerARN string, hashes []string, now time.Time) error {
	if err := s.q(ctx).Where("account_id = ? AND owner_arn = ?", accountID, ownerARN).Delete(&RecoveryCode{}).Error; err != nil {
		return translate(err, "delete recovery codes")
	}
	codes := make([]RecoveryCode, len(hashes))
	for i, h := range hashes {
		codes[i] = RecoveryCode{AccountID: accountID, OwnerARN: ownerARN, Hash: h, CreatedAt: now}
	}
	if len(codes) == 0 {
		return nil
	}
	return translate(s.q(ctx).Create(&codes).Error, "create recovery codes")
}

// UnusedRecoveryCodes lists a principal's recovery codes not yet used.
func (s *Store) UnusedRecoveryCodes(ctx context.Context, accountID, ownerARN string) ([]RecoveryCode, error) {
	var cs []RecoveryCode
	err := s.q(ctx).Where("account_id = ? AND owner_arn = ? AND used_at IS NULL", accountID, ownerARN).Order("id").Find(&cs).Error
	return cs, translate(err, "recovery codes")
}

// UseRecoveryCode marks a code used, only if it was not: false means another
// request used it first.
func (s *Store) UseRecoveryCode(ctx context.Context, accountID string, id uint64, now time.Time) (bool, error) {
	res := s.q(ctx).Model(&RecoveryCode{}).Where("account_id = ? AND id = ? AND used_at IS NULL", accountID, id).Update("used_at", now)
	return res.RowsAffected == 1, translate(res.Error, "use recovery code")
}

// DeleteMFAChallengesOf drops a principal's pending sign-in steps: its
// password was changed or removed, so no step begun with the old one may
// finish.
func (s *Store) DeleteMFAChallengesOf(ctx context.Context, accountID, principalARN string) error {
	err := s.q(ctx).Where("account_id = ? AND principal_arn = ?", accountID, principalARN).Delete(&MFAChallenge{}).Error
	return translate(err, "drop MFA challenges of "+principalARN)
}

// EntityMFA is the EntityType of a virtual MFA device's tags: the entity ID
// is the device's ID in decimal.
const EntityMFA EntityType = "mfa"

// AssignMFADevice gives an unassigned device (OwnerARN empty, made by
// CreateVirtualMFADevice) to ownerARN, enabled at at, with the last step
// of its enabling codes spent. It changes the row only while the device is
// unassigned, so of two requests racing to enable it exactly one wins; the
// loser sees ErrConflict.
func (s *Store) AssignMFADevice(ctx context.Context, accountID string, id uint64, ownerARN string, at time.Time, lastStep int64) error {
	res := s.q(ctx).Model(&MFADevice{}).Where("account_id = ? AND id = ? AND owner_arn = ?", accountID, id, "").
		Updates(map[string]any{"owner_arn": ownerARN, "created_at": at, "last_used_step": lastStep})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrConflict, "assign MFA device")
	}
	return translate(res.Error, "assign MFA device")
}

// UnassignMFADevice takes a device from ownerARN and leaves it unassigned
// (DeactivateMFADevice): ErrNotFound when it is not ownerARN's.
func (s *Store) UnassignMFADevice(ctx context.Context, accountID string, id uint64, ownerARN string) error {
	res := s.q(ctx).Model(&MFADevice{}).Where("account_id = ? AND id = ? AND owner_arn = ?", accountID, id, ownerARN).
		Updates(map[string]any{"owner_arn": "", "last_used_step": 0})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "unassign MFA device")
	}
	return translate(res.Error, "unassign MFA device")
}

// ResyncMFADevice sets the last spent step of ownerARN's device to step
// (ResyncMFADevice): ErrNotFound when it is not ownerARN's.
func (s *Store) ResyncMFADevice(ctx context.Context, accountID string, id uint64, ownerARN string, step int64) error {
	res := s.q(ctx).Model(&MFADevice{}).Where("account_id = ? AND id = ? AND owner_arn = ?", accountID, id, ownerARN).
		Update("last_used_step", step)
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "resync MFA device")
	}
	return translate(res.Error, "resync MFA device")
}

// DeleteUnassignedMFADevice removes a device only while it has no owner:
// ErrConflict when it was enabled meanwhile, ErrNotFound when it is gone.
func (s *Store) DeleteUnassignedMFADevice(ctx context.Context, accountID string, id uint64) error {
	res := s.q(ctx).Where("account_id = ? AND id = ? AND owner_arn = ?", accountID, id, "").Delete(&MFADevice{})
	if res.Error != nil {
		return translate(res.Error, "delete MFA device")
	}
	if res.RowsAffected == 0 {
		var n int64
		if err := s.q(ctx).Model(&MFADevice{}).Where("account_id = ? AND id = ?", accountID, id).Count(&n).Error; err != nil {
			return translate(err, "delete MFA device")
		}
		if n == 0 {
			return translate(ErrNotFound, "delete MFA device")
		}
		return translate(ErrConflict, "delete MFA device")
	}
	return nil
}
