package desktop

import (
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// Environments is bound to the front end: the dashboard and its actions.
// It only forwards to the shell, which forwards to backend/control.
type Environments struct{ s *shell }

// Overview returns the dashboard at once, from the last known state; live
// changes follow as EventEnvs.
func (e *Environments) Overview() Overview { return e.s.overview() }

// Plan returns what action ("start" or "stop") would do, read live from AWS.
func (e *Environments) Plan(name string, action op.Action) (*orchestrate.Plan, error) {
	return e.s.plan(e.s.context(), name, action)
}

// Start begins starting the environment and returns once the run has
// begun (its lock is held), or why it could not (busy, invalid file, AWS
// unreachable). Progress follows as events. After a failure, Start
// resumes: stages already ready are skipped.
func (e *Environments) Start(name string) error {
	return e.s.runs.begin(name, op.Start, "window")
}

// Stop begins stopping the environment, in stop order; see Start.
func (e *Environments) Stop(name string) error {
	return e.s.runs.begin(name, op.Stop, "window")
}

// Cancel cancels this app's run of the environment.
func (e *Environments) Cancel(name string) error { return e.s.runs.cancel(name) }

// InstanceAction starts, stops or reboots one instance of the environment
// (action "start", "stop" or "reboot") under the environment's lock. The
// window asks for confirmation first.
func (e *Environments) InstanceAction(env, id string, action control.InstanceAction) error {
	return e.s.instanceAction(e.s.context(), env, id, action)
}

// RunLog returns every event of this app's current or last run of the
// environment, oldest first, so a window opened mid-run can catch up.
func (e *Environments) RunLog(name string) []op.Event { return e.s.runs.log(name) }

// Refresh reads every environment's state from AWS now, in the background.
func (e *Environments) Refresh() { e.s.refresher.poke() }

// Settings is bound to the front end: the watched folders and refresh pace.
type Settings struct{ s *shell }

// Get returns the settings.
func (s *Settings) Get() SettingsView { return s.s.settingsView() }

// AddFolder asks for a folder with the native dialog and watches it. It
// returns the settings unchanged when the dialog is cancelled.
func (s *Settings) AddFolder() (SettingsView, error) { return s.s.addFolder() }

// RemoveFolder stops watching a folder.
func (s *Settings) RemoveFolder(path string) (SettingsView, error) { return s.s.removeFolder(path) }

// SetRefreshSeconds sets how often the dashboard reads AWS while visible (5 to 3600).
func (s *Settings) SetRefreshSeconds(n int) (SettingsView, error) { return s.s.setRefresh(n) }
