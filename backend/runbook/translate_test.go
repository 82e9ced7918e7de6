package runbook

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestTranslationTable covers every gate and selector kind: how it comes
// out (translated, caveat, refused) and how it is expressed.
func TestTranslationTable(t *testing.T) {
	cases := []struct {
		name, stage string // stage is the YAML of one stage's keys after its name
		selectTags  bool
		subject     string
		outcome     Outcome
		as, note    string // substrings
	}{
		{"id", "instances: [i-0123456789abcdef0]", false, "id i-0123456789abcdef0", Translated, "InstanceIds (the ids as ids)", ""},
		{"id with select tags", "instances: [i-0123456789abcdef0]", true, "id i-0123456789abcdef0", Caveat, "InstanceIds", "the select tags are not checked for an id at run time"},
		{"name", "instances: [{name: db-1}]", true, "name db-1", Translated, "DescribeInstances filter Env=qa, Name=db-1", ""},
		{"tags", "instances: [{tags: {Role: db, Tier: a}}]", false, "tags Role=db, Tier=a", Translated, "DescribeInstances filter Role=db, Tier=a", ""},
		{"tag value with braces", "instances: [{tags: {Role: '{{x}}'}}]", false, "tags Role={ {x} }", Refused, "", "Automation reads as a variable"},
		{"status-checks", "instances: [{name: a}]\n    ready: {status-checks: true}", false, "status-checks", Translated, "aws:changeInstanceState, which waits for both status checks", ""},
		{"no status-checks", "instances: [{name: a}]", false, "running", Caveat, "aws:changeInstanceState", "also waits for both EC2 status checks"},
		{"tcp", "instances: [{name: a}]\n    ready: {tcp: 5432}", false, "tcp 5432", Caveat, "bash /dev/tcp to the instance's own private IP", "checked from the instance itself"},
		{"http private IP", "instances: [{name: a}]\n    ready: {http: 'http://{{.PrivateIP}}:8080/health'}", false, "http http://{{.PrivateIP}}:8080/health", Caveat, "curl from the instance itself", "at most 50 instance ids"},
		{"http fixed host", "instances: [{name: a}]\n    ready: {http: 'https://api.internal/health'}", false, "http https://api.internal/health", Caveat, "curl", "not from where Cloud Control runs"},
		{"http instance id", "instances: [{name: a}]\n    ready: {http: 'http://{{.ID}}.internal/'}", false, "http http://{{.ID}}.internal/", Caveat, "curl", "checked from the instance itself"},
		{"http Name tag", "instances: [{name: a}]\n    ready: {http: 'http://{{.Name}}.internal/'}", false, "http http://{{.Name}}.internal/", Caveat, "curl", "needs instance metadata tags enabled"},
		{"http public IP", "instances: [{name: a}]\n    ready: {http: 'http://{{.PublicIP}}/'}", false, "http http://{{.PublicIP}}/", Refused, "", "cannot be checked from the instance itself"},
		{"http user and password", "instances: [{name: a}]\n    ready: {http: 'http://admin:hunter2@{{.PrivateIP}}/'}", false, "http http://***@{{.PrivateIP}}/", Refused, "", "user information"},
		{"http token in the query", "instances: [{name: a}]\n    ready: {http: 'http://{{.PrivateIP}}/health?access_token=abc'}", false, "http http://{{.PrivateIP}}/health?access_token=***", Refused, "", "query parameter access_token looks like a secret"},
		{"http token-like value", "instances: [{name: a}]\n    ready: {http: 'http://h/health?x=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5'}", false, "http http://h/health?x=***", Refused, "", "token-like value"},
		{"command", "instances: [{name: a}]\n    ready: {command: systemctl is-active api}", false, "command", Caveat, "after aws:waitForAwsResourceProperty waits up to ssm-grace", "at most 50 instance ids"},
		{"command with a password", "instances: [{name: a}]\n    ready: {command: 'mysql --password=s3cret -e \"select 1\"'}", false, "command", Refused, "", "looks like it holds a secret"},
		{"command with an access key", "instances: [{name: a}]\n    ready: {command: 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE aws s3 ls'}", false, "command", Refused, "", "looks like it holds a secret"},
		{"command with a bearer token", "instances: [{name: a}]\n    ready: {command: 'curl -H \"Authorization: Bearer abc.def\" localhost'}", false, "command", Refused, "", "Authorization header"},
		{"command with a secret URL", "instances: [{name: a}]\n    ready: {command: 'curl -f http://u:p@localhost/'}", false, "command", Refused, "", "a URL in it holds a secret: holds user information"},
		{"command with braces", "instances: [{name: a}]\n    ready: {command: \"docker inspect -f '{{.State.Running}}' api\"}", false, "command", Refused, "", "has no way to escape"},
		{"delay", "instances: [{name: a}]\n    ready: {delay: 30s}", false, "delay 30s", Caveat, "aws:sleep PT30S", "the app skips the delay"},
		{"delay over seven days", "instances: [{name: a}]\n    ready: {delay: 200h}\n    timeout: 300h", false, "delay 200h0m0s", Refused, "", "aws:sleep waits at most 7 days"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "stages:\n  - name: s\n    " + c.stage + "\n"
			if c.selectTags {
				doc = "select: {Env: qa}\n" + doc
			}
			x, err := Build(parseEnv(t, doc), Options{})
			var f *Finding
			for i := range x.Findings {
				if x.Findings[i].Subject == c.subject && x.Findings[i].Stage == "s" {
					f = &x.Findings[i]
				}
			}
			if f == nil {
				t.Fatalf("no finding for %q in %v", c.subject, x.Findings)
			}
			if f.Outcome != c.outcome || !strings.Contains(f.As, c.as) || !strings.Contains(f.Note, c.note) {
				t.Errorf("finding %+v, want %s as ...%s... note ...%s...", *f, c.outcome, c.as, c.note)
			}
			if !strings.HasPrefix(f.Position, "f.yaml:") {
				t.Errorf("position %q", f.Position)
			}
			var re *RefusedError
			switch {
			case c.outcome == Refused && (!errors.As(err, &re) || len(x.Refused()) == 0 || !strings.Contains(err.Error(), c.subject)):
				t.Errorf("a refusal must refuse the export, naming it: err %v", err)
			case c.outcome != Refused && err != nil:
				t.Errorf("Build: %v", err)
			}
		})
	}
}

// TestSecretsNeverLeave: a refused secret appears in no document, finding
// or error, only redacted.
func TestSecretsNeverLeave(t *testing.T) {
	doc := `stages:
  - name: s
    instances: [{name: a}]
    ready:
      http: ['http://admin:hunter2@{{.PrivateIP}}/', 'http://h/x?token=tok3nValue&sig=abc']
      command: 'curl -u me:pa55word https://x/?apikey=k3y'
`
	x, err := Build(parseEnv(t, doc), Options{})
	if err == nil {
		t.Fatal("exported")
	}
	everything := err.Error() + string(x.Start) + string(x.Stop) + string(x.AutomationPolicy) + string(findingsText(x.Findings))
	for _, secret := range []string{"hunter2", "tok3nValue", "abc", "pa55word", "k3y"} {
		if strings.Contains(everything, secret) {
			t.Errorf("the secret %q is in the export's output", secret)
		}
	}
	if !strings.Contains(everything, "token=***") || !strings.Contains(everything, "//***@") {
		t.Errorf("the redacted URLs are missing: %s", err)
	}
}

func TestLongNamesAreRefused(t *testing.T) {
	long := strings.Repeat("a", 45) // CloudControl-...-automation is then 69 > 64
	x, err := Build(parseEnv(t, "name: "+long+"\nstages: [{name: s, instances: [{name: a}]}]\n"), Options{})
	if err == nil || len(x.Refused()) != 2 || !strings.Contains(err.Error(), "AWS allows 64 in a role name") {
		t.Errorf("err %v, refused %v", err, x.Refused())
	}
}

func TestTooBigDocumentsAreRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("stages:\n  - name: s\n    instances:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "      - i-%017x\n", i)
	}
	x, err := Build(parseEnv(t, b.String()), Options{})
	if err == nil || !strings.Contains(err.Error(), "more than the 65536 SSM takes") || len(x.Start) <= MaxDocumentBytes {
		t.Errorf("3000 ids: %d bytes, err %v", len(x.Start), err)
	}
	var policy bool
	for _, f := range x.Findings {
		policy = policy || f.Kind == KindPolicy && strings.Contains(f.Note, "more than the 10240 IAM allows inline")
	}
	if !policy {
		t.Error("the automation policy over IAM's inline limit is not a finding")
	}
}
