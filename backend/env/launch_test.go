package env

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// launchExample is the contract's launch section under two stages.
const launchExample = `select: {Env: staging}
stages:
  - name: data
    instances: [{name: db}]
  - name: api
    instances: [{tags: {Role: api}}]
launch:
  subnet: subnet-0123456789abcdef0
  security-groups: [sg-0123456789abcdef0]
  key-pair: testers
  instance-profile: cloudcontrol-tester
  tags: {CostCenter: QA-42}
  templates:
    - name: api
      description: API node
      stage: api
      ami: resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
      types: [t3.small, t3.medium]
      user-data: api.sh
      tokens: {BRANCH: main}
      volume: {size: 50, type: gp3, device: /dev/sdf, encrypted: true, kms-key: alias/ebs}
      ttl: 8h
      dns: {zone: test.example.com, name: "{{.Name}}"}
      timeout: 20m
`

const apiScript = "#!/bin/bash\ngit checkout {{{BRANCH}}}\ncc_progress 50 \"built {{{BRANCH}}} on {{{PORT}}}\"\n"

// ownTemplate declares what a launch with a key pair, an instance profile,
// user data and parameters passes.
const ownTemplate = `Parameters:
  ImageId: {Type: AWS::EC2::Image::Id}
  InstanceType: {Type: String}
  SubnetId: {Type: AWS::EC2::Subnet::Id}
  SecurityGroupIds: {Type: "List<AWS::EC2::SecurityGroup::Id>"}
  InstanceName: {Type: String}
  KeyName: {Type: String}
  InstanceProfile: {Type: String}
  UserData: {Type: String}
  Foo: {Type: String}
  Extra: {Type: String, Default: x}
Resources:
  Box:
    Type: AWS::EC2::Instance
    Properties: {ImageId: !Ref ImageId, InstanceType: !Ref InstanceType, UserData: !Ref UserData}
`

// launchDir writes files into a new folder and returns it.
func launchDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// parseIn parses doc as env.yaml in dir; problems are given relative to it.
func parseIn(dir, doc string) (*Environment, []string) {
	file := filepath.Join(dir, "env.yaml")
	e, problems := Parse(file, []byte(doc))
	got := problemStrings(problems)
	for i := range got {
		got[i] = strings.ReplaceAll(got[i], dir+string(filepath.Separator), "")
	}
	return e, got
}

func TestLaunchSectionParses(t *testing.T) {
	dir := launchDir(t, map[string]string{"api.sh": apiScript})
	e, problems := parseIn(dir, launchExample)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	l := e.Launch
	if l.Subnet != "subnet-0123456789abcdef0" || !reflect.DeepEqual(l.SecurityGroups, []string{"sg-0123456789abcdef0"}) ||
		l.KeyPair != "testers" || l.InstanceProfile != "cloudcontrol-tester" || l.Tags["CostCenter"] != "QA-42" || len(l.Templates) != 1 {
		t.Fatalf("launch %+v", l)
	}
	tp := l.Template("api")
	want := Template{Name: "api", Description: "API node", Stage: "api",
		AMI: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", Types: []string{"t3.small", "t3.medium"},
		UserData: "api.sh", Tokens: map[string]string{"BRANCH": "main"},
		Volume: &Volume{Size: 50, Type: "gp3", Device: "/dev/sdf", Encrypted: true, KMSKey: "alias/ebs"},
		TTL:    Duration(8 * time.Hour), DNS: &DNS{Zone: "test.example.com", Name: "{{.Name}}"}, Timeout: Duration(20 * time.Minute),
		UserDataFile: filepath.Join(dir, "api.sh")}
	tp.Pos, tp.TypesPos, tp.TokensPos = Pos{}, Pos{}, Pos{}
	if !reflect.DeepEqual(*tp, want) {
		t.Errorf("template\n %+v\nwant\n %+v", *tp, want)
	}
	if !e.LaunchesInto("api") || e.LaunchesInto("data") || l.Template("nope") != nil {
		t.Error("LaunchesInto/Template")
	}
	if got := e.JoinTags("api"); !reflect.DeepEqual(got, map[string]string{"Env": "staging", "Role": "api"}) {
		t.Errorf("JoinTags = %v", got)
	}
	if n, err := tp.DNS.DNSName("Api-1", "shop", "api"); err != nil || n != "api-1.test.example.com" {
		t.Errorf("DNSName = %q, %v", n, err)
	}
}

func TestLaunchDefaults(t *testing.T) {
	e := mustParse(t, "f.yaml", "stages: [{name: a, instances: [{tags: {R: a}}]}]\n"+
		"launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [{name: x, stage: a, ami: ami-01234567, types: [t3.micro], volume: {size: 8}, dns: {zone: a.example.com}}]}\n")
	tp := e.Launch.Templates[0]
	if tp.Timeout.D() != DefaultLaunchTimeout || tp.Volume.Type != "gp3" || tp.DNS.Name != "{{.Name}}" || tp.UserData != "" || tp.CloudFormation != "" {
		t.Errorf("defaults: %+v %+v %+v", tp, tp.Volume, tp.DNS)
	}
}

func TestLaunchProblems(t *testing.T) {
	dir := launchDir(t, map[string]string{
		"api.sh":        apiScript,
		"big.sh":        strings.Repeat("x", MaxUserDataFile+1),
		"bin.sh":        "\xff\xfe",
		"bad.cfn.yaml":  "Resources: {A: {Type: AWS::EC2::Instance, Properties: {X: !Ref Nope}}}\n",
		"own.cfn.yaml":  ownTemplate,
		"none.cfn.yaml": "Resources: {V: {Type: AWS::EC2::Volume, Properties: {Size: 1}}}\n",
		"sub/ok.sh":     "echo {{{X}}}\n",
		"weird.sh":      "echo {{{not a name}}}\n",
	})
	const head = "select: {Env: demo}\nstages:\n  - {name: data, instances: [{name: db}]}\n  - {name: api, instances: [{tags: {Role: api}}]}\n" +
		"launch:\n  subnet: subnet-0123456789abcdef0\n  security-groups: [sg-0123456789abcdef0]\n"
	tmpl := func(body string) string {
		return head + "  templates:\n    - {name: t, stage: api, ami: ami-01234567, types: [t3.small]" + body + "}\n"
	}
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"no subnet, groups or templates", "stages: [{name: a, instances: [{tags: {A: b}}]}]\nlaunch: {key-pair: k}\n", []string{
			"env.yaml:2:1: launch has no subnet; add subnet: (where new instances go, e.g. subnet-0123456789abcdef0)",
			"env.yaml:2:1: launch has no security-groups; add security-groups: [sg-...] (of the subnet's VPC)",
			"env.yaml:2:1: launch has no templates; add templates: with at least one {name, stage, ami, types}",
		}},
		{"bad ids", "stages: [{name: a, instances: [{tags: {A: b}}]}]\nlaunch: {subnet: sub-1, security-groups: [sg-1, sg-01234567, sg-01234567], templates: []}\n", []string{
			`env.yaml:2:18: subnet "sub-1" must be a subnet id such as subnet-0123456789abcdef0`,
			`env.yaml:2:43: "sg-1" in security-groups must be a security group id such as sg-0123456789abcdef0`,
			`env.yaml:2:62: security-groups lists "sg-01234567" twice`,
			"env.yaml:2:87: templates is an empty list; give at least one template",
		}},
		{"unknown stage", head + "  templates: [{name: t, stage: apu, ami: ami-01234567, types: [t3.small]}]\n",
			[]string{`env.yaml:8:32: template "t" launches into stage "apu", which is not a stage; did you mean "api"? (stages: data, api)`}},
		{"stage without a tags selector", head + "  templates: [{name: t, stage: data, ami: ami-01234567, types: [t3.small]}]\n",
			[]string{`env.yaml:8:32: template "t" launches into stage "data", which has no tags selector: a new instance only joins a stage through its tags; add {tags: {...}} to the stage's instances`}},
		{"missing keys", head + "  templates: [{description: x}]\n", []string{
			"env.yaml:8:15: template 1 has no name; add name:",
			"env.yaml:8:15: template 1 has no stage; add stage: (the stage the new instance joins)",
			"env.yaml:8:15: template 1 has no ami; add ami: (an AMI id or resolve:ssm:/aws/service/...)",
			"env.yaml:8:15: template 1 has no types; add types: [t3.small] (the first is the default)",
		}},
		{"bad values", head + "  templates: [{name: 1x, stage: api, ami: ubuntu, types: [T3, t3.small, t3.small], ttl: 0s, timeout: 13h, colour: red}]\n", []string{
			`env.yaml:8:22: template name "1x" must start with a letter and hold only letters, digits and - (at most 32; it names stacks and instances)`,
			`env.yaml:8:43: ami "ubuntu" must be an AMI id (ami-0123456789abcdef0) or resolve:ssm:/PARAMETER (an SSM parameter holding one)`,
			`env.yaml:8:59: "T3" in types must be an instance type such as t3.small`,
			`env.yaml:8:73: types lists "t3.small" twice`,
			`env.yaml:8:89: ttl "0s" must be more than zero; write a Go duration such as 90s, 15m or 1h30m`,
			"env.yaml:8:102: timeout 13h0m0s is longer than CloudFormation waits for a signal (12h0m0s)",
			`env.yaml:8:107: unknown key "colour" in template "1x" (allowed: name, description, stage, ami, types, user-data, tokens, volume, cloudformation, parameters, ttl, dns, timeout)`,
		}},
		{"ttl shorter than a lease", tmpl(", ttl: 30s"), []string{"env.yaml:9:72: ttl 30s is shorter than a lease can be (a minute)"}},
		{"ttl longer than a lease", tmpl(", ttl: 200h"), []string{"env.yaml:9:72: ttl 200h0m0s is longer than a lease can be (7 days, 168h)"}},
		{"duplicate names", head + "  templates:\n    - {name: t, stage: api, ami: ami-01234567, types: [t3.small]}\n    - {name: t, stage: api, ami: ami-01234567, types: [t3.small]}\n",
			[]string{`env.yaml:10:14: duplicate template name "t" (first at line 9)`}},
		{"missing user data", tmpl(", user-data: gone.sh"),
			[]string{"env.yaml:9:78: user-data gone.sh: does not exist (looked for gone.sh)"}},
		{"user data out of the folder", tmpl(", user-data: ../etc/passwd"),
			[]string{`env.yaml:9:78: user-data "../etc/passwd" must be a file beside the environment file (a relative path inside its folder)`}},
		{"user data absolute", tmpl(", user-data: /etc/passwd"),
			[]string{`env.yaml:9:78: user-data "/etc/passwd" must be a file beside the environment file (a relative path inside its folder)`}},
		{"user data over 16 KB", tmpl(", user-data: big.sh"),
			[]string{"env.yaml:9:78: user-data big.sh: is 16385 bytes; at most 16384 fit"}},
		{"user data not text", tmpl(", user-data: bin.sh"),
			[]string{"env.yaml:9:78: user-data bin.sh is not UTF-8 text; a user-data script is text"}},
		{"user data in a subfolder", tmpl(", user-data: sub/ok.sh, tokens: {X: y}"), nil},
		{"a token the script lacks", tmpl(", user-data: api.sh, tokens: {BRANCH: main, PROT: \"80\"}"),
			[]string{"env.yaml:9:109: token PROT is not in api.sh (its tokens: BRANCH, PORT); remove it or add {{{PROT}}} to the script"}},
		{"a token that is no name", tmpl(", user-data: weird.sh"),
			[]string{"env.yaml:9:78: user-data weird.sh has the token {{{not a name}}}, which is not a token name (letters, digits, _, . and -)"}},
		{"tokens without user data", tmpl(", tokens: {A: b}"),
			[]string{`env.yaml:9:67: tokens are replaced in the user-data script, and template "t" has no user-data; add user-data: or remove tokens`}},
		{"own template does not parse", tmpl(", cloudformation: bad.cfn.yaml"),
			[]string{"env.yaml:9:83: cloudformation bad.cfn.yaml does not parse: Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template"}},
		{"own template lacks what is passed", tmpl(", cloudformation: none.cfn.yaml, parameters: {Foo: bar}"), []string{
			"env.yaml:9:83: cloudformation none.cfn.yaml creates no AWS::EC2::Instance; a launch makes one instance",
			"env.yaml:9:83: cloudformation none.cfn.yaml declares no parameter ImageId, which the launch passes; add it to its Parameters",
			"env.yaml:9:83: cloudformation none.cfn.yaml declares no parameter InstanceType, which the launch passes; add it to its Parameters",
			"env.yaml:9:83: cloudformation none.cfn.yaml declares no parameter SubnetId, which the launch passes; add it to its Parameters",
			"env.yaml:9:83: cloudformation none.cfn.yaml declares no parameter SecurityGroupIds, which the launch passes; add it to its Parameters",
			"env.yaml:9:83: cloudformation none.cfn.yaml declares no parameter InstanceName, which the launch passes; add it to its Parameters",
			"env.yaml:9:83: cloudformation none.cfn.yaml declares no parameter Foo, which the launch passes; add it to its Parameters",
		}},
		{"own template with a parameter not passed", tmpl(", cloudformation: own.cfn.yaml"), []string{
			"env.yaml:9:83: cloudformation own.cfn.yaml has the parameter KeyName without a default, which the launch does not pass; give it a Default or add it to parameters:",
			"env.yaml:9:83: cloudformation own.cfn.yaml has the parameter InstanceProfile without a default, which the launch does not pass; give it a Default or add it to parameters:",
			"env.yaml:9:83: cloudformation own.cfn.yaml has the parameter UserData without a default, which the launch does not pass; give it a Default or add it to parameters:",
			"env.yaml:9:83: cloudformation own.cfn.yaml has the parameter Foo without a default, which the launch does not pass; give it a Default or add it to parameters:",
		}},
		{"own template missing", tmpl(", cloudformation: gone.cfn.yaml"),
			[]string{"env.yaml:9:83: cloudformation gone.cfn.yaml: does not exist (looked for gone.cfn.yaml)"}},
		{"parameters without own template", tmpl(", parameters: {A: b}"),
			[]string{`env.yaml:9:67: parameters are passed to an own template; template "t" has no cloudformation:, so remove parameters or add one`}},
		{"volume", tmpl(", volume: {type: gp9, device: /dev/sda, kms-key: k}"), []string{
			"env.yaml:9:67: volume has no size; add size: (in GiB)",
			`env.yaml:9:82: volume type "gp9" is not an EBS type (gp2, gp3, io1, io2, st1, sc1, standard)`,
			`env.yaml:9:95: device "/dev/sda" must be a device name such as /dev/sdf`,
			"env.yaml:9:105: kms-key encrypts the volume, but it is not encrypted; add encrypted: true",
		}},
		{"volume size", tmpl(", volume: {size: 70000}"),
			[]string{"env.yaml:9:82: volume size 70000 GiB is out of range; EBS volumes are 1 to 65536 GiB"}},
		{"dns", tmpl(`, dns: {zone: "not a zone", name: "{{.Nme}}"}`), []string{
			`env.yaml:9:79: zone "not a zone" must be a hosted zone's name such as test.example.com`,
			`env.yaml:9:99: dns name "{{.Nme}}": template: dns:1:2: executing "dns" at <.Nme>: map has no entry for key "Nme"; use {{.Name}}, {{.Env}} and {{.Template}}`,
		}},
		{"dns name not a name", tmpl(`, dns: {zone: a.example.com, name: "{{.Name}}_x"}`),
			[]string{`env.yaml:9:100: dns name "{{.Name}}_x" gives "api-1_x", which is not a DNS name (labels of letters, digits and -); use {{.Name}}, {{.Env}} and {{.Template}}`}},
		{"tags reserved", strings.Replace(head, "launch:\n", "launch:\n  tags: {aws:x: 1, cloudcontrol:env: y, Name: z}\n", 1) + "  templates: [{name: t, stage: api, ami: ami-01234567, types: [t3.small]}]\n", []string{
			`env.yaml:6:10: tag "aws:x" is reserved: AWS and Cloud Control set the aws: and cloudcontrol: tags themselves`,
			`env.yaml:6:17: tag "aws:x" in tags must be text, not the number 1; quote it: "1"`,
			`env.yaml:6:20: tag "cloudcontrol:env" is reserved: AWS and Cloud Control set the aws: and cloudcontrol: tags themselves`,
			"env.yaml:6:41: tag Name is the instance's name, set per launch (cloudcontrol launch --name); remove it here",
		}},
		{"tags keep it out of its stage", strings.Replace(head, "launch:\n", "launch:\n  tags: {Env: qa, Role: api}\n", 1) + "  templates: [{name: t, stage: api, ami: ami-01234567, types: [t3.small]}]\n",
			[]string{`env.yaml:6:3: launch tag Env=qa would keep instances of template "t" out of stage "api", which needs Env=demo; remove it or make it demo`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, got := parseIn(dir, c.doc)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			if (e == nil) != (len(c.want) > 0) {
				t.Errorf("environment returned: %v", e != nil)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	script := []byte("a {{{A}}} b {{{B}}} {{{A}}} {{{C}}}")
	if got := ScriptTokens(script); !reflect.DeepEqual(got, []string{"A", "B", "C"}) {
		t.Errorf("ScriptTokens = %v", got)
	}
	out, missing := ReplaceTokens(script, map[string]string{"A": "{{{B}}}", "B": "2"})
	if string(out) != "a {{{B}}} b 2 {{{B}}} {{{C}}}" || !reflect.DeepEqual(missing, []string{"C"}) {
		t.Errorf("ReplaceTokens = %q, %v (a value is not scanned again)", out, missing)
	}
}

func TestPassedParameters(t *testing.T) {
	l := &Launch{KeyPair: "k"}
	tp := &Template{UserData: "a.sh", Volume: &Volume{Size: 1, KMSKey: "k"}, Parameters: map[string]string{"Z": "1", "ImageId": "x"}}
	want := []string{"ImageId", "InstanceType", "SubnetId", "SecurityGroupIds", "InstanceName", "KeyName", "UserData",
		"VolumeSize", "VolumeType", "VolumeDevice", "VolumeEncrypted", "VolumeKmsKeyId", "Z"}
	if got := tp.PassedParameters(l); !reflect.DeepEqual(got, want) {
		t.Errorf("PassedParameters = %v", got)
	}
}

// TestLaunchSchemaAgreesWithParse: the editor's schema and Parse accept
// and refuse the same launch sections (those a schema can judge: no files).
func TestLaunchSchemaAgreesWithParse(t *testing.T) {
	s := compileSchema(t)
	const st = "stages: [{name: a, instances: [{tags: {R: a}}]}]\n"
	const ok = "{name: x, stage: a, types: [t3.micro]"
	const okAMI = ok + ", ami: ami-01234567"
	cases := []struct {
		name, doc string
		valid     bool
	}{
		{"minimal", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [" + okAMI + "}]}\n", true},
		{"everything but files", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], key-pair: k, instance-profile: p, tags: {A: b}, templates: [" + ok +
			", ami: 'resolve:ssm:/a/b', volume: {size: 8, type: io2, device: /dev/sdg, encrypted: true, kms-key: alias/x}, ttl: 8h, dns: {zone: a.example.com, name: 'x-{{.Name}}'}, timeout: 1h}]}\n", true},
		{"bad subnet", st + "launch: {subnet: sn-1, security-groups: [sg-01234567], templates: [" + okAMI + "}]}\n", false},
		{"bad group", st + "launch: {subnet: subnet-01234567, security-groups: [group], templates: [" + okAMI + "}]}\n", false},
		{"no templates", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567]}\n", false},
		{"no types", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [{name: x, stage: a, ami: ami-01234567}]}\n", false},
		{"bad ami", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [" + ok + ", ami: ubuntu}]}\n", false},
		{"bad type", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [{name: x, stage: a, ami: ami-01234567, types: [big]}]}\n", false},
		{"unknown template key", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [" + okAMI + ", size: 3}]}\n", false},
		{"volume type", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [" + okAMI + ", volume: {size: 8, type: gp9}}]}\n", false},
		{"dns without zone", st + "launch: {subnet: subnet-01234567, security-groups: [sg-01234567], templates: [" + okAMI + ", dns: {name: x}}]}\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems := Parse("f.yaml", []byte(c.doc))
			if (len(problems) == 0) != c.valid {
				t.Errorf("Parse problems = %v, want valid=%v", problems, c.valid)
			}
			if err := s.Validate(yamlToJSON(t, c.doc)); (err == nil) != c.valid {
				t.Errorf("schema validation error = %v, want valid=%v", err, c.valid)
			}
		})
	}
}
