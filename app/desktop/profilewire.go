package desktop

import (
	"context"
	"sync"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
)

// controls makes the window's control services, one per lock client, over
// one set of AWS options (the window's credential chain, whose MFA
// questions go to the window), so a switch of the active profile (or an
// edited profile) drops the open sessions of all of them at once.
type controls struct {
	build func(client string, o aws.Options) *control.Service
	aws   aws.Options

	mu sync.Mutex
	m  map[string]*control.Service
}

func newControls(o aws.Options, build func(client string, o aws.Options) *control.Service) *controls {
	return &controls{build: build, aws: o, m: map[string]*control.Service{}}
}

// get returns the service of a lock client, made on first use.
func (c *controls) get(client string) *control.Service {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[client] == nil {
		c.m[client] = c.build(client, c.aws)
	}
	return c.m[client]
}

// readsKey names the window's reading service in the map: lock client
// "window", on the same options with quick retries (reason.go), so a
// dashboard read or a plan says what AWS answered within seconds.
const readsKey = "window (reads)"

// reads returns the service the dashboard's refreshes and the plan dialog
// read with.
func (c *controls) reads() *control.Service {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[readsKey] == nil {
		o := c.aws
		o.MaxAttempts, o.RetryMaxBackoff = readAttempts, readBackoff
		c.m[readsKey] = c.build("window", o)
	}
	return c.m[readsKey]
}

// WhoAmI asks STS about the active profile through the window's service.
func (c *controls) WhoAmI(ctx context.Context) (control.Whoami, error) {
	return c.get("window").WhoAmI(ctx)
}

// ResetSessions drops every service's sessions.
func (c *controls) ResetSessions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.ResetSessions()
	}
}
