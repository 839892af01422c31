package awsapi

import (
	"github.com/iamconsole/console/internal/iam"
)

// tag handles Tag{User,Role,Policy}.
func tag(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t)
		if err != nil {
			return nil, err
		}
		if len(c.p.members("Tags")) == 0 {
			return nil, missing("Tags")
		}
		return nil, s.svc.Tag(c.ctx, c.caller, e, c.p.tags("Tags"), c.meta)
	}
}

// untag handles Untag{User,Role,Policy}.
func untag(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t)
		if err != nil {
			return nil, err
		}
		if len(c.p.members("TagKeys")) == 0 {
			return nil, missing("TagKeys")
		}
		return nil, s.svc.Untag(c.ctx, c.caller, e, c.p.list("TagKeys"), c.meta)
	}
}

// listTags handles List{User,Role,Policy}Tags.
func listTags(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, page, err := c.entityPage(t)
		if err != nil {
			return nil, err
		}
		tags, next, err := s.svc.ListTags(c.ctx, c.caller, e, page, c.meta)
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

// putBoundary handles Put{User,Role}PermissionsBoundary.
func putBoundary(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t, "PermissionsBoundary")
		if err != nil {
			return nil, err
		}
		return nil, s.svc.PutPermissionsBoundary(c.ctx, c.caller, e, c.p.str("PermissionsBoundary"), c.meta)
	}
}

// deleteBoundary handles Delete{User,Role}PermissionsBoundary.
func deleteBoundary(t iam.EntityType) action {
	return func(s *Server, c *call) (any, error) {
		e, err := c.entity(t)
		if err != nil {
			return nil, err
		}
		return nil, s.svc.DeletePermissionsBoundary(c.ctx, c.caller, e, c.meta)
	}
}
