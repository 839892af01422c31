// Package models holds the GORM models and the Store: the one place in the
// console that talks to the database.
//
// Every method that reads or changes account data takes the account ID, so
// the live account and imported accounts can never mix. Not-found is always
// ErrNotFound (never a nil result with a nil error), and a unique-key
// violation is ErrConflict, on SQLite and PostgreSQL alike.
package models
