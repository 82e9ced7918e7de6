package sandbox

import (
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"
)

// DefaultSSMRegister is how long after an instance is running its SSM
// agent reports Online, when the world does not say (a real agent takes a
// minute or so after boot).
const DefaultSSMRegister = 30 * time.Second

// DefaultCommandExit is the exit code of a command an instance's world
// entry does not declare and that is not one the sandbox knows as harmless
// (true, :, echo, exit 0, ...).
const DefaultCommandExit = 1

// SSMSpec makes an instance SSM-managed: its agent registers Register
// after the instance is running, and Run Command answers as Commands say.
type SSMSpec struct {
	Register time.Duration
	// DefaultExit is what a command not in Commands (nor harmless) exits with.
	DefaultExit int
	// Commands are the commands the instance knows, first match wins.
	Commands []CommandSpec
}

// CommandSpec is what one shell command does on an instance: Run is the
// command line (a * matches any run of characters), Output and Error what
// it prints on stdout and stderr, Takes how long it runs.
type CommandSpec struct {
	Run    string        `json:"run"`
	Exit   int           `json:"exit"`
	Output string        `json:"output,omitempty"`
	Error  string        `json:"error,omitempty"`
	Takes  time.Duration `json:"takes,omitempty"`
}

// rawSSM is an ssm: entry as written: false (not managed), true (managed
// as the defaults say) or a mapping of the keys it sets.
type rawSSM struct {
	off      bool
	register *time.Duration
	exit     *int
	commands []CommandSpec
}

func (p *parser) ssm(n *yaml.Node, what string) *rawSSM {
	r := &rawSSM{}
	if d := yamlpos.Deref(n); d.Kind == yaml.ScalarNode {
		on, ok := p.Bool(yamlpos.Pair{Name: what, Val: n})
		if ok {
			r.off = !on
		}
		return r
	}
	p.mapping(n, what, map[string]func(*yaml.Node){
		"register": func(v *yaml.Node) { d := p.duration(v, what+".register"); r.register = &d },
		"default-exit": func(v *yaml.Node) {
			e := p.integer(v, what+".default-exit", 0, 255)
			r.exit = &e
		},
		"commands": func(v *yaml.Node) { r.commands = p.commands(v, what+".commands") },
	})
	return r
}

func (p *parser) commands(n *yaml.Node, what string) []CommandSpec {
	if n = yamlpos.Deref(n); n.Kind != yaml.SequenceNode {
		p.errf(n, "%s must be a list such as [{run: systemctl is-active api, exit: 0, output: active}]", what)
		return nil
	}
	var out []CommandSpec
	for _, item := range n.Content {
		var c CommandSpec
		p.mapping(item, "a command", map[string]func(*yaml.Node){
			"run":    func(v *yaml.Node) { c.Run = p.str(v, "run") },
			"exit":   func(v *yaml.Node) { c.Exit = p.integer(v, "exit", 0, 255) },
			"output": func(v *yaml.Node) { c.Output = p.str(v, "output") },
			"error":  func(v *yaml.Node) { c.Error = p.str(v, "error") },
			"takes":  func(v *yaml.Node) { c.Takes = p.duration(v, "takes") },
		})
		if c.Run == "" && yamlpos.Deref(item).Kind == yaml.MappingNode {
			p.errf(item, "a command needs run: the command line it answers, such as run: systemctl is-active api")
		}
		out = append(out, c)
	}
	return out
}

// resolve applies an instance's ssm: entry over the defaults' (nil: the
// world sets none). nil means not managed.
func (r *rawSSM) resolve(defaults *SSMSpec) *SSMSpec {
	if r == nil {
		if defaults == nil {
			return nil
		}
		d := *defaults
		return &d
	}
	if r.off {
		return nil
	}
	s := SSMSpec{Register: DefaultSSMRegister, DefaultExit: DefaultCommandExit}
	if defaults != nil {
		s = *defaults
	}
	if r.register != nil {
		s.Register = *r.register
	}
	if r.exit != nil {
		s.DefaultExit = *r.exit
	}
	// The instance's own commands are looked at before the defaults'.
	s.Commands = append(slices.Clone(r.commands), s.Commands...)
	return &s
}
