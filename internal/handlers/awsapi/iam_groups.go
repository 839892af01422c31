package awsapi

// xmlGroup is AWS's Group.
type xmlGroup struct {
	Path       string  `xml:"Path"`
	GroupName  string  `xml:"GroupName"`
	GroupID    string  `xml:"GroupId"`
	Arn        string  `xml:"Arn"`
	CreateDate isoTime `xml:"CreateDate"`
}

type groupResult struct {
	Group xmlGroup `xml:"Group"`
}

type getGroupResult struct {
	Group xmlGroup         `xml:"Group"`
	Users members[xmlUser] `xml:"Users"`
	page
}

type listGroupsResult struct {
	Groups members[xmlGroup] `xml:"Groups"`
	page
}
