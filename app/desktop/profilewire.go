package desktop

import (
	"context"
	"sync"

	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
)

// controls makes the window's control services, one per lock client, over
// one set of AWS options, so a switch of the active profile (or an edited
// profile) drops the open sessions of all of them at once.
type controls struct {
	build func(client string, o aws.Options) *control.Service

	mu      sync.Mutex
	aws     aws.Options
	m       map[string]*control.Service
	onReset []func()
}

func newControls(o aws.Options, build func(client string, o aws.Options) *control.Service) *controls {
	return &controls{build: build, aws: o, m: map[string]*control.Service{}}
}

// setKeychain gives every service made from now on the window's keychain,
// whose MFA questions go to the window.
func (c *controls) setKeychain(k aws.Keychain) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.aws.Keychain = k
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

// WhoAmI asks STS about the active profile through the window's service.
func (c *controls) WhoAmI(ctx context.Context) (control.Whoami, error) {
	return c.get("window").WhoAmI(ctx)
}

// ResetSessions drops every service's sessions, then tells the listeners
// (the dashboard reads AWS again with the new credentials).
func (c *controls) ResetSessions() {
	c.mu.Lock()
	for _, s := range c.m {
		s.ResetSessions()
	}
	hooks := c.onReset
	c.mu.Unlock()
	for _, f := range hooks {
		f()
	}
}

// afterReset adds a listener for ResetSessions.
func (c *controls) afterReset(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onReset = append(c.onReset, f)
}

// profileEvents is the Profiles service's emit: everything goes to the
// window; an MFA question also brings the window up (a tray stop may be
// what needs it), and a new profile list goes to the tray.
func profileEvents(plat Platform, show func(), tray func(ProfileList)) func(string, any) {
	return func(event string, data any) {
		plat.Emit(event, data)
		switch event {
		case EventMFA:
			show()
		case EventProfiles:
			if l, ok := data.(ProfileList); ok && tray != nil {
				tray(l)
			}
		}
	}
}
