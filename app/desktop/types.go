package desktop

import (
	"time"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/orchestrate"
)

// Overall states the window shows (EnvView.State): control's live states
// plus the two only the window knows.
const (
	StateUnknown = "unknown" // never read from AWS and nothing cached
	StateInvalid = "invalid" // the file is broken and has no good version to act on
)

// Event names pushed to the front end (see API.md).
const (
	EventEnvs     = "envs:changed"     // []EnvView: the whole dashboard, after any change
	EventRun      = "run:event"        // orchestrate.Event: every step of a run, in order
	EventProgress = "run:progress"     // RunView: per-stage progress of a run
	EventFinished = "run:finished"     // RunView: a run ended (Done is true)
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
	// SettingsProblem is SettingsView.Problem, shown from the start.
	SettingsProblem string `json:"settingsProblem,omitempty"`
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
	// State is one of stopped, starting, running, partly running,
	// stopping, failed, unknown, invalid.
	State string `json:"state"`
	// Live is false while the state comes from the last-known cache.
	Live bool `json:"live"`
	// CheckedAt is when the state was read from AWS (zero: never).
	CheckedAt time.Time `json:"checkedAt"`
	// Error is why the last refresh failed; the state shown is older then.
	Error string `json:"error"`
	// Busy says who holds the environment's lock (a run in this window,
	// the tray or a terminal); null when free.
	Busy *lock.Holder `json:"busy"`
	// Run is this app's current or last run of the environment; null when none.
	Run *RunView `json:"run"`
	// Usable is false when there is no good definition to plan or run.
	Usable bool `json:"usable"`
	// Problems of the file; when Usable is true the last good version is
	// what Plan/Start/Stop use meanwhile.
	Problems []ProblemView `json:"problems"`
	Stages   []StageView   `json:"stages"`
}

// StageView is one stage in file order, with what the graph needs.
type StageView struct {
	Name      string             `json:"name"`
	After     []string           `json:"after"`
	Gates     []orchestrate.Gate `json:"gates"`
	State     string             `json:"state"`
	Instances []cloud.Instance   `json:"instances"`
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

// RunView is a run's progress; pushed as EventProgress and EventFinished.
type RunView struct {
	Env     string          `json:"env"`
	Action  string          `json:"action"`
	Started time.Time       `json:"started"`
	Stages  []StageProgress `json:"stages"` // plan order
	Done    bool            `json:"done"`
	// Outcome is done, failed or cancelled once Done.
	Outcome string `json:"outcome"`
	// Failure says where a failed run stopped; Start again resumes.
	Failure *RunFailure `json:"failure"`
	// Error is the whole error text when the run failed or never began.
	Error   string  `json:"error"`
	Elapsed float64 `json:"elapsed"` // seconds
}

// StageProgress is one stage of a run.
type StageProgress struct {
	Name string `json:"name"`
	// Status is not-started, in-progress, ready, skipped, failed or cancelled.
	Status  string `json:"status"`
	Message string `json:"message"`
}

// RunFailure is orchestrate.RunError for the window.
type RunFailure struct {
	Stage       string   `json:"stage"`
	Instance    string   `json:"instance"`
	Name        string   `json:"name"`
	Gate        string   `json:"gate"`
	Message     string   `json:"message"`
	LeftRunning []string `json:"leftRunning"`
}

// SettingsView is what the settings page shows and edits.
type SettingsView struct {
	Folders []string `json:"folders"`
	// RefreshSeconds is how often the dashboard reads AWS while visible.
	RefreshSeconds int `json:"refreshSeconds"`
	// Problem says why the settings file cannot be read (damaged): nothing
	// is saved until it is fixed or removed.
	Problem string `json:"problem,omitempty"`
}
