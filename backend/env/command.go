package env

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"cloudcontrol/backend/yamlpos"
)

// commandGate reads ready's command and ssm-grace into r.
func (d *decoder) commandGate(f map[string]pair, r *Ready, where string) {
	if p, ok := f["command"]; ok {
		v := yamlpos.Deref(p.Val)
		if v != nil && v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			d.Errorf(p.Val, "command of %s is an empty list; give the command, e.g. command: systemctl is-active api", where)
		}
		for _, n := range oneOrList(p.Val) {
			line := yamlpos.Deref(n)
			switch {
			case line == nil || line.Kind != yaml.ScalarNode || line.ShortTag() != "!!str":
				d.Errorf(n, "a command must be text (a shell command, or a list of its lines), not %s", yamlpos.Describe(line))
			case strings.TrimSpace(line.Value) == "":
				d.Errorf(n, "a command cannot be empty; give a shell command such as systemctl is-active api")
			default:
				r.Command = append(r.Command, line.Value)
			}
		}
	}
	p, ok := f["ssm-grace"]
	if !ok {
		if len(r.Command) > 0 {
			r.SSMGrace = Duration(DefaultSSMGrace)
		}
		return
	}
	if _, hasCommand := f["command"]; !hasCommand {
		d.Errorf(p.Key, "ssm-grace applies to the command gate, and %s has no command; add command: or remove ssm-grace", where)
		return
	}
	if g, good := d.duration(p, false); good {
		r.SSMGrace, r.SSMGracePos = g, d.Pos(p.Val)
	}
}

// graceWithinTimeout refuses an ssm-grace the stage's timeout would cut short.
func (d *decoder) graceWithinTimeout(s *Stage) {
	if s.Ready.SSMGracePos.Line > 0 && s.Ready.SSMGrace >= s.Timeout {
		d.errorAt(s.Ready.SSMGracePos, "ssm-grace %s is not shorter than the stage's timeout %s, so it could never apply; shorten it or raise timeout", s.Ready.SSMGrace, s.Timeout)
	}
}
