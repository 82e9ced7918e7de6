package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/template"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
)

// gateResult is one finished TCP/HTTP attempt, sent back to the run's goroutine.
type gateResult struct {
	in   *instRun
	gate int
	err  error
}

// urlData is what an HTTP gate's URL template can use.
type urlData struct {
	ID, Name, PrivateIP, PublicIP string
}

// dispatch starts one attempt at an I/O gate in its own goroutine, at most
// Runner.Parallel at a time, so slow networks never hold up the poller.
func (x *run) dispatch(in *instRun, g Gate) {
	target, err := gateTarget(in.cur, g, x.templates, false)
	if err != nil {
		in.lastErr = err.Error()
		return
	}
	shown, _ := gateTarget(in.cur, g, x.templates, true)
	in.inflight = true
	x.r.Settle.checkBegan()
	gi := in.gate
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		select {
		case x.sem <- struct{}{}:
		case <-x.gateCtx.Done():
			return
		}
		ctx, cancel := context.WithTimeout(x.gateCtx, x.r.CheckTimeout)
		var err error
		if g.Kind == GateTCP {
			err = checkTCP(ctx, x.r.Dial, target)
		} else {
			err = checkHTTP(ctx, x.r.HTTP, target, shown)
		}
		cancel()
		<-x.sem
		select {
		case x.results <- gateResult{in: in, gate: gi, err: err}:
		case <-x.gateCtx.Done():
		}
	}()
}

// onGate records an attempt's outcome; the next evaluation acts on it.
func (x *run) onGate(res gateResult) {
	in := res.in
	in.inflight = false
	x.r.Settle.checkTaken()
	if res.gate != in.gate {
		return
	}
	if res.err != nil {
		in.lastErr = res.err.Error()
		in.hadToWait = true
		return
	}
	in.gateOK = true
}

// targetText is the address or URL an I/O gate checks on this instance, for
// events ("" for other gates or when it cannot be rendered yet), so people
// see 127.0.0.10:5432 rather than the template; its secrets are redacted.
func (x *run) targetText(in *instRun, g Gate) string {
	if g.Kind != GateTCP && g.Kind != GateHTTP {
		return ""
	}
	t, err := gateTarget(in.cur, g, x.templates, true)
	if err != nil {
		return ""
	}
	return t
}

// gateTarget is the address or URL a gate checks on an instance: as the
// check requests it, or, shown, as plans, events and messages show it
// (env.RedactURL). templates caches parsed URL templates (nil: none).
func gateTarget(in cloud.Instance, g Gate, templates map[string]*template.Template, shown bool) (string, error) {
	if g.Kind == GateTCP {
		if in.PrivateIP == "" {
			return "", errors.New("has no private IP address yet")
		}
		return net.JoinHostPort(in.PrivateIP, strconv.Itoa(g.Port)), nil
	}
	raw := g.checkedURL()
	t, ok := templates[raw]
	if !ok {
		var err error
		if t, err = template.New("url").Option("missingkey=error").Parse(raw); err != nil {
			return "", fmt.Errorf("http gate %q is not a valid template: %v", g.URL, err)
		}
		if templates != nil {
			templates[raw] = t
		}
	}
	var b strings.Builder
	err := t.Execute(&b, urlData{ID: in.ID, Name: in.Name, PrivateIP: in.PrivateIP, PublicIP: in.PublicIP})
	if err != nil {
		return "", fmt.Errorf("http gate %q: cannot fill in its URL for %s", g.URL, label(in.ID, in.Name))
	}
	if shown {
		return env.RedactURL(b.String()), nil
	}
	return b.String(), nil
}

func checkTCP(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), addr string) error {
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%s does not accept connections: %w", addr, err)
	}
	return conn.Close()
}

// checkHTTP requests target; its errors name the URL as shown (redacted),
// never target itself.
func checkHTTP(ctx context.Context, client *http.Client, target, shown string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("http gate URL %q cannot be requested", shown)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL is the real one
		}
		return fmt.Errorf("GET %s: %w", shown, err)
	}
	// Drain a little so the connection can be reused, but never a whole body.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s answered %s", shown, resp.Status)
	}
	return nil
}
