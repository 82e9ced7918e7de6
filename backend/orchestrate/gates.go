package orchestrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"text/template"
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
	target, err := x.target(in, g)
	if err != nil {
		in.lastErr = err.Error()
		return
	}
	in.inflight = true
	if x.r.checking != nil {
		x.r.checking.Add(1)
	}
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
			err = checkHTTP(ctx, x.r.HTTP, target)
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
	if x.r.checking != nil {
		x.r.checking.Add(-1)
	}
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
// see 127.0.0.10:5432 rather than the template.
func (x *run) targetText(in *instRun, g Gate) string {
	if g.Kind != GateTCP && g.Kind != GateHTTP {
		return ""
	}
	t, err := x.target(in, g)
	if err != nil {
		return ""
	}
	return t
}

// target is the address or URL a gate checks on this instance.
func (x *run) target(in *instRun, g Gate) (string, error) {
	if g.Kind == GateTCP {
		if in.cur.PrivateIP == "" {
			return "", errors.New("has no private IP address yet")
		}
		return net.JoinHostPort(in.cur.PrivateIP, strconv.Itoa(g.Port)), nil
	}
	t, ok := x.templates[g.URL]
	if !ok {
		var err error
		if t, err = template.New("url").Option("missingkey=error").Parse(g.URL); err != nil {
			return "", fmt.Errorf("http gate %q is not a valid template: %w", g.URL, err)
		}
		x.templates[g.URL] = t
	}
	var b strings.Builder
	err := t.Execute(&b, urlData{ID: in.cur.ID, Name: in.cur.Name, PrivateIP: in.cur.PrivateIP, PublicIP: in.cur.PublicIP})
	if err != nil {
		return "", fmt.Errorf("http gate %q: %w", g.URL, err)
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

func checkHTTP(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("http gate URL %q: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err // *url.Error already names the method and URL
	}
	// Drain a little so the connection can be reused, but never a whole body.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s answered %s", url, resp.Status)
	}
	return nil
}
