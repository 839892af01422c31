package iam_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/iamconsole/console/internal/graph"
	"github.com/iamconsole/console/internal/iam"
	"github.com/iamconsole/console/internal/models"
	"github.com/iamconsole/console/internal/models/dbtest"
)

// TestSnapshotRoundTrip: the live account exports as an authorization
// details document that the access graph reads back to the same thing.
func TestSnapshotRoundTrip(t *testing.T) {
	svc, store, _ := newService(t, dbtest.SQLite(t))
	ctx := context.Background()
	mustSetup(t, svc)
	m := iam.Meta{}
	if _, err := svc.CreateUser(ctx, nil, iam.CreateUserInput{UserName: "alice", Path: "/eng/", Tags: []iam.Tag{{Key: "team", Value: "blue"}}}, m); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateGroup(ctx, nil, iam.CreateGroupInput{GroupName: "devs"}, m); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddUserToGroup(ctx, nil, "devs", "alice", m); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAccessKey(ctx, nil, "alice", m); err != nil {
		t.Fatal(err)
	}
	acct, _ := store.LiveAccount(ctx)
	u, _ := store.User(ctx, acct.ID, "alice")
	if err := store.AttachPolicy(ctx, acct.ID, models.EntityUser, u.UserID, "arn:aws:iam::aws:policy/ReadOnlyAccess", svc.Now()); err != nil {
		t.Fatal(err)
	}
	snap, err := svc.Snapshot(ctx, nil, "", m)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Users) != 1 || snap.Users[0].ARN != "arn:aws:iam::"+acct.ID+":user/eng/alice" || len(snap.Users[0].Groups) != 1 ||
		len(snap.Users[0].AccessKeys) != 1 || len(snap.Users[0].Attached) != 1 {
		t.Fatalf("snapshot user: %+v", snap.Users)
	}
	if len(snap.Policies) != 1 || snap.Policies[0].Name != "ReadOnlyAccess" {
		t.Fatalf("attached AWS managed policy missing from the export: %+v", snap.Policies)
	}
	doc, err := snap.AuthorizationDetails()
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := graph.ParseAuthorizationDetails(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != acct.ID || len(back.Users) != 1 || back.Users[0].Name != "alice" || len(back.Groups) != 1 || back.Groups[0].Name != "devs" {
		t.Fatalf("round trip: %+v", back)
	}
}
