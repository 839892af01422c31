package awsapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"

	"github.com/iamconsole/console/internal/analyzer"
	"github.com/iamconsole/console/internal/iam"
)

// Access Analyzer's policy checks (routes in analyzer.go). Member names
// are the SDK's (service/accessanalyzer serializers.go and
// deserializers.go): lower camel case.

type validatePolicyInput struct {
	Locale                     string `json:"locale"`
	PolicyDocument             string `json:"policyDocument"`
	PolicyType                 string `json:"policyType"`
	ValidatePolicyResourceType string `json:"validatePolicyResourceType"`
}

type validatePolicyOutput struct {
	Findings  []findingJSON `json:"findings"`
	NextToken *string       `json:"nextToken,omitempty"`
}

type findingJSON struct {
	FindingDetails string         `json:"findingDetails"`
	FindingType    string         `json:"findingType"`
	IssueCode      string         `json:"issueCode"`
	LearnMoreLink  string         `json:"learnMoreLink"`
	Locations      []locationJSON `json:"locations"`
}

type locationJSON struct {
	Path []pathElementJSON `json:"path"`
	Span spanJSON          `json:"span"`
}

// pathElementJSON is the PathElement union: exactly one member is set.
type pathElementJSON struct {
	Index     *int           `json:"index,omitempty"`
	Key       *string        `json:"key,omitempty"`
	Value     *string        `json:"value,omitempty"`
	Substring *substringJSON `json:"substring,omitempty"`
}

type substringJSON struct {
	Start  int `json:"start"`
	Length int `json:"length"`
}

type spanJSON struct {
	Start positionJSON `json:"start"`
	End   positionJSON `json:"end"`
}

type positionJSON struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"offset"`
}

func validatePolicy(s *Server, c *restCall) (any, error) {
	var in validatePolicyInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Locale != "" && !slices.Contains(locales, in.Locale) {
		return nil, &iam.Error{Kind: iam.Invalid, Field: "locale", Message: "1 validation error detected: Value '" + in.Locale +
			"' at 'locale' failed to satisfy constraint: Member must satisfy enum value set: [" + strings.Join(locales, ", ") + "]"}
	}
	max, hasMax, err := c.queryInt("maxResults")
	if err != nil {
		return nil, err
	}
	if hasMax && max < 1 {
		return nil, &iam.Error{Kind: iam.Invalid, Field: "maxResults",
			Message: "1 validation error detected: Value '" + strconv.Itoa(max) + "' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"}
	}
	findings, err := s.svc.ValidatePolicy(c.ctx, c.caller, c.meta, in.PolicyDocument,
		analyzer.Input{PolicyType: analyzer.PolicyType(in.PolicyType), ResourceType: in.ValidatePolicyResourceType})
	if err != nil {
		return nil, err
	}
	// The token names where the next page starts and which request it
	// belongs to: a token from another document is refused, not misread.
	salt := pageSalt(in)
	start := 0
	if tok := c.query["nextToken"]; len(tok) > 0 && tok[0] != "" {
		if start, err = parsePageToken(tok[0], salt, len(findings)); err != nil {
			return nil, err
		}
	}
	end := len(findings)
	if hasMax && start+max < end {
		end = start + max
	}
	out := validatePolicyOutput{Findings: make([]findingJSON, 0, end-start)}
	for _, f := range findings[start:end] {
		out.Findings = append(out.Findings, findingOf(f))
	}
	if end < len(findings) {
		tok := pageToken(end, salt)
		out.NextToken = &tok
	}
	return out, nil
}

// locales are ValidatePolicy's locales. Findings are in English whatever
// the locale: the others are accepted, as AWS would, and not translated.
var locales = []string{"DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW"}

func findingOf(f analyzer.Finding) findingJSON {
	out := findingJSON{FindingDetails: f.FindingDetails, FindingType: string(f.FindingType), IssueCode: f.IssueCode,
		LearnMoreLink: f.LearnMoreLink, Locations: make([]locationJSON, 0, len(f.Locations))}
	for _, l := range f.Locations {
		lj := locationJSON{Path: make([]pathElementJSON, 0, len(l.Path)), Span: spanJSON{Start: positionJSON(l.Span.Start), End: positionJSON(l.Span.End)}}
		for _, p := range l.Path {
			pj := pathElementJSON{Index: p.Index, Key: p.Key, Value: p.Value}
			if p.Substring != nil {
				pj.Substring = &substringJSON{Start: p.Substring.Start, Length: p.Substring.Length}
			}
			lj.Path = append(lj.Path, pj)
		}
		out.Locations = append(out.Locations, lj)
	}
	return out
}

func pageSalt(in validatePolicyInput) uint64 {
	h := sha256.Sum256([]byte(in.PolicyType + "\x00" + in.ValidatePolicyResourceType + "\x00" + in.PolicyDocument))
	return binary.BigEndian.Uint64(h[:8])
}

func pageToken(offset int, salt uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + "." + strconv.FormatUint(salt, 36)))
}

func parsePageToken(tok string, salt uint64, n int) (int, error) {
	bad := &iam.Error{Kind: iam.Invalid, Field: "nextToken", Message: "The nextToken is not valid for this request."}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, bad
	}
	off, s, ok := strings.Cut(string(raw), ".")
	if !ok || s != strconv.FormatUint(salt, 36) {
		return 0, bad
	}
	i, err := strconv.Atoi(off)
	if err != nil || i < 0 || i > n {
		return 0, bad
	}
	return i, nil
}

// checkResultJSON is the output of the three custom checks.
type checkResultJSON struct {
	Result  string       `json:"result"`
	Message string       `json:"message"`
	Reasons []reasonJSON `json:"reasons"`
}

type reasonJSON struct {
	Description    string  `json:"description,omitempty"`
	StatementIndex *int    `json:"statementIndex,omitempty"`
	StatementID    *string `json:"statementId,omitempty"`
}

func resultOf(r analyzer.Result) checkResultJSON {
	out := checkResultJSON{Result: "FAIL", Message: r.Message, Reasons: make([]reasonJSON, 0, len(r.Reasons))}
	if r.Pass {
		out.Result = "PASS"
	}
	for _, x := range r.Reasons {
		rj := reasonJSON{Description: x.Description}
		if x.StatementIndex >= 0 {
			i := x.StatementIndex
			rj.StatementIndex = &i
		}
		if x.StatementID != "" {
			id := x.StatementID
			rj.StatementID = &id
		}
		out.Reasons = append(out.Reasons, rj)
	}
	return out
}

func checkNoNewAccess(s *Server, c *restCall) (any, error) {
	var in struct {
		NewPolicyDocument      string `json:"newPolicyDocument"`
		ExistingPolicyDocument string `json:"existingPolicyDocument"`
		PolicyType             string `json:"policyType"`
	}
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := s.svc.CheckNoNewAccess(c.ctx, c.caller, c.meta, in.NewPolicyDocument, in.ExistingPolicyDocument, analyzer.PolicyType(in.PolicyType))
	if err != nil {
		return nil, err
	}
	return resultOf(r), nil
}

func checkAccessNotGranted(s *Server, c *restCall) (any, error) {
	var in struct {
		Access []struct {
			Actions   []string `json:"actions"`
			Resources []string `json:"resources"`
		} `json:"access"`
		PolicyDocument string `json:"policyDocument"`
		PolicyType     string `json:"policyType"`
	}
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	access := make([]analyzer.Access, len(in.Access))
	for i, a := range in.Access {
		access[i] = analyzer.Access{Actions: a.Actions, Resources: a.Resources}
	}
	r, err := s.svc.CheckAccessNotGranted(c.ctx, c.caller, c.meta, in.PolicyDocument, analyzer.PolicyType(in.PolicyType), access)
	if err != nil {
		return nil, err
	}
	return resultOf(r), nil
}

func checkNoPublicAccess(s *Server, c *restCall) (any, error) {
	var in struct {
		PolicyDocument string `json:"policyDocument"`
		ResourceType   string `json:"resourceType"`
	}
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := s.svc.CheckNoPublicAccess(c.ctx, c.caller, c.meta, in.PolicyDocument, in.ResourceType)
	if err != nil {
		return nil, err
	}
	return resultOf(r), nil
}
