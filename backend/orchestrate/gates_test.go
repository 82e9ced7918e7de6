package orchestrate

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/op"
)

func TestTCPGate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	open := ln.Addr().(*net.TCPAddr).Port

	h := newHarness(t)
	e := threeTiers(h)
	e.Stages[0].Ready.TCP = []int{open}
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatalf("port %d listens, the stage must pass: %v", open, err)
	}
	if at := h.callTimes("Start")["i-app1"]; at < 10*time.Second || at > 12*time.Second {
		t.Errorf("app started at %s, want just after db runs (10s)", at)
	}

	// A port nothing listens on: the stage times out naming the gate and why.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	shut := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	h = newHarness(t)
	e = threeTiers(h)
	e.Stages[0].Ready.TCP = []int{shut}
	e.Stages[0].Timeout = env.Duration(time.Minute)
	_, err = h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) || re.Gate != "tcp "+strconv.Itoa(shut) || re.Instance != "i-db1" {
		t.Fatalf("want a timeout on tcp %d for i-db1, got %v", shut, err)
	}
	mustContain(t, err.Error(), "timed out after 1m0s waiting for tcp "+strconv.Itoa(shut), "i-db1 (db-1)",
		"127.0.0.1:"+strconv.Itoa(shut)+" does not accept connections")
}

func TestHTTPGate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health/i-db1" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		http.Error(w, "not yet", http.StatusInternalServerError)
	}))
	defer srv.Close()
	port := strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)

	h := newHarness(t)
	e := threeTiers(h)
	e.Stages[0].Ready.HTTP = []string{"http://{{.PrivateIP}}:" + port + "/health/{{.ID}}"}
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatalf("204 is 2xx, the stage must pass: %v", err)
	}
	passed := false
	for _, ev := range h.eventsOf(op.EventGatePassed) {
		passed = passed || (ev.Instance == "i-db1" && ev.Gate == "http http://{{.PrivateIP}}:"+port+"/health/{{.ID}}")
	}
	if !passed {
		t.Error("no gate-passed event for the http gate of i-db1")
	}

	h = newHarness(t)
	e = threeTiers(h)
	e.Stages[1].Ready.HTTP = []string{"http://{{.PrivateIP}}:" + port + "/health/{{.Name}}"}
	e.Stages[1].Timeout = env.Duration(time.Minute)
	_, err := h.run(context.Background(), h.plan(e, op.Start))
	var re *RunError
	if !errors.As(err, &re) || re.Stage != "app" {
		t.Fatalf("want stage app to time out on its http gate, got %v", err)
	}
	mustContain(t, err.Error(), "500 Internal Server Error", "/health/app-1", "/health/app-2", "i-app1 (app-1)", "i-app2 (app-2)")
	if h.fleet.State("i-web1") != cloud.Stopped {
		t.Error("web started although app never became ready")
	}
}

func TestGatesRunConcurrentlyWithinBounds(t *testing.T) {
	// Dials that take a while: many instances must not make the run slower
	// than a few rounds, and never more than Parallel at once.
	var mu sync.Mutex
	inflight, most := 0, 0
	h := newHarness(t)
	var names []string
	for i := range 12 {
		name := "n" + strconv.Itoa(i)
		h.fleet.Add("i-"+name, name, cloud.Running, nil)
		names = append(names, name)
	}
	e := environment(stage("all", []string{}, names...))
	e.Stages[0].Ready.TCP = []int{5432}
	h.runner.Parallel = 4
	h.runner.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		inflight++
		most = max(most, inflight)
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		inflight--
		mu.Unlock()
		c1, c2 := net.Pipe()
		c2.Close()
		return c1, nil
	}
	if _, err := h.run(context.Background(), h.plan(e, op.Start)); err != nil {
		t.Fatal(err)
	}
	if most > 4 {
		t.Errorf("%d dials at once, want at most Parallel=4", most)
	}
	if most < 2 {
		t.Errorf("dials never overlapped (%d at once): gates are not concurrent", most)
	}
}
