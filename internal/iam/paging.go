package iam

import (
	"context"
	"regexp"
	"sort"
	"strconv"

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
	var errs []error
	if maxItems < 1 || maxItems > models.MaxListLimit {
		errs = append(errs, violation("MaxItems", "MaxItems must be between 1 and 1000.",
			Violation{"maxItems", strconv.Itoa(maxItems), "Member must have value between 1 and 1000"}))
	}
	if pathPrefix != "" {
		const msg = "The path prefix must begin with / and hold at most 512 printable ASCII characters."
		if !pathPrefixRE.MatchString(pathPrefix) {
			// AWS's pathPrefixType pattern, as its ValidationError quotes it.
			errs = append(errs, violation("PathPrefix", msg, Violation{"pathPrefix", pathPrefix,
				`Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`}))
		}
		if len(pathPrefix) > 512 {
			errs = append(errs, violation("PathPrefix", msg, Violation{"pathPrefix", pathPrefix, "Member must have length less than or equal to 512"}))
		}
	}
	if err := joinInvalid(errs...); err != nil {
		return models.ListFilter{}, err
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

// ListInput is the input of ListUsers, ListGroups and ListRoles.
// NameContains (not AWS's) narrows by a case-insensitive substring of the
// name, for the console's search.
type ListInput struct {
	PathPrefix   string
	Marker       string
	MaxItems     int
	NameContains string
	// Descending lists Z to A (the console's sort; AWS's API lists A to Z).
	Descending bool
}

// listPage is one page of a List… call over the entities of type t:
// authorized on the type's ARN prefix under the path prefix, read through
// read, each record shaped by out.
func listPage[R, T any](ctx context.Context, s *Service, caller *Principal, m Meta, t EntityType, in ListInput,
	read func(context.Context, string, models.ListFilter) ([]R, string, error), out func(string, *R) T) ([]T, string, error) {
	acct, err := s.accountOf(ctx, caller)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorizeMeta(ctx, caller, m, OpList.Action(t), listResource(acct, string(t), in.PathPrefix)); err != nil {
		return nil, "", err
	}
	f, err := listFilter(in.PathPrefix, in.Marker, in.MaxItems, in.NameContains)
	if err != nil {
		return nil, "", err
	}
	f.Descending = in.Descending
	rows, next, err := read(ctx, acct, f)
	if err != nil {
		return nil, "", internal(err, "list "+string(t)+"s")
	}
	items := make([]T, len(rows))
	for i := range rows {
		items[i] = out(acct, &rows[i])
	}
	return items, next, nil
}
