package runbook

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func stepNames(d *Document) []string {
	var out []string
	for _, s := range d.MainSteps {
		out = append(out, s.Name)
	}
	return out
}

func stepByName(t *testing.T, d *Document, name string) Step {
	t.Helper()
	for _, s := range d.MainSteps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no step %s in %v", name, stepNames(d))
	return Step{}
}

// TestStagesRunInTopologicalOrder: the start runbook follows after in the
// app's order (file order where after leaves a choice); the stop runbook
// follows the stop order, reverse or written.
func TestStagesRunInTopologicalOrder(t *testing.T) {
	e := parseEnv(t, `stages:
  - {name: web, after: [api], instances: [{name: w}]}
  - {name: db, after: [], instances: [{name: d}]}
  - {name: api, after: [db, cache], instances: [{name: a}]}
  - {name: cache, after: [], instances: [{name: c}]}
`)
	x, err := Build(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"s01_db_find", "s01_db_tag", "s01_db_start", "s02_api_find"}
	if got := stepNames(x.StartDoc); !reflect.DeepEqual(got, []string{"s01_db_find", "s01_db_tag", "s01_db_start", "s02_cache_find", "s02_cache_tag", "s02_cache_start",
		"s03_api_find", "s03_api_tag", "s03_api_start", "s04_web_find", "s04_web_tag", "s04_web_start"}) {
		t.Errorf("start steps %v, want db, cache, api, web (first %v...)", got, want)
	}
	if got := stepNames(x.StopDoc); !reflect.DeepEqual(got, []string{"s01_web_find", "s01_web_stop", "s02_api_find", "s02_api_stop",
		"s03_cache_find", "s03_cache_stop", "s04_db_find", "s04_db_stop"}) {
		t.Errorf("stop steps %v, want web, api, cache, db", got)
	}
	e = parseEnv(t, "stages: [{name: a, instances: [{name: a}]}, {name: b, instances: [{name: b}]}, {name: c, instances: [{name: c}]}]\nstop: {order: [b]}\n")
	x, _ = Build(e, Options{})
	if got := stepNames(x.StopDoc); !reflect.DeepEqual(got, []string{"s01_b_find", "s01_b_stop", "s02_c_find", "s02_c_stop", "s03_a_find", "s03_a_stop"}) {
		t.Errorf("written stop order: %v, want b, then the rest later-started first", got)
	}
}

func TestLookupsFindInstancesAtRunTime(t *testing.T) {
	e := parseEnv(t, `select: {Env: qa}
stages:
  - name: data
    instances:
      - {tags: {Role: db}}
      - i-0123456789abcdef0
      - {name: cache-1}
      - {tags: {Role: queue}}
      - {name: cache-2}
      - i-0123456789abcdef1
      - {tags: {Role: db, Zone: a}}
`)
	x, err := Build(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	find := func(d *Document, name string) map[string]any { return stepByName(t, d, name).Inputs }
	// Role db and queue share one call, the ids another, the names a third,
	// and the selector with one more key a fourth.
	if got := stepNames(x.StartDoc)[:4]; !reflect.DeepEqual(got, []string{"s01_data_find_g1", "s01_data_find_g2", "s01_data_find_g3", "s01_data_find_g4"}) {
		t.Fatalf("finds %v", got)
	}
	tags := find(x.StartDoc, "s01_data_find_g1")
	wantFilters := []any{
		map[string]any{"Name": "tag:Env", "Values": []string{"qa"}},
		map[string]any{"Name": "tag:Role", "Values": []string{"db", "queue"}},
		map[string]any{"Name": "instance-state-name", "Values": []string{"pending", "running", "stopping", "stopped"}},
	}
	if !reflect.DeepEqual(tags["Filters"], wantFilters) || tags["Api"] != "DescribeInstances" || tags["Service"] != "ec2" {
		t.Errorf("tag lookup %v", tags)
	}
	ids := find(x.StartDoc, "s01_data_find_g2")
	if !reflect.DeepEqual(ids["InstanceIds"], []string{"i-0123456789abcdef0", "i-0123456789abcdef1"}) || ids["Filters"] != nil {
		t.Errorf("start id lookup %v: ids as ids, no state filter (a terminated id fails the start)", ids)
	}
	if stop := find(x.StopDoc, "s01_data_find_g2"); stop["Filters"] == nil {
		t.Errorf("stop id lookup %v: terminated ids are skipped", stop)
	}
	names := find(x.StartDoc, "s01_data_find_g3")
	if got := names["Filters"].([]any)[1]; !reflect.DeepEqual(got, map[string]any{"Name": "tag:Name", "Values": []string{"cache-1", "cache-2"}}) {
		t.Errorf("name lookup %v", got)
	}
	out := stepByName(t, x.StartDoc, "s01_data_find_g1").Outputs
	if !reflect.DeepEqual(out, []Output{{Name: "InstanceIds", Selector: "$.Reservations..Instances..InstanceId", Type: "StringList"}}) {
		t.Errorf("outputs %v", out)
	}
}

// TestStagesStartTogether: with one lookup, one aws:changeInstanceState;
// with several, every group is sent StartInstances before any is waited on.
func TestStagesStartTogether(t *testing.T) {
	e := parseEnv(t, "stages:\n  - name: s\n    instances: [{name: a}, i-0123456789abcdef0]\n    timeout: 7m\n")
	x, err := Build(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"s01_s_find_g1", "s01_s_find_g2", "s01_s_tag_g1", "s01_s_tag_g2", "s01_s_start_g1", "s01_s_start_g2", "s01_s_running_g1", "s01_s_running_g2"}
	if got := stepNames(x.StartDoc); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps %v, want %v", got, want)
	}
	start := stepByName(t, x.StartDoc, "s01_s_start_g2")
	if start.Action != ActionExecuteAwsAPI || start.Inputs["Api"] != "StartInstances" || start.Inputs["InstanceIds"] != "{{ s01_s_find_g2.InstanceIds }}" {
		t.Errorf("start step %+v", start)
	}
	wait := stepByName(t, x.StartDoc, "s01_s_running_g1")
	if wait.Action != ActionChangeState || wait.Inputs["DesiredState"] != "running" || wait.Inputs["CheckStateOnly"] != true {
		t.Errorf("wait step %+v", wait)
	}
	for _, s := range x.StartDoc.MainSteps {
		if s.TimeoutSeconds != 420 || s.OnFailure != "Abort" {
			t.Errorf("%s: timeoutSeconds %d onFailure %q, want the stage's 420 and Abort", s.Name, s.TimeoutSeconds, s.OnFailure)
		}
	}
	if got := stepNames(x.StopDoc); !reflect.DeepEqual(got[4:], []string{"s01_s_stopped_g1", "s01_s_stopped_g2"}) || got[2] != "s01_s_stop_g1" {
		t.Errorf("stop steps %v", got)
	}
	for _, s := range x.StopDoc.MainSteps {
		if s.TimeoutSeconds != 600 {
			t.Errorf("%s: timeoutSeconds %d, want the default stop timeout", s.Name, s.TimeoutSeconds)
		}
	}
	one, _ := Build(parseEnv(t, "stages: [{name: s, instances: [{name: a}]}]\n"), Options{})
	if s := one.StartDoc.MainSteps[2]; s.Action != ActionChangeState || s.Inputs["DesiredState"] != "running" || s.Inputs["CheckStateOnly"] != nil {
		t.Errorf("single lookup start %+v", s)
	}
}

// TestGatesRunOnTheInstances: after the wait for SSM (ssm-grace long),
// one script per lookup runs tcp, http and command (after the others) in
// order on each instance; then the delay.
func TestGatesRunOnTheInstances(t *testing.T) {
	e := parseEnv(t, `stages:
  - name: api
    instances: [{name: a}]
    ready:
      status-checks: true
      delay: 10s
      command: [systemctl is-active api]
      http: ['http://{{.PrivateIP}}:8080/health']
      tcp: [8080, 8443]
      ssm-grace: 2m
    timeout: 10m
`)
	x, err := Build(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"s01_api_find", "s01_api_tag", "s01_api_start", "s01_api_ssm_online", "s01_api_gates", "s01_api_delay"}
	if got := stepNames(x.StartDoc); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps %v, want %v", got, want)
	}
	online := stepByName(t, x.StartDoc, "s01_api_ssm_online")
	if online.TimeoutSeconds != 120 || online.Inputs["Api"] != "DescribeInstanceInformation" || online.Inputs["PropertySelector"] != "$.InstanceInformationList..PingStatus" {
		t.Errorf("ssm wait %+v", online)
	}
	gates := stepByName(t, x.StartDoc, "s01_api_gates")
	params := gates.Inputs["Parameters"].(map[string]any)
	lines := params["commands"].([]string)
	if gates.Inputs["DocumentName"] != "AWS-RunShellScript" || gates.Inputs["InstanceIds"] != "{{ s01_api_find.InstanceIds }}" ||
		params["executionTimeout"] != "600" || gates.TimeoutSeconds != 600 {
		t.Errorf("gates step %+v", gates)
	}
	if got := lines[len(lines)-4:]; !reflect.DeepEqual(got, []string{"cc_gate 'tcp 8080' cc_tcp 8080", "cc_gate 'tcp 8443' cc_tcp 8443",
		`cc_gate 'http http://<private IP>:8080/health' cc_http 'http://'"$ip"':8080/health'`, "cc_gate 'command' cc_command"}) {
		t.Errorf("the gates in order: %q", got)
	}
	if !slices.Contains(lines, "systemctl is-active api") || lines[0] != "deadline=$(( $(date +%s) + 585 ))" {
		t.Errorf("script %q", lines)
	}
	if d := stepByName(t, x.StartDoc, "s01_api_delay"); d.Action != ActionSleep || d.Inputs["Duration"] != "PT10S" {
		t.Errorf("delay %+v", d)
	}
	// No gate that runs on the instances: no SSM at all.
	plain, _ := Build(parseEnv(t, "stages: [{name: s, instances: [{name: a}], ready: {delay: 5s}}]\n"), Options{})
	if got := stepNames(plain.StartDoc); !reflect.DeepEqual(got, []string{"s01_s_find", "s01_s_tag", "s01_s_start", "s01_s_delay"}) {
		t.Errorf("steps %v", got)
	}
	if strings.Contains(string(plain.AutomationPolicy), "ssm:") {
		t.Errorf("a policy for runbooks without gate scripts grants SSM: %s", plain.AutomationPolicy)
	}
}

func TestStepNamesFitAutomation(t *testing.T) {
	for in, want := range map[string]string{"app server": "app_server", "db/primary--1": "db_primary_1", "ÄÖÜ": "stage", "--x--": "x",
		strings.Repeat("abc", 20): strings.Repeat("abc", 13) + "a"} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGateScriptsRunInAShell runs the generated scripts with sh (dash on
// Linux, as strict as POSIX) against a local server: a gate passes on 2xx
// and fails with its reason after its deadline.
func TestGateScriptsRunInAShell(t *testing.T) {
	for _, tool := range []string{"sh", "curl", "mktemp", "tail"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s here: %v", tool, err)
		}
	}
	defer func(was int) { retryEvery = was }(retryEvery)
	retryEvery = 1
	// The handler runs on the server's goroutines; the race detector cannot
	// see that the shell which asked has ended, so the status is atomic.
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/health", http.StatusFound)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	defer srv.Close()
	run := func(lines []string) (string, error) {
		cmd := exec.Command("sh", "-c", strings.Join(lines, "\n"))
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	parts, _ := urlParts(srv.URL + "/moved")
	web := []check{{label: "http " + urlShown(parts), call: "cc_http " + shellURL(parts)}}
	// A short timeout makes the deadline pass after the first failed attempt.
	out, err := run(gateScript(web, scriptNeeds{http: true}, time.Second))
	if err == nil || !strings.Contains(out, "/moved failed: "+srv.URL+"/moved answered 503") {
		t.Errorf("503: err %v, output %q", err, out)
	}
	status.Store(http.StatusOK)
	out, err = run(gateScript(web, scriptNeeds{http: true}, time.Minute))
	if err != nil || out != "http "+srv.URL+"/moved passed\n" {
		t.Errorf("redirect to 200: err %v, output %q", err, out)
	}

	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	command := func(lines []string, timeout time.Duration) []string {
		return gateScript(append(web, check{label: "command", call: "cc_command"}), scriptNeeds{http: true, command: lines}, timeout)
	}
	if lines := command([]string{"echo checking", "CLOUDCONTROL_COMMAND"}, time.Minute); !slices.Contains(lines, "cat > \"$gate\" <<'CLOUDCONTROL_COMMAND_1'") {
		t.Errorf("the heredoc end must not be a line of the command: %v", lines)
	}
	out, err = run(command([]string{"echo checking", "test -f " + ready}, time.Second))
	if err == nil || !strings.HasSuffix(out, "passed\ncommand failed: exit 1; its last lines:\nchecking\n") {
		t.Errorf("failing command after a passing http gate: err %v, output %q", err, out)
	}
	if err := os.WriteFile(ready, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err = run(command([]string{"echo checking", "test -f " + ready}, time.Minute)); err != nil || !strings.HasSuffix(out, "\ncommand passed\n") {
		t.Errorf("passing command: err %v, output %q", err, out)
	}
	// Quotes and $ in the command reach sh unchanged.
	quoting := command([]string{`x='a b'; [ "$x" = 'a b' ] && [ '$HOME' = "\$HOME" ]`}, time.Second)
	if out, err = run(quoting); err != nil {
		t.Errorf("quoting: err %v, output %q", err, out)
	}
}

func TestHTTPScriptReadsFieldsFromMetadata(t *testing.T) {
	e := parseEnv(t, "stages: [{name: web, instances: [{name: a}], ready: {http: \"https://{{.Name}}.qa.example.com:8443/x?y='1'&id={{.ID}}\"}}]\n")
	x, err := Build(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Join(stepByName(t, x.StartDoc, "s01_web_gates").Inputs["Parameters"].(map[string]any)["commands"].([]string), "\n")
	for _, want := range []string{`name=$(md tags/instance/Name)`, `id=$(md instance-id)`,
		`cc_http 'https://'"$name"'.qa.example.com:8443/x?y='\''1'\''&id='"$id"`} {
		if !strings.Contains(lines, want) {
			t.Errorf("script lacks %q:\n%s", want, lines)
		}
	}
	if strings.Contains(lines, "local-ipv4") || strings.Contains(lines, "cc_tcp") {
		t.Error("the script reads the private IP or defines tcp although no gate uses them")
	}
}

func TestPolicies(t *testing.T) {
	e := parseEnv(t, `region: cn-north-1
account: "123456789012"
select: {Env: qa}
stages:
  - name: a
    instances: [{tags: {Role: api}}, i-0123456789abcdef0]
    ready: {tcp: 80}
  - name: b
    instances: [{tags: {Role: web}}, {name: lb}]
`)
	x, err := Build(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var p Policy
	if err := json.Unmarshal(x.AutomationPolicy, &p); err != nil {
		t.Fatal(err)
	}
	sids := map[string]Statement{}
	for _, s := range p.Statement {
		sids[s.Sid] = s
	}
	want := []string{"ReadInstances", "StartStopTagged1", "StartStopTagged2", "StartStopListed", "RunGateScripts", "RunGateScriptsOnTagged1", "RunGateScriptsOnListed", "FollowGateScripts"}
	if len(p.Statement) != len(want) {
		t.Errorf("statements %v, want %v", p.Statement, want)
	}
	for _, sid := range want {
		if _, ok := sids[sid]; !ok {
			t.Errorf("no statement %s in %s", sid, x.AutomationPolicy)
		}
	}
	// Role api and web merge into one condition; the Name selector keeps its own.
	if got := sids["StartStopTagged1"].Condition["StringEquals"]; !reflect.DeepEqual(got, map[string]any{"aws:ResourceTag/Env": "qa", "aws:ResourceTag/Role": []any{"api", "web"}}) {
		t.Errorf("tag condition %v", got)
	}
	if got := sids["StartStopTagged1"].Resource; !reflect.DeepEqual(got, []string{"arn:aws-cn:ec2:cn-north-1:123456789012:instance/*"}) {
		t.Errorf("resource %v", got)
	}
	if got := sids["StartStopListed"].Resource; !reflect.DeepEqual(got, []string{"arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0123456789abcdef0"}) {
		t.Errorf("listed %v", got)
	}
	// The start runbook may tag them, with who started them and when only.
	for _, sid := range []string{"StartStopTagged1", "StartStopListed"} {
		st := sids[sid]
		if !slices.Contains(st.Action, "ec2:CreateTags") || !reflect.DeepEqual(st.Condition["ForAllValues:StringEquals"],
			map[string]any{"aws:TagKeys": []any{"cloudcontrol:started-by", "cloudcontrol:started-at"}}) {
			t.Errorf("%s does not limit CreateTags to the two tags: %+v", sid, st)
		}
	}
	// Only stage a runs a gate script: SendCommand only on its instances.
	if got := sids["RunGateScriptsOnTagged1"].Condition["StringEquals"]; !reflect.DeepEqual(got, map[string]any{"ssm:resourceTag/Env": "qa", "ssm:resourceTag/Role": "api"}) {
		t.Errorf("send command condition %v", got)
	}
	if got := sids["RunGateScripts"].Resource; !reflect.DeepEqual(got, []string{"arn:aws-cn:ssm:cn-north-1::document/AWS-RunShellScript"}) {
		t.Errorf("document %v", got)
	}

	var sp Policy
	if err := json.Unmarshal(x.SchedulerPolicy, &sp); err != nil {
		t.Fatal(err)
	}
	if len(sp.Statement) != 2 || !reflect.DeepEqual(sp.Statement[0].Action, []string{"ssm:StartAutomationExecution"}) ||
		!reflect.DeepEqual(sp.Statement[0].Resource, []string{
			"arn:aws-cn:ssm:cn-north-1:123456789012:automation-definition/CloudControl-f-start:*",
			"arn:aws-cn:ssm:cn-north-1:123456789012:automation-definition/CloudControl-f-stop:*"}) ||
		!reflect.DeepEqual(sp.Statement[1].Resource, []string{"arn:aws-cn:iam::123456789012:role/CloudControl-f-automation"}) ||
		sp.Statement[1].Condition["StringEquals"]["iam:PassedToService"] != "ssm.amazonaws.com" {
		t.Errorf("scheduler policy %s", x.SchedulerPolicy)
	}
	// Options narrow an unpinned environment; a given role is the one passed.
	x, _ = Build(parseEnv(t, "stages: [{name: s, instances: [{name: a}]}]\n"), Options{Account: "210987654321", Region: "us-gov-west-1",
		AutomationRoleARN: "arn:aws-us-gov:iam::210987654321:role/mine"})
	if !strings.Contains(string(x.AutomationPolicy), "arn:aws-us-gov:ec2:us-gov-west-1:210987654321:instance/*") ||
		!strings.Contains(string(x.SchedulerPolicy), `"arn:aws-us-gov:iam::210987654321:role/mine"`) {
		t.Errorf("options not applied:\n%s\n%s", x.AutomationPolicy, x.SchedulerPolicy)
	}
	x, _ = Build(parseEnv(t, "stages: [{name: s, instances: [{name: a}]}]\n"), Options{})
	if !strings.Contains(string(x.AutomationPolicy), "arn:aws:ec2:*:*:instance/*") {
		t.Errorf("an unpinned environment: %s", x.AutomationPolicy)
	}
}

func TestTrustPolicy(t *testing.T) {
	b, err := TrustPolicy("scheduler.amazonaws.com", "123456789012")
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	st := p["Statement"].([]any)[0].(map[string]any)
	if st["Action"] != "sts:AssumeRole" || st["Principal"].(map[string]any)["Service"] != "scheduler.amazonaws.com" ||
		st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["aws:SourceAccount"] != "123456789012" {
		t.Errorf("trust policy %s", b)
	}
	if b, _ := TrustPolicy("ssm.amazonaws.com", ""); strings.Contains(string(b), "Condition") {
		t.Errorf("no account, no condition: %s", b)
	}
}

// TestStartRunbookTagsWhoStartedIt: before starting a stage's instances
// the runbook tags them as the app does, with its role and its time.
func TestStartRunbookTagsWhoStartedIt(t *testing.T) {
	e := parseEnv(t, "stages:\n  - {name: db, instances: [{name: d}]}\n")
	x, err := Build(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tag := stepByName(t, x.StartDoc, "s01_db_tag")
	want := map[string]any{"ResourceIds": "{{ s01_db_find.InstanceIds }}", "Tags": []any{
		map[string]any{"Key": "cloudcontrol:started-by", "Value": "{{ AutomationAssumeRole }}"},
		map[string]any{"Key": "cloudcontrol:started-at", "Value": "{{ global:DATE_TIME }}"},
	}}
	if tag.Action != ActionCreateTags || !reflect.DeepEqual(tag.Inputs, want) || tag.OnFailure != OnFailureAbort {
		t.Errorf("tag step %+v", tag)
	}
	for _, s := range x.StopDoc.MainSteps {
		if s.Action == ActionCreateTags {
			t.Errorf("the stop runbook tags: %+v", s)
		}
	}
	if err := Validate(x.Start); err != nil {
		t.Error(err)
	}
}
