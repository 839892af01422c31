// Package handlers adapts HTTP to the operations in internal/iam: the
// console's pages (templ) and, under /aws, the AWS query API. Handlers parse
// the request, call one operation and render or redirect; they hold no
// business rules and never touch the database.
package handlers
