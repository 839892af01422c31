package templates

func flashRole(kind string) string {
	if kind == "error" {
		return "alert"
	}
	return "status"
}

// describedBy links an input to its error message when there is one.
func describedBy(errs FieldErrors, field string) string {
	if _, ok := errs[field]; ok {
		return field + "-error"
	}
	return ""
}
