package cfn

import (
	"encoding/base64"
	"strings"
	"testing"
)

const yamlTemplate = `
AWSTemplateFormatVersion: 2010-09-09
Description: one instance
Parameters:
  Name: {Type: String, Description: the Name tag}
  Size: {Type: Number, Default: "0", MinValue: 0, MaxValue: 100}
  Key: {Type: String, Default: ""}
  Groups: {Type: "List<AWS::EC2::SecurityGroup::Id>"}
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
Mappings:
  Sizes: {dev: {Type: t3.micro}, prod: {Type: m5.large}}
Conditions:
  HasKey: !Not [!Equals [!Ref Key, ""]]
  HasVolume: !Not [!Equals [!Ref Size, "0"]]
  Both: !And [!Condition HasKey, !Condition HasVolume]
Resources:
  Volume:
    Type: AWS::EC2::Volume
    Condition: HasVolume
    Properties: {Size: !Ref Size, AvailabilityZone: !GetAtt Instance.AvailabilityZone}
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !FindInMap [Sizes, !Ref Env, Type]
      KeyName: !If [HasKey, !Ref Key, !Ref "AWS::NoValue"]
      SecurityGroupIds: !Ref Groups
      UserData: !Base64
        Fn::Join: ["", ["#!/bin/sh\n", !Sub "echo ${AWS::StackName} ${Name} ${!Literal}\n"]]
      Tags: [{Key: Name, Value: !Sub "${Name}-${AWS::Region}"}]
Outputs:
  Ip: {Value: !GetAtt Instance.PrivateIp}
  Vol: {Value: !Ref Volume, Condition: HasVolume}
`

type fakeChecker struct{}

func (fakeChecker) Exists(typ, v string) bool {
	return strings.HasPrefix(v, "sg-") || strings.HasPrefix(v, "ami-")
}
func (fakeChecker) SSM(name string) (string, bool) { return "ami-0123456789abcdef0", name == "/ami" }

func env(t *testing.T, tmpl *Template, given map[string]string) *Env {
	t.Helper()
	params, _, err := tmpl.ResolveParameters(given, fakeChecker{})
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{Params: params, Mappings: tmpl.Mappings,
		Pseudo: map[string]any{"AWS::Region": "eu-west-1", "AWS::StackName": "s1"},
		Ref:    func(n string) (string, error) { return "phys-" + n, nil },
		Attr:   func(n, a string) (any, error) { return n + "." + a, nil }}
	if _, err := tmpl.EvalConditions(e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestYAMLShortFormsConditionsAndIntrinsics(t *testing.T) {
	tmpl, err := Parse([]byte(yamlTemplate))
	if err != nil {
		t.Fatal(err)
	}
	e := env(t, tmpl, map[string]string{"Name": "web", "Groups": "sg-1, sg-2"})
	if e.Conditions["HasKey"] || e.Conditions["HasVolume"] || e.Conditions["Both"] {
		t.Fatalf("conditions %v, want all false", e.Conditions)
	}
	order, waits, err := tmpl.Graph(e.Conditions)
	if err != nil || len(order) != 1 || order[0] != "Instance" || len(waits["Instance"]) != 0 {
		t.Fatalf("graph %v %v %v: want only Instance, waiting for nothing", order, waits, err)
	}
	inst, _ := tmpl.Resource("Instance")
	v, err := e.Eval(inst.Properties)
	if err != nil {
		t.Fatal(err)
	}
	props := v.(*Map)
	if _, has := props.Get("KeyName"); has {
		t.Error("KeyName is AWS::NoValue and must be dropped")
	}
	if got, _ := props.Get("InstanceType"); got != "t3.micro" {
		t.Errorf("InstanceType %v", got)
	}
	if got, _ := props.Get("SecurityGroupIds"); len(got.([]any)) != 2 || got.([]any)[1] != "sg-2" {
		t.Errorf("SecurityGroupIds %v", got)
	}
	ud, _ := props.Get("UserData")
	raw, _ := base64.StdEncoding.DecodeString(ud.(string))
	if string(raw) != "#!/bin/sh\necho s1 web ${Literal}\n" {
		t.Errorf("user data %q", raw)
	}
	tags, _ := props.Get("Tags")
	if name, _ := tags.([]any)[0].(*Map).Get("Value"); name != "web-eu-west-1" {
		t.Errorf("Name tag %v", name)
	}

	// With a key and a volume, the volume waits for the instance.
	e = env(t, tmpl, map[string]string{"Name": "web", "Groups": "sg-1", "Key": "k", "Size": "20", "Env": "prod"})
	if !e.Conditions["Both"] {
		t.Fatalf("conditions %v", e.Conditions)
	}
	order, waits, _ = tmpl.Graph(e.Conditions)
	if len(order) != 2 || len(waits["Volume"]) != 1 || waits["Volume"][0] != "Instance" {
		t.Fatalf("graph %v %v", order, waits)
	}
}

func TestJSONTemplateKeepsOrderAndNumbers(t *testing.T) {
	tmpl, err := Parse([]byte(`{"Resources": {"B": {"Type": "AWS::EC2::Volume", "Properties": {"Size": 8}},
		"A": {"Type": "AWS::EC2::Volume", "DependsOn": "B", "Properties": {"Size": {"Fn::Select": ["1", {"Fn::Split": [",", "1,20"]}]}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.Resources[0].Name != "B" || tmpl.Resources[1].Name != "A" {
		t.Fatalf("order %v", tmpl.Resources)
	}
	e := &Env{}
	v, err := e.Eval(tmpl.Resources[1].Properties)
	if size, _ := v.(*Map).Get("Size"); err != nil || size != "20" {
		t.Fatalf("Size %v %v", size, err)
	}
	if v, _ := e.Eval(tmpl.Resources[0].Properties); v.(*Map).Vals["Size"] != "8" {
		t.Fatalf("a JSON number reads as its text: %v", v.(*Map).Vals["Size"])
	}
}

func TestTemplateErrorsAreCloudFormationsWords(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"Resources: {}", "At least one Resources member must be defined."},
		{"Foo: 1\nResources: {A: {Type: X}}", "Invalid template property or properties [Foo]"},
		{"Resources: {A: {Properties: {}}}", "Every Resources object must contain a Type member."},
		{"Resources: {A: {Type: X, Properties: {P: !Ref Nope}}}", "Unresolved resource dependencies [Nope] in the Resources block of the template"},
		{"Resources: {A: {Type: X, DependsOn: B}, B: {Type: X, DependsOn: A}}", "Circular dependency between resources: [A, B]"},
		{"Resources: {A: {Type: X, Properties: {P: !ImportValue x}}}", "the sandbox does not evaluate Fn::ImportValue"},
		{"Resources: {A: {Type: X, Properties: {P: !Frobnicate x}}}", "Encountered unsupported function: Fn::Frobnicate"},
		{"Resources: {A: {Type: X, Properties: {P: !If [Nope, a, b]}}}", "unresolved condition dependency Nope in Fn::If"},
		{"Resources: {A: {Type: X, Properties: {P: !GetAtt B.Ip}}}", "references undefined resource B"},
		{"Transform: AWS::Serverless-2016-10-31\nResources: {A: {Type: X}}", "does not expand Transform"},
		{"Parameters: {P: {Type: Strin}}\nResources: {A: {Type: X}}", "Unrecognized parameter type: Strin"},
		{"Resources:\n  A: {Type: X\n", "YAML not well-formed. (line"},
		{`{"Resources": {"A": {"Type": "X"},}}`, "JSON not well-formed. (line 1"},
		{"Resources: {A: {Type: X}}\n---\nResources: {}\n", "remove the second one"},
		{"Resources: {A: {Type: X, CreationPolicy: {ResourceSignal: {Timeout: 30m}}}}", "must be an ISO 8601 duration"},
		{"Resources: {A-b: {Type: X}}", "Resource name A-b is non alphanumeric."},
	} {
		_, err := Parse([]byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.body, err, c.want)
		}
	}
	tmpl, _ := Parse([]byte("Resources: {A: {Type: AWS::S3::Bucket}, B: {Type: AWS::EC2::Volume, Properties: {X: !GetAtt C.Nope}}, C: {Type: AWS::EC2::Volume}}"))
	if err := tmpl.Check(Types{"AWS::EC2::Volume": {"VolumeId"}}); err == nil || !strings.Contains(err.Error(), "Unrecognized resource types: [AWS::S3::Bucket]") {
		t.Errorf("unsupported type: %v", err)
	}
	tmpl, _ = Parse([]byte("Resources: {B: {Type: AWS::EC2::Volume, Properties: {X: !GetAtt C.Nope}}, C: {Type: AWS::EC2::Volume}}"))
	if err := tmpl.Check(Types{"AWS::EC2::Volume": {"VolumeId"}}); err == nil || !strings.Contains(err.Error(), "does not support attribute type Nope") {
		t.Errorf("unknown attribute: %v", err)
	}
}

func TestParameterRules(t *testing.T) {
	tmpl, err := Parse([]byte(`
Parameters:
  A: {Type: String}
  N: {Type: Number, Default: "5", MaxValue: 10}
  E: {Type: String, Default: x, AllowedValues: [x, y]}
  P: {Type: String, Default: ab, AllowedPattern: "[a-z]+", ConstraintDescription: lower-case letters only}
  K: {Type: "AWS::EC2::KeyPair::KeyName", Default: sg-ok}
  S: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /ami}
  Secret: {Type: String, Default: hush, NoEcho: true}
Resources: {R: {Type: X}}
`))
	if err != nil {
		t.Fatal(err)
	}
	for given, want := range map[string]string{
		"":         "Parameters: [A] must have values",
		"A=1,Z=2":  "Parameters: [Z] do not exist in the template",
		"A=1,N=x":  "Parameter 'N' must be a number",
		"A=1,N=11": "Parameter 'N' must be a number not greater than 10",
		"A=1,E=z":  "Parameter 'E' must be one of AllowedValues",
		"A=1,P=A1": "Parameter P failed to satisfy constraint: lower-case letters only",
		"A=1,K=no": "Parameter validation failed: parameter value no for parameter name K does not exist.",
		"A=1,S=/x": "Unable to fetch parameters [/x] from parameter store for this account.",
	} {
		m := map[string]string{}
		for _, kv := range strings.Split(given, ",") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				m[k] = v
			}
		}
		_, _, err := tmpl.ResolveParameters(m, fakeChecker{})
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", given, err, want)
		}
	}
	values, shown, err := tmpl.ResolveParameters(map[string]string{"A": "1"}, fakeChecker{})
	if err != nil {
		t.Fatal(err)
	}
	if values["S"] != "ami-0123456789abcdef0" || values["Secret"] != "hush" {
		t.Errorf("values %v", values)
	}
	for _, p := range shown {
		if p.Key == "Secret" && p.Value != "****" || p.Key == "S" && (p.Value != "/ami" || p.Resolved != "ami-0123456789abcdef0") {
			t.Errorf("shown %+v", p)
		}
	}
}

// FuzzParse: templates of any shape are parsed or refused, never a panic,
// and what parses evaluates without one.
func FuzzParse(f *testing.F) {
	for _, s := range []string{yamlTemplate, "Resources: {A: {Type: X}}", "{}", "[", "Resources: {A: {Type: X, Properties: {P: !Sub [a, {}]}}}",
		`{"Resources":{"A":{"Type":"X","Properties":{"P":{"Fn::Join":["",[{"Ref":"AWS::Region"}]]}}}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		tmpl, err := Parse([]byte(body))
		if err != nil {
			return
		}
		e := &Env{Params: map[string]any{}, Pseudo: map[string]any{}, Mappings: tmpl.Mappings,
			Ref: func(string) (string, error) { return "x", nil }, Attr: func(string, string) (any, error) { return "y", nil }}
		if _, err := tmpl.EvalConditions(e); err != nil {
			return
		}
		for _, r := range tmpl.Resources {
			_, _ = e.Eval(r.Properties)
		}
	})
}
