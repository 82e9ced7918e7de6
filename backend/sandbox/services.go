package sandbox

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"cloudcontrol/backend/cloud"
)

// listener is one service an instance really serves on its private IP.
type listener struct {
	ln  net.Listener
	srv *http.Server // nil for plain TCP
}

func (l *listener) close() {
	if l.srv != nil {
		_ = l.srv.Close() // also closes ln
		return
	}
	_ = l.ln.Close()
}

// openService listens on addr; plain TCP services accept and hang up, HTTP
// ones answer 200 on their path and 404 elsewhere.
func openService(addr string, s Service) (*listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &listener{ln: ln}
	if s.HTTP == "" {
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return // closed
				}
				_ = c.Close()
			}
		}()
		return l, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc(s.HTTP, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != s.HTTP {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // Serve only ends when the listener is closed
		}
	}()
	return l, nil
}

// serviceErr records a service that could not listen, for the request log
// and the control endpoint.
type serviceErr struct {
	at  time.Time
	err string
}

// reconcile opens the services that should be up now and closes the rest.
// Called with sb.mu held. A failing listen is logged and recorded, never fatal.
func (sb *Sandbox) reconcile(in *instance, now time.Time) {
	for _, s := range in.services {
		want := in.state == cloud.Running && !now.Before(in.bootAt.Add(s.After))
		l, open := in.svc[s.Port]
		switch {
		case want && !open:
			addr := net.JoinHostPort(in.privateIP, strconv.Itoa(s.Port))
			l, err := openService(addr, s)
			if err != nil {
				sb.serviceFailed(in, s, addr, err, now)
				continue
			}
			if in.svc == nil {
				in.svc = map[int]*listener{}
			}
			in.svc[s.Port] = l
			delete(sb.svcErr, svcKey(in.id, s.Port))
		case !want && open:
			l.close()
			delete(in.svc, s.Port)
		}
	}
}

// closeServices stops every service of an instance (stop, terminate, reboot).
func (sb *Sandbox) closeServices(in *instance) {
	for port, l := range in.svc {
		l.close()
		delete(in.svc, port)
	}
}

func svcKey(id string, port int) string { return id + ":" + strconv.Itoa(port) }

func (sb *Sandbox) serviceFailed(in *instance, s Service, addr string, err error, now time.Time) {
	key := svcKey(in.id, s.Port)
	if prev, seen := sb.svcErr[key]; seen && prev.at.Equal(in.bootAt) {
		return // already reported for this boot
	}
	sb.svcErr[key] = serviceErr{at: in.bootAt, err: err.Error()}
	msg := fmt.Sprintf("instance %s: cannot listen on %s for its service: %v", in.id, addr, err)
	sb.log.Warn("sandbox service did not start", "instance", in.id, "addr", addr, "err", err)
	sb.record(Request{
		Time: now, Region: in.region, Service: "sandbox", Action: "ListenService",
		InstanceIDs: []string{in.id}, ErrorCode: "ListenFailed", Message: msg,
	})
}
