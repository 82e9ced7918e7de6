package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a sandbox listening on a loopback address.
type Server struct {
	// URL is the base URL to give the AWS SDK as its endpoint.
	URL     string
	Sandbox *Sandbox
	ln      net.Listener
	http    *http.Server
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
	return &Server{
		URL:     "http://" + ln.Addr().String(),
		Sandbox: sb,
		ln:      ln,
		http:    &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second},
	}, nil
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
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(shut)
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
