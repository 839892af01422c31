// Package handlers is the console's front door: its pages (templ), adapted
// to the operations in internal/iam. routes.go lists every route, its
// middleware group and the server's middleware; errors.go maps every error
// to the one error page. Handlers parse the request, call one operation and
// render or redirect; they hold no business rules and never touch the
// database. The AWS query API (internal/awsapi) is the other front door,
// mounted beside the pages through Config.API.
package handlers
