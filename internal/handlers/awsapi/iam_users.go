package awsapi

// xmlBoundary is a principal's PermissionsBoundary element.
type xmlBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

// xmlUser is AWS's User. Lists leave Tags and the boundary out, as AWS's do.
type xmlUser struct {
	Path                string           `xml:"Path"`
	UserName            string           `xml:"UserName"`
	UserID              string           `xml:"UserId"`
	Arn                 string           `xml:"Arn"`
	CreateDate          isoTime          `xml:"CreateDate"`
	PasswordLastUsed    *isoTime         `xml:"PasswordLastUsed,omitempty"`
	PermissionsBoundary *xmlBoundary     `xml:"PermissionsBoundary,omitempty"`
	Tags                *members[xmlTag] `xml:"Tags,omitempty"`
}

type userResult struct {
	User xmlUser `xml:"User"`
}

type listUsersResult struct {
	Users members[xmlUser] `xml:"Users"`
	page
}
