package desktop

import (
	"fmt"
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/creds"
)

// profileSwitcher is what the tray needs of Profiles.
type profileSwitcher interface {
	Use(name, region string) error
}

// trayProfiles is the profile submenu's content.
type trayProfiles struct {
	names  []string
	active string
	region string
}

// setProfiles lays the submenu out for a new list (the caller shows it).
func (m *trayMenu) setProfiles(l ProfileList) []trayItem {
	tp := trayProfiles{active: l.Active, region: l.Region}
	for _, p := range l.Profiles {
		// An sso-session block is not a profile one can use; the
		// environment's keys are used whatever is chosen.
		if p.Kind == creds.KindSSOSession || p.Kind == creds.KindEnv {
			continue
		}
		tp.names = append(tp.names, p.Name)
	}
	m.mu.Lock()
	m.profiles = tp
	envs := m.envs
	m.mu.Unlock()
	return m.update(envs)
}

// profileItems are the separator, "Profile: NAME" and its submenu's slots.
// Called with m.mu held.
func (m *trayMenu) profileItems() []trayItem {
	tp := m.profiles
	active := tp.active
	if active == "" {
		active = "default"
	}
	title := "Profile: " + active
	if tp.region != "" {
		title += " (" + tp.region + ")"
	}
	items := []trayItem{{ID: traySep3, Separator: true, Visible: true},
		{ID: trayProfileMenu, Title: title, Visible: m.switcher != nil, Enabled: len(tp.names) > 0}}
	for k := range trayProfSlots {
		it := trayItem{ID: uint32(trayFirstProf + k), Parent: trayProfileMenu}
		if k < len(tp.names) {
			name := tp.names[k]
			it.Visible, it.Enabled, it.profile, it.Title = true, true, name, name
			if name == active {
				it.Title, it.Enabled = "✓ "+name, false
			}
		}
		if k == trayProfSlots-1 && len(tp.names) > trayProfSlots {
			it.Title, it.profile, it.Enabled = fmt.Sprintf("… and %d more (open the window)", len(tp.names)-trayProfSlots+1), "", true
		}
		items = append(items, it)
	}
	return items
}

// useProfile switches to a slot's profile; its region becomes the
// profile's own (a region chosen for another profile rarely fits).
func (m *trayMenu) useProfile(it trayItem) error {
	if it.profile == "" {
		m.act.show() // "… and N more": the window lists them all
		return nil
	}
	if m.switcher == nil || !it.Enabled {
		return nil
	}
	return m.switcher.Use(it.profile, "")
}

// trayPrice is the hourly cost of what runs now in an environment, from
// the dashboard's instances and the price book alone (no AWS call): the
// instances and their public IPv4 addresses, not their EBS storage.
func trayPrice(book *cost.Book, now func() time.Time) func(EnvView) string {
	return func(v EnvView) string {
		var insts []cloud.Instance
		seen := map[string]bool{}
		for _, st := range v.Stages {
			for _, in := range st.Instances {
				if !seen[in.ID] {
					seen[in.ID] = true
					insts = append(insts, in)
				}
			}
		}
		if len(insts) == 0 {
			return ""
		}
		h := cost.Estimate(book, v.Name, insts, nil, now()).HourlyNow
		switch {
		case h.Complete():
			return cost.USD(h.USD) + "/hour"
		case h.Any && h.USD > 0:
			return cost.USD(h.USD) + "/hour + unknown"
		}
		return "cost unknown"
	}
}
