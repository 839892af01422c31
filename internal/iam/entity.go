package iam

import (
	"context"

	"github.com/iamconsole/console/internal/models"
)

// EntityType is the type of IAM entity an operation acts on. The operations
// that AWS spells once per type (AttachUserPolicy, AttachGroupPolicy,
// AttachRolePolicy, …) are one operation here over an Entity; the front
// doors map each of AWS's names to it in one line.
type EntityType string

// Entity types.
const (
	UserType   EntityType = "user"
	GroupType  EntityType = "group"
	RoleType   EntityType = "role"
	PolicyType EntityType = "policy"
	// MFADeviceType is a virtual MFA device, named by its serial number:
	// only tags apply to it (TagMFADevice, …).
	MFADeviceType EntityType = "mfa"
	// InstanceProfileType is an EC2 instance profile: its own operations
	// are in instanceprofiles.go; tags go through Tag, Untag and ListTags.
	InstanceProfileType EntityType = "instance-profile"
	// ServerCertificateType is a server certificate: its own operations
	// are in servercerts.go; tags go through Tag, Untag and ListTags.
	ServerCertificateType EntityType = "server-certificate"
)

// Entity names one IAM entity: a user, group or role by name, a managed
// policy by ARN.
type Entity struct {
	Type EntityType
	Name string
}

// UserNamed, GroupNamed and RoleNamed name an entity by its type and name;
// PolicyWithARN names a managed policy.
func UserNamed(name string) Entity        { return Entity{UserType, name} }
func GroupNamed(name string) Entity       { return Entity{GroupType, name} }
func RoleNamed(name string) Entity        { return Entity{RoleType, name} }
func PolicyWithARN(arn string) Entity     { return Entity{PolicyType, arn} }
func (e Entity) model() models.EntityType { return models.EntityType(e.Type) }

// InstanceProfileNamed names an instance profile.
func InstanceProfileNamed(name string) Entity { return Entity{InstanceProfileType, name} }

// ServerCertificateNamed names a server certificate.
func ServerCertificateNamed(name string) Entity { return Entity{ServerCertificateType, name} }

// paramKey is the audit parameter naming the entity, as CloudTrail's
// requestParameters do: userName, groupName, roleName, policyArn.
func (e Entity) paramKey() string {
	switch e.Type {
	case PolicyType:
		return "policyArn"
	case MFADeviceType:
		return "serialNumber"
	case InstanceProfileType:
		return "instanceProfileName"
	case OIDCProviderType:
		return "openIDConnectProviderArn"
	case ServerCertificateType:
		return "serverCertificateName"
	}
	return string(e.Type) + "Name"
}

// move is a rename or a change of path (UpdateUser, UpdateGroup): where
// the entity goes, and the audit parameters that say so.
type move struct {
	name, path, arn string
	params          map[string]any
}

// authorizedMove checks the new name and path of entity e (now at path,
// ARN oldARN; empty new values keep the old) and authorizes the update on
// the new ARN too, as AWS does: a caller allowed to rename users in /a/
// may not move one into /admin/.
func (s *Service) authorizedMove(ctx context.Context, caller *Principal, m Meta, acct string, e Entity, path, oldARN, newName, newPath string) (*move, error) {
	noun := map[EntityType]string{UserType: "User", GroupType: "Group", RoleType: "Role"}[e.Type] // as in NewUserName
	mv := &move{name: e.Name, path: path, params: map[string]any{e.paramKey(): e.Name}}
	var nameErr, pathErr error
	if newName != "" {
		nameErr = validName(string(e.Type), "New"+noun+"Name", newName)
		mv.name = newName
		mv.params["new"+noun+"Name"] = newName
	}
	if newPath != "" {
		mv.path, pathErr = normalizePath("NewPath", newPath)
		mv.params["newPath"] = newPath
	}
	if err := joinInvalid(nameErr, pathErr); err != nil {
		return nil, err // both at once, as AWS reports them
	}
	mv.arn = entityARN(acct, e.model(), mv.path, mv.name)
	if mv.arn != oldARN {
		if err := s.authorizeMeta(ctx, caller, m, OpUpdate.Action(e.Type), mv.arn); err != nil {
			return nil, err
		}
	}
	return mv, nil
}
