package iam

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/iamconsole/console/internal/models"
)

// Service-linked roles are roles an AWS service makes for itself, at
// /aws-service-role/SERVICE/, trusting only that service. They are
// protected: CreateRole refuses their path, and the role changes that
// would edit their permissions or delete them are UnmodifiableEntity; they
// go with DeleteServiceLinkedRole, a deletion task with a status.

// serviceLinkedPath is the path prefix AWS reserves for service-linked
// roles.
const serviceLinkedPath = "/aws-service-role/"

// CreateServiceLinkedRoleInput is CreateServiceLinkedRole's input.
type CreateServiceLinkedRoleInput struct {
	AWSServiceName string
	CustomSuffix   string
	Description    string
}

// Deletion task statuses, AWS's DeletionTaskStatusType.
const (
	DeletionSucceeded  = "SUCCEEDED"
	DeletionInProgress = "IN_PROGRESS"
	DeletionFailed     = "FAILED"
	DeletionNotStarted = "NOT_STARTED"
)

// DeletionStatus is GetServiceLinkedRoleDeletionStatus' answer; Reason is
// set for a failed task.
type DeletionStatus struct {
	Status string
	Reason string
}

var (
	awsServiceNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,100}\.amazonaws\.com(\.cn)?$`)
	customSuffixRE   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	deletionTaskRE   = regexp.MustCompile(`^task/aws-service-role/([^/]+)/([\w+=,.@-]{1,64})/([0-9a-f-]{36})$`)
)

// serviceRoleNames are the role names of services whose name is not
// their principal's first label capitalized (AWSServiceRoleFor + this).
var serviceRoleNames = map[string]string{
	"autoscaling": "AutoScaling", "elasticbeanstalk": "ElasticBeanstalk", "elasticloadbalancing": "ElasticLoadBalancing",
	"ecs": "ECS", "rds": "RDS", "ssm": "AmazonSSM", "eks": "AmazonEKS", "guardduty": "AmazonGuardDuty",
	"es": "AmazonElasticsearchService", "opensearchservice": "AmazonOpenSearchService", "spot": "EC2Spot",
	"elasticache": "ElastiCache", "redshift": "Redshift", "securityhub": "SecurityHub", "sso": "SSO",
	"access-analyzer": "AccessAnalyzer", "compute-optimizer": "ComputeOptimizer", "backup": "Backup",
	"kafka": "Kafka", "dax": "DAX", "inspector2": "AmazonInspector2", "fsx": "AmazonFSx", "cloudtrail": "CloudTrail",
	"config": "Config", "organizations": "Organizations", "support": "Support", "trustedadvisor": "TrustedAdvisor",
	"dynamodb.application-autoscaling": "ApplicationAutoScaling_DynamoDBTable",
	"ecs.application-autoscaling":      "ApplicationAutoScaling_ECSService",
}

// serviceRoleName is the name of a service's linked role:
// AWSServiceRoleFor and the service, then _ and the custom suffix.
func serviceRoleName(service, suffix string) string {
	prefix := strings.TrimSuffix(strings.TrimSuffix(service, ".cn"), ".amazonaws.com")
	name, ok := serviceRoleNames[prefix]
	if !ok {
		var b strings.Builder
		for _, part := range strings.FieldsFunc(prefix, func(r rune) bool { return r == '-' || r == '.' }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
		name = b.String()
	}
	name = "AWSServiceRoleFor" + name
	if suffix != "" {
		name += "_" + suffix
	}
	return name
}

// isServiceLinkedPath reports whether a role at path is service-linked.
func isServiceLinkedPath(path string) bool { return strings.HasPrefix(path, serviceLinkedPath) }

// errReservedPath is CreateRole's answer for the reserved path, in AWS's
// words.
var errReservedPath = &Error{Kind: Invalid, Code: "InvalidInput", Field: "Path",
	Message: "Path prefix '" + serviceLinkedPath + "' can only be used for AWS Service linked Roles"}

// unmodifiableRole is AWS's refusal to edit or delete a service-linked
// role other than through its service.
func unmodifiableRole(name string) *Error {
	return &Error{Kind: Invalid, Code: "UnmodifiableEntity",
		Message: "Cannot perform the operation on the protected role '" + name + "' - this role is only modifiable by AWS"}
}

// protectedRoleActions are the role changes a service-linked role refuses.
var protectedRoleActions = map[string]bool{
	"iam:DeleteRole": true, "iam:UpdateAssumeRolePolicy": true,
	"iam:AttachRolePolicy": true, "iam:DetachRolePolicy": true, "iam:PutRolePolicy": true, "iam:DeleteRolePolicy": true,
	"iam:PutRolePermissionsBoundary": true, "iam:DeleteRolePermissionsBoundary": true,
}

// checkProtectedRole refuses a protected change to a service-linked role.
func checkProtectedRole(action string, e *entity) error {
	if e.typ == models.EntityRole && protectedRoleActions[action] && isServiceLinkedPath(e.path) {
		return unmodifiableRole(e.name)
	}
	return nil
}

func serviceTrustPolicy(service string) string {
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": service}, "Action": "sts:AssumeRole"}}}
	b, _ := json.Marshal(doc)
	return string(b)
}

// CreateServiceLinkedRole makes the role a service acts as:
// AWSServiceRoleFor… at /aws-service-role/SERVICE/, trusting the service.
// Authorized on the role's ARN with the iam:AWSServiceName key, as AWS
// does. InvalidInput when the name is taken.
func (s *Service) CreateServiceLinkedRole(ctx context.Context, caller *Principal, in CreateServiceLinkedRoleInput, m Meta) (*Role, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	if !awsServiceNameRE.MatchString(in.AWSServiceName) {
		return nil, &Error{Kind: Invalid, Code: "InvalidInput", Field: "AWSServiceName",
			Message: "Invalid service principal name: " + in.AWSServiceName + ". It must be an AWS service principal such as elasticbeanstalk.amazonaws.com."}
	}
	if in.CustomSuffix != "" && !customSuffixRE.MatchString(in.CustomSuffix) {
		return nil, invalidField("CustomSuffix", "The specified value for customSuffix is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-")
	}
	if err := checkRoleDescription(in.Description); err != nil {
		return nil, err
	}
	name := serviceRoleName(in.AWSServiceName, in.CustomSuffix)
	path := serviceLinkedPath + in.AWSServiceName + "/"
	arn := roleARN(acct, path, name)
	ac := withRequestContext(caller, map[string][]string{"iam:AWSServiceName": {in.AWSServiceName}})
	if err := s.authorizeMeta(ctx, ac, m, "iam:CreateServiceLinkedRole", arn); err != nil {
		return nil, err
	}
	if err := validName("role", "CustomSuffix", name); err != nil {
		return nil, err
	}
	trust := serviceTrustPolicy(in.AWSServiceName)
	r := &models.Role{RoleID: newID(PrefixRole, 17), Name: name, Path: path, AssumeRolePolicyDocument: trust,
		Description: in.Description, MaxSessionDuration: DefaultMaxSessionDuration, CreatedAt: s.now()}
	params := map[string]any{"aWSServiceName": in.AWSServiceName}
	if in.CustomSuffix != "" {
		params["customSuffix"] = in.CustomSuffix
	}
	if in.Description != "" {
		params["description"] = in.Description
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		n, err := tx.CountRoles(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxRolesPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for RolesPerAccount: %d", MaxRolesPerAccount)
		}
		if err := tx.CreateRole(ctx, acct, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "CreateServiceLinkedRole", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, &Error{Kind: Invalid, Code: "InvalidInput",
			Message: "Service role name " + name + " has been taken in this account, please try a different suffix."}
	}
	if err != nil {
		return nil, asInternal(err, "create service-linked role")
	}
	out := roleOut(acct, r)
	return &out, nil
}

// DeleteServiceLinkedRole submits a service-linked role's deletion and
// returns the task's ID (task/aws-service-role/SERVICE/ROLE/UUID). No
// service here holds resources through the role, so the task ends at
// once: SUCCEEDED with the role gone, or FAILED, with the reason, while
// policies or an instance profile still hold it.
func (s *Service) DeleteServiceLinkedRole(ctx context.Context, caller *Principal, roleName string, m Meta) (string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return "", err
	}
	r, arn, err := s.authorizedRole(ctx, caller, acct, roleName, m, "iam:DeleteServiceLinkedRole", nil)
	if err != nil {
		return "", err
	}
	if !isServiceLinkedPath(r.Path) {
		return "", newErr(NotFound, "The service-linked role with name %s cannot be found.", roleName)
	}
	service := strings.TrimSuffix(strings.TrimPrefix(r.Path, serviceLinkedPath), "/")
	task := &models.ServiceLinkedRoleDeletion{TaskID: "task/aws-service-role/" + service + "/" + r.Name + "/" + uuid.NewString(),
		RoleName: r.Name, Status: DeletionSucceeded, CreatedAt: s.now()}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := lockOwner(ctx, tx, acct, models.EntityRole, r.RoleID, r.Name); err != nil {
			return err
		}
		d, err := tx.RoleDependents(ctx, acct, r.RoleID)
		if err != nil {
			return err
		}
		profiles, err := tx.CountRoleInstanceProfiles(ctx, acct, r.RoleID)
		if err != nil {
			return err
		}
		switch {
		case d.AttachedPolicies > 0 || d.InlinePolicies > 0:
			task.Status, task.Reason = DeletionFailed, "The role still has policies."
		case profiles > 0:
			task.Status, task.Reason = DeletionFailed, "The role is still in an instance profile."
		default:
			if err := tx.DeleteTagsOf(ctx, acct, models.EntityRole, r.RoleID); err != nil {
				return err
			}
			if err := tx.DeleteRole(ctx, acct, r.RoleID); err != nil {
				return err
			}
		}
		if err := tx.CreateServiceLinkedRoleDeletion(ctx, acct, task); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteServiceLinkedRole", resource: arn,
			params: map[string]any{"roleName": r.Name, "deletionTaskId": task.TaskID, "status": task.Status}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return "", noSuchRole(roleName)
	}
	if err != nil {
		return "", asInternal(err, "delete service-linked role")
	}
	return task.TaskID, nil
}

// GetServiceLinkedRoleDeletionStatus tells how a deletion task went,
// authorized on the role's ARN.
func (s *Service) GetServiceLinkedRoleDeletionStatus(ctx context.Context, caller *Principal, taskID string, m Meta) (*DeletionStatus, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	parts := deletionTaskRE.FindStringSubmatch(taskID)
	if parts == nil {
		return nil, &Error{Kind: Invalid, Code: "InvalidInput", Field: "DeletionTaskId",
			Message: "Invalid deletion task id: " + taskID}
	}
	arn := roleARN(acct, serviceLinkedPath+parts[1]+"/", parts[2])
	if err := s.authorizeMeta(ctx, caller, m, "iam:GetServiceLinkedRoleDeletionStatus", arn); err != nil {
		return nil, err
	}
	t, err := s.store.ServiceLinkedRoleDeletion(ctx, acct, taskID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, newErr(NotFound, "Deletion task %s cannot be found.", taskID)
	}
	if err != nil {
		return nil, internal(err, "deletion task")
	}
	return &DeletionStatus{Status: t.Status, Reason: t.Reason}, nil
}
