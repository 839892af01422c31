package iam_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// racers is how many requests each quota race fires at once.
const racers = 12

// TestQuotasHoldUnderRaces fires racing requests that each add one thing
// counted by a quota. Quotas are checked by counting inside the change's
// transaction; under PostgreSQL's READ COMMITTED two transactions can both
// count below the quota unless the owner's row is locked first, so on
// PostgreSQL this is what proves that lock. Exactly the quota's worth must
// succeed, every other request must be LimitExceeded (never an internal
// error), and what is stored afterwards must be within the quota.
func TestQuotasHoldUnderRaces(t *testing.T) {
	// Each inline document counts 600 characters: three fit in a user's
	// 2,048, a fourth does not.
	bigDoc := func(i int) string {
		d := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b%02d/`, i)
		tail := `"}]}`
		return d + strings.Repeat("x", 600-len(d)-len(tail)) + tail
	}
	cases := []struct {
		name string
		want int // how many racers may succeed
		// maxUsers, when set, lowers the UsersPerAccount quota.
		maxUsers int
		// prepare makes what the racers need; racer i adds one thing.
		prepare func(t *testing.T, svc *iam.Service, root *iam.Principal)
		racer   func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error
		// stored is how many counted things exist afterwards.
		stored func(ctx context.Context, st *models.Store, acct, userID string) (int64, error)
	}{
		{
			name: "AccessKeysPerUser",
			want: iam.MaxAccessKeysPerUser,
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				_, err := svc.CreateAccessKey(ctx, root, "racer", iam.Meta{})
				return err
			},
			stored: func(ctx context.Context, st *models.Store, acct, userID string) (int64, error) {
				return st.CountAccessKeys(ctx, acct, userID)
			},
		},
		{
			name: "ServiceSpecificCredentialsPerUserPerService",
			want: iam.MaxServiceSpecificCredentialsPerService,
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				_, err := svc.CreateServiceSpecificCredential(ctx, root, iam.CreateServiceSpecificCredentialInput{UserName: "racer",
					ServiceName: "codecommit.amazonaws.com"}, iam.Meta{})
				return err
			},
			stored: func(ctx context.Context, st *models.Store, acct, userID string) (int64, error) {
				return st.CountServiceSpecificCredentials(ctx, acct, userID, "codecommit.amazonaws.com")
			},
		},
		{
			// Each racer puts its own role into the one profile.
			name: "InstanceSessionsPerInstanceProfile",
			want: iam.MaxRolesPerInstanceProfile,
			prepare: func(t *testing.T, svc *iam.Service, root *iam.Principal) {
				if _, err := svc.CreateInstanceProfile(context.Background(), root, iam.CreateInstanceProfileInput{InstanceProfileName: "box"}, iam.Meta{}); err != nil {
					t.Fatal(err)
				}
				for i := range racers {
					mustCreateRole(t, svc, root, fmt.Sprintf("r%02d", i))
				}
			},
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				return svc.AddRoleToInstanceProfile(ctx, root, "box", fmt.Sprintf("r%02d", i), iam.Meta{})
			},
			stored: func(ctx context.Context, st *models.Store, acct, _ string) (int64, error) {
				ps, err := st.InstanceProfilesOfRoles(ctx, acct, nil)
				return int64(len(ps)), err
			},
		},
		{
			name: "GroupsPerUser",
			want: iam.MaxGroupsPerUser,
			prepare: func(t *testing.T, svc *iam.Service, root *iam.Principal) {
				for i := range racers {
					if _, err := svc.CreateGroup(context.Background(), root, iam.CreateGroupInput{GroupName: fmt.Sprintf("g%02d", i)}, iam.Meta{}); err != nil {
						t.Fatal(err)
					}
				}
			},
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				return svc.AddUserToGroup(ctx, root, fmt.Sprintf("g%02d", i), "racer", iam.Meta{})
			},
			stored: func(ctx context.Context, st *models.Store, acct, userID string) (int64, error) {
				return st.CountGroupsForUser(ctx, acct, userID)
			},
		},
		{
			name: "PoliciesPerUser",
			want: iam.MaxPoliciesPerEntity,
			prepare: func(t *testing.T, svc *iam.Service, root *iam.Principal) {
				for i := range racers {
					mustCreatePolicy(t, svc, root, fmt.Sprintf("p%02d", i), s3Read)
				}
			},
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				arn := fmt.Sprintf("arn:aws:iam::%s:policy/p%02d", root.AccountID, i)
				return svc.AttachPolicy(ctx, root, iam.UserNamed("racer"), arn, iam.Meta{})
			},
			stored: func(ctx context.Context, st *models.Store, acct, userID string) (int64, error) {
				return st.CountAttachedPolicies(ctx, acct, models.EntityUser, userID)
			},
		},
		{
			name: "InlinePolicySizePerUser",
			want: 3,
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				_, err := svc.PutInlinePolicy(ctx, root, iam.UserNamed("racer"), fmt.Sprintf("i%02d", i),
					bigDoc(i), iam.Meta{})

				return err
			},
			stored: func(ctx context.Context, st *models.Store, acct, userID string) (int64, error) {
				return st.CountInlinePolicies(ctx, acct, models.EntityUser, userID)
			},
		},
		{
			name: "TagsPerUser",
			want: iam.MaxTags / 10,
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				tags := make([]iam.Tag, 10)
				for j := range tags {
					tags[j] = iam.Tag{Key: fmt.Sprintf("k%02d-%d", i, j), Value: "v"}
				}
				return svc.Tag(ctx, root, iam.UserNamed("racer"), tags, iam.Meta{})
			},
			stored: func(ctx context.Context, st *models.Store, acct, userID string) (int64, error) {
				tags, err := st.ListTags(ctx, acct, models.EntityUser, userID)
				return int64(len(tags)) / 10, err
			},
		},
		{
			// Account-wide quotas (users, groups, roles, policies) share one
			// lock, the account's; users is the one whose quota a test can
			// lower.
			name:     "UsersPerAccount",
			want:     4,
			maxUsers: 5, // "racer" is the first
			racer: func(ctx context.Context, svc *iam.Service, root *iam.Principal, i int) error {
				_, err := svc.CreateUser(ctx, root, iam.CreateUserInput{UserName: fmt.Sprintf("u%02d", i)}, iam.Meta{})
				return err
			},
			stored: func(ctx context.Context, st *models.Store, acct, _ string) (int64, error) {
				n, err := st.CountUsers(ctx, acct)
				return n - 1, err
			},
		},
	}
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					ctx := context.Background()
					store, err := models.Open(ctx, b.DSN(t), t.TempDir())
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { store.Close() })
					svc := iam.New(store, iam.Config{Argon2: fastArgon, MaxUsers: c.maxUsers})
					root := rootOf(mustSetup(t, svc))
					u := mustCreateUser(t, svc, root, "racer")
					if c.prepare != nil {
						c.prepare(t, svc, root)
					}
					var wg sync.WaitGroup
					errs := make([]error, racers)
					start := make(chan struct{})
					for i := range racers {
						wg.Add(1)
						go func() {
							defer wg.Done()
							<-start
							errs[i] = c.racer(ctx, svc, root, i)
						}()
					}
					close(start)
					wg.Wait()
					ok := 0
					for i, err := range errs {
						switch {
						case err == nil:
							ok++
						case iam.KindOf(err) != iam.LimitExceeded:
							t.Errorf("racer %d: %v, want success or LimitExceeded", i, err)
						}
					}
					n, err := c.stored(ctx, store, root.AccountID, u.UserId)
					if err != nil {
						t.Fatal(err)
					}
					if ok != c.want || n != int64(c.want) {
						t.Fatalf("%d of %d racers succeeded and %d are stored, want %d", ok, racers, n, c.want)
					}
				})
			}
		})
	}
}
