package awsdata

import (
	"strings"
	"testing"
)

// FuzzParseServices: the digest reader refuses what it cannot read with an
// error, never a panic, and what it reads answers lookups.
func FuzzParseServices(f *testing.F) {
	f.Add("S\ts3\tAmazon S3\nA\tGetObject\tR\tobject*\ts3:prefix\nR\tobject\tarn:${Partition}:s3:::${BucketName}/${ObjectName}\nK\ts3:ExistingObjectTag/<key>\tString\nU\tsaml\tsts\n")
	f.Add("A\tGetObject\tR\t\t\n")
	f.Add("S\tx\ty\nK\tx:a/${\tString\nK\tx:b/tag-key\tString\n")
	f.Fuzz(func(t *testing.T, data string) {
		r, err := parseServices(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, p := range r.Prefixes() {
			s := r.Service(p)
			s.HasConditionKey(p + ":x")
			for _, a := range s.Actions {
				s.Action(a.Name)
			}
		}
		r.KnownKeyPrefix("saml")
	})
}
