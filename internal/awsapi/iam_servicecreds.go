package awsapi

import "github.com/iamconsole/console/internal/iam"

// Service-specific credentials and service-linked roles.

// xmlServiceSpecificCredential is both AWS's ServiceSpecificCredential
// (with the password or secret, when made or reset) and its Metadata
// (without): the secret fields are left out when empty.
type xmlServiceSpecificCredential struct {
	CreateDate                  isoTime  `xml:"CreateDate"`
	ExpirationDate              *isoTime `xml:"ExpirationDate,omitempty"`
	ServiceName                 string   `xml:"ServiceName"`
	ServiceUserName             string   `xml:"ServiceUserName,omitempty"`
	ServicePassword             string   `xml:"ServicePassword,omitempty"`
	ServiceCredentialAlias      string   `xml:"ServiceCredentialAlias,omitempty"`
	ServiceCredentialSecret     string   `xml:"ServiceCredentialSecret,omitempty"`
	ServiceSpecificCredentialID string   `xml:"ServiceSpecificCredentialId"`
	UserName                    string   `xml:"UserName"`
	Status                      string   `xml:"Status"`
}

type serviceSpecificCredentialResult struct {
	ServiceSpecificCredential xmlServiceSpecificCredential `xml:"ServiceSpecificCredential"`
}

type listServiceSpecificCredentialsResult struct {
	ServiceSpecificCredentials members[xmlServiceSpecificCredential] `xml:"ServiceSpecificCredentials"`
	page
}

func serviceCredentialXML(c *iam.ServiceSpecificCredential) xmlServiceSpecificCredential {
	return xmlServiceSpecificCredential{CreateDate: ts(c.CreateDate), ExpirationDate: tsp(c.ExpirationDate), ServiceName: c.ServiceName,
		ServiceUserName: c.ServiceUserName, ServicePassword: c.ServicePassword, ServiceCredentialAlias: c.ServiceCredentialAlias,
		ServiceCredentialSecret: c.ServiceCredentialSecret, ServiceSpecificCredentialID: c.ServiceSpecificCredentialId,
		UserName: c.UserName, Status: c.Status}
}

func createServiceSpecificCredential(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName", "ServiceName"); err != nil {
		return nil, err
	}
	days, err := c.p.integer("CredentialAgeDays", 0)
	if err != nil {
		return nil, err
	}
	if c.p.has("CredentialAgeDays") && days < 1 {
		return nil, validation("1 validation error detected: Value '%d' at 'credentialAgeDays' failed to satisfy constraint: Member must have value greater than or equal to 1", days)
	}
	cred, err := s.svc.CreateServiceSpecificCredential(c.ctx, c.caller, iam.CreateServiceSpecificCredentialInput{
		UserName: c.p.str("UserName"), ServiceName: c.p.str("ServiceName"), CredentialAgeDays: days}, c.meta)
	if err != nil {
		return nil, err
	}
	return serviceSpecificCredentialResult{ServiceSpecificCredential: serviceCredentialXML(cred)}, nil
}

func listServiceSpecificCredentials(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	all, err := c.p.boolean("AllUsers", false)
	if err != nil {
		return nil, err
	}
	cs, next, err := s.svc.ListServiceSpecificCredentials(c.ctx, c.caller, iam.ListServiceSpecificCredentialsInput{
		UserName: c.p.str("UserName"), ServiceName: c.p.str("ServiceName"), AllUsers: all, Page: iamPage(marker, maxItems)}, c.meta)
	if err != nil {
		return nil, err
	}
	out := make([]xmlServiceSpecificCredential, len(cs))
	for i := range cs {
		out[i] = serviceCredentialXML(&cs[i])
	}
	return listServiceSpecificCredentialsResult{ServiceSpecificCredentials: list(out), page: pageOf(next)}, nil
}

func updateServiceSpecificCredential(s *Server, c *call) (any, error) {
	if err := c.p.required("ServiceSpecificCredentialId", "Status"); err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateServiceSpecificCredential(c.ctx, c.caller, c.p.str("UserName"), c.p.str("ServiceSpecificCredentialId"),
		c.p.str("Status"), c.meta)
}

func resetServiceSpecificCredential(s *Server, c *call) (any, error) {
	if err := c.p.required("ServiceSpecificCredentialId"); err != nil {
		return nil, err
	}
	cred, err := s.svc.ResetServiceSpecificCredential(c.ctx, c.caller, c.p.str("UserName"), c.p.str("ServiceSpecificCredentialId"), c.meta)
	if err != nil {
		return nil, err
	}
	return serviceSpecificCredentialResult{ServiceSpecificCredential: serviceCredentialXML(cred)}, nil
}

func deleteServiceSpecificCredential(s *Server, c *call) (any, error) {
	if err := c.p.required("ServiceSpecificCredentialId"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteServiceSpecificCredential(c.ctx, c.caller, c.p.str("UserName"), c.p.str("ServiceSpecificCredentialId"), c.meta)
}

// iamPage is the page a List… call asks for.
func iamPage(marker string, maxItems int) iam.Page {
	return iam.Page{Marker: marker, MaxItems: maxItems}
}

type deleteServiceLinkedRoleResult struct {
	DeletionTaskID string `xml:"DeletionTaskId"`
}

type xmlDeletionFailureReason struct {
	Reason        string           `xml:"Reason"`
	RoleUsageList members[xmlNone] `xml:"RoleUsageList"`
}

// xmlNone is an element of a list that is always empty here.
type xmlNone struct{}

type deletionStatusResult struct {
	Status string                    `xml:"Status"`
	Reason *xmlDeletionFailureReason `xml:"Reason,omitempty"`
}

func createServiceLinkedRole(s *Server, c *call) (any, error) {
	if err := c.p.required("AWSServiceName"); err != nil {
		return nil, err
	}
	r, err := s.svc.CreateServiceLinkedRole(c.ctx, c.caller, iam.CreateServiceLinkedRoleInput{AWSServiceName: c.p.str("AWSServiceName"),
		CustomSuffix: c.p.str("CustomSuffix"), Description: c.p.str("Description")}, c.meta)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: roleXML(r, false)}, nil
}

func deleteServiceLinkedRole(s *Server, c *call) (any, error) {
	if err := c.p.required("RoleName"); err != nil {
		return nil, err
	}
	id, err := s.svc.DeleteServiceLinkedRole(c.ctx, c.caller, c.p.str("RoleName"), c.meta)
	if err != nil {
		return nil, err
	}
	return deleteServiceLinkedRoleResult{DeletionTaskID: id}, nil
}

func getServiceLinkedRoleDeletionStatus(s *Server, c *call) (any, error) {
	if err := c.p.required("DeletionTaskId"); err != nil {
		return nil, err
	}
	st, err := s.svc.GetServiceLinkedRoleDeletionStatus(c.ctx, c.caller, c.p.str("DeletionTaskId"), c.meta)
	if err != nil {
		return nil, err
	}
	out := deletionStatusResult{Status: st.Status}
	if st.Reason != "" {
		out.Reason = &xmlDeletionFailureReason{Reason: st.Reason, RoleUsageList: list([]xmlNone{})}
	}
	return out, nil
}
