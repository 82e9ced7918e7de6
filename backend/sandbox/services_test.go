package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloudcontrol/internal/testwait"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// freePort finds a port that is free right now on the loopback range.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func dials(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func httpStatus(url string) int {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestServicesListenAfterDelayAndStopWithInstance(t *testing.T) {
	tcp, web := freePort(t), freePort(t)
	e := newEnv(t, fmt.Sprintf(`
regions:
  eu-west-1:
    instances:
      - id: i-0db0000000000001
        state: stopped
        timing: {start: 10s, stop: 5s}
        services: [{port: %d, after: 5s}, {port: %d, http: /health, after: 8s}]
`, tcp, web))
	c := e.ec2("eu-west-1")
	id := "i-0db0000000000001"
	tcpAddr, webURL := fmt.Sprintf("127.0.0.10:%d", tcp), fmt.Sprintf("http://127.0.0.10:%d", web)

	if dials(tcpAddr) {
		t.Fatal("a stopped instance's service accepts connections")
	}
	if _, err := c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Second) // running now
	if e.state(c, id) != "running" {
		t.Fatal("not running after start timing")
	}
	e.clock.Advance(4 * time.Second)
	time.Sleep(20 * time.Millisecond) // let any (wrong) timer callback run
	if dials(tcpAddr) {
		t.Fatal("TCP service up 4s after running; its delay is 5s")
	}
	e.clock.Advance(time.Second)
	testwait.Until(t, 3*time.Second, "TCP service to accept", func() bool { return dials(tcpAddr) })
	if httpStatus(webURL+"/health") != 0 {
		t.Fatal("HTTP service up before its 8s delay")
	}
	e.clock.Advance(3 * time.Second)
	testwait.Until(t, 3*time.Second, "HTTP service to answer", func() bool { return httpStatus(webURL+"/health") == 200 })
	if got := httpStatus(webURL + "/other"); got != 404 {
		t.Errorf("HTTP service on another path: %d, want 404", got)
	}
	views := e.sb.View("eu-west-1")
	if len(views[0].Services) != 2 || !views[0].Services[0].Listening || !views[0].Services[1].Listening {
		t.Errorf("view does not show both services listening: %+v", views[0].Services)
	}

	// Reboot: services go down and return after their delays.
	if _, err := c.RebootInstances(ctx, &ec2.RebootInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	if dials(tcpAddr) {
		t.Fatal("TCP service still up right after reboot")
	}
	e.clock.Advance(5 * time.Second)
	testwait.Until(t, 3*time.Second, "TCP service back after reboot", func() bool { return dials(tcpAddr) })

	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	if dials(tcpAddr) || httpStatus(webURL+"/health") != 0 {
		t.Fatal("services still up once the instance is stopping")
	}
}

func TestServicePortTakenIsRecordedNotFatal(t *testing.T) {
	port := freePort(t)
	block, err := net.Listen("tcp", fmt.Sprintf("127.0.0.10:%d", port))
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.10 here: %v", err)
	}
	defer block.Close()
	e := newEnv(t, fmt.Sprintf("regions:\n  eu-west-1:\n    instances:\n      - {services: [{port: %d}]}\n", port))
	var found bool
	for _, r := range e.sb.Requests() {
		if r.ErrorCode == "ListenFailed" && r.Service == "sandbox" && strings.Contains(r.Message, fmt.Sprint(port)) {
			found = true
		}
	}
	if !found {
		t.Fatalf("request log has no ListenFailed entry: %+v", e.sb.Requests())
	}
	if v := e.sb.View("eu-west-1"); v[0].Services[0].Listening || v[0].Services[0].Error == "" {
		t.Fatalf("view should show the failed service: %+v", v[0].Services)
	}
	// The sandbox still works.
	if s := e.state(e.ec2("eu-west-1"), e.sb.Instances("eu-west-1")[0].ID); s != "running" {
		t.Fatalf("state %s", s)
	}
}
