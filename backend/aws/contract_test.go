package aws

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
)

// unknownID is well formed but never seeded.
const unknownID = "i-0fffffffffffffff0"

// contractTests run unchanged against every target; a test skips itself,
// saying why, where the target cannot show the behaviour.
var contractTests = []struct {
	name string
	fn   func(t *testing.T, tg target)
}{
	{"FindByID", testFindByID},
	{"FindByNameAndTags", testFindByNameAndTags},
	{"FindUnknownID", testFindUnknownID},
	{"DescribeFields", testDescribeFields},
	{"DescribeMissingAbsent", testDescribeMissingAbsent},
	{"DescribeManyPaginates", testDescribeMany},
	{"StatusChecks", testStatusChecks},
	{"StatusChecksProgression", testStatusChecksProgression},
	{"StartStop", testStartStop},
	{"IncorrectInstanceState", testIncorrectState},
	{"Reboot", testReboot},
	{"ActionUnknownID", testActionUnknownID},
	{"Batching", testBatching},
	{"ThrottleRetried", testThrottleRetried},
	{"InternalErrorRetried", testInternalRetried},
	{"Regions", testRegions},
	{"Identity", testIdentity},
	{"EndpointFlagAndEnv", testEndpoints},
	{"NoSecretInErrors", testNoSecrets},
}

func TestContract(t *testing.T) {
	for _, tg := range targets(t) {
		t.Run(tg.name(), func(t *testing.T) {
			for _, ct := range contractTests {
				t.Run(ct.name, func(t *testing.T) { ct.fn(t, tg) })
			}
		})
	}
}

var ctx = context.Background()

func basicSeeds() []seed {
	return []seed{
		{Key: "db", State: "stopped", Tags: map[string]string{"Name": "db-1", "Env": "demo", "Role": "db"}},
		{Key: "web", State: "running", Tags: map[string]string{"Name": "web-1", "Env": "demo", "Role": "app"}},
		{Key: "web2", State: "running", Tags: map[string]string{"Name": "web-2", "Env": "other", "Role": "app"}},
	}
}

func ids(in []cloud.Instance) []string {
	out := make([]string, 0, len(in))
	for _, i := range in {
		out = append(out, i.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string { s = slices.Clone(s); slices.Sort(s); return s }

func describeOne(t *testing.T, f cloud.Fleet, fx *fixture, id string) cloud.Instance {
	t.Helper()
	got, err := f.Describe(ctx, fx.region, []string{id})
	if err != nil || len(got) != 1 {
		t.Fatalf("Describe(%s) = %v, %v; want one instance", id, got, err)
	}
	return got[0]
}

func testFindByID(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	got, err := f.Find(ctx, fx.region, cloud.Query{IDs: []string{fx.id("db"), fx.id("web")}})
	if err != nil {
		t.Fatal(err)
	}
	if want := sorted(fx.id("db"), fx.id("web")); !slices.Equal(ids(got), want) {
		t.Fatalf("Find by ids = %v, want %v", ids(got), want)
	}
	// Ids and tags together: both must hold.
	got, err = f.Find(ctx, fx.region, cloud.Query{IDs: []string{fx.id("db"), fx.id("web")}, Tags: map[string]string{"Role": fx.v("db")}})
	if err != nil || !slices.Equal(ids(got), []string{fx.id("db")}) {
		t.Fatalf("Find ids+Role=db = %v, %v; want only db", ids(got), err)
	}
}

func testFindByNameAndTags(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	cases := []struct {
		tags map[string]string
		want []string
	}{
		{map[string]string{"Name": fx.v("db-1")}, []string{fx.id("db")}},
		{map[string]string{"Role": fx.v("app")}, sorted(fx.id("web"), fx.id("web2"))},
		{map[string]string{"Role": fx.v("app"), "Env": fx.v("demo")}, []string{fx.id("web")}},
		{map[string]string{"Role": fx.v("db"), "Env": fx.v("other")}, []string{}},
	}
	for _, c := range cases {
		got, err := f.Find(ctx, fx.region, cloud.Query{Tags: c.tags})
		if err != nil {
			t.Fatalf("Find %v: %v", c.tags, err)
		}
		if !slices.Equal(ids(got), c.want) {
			t.Errorf("Find %v = %v, want %v", c.tags, ids(got), c.want)
		}
	}
}

func testFindUnknownID(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	_, err := f.Find(ctx, fx.region, cloud.Query{IDs: []string{fx.id("db"), unknownID}})
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("Find with an unknown id: err = %v, want *cloud.NotFoundError", err)
	}
	if !slices.Equal(nf.IDs, []string{unknownID}) {
		t.Errorf("NotFoundError.IDs = %v, want [%s]", nf.IDs, unknownID)
	}
	if !strings.HasPrefix(err.Error(), fx.region+": DescribeInstances: ") || !strings.Contains(err.Error(), unknownID) {
		t.Errorf("message %q should name the region, the action and the id", err)
	}
}

func testDescribeFields(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	web := describeOne(t, f, fx, fx.id("web"))
	if web.ID != fx.id("web") || web.Region != fx.region || web.Name != fx.v("web-1") || web.State != cloud.Running || web.Type != "t3.micro" {
		t.Errorf("web = %+v", web)
	}
	if web.Tags["Role"] != fx.v("app") || web.Tags["Env"] != fx.v("demo") || web.Tags["Name"] != fx.v("web-1") || len(web.Tags) != 3 {
		t.Errorf("web tags = %v", web.Tags)
	}
	if !strings.HasPrefix(web.AZ, fx.region) {
		t.Errorf("AZ %q is not in region %s", web.AZ, fx.region)
	}
	if _, err := netip.ParseAddr(web.PrivateIP); err != nil {
		t.Errorf("PrivateIP %q: %v", web.PrivateIP, err)
	}
	if web.LaunchTime.IsZero() || web.LaunchTime.After(time.Now().Add(time.Hour)) {
		t.Errorf("LaunchTime %v", web.LaunchTime)
	}
	db := describeOne(t, f, fx, fx.id("db"))
	if db.State != cloud.Stopped || db.Name != fx.v("db-1") {
		t.Errorf("db = %+v", db)
	}
	if db.StateReason == "" {
		t.Errorf("a stopped instance should carry EC2's state reason, got none: %+v", db)
	}
}

func testDescribeMissingAbsent(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	got, err := f.Describe(ctx, fx.region, []string{fx.id("db"), unknownID})
	if err != nil {
		t.Fatalf("Describe with an unknown id must not fail: %v", err)
	}
	if !slices.Equal(ids(got), []string{fx.id("db")}) {
		t.Fatalf("Describe = %v, want only %s", ids(got), fx.id("db"))
	}
	if got, err := f.Describe(ctx, fx.region, nil); err != nil || len(got) != 0 {
		t.Fatalf("Describe(nil) = %v, %v", got, err)
	}
}

func testDescribeMany(t *testing.T, tg target) {
	fx := tg.open(t, []seed{
		{Key: "bulk", Count: 1050, State: "stopped", Tags: map[string]string{"Role": "bulk"}},
	})
	c := &calls{}
	f := fx.session(t, c).Fleet()
	all := fx.ids["bulk"]
	if len(all) != 1050 {
		t.Fatalf("seeded %d instances, want 1050", len(all))
	}

	// > 200 ids: the whole region in pages of 1,000, filtered here.
	got, err := f.Describe(ctx, fx.region, append(slices.Clone(all), unknownID))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(got), sorted(all...)) {
		t.Fatalf("Describe of 1,051 ids returned %d instances, want the 1,050 seeded", len(got))
	}
	pages := c.get("DescribeInstances")
	if fx.target == "sandbox" && pages != 2 {
		t.Errorf("1,050 instances took %d DescribeInstances pages, want 2", pages)
	} else if pages < 2 { // moto's region may hold earlier tests' instances
		t.Errorf("1,050 instances took %d DescribeInstances pages, want at least 2", pages)
	}
	if fx.requests != nil {
		if n := count(fx.requests(), "DescribeInstances"); n != pages {
			t.Errorf("target saw %d DescribeInstances, adapter counted %d", n, pages)
		}
	}

	// 201 ids: still the listing path; 200 ids: one filtered call.
	for _, n := range []int{201, 200} {
		got, err = f.Describe(ctx, fx.region, all[:n])
		if err != nil || !slices.Equal(ids(got), sorted(all[:n]...)) {
			t.Fatalf("Describe of %d ids: %d instances, %v", n, len(got), err)
		}
	}
	c.reset()
	if _, err := f.Describe(ctx, fx.region, all[:200]); err != nil || c.get("DescribeInstances") != 1 {
		t.Errorf("Describe of 200 ids took %d calls (%v), want 1", c.get("DescribeInstances"), err)
	}
}

func count(actions []string, action string) int {
	n := 0
	for _, a := range actions {
		if a == action {
			n++
		}
	}
	return n
}

func testStatusChecks(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	if fx.advance != nil {
		fx.advance(10 * time.Minute) // let the running ones pass their checks
	}
	got, err := f.StatusChecks(ctx, fx.region, []string{fx.id("web"), fx.id("db"), unknownID})
	if err != nil {
		t.Fatalf("StatusChecks with an unknown id must not fail: %v", err)
	}
	if _, ok := got[unknownID]; ok {
		t.Errorf("unknown id has checks: %v", got)
	}
	if !got[fx.id("web")].OK() {
		t.Errorf("running web checks = %+v, want ok", got[fx.id("web")])
	}
	if db, ok := got[fx.id("db")]; ok && db.OK() {
		// IncludeAllInstances: a stopped instance may be listed, never ok.
		t.Errorf("stopped db checks = %+v, want not ok", db)
	}
	if got, err := f.StatusChecks(ctx, fx.region, nil); err != nil || len(got) != 0 {
		t.Errorf("StatusChecks(nil) = %v, %v", got, err)
	}
}

func testStatusChecksProgression(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	fx.skipUnless(t, fx.advance != nil, "status checks pass at once, there is no progression to watch")
	f := fx.session(t, nil).Fleet()
	id := fx.id("db")
	if err := f.Start(ctx, fx.region, []string{id}); err != nil {
		t.Fatal(err)
	}
	got, err := f.StatusChecks(ctx, fx.region, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if got[id].OK() {
		t.Fatalf("checks ok right after start: %+v", got[id])
	}
	fx.advance(20 * time.Second) // start (15s) done, checks (30s) not yet
	if in := describeOne(t, f, fx, id); in.State != cloud.Running {
		t.Fatalf("state after 20s = %s, want running", in.State)
	}
	got, _ = f.StatusChecks(ctx, fx.region, []string{id})
	if got[id].OK() || got[id].Instance != cloud.CheckInitializing {
		t.Fatalf("checks 5s into running = %+v, want initializing", got[id])
	}
	fx.advance(40 * time.Second)
	got, _ = f.StatusChecks(ctx, fx.region, []string{id})
	if !got[id].OK() {
		t.Fatalf("checks after start+checks time = %+v, want ok", got[id])
	}
}

func testStartStop(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	db := fx.id("db")
	if err := f.Start(ctx, fx.region, []string{db}); err != nil {
		t.Fatal(err)
	}
	want := cloud.Pending
	if fx.instant {
		want = cloud.Running
	}
	if s := describeOne(t, f, fx, db).State; s != want {
		t.Fatalf("after Start: %s, want %s", s, want)
	}
	if fx.advance != nil {
		fx.advance(time.Minute)
		if s := describeOne(t, f, fx, db).State; s != cloud.Running {
			t.Fatalf("a minute after Start: %s, want running", s)
		}
	}
	if err := f.Stop(ctx, fx.region, []string{db}); err != nil {
		t.Fatal(err)
	}
	want = cloud.Stopping
	if fx.instant {
		want = cloud.Stopped
	}
	if s := describeOne(t, f, fx, db).State; s != want {
		t.Fatalf("after Stop: %s, want %s", s, want)
	}
	if fx.advance != nil {
		fx.advance(time.Minute)
		if in := describeOne(t, f, fx, db); in.State != cloud.Stopped || in.StateReason == "" {
			t.Fatalf("a minute after Stop: %s (reason %q), want stopped with a reason", in.State, in.StateReason)
		}
	}
	if err := f.Start(ctx, fx.region, nil); err != nil {
		t.Fatalf("Start of no ids: %v", err)
	}
}

func testIncorrectState(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	fx.skipUnless(t, !fx.instant, "never refuses a state change with IncorrectInstanceState")
	f := fx.session(t, nil).Fleet()
	db := fx.id("db")
	if err := f.Start(ctx, fx.region, []string{db}); err != nil {
		t.Fatal(err)
	}
	// Stopping a pending instance is refused by EC2.
	err := f.Stop(ctx, fx.region, []string{db})
	if !errors.Is(err, cloud.ErrStateConflict) {
		t.Fatalf("Stop of a pending instance: %v, want ErrStateConflict", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, fx.region+": StopInstances: ") || !strings.HasSuffix(msg, "(IncorrectInstanceState)") || !strings.Contains(msg, db) {
		t.Errorf("message %q: want region, action, AWS's message naming the instance, and the code", msg)
	}
}

func testReboot(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	c := &calls{}
	f := fx.session(t, c).Fleet()
	web := fx.id("web")
	if err := f.Reboot(ctx, fx.region, []string{web}); err != nil {
		t.Fatal(err)
	}
	if c.get("RebootInstances") != 1 {
		t.Errorf("RebootInstances calls = %d, want 1", c.get("RebootInstances"))
	}
	if fx.advance != nil {
		fx.advance(5 * time.Minute)
	}
	if s := describeOne(t, f, fx, web).State; s != cloud.Running {
		t.Errorf("after Reboot: %s, want running", s)
	}
}

func testActionUnknownID(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	for name, act := range map[string]func(context.Context, string, []string) error{
		"StartInstances": f.Start, "StopInstances": f.Stop, "RebootInstances": f.Reboot,
	} {
		err := act(ctx, fx.region, []string{unknownID})
		var nf *cloud.NotFoundError
		if !errors.As(err, &nf) || !slices.Equal(nf.IDs, []string{unknownID}) {
			t.Errorf("%s of an unknown id: %v, want *cloud.NotFoundError{%s}", name, err, unknownID)
		} else if !strings.HasPrefix(err.Error(), fx.region+": "+name+": ") {
			t.Errorf("%s: message %q should name region and action", name, err)
		}
	}
}

func testBatching(t *testing.T, tg target) {
	fx := tg.open(t, []seed{{Key: "app", Count: 5, State: "stopped", Tags: map[string]string{"Role": "app"}}})
	c := &calls{}
	f := fx.session(t, c).Fleet()
	if err := f.Start(ctx, fx.region, fx.ids["app"]); err != nil {
		t.Fatal(err)
	}
	if n := c.get("StartInstances"); n != 1 {
		t.Errorf("starting 5 instances took %d StartInstances calls, want 1", n)
	}
	if fx.requests != nil {
		if n := count(fx.requests(), "StartInstances"); n != 1 {
			t.Errorf("target log shows %d StartInstances, want 1", n)
		}
	}
	got, err := f.Describe(ctx, fx.region, fx.ids["app"])
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range got {
		if in.State != cloud.Pending && in.State != cloud.Running {
			t.Errorf("%s is %s after Start", in.ID, in.State)
		}
	}
	c.reset()
	for _, act := range []func(context.Context, string, []string) error{f.Start, f.Stop, f.Reboot} {
		if err := act(ctx, fx.region, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.get("StartInstances") + c.get("StopInstances") + c.get("RebootInstances"); n != 0 {
		t.Errorf("empty id lists made %d calls, want none", n)
	}
}

// The SDK's adaptive rate limiter, after a throttle, waits on the real clock
// (at least 1/0.5 req/s), so this test takes about two seconds by design.
func testThrottleRetried(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	fx.skipUnless(t, fx.fault != nil, "no fault injection")
	c := &calls{}
	f := fx.session(t, c).Fleet()
	fx.fault(t, "throttle", "DescribeInstances", 1)
	got, err := f.Describe(ctx, fx.region, []string{fx.id("web")})
	if err != nil || len(got) != 1 {
		t.Fatalf("Describe under a throttle: %v, %v; want it retried transparently", got, err)
	}
	if n := c.get("DescribeInstances"); n != 2 {
		t.Errorf("attempts = %d, want 2 (1 throttled + 1)", n)
	}
	if fx.requests != nil {
		if n := count(fx.requests(), "DescribeInstances"); n != 2 {
			t.Errorf("target saw %d DescribeInstances, want 2", n)
		}
	}
}

func testInternalRetried(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	fx.skipUnless(t, fx.fault != nil, "no fault injection")
	c := &calls{}
	f := fx.session(t, c).Fleet()
	fx.fault(t, "internal", "StartInstances", 1)
	if err := f.Start(ctx, fx.region, []string{fx.id("db")}); err != nil {
		t.Fatalf("Start after one 500: %v, want it retried", err)
	}
	if n := c.get("StartInstances"); n != 2 {
		t.Errorf("attempts = %d, want 2", n)
	}
	// More failures than attempts: the error is AWS's, worded for people.
	fx.fault(t, "internal", "StopInstances", 10)
	err := f.Stop(ctx, fx.region, []string{fx.id("web")})
	if err == nil || !strings.HasPrefix(err.Error(), fx.region+": StopInstances: ") || !strings.Contains(err.Error(), "(InternalError)") {
		t.Errorf("persistent 500s: %v", err)
	}
}

func testRegions(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	regions, err := fx.session(t, nil).Fleet().Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(regions, fx.region) || !slices.IsSorted(regions) {
		t.Errorf("Regions = %v, want sorted and including %s", regions, fx.region)
	}
}

func testIdentity(t *testing.T, tg target) {
	fx := tg.open(t, nil)
	id, err := fx.session(t, nil).Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id.Account != fx.account || !strings.HasPrefix(id.ARN, "arn:aws:") || !strings.Contains(id.ARN, fx.account) {
		t.Errorf("Identity = %+v, want account %s", id, fx.account)
	}
}

// deadEndpoint refuses connections: a client sent there fails fast.
const deadEndpoint = "http://127.0.0.1:1"

func testEndpoints(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	find := func(s *Session) error {
		_, err := s.Fleet().Find(ctx, fx.region, cloud.Query{IDs: []string{fx.id("db")}})
		return err
	}
	noFlag := func(o *Options) { o.EndpointURL = ""; o.MaxAttempts = 1 }

	t.Setenv("AWS_ENDPOINT_URL", fx.endpoint)
	if err := find(fx.session(t, nil, noFlag)); err != nil {
		t.Errorf("AWS_ENDPOINT_URL alone: %v", err)
	}
	if _, err := fx.session(t, nil, noFlag).Identity(ctx); err != nil {
		t.Errorf("AWS_ENDPOINT_URL alone, STS: %v", err)
	}

	t.Setenv("AWS_ENDPOINT_URL", deadEndpoint)
	t.Setenv("AWS_ENDPOINT_URL_EC2", deadEndpoint)
	t.Setenv("AWS_ENDPOINT_URL_STS", deadEndpoint)
	err := find(fx.session(t, nil, noFlag))
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("AWS_ENDPOINT_URL pointing nowhere: err = %v, want a failure naming it", err)
	}
	s := fx.session(t, nil) // --endpoint-url beats every variable
	if err := find(s); err != nil {
		t.Errorf("--endpoint-url over AWS_ENDPOINT_URL(_EC2): %v", err)
	}
	if _, err := s.Identity(ctx); err != nil {
		t.Errorf("--endpoint-url over AWS_ENDPOINT_URL_STS: %v", err)
	}
}

func testNoSecrets(t *testing.T, tg target) {
	fx := tg.open(t, basicSeeds())
	f := fx.session(t, nil).Fleet()
	var errs []error
	_, err := f.Find(ctx, fx.region, cloud.Query{IDs: []string{unknownID}})
	errs = append(errs, err)
	errs = append(errs, f.Start(ctx, fx.region, []string{"i-notanid"}))
	dead := fx.session(t, nil, func(o *Options) { o.EndpointURL = deadEndpoint; o.MaxAttempts = 1 })
	_, err = dead.Fleet().Describe(ctx, fx.region, []string{fx.id("db")})
	errs = append(errs, err)
	_, err = dead.Identity(ctx)
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil {
			t.Errorf("expected an error, got none")
			continue
		}
		if msg := err.Error(); strings.Contains(msg, testSecret) || strings.Contains(msg, testToken) {
			t.Errorf("error leaks a secret: %s", msg)
		}
	}
}
