package awsapi_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/iamconsole/console/internal/auth"
	"github.com/iamconsole/console/internal/awsapi"
	"github.com/iamconsole/console/internal/handlers"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// env is the whole console in-process, with root bootstrapped and an admin
// user (AdministratorAccess) whose access key the SDK clients sign with.
type env struct {
	t      *testing.T
	ctx    context.Context
	srv    *httptest.Server
	svc    *iam.Service
	store  *models.Store
	sealer *auth.Sealer
	acct   *iam.Account
	root   *iam.Principal
	// admin's SDK clients.
	iam *iamsdk.Client
	sts *stssdk.Client
	// adminKey and adminSecret are admin's access key.
	adminKey, adminSecret string
}

// newEnv starts the console on a fresh database of backend b.
func newEnv(t *testing.T, b dbtest.Backend, opts ...func(*iam.Config)) *env {
	t.Helper()
	ctx := context.Background()
	store, err := models.Open(ctx, b.DSN(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sealer, err := auth.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("APILOG") != "" {
		discard = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	cfg := iam.Config{Argon2: auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}, Sealer: sealer, Log: discard}
	for _, o := range opts {
		o(&cfg)
	}
	svc := iam.New(store, cfg)
	t.Cleanup(func() { svc.Close(ctx) }) // before the store closes
	srv := httptest.NewServer(handlers.New(svc, handlers.Config{Log: discard, API: awsapi.New(svc, discard)}))
	t.Cleanup(srv.Close)
	res, err := svc.Setup(ctx, iam.SetupInput{Email: "root@example.com", Password: "correct horse battery staple"}, iam.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, srv: srv, svc: svc, store: store, sealer: sealer, acct: res.Account,
		root: &iam.Principal{Type: iam.TypeRoot, AccountID: res.Account.ID, ARN: res.Account.RootARN()}}
	e.adminKey, e.adminSecret = e.user("admin", "arn:aws:iam::aws:policy/AdministratorAccess")
	e.iam = e.iamClient(e.adminKey, e.adminSecret, "")
	e.sts = e.stsClient(e.adminKey, e.adminSecret, "")
	return e
}

// backends runs fn on SQLite, and on PostgreSQL when configured.
func backends(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, newEnv(t, b)) })
	}
}

// sqlite is a fresh env on SQLite, for tests that need no second backend.
func sqlite(t *testing.T) *env {
	t.Helper()
	return newEnv(t, dbtest.Backend{Name: "sqlite", DSN: dbtest.SQLite})
}

func (e *env) cfg(id, secret, token string) aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(id, secret, token),
		Retryer: transportRetry}
}

// transportRetry tries a request again only when Go's transport closed a
// kept-alive connection under the response it was reading ("use of closed
// network connection" with status 200, on a loaded machine:
// aws/aws-sdk-go-v2#1825 and #2737), as the SDK's default client would.
// Every answer of the server, throttling included, is the test's to see
// on the first attempt.
func transportRetry() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.RateLimiter = ratelimit.None
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if strings.Contains(err.Error(), "use of closed network connection") {
				return aws.TrueTernary
			}
			return aws.FalseTernary
		})}
	})
}

func (e *env) iamClient(id, secret, token string) *iamsdk.Client {
	return iamsdk.NewFromConfig(e.cfg(id, secret, token), func(o *iamsdk.Options) { o.BaseEndpoint = aws.String(e.srv.URL + "/aws") })
}

func (e *env) stsClient(id, secret, token string) *stssdk.Client {
	return stssdk.NewFromConfig(e.cfg(id, secret, token), func(o *stssdk.Options) { o.BaseEndpoint = aws.String(e.srv.URL + "/aws") })
}

// user makes an IAM user with the given managed policies attached and one
// access key, and returns the key. The user and its key are made by the
// operations, with the operator's authority (nil caller).
func (e *env) user(name string, policyARNs ...string) (id, secret string) {
	e.t.Helper()
	u, err := e.svc.CreateUser(e.ctx, nil, iam.CreateUserInput{UserName: name}, iam.Meta{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, arn := range policyARNs {
		if err := e.svc.AttachPolicy(e.ctx, nil, iam.UserNamed(u.UserName), arn, iam.Meta{}); err != nil {
			e.t.Fatal(err)
		}
	}
	k, err := e.svc.CreateAccessKey(e.ctx, nil, name, iam.Meta{})
	if err != nil {
		e.t.Fatal(err)
	}
	return k.AccessKeyId, k.SecretAccessKey
}

func randID(n int) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

// apiCode returns the AWS error code of err ("" for nil or a non-API error).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// wantCode fails unless err carries AWS error code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := apiCode(err); got != want {
		t.Fatalf("error = %v (code %q), want code %s", err, got, want)
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// contains fails unless s contains sub.
func contains(t *testing.T, what, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%s = %q, want it to contain %q", what, s, sub)
	}
}

// asErr is errors.As, for the SDK's typed errors.
func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
