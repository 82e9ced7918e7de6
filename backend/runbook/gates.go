package runbook

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// A start stage's tcp, http and command gates become one AWS-RunShellScript
// script run on each of its instances: the gates in order, each retried
// until the stage's deadline, as the app moves each instance through its
// gates. tcp and http are checked from the instance itself.

// retryEvery is how many seconds a gate script waits between attempts
// (a variable so tests of the scripts need not wait as long).
var retryEvery = 5

// check is one gate in a stage's script.
type check struct {
	label string // "tcp 5432", for the script's messages
	call  string // the shell function call that passes once
}

// scriptNeeds says which helpers a stage's script defines.
type scriptNeeds struct {
	ip, id, name, tcp, http bool
	command                 []string
}

// metadata defines md(), which reads the instance's own metadata (IMDSv2).
const metadata = `md() { t=$(curl -sf -m2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token) && curl -sf -m2 -H "X-aws-ec2-metadata-token: $t" "http://169.254.169.254/latest/meta-data/$1"; }`

// gateScript writes the script: the deadline, what the gates need (the
// instance's IP, id or Name tag; the command in a file), then each gate.
func gateScript(checks []check, n scriptNeeds, timeout time.Duration) []string {
	lines := []string{fmt.Sprintf("deadline=$(( $(date +%%s) + %d ))", scriptSeconds(timeout))}
	if n.ip || n.id || n.name {
		lines = append(lines, metadata)
	}
	if n.ip {
		lines = append(lines,
			`ip=$(md local-ipv4) || ip=$(hostname -I 2>/dev/null | cut -d' ' -f1)`,
			`[ -n "$ip" ] || { echo "cannot find this instance's private IP address"; exit 1; }`)
	}
	if n.id {
		lines = append(lines, `id=$(md instance-id) || { echo "cannot read this instance's id from its metadata"; exit 1; }`)
	}
	if n.name {
		lines = append(lines, `name=$(md tags/instance/Name) || { echo "cannot read this instance's Name tag: enable tags in its instance metadata (InstanceMetadataTags)"; exit 1; }`)
	}
	lines = append(lines, fmt.Sprintf(
		`cc_gate() { what=$1; shift; until "$@"; do if [ "$(date +%%s)" -ge "$deadline" ]; then echo "$what failed: $why"; [ -z "${detail:-}" ] || printf '%%s\n' "$detail" | tail -n 20; exit 1; fi; sleep %d; done; echo "$what passed"; }`,
		retryEvery))
	if n.tcp {
		lines = append(lines, `cc_tcp() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$ip" "$1" 2>/dev/null && return 0; why="$ip:$1 does not accept connections"; return 1; }`)
	}
	if n.http {
		lines = append(lines, `cc_http() { code=$(curl -s -L -o /dev/null -w '%{http_code}' --max-time 3 "$1"); case "$code" in 2??) return 0 ;; esac; why="$1 answered $code"; return 1; }`)
	}
	if len(n.command) > 0 {
		var body []string
		for _, c := range n.command {
			body = append(body, strings.Split(strings.TrimRight(c, "\n"), "\n")...)
		}
		eof := "CLOUDCONTROL_COMMAND"
		for i := 1; containsLine(body, eof); i++ {
			eof = "CLOUDCONTROL_COMMAND_" + strconv.Itoa(i)
		}
		lines = append(lines, `gate=$(mktemp) || exit 1`, `trap 'rm -f "$gate"' EXIT`, `cat > "$gate" <<'`+eof+`'`)
		lines = append(lines, body...)
		lines = append(lines, eof,
			`cc_command() { if detail=$(sh "$gate" 2>&1); then detail=; return 0; else why="exit $?; its last lines:"; return 1; fi; }`)
	}
	for _, c := range checks {
		lines = append(lines, "cc_gate "+shellQuote(c.label)+" "+c.call)
	}
	return lines
}

// scriptSeconds leaves the script time to report before the step's own
// timeout cuts it off.
func scriptSeconds(timeout time.Duration) int {
	s := stepSeconds(timeout)
	if s > 30 {
		return s - 15
	}
	return max(s-1, 1)
}

// stepSeconds is a step's timeoutSeconds: whole seconds, rounded up.
func stepSeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}

// shellURL writes a URL template as a shell word: literal text quoted, the
// fields as the variables the script reads from the instance's metadata.
func shellURL(parts []urlPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.field == "" {
			b.WriteString(shellQuote(p.text))
			continue
		}
		b.WriteString(`"$` + map[string]string{"PrivateIP": "ip", "ID": "id", "Name": "name"}[p.field] + `"`)
	}
	return b.String()
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == s {
			return true
		}
	}
	return false
}

// shellQuote quotes s for sh with single quotes.
func shellQuote(s string) string {
	if s == "" {
		return ""
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// safeText keeps file text that lands in comments and descriptions on one
// line and away from Automation's {{ }} variables.
func safeText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("{{", "{ {", "}}", "} }").Replace(s)
}

// urlPart is literal text or one {{.Field}} of an http gate's URL.
type urlPart struct {
	text, field string
}

// urlParts splits a URL template (env.CheckURL has vetted it) into literal
// text and fields.
func urlParts(raw string) ([]urlPart, error) {
	t, err := template.New("url").Parse(raw)
	if err != nil {
		return nil, err
	}
	var out []urlPart
	if t.Tree == nil || t.Root == nil {
		return out, nil
	}
	for _, n := range t.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			out = append(out, urlPart{text: string(n.Text)})
		case *parse.ActionNode:
			f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
			if !ok || len(f.Ident) != 1 {
				return nil, fmt.Errorf("unexpected template action %s", n)
			}
			out = append(out, urlPart{field: f.Ident[0]})
		default:
			return nil, fmt.Errorf("unexpected template node %s", n)
		}
	}
	return out, nil
}

// urlShown writes a URL template for people, its fields in words.
func urlShown(parts []urlPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.field == "" {
			b.WriteString(p.text)
			continue
		}
		b.WriteString(map[string]string{"PrivateIP": "<private IP>", "ID": "<instance id>", "Name": "<Name tag>"}[p.field])
	}
	return b.String()
}

// isoSeconds writes a duration for aws:sleep, in whole seconds (rounded up).
func isoSeconds(d time.Duration) string {
	return fmt.Sprintf("PT%dS", stepSeconds(d))
}
