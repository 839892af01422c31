package handlers

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/iamconsole/console/internal/graphviz"
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
	// API is the other front door, served beside the pages on the same
	// server (the AWS query API, internal/awsapi); nil serves pages only.
	API API
}

// API is a front door served beside the pages: it shares the server's
// middleware (request IDs, logs, metrics, body limits, panics) and none of
// the pages' (sessions, CSRF), and writes its own errors.
type API interface {
	// Register mounts the API's routes on e.
	Register(e *echo.Echo, mw ...echo.MiddlewareFunc)
	// Owns reports whether a request is addressed to the API.
	Owns(r *http.Request) bool
	// WriteError answers err, raised anywhere on the API's requests, in the
	// API's own error format.
	WriteError(c echo.Context, err error)
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

// New builds the console's HTTP handler: the server's middleware, the
// API (Config.API) and every page, as routes.go lists them.
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

	s.routes(e)
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
