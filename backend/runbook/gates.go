package runbook

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// The gates of a stage become AWS-RunShellScript scripts run on the stage's
// instances: tcp and http are checked from each instance itself, command
// runs there; each retries until its deadline like the app's poll.

// retryEvery is how long a gate script waits between attempts.
const retryEvery = 5

// gatePrelude starts every gate script: what it is, and its deadline.
func gatePrelude(comment string, timeout time.Duration) []string {
	return []string{
		"# " + comment,
		fmt.Sprintf("deadline=$(( $(date +%%s) + %d ))", scriptSeconds(timeout)),
	}
}

// metadata defines md(), which reads the instance's own metadata (IMDSv2).
const metadata = `md() { tok=$(curl -sf -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) && curl -sf -m 2 -H "X-aws-ec2-metadata-token: $tok" "http://169.254.169.254/latest/meta-data/$1"; }`

// privateIP sets $ip to the instance's primary private address.
var privateIP = []string{
	metadata,
	`ip=$(md local-ipv4) || ip=$(hostname -I 2>/dev/null | cut -d' ' -f1)`,
	`if [ -z "$ip" ]; then echo "cannot find this instance's private IP address (instance metadata and hostname -I are silent)"; exit 1; fi`,
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

func tcpScript(stage string, port int, timeout time.Duration) []string {
	lines := gatePrelude(fmt.Sprintf("Cloud Control: tcp %d gate of stage %s, checked from this instance on its private IP.", port, safeText(stage)), timeout)
	lines = append(lines, privateIP...)
	return append(lines,
		fmt.Sprintf(`until timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$ip" %d 2>/dev/null; do`, port),
		fmt.Sprintf(`  if [ "$(date +%%s)" -ge "$deadline" ]; then echo "tcp %d: $ip:%d does not accept connections"; exit 1; fi`, port, port),
		fmt.Sprintf("  sleep %d", retryEvery),
		"done",
		fmt.Sprintf(`echo "tcp %d: $ip:%d accepts connections"`, port, port),
	)
}

// httpScript checks a URL from the instance; the URL's template fields
// become shell variables read from the instance's metadata.
func httpScript(stage string, parts []urlPart, timeout time.Duration) []string {
	lines := gatePrelude(fmt.Sprintf("Cloud Control: http gate of stage %s, checked from this instance; it passes on a 2xx answer (redirects followed).", safeText(stage)), timeout)
	var url strings.Builder
	need := map[string]bool{}
	for _, p := range parts {
		if p.field == "" {
			url.WriteString(shellQuote(p.text))
			continue
		}
		need[p.field] = true
		url.WriteString(`"$` + shellVar[p.field] + `"`)
	}
	if need["PrivateIP"] {
		lines = append(lines, privateIP...)
	} else if need["ID"] || need["Name"] {
		lines = append(lines, metadata)
	}
	if need["ID"] {
		lines = append(lines,
			`id=$(md instance-id) || { echo "cannot read this instance's id from its metadata"; exit 1; }`)
	}
	if need["Name"] {
		lines = append(lines,
			`name=$(md tags/instance/Name) || { echo "cannot read this instance's Name tag: allow tags in its instance metadata (InstanceMetadataTags enabled)"; exit 1; }`)
	}
	return append(lines,
		"url="+url.String(),
		"while :; do",
		`  code=$(curl -s -L -o /dev/null -w '%{http_code}' --max-time 3 "$url")`,
		`  case "$code" in 2??) echo "http: $url answered $code"; exit 0 ;; esac`,
		`  if [ "$(date +%s)" -ge "$deadline" ]; then echo "http: $url answered ${code:-nothing} (000: no answer)"; exit 1; fi`,
		fmt.Sprintf("  sleep %d", retryEvery),
		"done",
	)
}

var shellVar = map[string]string{"PrivateIP": "ip", "ID": "id", "Name": "name"}

// commandScript runs the file's command with sh until it exits 0, keeping
// its last lines for the failure message.
func commandScript(stage string, command []string, timeout time.Duration) []string {
	lines := gatePrelude(fmt.Sprintf("Cloud Control: command gate of stage %s; the environment file's command, run until it exits 0.", safeText(stage)), timeout)
	var body []string
	for _, c := range command {
		body = append(body, strings.Split(strings.TrimRight(c, "\n"), "\n")...)
	}
	eof := "CLOUDCONTROL_COMMAND"
	for n := 1; containsLine(body, eof); n++ {
		eof = "CLOUDCONTROL_COMMAND_" + strconv.Itoa(n)
	}
	lines = append(lines,
		`gate=$(mktemp) || exit 1`,
		`trap 'rm -f "$gate"' EXIT`,
		`cat > "$gate" <<'`+eof+`'`)
	lines = append(lines, body...)
	return append(lines, eof,
		"while :; do",
		`  out=$(sh "$gate" 2>&1); rc=$?`,
		`  if [ "$rc" -eq 0 ]; then printf '%s\n' "$out" | tail -n 20; exit 0; fi`,
		`  if [ "$(date +%s)" -ge "$deadline" ]; then echo "command exited $rc; its last lines:"; printf '%s\n' "$out" | tail -n 20; exit 1; fi`,
		fmt.Sprintf("  sleep %d", retryEvery),
		"done",
	)
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
	if t.Tree == nil || t.Tree.Root == nil {
		return out, nil
	}
	for _, n := range t.Tree.Root.Nodes {
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

// isoSeconds writes a duration for aws:sleep, in whole seconds (rounded up).
func isoSeconds(d time.Duration) string {
	return fmt.Sprintf("PT%dS", stepSeconds(d))
}
