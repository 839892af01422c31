package awsapi

import (
	"context"

	"github.com/iamconsole/console/internal/iam"
)

type tagOp func(*iam.Service, context.Context, *iam.Principal, string, []iam.Tag, iam.Meta) error

func tag(nameParam string, op tagOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam); err != nil {
			return nil, err
		}
		if len(c.p.members("Tags")) == 0 {
			return nil, missing("Tags")
		}
		return nil, op(s.svc, c.ctx, c.caller, c.p.str(nameParam), c.p.tags("Tags"), c.meta)
	}
}

type untagOp func(*iam.Service, context.Context, *iam.Principal, string, []string, iam.Meta) error

func untag(nameParam string, op untagOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam); err != nil {
			return nil, err
		}
		if len(c.p.members("TagKeys")) == 0 {
			return nil, missing("TagKeys")
		}
		return nil, op(s.svc, c.ctx, c.caller, c.p.str(nameParam), c.p.list("TagKeys"), c.meta)
	}
}

type listTagsOp func(*iam.Service, context.Context, *iam.Principal, iam.EntityPageInput, iam.Meta) ([]iam.Tag, string, error)

func listTags(nameParam string, op listTagsOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam); err != nil {
			return nil, err
		}
		marker, maxItems, err := c.p.paging()
		if err != nil {
			return nil, err
		}
		tags, next, err := op(s.svc, c.ctx, c.caller, iam.EntityPageInput{Name: c.p.str(nameParam), Marker: marker, MaxItems: maxItems}, c.meta)
		if err != nil {
			return nil, err
		}
		out := listTagsResult{page: pageOf(next)}
		if tl := tagList(tags); tl != nil {
			out.Tags = *tl
		}
		return out, nil
	}
}

type putBoundaryOp func(*iam.Service, context.Context, *iam.Principal, string, string, iam.Meta) error

func putBoundary(nameParam string, op putBoundaryOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam, "PermissionsBoundary"); err != nil {
			return nil, err
		}
		return nil, op(s.svc, c.ctx, c.caller, c.p.str(nameParam), c.p.str("PermissionsBoundary"), c.meta)
	}
}

type deleteBoundaryOp func(*iam.Service, context.Context, *iam.Principal, string, iam.Meta) error

func deleteBoundary(nameParam string, op deleteBoundaryOp) action {
	return func(s *Server, c *call) (any, error) {
		if err := c.p.required(nameParam); err != nil {
			return nil, err
		}
		return nil, op(s.svc, c.ctx, c.caller, c.p.str(nameParam), c.meta)
	}
}
