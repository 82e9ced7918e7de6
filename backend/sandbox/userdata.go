package sandbox

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// A launched instance "runs" its user data: once it is first running, the
// sandbox replays three kinds of lines of the (base64-decoded) script, in
// file order, on its clock:
//
//	cc_progress PERCENT "MESSAGE"  sets the instance's tag cloudcontrol:progress to "PERCENT MESSAGE"
//	sleep N                        waits N seconds (or Ns, Nm, Nh; several are summed), divided by Speed
//	cfn-signal ... -e ARG ...      signals the CloudFormation resource that launched it
//
// Every other line is ignored, and so is control flow: an if, a loop or a
// function body is read as its lines. Lines are split at ; && and || outside
// quotes, and a command may be prefixed with VAR=value assignments or a path
// (/opt/aws/bin/cfn-signal). cfn-signal's exit code ARG is 0 for success and
// anything else for failure; $?, $VAR and "${VAR}" stand for the script's own
// status, which is 0 unless a user-data-fail fault hit the instance (then
// 1). -s/--success true|false works too; --stack and --resource pick the
// resource (default: the instance's own). Stopping or terminating the
// instance ends the replay where it is.

const progressTag = "cloudcontrol:progress"

// script is one instance's replay: steps at offsets from base, its first
// time running.
type script struct {
	base    time.Time
	steps   []step
	applied int       // steps done
	cut     time.Time // the replay ends here (stopped, terminated); zero: not yet
}

type step struct {
	at      time.Duration
	percent int
	message string
	signal  *signal // a cfn-signal line; nil for progress
}

type signal struct {
	success         bool
	stack, resource string
	uniqueID        string
}

var assignRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// prefixWords come before the command itself: shell keywords and runners.
var prefixWords = []string{"then", "do", "else", "elif", "if", "while", "until", "{", "(", "!", "time",
	"exec", "command", "sudo", "nohup", "env"}

// parseScript reads the lines a replay acts on; failed is the script's own
// status being non-zero (the user-data-fail fault).
func parseScript(data []byte, failed bool, speed float64) []step {
	var out []step
	var at time.Duration
	for _, line := range strings.Split(string(data), "\n") {
		for _, cmd := range commands(line) {
			words := shellWords(cmd, nil)
			for len(words) > 0 && (assignRe.MatchString(words[0]) || slices.Contains(prefixWords, words[0])) {
				words = words[1:]
			}
			if len(words) == 0 {
				continue
			}
			switch path.Base(words[0]) {
			case "sleep":
				for _, w := range words[1:] {
					if d, ok := sleepArg(w); ok {
						at += time.Duration(float64(d) / speed)
					}
				}
			case "cc_progress":
				if len(words) < 2 {
					continue
				}
				n, err := strconv.Atoi(strings.TrimSuffix(words[1], "%"))
				if err != nil || n < 0 || n > 100 {
					continue
				}
				out = append(out, step{at: at, percent: n, message: strings.Join(words[2:], " ")})
			case "cfn-signal":
				out = append(out, step{at: at, signal: signalOf(words[1:], failed)})
			}
		}
	}
	return out
}

func signalOf(args []string, failed bool) *signal {
	s := &signal{success: true}
	for i := 0; i < len(args); i++ {
		flag, val, inline := strings.Cut(args[i], "=")
		next := func() string {
			if inline {
				return val
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch flag {
		case "-e", "--exit-code":
			code := next()
			if strings.HasPrefix(code, "$") {
				s.success = !failed
			} else {
				s.success = code == "0"
			}
		case "-s", "--success":
			s.success = strings.EqualFold(next(), "true")
		case "--stack":
			s.stack = next()
		case "--resource":
			s.resource = next()
		case "-i", "--id":
			s.uniqueID = next()
		case "--region", "-r", "--reason", "--url", "--role", "--http-proxy", "--https-proxy":
			next()
		}
	}
	return s
}

// sleepArg reads one argument of sleep: N, Ns, Nm, Nh or Nd.
func sleepArg(w string) (time.Duration, bool) {
	unit := time.Second
	switch {
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "m"):
		w, unit = w[:len(w)-1], time.Minute
	case strings.HasSuffix(w, "h"):
		w, unit = w[:len(w)-1], time.Hour
	case strings.HasSuffix(w, "d"):
		w, unit = w[:len(w)-1], 24*time.Hour
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return time.Duration(f * float64(unit)), true
}

// commands splits a line at ; && || outside quotes, dropping a comment.
func commands(line string) []string {
	var out []string
	var cur strings.Builder
	quote := rune(0)
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || unicode.IsSpace(rs[i-1])):
			return append(out, cur.String())
		case r == ';', (r == '&' || r == '|') && i+1 < len(rs) && rs[i+1] == r:
			out = append(out, cur.String())
			cur.Reset()
			if r != ';' {
				i++
			}
			continue
		}
		cur.WriteRune(r)
	}
	return append(out, cur.String())
}

// replay applies the progress steps due by now (and before the cut).
// Called from instance.advance with Sandbox.mu held.
func (s *script) replay(tags map[string]string, now time.Time) {
	for s.applied < len(s.steps) {
		st := s.steps[s.applied]
		at := s.base.Add(st.at)
		if at.After(now) || !s.cut.IsZero() && !at.Before(s.cut) {
			return
		}
		if st.signal == nil {
			tags[progressTag] = strings.TrimSpace(strconv.Itoa(st.percent) + " " + st.message)
		}
		s.applied++
	}
}

// signals are the script's cfn-signal lines with their times, those a cut
// did not stop.
func (s *script) signals() []timedSignal {
	var out []timedSignal
	for _, st := range s.steps {
		at := s.base.Add(st.at)
		if st.signal != nil && (s.cut.IsZero() || at.Before(s.cut)) {
			out = append(out, timedSignal{at, *st.signal})
		}
	}
	return out
}

type timedSignal struct {
	at time.Time
	signal
}
