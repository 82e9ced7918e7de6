package sandbox

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/cloud"
)

// What an AWS-RunShellScript script does on a sandbox instance. The
// sandbox runs no shell: it reads the script.
//
// A gate script, as env export writes them (cc_gate lines checking tcp,
// http and command gates until a deadline), is followed step by step on
// the sandbox clock: tcp and http are checked against the sandbox's own
// services of the instances (listening, from the instance's boot plus the
// service's after; the HTTP path answering 200, others 404), a command
// gate runs its command as below, each failing check is retried after the
// script's sleep until its deadline.
//
// Any other script is read line by line: a line the instance's world entry
// declares (ssm.commands: run, exit, output, error, takes) does that; true,
// :, echo, printf, sleep N, exit N, cd, set, export and assignments do what
// a shell does; anything else exits with the instance's default-exit (1
// unless the world says) and says on stderr that the world does not know
// it. The script exits as its last line did (or at exit N).

// shellRun is one script running on one instance.
type shellRun interface {
	// step runs the script up to at, writing what it prints; done says it
	// ended (with exit), else next is when it has something more to do.
	step(sb *Sandbox, in *instance, at time.Time, stdout, stderr *strings.Builder) (done bool, exit int, next time.Time)
}

func (sb *Sandbox) newShellRun(in *instance, commands []string) shellRun {
	var lines []string
	for _, c := range commands {
		lines = append(lines, strings.Split(c, "\n")...)
	}
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "cc_gate ") {
			return sb.newGateRun(in, lines)
		}
	}
	return &plainRun{steps: in.plan(lines)}
}

// plainStep is one line's effect, ending at offset end from the start.
type plainStep struct {
	end            time.Duration
	stdout, stderr string
	exit           int
}

type plainRun struct {
	steps []plainStep
	start time.Time
	next  int
	began bool
}

func (r *plainRun) step(_ *Sandbox, _ *instance, at time.Time, stdout, stderr *strings.Builder) (bool, int, time.Time) {
	if !r.began {
		r.start, r.began = at, true
	}
	for r.next < len(r.steps) && !at.Before(r.start.Add(r.steps[r.next].end)) {
		s := r.steps[r.next]
		stdout.WriteString(s.stdout)
		stderr.WriteString(s.stderr)
		r.next++
	}
	if r.next < len(r.steps) {
		return false, 0, r.start.Add(r.steps[r.next].end)
	}
	if len(r.steps) == 0 {
		return true, 0, time.Time{}
	}
	return true, r.steps[len(r.steps)-1].exit, time.Time{}
}

// plan works out what a plain script does on the instance, line by line.
func (in *instance) plan(lines []string) []plainStep {
	var spec SSMSpec
	if in.ssm != nil {
		spec = *in.ssm
	}
	whole := strings.TrimSpace(strings.Join(lines, "\n"))
	if c, ok := spec.command(whole); ok {
		return []plainStep{{end: c.Takes, stdout: c.Output, stderr: c.Error, exit: c.Exit}}
	}
	var out []plainStep
	var at time.Duration
	for _, raw := range lines {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, stop := spec.line(line)
		at += s.end
		s.end = at
		out = append(out, s)
		if stop {
			break
		}
	}
	return out
}

// command finds the first declared command matching line.
func (s SSMSpec) command(line string) (CommandSpec, bool) {
	for _, c := range s.Commands {
		if glob(c.Run, line) {
			if c.Output != "" && !strings.HasSuffix(c.Output, "\n") {
				c.Output += "\n"
			}
			if c.Error != "" && !strings.HasSuffix(c.Error, "\n") {
				c.Error += "\n"
			}
			return c, true
		}
	}
	return CommandSpec{}, false
}

var assignmentRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=\S*$`)

// line is what one line of a plain script does (its end is its own
// duration); stop is true for exit.
func (s SSMSpec) line(line string) (plainStep, bool) {
	if c, ok := s.command(line); ok {
		return plainStep{end: c.Takes, stdout: c.Output, stderr: c.Error, exit: c.Exit}, false
	}
	words := shellWords(line, nil)
	if len(words) == 0 {
		return plainStep{}, false
	}
	switch words[0] {
	case "exit":
		code := 0
		if len(words) > 1 {
			code, _ = strconv.Atoi(words[1])
		}
		return plainStep{exit: code & 255}, true
	case "true", ":", "cd", "set", "export", "unset", "umask", "shopt", "trap":
		return plainStep{}, false
	case "false":
		return plainStep{exit: 1}, false
	case "echo":
		return plainStep{stdout: strings.Join(words[1:], " ") + "\n"}, false
	case "printf":
		if len(words) > 1 {
			return plainStep{stdout: strings.ReplaceAll(words[1], `\n`, "\n")}, false
		}
		return plainStep{}, false
	case "sleep":
		var d time.Duration
		for _, w := range words[1:] {
			d += shellDuration(w)
		}
		return plainStep{end: d}, false
	}
	if assignmentRe.MatchString(line) {
		return plainStep{}, false
	}
	st := plainStep{exit: s.DefaultExit}
	if s.DefaultExit != 0 {
		st.stderr = fmt.Sprintf("sandbox: this instance's world entry declares no command %q (ssm.commands), so it exits %d\n", line, s.DefaultExit)
	}
	return st, false
}

// shellDuration reads sleep's argument: N, Ns, Nm, Nh, Nd, decimals too.
func shellDuration(w string) time.Duration {
	unit := time.Second
	switch {
	case strings.HasSuffix(w, "s"):
		w = strings.TrimSuffix(w, "s")
	case strings.HasSuffix(w, "m"):
		w, unit = strings.TrimSuffix(w, "m"), time.Minute
	case strings.HasSuffix(w, "h"):
		w, unit = strings.TrimSuffix(w, "h"), time.Hour
	case strings.HasSuffix(w, "d"):
		w, unit = strings.TrimSuffix(w, "d"), 24*time.Hour
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil || f < 0 {
		return 0
	}
	return time.Duration(f * float64(unit))
}

// shellWords splits a line into words as sh does: quotes, backslashes and
// $NAME / ${NAME} from vars (unknown names expand to nothing; with no vars
// at all, $NAME stays as written).
func shellWords(s string, vars map[string]string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	expand := func(i int) int { // s[i] == '$'; returns the index after the name
		j := i + 1
		braced := j < len(s) && s[j] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k == j || vars == nil {
			cur.WriteByte('$')
			return i + 1
		}
		cur.WriteString(vars[s[j:k]])
		if braced && k < len(s) && s[k] == '}' {
			k++
		}
		return k
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			i++
		case c == '\'':
			inWord = true
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				cur.WriteString(s[i+1:])
				i = len(s)
				continue
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 2
		case c == '"':
			inWord = true
			i++
			for i < len(s) && s[i] != '"' {
				switch {
				case s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0:
					cur.WriteByte(s[i+1])
					i += 2
				case s[i] == '$':
					i = expand(i)
				default:
					cur.WriteByte(s[i])
					i++
				}
			}
			i++
		case c == '\\' && i+1 < len(s):
			inWord = true
			cur.WriteByte(s[i+1])
			i += 2
		case c == '$':
			inWord = true
			i = expand(i)
		default:
			inWord = true
			cur.WriteByte(c)
			i++
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// gateCheck is one cc_gate line: kind tcp (arg a port), http (arg the URL)
// or command.
type gateCheck struct{ label, kind, arg string }

type gateRun struct {
	start           time.Time
	began           bool
	deadline, retry time.Duration // scaled
	checks          []gateCheck
	cur             int
	body            []string // the command gate's command
	detail          string   // what the last failed command printed
	broken          string   // the script cannot run at all: why
	busyUntil       time.Time
	busy            []plainStep // the command gate's run, while it runs
}

var (
	deadlineRe = regexp.MustCompile(`^deadline=\$\(\( \$\(date \+%s\) \+ (\d+) \)\)$`)
	retryRe    = regexp.MustCompile(`; sleep (\d+(?:\.\d+)?); done;`)
	heredocRe  = regexp.MustCompile(`^cat > "\$gate" <<'(\w+)'$`)
)

// newGateRun reads a gate script as runbook export writes it.
func (sb *Sandbox) newGateRun(in *instance, lines []string) *gateRun {
	r := &gateRun{retry: sb.scale(5 * time.Second), deadline: sb.scale(time.Hour)}
	vars := map[string]string{"ip": in.privateIP, "id": in.id, "name": in.tags["Name"]}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if m := deadlineRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			r.deadline = sb.scale(time.Duration(n) * time.Second)
		}
		if strings.HasPrefix(line, "cc_gate()") {
			if m := retryRe.FindStringSubmatch(line); m != nil {
				r.retry = sb.scale(shellDuration(m[1]))
			}
		}
		if strings.HasPrefix(line, "name=$(md tags/instance/Name)") && vars["name"] == "" {
			r.broken = "cannot read this instance's Name tag: enable tags in its instance metadata (InstanceMetadataTags)"
		}
		if m := heredocRe.FindStringSubmatch(line); m != nil {
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != m[1]; i++ {
				r.body = append(r.body, lines[i])
			}
			continue
		}
		if !strings.HasPrefix(line, "cc_gate ") {
			continue
		}
		w := shellWords(line, vars)
		if len(w) < 3 {
			continue
		}
		ch := gateCheck{label: w[1]}
		switch w[2] {
		case "cc_tcp":
			ch.kind = "tcp"
		case "cc_http":
			ch.kind = "http"
		case "cc_command":
			ch.kind = "command"
		default:
			r.broken = fmt.Sprintf("sandbox: the gate %s calls %s, which the sandbox does not know", w[1], w[2])
		}
		if len(w) > 3 {
			ch.arg = w[3]
		}
		r.checks = append(r.checks, ch)
	}
	return r
}

func (r *gateRun) step(sb *Sandbox, in *instance, at time.Time, stdout, stderr *strings.Builder) (bool, int, time.Time) {
	if !r.began {
		r.start, r.began = at, true
	}
	if r.broken != "" {
		stdout.WriteString(r.broken + "\n")
		return true, 1, time.Time{}
	}
	for r.cur < len(r.checks) {
		ch := r.checks[r.cur]
		var ok bool
		var why string
		switch ch.kind {
		case "tcp":
			port, _ := strconv.Atoi(ch.arg)
			_, ok = sb.serviceAt(in, port, at)
			why = fmt.Sprintf("%s:%d does not accept connections", in.privateIP, port)
		case "http":
			code := sb.httpCode(in, ch.arg, at)
			ok = strings.HasPrefix(code, "2")
			why = ch.arg + " answered " + code
		case "command":
			if r.busy == nil {
				r.busy = in.plan(r.body)
				var took time.Duration
				if n := len(r.busy); n > 0 {
					took = r.busy[n-1].end
				}
				if took > 0 {
					r.busyUntil = at.Add(took)
					return false, 0, r.busyUntil
				}
			}
			if at.Before(r.busyUntil) {
				return false, 0, r.busyUntil
			}
			exit, printed := 0, ""
			for _, s := range r.busy {
				printed += s.stdout + s.stderr
				exit = s.exit
			}
			r.busy = nil
			ok = exit == 0
			r.detail, why = "", fmt.Sprintf("exit %d; its last lines:", exit)
			if !ok {
				r.detail = strings.TrimRight(printed, "\n")
			}
		}
		if ok {
			fmt.Fprintf(stdout, "%s passed\n", ch.label)
			r.cur++
			continue
		}
		if !at.Before(r.start.Add(r.deadline)) {
			fmt.Fprintf(stdout, "%s failed: %s\n", ch.label, why)
			if r.detail != "" {
				lines := strings.Split(r.detail, "\n")
				stdout.WriteString(strings.Join(lines[max(0, len(lines)-20):], "\n") + "\n")
			}
			return true, 1, time.Time{}
		}
		return false, 0, at.Add(r.retry)
	}
	return true, 0, time.Time{}
}

// serviceAt reports the service the instance answers on port at t: it is
// running, the service's after has passed since it booted, and the sandbox
// could listen for it. Called with sb.mu held.
func (sb *Sandbox) serviceAt(in *instance, port int, t time.Time) (Service, bool) {
	in.advance(t)
	if in.state != cloud.Running {
		return Service{}, false
	}
	for _, s := range in.services {
		if s.Port != port || t.Before(in.bootAt.Add(s.After)) {
			continue
		}
		if e, failed := sb.svcErr[svcKey(in.id, port)]; failed && e.at.Equal(in.bootAt) {
			return Service{}, false
		}
		return s, true
	}
	return Service{}, false
}

// httpCode is the status curl reports for raw, fetched from the instance
// self at t: 000 when nothing answers HTTP there.
func (sb *Sandbox) httpCode(self *instance, raw string, t time.Time) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return "000"
	}
	host, port := u.Hostname(), 80
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	target := sb.instanceAt(self, host, t)
	if target == nil {
		return "000"
	}
	s, ok := sb.serviceAt(target, port, t)
	if !ok || s.HTTP == "" {
		return "000"
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	if path == s.HTTP {
		return "200"
	}
	return "404"
}

// instanceAt finds the instance host names, as seen from self: itself for
// localhost, else the instance with that private address or name, or that
// public address while it runs.
func (sb *Sandbox) instanceAt(self *instance, host string, t time.Time) *instance {
	if host == "localhost" || net.ParseIP(host).IsLoopback() && host == "127.0.0.1" || host == self.privateIP {
		return self
	}
	for _, x := range sb.byID {
		x.advance(t)
		dns := "ip-" + strings.ReplaceAll(x.privateIP, ".", "-") + ".ec2.internal"
		if x.privateIP == host || dns == host || x.shownPublicIP() == host && host != "" {
			return x
		}
	}
	return nil
}
