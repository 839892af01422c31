package iam

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// Brute force against lockout as a denial of service. A hard lock per name
// lets anyone lock root out by failing ten times, and per-name counters
// checked after the password is verified can be raced. So, as OWASP's
// "device cookie" scheme and NIST SP 800-63B 5.2.2 (rate limiting, not
// necessarily locking) suggest:
//
//   - Each (name, client network) pair has its own counter and lock: ten
//     wrong passwords from one network lock that network out of that name for
//     15 minutes, with a growing backoff before. Someone failing from
//     elsewhere does not lock the owner out.
//   - The attempt is counted before the password is checked, in the same
//     transaction that reads the counter (the counter's row is written
//     first, which takes its lock), so concurrent attempts from any number
//     of processes are counted one after another: at most the threshold is
//     ever checked.
//   - Across all networks, a name that failed GlobalLimit times in
//     GlobalWindow is slowed down, not locked: networks it never signed in
//     from share one attempt per GlobalInterval, while networks it signed in
//     from before (remembered for RememberFor) go on as usual. A botnet
//     spraying one name gets a few thousand guesses a day; its owner, from
//     the office or home, still signs in.
//   - One client IP failing IPLimit times in IPWindow, whatever the names,
//     gets HTTP 429 (password spraying).
//
// Every refusal answers like a wrong password, so a lock reveals nothing.

// ThrottleConfig tunes brute-force protection. Zero fields take defaults.
type ThrottleConfig struct {
	// LockAfter failures of one name from one client network lock that pair
	// (default 10; NIST SP 800-63B allows at most 100).
	LockAfter int
	// LockFor is how long a lock lasts (default 15 minutes).
	LockFor time.Duration
	// IPLimit failures from one client IP within IPWindow answer 429 to every
	// further attempt from it: password spraying across users (default 50
	// in 15 minutes).
	IPLimit  int
	IPWindow time.Duration
	// GlobalLimit failures of one name within GlobalWindow, from every
	// network together, slow the name down for unknown networks to one
	// attempt per GlobalInterval (default 100 in 15 minutes, one per 10 s).
	GlobalLimit    int
	GlobalWindow   time.Duration
	GlobalInterval time.Duration
	// RememberFor is how long a network a name signed in from stays known
	// (default 90 days).
	RememberFor time.Duration
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
	if c.GlobalLimit <= 0 {
		c.GlobalLimit = 100
	}
	if c.GlobalWindow <= 0 {
		c.GlobalWindow = 15 * time.Minute
	}
	if c.GlobalInterval <= 0 {
		c.GlobalInterval = 10 * time.Second
	}
	if c.RememberFor <= 0 {
		c.RememberFor = 90 * 24 * time.Hour
	}
	return c
}

// ErrThrottled answers a client IP that has failed too often.
var ErrThrottled = &Error{Kind: Throttled,
	Message: "Too many failed sign-in attempts from your network. Wait a few minutes and try again."}

// principalKey counts a name's failures across every network.
func principalKey(username string) string {
	return "principal:" + strings.ToLower(strings.TrimSpace(username))
}

// pairKey is the counter and lock of one name from one client network. It
// starts with principalKey + "|", so unlocking a name clears its pairs.
func pairKey(nameKey, ip string) string { return nameKey + "|net:" + clientNetwork(ip) }

// slowKey paces a slowed-down name's attempts from unknown networks.
func slowKey(nameKey string) string { return nameKey + "|slow" }

// knownKey remembers that a name signed in from a network. It is outside
// the name's prefix: unlocking does not forget where the owner signs in.
func knownKey(nameKey, ip string) string {
	return "known:" + strings.TrimPrefix(nameKey, "principal:") + "|" + clientNetwork(ip)
}

func ipKey(ip string) string { return "ip:" + ip }

// nameKeyOf is the name's key in a pair key.
func nameKeyOf(pair string) string {
	k, _, _ := strings.Cut(pair, "|net:")
	return k
}

// clientNetwork is what one client controls: an IPv4 address, or an IPv6
// /64 (a host usually has a whole /64 to pick addresses from).
func clientNetwork(ip string) string {
	a, err := netip.ParseAddr(ip)
	switch {
	case err != nil:
		return "unknown"
	case a.Is4() || a.Is4In6():
		return a.Unmap().String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// backoff is the wait imposed after n consecutive failures: none for the
// first two, then 1 s doubling to 60 s, before the lock at LockAfter.
func backoff(n int) time.Duration {
	if n < 3 {
		return 0
	}
	d := time.Second << min(n-3, 6)
	return min(d, time.Minute)
}

// admit decides whether an attempt on pair (a name from a network) may be
// checked at all, and counts it before it is: nil to go ahead,
// ErrThrottled for a throttled IP, ErrSignInFailed while the pair is locked
// or backing off, or the name slowed down (the same answer as a wrong
// password). afterPassword skips the slow-down: the code step of a
// sign-in whose password was right.
func (s *Service) admit(ctx context.Context, pair string, m Meta, accountID string, afterPassword bool) error {
	now := s.now()
	cfg := s.cfg.Throttle
	ipt, err := s.store.Throttle(ctx, ipKey(m.SourceIP))
	if err != nil {
		return internal(err, "throttle")
	}
	if ipt.Failures >= cfg.IPLimit && ipt.WindowStart.After(now.Add(-cfg.IPWindow)) {
		return ErrThrottled
	}
	slow := false
	if !afterPassword {
		if slow, err = s.slowedDown(ctx, nameKeyOf(pair), m.SourceIP, now); err != nil {
			return err
		}
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		pt, err := tx.CountAttempt(ctx, pair) // first: takes the lock
		if err != nil {
			return err
		}
		switch {
		case now.Before(pt.LockedUntil):
			return ErrSignInFailed
		case !pt.LockedUntil.IsZero():
			// The lock has run out: start afresh (this attempt counted), and
			// say so in the log.
			if err := tx.RestartThrottle(ctx, pair, 1, time.Time{}); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, m, accountID, "", event{name: "SignInUnlocked", resource: strings.TrimPrefix(nameKeyOf(pair), "principal:"),
				params: map[string]any{"reason": "lock expired", "network": clientNetwork(m.SourceIP)}}, nil); err != nil {
				return err
			}
		case pt.Failures >= cfg.LockAfter:
			return ErrSignInFailed
		case !afterPassword && now.Before(pt.LastFailureAt.Add(backoff(pt.Failures))):
			// The code step right after a right password is not made to
			// wait for the password's backoff; its failures still lock.
			return ErrSignInFailed
		}
		if slow {
			st, err := tx.CountAttempt(ctx, slowKey(nameKeyOf(pair)))
			if err != nil {
				return err
			}
			if now.Before(st.LastFailureAt.Add(cfg.GlobalInterval)) {
				return ErrSignInFailed
			}
			if err := tx.MarkAttempt(ctx, slowKey(nameKeyOf(pair)), now, time.Time{}); err != nil {
				return err
			}
		}
		return tx.MarkAttempt(ctx, pair, now, time.Time{})
	})
	return asInternal(err, "admit sign-in attempt")
}

// slowedDown reports whether attempts on a name from ip must be paced: the
// name failed too often lately, and ip's network never signed in as it.
func (s *Service) slowedDown(ctx context.Context, nameKey, ip string, now time.Time) (bool, error) {
	cfg := s.cfg.Throttle
	gt, err := s.store.Throttle(ctx, nameKey)
	if err != nil {
		return false, internal(err, "throttle")
	}
	if gt.Failures < cfg.GlobalLimit || !gt.WindowStart.After(now.Add(-cfg.GlobalWindow)) {
		return false, nil
	}
	kt, err := s.store.Throttle(ctx, knownKey(nameKey, ip))
	if err != nil {
		return false, internal(err, "throttle")
	}
	return !kt.WindowStart.After(now.Add(-cfg.RememberFor)), nil
}

// signedIn forgets a pair's failures and remembers its network, through tx,
// when a sign-in succeeds. The name's count across networks stays: it is
// someone else's failures.
func (s *Service) signedIn(ctx context.Context, tx *models.Store, pair, ip string) error {
	if _, err := tx.ResetThrottle(ctx, pair); err != nil {
		return err
	}
	return tx.Remember(ctx, knownKey(nameKeyOf(pair), ip), s.now())
}

// recordFailure counts a failed attempt against the name and the IP (the
// pair counted it at admission), locks the pair at the threshold, and
// audits it all in one transaction.
func (s *Service) recordFailure(ctx context.Context, pair string, m Meta, accountID string, ev event, cause error) error {
	now := s.now()
	cfg := s.cfg.Throttle
	err := s.store.Tx(ctx, func(tx *models.Store) error {
		if _, err := tx.RecordFailure(ctx, nameKeyOf(pair), now, now.Add(-cfg.GlobalWindow)); err != nil {
			return err
		}
		if _, err := tx.RecordFailure(ctx, ipKey(m.SourceIP), now, now.Add(-cfg.IPWindow)); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, m, accountID, "", ev, cause); err != nil {
			return err
		}
		pt, err := tx.Throttle(ctx, pair)
		if err != nil {
			return err
		}
		if pt.Failures >= cfg.LockAfter && pt.LockedUntil.IsZero() {
			if err := tx.LockThrottle(ctx, pair, now.Add(cfg.LockFor)); err != nil {
				return err
			}
			return s.audit(ctx, tx, m, accountID, "", event{name: "SignInLocked", resource: strings.TrimPrefix(nameKeyOf(pair), "principal:"),
				params: map[string]any{"failures": pt.Failures, "lockedFor": cfg.LockFor.String(), "network": clientNetwork(m.SourceIP)}}, nil)
		}
		return nil
	})
	return asInternal(err, "record failure")
}

// UnlockSignIn lifts a sign-in lock on a user name (or root's email) before
// it runs out, from every network, and forgets its failures. It is iam:UpdateLoginProfile on the user, the permission
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
			s.recordUse(caller, OpUpdateLoginProfile.Action(UserType), false)
			return false, s.refuse(ctx, caller, m, OpUpdateLoginProfile.Action(UserType), arn)
		}
		if err := s.authorizeMeta(ctx, caller, m, OpUpdateLoginProfile.Action(UserType), arn); err != nil {
			return false, err
		}
	}
	var had bool
	err := s.store.Tx(ctx, func(tx *models.Store) (err error) {
		if had, err = tx.ResetThrottles(ctx, principalKey(username)); err != nil {
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
