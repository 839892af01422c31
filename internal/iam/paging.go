package iam

import (
	"regexp"
	"sort"

	"github.com/iamconsole/console/internal/models"
)

// AWS's paged lists: the inputs every List… call checks, the store's
// filter they make, and one page cut from a sorted list.

var pathPrefixRE = regexp.MustCompile(`^/[\x21-\x7E]*$`)

// listFilter checks AWS's paging inputs and makes the store's filter.
func listFilter(pathPrefix, marker string, maxItems int, nameContains string) (models.ListFilter, error) {
	if maxItems == 0 {
		maxItems = models.DefaultListLimit
	}
	if maxItems < 1 || maxItems > models.MaxListLimit {
		return models.ListFilter{}, invalidField("MaxItems", "MaxItems must be between 1 and 1000.")
	}
	if pathPrefix != "" && (len(pathPrefix) > 512 || !pathPrefixRE.MatchString(pathPrefix)) {
		return models.ListFilter{}, invalidField("PathPrefix", "The path prefix must begin with / and hold at most 512 printable ASCII characters.")
	}
	if len(marker) > 320 || len(nameContains) > 128 {
		return models.ListFilter{}, invalidField("Marker", "The marker is not valid.")
	}
	return models.ListFilter{PathPrefix: pathPrefix, After: marker, Limit: maxItems, NameContains: nameContains}, nil
}

// listResource is the ARN a List call is authorized on: the entity kind's
// ARN prefix under the path prefix ("arn:aws:iam::ACCT:user/").
func listResource(acct, kind, pathPrefix string) string {
	if pathPrefix == "" {
		pathPrefix = "/"
	}
	return "arn:aws:iam::" + acct + ":" + kind + pathPrefix
}

// pageOf cuts one page from items sorted by key: those after f.After, at
// most f.Limit, with the marker of the next page ("" on the last).
func pageOf[T any](items []T, key func(T) string, f models.ListFilter) ([]T, string, error) {
	start := 0
	if f.After != "" {
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > f.After })
	}
	items = items[start:]
	limit := f.Limit
	if limit <= 0 {
		limit = models.DefaultListLimit
	}
	if len(items) <= limit {
		return items, "", nil
	}
	return items[:limit], key(items[limit-1]), nil
}
