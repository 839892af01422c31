// Package saml reads a SAML 2.0 identity provider's metadata and verifies
// the SAML responses it signs, as AWS STS AssumeRoleWithSAML does. The XML
// signature work (canonicalization, digests, signature checks, the guard
// against signature wrapping) is github.com/russellhaering/gosaml2 and
// goxmldsig's: this package only chooses what to trust (the metadata's
// signing certificates and entityID) and adds AWS's rules on top (the
// audiences and recipients AWS accepts, the clock skew, one assertion per
// response). It knows nothing of the database: the caller keeps each
// assertion ID once (internal/iam).
//
// The grammar it accepts, in short:
//
//	metadata  = <md:EntityDescriptor entityID="..." [validUntil="..."]>
//	              <md:IDPSSODescriptor>
//	                <md:KeyDescriptor [use="signing"]> <ds:KeyInfo><ds:X509Data><ds:X509Certificate>BASE64-DER ...
//	response  = base64( <samlp:Response> Issuer Status(Success) <saml:Assertion ID=...> ... )
//	            with the Response, or its one Assertion, signed by a metadata signing certificate
package saml
