package env

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// contractExample is the example of CONTRACTS.md, comments and all.
const contractExample = `name: payments-staging        # optional; default: the file name without its extension
description: Payments API, its database and cache
profile: testing              # optional AWS profile; default: the active profile
region: eu-west-1             # optional; default: the profile's region
select:                       # optional tag filter ANDed into every selector of every stage
  Env: staging
stages:
  - name: data
    instances:                # the union of these selectors
      - i-0123456789abcdef0   # an instance id
      - name: db-primary      # the Name tag equals this
      - tags: {Role: cache}   # every listed tag equals (AND)
    ready:                    # gates, checked in this order once EC2 says running
      status-checks: true     # instance and system status checks ok
      tcp: 5432               # this port accepts connections on each instance's private IP
      http: http://{{.PrivateIP}}:8080/health   # answers 2xx; {{.PrivateIP}} {{.PublicIP}} {{.ID}} {{.Name}}
      delay: 30s              # settle time after the other gates
    timeout: 15m              # from the stage's start until ready; default 15m
  - name: app
    after: [data]             # default: the stage listed before; [] means none
    instances:
      - tags: {Role: app}
stop:
  order: reverse              # default; or a list of stage names, first stopped first
  timeout: 10m
`

func mustParse(t *testing.T, file, doc string) *Environment {
	t.Helper()
	e, problems := Parse(file, []byte(doc))
	if len(problems) > 0 || e == nil {
		t.Fatalf("Parse(%s) = %v, want no problems", file, problems)
	}
	return e
}

func TestParseContractExample(t *testing.T) {
	e := mustParse(t, "envs/payments.yaml", contractExample)
	want := &Environment{
		Version:     1,
		Name:        "payments-staging",
		Description: "Payments API, its database and cache",
		Profile:     "testing",
		Region:      "eu-west-1",
		Select:      map[string]string{"Env": "staging"},
		Stages: []Stage{
			{
				Name: "data",
				Instances: []Selector{
					{ID: "i-0123456789abcdef0", Pos: Pos{File: "envs/payments.yaml", Line: 10, Col: 9}},
					{Name: "db-primary", Pos: Pos{File: "envs/payments.yaml", Line: 11, Col: 9}},
					{Tags: map[string]string{"Role": "cache"}, Pos: Pos{File: "envs/payments.yaml", Line: 12, Col: 9}},
				},
				Ready: Ready{
					StatusChecks: true,
					TCP:          []int{5432},
					HTTP:         []string{"http://{{.PrivateIP}}:8080/health"},
					Delay:        Duration(30 * time.Second),
				},
				Timeout: Duration(15 * time.Minute),
				Pos:     Pos{File: "envs/payments.yaml", Line: 8, Col: 5},
			},
			{
				Name:      "app",
				After:     []string{"data"},
				Instances: []Selector{{Tags: map[string]string{"Role": "app"}, Pos: Pos{File: "envs/payments.yaml", Line: 22, Col: 9}}},
				Timeout:   Duration(DefaultStageTimeout),
				Pos:       Pos{File: "envs/payments.yaml", Line: 19, Col: 5},
			},
		},
		Stop: StopSpec{
			Order:   []string{"app", "data"},
			Reverse: true,
			Timeout: Duration(10 * time.Minute),
			Pos:     Pos{File: "envs/payments.yaml", Line: 23, Col: 1},
		},
		File:    "envs/payments.yaml",
		Pos:     Pos{File: "envs/payments.yaml", Line: 1, Col: 1},
		NamePos: Pos{File: "envs/payments.yaml", Line: 1, Col: 7},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("Parse(contract example) =\n%+v\nwant\n%+v", e, want)
	}
}

func TestParseDefaults(t *testing.T) {
	e := mustParse(t, "dir/shop.yml", `
stages:
  - name: a
    instances: [i-01234567]
  - name: b
    instances: [{name: b-1}]
  - name: c
    after: []
    instances: [{name: c-1}]
  - name: d
    after: [a, c]
    instances: [{name: d-1}]
    ready: {tcp: [22, 80], http: ["http://{{.ID}}/", "https://{{.PublicIP}}:8443/{{.Name}}"], delay: 0s}
`)
	if e.Name != "shop" || e.Version != 1 || e.NamePos != e.Pos || e.Pos != (Pos{File: "dir/shop.yml", Line: 2, Col: 1}) {
		t.Errorf("name %q version %d NamePos %v Pos %v; want shop, 1, NamePos = Pos = dir/shop.yml:2:1", e.Name, e.Version, e.NamePos, e.Pos)
	}
	after := map[string][]string{}
	for _, s := range e.Stages {
		after[s.Name] = s.After
		if s.Timeout.D() != DefaultStageTimeout {
			t.Errorf("stage %s timeout %v, want the default %v", s.Name, s.Timeout, DefaultStageTimeout)
		}
	}
	wantAfter := map[string][]string{"a": nil, "b": {"a"}, "c": nil, "d": {"a", "c"}}
	if !reflect.DeepEqual(after, wantAfter) {
		t.Errorf("after = %v, want %v", after, wantAfter)
	}
	if got, want := e.StartOrder(), []string{"a", "b", "c", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("StartOrder() = %v, want %v", got, want)
	}
	if got, want := e.Stop.Order, []string{"d", "c", "b", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Stop.Order = %v, want %v", got, want)
	}
	if e.Stop.Timeout.D() != DefaultStopTimeout {
		t.Errorf("Stop.Timeout = %v, want %v", e.Stop.Timeout, DefaultStopTimeout)
	}
	if r := e.Stages[3].Ready; !reflect.DeepEqual(r.TCP, []int{22, 80}) || len(r.HTTP) != 2 || r.Delay != 0 || r.StatusChecks {
		t.Errorf("ready = %+v", r)
	}
}

func TestParseStartAndStopOrder(t *testing.T) {
	// web is listed first but starts after db: the start order follows
	// after, and reverse stops web before db.
	e := mustParse(t, "x.yaml", `
stages:
  - {name: web, after: [db], instances: [{name: w}]}
  - {name: db, after: [], instances: [{name: d}]}
  - {name: cache, after: [], instances: [{name: c}]}
`)
	if got, want := e.StartOrder(), []string{"db", "web", "cache"}; !reflect.DeepEqual(got, want) {
		t.Errorf("StartOrder() = %v, want %v", got, want)
	}
	if got, want := e.Stop.Order, []string{"cache", "web", "db"}; !reflect.DeepEqual(got, want) {
		t.Errorf("reverse Stop.Order = %v, want %v", got, want)
	}

	e = mustParse(t, "x.yaml", `
stages:
  - {name: a, instances: [{name: a}]}
  - {name: b, instances: [{name: b}]}
  - {name: c, instances: [{name: c}]}
  - {name: d, instances: [{name: d}]}
stop: {order: [b], timeout: 90s}
`)
	// Listed stages first, then the rest in reverse start order.
	if got, want := e.Stop.Order, []string{"b", "d", "c", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("listed Stop.Order = %v, want %v", got, want)
	}
	if e.Stop.Timeout.D() != 90*time.Second {
		t.Errorf("Stop.Timeout = %v, want 1m30s", e.Stop.Timeout)
	}
}

func TestParseYAMLFeatures(t *testing.T) {
	// Anchors, aliases and merge keys behave as in any YAML file; the
	// mapping's own keys win over merged ones.
	e := mustParse(t, "x.yaml", `
version: 1
account: "123456789012"
region: us-gov-west-1
stages:
  - &base {name: a, instances: [{tags: &t {Role: db}}], timeout: 5m}
  - <<: *base
    name: b
    instances: [{tags: *t}, i-0123456789abcdef0]
`)
	b := e.Stages[1]
	if e.Account != "123456789012" || e.Region != "us-gov-west-1" {
		t.Errorf("account %q region %q", e.Account, e.Region)
	}
	if b.Name != "b" || b.Timeout.D() != 5*time.Minute || !reflect.DeepEqual(b.After, []string{"a"}) {
		t.Errorf("merged stage = name %q timeout %v after %v; want b, 5m0s, [a]", b.Name, b.Timeout, b.After)
	}
	if len(b.Instances) != 2 || b.Instances[0].Tags["Role"] != "db" || b.Instances[1].ID != "i-0123456789abcdef0" {
		t.Errorf("merged stage instances = %+v", b.Instances)
	}
}

func TestProblemError(t *testing.T) {
	p := Problem{Pos: Pos{File: "a/b.yaml", Line: 3, Col: 7}, Message: "boom"}
	if got := p.Error(); got != "a/b.yaml:3:7: boom" {
		t.Errorf("Error() = %q", got)
	}
	if got := (Problem{Pos: Pos{File: "dir"}, Message: "gone"}).Error(); got != "dir: gone" {
		t.Errorf("Error() without a line = %q", got)
	}
}

func TestLoadFile(t *testing.T) {
	e, problems := LoadFile("testdata/valid/payments.yaml")
	if len(problems) > 0 || e.Name != "payments-staging" || e.File != "testdata/valid/payments.yaml" {
		t.Errorf("LoadFile(valid) = %v, %v", e, problems)
	}
	e, problems = LoadFile("testdata/nope.yaml")
	want := "testdata/nope.yaml:1:1: cannot read the environment file: no such file or directory"
	if e != nil || len(problems) != 1 || problems[0].Error() != want {
		t.Errorf("LoadFile(missing) = %v, %v; want %q", e, problems, want)
	}
}

// problemStrings formats problems the way the CLI prints them.
func problemStrings(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Error()
	}
	return out
}

// checkProblems parses doc as f.yaml and wants exactly these problems.
func checkProblems(t *testing.T, doc string, want ...string) {
	t.Helper()
	e, problems := Parse("f.yaml", []byte(doc))
	if e != nil {
		t.Errorf("Parse returned an environment along with problems %v", problems)
	}
	got := problemStrings(problems)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
