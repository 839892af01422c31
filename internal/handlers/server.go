package handlers

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/iamconsole/console/internal/graphviz"
	"github.com/iamconsole/console/internal/handlers/awsapi"
	"github.com/iamconsole/console/internal/iam"
)

// Config tunes the HTTP layer.
type Config struct {
	// SecureCookies marks cookies Secure and uses the __Host- prefix even
	// when TLS ends at a proxy in front of the console.
	SecureCookies bool
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	TrustedProxies []*net.IPNet
	// BodyLimit caps request bodies (Echo's size syntax, e.g. "1M").
	BodyLimit string
	Log       *slog.Logger
	// Registerer receives the HTTP metrics; nil means a fresh registry.
	Registry *prometheus.Registry
	// Context ends when the server stops; background work (access graph
	// overviews) is killed with it. Default context.Background().
	Context context.Context
	// GraphCacheDir keeps laid-out access graph overviews on disk, so a
	// restart does not lay them out again; empty keeps them in memory.
	GraphCacheDir string
	// BodyReadTimeout is how long a request body may take to arrive after
	// its headers (default 10 s): past it, a 400.
	BodyReadTimeout time.Duration
	// OverviewWait is how long the graph page waits for an overview laid
	// out in the background before it answers "being computed" and polls;
	// 0 means 1 s, negative not at all.
	OverviewWait time.Duration
	// MaxInlineSVG is the largest drawing the graph page holds in its HTML;
	// a larger one is fetched by the page's script. 0 means 1 MiB.
	MaxInlineSVG int
}

// Server holds what the handlers share.
type Server struct {
	svgs      *graphviz.Renderer   // dot, on the request path
	overviews *graphviz.Background // sfdp, for whole accounts too large for dot
	svc       *iam.Service
	cfg       Config
	log       *slog.Logger
	metrics   *httpMetrics
}

// New builds the console's HTTP handler with every route.
func New(svc *iam.Service, cfg Config) *echo.Echo {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	if cfg.BodyReadTimeout <= 0 {
		cfg.BodyReadTimeout = 10 * time.Second
	}
	if cfg.OverviewWait == 0 {
		cfg.OverviewWait = time.Second
	}
	if cfg.MaxInlineSVG <= 0 {
		cfg.MaxInlineSVG = 1 << 20
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Log, metrics: newHTTPMetrics(cfg.Registry), svgs: graphviz.New(graphviz.Options{Log: cfg.Log}),
		// An overview of 10,000 principals is 13 MB of SVG: memory keeps the
		// last two, the disk cache (when set) the rest.
		overviews: graphviz.NewBackground(graphviz.New(graphviz.Options{Path: "sfdp", Timeout: overviewTimeout, MaxDOTBytes: 64 << 20,
			CacheSize: 2, CacheDir: cfg.GraphCacheDir, Log: cfg.Log}), graphviz.BackgroundOptions{Context: cfg.Context})}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)

	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: uuid.NewString,
		// An ID a client sends is not trusted into our logs.
		TargetHeader: echo.HeaderXRequestID,
	}))
	e.Use(s.recoverPanics)
	e.Use(s.logRequests)
	e.Use(s.metrics.middleware)
	// Every body is capped, the account import (a whole AWS account's
	// authorization details) more generously than the rest.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: cfg.BodyLimit,
		Skipper: func(c echo.Context) bool { return c.Path() == "/import" && c.Request().Method == http.MethodPost }}))
	e.Use(s.readBodies)
	e.Use(s.securityHeaders)

	// Health and metrics: no session, no CSRF.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler())
	e.GET("/static/*", staticHandler())

	// The AWS query API: SigV4, no cookies, no CSRF.
	awsapi.New(svc, cfg.Log).Register(e)

	// Console pages.
	// The session first: the anti-forgery token is bound to it.
	page := e.Group("", s.loadSession, s.csrf)
	page.GET("/setup", s.setupShow)
	page.POST("/setup", s.setupSave)
	page.GET("/login", s.loginShow)
	page.POST("/login", s.loginSave)
	page.GET("/login/mfa", s.mfaShow)
	page.POST("/login/mfa", s.mfaSave)
	page.POST("/login/cancel", s.loginCancel)

	signedIn := page.Group("", s.requireSession, s.confine)
	signedIn.POST("/logout", s.logout)
	signedIn.GET("/", s.dashboardShow)
	signedIn.GET("/audit", s.auditList)
	signedIn.GET("/audit.jsonl", s.auditExport)
	signedIn.GET("/security", s.securityShow)
	signedIn.GET("/mfa/enroll", s.enrollShow)
	signedIn.POST("/mfa/enroll", s.enrollStart)
	signedIn.POST("/mfa/enroll/confirm", s.enrollConfirm)
	s.destructiveRoute(signedIn, "/mfa/recovery-codes", s.recoveryRegeneration())
	s.destructiveRoute(signedIn, "/mfa/devices/delete", s.deviceRemoval())
	signedIn.GET("/security/password", s.passwordShow)
	signedIn.POST("/security/password", s.passwordSave)
	signedIn.GET("/settings", s.settingsShow)
	signedIn.POST("/settings/account", s.accountSettingsSave)
	signedIn.POST("/settings/password-policy", s.passwordPolicySave)
	s.destructiveRoute(signedIn, "/settings/password-policy/delete", s.passwordPolicyDeletion())
	signedIn.GET("/graph", s.graphShow)
	// Graph downloads run to megabytes (an overview of 10,000 principals is
	// 13 MB of SVG) and compress tenfold. Pages are not compressed: they
	// carry the CSRF token beside reflected input (BREACH); downloads carry
	// neither.
	zip := middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 32 << 10})
	signedIn.GET("/graph.dot", s.graphDownload("dot"), zip)
	signedIn.GET("/graph.svg", s.graphDownload("svg"), zip)
	signedIn.GET("/graph.json", s.graphDownload("json"), zip)
	signedIn.GET("/graph/overview", s.graphOverviewStatus)
	signedIn.GET("/findings", s.findingsList)
	signedIn.GET("/who-can", s.whoCan)
	signedIn.GET("/import", s.importShow)
	signedIn.POST("/import", s.importSave, middleware.BodyLimit("64M"))
	signedIn.POST("/users/:name/rename", s.userRename)
	signedIn.POST("/groups/:name/rename", s.groupRename)
	s.destructiveRoute(signedIn, "/users/:name/sessions/end", s.userSessionsEnding())
	signedIn.POST("/users/:name/unlock", s.userUnlock)
	signedIn.GET("/switch-role", s.switchRoleShow)
	signedIn.POST("/switch-role", s.switchRoleSave)
	signedIn.POST("/switch-back", s.switchBack)
	signedIn.GET("/simulator", s.simulatorShow)
	signedIn.POST("/simulator", s.simulatorRun)
	signedIn.GET("/sessions", s.sessionsList)
	s.destructiveRoute(signedIn, "/sessions/:id/delete", s.sessionEnding())
	s.registerEntityPages(signedIn)

	return e
}

// ipExtractor believes X-Forwarded-For only from trusted proxies; without
// any, the client IP is the connection's, so a forged header changes nothing.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// ParseCIDRs parses a comma-separated list of CIDRs or bare IPs.
func ParseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			if ip := net.ParseIP(item); ip != nil && ip.To4() != nil {
				item += "/32"
			} else {
				item += "/128"
			}
		}
		_, n, err := net.ParseCIDR(item)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// Timeouts for the HTTP server: slow clients cannot hold connections open.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second
)
