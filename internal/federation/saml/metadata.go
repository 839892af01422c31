package saml

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	rtvalidator "github.com/mattermost/xml-roundtrip-validator"
	"github.com/russellhaering/gosaml2/types"
)

// Metadata is what an identity provider's metadata document says that
// matters to verify its responses.
type Metadata struct {
	// EntityID is the provider's entityID: the Issuer of its responses.
	EntityID string
	// ValidUntil is the document's validUntil; zero when it sets none.
	ValidUntil time.Time
	// SigningCerts are the certificates of the IDPSSODescriptor's
	// KeyDescriptors for signing (use="signing", or no use: both).
	SigningCerts []*x509.Certificate
}

// ErrMetadata is every refusal of a metadata document; the wrapped text
// says what is wrong, for logs and the audit.
var ErrMetadata = errors.New("could not parse metadata")

// ParseMetadata reads a metadata document: one EntityDescriptor with an
// entityID and an IDPSSODescriptor holding at least one signing
// certificate. It refuses documents whose XML does not survive a
// round-trip through encoding/xml unchanged (mattermost's validator: the
// same guard gosaml2 puts before its parser).
func ParseMetadata(doc string) (*Metadata, error) {
	if err := rtvalidator.Validate(strings.NewReader(doc)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMetadata, err)
	}
	var ed types.EntityDescriptor
	dec := xml.NewDecoder(bytes.NewReader([]byte(doc)))
	if err := dec.Decode(&ed); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMetadata, err)
	}
	md := &Metadata{EntityID: strings.TrimSpace(ed.EntityID), ValidUntil: ed.ValidUntil}
	if md.EntityID == "" {
		return nil, fmt.Errorf("%w: no entityID", ErrMetadata)
	}
	if ed.IDPSSODescriptor == nil {
		return nil, fmt.Errorf("%w: no IDPSSODescriptor", ErrMetadata)
	}
	for _, kd := range ed.IDPSSODescriptor.KeyDescriptors {
		if kd.Use != "" && kd.Use != "signing" {
			continue
		}
		for _, c := range kd.KeyInfo.X509Data.X509Certificates {
			der, err := base64.StdEncoding.DecodeString(stripSpace(c.Data))
			if err != nil {
				return nil, fmt.Errorf("%w: signing certificate: %v", ErrMetadata, err)
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, fmt.Errorf("%w: signing certificate: %v", ErrMetadata, err)
			}
			md.SigningCerts = append(md.SigningCerts, cert)
		}
	}
	if len(md.SigningCerts) == 0 {
		return nil, fmt.Errorf("%w: no signing certificate", ErrMetadata)
	}
	return md, nil
}

// stripSpace removes the ASCII white space base64 in XML is wrapped with.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}
