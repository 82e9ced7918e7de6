package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Server is a sandbox listening on a loopback address.
type Server struct {
	// URL is the base URL to give the AWS SDK as its endpoint.
	URL     string
	Sandbox *Sandbox
	ln      net.Listener
	http    *http.Server
	serving atomic.Int64 // requests being answered
}

// Listen binds a sandbox for w to addr, which must be a loopback address
// (127.0.0.1:PORT, localhost:PORT, [::1]:PORT); port 0 picks a free port.
func Listen(addr string, w *World, opts Options) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox listen address %q: want HOST:PORT such as 127.0.0.1:4566: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("sandbox listen address %q is not a loopback address; the sandbox only serves 127.0.0.1, localhost or ::1", addr)
	}
	sb, err := New(w, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		sb.Close()
		return nil, fmt.Errorf("sandbox cannot listen on %s: %w", addr, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), Sandbox: sb, ln: ln}
	s.http = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serving.Add(1)
		defer s.serving.Add(-1)
		sb.ServeHTTP(w, r)
	})}
	return s, nil
}

// Serve answers requests until ctx ends, then shuts down and closes the sandbox.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()
	select {
	case err := <-errc:
		s.Sandbox.Close()
		return fmt.Errorf("sandbox server stopped: %w", err)
	case <-ctx.Done():
	}
	err := s.shutdown(context.WithoutCancel(ctx), 5*time.Second, 20*time.Millisecond)
	s.Sandbox.Close()
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sandbox server: %w", err)
	}
	if err != nil {
		return fmt.Errorf("sandbox server shutdown: %w", err)
	}
	return nil
}

// Serve runs a sandbox for w on addr until ctx ends. It prints nothing;
// opts.OnListen receives the URL once bound.
func Serve(ctx context.Context, addr string, w *World, opts Options) error {
	s, err := Listen(addr, w, opts)
	if err != nil {
		return err
	}
	if opts.OnListen != nil {
		opts.OnListen(s.URL)
	}
	return s.Serve(ctx)
}

// shutdown lets the requests being answered finish (for up to grace), then
// closes every connection. net/http's Shutdown alone also waits, up to 5 s,
// on connections that never sent a request: an SDK client that dialled and
// then gave up leaves one, and the sandbox would stall on it.
func (s *Server) shutdown(ctx context.Context, grace, poll time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.http.Shutdown(ctx) }()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if s.serving.Load() == 0 {
				s.http.Close()
				return <-done
			}
		}
	}
}
