package awsapi

// iamActions is the IAM action table.
func iamActions() map[string]action {
	return map[string]action{}
}
