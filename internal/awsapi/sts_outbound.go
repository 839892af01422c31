package awsapi

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/iamconsole/console/internal/iam"
)

type getWebIdentityTokenResult struct {
	WebIdentityToken string  `xml:"WebIdentityToken"`
	Expiration       isoTime `xml:"Expiration"`
}

// getWebIdentityToken is STS GetWebIdentityToken: a JWT the console signs
// as the account's outbound federation issuer (internal/iam
// outboundfederation.go).
func getWebIdentityToken(s *Server, c *call) (any, error) {
	if err := c.p.required("SigningAlgorithm"); err != nil {
		return nil, err
	}
	aud := c.p.list("Audience")
	if len(aud) == 0 {
		return nil, missing("Audience")
	}
	dur, err := c.p.integer("DurationSeconds", 0)
	if err != nil {
		return nil, err
	}
	tok, err := s.svc.GetWebIdentityToken(c.ctx, c.caller, iam.GetWebIdentityTokenInput{Audience: aud,
		SigningAlgorithm: c.p.str("SigningAlgorithm"), DurationSeconds: dur, Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return getWebIdentityTokenResult{WebIdentityToken: tok.Token, Expiration: ts(tok.Expiration)}, nil
}

// issuerIDPattern is an issuer ID as the console makes them (a UUID).
var issuerIDPattern = regexp.MustCompile(`^[0-9a-f-]{36}$`)

// issuerDocument serves an outbound federation issuer's discovery
// documents, unauthenticated, as verifiers fetch them:
// /aws/oidc/ID/.well-known/openid-configuration and …/jwks.json.
func (s *Server) issuerDocument(c echo.Context) error {
	id := c.Param("id")
	if !issuerIDPattern.MatchString(id) {
		return echo.ErrNotFound
	}
	docs, err := s.svc.OutboundIssuerDocuments(c.Request().Context(), id)
	if iam.KindOf(err) == iam.NotFound {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	body := docs.JWKS
	if strings.HasSuffix(c.Request().URL.Path, "/openid-configuration") {
		body = docs.OpenIDConfiguration
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/json", body)
}
