package awsapi

import (
	"net/url"
	"strings"

	"github.com/iamconsole/console/internal/iam"
)

// members is AWS's list encoding in responses: <Name><member>…</member></Name>.
type members[T any] struct {
	Member []T `xml:"member"`
}

func list[T any](items []T) members[T] { return members[T]{Member: items} }

// page is the tail of every paginated list result.
type page struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

func pageOf(next string) page { return page{IsTruncated: next != "", Marker: next} }

// paging reads Marker and MaxItems (1–1000, as AWS allows; 0 when absent,
// which the operations take as their default page).
func (p params) paging() (marker string, maxItems int, err error) {
	n, err := p.integer("MaxItems", 0)
	if err != nil {
		return "", 0, err
	}
	if p.has("MaxItems") && (n < 1 || n > 1000) {
		return "", 0, validation("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", n)
	}
	return p.str("Marker"), n, nil
}

// required returns the named parameters' values, or the ValidationError AWS
// gives for the first one missing.
func (p params) required(names ...string) error {
	for _, n := range names {
		if p.str(n) == "" {
			return missing(n)
		}
	}
	return nil
}

// entityParam is the parameter that names an entity of each type in AWS's
// actions: AttachUserPolicy's UserName, TagPolicy's PolicyArn.
var entityParam = map[iam.EntityType]string{iam.MFADeviceType: "SerialNumber", iam.UserType: "UserName", iam.GroupType: "GroupName",
	iam.RoleType: "RoleName", iam.PolicyType: "PolicyArn", iam.InstanceProfileType: "InstanceProfileName",
	iam.OIDCProviderType: "OpenIDConnectProviderArn", iam.ServerCertificateType: "ServerCertificateName",
	iam.SAMLProviderType: "SAMLProviderArn"}

// entity reads the entity an action of type t names, requiring it and the
// other parameters named, in AWS's order: the entity first.
func (c *call) entity(t iam.EntityType, others ...string) (iam.Entity, error) {
	param := entityParam[t]
	if err := c.p.required(append([]string{param}, others...)...); err != nil {
		return iam.Entity{}, err
	}
	return iam.Entity{Type: t, Name: c.p.str(param)}, nil
}

// entityPage reads the entity a List… action of type t names and the page
// asked for.
func (c *call) entityPage(t iam.EntityType) (iam.Entity, iam.Page, error) {
	e, err := c.entity(t)
	if err != nil {
		return e, iam.Page{}, err
	}
	marker, maxItems, err := c.p.paging()
	return e, iam.Page{Marker: marker, MaxItems: maxItems}, err
}

// urlDoc encodes a policy document as AWS returns it: percent-encoded, with
// spaces as %20 so that both url.QueryUnescape and Python's unquote (the
// CLI) give the document back unchanged.
func urlDoc(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// tagList is an entity's Tags element, left out when there are none.
func tagList(tags []iam.Tag) *members[xmlTag] {
	if len(tags) == 0 {
		return nil
	}
	out := make([]xmlTag, len(tags))
	for i, t := range tags {
		out[i] = xmlTag{Key: t.Key, Value: t.Value}
	}
	return &members[xmlTag]{Member: out}
}

// boundary is a principal's PermissionsBoundary element, left out when none.
// AWS spells the one attachment type "PermissionsBoundaryPolicy".
func boundary(b *iam.AttachedPermissionsBoundary) *xmlBoundary {
	if b == nil || b.PermissionsBoundaryArn == "" {
		return nil
	}
	return &xmlBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: b.PermissionsBoundaryArn}
}
