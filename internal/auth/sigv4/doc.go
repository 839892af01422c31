// Package sigv4 verifies AWS Signature Version 4 on incoming requests, so the
// console's /aws endpoint can authenticate the aws CLI and the AWS SDKs exactly as
// IAM and STS do, and signs requests the same way for tests.
//
// # What a signed request looks like
//
// Header form:
//
//	POST /aws HTTP/1.1
//	Host: 127.0.0.1:8080
//	X-Amz-Date: 20150830T123600Z
//	Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request,
//	    SignedHeaders=content-type;host;x-amz-date, Signature=<64 hex digits>
//
// Presigned (query) form, used for URLs handed to someone else:
//
//	GET /aws?Action=GetCallerIdentity&Version=2011-06-15
//	    &X-Amz-Algorithm=AWS4-HMAC-SHA256
//	    &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request
//	    &X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host
//	    [&X-Amz-Security-Token=...]&X-Amz-Signature=<64 hex digits>
//
// # How Verify decides
//
// The signature is an HMAC-SHA256 over a canonical form of the request, keyed by a
// key derived from the secret and the credential scope. The server cannot trust any
// claim before the signature is checked, so Verify rebuilds that canonical form from
// the raw request, never from what the client says it signed, and refuses anything
// that does not fit exactly:
//
//  1. Find the form: an Authorization header, or X-Amz-Algorithm/-Credential/
//     -Signature in the query (both at once is refused, neither is
//     MissingAuthenticationToken). Parse it; a piece missing or malformed is
//     IncompleteSignature, with AWS's wording.
//  2. Check the credential scope AKID/YYYYMMDD/region/service/aws4_request: the date
//     must be X-Amz-Date's date, the service one the caller serves (it is returned so
//     the server can route IAM and STS on one endpoint), any region is accepted but
//     it is part of the signing key, so it cannot be changed afterwards.
//  3. Check time before any database work: X-Amz-Date within MaxSkew (15 minutes)
//     of now either way, or for presigned URLs not in the future and not past
//     X-Amz-Expires (1 to 604800 seconds): a captured request cannot be replayed
//     forever. Otherwise RequestExpired.
//  4. `host` must be signed, or a request could be replayed against another host.
//     The payload hash is the SHA-256 of the body the server read; a client-supplied
//     X-Amz-Content-Sha256 must equal it, and UNSIGNED-PAYLOAD is only accepted for
//     presigned GETs, which have no body: every byte the server acts on is signed.
//  5. Look the key up through the caller's function (ErrUnknownKey means
//     InvalidClientTokenId), derive the signing key, compute the signature over the
//     canonical request and compare in constant time (hmac.Equal); a difference is
//     SignatureDoesNotMatch and says nothing about which part differed.
//  6. Only then check the session token (temporary credentials) and its expiry.
//
// The canonical request is, line by line: method; canonical URI (the path,
// dot-segments removed and repeated slashes collapsed as IAM and STS do, then each
// byte outside A-Z a-z 0-9 - _ . ~ percent-encoded once, "/" kept); canonical query
// (each parameter decoded then re-encoded the same way, sorted by encoded name then
// value, X-Amz-Signature left out); one "name:value" line per signed header (name
// lowercased, value trimmed with runs of spaces collapsed, repeated headers joined
// with "," in order); a blank line; the signed header names joined by ";"; the
// payload hash. The string to sign is "AWS4-HMAC-SHA256", X-Amz-Date, the scope and
// the hex SHA-256 of the canonical request. These are the rules of AWS's own test
// suite (testdata/v4, from awslabs/aws-c-auth), which the tests replay in full.
//
// Errors a client caused are *Error values carrying AWS's code and HTTP status;
// anything else Verify returns (a failing Lookup) is an internal error.
package sigv4
