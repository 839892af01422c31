package iam

import (
	"fmt"
	"io"
	"time"

	"github.com/iamconsole/console/internal/graph"
)

// ImportEvidence is the evidence of use an import may take beside the
// authorization-details dump, which carries none: AWS's credential report
// CSV and get-service-last-accessed-details JSON (README, "Importing an
// account"). Either may be nil.
type ImportEvidence struct {
	CredentialReport io.Reader
	LastAccessed     io.Reader
}

// applyEvidence reads ev into a; when any was given, the stored document
// becomes a's own authorization details, which carry it (in the
// extension fields AWS tools ignore), instead of the dump as uploaded.
// Evidence that cannot be read fails the import, naming the file and
// where; evidence naming principals the dump lacks is warned of.
func applyEvidence(a *graph.Account, raw []byte, warns []graph.Warning, ev ImportEvidence) ([]byte, []graph.Warning, error) {
	if ev.CredentialReport == nil && ev.LastAccessed == nil {
		return raw, warns, nil
	}
	if ev.CredentialReport != nil {
		rows, err := graph.ReadCredentialReport(limited(ev.CredentialReport))
		if err != nil {
			return nil, nil, invalidField("credential_report", "%s", err.Error())
		}
		warns = append(warns, a.ApplyCredentialReport(rows)...)
	}
	if ev.LastAccessed != nil {
		la, err := graph.ReadLastAccessed(limited(ev.LastAccessed))
		if err != nil {
			return nil, nil, invalidField("last_accessed", "%s", err.Error())
		}
		warns = append(warns, a.ApplyLastAccessed(la)...)
	}
	doc, err := a.AuthorizationDetails()
	if err != nil {
		return nil, nil, internal(err, "write imported account")
	}
	return doc, warns, nil
}

// limited bounds an evidence file as the dump is bounded; a longer one
// reads as cut short, and fails to parse.
func limited(r io.Reader) io.Reader { return io.LimitReader(r, MaxImportBytes) }

// evidenceReport adds what evidence the import carries to its notes.
func evidenceReport(res *ImportResult, a *graph.Account, ev ImportEvidence) {
	if ev.CredentialReport != nil {
		res.Notes = append(res.Notes, "Credentials (access keys, passwords, MFA) from the credential report.")
	}
	if ev.LastAccessed != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("Services last accessed of %s.", counted(len(a.ServicesLastAccessed), "principal", "principals")))
	}
}

// lastAccessedOf is, for an imported account with last-accessed
// evidence, its principals' last use per service namespace (only the
// principals the evidence covers: of the others nothing is known). ok is
// false when the account has no such evidence.
func lastAccessedOf(a *graph.Account) (last map[string]map[string]time.Time, ok bool) {
	if a.ServicesLastAccessed == nil {
		return nil, false
	}
	return a.ServicesLastAccessed, true
}
