package iam

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/iamconsole/console/internal/models"
)

// ServerCertificateMetadata is AWS's ServerCertificateMetadata.
type ServerCertificateMetadata struct {
	Path                  string
	ServerCertificateName string
	ServerCertificateId   string
	Arn                   string
	UploadDate            time.Time
	Expiration            time.Time
}

// ServerCertificate is AWS's ServerCertificate: the certificate, its chain
// and its tags, never its private key.
type ServerCertificate struct {
	Metadata         ServerCertificateMetadata
	CertificateBody  string
	CertificateChain string
	Tags             []Tag
}

// UploadServerCertificateInput is UploadServerCertificate's input.
type UploadServerCertificateInput struct {
	ServerCertificateName string
	Path                  string
	CertificateBody       string
	PrivateKey            string
	CertificateChain      string
	Tags                  []Tag
}

// UpdateServerCertificateInput renames a certificate or moves it to
// another path; an empty value keeps the current one.
type UpdateServerCertificateInput struct {
	ServerCertificateName    string
	NewServerCertificateName string
	NewPath                  string
}

// Server certificate quotas and limits, as AWS's.
const (
	MaxServerCertificatesPerAccount = 20
	maxCertificateBody              = 16384
	maxPrivateKey                   = 16384
	maxCertificateChain             = 2097152
	// PrefixServerCertificate begins server certificate IDs.
	PrefixServerCertificate = "ASCA"
)

var serverCertificateNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

func noSuchServerCertificate(name string) *Error {
	return newErr(NotFound, "The Server Certificate with name %s cannot be found.", name)
}

func serverCertificateARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":server-certificate" + path + name
}

func checkServerCertificateName(field, name string) error {
	if !serverCertificateNameRE.MatchString(name) {
		return invalidField(field, "The specified value for serverCertificateName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-")
	}
	return nil
}

func serverCertificateOut(acct string, c *models.ServerCertificate) ServerCertificateMetadata {
	return ServerCertificateMetadata{Path: c.Path, ServerCertificateName: c.Name, ServerCertificateId: c.ServerCertificateID,
		Arn: serverCertificateARN(acct, c.Path, c.Name), UploadDate: c.UploadedAt.UTC(), Expiration: c.Expiration.UTC()}
}

// authorizedServerCertificate finds a certificate by name and authorizes
// action on its ARN (at path "/" for one that does not exist, before
// NotFound is told).
func (s *Service) authorizedServerCertificate(ctx context.Context, caller *Principal, acct, name string, m Meta, action string) (*models.ServerCertificate, string, error) {
	if name == "" {
		return nil, "", invalidField("ServerCertificateName", "ServerCertificateName is required.")
	}
	c, err := s.store.ServerCertificate(ctx, acct, name)
	if err != nil {
		return nil, "", s.lookupFailed(ctx, caller, m, action, err, serverCertificateARN(acct, "/", name), noSuchServerCertificate(name), "server certificate")
	}
	arn := serverCertificateARN(acct, c.Path, c.Name)
	if err := s.authorizeMeta(ctx, caller, m, action, arn); err != nil {
		return nil, "", err
	}
	return c, arn, nil
}

// checkServerCertificateUpload checks an upload's PEM inputs: the body a
// certificate, the key a private key that is the certificate's, the chain
// certificates. It returns the certificate's expiry.
func checkServerCertificateUpload(in UploadServerCertificateInput) (time.Time, error) {
	if !pemTextOK(in.CertificateBody, maxCertificateBody) {
		return time.Time{}, lengthError("CertificateBody", "certificateBody", maxCertificateBody)
	}
	if !pemTextOK(in.PrivateKey, maxPrivateKey) {
		return time.Time{}, lengthError("PrivateKey", "privateKey", maxPrivateKey)
	}
	if in.CertificateChain != "" && !pemTextOK(in.CertificateChain, maxCertificateChain) {
		return time.Time{}, lengthError("CertificateChain", "certificateChain", maxCertificateChain)
	}
	cert, err := parseCertificatePEM(in.CertificateBody)
	if err != nil {
		return time.Time{}, err
	}
	key, err := parsePrivateKeyPEM(in.PrivateKey)
	if err != nil {
		return time.Time{}, err
	}
	if !keyMatches(cert, key) {
		return time.Time{}, errKeyPairMismatch
	}
	if in.CertificateChain != "" {
		if err := parseChainPEM(in.CertificateChain); err != nil {
			return time.Time{}, err
		}
	}
	return cert.NotAfter.UTC(), nil
}

// UploadServerCertificate stores a certificate with its private key
// (sealed under the master key, never shown again) and chain. Tags need
// iam:TagServerCertificate too, as in AWS. AlreadyExists when the name is
// taken in any case; LimitExceeded past 20 certificates.
func (s *Service) UploadServerCertificate(ctx context.Context, caller *Principal, in UploadServerCertificateInput, m Meta) (*ServerCertificate, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	path, perr := normalizePath("Path", in.Path)
	if perr != nil {
		path = in.Path
	}
	arn := serverCertificateARN(acct, path, in.ServerCertificateName)
	ac := withRequestContext(caller, tagRequestKeys(in.Tags))
	if err := s.authorizeMeta(ctx, ac, m, OpUpload.Action(ServerCertificateType), arn); err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		if err := s.authorizeMeta(ctx, ac, m, OpTag.Action(ServerCertificateType), arn); err != nil {
			return nil, err
		}
	}
	if err := checkServerCertificateName("ServerCertificateName", in.ServerCertificateName); err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	expires, err := checkServerCertificateUpload(in)
	if err != nil {
		return nil, err
	}
	id := newID(PrefixServerCertificate, 17)
	c := &models.ServerCertificate{ServerCertificateID: id, Name: in.ServerCertificateName, Path: path,
		Body: in.CertificateBody, Chain: in.CertificateChain, Expiration: expires, UploadedAt: s.now(),
		SealedPrivateKey: s.cfg.Sealer.Seal([]byte(in.PrivateKey), []byte("servercertificate:"+id))}
	params := map[string]any{"serverCertificateName": in.ServerCertificateName, "path": path}
	if len(in.Tags) > 0 {
		params["tags"] = in.Tags
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockAccount(ctx, acct); err != nil {
			return err
		}
		n, err := tx.CountServerCertificates(ctx, acct)
		if err != nil {
			return err
		}
		if n >= MaxServerCertificatesPerAccount {
			return newErr(LimitExceeded, "Cannot exceed quota for ServerCertificatesPerAccount: %d", MaxServerCertificatesPerAccount)
		}
		if err := tx.CreateServerCertificate(ctx, acct, c); err != nil {
			return err
		}
		if err := tx.SetTags(ctx, acct, models.EntityServerCertificate, id, storeTags(in.Tags)); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UploadServerCertificate", resource: arn, params: params}, nil)
	})
	if errors.Is(err, models.ErrConflict) {
		return nil, newErr(AlreadyExists, "The Server Certificate with name %s already exists.", in.ServerCertificateName)
	}
	if err != nil {
		return nil, asInternal(err, "upload server certificate")
	}
	return &ServerCertificate{Metadata: serverCertificateOut(acct, c), CertificateBody: c.Body, CertificateChain: c.Chain, Tags: in.Tags}, nil
}

// GetServerCertificate returns a certificate, its chain and tags.
func (s *Service) GetServerCertificate(ctx context.Context, caller *Principal, name string, m Meta) (*ServerCertificate, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	c, _, err := s.authorizedServerCertificate(ctx, caller, acct, name, m, "iam:GetServerCertificate")
	if err != nil {
		return nil, err
	}
	tags, err := s.store.ListTags(ctx, acct, models.EntityServerCertificate, c.ServerCertificateID)
	if err != nil {
		return nil, internal(err, "tags")
	}
	out := &ServerCertificate{Metadata: serverCertificateOut(acct, c), CertificateBody: c.Body, CertificateChain: c.Chain}
	for _, t := range tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

// ListServerCertificates returns one page of the account's certificates
// in name order, and the marker of the next page.
func (s *Service) ListServerCertificates(ctx context.Context, caller *Principal, in ListInput, m Meta) ([]ServerCertificateMetadata, string, error) {
	return listPage(ctx, s, caller, m, ServerCertificateType, in, s.store.ListServerCertificates,
		func(acct string, c *models.ServerCertificate) ServerCertificateMetadata {
			return serverCertificateOut(acct, c)
		})
}

// UpdateServerCertificate renames a certificate or changes its path,
// authorized on both its ARNs, as AWS does.
func (s *Service) UpdateServerCertificate(ctx context.Context, caller *Principal, in UpdateServerCertificateInput, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	action := OpUpdate.Action(ServerCertificateType)
	c, arn, err := s.authorizedServerCertificate(ctx, caller, acct, in.ServerCertificateName, m, action)
	if err != nil {
		return err
	}
	name, path := c.Name, c.Path
	params := map[string]any{"serverCertificateName": c.Name}
	if in.NewServerCertificateName != "" {
		if err := checkServerCertificateName("NewServerCertificateName", in.NewServerCertificateName); err != nil {
			return err
		}
		name = in.NewServerCertificateName
		params["newServerCertificateName"] = name
	}
	if in.NewPath != "" {
		if path, err = normalizePath("NewPath", in.NewPath); err != nil {
			return err
		}
		params["newPath"] = path
	}
	newARN := serverCertificateARN(acct, path, name)
	if newARN != arn {
		if err := s.authorizeMeta(ctx, caller, m, action, newARN); err != nil {
			return err
		}
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.MoveServerCertificate(ctx, acct, c.ServerCertificateID, name, path); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "UpdateServerCertificate", resource: arn, params: params,
			also: []string{newARN}}, nil)
	})
	switch {
	case errors.Is(err, models.ErrConflict):
		return newErr(AlreadyExists, "The Server Certificate with name %s already exists.", name)
	case errors.Is(err, models.ErrNotFound):
		return noSuchServerCertificate(in.ServerCertificateName)
	}
	return asInternal(err, "update server certificate")
}

// DeleteServerCertificate deletes a certificate, its key and its tags.
func (s *Service) DeleteServerCertificate(ctx context.Context, caller *Principal, name string, m Meta) error {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return err
	}
	c, arn, err := s.authorizedServerCertificate(ctx, caller, acct, name, m, OpDelete.Action(ServerCertificateType))
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.LockServerCertificate(ctx, acct, c.ServerCertificateID); err != nil {
			return err
		}
		if err := tx.DeleteTagsOf(ctx, acct, models.EntityServerCertificate, c.ServerCertificateID); err != nil {
			return err
		}
		if err := tx.DeleteServerCertificate(ctx, acct, c.ServerCertificateID); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, acct, callerARN(caller), event{name: "DeleteServerCertificate", resource: arn,
			params: map[string]any{"serverCertificateName": c.Name}}, nil)
	})
	if errors.Is(err, models.ErrNotFound) {
		return noSuchServerCertificate(name)
	}
	return asInternal(err, "delete server certificate")
}
