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
	// Crumbs is the trail above the heading on pages below the top level;
	// when empty, the layout makes "Section › Title" from Active and Title.
	Crumbs []Crumb
	// ReloadAs is the address of the form a page answering a POST shows
	// again with its errors: app.js puts it in the history, so a reload
	// gets the form afresh rather than posting it again.
	ReloadAs string
	// Confined hides the navigation on pages a forced step allows alone
	// (password change, MFA enrollment): links there would only bounce.
	Confined bool
}

// Crumb is one step of the breadcrumb trail; the last has no link.
type Crumb struct {
	Label, Href string
}

// PrincipalView is the signed-in principal as the header shows it.
type PrincipalView struct {
	Name      string
	ARN       string
	Type      string
	AccountID string
	// AccountAlias is the account's alias, shown before its ID ("" for
	// none).
	AccountAlias string
	// CanSwitchRole offers "Switch role": false for root and for a
	// session that is already a role's, which may not switch.
	CanSwitchRole bool
	// FederatedProvider and FederatedSubject name, for a role session
	// opened by signing in through an identity provider, the provider
	// (its URL) and who it vouched for.
	FederatedProvider string
	// FederatedProviderARN is the provider's ARN (FederatedProvider is
	// its short name).
	FederatedProviderARN string
	FederatedSubject     string
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

// NavSection is a titled group of the side navigation.
type NavSection struct {
	Label string
	Items []NavItem
}

// Nav is the sidebar, grouped as AWS's IAM console groups it: the
// entities and account settings under "Access management", the reviews
// under "Access reports".
var Nav = []NavSection{
	{"", []NavItem{{"dashboard", "Dashboard", "/"}}},
	{"Access management", []NavItem{
		{"groups", "User groups", "/groups"},
		{"users", "Users", "/users"},
		{"roles", "Roles", "/roles"},
		{"policies", "Policies", "/policies"},
		{"identity-providers", "Identity providers", "/identity-providers"},
		{"settings", "Account settings", "/settings"},
	}},
	{"Access reports", []NavItem{
		{"graph", "Access graph", "/graph"},
		{"who-can", "Who can", "/who-can"},
		{"findings", "Findings", "/findings"},
		{"paths", "Paths to admin", "/paths"},
		{"reviews", "Access reviews", "/reviews"},
		{"simulator", "Policy simulator", "/simulator"},
		{"audit", "Audit log", "/audit"},
		{"import", "Import an account", "/import"},
	}},
}

// navItem finds the navigation entry with key.
func navItem(key string) (NavItem, bool) {
	for _, s := range Nav {
		for _, n := range s.Items {
			if n.Key == key {
				return n, true
			}
		}
	}
	return NavItem{}, false
}

// crumbs is the page's breadcrumb trail: its own, or "Section › Title"
// for a page below a section's top; none on a section's top page.
func crumbs(p Page) []Crumb {
	if len(p.Crumbs) > 0 {
		return p.Crumbs
	}
	n, ok := navItem(p.Active)
	if !ok || n.Key == "dashboard" || n.Label == p.Title || p.Title == sectionTitle(n.Key) {
		return nil
	}
	return []Crumb{{Label: n.Label, Href: n.Href}, {Label: p.Title}}
}

// sectionTitle is the title of a section's top page when it differs from
// the navigation's label.
func sectionTitle(key string) string {
	switch key {
	case "groups":
		return "Groups"
	case "settings":
		return "Settings"
	case "simulator":
		return "Policy simulator"
	case "import":
		return "Import an AWS account"
	}
	return ""
}

// FieldErrors maps a form field's name to the message shown beside it.
type FieldErrors map[string]string
