package desktop

import (
	"errors"
	"time"

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

// Refresh reads every environment's state from AWS now and returns once
// that read has ended (each environment within its bound), so the window
// shows it working until then; the results arrive as EventEnvs.
func (e *Environments) Refresh() error {
	select {
	case <-e.s.refresher.request():
		return nil
	case <-e.s.context().Done():
		return errors.New("the app is closing")
	}
}

// Dismiss ends the "needs attention" of the environment's last failed or
// cancelled run, until its next run.
func (e *Environments) Dismiss(name string) error { return e.s.board.dismiss(name) }

// InstanceInfo says what the instance menu can offer beyond start, stop
// and reboot: its AWS console page, and whether Session Manager reaches
// it (asked of SSM now), each with why not.
func (e *Environments) InstanceInfo(env, id string) (InstanceInfo, error) {
	return e.s.instanceInfo(e.s.context(), env, id)
}

// OpenConsole opens the instance's page in the AWS console of its region.
func (e *Environments) OpenConsole(env, id string) error {
	return e.s.openConsole(e.s.context(), env, id)
}

// Connect opens a terminal with an SSM Session Manager shell on the
// instance (aws ssm start-session), when SSM manages it.
func (e *Environments) Connect(env, id string) error { return e.s.connect(e.s.context(), env, id) }

// OpenFile opens an environment file (one of the watched folders') in
// the default editor.
func (e *Environments) OpenFile(path string) error { return e.s.openFile(path, false) }

// RevealFile shows an environment file in its folder.
func (e *Environments) RevealFile(path string) error { return e.s.openFile(path, true) }

// SaveLog saves a run's activity log, as the window shows it, where the
// native save dialog says; the path, or "" when cancelled.
func (e *Environments) SaveLog(name, text string) (string, error) {
	return e.s.saveText("Save the activity log", name+"-activity-"+time.Now().Format("2006-01-02-150405")+".log", text)
}

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

// SetTheme sets the window's colour scheme: system, light or dark.
func (s *Settings) SetTheme(t Theme) (SettingsView, error) {
	return s.s.changeSetting(s.s.settings.setTheme(t))
}

// SetNotifications sets which finished runs give a desktop notification:
// all, problems (failed, cancelled, refused) or off.
func (s *Settings) SetNotifications(n Notifications) (SettingsView, error) {
	return s.s.changeSetting(s.s.settings.setNotifications(n))
}

// OpenLog opens the app's log file with the default program.
func (s *Settings) OpenLog() error { return s.s.plat.OpenPath(s.s.logFile()) }

// OpenExamples copies the example environment files into the app's data
// folder (keeping any edited there) and opens that folder; its path.
func (s *Settings) OpenExamples() (string, error) { return s.s.openExamples() }
