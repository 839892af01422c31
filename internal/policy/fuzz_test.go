package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are documents that exercise every part of the grammar; the committed
// corpus in testdata/fuzz/ holds the inputs the fuzzers found interesting.
var fuzzSeeds = []string{
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Deny","NotAction":["iam:*","s3:Get*"],"NotResource":"arn:aws:s3:::x*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/bob"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*","b?"]},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true},"Null":{"aws:TokenIssueTime":"true"},"ArnLike":{"aws:SourceArn":"arn:aws:*:*:111122223333:*"},"BinaryEquals":{"k:b":"QUJD"}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"s3:*","Resource":["arn:aws:s3:::${aws:PrincipalTag/team, 'none'}/*","arn:*:s3:::${*}${?}${$}"]}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Action":"x"}]}`,
	`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::caf\u00e9/\ud83d\ude00"}]}`,
	"{\"Version\":\"2012-10-17\",\n \"Statement\": [ {\"Effect\": \"Allow\" , \"Action\": 1 } ] }",
	// The JSON mistakes whose positions json_test.go pins.
	"{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",\n     \"Resource\": \"*\",\n    }\n  ]\n}",
	"{\"Statement\": [{\"Effect\": \"Allow\" \"Action\": [\"s3:a\" \"s3:b\",]}]}",
	"{'Version': \"2012-10-17\", // no\n\"Statement\": [{\"Effect\": \"Allow\"}}",
	"{\"Version\": \"2012-10-17\n\", \"Statement\": [",
	// Reference checks: unknown actions, resource types, condition keys.
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRol","s3:Get*","s4:x","*:Get*"],"Resource":["arn:aws:iam::1:usr/a","arn:aws:s3:::b/${aws:username}/*","arn:aws:s4:::x"],"Condition":{"StringLike":{"s3:prefixes":"a","s3:ExistingObjectTag/k":"v","example.com:sub":"x"}}}]}`,
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	// Every document of the AWS grammar corpus, accepted or refused by IAM.
	if raw, err := os.ReadFile(filepath.Join("testdata", "aws-grammar", "corpus.json")); err == nil {
		var c struct {
			Cases []struct {
				Text string `json:"text"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			f.Fatal(err)
		}
		for _, k := range c.Cases {
			f.Add([]byte(k.Text))
		}
	}
	for _, name := range []string{"small", "large"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", "bench", name+".json")); err == nil && name == "small" {
			f.Add(raw)
		}
	}
}

// FuzzParse checks that Parse and Validate never panic, always report positions
// inside the document for errors, and that whatever parses also compiles.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, k := range []Kind{Identity, Resource, Trust} {
			rep := Validate(doc, k, LimitManaged)
			d, err := Parse(doc, k)
			if (err == nil) != (d != nil) {
				t.Fatalf("Parse returned doc=%v err=%v", d != nil, err)
			}
			// IAM's answer exists exactly when the document is refused.
			for _, r := range []Report{rep, ValidateFor(doc, k, true, LimitManaged)} {
				if code, msg := r.AWSError(); (code == "") != r.OK() || (code != "") != (msg != "") {
					t.Fatalf("AWSError = %q %q for errors %v", code, msg, r.Errors)
				}
			}
			for _, e := range rep.Errors {
				if e.Line < 0 || e.Column < 0 || e.Message == "" || e.Code == "" {
					t.Fatalf("bad diagnostic %+v", e)
				}
			}
			if err == nil {
				p := Compile(PolicyRef{ID: "fuzz"}, d)
				req := &Request{Principal: Principal{ARN: "arn:aws:iam::111122223333:user/alice"},
					Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alice/x"}
				in := &Inputs{Identity: []*Policy{p}}
				if k != Identity {
					in = &Inputs{Resource: p}
				}
				if Decide(in, req) != Evaluate(in, req).Outcome {
					t.Fatalf("Decide and Evaluate disagree")
				}
			}
		}
	})
}

// FuzzEvaluate checks that evaluation never panics on arbitrary requests against a
// policy that uses every operator family, and that the fast and explaining paths agree.
func FuzzEvaluate(f *testing.F) {
	p := MustCompile(PolicyRef{ID: "p"}, fuzzSeeds[3], Identity)
	v := MustCompile(PolicyRef{ID: "v"}, fuzzSeeds[0], Identity)
	r := MustCompile(PolicyRef{ID: "r"}, fuzzSeeds[4], Resource)
	f.Add("s3:GetObject", "arn:aws:s3:::b/alice/x", "aws:TagKeys", "abc", "arn:aws:iam::111122223333:user/alice")
	f.Add("S3:getobject", "arn:aws:s3:::b/*", "aws:SourceIp", "10.1.2.3", "arn:aws:sts::111122223333:assumed-role/R/s")
	f.Add("iam:PassRole", "*", "aws:CurrentTime", "2020-01-01", "")
	f.Add("x", "arn:aws:s3:::none/x", "aws:MultiFactorAuthAge", "12.5", "arn:::")
	f.Fuzz(func(t *testing.T, action, resource, key, value, arn string) {
		req := &Request{Principal: Principal{ARN: arn, Tags: map[string]string{"team": value}},
			Action: action, Resource: resource}
		req.Context.Set(key, value, value+"x")
		for _, in := range []*Inputs{{Identity: []*Policy{p, v}}, {Identity: []*Policy{v}, Resource: r}, {Identity: []*Policy{p}, Boundary: v, Session: []*Policy{}}} {
			if Decide(in, req) != Evaluate(in, req).Outcome {
				t.Fatalf("Decide and Evaluate disagree")
			}
		}
	})
}

// FuzzGlob checks the wildcard matcher against a regular-expression reference.
func FuzzGlob(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*a*a*a*b", "aaaaaaaaaaaa")
	f.Add("s3:get*", "s3:getobject")
	f.Add("??*?", "é漢x")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 64 || !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)^`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`$`)
		want := regexp.MustCompile(re.String()).MatchString(s)
		g := compileGlob(pattern, true, false, false)
		if got := g.match(s, nil); got != want {
			t.Fatalf("glob %q ~ %q = %v, regexp says %v", pattern, s, got, want)
		}
	})
}

// FuzzGlobsIntersect checks the pattern intersection the resource-type
// warnings rely on: symmetric, and for a pattern and a plain string the same
// answer as matching the string.
func FuzzGlobsIntersect(f *testing.F) {
	f.Add("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/*")
	f.Add("a*b?c", "axxbyc")
	f.Add("${", "*${x}?")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 200 || len(b) > 200 {
			return
		}
		ta, tb := globTokens(a), globTokens(b)
		if globsIntersect(ta, tb) != globsIntersect(tb, ta) {
			t.Fatalf("not symmetric for %q, %q", a, b)
		}
		if utf8.ValidString(a) && utf8.ValidString(b) && !strings.ContainsAny(b, "*?$") && !strings.Contains(a, "${") {
			g := compileGlob(a, true, false, false)
			if got, want := globsIntersect(ta, tb), g.match(b, nil); got != want {
				t.Fatalf("%q vs %q: intersect %v, match %v", a, b, got, want)
			}
		}
	})
}
