// Package auth holds the console's credentials machinery: argon2id password
// hashes, the password rules, random tokens and session IDs, and sealing of
// secrets the server must read back (TOTP seeds, secret access keys) with
// AES-256-GCM under the master key. SigV4 lives in the sigv4 subpackage.
//
// Nothing here touches the database or HTTP: callers pass values in and
// store what comes out.
package auth
