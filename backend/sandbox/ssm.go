package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// Systems Manager on the JSON 1.1 dispatcher (X-Amz-Target: AmazonSSM.*).
// Parameters are the world region's ssm-parameters (AMI aliases such as
// /aws/service/ami-amazon-linux-latest/...), read-only, version 1.
var ssmService = jsonService{
	name: "ssm", prefix: "AmazonSSM.",
	actions: map[string]jsonAction{
		"GetParameter":  (*Sandbox).ssmGetParameter,
		"GetParameters": (*Sandbox).ssmGetParameters,
	},
	fault: jsonFaults("ssm", "InternalServerError", http.StatusBadRequest),
}

type ssmParameter struct {
	ARN              string  `json:"ARN"`
	DataType         string  `json:"DataType"`
	LastModifiedDate float64 `json:"LastModifiedDate"`
	Name             string  `json:"Name"`
	Type             string  `json:"Type"`
	Value            string  `json:"Value"`
	Version          int     `json:"Version"`
	Selector         string  `json:"Selector,omitempty"`
}

// parameter finds name (a name, an ARN, either with :VERSION) in the
// call's region. ok is false when it does not exist.
func (sb *Sandbox) parameter(c *call, name string) (p ssmParameter, ok bool) {
	if i := strings.Index(name, ":parameter"); strings.HasPrefix(name, "arn:") && i > 0 {
		name = name[i+len(":parameter"):]
	}
	name, selector, versioned := strings.Cut(name, ":")
	if versioned && selector != "1" {
		return p, false
	}
	value, ok := sb.world(c).SSMParameters[name]
	if !ok && !strings.HasPrefix(name, "/") {
		value, ok = sb.world(c).SSMParameters["/"+name]
	}
	if !ok {
		return p, false
	}
	account := sb.account
	if strings.HasPrefix(name, "/aws/") {
		account = "" // public parameters belong to no account
	}
	p = ssmParameter{ARN: fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s", c.region, account, ensureSlash(name)),
		DataType: "text", LastModifiedDate: float64(sb.started.Unix()), Name: name, Type: "String", Value: value, Version: 1}
	if amiRe.MatchString(value) {
		p.DataType = "aws:ec2:image"
	}
	if versioned {
		p.Selector = ":" + selector
	}
	return p, true
}

func ensureSlash(name string) string {
	if strings.HasPrefix(name, "/") {
		return name
	}
	return "/" + name
}

func (sb *Sandbox) ssmGetParameter(c *jsonCall) (any, *apiError) {
	var in struct {
		Name           string
		WithDecryption bool
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, clientErr("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	p, ok := sb.parameter(&c.call, in.Name)
	if !ok {
		return nil, clientErr("ParameterNotFound", "")
	}
	return map[string]any{"Parameter": p}, nil
}

func (sb *Sandbox) ssmGetParameters(c *jsonCall) (any, *apiError) {
	var in struct {
		Names          []string
		WithDecryption bool
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Names) == 0 || len(in.Names) > 10 {
		return nil, clientErr("ValidationException", "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	found, invalid := []ssmParameter{}, []string{}
	for _, n := range in.Names {
		if p, ok := sb.parameter(&c.call, n); ok {
			found = append(found, p)
		} else {
			invalid = append(invalid, n)
		}
	}
	return map[string]any{"Parameters": found, "InvalidParameters": invalid}, nil
}
