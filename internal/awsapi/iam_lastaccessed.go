package awsapi

import (
	"time"

	"github.com/iamconsole/console/internal/iam"
)

// Access Advisor's three actions (issue 15), in the SDK model's shapes.

type generateServiceLastAccessedResult struct {
	JobId string `xml:"JobId"`
}

type xmlTrackedAction struct {
	ActionName         string   `xml:"ActionName"`
	LastAccessedEntity string   `xml:"LastAccessedEntity,omitempty"`
	LastAccessedRegion string   `xml:"LastAccessedRegion,omitempty"`
	LastAccessedTime   *isoTime `xml:"LastAccessedTime,omitempty"`
}

type xmlServiceLastAccessed struct {
	ServiceName                string                     `xml:"ServiceName"`
	ServiceNamespace           string                     `xml:"ServiceNamespace"`
	LastAuthenticated          *isoTime                   `xml:"LastAuthenticated,omitempty"`
	LastAuthenticatedEntity    string                     `xml:"LastAuthenticatedEntity,omitempty"`
	LastAuthenticatedRegion    string                     `xml:"LastAuthenticatedRegion,omitempty"`
	TotalAuthenticatedEntities int                        `xml:"TotalAuthenticatedEntities"`
	TrackedActionsLastAccessed *members[xmlTrackedAction] `xml:"TrackedActionsLastAccessed,omitempty"`
}

type getServiceLastAccessedResult struct {
	JobStatus            string                          `xml:"JobStatus"`
	JobType              string                          `xml:"JobType"`
	JobCreationDate      isoTime                         `xml:"JobCreationDate"`
	ServicesLastAccessed members[xmlServiceLastAccessed] `xml:"ServicesLastAccessed"`
	JobCompletionDate    isoTime                         `xml:"JobCompletionDate"`
	page
}

type xmlEntityInfo struct {
	Arn  string `xml:"Arn"`
	Name string `xml:"Name"`
	Type string `xml:"Type"`
	Id   string `xml:"Id"`
	Path string `xml:"Path,omitempty"`
}

type xmlEntityDetails struct {
	EntityInfo        xmlEntityInfo `xml:"EntityInfo"`
	LastAuthenticated *isoTime      `xml:"LastAuthenticated,omitempty"`
}

type getServiceLastAccessedWithEntitiesResult struct {
	JobStatus         string                    `xml:"JobStatus"`
	JobCreationDate   isoTime                   `xml:"JobCreationDate"`
	JobCompletionDate isoTime                   `xml:"JobCompletionDate"`
	EntityDetailsList members[xmlEntityDetails] `xml:"EntityDetailsList"`
	page
}

func optTime(t time.Time) *isoTime {
	if t.IsZero() {
		return nil
	}
	x := ts(t)
	return &x
}

func generateServiceLastAccessedDetails(s *Server, c *call) (any, error) {
	if err := c.p.required("Arn"); err != nil {
		return nil, err
	}
	id, err := s.svc.GenerateServiceLastAccessedDetails(c.ctx, c.caller, c.p.str("Arn"), c.p.str("Granularity"), c.meta)
	if err != nil {
		return nil, err
	}
	return generateServiceLastAccessedResult{JobId: id}, nil
}

func getServiceLastAccessedDetails(s *Server, c *call) (any, error) {
	if err := c.p.required("JobId"); err != nil {
		return nil, err
	}
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	r, err := s.svc.GetServiceLastAccessedDetails(c.ctx, c.caller, c.p.str("JobId"), marker, maxItems, c.meta)
	if err != nil {
		return nil, err
	}
	out := getServiceLastAccessedResult{JobStatus: r.JobStatus, JobType: r.JobType, JobCreationDate: ts(r.JobCreationDate),
		JobCompletionDate: ts(r.JobCompletionDate), ServicesLastAccessed: list([]xmlServiceLastAccessed{}), page: pageOf(r.Marker)}
	for _, x := range r.Services {
		sx := xmlServiceLastAccessed{ServiceName: x.ServiceName, ServiceNamespace: x.ServiceNamespace,
			LastAuthenticated: optTime(x.LastAuthenticated), LastAuthenticatedEntity: x.LastAuthenticatedEntity,
			LastAuthenticatedRegion: x.LastAuthenticatedRegion, TotalAuthenticatedEntities: x.TotalAuthenticatedEntities}
		if r.JobType == iam.GranularityAction {
			ta := list([]xmlTrackedAction{})
			for _, a := range x.TrackedActions {
				ta.Member = append(ta.Member, xmlTrackedAction{ActionName: a.ActionName, LastAccessedEntity: a.LastAccessedEntity,
					LastAccessedRegion: a.LastAccessedRegion, LastAccessedTime: optTime(a.LastAccessedTime)})
			}
			sx.TrackedActionsLastAccessed = &ta
		}
		out.ServicesLastAccessed.Member = append(out.ServicesLastAccessed.Member, sx)
	}
	return out, nil
}

func getServiceLastAccessedDetailsWithEntities(s *Server, c *call) (any, error) {
	if err := c.p.required("JobId", "ServiceNamespace"); err != nil {
		return nil, err
	}
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	r, err := s.svc.GetServiceLastAccessedDetailsWithEntities(c.ctx, c.caller, c.p.str("JobId"), c.p.str("ServiceNamespace"), marker, maxItems, c.meta)
	if err != nil {
		return nil, err
	}
	out := getServiceLastAccessedWithEntitiesResult{JobStatus: r.JobStatus, JobCreationDate: ts(r.JobCreationDate),
		JobCompletionDate: ts(r.JobCompletionDate), EntityDetailsList: list([]xmlEntityDetails{}), page: pageOf(r.Marker)}
	for _, e := range r.Entities {
		out.EntityDetailsList.Member = append(out.EntityDetailsList.Member, xmlEntityDetails{
			EntityInfo:        xmlEntityInfo{Arn: e.Arn, Name: e.Name, Type: e.Type, Id: e.ID, Path: e.Path},
			LastAuthenticated: optTime(e.LastAuthenticated)})
	}
	return out, nil
}
