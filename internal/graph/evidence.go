package graph

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Evidence of use an import may carry beside the authorization-details
// dump, which has none: AWS's credential report (access keys, passwords,
// MFA and their last use) and get-service-last-accessed-details output
// (per principal, the services it last used).

// CredentialRow is one user's line of a credential report.
type CredentialRow struct {
	Line             int // 1-based line in the CSV, for messages
	User, ARN        string
	Created          time.Time
	PasswordEnabled  bool
	PasswordLastUsed time.Time // zero: never, or no information
	PasswordChanged  time.Time
	MFAActive        bool
	Keys             [2]CredentialKey
}

// CredentialKey is one of a credential report row's two access keys.
type CredentialKey struct {
	Active          bool
	LastRotated     time.Time
	LastUsed        time.Time
	LastUsedService string
}

// credentialReportNeeded are the columns a credential report must have;
// the others (regions, certificates, password rotation) are not read.
var credentialReportNeeded = []string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_service"}

// MaxEvidenceRows bounds the rows of a credential report and the principals
// of a last-accessed file (AWS's quota is 5,000 users per account).
const MaxEvidenceRows = 100_000

// ReadCredentialReport reads AWS's credential report CSV (the decoded
// Content of `aws iam get-credential-report`). Columns are found by name in
// the header, so AWS adding columns does not break it. An error names the
// line and column.
func ReadCredentialReport(rd io.Reader) ([]CredentialRow, error) {
	cr := csv.NewReader(rd)
	cr.FieldsPerRecord = 0 // every row as long as the header
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("credential report: the file is empty (expected a header line starting with user,arn,…)")
	}
	if err != nil {
		return nil, fmt.Errorf("credential report: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, n := range credentialReportNeeded {
		if _, ok := col[n]; !ok {
			return nil, fmt.Errorf("credential report: line 1: column %q missing from the header", n)
		}
	}
	var out []CredentialRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("credential report: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(out) == MaxEvidenceRows {
			return nil, fmt.Errorf("credential report: line %d: more than %d users", line, MaxEvidenceRows)
		}
		row, err := credentialRow(rec, col, line)
		if err != nil {
			return nil, fmt.Errorf("credential report: line %d: %w", line, err)
		}
		out = append(out, row)
	}
	return out, nil
}

func credentialRow(rec []string, col map[string]int, line int) (CredentialRow, error) {
	get := func(n string) string { return strings.TrimSpace(rec[col[n]]) }
	var err error
	date := func(n string) time.Time {
		v := get(n)
		switch v {
		case "", "N/A", "no_information", "not_supported":
			return time.Time{}
		}
		t, perr := time.Parse(time.RFC3339, v)
		if perr != nil && err == nil {
			err = fmt.Errorf("column %s: %q is not a date (expected e.g. 2024-01-02T15:04:05+00:00)", n, truncateID(v))
		}
		return t.UTC()
	}
	flag := func(n string) bool {
		switch v := get(n); v {
		case "true", "TRUE", "True":
			return true
		case "false", "FALSE", "False", "N/A", "not_supported", "":
			return false
		default:
			if err == nil {
				err = fmt.Errorf("column %s: %q is not true or false", n, truncateID(v))
			}
			return false
		}
	}
	r := CredentialRow{Line: line, User: get("user"), ARN: get("arn"), Created: date("user_creation_time"),
		PasswordEnabled: flag("password_enabled"), PasswordLastUsed: date("password_last_used"),
		PasswordChanged: date("password_last_changed"), MFAActive: flag("mfa_active")}
	for i := range r.Keys {
		p := fmt.Sprintf("access_key_%d_", i+1)
		svc := get(p + "last_used_service")
		if svc == "N/A" {
			svc = ""
		}
		r.Keys[i] = CredentialKey{Active: flag(p + "active"), LastRotated: date(p + "last_rotated"),
			LastUsed: date(p + "last_used_date"), LastUsedService: svc}
	}
	if err != nil {
		return r, err
	}
	if r.ARN == "" {
		return r, errors.New("column arn: empty")
	}
	return r, nil
}

// ApplyCredentialReport gives the account's users what the report says of
// them, and marks the account's credentials known: the report lists every
// user, so one it does not list has none. The root account's row
// (<root_account>) sets Root. Rows naming no user of the dump are
// reported as warnings.
func (a *Account) ApplyCredentialReport(rows []CredentialRow) []Warning {
	var warns []Warning
	byARN := map[string]*User{}
	for i := range a.Users {
		u := &a.Users[i]
		u.AccessKeys, u.MFADevices, u.LoginProfile, u.PasswordLastUsed = nil, nil, nil, time.Time{}
		byARN[u.ARN] = u
	}
	for _, r := range rows {
		if r.User == "<root_account>" {
			root := &Root{MFAEnabled: r.MFAActive}
			for _, k := range r.Keys {
				if k.Active {
					root.AccessKeys++
				}
			}
			a.Root = root
			continue
		}
		u := byARN[r.ARN]
		if u == nil {
			warns = append(warns, Warning{Entity: r.ARN, Message: fmt.Sprintf("credential report line %d: no such user in the dump", r.Line)})
			continue
		}
		if r.PasswordEnabled {
			created := r.PasswordChanged
			if created.IsZero() {
				created = r.Created
			}
			u.LoginProfile = &LoginProfile{CreateDate: created}
			u.PasswordLastUsed = r.PasswordLastUsed
		}
		if r.MFAActive {
			// The report says only that some device is active.
			u.MFADevices = []MFADevice{{Serial: "(from the credential report)"}}
		}
		for i, k := range r.Keys {
			if !k.Active && k.LastRotated.IsZero() {
				continue // no such key
			}
			status := "Inactive"
			if k.Active {
				status = "Active"
			}
			// The report names no key IDs: the key is named by its slot.
			u.AccessKeys = append(u.AccessKeys, AccessKey{ID: fmt.Sprintf("%d of %s", i+1, u.Name), Status: status,
				CreateDate: k.LastRotated, LastUsed: k.LastUsed, LastUsedService: k.LastUsedService})
		}
	}
	a.CredentialsKnown = true
	return warns
}

// LastAccessed is one principal's get-service-last-accessed-details answer.
type LastAccessed struct {
	Arn                  string            `json:"Arn"`
	ServicesLastAccessed []ServiceAccessed `json:"ServicesLastAccessed"`
}

// ServiceAccessed is one service of ServicesLastAccessed.
type ServiceAccessed struct {
	ServiceName       string `json:"ServiceName"`
	ServiceNamespace  string `json:"ServiceNamespace"`
	LastAuthenticated string `json:"LastAuthenticated,omitempty"`
}

// ReadLastAccessed reads service-last-accessed evidence: a JSON object
// {"Arn": ..., "ServicesLastAccessed": [...]} (the output of `aws iam
// get-service-last-accessed-details` with the principal's Arn added), or
// an array of them, or an object {"Principals": [...]} of them. A service
// without LastAuthenticated was never used. The result maps principal ARN
// to service namespace to its last use (zero: never).
func ReadLastAccessed(rd io.Reader) (map[string]map[string]time.Time, error) {
	dec := json.NewDecoder(rd)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("last accessed: %s", jsonError(err))
	}
	var list []LastAccessed
	trimmed := strings.TrimSpace(string(raw))
	switch {
	case strings.HasPrefix(trimmed, "["):
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("last accessed: %s", jsonError(err))
		}
	case strings.HasPrefix(trimmed, "{"):
		var w struct {
			Principals []LastAccessed `json:"Principals"`
			LastAccessed
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("last accessed: %s", jsonError(err))
		}
		if w.Principals != nil {
			list = w.Principals
		} else {
			list = []LastAccessed{w.LastAccessed}
		}
	default:
		return nil, errors.New("last accessed: expected a JSON object or an array of objects")
	}
	if len(list) > MaxEvidenceRows {
		return nil, fmt.Errorf("last accessed: more than %d principals", MaxEvidenceRows)
	}
	out := map[string]map[string]time.Time{}
	for i, p := range list {
		if p.Arn == "" {
			return nil, fmt.Errorf("last accessed: principal %d: field Arn missing (add the principal's ARN beside ServicesLastAccessed)", i+1)
		}
		if p.ServicesLastAccessed == nil {
			return nil, fmt.Errorf("last accessed: principal %d (%s): field ServicesLastAccessed missing", i+1, truncateID(p.Arn))
		}
		m := out[p.Arn]
		if m == nil {
			m = map[string]time.Time{}
			out[p.Arn] = m
		}
		for j, s := range p.ServicesLastAccessed {
			if s.ServiceNamespace == "" {
				return nil, fmt.Errorf("last accessed: principal %d (%s): ServicesLastAccessed[%d]: field ServiceNamespace missing", i+1, truncateID(p.Arn), j)
			}
			var t time.Time
			if s.LastAuthenticated != "" {
				r := &reader{}
				t = r.date("", s.LastAuthenticated)
				if len(r.warnings) > 0 {
					return nil, fmt.Errorf("last accessed: principal %d (%s): ServicesLastAccessed[%d].LastAuthenticated: %q is not a date", i+1, truncateID(p.Arn), j, truncateID(s.LastAuthenticated))
				}
			}
			if t.After(m[s.ServiceNamespace]) {
				m[s.ServiceNamespace] = t
			} else if _, ok := m[s.ServiceNamespace]; !ok {
				m[s.ServiceNamespace] = t
			}
		}
	}
	return out, nil
}

// jsonError words a JSON error with where it is.
func jsonError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s: expected %s, found a JSON %s (byte %d)", strings.TrimPrefix(te.Field, "LastAccessed."), te.Type, te.Value, te.Offset)
	}
	if errors.Is(err, io.EOF) {
		return "the file is empty"
	}
	return err.Error()
}

// ApplyLastAccessed keeps the services last accessed of the account's
// users and roles; entries naming no user or role of the dump are reported
// as warnings and left out.
func (a *Account) ApplyLastAccessed(la map[string]map[string]time.Time) []Warning {
	known := map[string]bool{}
	for _, u := range a.Users {
		known[u.ARN] = true
	}
	for _, r := range a.Roles {
		known[r.ARN] = true
	}
	var warns []Warning
	a.ServicesLastAccessed = map[string]map[string]time.Time{}
	for _, arn := range slices.Sorted(maps.Keys(la)) {
		m := la[arn]
		if !known[arn] {
			warns = append(warns, Warning{Entity: arn, Message: "last accessed: no such user or role in the dump"})
			continue
		}
		a.ServicesLastAccessed[arn] = m
	}
	return warns
}
