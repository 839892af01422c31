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
	// Confined hides the navigation: the session owes a forced step (a
	// password change, an MFA enrollment) and may visit nothing else.
	Confined bool
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

// NavItem is one entry of the side navigation. Areas not built yet are
// listed (so the console's shape is visible) but are not links.
type NavItem struct {
	Key, Label, Href string
	Ready            bool
}

// Nav lists the console's areas in the order the sidebar shows them.
var Nav = []NavItem{
	{"dashboard", "Dashboard", "/", true},
	{"users", "Users", "/users", true},
	{"groups", "Groups", "/groups", true},
	{"roles", "Roles", "/roles", true},
	{"policies", "Policies", "/policies", true},
	{"graph", "Access graph", "/graph", true},
	{"simulator", "Simulator", "/simulator", true},
	{"findings", "Findings", "/findings", true},
	{"audit", "Audit log", "/audit", true},
	{"settings", "Settings", "/settings", true},
}

// FieldErrors maps a form field's name to the message shown beside it.
type FieldErrors map[string]string
