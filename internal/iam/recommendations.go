package iam

import (
	"context"
	"fmt"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// Recommendation is one of the security recommendations of AWS's IAM
// dashboard, checked against this account's credentials.
type Recommendation struct {
	// Key names it: root-mfa, root-keys, users-mfa, old-keys,
	// unused-credentials.
	Key   string
	Title string
	// OK is set when nothing needs doing; Detail then says so.
	OK     bool
	Detail string
	// Users are the names of the users to fix (the first few, by name),
	// More how many others; RootFix says the root user is the one to fix.
	Users   []string
	More    int
	RootFix bool
}

// maxRecommendedUsers is how many users a recommendation names.
const maxRecommendedUsers = 10

// staleAfter is AWS's age for old access keys and unused credentials.
const staleAfter = 90 * 24 * time.Hour

// recommendations reads every user's credentials, a page of 1,000 at a
// time, and says what AWS's IAM dashboard would recommend.
func (s *Service) recommendations(ctx context.Context, acct *models.Account, rootMFA bool) ([]Recommendation, error) {
	now := s.now()
	noMFA := &Recommendation{Key: "users-mfa", Title: "Users with a console password and no MFA"}
	oldKeys := &Recommendation{Key: "old-keys", Title: "Active access keys older than 90 days"}
	unused := &Recommendation{Key: "unused-credentials", Title: "Credentials unused for 90 days"}
	add := func(r *Recommendation, name string) {
		if len(r.Users) < maxRecommendedUsers {
			r.Users = append(r.Users, name)
		} else {
			r.More++
		}
	}
	for after := ""; ; {
		rows, next, err := s.store.ListUsers(ctx, acct.ID, models.ListFilter{After: after, Limit: models.MaxListLimit})
		if err != nil {
			return nil, internal(err, "users")
		}
		users := make([]User, len(rows))
		for i := range rows {
			users[i] = userOut(acct.ID, &rows[i])
		}
		b, err := s.credentialsOf(ctx, acct.ID, users)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			lp, console := b.profiles[u.UserId]
			if console && !b.mfa[u.Arn] {
				add(noMFA, u.UserName)
			}
			old, stale := false, false
			if console {
				since := lp.CreatedAt
				if u.PasswordLastUsed != nil {
					since = *u.PasswordLastUsed
				}
				stale = now.Sub(since) > staleAfter
			}
			for _, k := range b.keys[u.UserId] {
				if k.Status != models.AccessKeyActive {
					continue
				}
				old = old || now.Sub(k.CreatedAt) > staleAfter
				since := k.CreatedAt
				if k.LastUsedAt != nil {
					since = *k.LastUsedAt
				}
				stale = stale || now.Sub(since) > staleAfter
			}
			if old {
				add(oldKeys, u.UserName)
			}
			if stale {
				add(unused, u.UserName)
			}
		}
		if after = next; next == "" {
			break
		}
	}
	out := []Recommendation{{Key: "root-mfa", Title: "Add MFA for the root user", OK: rootMFA, RootFix: !rootMFA}}
	if rootMFA {
		out[0].Title, out[0].Detail = "The root user has MFA", "Its sign-in needs a code from its authenticator."
	} else {
		out[0].Detail = "Anyone with the root password has the whole account: add an authenticator app."
	}
	// The console's root user has no access keys (it signs in with a
	// password and MFA only), which is what AWS recommends.
	out = append(out, Recommendation{Key: "root-keys", Title: "The root user has no access keys", OK: true,
		Detail: "Programs use IAM users' or roles' credentials, never root's."})
	for _, r := range []*Recommendation{noMFA, oldKeys, unused} {
		n := len(r.Users) + r.More
		r.OK = n == 0
		switch {
		case r.OK:
			r.Detail = "None."
		case r.Key == "users-mfa":
			r.Detail = fmt.Sprintf("%d %s: add an MFA device on the user's Security credentials tab.", n, plural(n, "user", "users"))
		case r.Key == "old-keys":
			r.Detail = fmt.Sprintf("%d %s with keys to rotate: create a new key, move programs to it, deactivate then delete the old one.", n, plural(n, "user", "users"))
		default:
			r.Detail = fmt.Sprintf("%d %s with a password or active key unused for 90 days: remove or deactivate what is not needed.", n, plural(n, "user", "users"))
		}
		out = append(out, *r)
	}
	return out, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
