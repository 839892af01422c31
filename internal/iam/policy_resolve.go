package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamconsole/console/internal/models"
)

// ResolvePolicyARN turns what a person typed into a managed policy's ARN: an
// ARN is returned as given (attaching checks it), a bare name means AWS's
// managed policy of that name when one exists (whatever its path, as in
// "ViewOnlyAccess" for /job-function/ViewOnlyAccess), else the account's own
// policy of that name (any case, as AWS compares names). NotFound, naming
// what was looked for, when neither exists. Reading the account's policy
// needs iam:GetPolicy on it, as the console's ARN lookups do.
func (s *Service) ResolvePolicyARN(ctx context.Context, caller *Principal, nameOrARN string, m Meta) (string, error) {
	in := strings.TrimSpace(nameOrARN)
	switch {
	case in == "":
		return "", invalidField("PolicyArn", "Type a policy name (such as IAMReadOnlyAccess) or its ARN.")
	case strings.HasPrefix(in, "arn:"):
		return in, nil
	case validName("policy", "PolicyName", in) != nil:
		return "", invalidField("PolicyArn", "%s is neither a policy name nor an ARN.", in)
	}
	if b := BuiltinByName(in); b != nil {
		return b.ARN(), nil
	}
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return "", err
	}
	p, err := s.store.Policy(ctx, acct, in)
	if errors.Is(err, models.ErrNotFound) {
		return "", newErr(NotFound, "No AWS managed or customer managed policy is named %s. Search by part of its name, or give its ARN.", in)
	}
	if err != nil {
		return "", internal(err, "policy")
	}
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetPolicy", p.ARN); err != nil {
		return "", err
	}
	return p.ARN, nil
}
