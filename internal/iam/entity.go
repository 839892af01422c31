package iam

import "github.com/iamconsole/console/internal/models"

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

// paramKey is the audit parameter naming the entity, as CloudTrail's
// requestParameters do: userName, groupName, roleName, policyArn.
func (e Entity) paramKey() string {
	if e.Type == PolicyType {
		return "policyArn"
	}
	return string(e.Type) + "Name"
}
