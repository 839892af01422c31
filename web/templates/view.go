// Package templates holds the console's templ components. Every component
// takes typed view structs built by the handlers, never database records and
// never a secret that was not meant to be shown.
package templates

// Page is what every page's layout needs.
type Page struct {
	Title     string
	Principal *PrincipalView // nil on public pages
	Flashes   []Flash
	CSRF      string
	// Active names the navigation entry to highlight.
	Active string
}

// PrincipalView is the signed-in principal as the header shows it.
type PrincipalView struct {
	Name      string
	ARN       string
	Type      string
	AccountID string
}

// Flash is a one-time message shown at the top of a page.
type Flash struct {
	Kind string // success, error, warning, info
	Text string
}

// NavItem is one entry of the side navigation.
type NavItem struct {
	Key, Label, Href string
}

// Nav lists the console's areas in the order the sidebar shows them.
var Nav = []NavItem{
	{"dashboard", "Dashboard", "/"},
	{"users", "Users", "/users"},
	{"groups", "Groups", "/groups"},
	{"roles", "Roles", "/roles"},
	{"policies", "Policies", "/policies"},
	{"graph", "Access graph", "/graph"},
	{"simulator", "Simulator", "/simulator"},
	{"findings", "Findings", "/findings"},
	{"audit", "Audit log", "/audit"},
	{"settings", "Settings", "/settings"},
}

// FieldErrors maps a form field's name to the message shown beside it.
type FieldErrors map[string]string
