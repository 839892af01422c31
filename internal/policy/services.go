package policy

// keyPrefixAliases lists condition-key prefixes that legitimately appear on actions
// of another service.
var keyPrefixAliases = map[string][]string{
	"ec2":                  {"autoscaling", "elasticloadbalancing", "ssm", "eks", "ecs"},
	"iam":                  {"sts"},
	"sts":                  {"iam"},
	"kms":                  {"s3", "dynamodb", "ebs", "ec2", "secretsmanager", "rds", "sqs", "sns", "logs"},
	"s3":                   {"s3-object-lambda", "s3express"},
	"elasticloadbalancing": {"ec2"},
	"cognito-identity":     {"sts"},
	"saml":                 {"sts"},
	"accounts.google.com":  {"sts"},
	"graph.facebook.com":   {"sts"},
	"www.amazon.com":       {"sts"},
	"organizations":        {"ram"},
}

// singleValuedGlobalKeys are global keys that carry at most one value: a set
// operator (ForAllValues/ForAnyValue) on them is a mistake that can over-grant.
var singleValuedGlobalKeys = setOf(
	"aws:username", "aws:userid", "aws:principalarn", "aws:principalaccount", "aws:principaltype",
	"aws:sourceip", "aws:securetransport", "aws:multifactorauthpresent", "aws:multifactorauthage",
	"aws:currenttime", "aws:epochtime", "aws:sourcearn", "aws:sourceaccount", "aws:sourcevpc", "aws:sourcevpce",
	"aws:requestedregion", "aws:principalorgid", "aws:resourceaccount", "aws:useragent", "aws:referer",
	"aws:tokenissuetime", "aws:viaawsservice", "aws:principalisawsservice", "sts:externalid",
)

// knownGlobalKeys are the aws: keys AWS defines (tag keys are matched by prefix).
var knownGlobalKeys = setOf(
	"aws:username", "aws:userid", "aws:principalarn", "aws:principalaccount", "aws:principaltype",
	"aws:principalorgid", "aws:principalorgpaths", "aws:principalisawsservice", "aws:principalservicename",
	"aws:principalservicenameslist", "aws:sourceip", "aws:securetransport", "aws:multifactorauthpresent",
	"aws:multifactorauthage", "aws:currenttime", "aws:epochtime", "aws:sourcearn", "aws:sourceaccount",
	"aws:sourceorgid", "aws:sourceorgpaths", "aws:sourcevpc", "aws:sourcevpce", "aws:sourcevpcarn", "aws:vpcsourceip",
	"aws:requestedregion", "aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths", "aws:useragent",
	"aws:referer", "aws:tokenissuetime", "aws:viaawsservice", "aws:calledvia", "aws:calledviafirst",
	"aws:calledvialast", "aws:tagkeys", "aws:federatedprovider", "aws:sourceidentity", "aws:rolesessionname",
	"aws:assumedroot", "aws:ec2instancesourceprivateipv4", "aws:ec2instancesourcevpc", "aws:ismcpserviceaction",
	"aws:sourceowner", "aws:chatbotsourcearn", "aws:vpce", "aws:sourceinstancearn",
)

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
