package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// ThrottleConfig tunes brute-force protection. Zero fields take defaults.
type ThrottleConfig struct {
	// LockAfter consecutive failures lock a principal (default 10; NIST SP
	// 800-63B allows at most 100).
	LockAfter int
	// LockFor is how long a lock lasts (default 15 minutes).
	LockFor time.Duration
	// IPLimit failures from one client IP within IPWindow answer 429 to every
	// further attempt from it: password spraying across users (default 50
	// in 15 minutes).
	IPLimit  int
	IPWindow time.Duration
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	if c.LockAfter <= 0 {
		c.LockAfter = 10
	}
	c.LockAfter = min(c.LockAfter, 100)
	if c.LockFor <= 0 {
		c.LockFor = 15 * time.Minute
	}
	if c.IPLimit <= 0 {
		c.IPLimit = 50
	}
	if c.IPWindow <= 0 {
		c.IPWindow = 15 * time.Minute
	}
	return c
}

// ErrThrottled answers a client IP that has failed too often.
var ErrThrottled = &Error{Kind: Throttled, Code: "Throttling",
	Message: "Too many failed sign-in attempts from your network. Wait a few minutes and try again."}

func principalKey(username string) string {
	return "principal:" + strings.ToLower(strings.TrimSpace(username))
}

func ipKey(ip string) string { return "ip:" + ip }

// backoff is the wait imposed after n consecutive failures: none for the
// first two, then 1 s doubling to 60 s, before the lock at LockAfter.
func backoff(n int) time.Duration {
	if n < 3 {
		return 0
	}
	d := time.Second << min(n-3, 6)
	return min(d, time.Minute)
}

// gate decides whether an attempt for principalKey from ip may be checked at
// all. It returns nil to go ahead, ErrThrottled for a throttled IP, or
// ErrSignInFailed while the principal is locked or backing off (the same
// answer as a wrong password, so a lock reveals nothing).
func (s *Service) gate(ctx context.Context, key, ip string, m Meta, accountID string) error {
	now := s.now()
	cfg := s.cfg.Throttle
	ipt, err := s.store.Throttle(ctx, ipKey(ip))
	if err != nil {
		return internal(err, "throttle")
	}
	if ipt.Failures >= cfg.IPLimit && ipt.WindowStart.After(now.Add(-cfg.IPWindow)) {
		return ErrThrottled
	}
	pt, err := s.store.Throttle(ctx, key)
	if err != nil {
		return internal(err, "throttle")
	}
	switch {
	case now.Before(pt.LockedUntil):
		return ErrSignInFailed
	case !pt.LockedUntil.IsZero():
		// The lock has run out: start afresh, and say so in the log.
		err := s.store.Tx(ctx, func(tx *models.Store) error {
			if _, err := tx.ResetThrottle(ctx, key); err != nil {
				return err
			}
			return s.audit(ctx, tx, m, accountID, "", event{name: "SignInUnlocked", resource: strings.TrimPrefix(key, "principal:"),
				params: map[string]any{"reason": "lock expired"}}, nil)
		})
		return asInternal(err, "unlock")
	case now.Before(pt.LastFailureAt.Add(backoff(pt.Failures))):
		return ErrSignInFailed
	}
	return nil
}

// recordFailure counts a failed attempt against the principal and the IP,
// locks the principal at the threshold, and audits it all in one
// transaction.
func (s *Service) recordFailure(ctx context.Context, key string, m Meta, accountID string, ev event, cause error) error {
	now := s.now()
	cfg := s.cfg.Throttle
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		pt, err := tx.RecordFailure(ctx, key, now, time.Time{})
		if err != nil {
			return err
		}
		if _, err := tx.RecordFailure(ctx, ipKey(m.SourceIP), now, now.Add(-cfg.IPWindow)); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, m, accountID, "", ev, cause); err != nil {
			return err
		}
		if pt.Failures >= cfg.LockAfter && pt.LockedUntil.IsZero() {
			if err := tx.LockThrottle(ctx, key, now.Add(cfg.LockFor)); err != nil {
				return err
			}
			return s.audit(ctx, tx, m, accountID, "", event{name: "SignInLocked", resource: strings.TrimPrefix(key, "principal:"),
				params: map[string]any{"failures": pt.Failures, "lockedFor": cfg.LockFor.String()}}, nil)
		}
		return nil
	})
	return asInternal(err, "record failure")
}

// UnlockSignIn lifts a sign-in lock on a user name (or root's email) before
// it runs out. It is iam:UpdateLoginProfile on the user, the permission
// that governs its console access (and shows the page's button); a name no
// user has is authorized at path "/", as failures are counted for any name.
// Root's lock is root's (or the operator's) to lift: no IAM policy governs
// root.
func (s *Service) UnlockSignIn(ctx context.Context, caller *Principal, username string, m Meta) (bool, error) {
	// The operator at the command line may lift any lock, even before setup.
	if caller != nil {
		arn, isRoot, err := s.signInARN(ctx, caller.AccountID, username)
		if err != nil {
			return false, err
		}
		if isRoot && !caller.IsRoot() {
			return false, s.refuse(ctx, caller, m, "iam:UpdateLoginProfile", arn)
		}
		if err := s.authorizeMeta(ctx, caller, m, "iam:UpdateLoginProfile", arn); err != nil {
			return false, err
		}
	}
	var had bool
	err := s.store.Tx(ctx, func(tx *models.Store) (err error) {
		if had, err = tx.ResetThrottle(ctx, principalKey(username)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, callerAccount(caller), callerARN(caller), event{name: "SignInUnlocked", resource: username,
			params: map[string]any{"reason": "administrator"}}, nil)
	})
	return had, asInternal(err, "unlock")
}

// signInARN is who signs in as username in account acct, as SignIn finds
// them: root by its email, else the user of that name (at path "/" when
// there is none).
func (s *Service) signInARN(ctx context.Context, acct, username string) (string, bool, error) {
	username = strings.TrimSpace(username)
	if strings.Contains(username, "@") {
		a, err := s.store.AccountByRootEmail(ctx, username)
		if err == nil && a.ID == acct {
			return a.RootARN(), true, nil
		}
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return "", false, internal(err, "account")
		}
	}
	u, err := s.store.User(ctx, acct, username)
	if errors.Is(err, models.ErrNotFound) {
		return userARN(acct, "/", username), false, nil
	}
	if err != nil {
		return "", false, internal(err, "user")
	}
	return userARN(acct, u.Path, u.Name), false, nil
}
