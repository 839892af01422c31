package policy

// knownServices holds the service prefixes of AWS actions (as in "s3:GetObject"),
// from the Service Authorization Reference. An action whose prefix is not here is
// almost always a typo ("s3s:GetObject"), which IAM accepts silently and which then
// never matches anything.
var knownServices = setOf(
	"a2c", "a4b", "access-analyzer", "account", "acm", "acm-pca", "activate", "aiops", "airflow", "amplify",
	"amplifybackend", "amplifyuibuilder", "aoss", "apigateway", "app-integrations", "appconfig", "appfabric",
	"appflow", "application-autoscaling", "application-cost-profiler", "application-signals", "applicationinsights",
	"appmesh", "appmesh-preview", "apprunner", "appstream", "appsync", "aps", "arc-zonal-shift", "arsenal", "artifact",
	"athena", "auditmanager", "autoscaling", "autoscaling-plans", "aws-marketplace", "aws-marketplace-management",
	"aws-portal", "awsconnector", "b2bi", "backup", "backup-gateway", "backup-storage", "batch", "bcm-data-exports",
	"bedrock", "billing", "billingconductor", "braket", "budgets", "bugbust", "cases", "cassandra", "ce",
	"chatbot", "chime", "cleanrooms", "cleanrooms-ml", "cloud9", "clouddirectory", "cloudformation", "cloudfront",
	"cloudhsm", "cloudsearch", "cloudshell", "cloudtrail", "cloudtrail-data", "cloudwatch", "codeartifact",
	"codebuild", "codecatalyst", "codecommit", "codeconnections", "codedeploy", "codeguru", "codeguru-profiler",
	"codeguru-reviewer", "codeguru-security", "codepipeline", "codestar", "codestar-connections",
	"codestar-notifications", "codewhisperer", "cognito-identity", "cognito-idp", "cognito-sync", "comprehend",
	"comprehendmedical", "compute-optimizer", "config", "connect", "connect-campaigns", "consoleapp",
	"consolidatedbilling", "controltower", "cost-optimization-hub", "cur", "customer-verification", "databrew",
	"dataexchange", "datapipeline", "datasync", "datazone", "dax", "dbqms", "deadline", "deepcomposer", "deeplens",
	"deepracer", "detective", "devicefarm", "devops-guru", "directconnect", "discovery", "dlm", "dms", "docdb-elastic",
	"drs", "ds", "dynamodb", "ebs", "ec2", "ec2-instance-connect", "ec2messages", "ecr", "ecr-public", "ecs", "eks",
	"eks-auth", "elasticache", "elasticbeanstalk", "elasticfilesystem", "elasticloadbalancing", "elasticmapreduce",
	"elastictranscoder", "elemental-activations", "elemental-appliances-software", "elemental-support-cases",
	"emr-containers", "emr-serverless", "entityresolution", "es", "events", "evidently", "execute-api", "finspace",
	"finspace-api", "firehose", "fis", "fms", "forecast", "frauddetector", "freertos", "freetier", "fsx", "gamelift",
	"geo", "glacier", "globalaccelerator", "glue", "grafana", "greengrass", "groundstation", "groundtruthlabeling",
	"guardduty", "health", "healthlake", "iam", "identity-sync", "identitystore", "identitystore-auth", "imagebuilder",
	"importexport", "inspector", "inspector-scan", "inspector2", "internetmonitor", "invoicing", "iot", "iot-device-tester",
	"iot1click", "iotanalytics", "iotdeviceadvisor", "iotevents", "iotfleethub", "iotfleetwise", "iotjobsdata",
	"iotmanagedintegrations", "iotsitewise", "iottwinmaker", "iotwireless", "iq", "iq-permission", "ivs", "ivschat",
	"kafka", "kafka-cluster", "kafkaconnect", "kendra", "kendra-ranking", "kinesis", "kinesisanalytics",
	"kinesisvideo", "kms", "lakeformation", "lambda", "launchwizard", "lex", "license-manager",
	"license-manager-linux-subscriptions", "license-manager-user-subscriptions", "lightsail", "logs", "lookoutequipment",
	"lookoutmetrics", "lookoutvision", "m2", "machinelearning", "macie2", "managedblockchain", "mapcredits",
	"marketplacecommerceanalytics", "mechanicalturk", "mediaconnect", "mediaconvert", "mediaimport", "medialive",
	"mediapackage", "mediapackage-vod", "mediapackagev2", "mediastore", "mediatailor", "medical-imaging", "memorydb",
	"mgh", "mgn", "migrationhub-orchestrator", "migrationhub-strategy", "mobileanalytics", "monitron", "mq",
	"neptune-db", "neptune-graph", "network-firewall", "networkmanager", "networkmonitor", "notifications",
	"notifications-contacts", "oam", "omics", "opsworks", "opsworks-cm", "organizations", "osis", "outposts",
	"payments", "pca-connector-ad", "personalize", "pi", "pipes", "polly", "pricing", "private-networks", "profile",
	"proton", "purchase-orders", "q", "qapps", "qbusiness", "qldb", "quicksight", "ram", "rbin", "rds", "rds-data",
	"rds-db", "redshift", "redshift-data", "redshift-serverless", "refactor-spaces", "rekognition", "repostspace",
	"resiliencehub", "resource-explorer-2", "resource-groups", "rhelkb", "robomaker", "rolesanywhere", "route53",
	"route53-recovery-cluster", "route53-recovery-control-config", "route53-recovery-readiness", "route53domains",
	"route53profiles", "route53resolver", "rum", "s3", "s3-object-lambda", "s3-outposts", "s3express", "s3tables",
	"sagemaker", "sagemaker-geospatial", "savingsplans", "scheduler", "schemas", "scn", "sdb", "secretsmanager",
	"securityhub", "securitylake", "serverlessrepo", "servicecatalog", "servicediscovery", "serviceextract",
	"servicequotas", "ses", "shield", "signer", "signin", "simspaceweaver", "sms", "sms-voice", "snow-device-management",
	"snowball", "sns", "sqlworkbench", "sqs", "ssm", "ssm-contacts", "ssm-guiconnect", "ssm-incidents", "ssm-quicksetup",
	"ssm-sap", "ssmmessages", "sso", "sso-directory", "sso-oauth", "states", "storagegateway", "sts", "support",
	"supportapp", "supportplans", "sustainability", "swf", "synthetics", "tag", "tax", "textract", "timestream",
	"tiros", "tnb", "transcribe", "transfer", "translate", "trustedadvisor", "ts", "user-subscriptions", "vendor-insights",
	"verifiedpermissions", "voiceid", "vpc-lattice", "vpc-lattice-svcs", "waf", "waf-regional", "wafv2",
	"wellarchitected", "wickr", "wisdom", "workdocs", "worklink", "workmail", "workmailmessageflow", "workspaces",
	"workspaces-web", "xray",
)

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
