// Package awsapi serves AWS's IAM and STS query APIs at /aws, so the aws CLI
// and the AWS SDKs work against the console unchanged.
//
// A request is form-encoded (POST body, or GET query) with Action and
// Version; it is authenticated by SigV4 (internal/auth/sigv4), whose
// credential scope names the service (iam or sts) — except STS's
// AssumeRoleWithWebIdentity, which carries its own proof (a token) and is
// answered unsigned, as AWS's is (sts_webidentity.go); the action's handler
// decodes AWS's parameter encodings (Tags.member.1.Key), calls one operation
// of internal/iam, and writes AWS's XML response shape, or an ErrorResponse
// with AWS's code and status. Like the console's handlers, these hold no
// business rules: the same operations, the same authorization.
package awsapi
