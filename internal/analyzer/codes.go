package analyzer

import "strings"

// FindingType is a finding's impact, as ValidatePolicy names it.
type FindingType string

// Finding types (ValidatePolicyFinding.findingType).
const (
	Error           FindingType = "ERROR"            // part of the policy does not work
	SecurityWarning FindingType = "SECURITY_WARNING" // the policy allows more than it should
	Warning         FindingType = "WARNING"          // not best practice
	Suggestion      FindingType = "SUGGESTION"       // style: no effect on access
)

// ReferenceURL is AWS's "Access Analyzer policy check reference": every
// finding's learnMoreLink is this page with the anchor of its section.
const ReferenceURL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

// check is one section of the reference: its issue code, finding type and
// title (the section heading without the type; its anchor is made from it).
type check struct {
	typ   FindingType
	title string
}

// checks lists the issue codes this package reports, as the reference
// names them. A code missing here cannot be reported (newFinding panics in
// tests), so a typo in a code is caught once, not per document.
var checks = map[string]check{
	// Errors: the policy, or part of it, does not work.
	"JSON_SYNTAX_ERROR":                  {Error, "Json syntax error"},
	"INVALID_POLICY_ELEMENT":             {Error, "Invalid policy element"},
	"DATA_TYPE_MISMATCH":                 {Error, "Data type mismatch"},
	"INVALID_VERSION":                    {Error, "Invalid version"},
	"MISSING_STATEMENT":                  {Error, "Missing statement"},
	"MISSING_EFFECT":                     {Error, "Missing effect"},
	"MISSING_ACTION":                     {Error, "Missing action"},
	"MISSING_RESOURCE":                   {Error, "Missing resource"},
	"MISSING_PRINCIPAL":                  {Error, "Missing principal"},
	"INVALID_EFFECT":                     {Error, "Invalid effect"},
	"UNSUPPORTED_ELEMENT_COMBINATION":    {Error, "Unsupported element combination"},
	"UNIQUE_SIDS_REQUIRED":               {Error, "Unique Sids required"},
	"UNSUPPORTED_SID":                    {Error, "Unsupported Sid"},
	"INVALID_CONDITION_OPERATOR":         {Error, "Invalid condition operator"},
	"NULL_WITH_IF_EXISTS":                {Error, "Null with if exists"},
	"INVALID_CONDITION_KEY_FORMAT":       {Error, "Invalid condition key format"},
	"INVALID_ARN_PREFIX":                 {Error, "Invalid ARN prefix"},
	"INVALID_PARTITION":                  {Error, "Invalid partition"},
	"MISSING_ARN_FIELD":                  {Error, "Missing ARN field"},
	"INVALID_ARN_RESOURCE":               {Error, "Invalid ARN resource"},
	"INVALID_ACTION":                     {Error, "Invalid action"},
	"INVALID_SERVICE_IN_ACTION":          {Error, "Invalid service in action"},
	"INVALID_PRINCIPAL_FORMAT":           {Error, "Invalid principal format"},
	"INVALID_PRINCIPAL_KEY":              {Error, "Invalid principal key"},
	"INVALID_SERVICE_PRINCIPAL_FORMAT":   {Error, "Invalid service principal format"},
	"UNSUPPORTED_WILDCARD_IN_PRINCIPAL":  {Error, "Unsupported wildcard in principal"},
	"UNSUPPORTED_PRINCIPAL":              {Error, "Unsupported principal"},
	"INVALID_GLOBAL_CONDITION_KEY":       {Error, "Invalid global condition key"},
	"INVALID_SERVICE_CONDITION_KEY":      {Error, "Invalid service condition key"},
	"VARIABLE_UNSUPPORTED_IN_VERSION":    {Error, "Variable unsupported in version"},
	"UNSUPPORTED_RESOURCE_ARN_IN_POLICY": {Error, "Unsupported resource ARN in policy"},
	"SCP_SYNTAX_ERROR_PRINCIPAL":         {Error, "SCP syntax error principal"},
	"SCP_SYNTAX_ERROR_ACTION_WILDCARD":   {Error, "SCP syntax error action wildcard"},
	"EMPTY_VARIABLE":                     {Error, "Empty variable"},
	"MISSING_BRACE_IN_VARIABLE":          {Error, "Missing brace in variable"},
	"INVALID_CONDITION_MULTIPLE_BOOLEAN": {Error, "Invalid condition multiple Boolean"},
	"DUPLICATE_KEYS_WITH_DIFFERENT_CASE": {Error, "Duplicate keys with different case"},
	"INVALID_SERVICE":                    {Error, "Invalid service"},
	"INVALID_VARIABLE_FOR_OPERATOR":      {Error, "Invalid variable for operator"},
	"UNSUPPORTED_GLOBAL_CONDITION_KEY":   {Error, "Unsupported global condition key"},
	"MISSING_QUALIFIER":                  {Error, "Missing qualifier"},
	"PRIVATE_IP_ADDRESS":                 {Error, "Private IP address"},
	"PRIVATE_NOT_IP_ADDRESS":             {Error, "Private NotIpAddress"},
	"ARN_ACCOUNT_NOT_ALLOWED":            {Error, "ARN account not allowed"},
	"ARN_REGION_NOT_ALLOWED":             {Error, "ARN Region not allowed"},
	"INVALID_ARN_ACCOUNT":                {Error, "Invalid ARN account"},
	"MISSING_ARN_REGION":                 {Error, "Missing ARN Region"},
	"INVALID_ARN_SERVICE_CASE":           {Error, "Invalid ARN service case"},

	// Security warnings: the policy allows more than it probably should.
	"ALLOW_WITH_NOT_PRINCIPAL":                       {SecurityWarning, "Allow with NotPrincipal"},
	"FORALLVALUES_WITH_SINGLE_VALUED_KEY":            {SecurityWarning, "ForAllValues with single valued key"},
	"PASS_ROLE_WITH_STAR_IN_RESOURCE":                {SecurityWarning, "Pass role with star in resource"},
	"PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE":     {SecurityWarning, "Pass role with star in action and resource"},
	"PASS_ROLE_WITH_NOT_RESOURCE":                    {SecurityWarning, "Pass role with NotResource"},
	"PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE":     {SecurityWarning, "Pass role with NotAction and NotResource"},
	"PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": {SecurityWarning, "Pass role with star in resource and NotAction"},
	"PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": {SecurityWarning, "Pass role with star in action and NotResource"},

	// General warnings: not best practice.
	"MISSING_VERSION":                                 {Warning, "Missing version"},
	"TYPE_MISMATCH_NUMBER":                            {Warning, "Type mismatch number"},
	"TYPE_MISMATCH_DATE":                              {Warning, "Type mismatch date"},
	"TYPE_MISMATCH_BOOLEAN":                           {Warning, "Type mismatch Boolean"},
	"TYPE_MISMATCH_IP_RANGE":                          {Warning, "Type mismatch IP range"},
	"WILDCARD_WITHOUT_LIKE_OPERATOR":                  {Warning, "Wildcard without like operator"},
	"POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA":       {Warning, "Policy size exceeds identity policy quota"},
	"TYPE_MISMATCH_STRING":                            {Warning, "Type mismatch string"},
	"UNIQUE_SIDS_RECOMMENDED":                         {Warning, "Unique Sids recommended"},
	"INVALID_ROLE_REFERENCE":                          {Warning, "Invalid role reference"},
	"INVALID_USER_REFERENCE":                          {Warning, "Invalid user reference"},
	"CREATE_SLR_WITH_STAR_IN_RESOURCE":                {Warning, "Create SLR with star in resource"},
	"CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE":     {Warning, "Create SLR with star in action and resource"},
	"CREATE_SLR_WITH_NOT_RESOURCE":                    {Warning, "Create SLR with NotResource"},
	"CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE":     {Warning, "Create SLR with NotAction and NotResource"},
	"CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": {Warning, "Create SLR with star in resource and NotAction"},
	"CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": {Warning, "Create SLR with star in action and NotResource"},

	// Suggestions: style, no effect on access.
	"EMPTY_ARRAY_ACTION":                 {Suggestion, "Empty array action"},
	"EMPTY_ARRAY_RESOURCE":               {Suggestion, "Empty array resource"},
	"EMPTY_ARRAY_PRINCIPAL":              {Suggestion, "Empty array principal"},
	"EMPTY_ARRAY_CONDITION":              {Suggestion, "Empty array condition"},
	"EMPTY_ARRAY_CONDITION_FORALLVALUES": {Suggestion, "Empty array condition ForAllValues"},
	"EMPTY_ARRAY_CONDITION_FORANYVALUE":  {Suggestion, "Empty array condition ForAnyValue"},
	"EMPTY_ARRAY_CONDITION_IFEXISTS":     {Suggestion, "Empty array condition IfExists"},
	"NULL_WITH_QUALIFIER":                {Suggestion, "Null with qualifier"},
	"IMPROVE_IP_RANGE":                   {Suggestion, "Improve IP range"},
	"PRIVATE_IP_ADDRESS_SUBSET":          {Suggestion, "Private IP address subset"},
	"PRIVATE_NOT_IP_ADDRESS_SUBSET":      {Suggestion, "Private NotIpAddress subset"},
	"REDUNDANT_CONDITION_VALUE_NUM":      {Suggestion, "Redundant condition value num"},
	"WILDCARD_IN_SERVICE_NAME":           {Suggestion, "Wildcard in service name"},
	"EMPTY_OBJECT_CONDITION":             {Suggestion, "Empty object condition"},
	"EMPTY_OBJECT_PRINCIPAL":             {Suggestion, "Empty object principal"},
	"EMPTY_SID_VALUE":                    {Suggestion, "Empty Sid value"},
	"REDUNDANT_ACTION":                   {Suggestion, "Redundant action"},
	"REDUNDANT_RESOURCE":                 {Suggestion, "Redundant resource"},
	"REDUNDANT_STATEMENT":                {Suggestion, "Redundant statement"},
}

// Where the reference's wording is known (the page gives each check's
// findingDetails with placeholders), the details below follow it with the
// placeholders filled.

// LearnMoreLink is the reference section of code, as ValidatePolicy's
// learnMoreLink gives it ("…#access-analyzer-reference-policy-checks-error-invalid-action"),
// or "" for a code this package does not report.
func LearnMoreLink(code string) string {
	c, ok := checks[code]
	if !ok {
		return ""
	}
	return ReferenceURL + "#access-analyzer-reference-policy-checks-" + typeSlug[c.typ] + "-" + slug(c.title)
}

// Type is code's finding type, or "" for a code this package does not report.
func Type(code string) FindingType { return checks[code].typ }

var typeSlug = map[FindingType]string{Error: "error", SecurityWarning: "security-warning", Warning: "general-warning", Suggestion: "suggestion"}

// slug is an anchor's form of a title: lower case, words joined by '-'.
func slug(title string) string {
	return strings.ReplaceAll(strings.ToLower(title), " ", "-")
}
