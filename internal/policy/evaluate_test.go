package policy

import (
	"reflect"
	"sync"
	"testing"
)

const (
	allowS3     = `{"Version": "2012-10-17", "Statement": {"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`
	allowGet    = `{"Version": "2012-10-17", "Statement": {"Sid": "Get", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}`
	denyDelete  = `{"Version": "2012-10-17", "Statement": {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}}`
	allowNothng = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}}`
)

func pol(id, doc string, k Kind) *Policy { return MustCompile(PolicyRef{ID: id}, doc, k) }

var (
	alice   = Principal{ARN: "arn:aws:iam::111122223333:user/alice", ID: "AIDAALICE"}
	session = Principal{ARN: "arn:aws:sts::111122223333:assumed-role/Reader/app", ID: "AROAREADER:app"}
	bobElse = Principal{ARN: "arn:aws:iam::444455556666:user/bob"}
)

func resourcePolicy(principal string) string {
	return `{"Version": "2012-10-17", "Statement": {"Sid": "R", "Effect": "Allow", "Principal": {"AWS": "` + principal +
		`"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}}`
}

func TestEvaluateLayers(t *testing.T) {
	get := func(p Principal) *Request {
		return &Request{Principal: p, Action: "s3:GetObject", Resource: "arn:aws:s3:::shared/k"}
	}
	del := &Request{Principal: alice, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::shared/k"}
	trust := pol("trust", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}}`, Trust)
	trustAlice := pol("trust", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sts:AssumeRole"}}`, Trust)
	assume := &Request{Principal: alice, Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/R"}
	allowAssume := pol("id", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}`, Identity)

	tests := []struct {
		name string
		in   *Inputs
		req  *Request
		want Outcome
	}{
		{"no policies", &Inputs{}, get(alice), ImplicitDeny},
		{"identity allow", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}}, get(alice), Allowed},
		{"deny wins", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity), pol("d", denyDelete, Identity)}}, del, ExplicitDeny},
		{"boundary limits", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, Boundary: pol("b", allowNothng, Boundary)}, get(alice), ImplicitDeny},
		{"boundary allows", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, Boundary: pol("b", allowGet, Boundary)}, get(alice), Allowed},
		{"boundary alone grants nothing", &Inputs{Boundary: pol("b", allowS3, Boundary)}, get(alice), ImplicitDeny},
		{"boundary deny", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, Boundary: pol("b", denyDelete, Boundary)}, del, ExplicitDeny},
		{"session intersects", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, Session: []*Policy{pol("s", allowGet, Session)}}, get(session), Allowed},
		{"session limits", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, Session: []*Policy{pol("s", allowNothng, Session)}}, get(session), ImplicitDeny},
		{"empty session denies all", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, Session: []*Policy{}}, get(session), ImplicitDeny},
		{"resource policy names user", &Inputs{Resource: pol("r", resourcePolicy(alice.ARN), Resource)}, get(alice), Allowed},
		{"resource grant to user not limited by boundary", &Inputs{Boundary: pol("b", allowNothng, Boundary), Resource: pol("r", resourcePolicy(alice.ARN), Resource)}, get(alice), Allowed},
		{"resource grant to account needs identity", &Inputs{Resource: pol("r", resourcePolicy("111122223333"), Resource)}, get(alice), ImplicitDeny},
		{"resource grant to account with identity", &Inputs{Identity: []*Policy{pol("a", allowGet, Identity)}, Resource: pol("r", resourcePolicy("111122223333"), Resource)}, get(alice), Allowed},
		{"resource grant to session", &Inputs{Session: []*Policy{}, Resource: pol("r", resourcePolicy(session.ARN), Resource)}, get(session), Allowed},
		{"resource grant to role limited by session", &Inputs{Session: []*Policy{}, Resource: pol("r", resourcePolicy("arn:aws:iam::111122223333:role/Reader"), Resource)}, get(session), ImplicitDeny},
		{"resource grant to role", &Inputs{Resource: pol("r", resourcePolicy("arn:aws:iam::111122223333:role/Reader"), Resource)}, get(session), Allowed},
		{"resource grant to other principal", &Inputs{Resource: pol("r", resourcePolicy("arn:aws:iam::111122223333:user/carol"), Resource)}, get(alice), ImplicitDeny},
		{"cross account needs both sides", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, ResourceAccount: "111122223333"}, get(bobElse), ImplicitDeny},
		{"cross account with both", &Inputs{Identity: []*Policy{pol("a", allowS3, Identity)}, Resource: pol("r", resourcePolicy(bobElse.ARN), Resource), ResourceAccount: "111122223333"}, get(bobElse), Allowed},
		{"cross account resource alone", &Inputs{Resource: pol("r", resourcePolicy(bobElse.ARN), Resource), ResourceAccount: "111122223333"}, get(bobElse), ImplicitDeny},
		{"anonymous and a public resource policy", &Inputs{Resource: pol("r", resourcePolicy("*"), Resource), ResourceAccount: "111122223333"}, get(Principal{}), Allowed},
		{"anonymous without resource policy", &Inputs{ResourceAccount: "111122223333"}, get(Principal{}), ImplicitDeny},
		{"trust needs identity for account principal", &Inputs{Resource: trust}, assume, ImplicitDeny},
		{"trust with identity", &Inputs{Identity: []*Policy{allowAssume}, Resource: trust}, assume, Allowed},
		{"identity alone cannot assume", &Inputs{Identity: []*Policy{allowAssume}, Resource: pol("t", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}`, Trust)}, assume, ImplicitDeny},
		{"trust naming user", &Inputs{Resource: trustAlice}, assume, Allowed},
		{"action case-insensitive", &Inputs{Identity: []*Policy{pol("a", allowGet, Identity)}}, &Request{Principal: alice, Action: "S3:GETOBJECT", Resource: "x"}, Allowed},
		{"not action", &Inputs{Identity: []*Policy{pol("a", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"}}`, Identity)}}, del, ImplicitDeny},
		{"not resource", &Inputs{Identity: []*Policy{pol("a", `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::shared/*"}}`, Identity), pol("b", allowS3, Identity)}}, get(alice), Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(tt.in, tt.req)
			if d.Outcome != tt.want {
				t.Errorf("Evaluate = %v, want %v (matched %+v)", d.Outcome, tt.want, d.Matched)
			}
			if f := Decide(tt.in, tt.req); f != tt.want {
				t.Errorf("Decide = %v, want %v", f, tt.want)
			}
			if tt.want != ImplicitDeny && len(d.Deciding()) == 0 {
				t.Errorf("no deciding statements")
			}
		})
	}
}

func TestExplanation(t *testing.T) {
	in := &Inputs{
		Identity: []*Policy{pol("a", allowS3, Identity), pol("g", allowGet, Identity)},
		Boundary: pol("b", allowGet, Boundary),
	}
	d := Evaluate(in, &Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::x/y"})
	if !d.Allowed() || d.String() != "allowed" || !d.BoundaryAllowed {
		t.Fatalf("decision %+v", d)
	}
	want := []struct {
		id    string
		layer Layer
		sid   string
	}{{"a", LayerIdentity, "S3"}, {"g", LayerIdentity, "Get"}, {"b", LayerBoundary, "Get"}}
	if len(d.Matched) != len(want) {
		t.Fatalf("matched %+v", d.Matched)
	}
	for i, w := range want {
		m := d.Matched[i]
		if m.Policy.ID != w.id || m.Layer != w.layer || m.Sid != w.sid || m.Effect != Allow || m.Start.Line != 1 {
			t.Errorf("matched[%d] = %+v", i, m)
		}
	}
	d = Evaluate(in, &Request{Principal: alice, Action: "s3:PutObject", Resource: "arn:aws:s3:::x/y"})
	if d.Outcome != ImplicitDeny || d.BoundaryAllowed || !d.IdentityAllowed || !d.SessionAllowed || d.ResourceAllowed || d.Deciding() != nil {
		t.Errorf("put: %+v", d)
	}
	for o, s := range map[Outcome]string{Allowed: "allowed", ExplicitDeny: "explicitDeny", ImplicitDeny: "implicitDeny"} {
		if o.String() != s {
			t.Errorf("%d.String() = %s", o, o.String())
		}
	}
}

func TestHotPathAllocations(t *testing.T) {
	for _, name := range []string{"small", "large"} {
		ls := loadScenario(t, name)
		for i, req := range ls.requests {
			Decide(ls.in, req) // warm the per-action memo
			if n := testing.AllocsPerRun(100, func() { Decide(ls.in, req) }); n != 0 {
				t.Errorf("%s/%s: Decide allocates %v times", name, ls.names[i], n)
			}
			var d Decision
			EvaluateInto(ls.in, req, &d)
			if n := testing.AllocsPerRun(100, func() { EvaluateInto(ls.in, req, &d) }); n != 0 {
				t.Errorf("%s/%s: EvaluateInto allocates %v times", name, ls.names[i], n)
			}
		}
	}
}

// TestForgetLookups: a policy whose action memo is let go answers as before,
// and builds the memo again.
func TestForgetLookups(t *testing.T) {
	for _, name := range []string{"small", "large"} {
		ls := loadScenario(t, name)
		want := make([]Decision, len(ls.requests))
		for i, req := range ls.requests {
			want[i] = Evaluate(ls.in, req)
		}
		forget := func() {
			for _, p := range append(append([]*Policy{ls.in.Boundary, ls.in.Resource}, ls.in.Identity...), ls.in.Session...) {
				if p != nil {
					p.ForgetLookups()
				}
			}
		}
		for round := range 2 {
			forget()
			for i, req := range ls.requests {
				if got := Evaluate(ls.in, req); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("%s/%s round %d: %+v after ForgetLookups, want %+v", name, ls.names[i], round, got, want[i])
				}
			}
		}
	}
}

// TestConcurrentEvaluate runs under -race: compiled policies are shared, and the
// per-action memo is written while other goroutines read it.
func TestConcurrentEvaluate(t *testing.T) {
	ls := loadScenario(t, "large")
	var wg sync.WaitGroup
	actions := []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "ec2:RunInstances", "iam:PassRole"}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				req := *ls.requests[i%len(ls.requests)]
				req.Action = actions[(g+i)%len(actions)]
				if Decide(ls.in, &req) != Evaluate(ls.in, &req).Outcome {
					t.Error("Decide and Evaluate disagree")
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// TestScaling checks that 50x the statements costs well under 50x the time: the
// action index keeps the scan proportional to the statements that could apply.
func TestScaling(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	small, large := loadScenario(t, "small"), loadScenario(t, "large")
	per := func(ls *loadedScenario) float64 {
		r := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				for _, req := range ls.requests {
					Decide(ls.in, req)
				}
			}
		})
		return float64(r.NsPerOp())
	}
	s, l := per(small), per(large)
	t.Logf("small %.0f ns, large %.0f ns per 4 requests: %.1fx", s, l, l/s)
	if l > 25*s {
		t.Errorf("large/small = %.1fx; the index is not doing its job", l/s)
	}
}

func TestNilInputs(t *testing.T) {
	req := &Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	if Decide(nil, req) != ImplicitDeny || Evaluate(nil, req).Outcome != ImplicitDeny || Evaluate(&Inputs{Identity: []*Policy{nil}, Session: []*Policy{nil}}, req).Outcome != ImplicitDeny {
		t.Error("nil inputs")
	}
}

// TestMergeEquivalent checks that a merged identity policy decides and explains
// exactly as the list it was merged from.
func TestMergeEquivalent(t *testing.T) {
	for _, name := range []string{"small", "large"} {
		ls := loadScenario(t, name)
		merged := &Inputs{Identity: []*Policy{Merge(PolicyRef{ID: "merged"}, ls.in.Identity...)}}
		actions := []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:RestoreObject", "iam:PassRole"}
		for _, base := range ls.requests {
			for _, a := range actions {
				req := *base
				req.Action = a
				want, got := Evaluate(ls.in, &req), Evaluate(merged, &req)
				if want.Outcome != got.Outcome || Decide(merged, &req) != want.Outcome ||
					len(want.Matched) != len(got.Matched) || len(want.Missing) != len(got.Missing) {
					t.Fatalf("%s %s %s: merged %+v, list %+v", name, a, req.Resource, got, want)
				}
				for i := range want.Matched {
					if want.Matched[i] != got.Matched[i] {
						t.Fatalf("matched[%d]: merged %+v, list %+v", i, got.Matched[i], want.Matched[i])
					}
				}
			}
		}
	}
}
