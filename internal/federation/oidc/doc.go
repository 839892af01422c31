// Package oidc verifies OpenID Connect ID tokens (JWTs) for STS
// AssumeRoleWithWebIdentity, as AWS does for an IAM OIDC identity
// provider.
//
// A token is accepted when
//
//   - it is a compact JWS signed with one of RS256/384/512, PS256/384/512
//     or ES256/384/512 (never "none", never an HMAC: a public key must not
//     be usable as a shared secret);
//   - the signature verifies with a key of the issuer's JWKS, found
//     through https://ISSUER/.well-known/openid-configuration;
//   - iss is the provider's URL, aud (or azp) one of its client IDs;
//   - exp is in the future and nbf/iat not in it, give or take Skew.
//
// Discovery and keys are fetched over HTTPS with bounded time and size,
// kept per issuer, and fetched again when a token names a key ID the set
// does not hold (at most once per MinRefresh). The issuer's certificate is
// trusted as AWS trusts it: when it chains to a root the system trusts;
// otherwise when the SHA-1 thumbprint of the top certificate of the chain
// the server presents (its root or top intermediate, the last one sent)
// is among the provider's thumbprints and the chain verifies up to it for
// the host's name.
package oidc
