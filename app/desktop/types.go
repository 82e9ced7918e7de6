package desktop

import (
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// Event names pushed to the front end (see API.md).
const (
	EventEnvs     = "envs:changed"     // []EnvView: the whole dashboard, after any change
	EventRun      = "run:event"        // op.Event: every step of a run, in order
	EventProgress = "run:progress"     // op.Progress: a run's progress, after each of its events
	EventFinished = "run:finished"     // op.Progress: a run ended
	EventSettings = "settings:changed" // SettingsView
)

// Overview is what the window asks for first: served from the last known
// state at once, then kept fresh by EventEnvs.
type Overview struct {
	Sandbox       bool      `json:"sandbox"`
	SandboxURL    string    `json:"sandboxUrl"`
	TrayAvailable bool      `json:"trayAvailable"`
	Folders       []string  `json:"folders"`
	Environments  []EnvView `json:"environments"`
	// Runs are this app's current or last run of each environment, by
	// name; run:progress updates them.
	Runs []op.Progress `json:"runs"`
	// SettingsProblem is SettingsView.Problem, shown from the start.
	SettingsProblem string `json:"settingsProblem,omitempty"`
	// Theme is SettingsView.Theme, applied before the first paint.
	Theme Theme `json:"theme"`
}

// EnvView is one environment (or one broken file) on the dashboard.
type EnvView struct {
	Name        string `json:"name"`
	File        string `json:"file"`
	Description string `json:"description"`
	Region      string `json:"region"`
	Profile     string `json:"profile"`
	// Account is the pinned account, else the one the last refresh saw.
	Account string `json:"account"`
	// State is control.StateOf the environment: what its instances say,
	// unless a start or stop holds it, or the last one failed or was
	// cancelled and nobody dismissed it (needs attention); unknown (never
	// read) or invalid.
	State op.State `json:"state"`
	// InstanceState is what the instances alone say (control.InstanceState),
	// shown beside a state that is about the run: "needs attention ·
	// partly running".
	InstanceState op.State `json:"instanceState"`
	// Live is false while the state comes from the last-known cache.
	Live bool `json:"live"`
	// CheckedAt is when the state was read from AWS (zero: never).
	CheckedAt time.Time `json:"checkedAt"`
	// Error is why the last refresh failed, in words (the state shown is
	// then the one read at CheckedAt: stale since then).
	Error string `json:"error"`
	// Busy says who holds the environment's lock (a run in this window,
	// the tray or a terminal); null when free.
	Busy *lock.Holder `json:"busy"`
	// Usable is false when there is no good definition to plan or run.
	Usable bool `json:"usable"`
	// Problems of the file; when Usable is true the last good version is
	// what Plan/Start/Stop use meanwhile.
	Problems []ProblemView `json:"problems"`
	Stages   []StageView   `json:"stages"`
	// Who started it and its lease, from its instances' tags as the last
	// refresh read them (control.Who).
	Who control.Who `json:"who"`
	// Templates are the names of its launch templates (its file's launch:
	// section), in file order: the window offers Launch when there are any.
	Templates []string `json:"templates"`
}

// StageView is one stage in file order, with what the graph needs.
type StageView struct {
	Name  string             `json:"name"`
	After []string           `json:"after"`
	Gates []orchestrate.Gate `json:"gates"`
	// State is control.StageStateOf the stage: while this app runs a start
	// or stop, the run's word for it; else what its instances say.
	State     op.State         `json:"state"`
	Instances []cloud.Instance `json:"instances"`
}

// ProblemView is one problem of a file, with the source line it points at.
type ProblemView struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	// Source is the text of the offending line ("" when there is no line).
	Source string `json:"source"`
	// Text is the whole problem as FILE:LINE:COL: message.
	Text string `json:"text"`
}

// SettingsView is what the settings page shows and edits.
type SettingsView struct {
	Folders []string `json:"folders"`
	// RefreshSeconds is how often the dashboard reads AWS while visible.
	RefreshSeconds int `json:"refreshSeconds"`
	// Problem says why the settings file cannot be read (damaged): nothing
	// is saved until it is fixed or removed.
	Problem string `json:"problem,omitempty"`
	// Theme is the colour scheme: ThemeSystem (follow the OS), ThemeLight
	// or ThemeDark.
	Theme Theme `json:"theme"`
	// Notifications says which finished runs give a desktop notification.
	Notifications Notifications `json:"notifications"`
	// LogFile is the app's log; Version the app's build.
	LogFile string `json:"logFile"`
	Version string `json:"version"`
}

// Theme is the window's colour scheme.
type Theme string

// Themes.
const (
	ThemeSystem Theme = "system"
	ThemeLight  Theme = "light"
	ThemeDark   Theme = "dark"
)

// Notifications says which finished runs are told in a desktop notification.
type Notifications string

// Notification choices.
const (
	NotifyAll      Notifications = "all"      // every finished start and stop
	NotifyProblems Notifications = "problems" // failed, cancelled or refused ones only
	NotifyOff      Notifications = "off"
)
