package awsapi

// xmlAccessKey is a new key, with its secret (shown this once).
type xmlAccessKey struct {
	UserName        string  `xml:"UserName"`
	AccessKeyID     string  `xml:"AccessKeyId"`
	Status          string  `xml:"Status"`
	SecretAccessKey string  `xml:"SecretAccessKey"`
	CreateDate      isoTime `xml:"CreateDate"`
}

type createAccessKeyResult struct {
	AccessKey xmlAccessKey `xml:"AccessKey"`
}

type xmlAccessKeyMetadata struct {
	UserName    string  `xml:"UserName"`
	AccessKeyID string  `xml:"AccessKeyId"`
	Status      string  `xml:"Status"`
	CreateDate  isoTime `xml:"CreateDate"`
}

type listAccessKeysResult struct {
	AccessKeyMetadata members[xmlAccessKeyMetadata] `xml:"AccessKeyMetadata"`
	page
}

// xmlAccessKeyLastUsed says "N/A" for the service and region of a key never
// used, as AWS does.
type xmlAccessKeyLastUsed struct {
	LastUsedDate *isoTime `xml:"LastUsedDate,omitempty"`
	ServiceName  string   `xml:"ServiceName"`
	Region       string   `xml:"Region"`
}

type getAccessKeyLastUsedResult struct {
	UserName          string               `xml:"UserName"`
	AccessKeyLastUsed xmlAccessKeyLastUsed `xml:"AccessKeyLastUsed"`
}

type xmlLoginProfile struct {
	UserName              string  `xml:"UserName"`
	CreateDate            isoTime `xml:"CreateDate"`
	PasswordResetRequired bool    `xml:"PasswordResetRequired"`
}

type loginProfileResult struct {
	LoginProfile xmlLoginProfile `xml:"LoginProfile"`
}
