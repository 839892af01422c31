// Package iam holds the console's operations: setup, sign-in, and (as the
// console grows) every IAM and STS action. Each operation authorizes the
// caller, validates its input, makes its change through models.Store and
// appends its audit event, all in one transaction; it never knows about
// HTTP. The console pages and the AWS query API both call these operations,
// so both are held to the same rules.
package iam
