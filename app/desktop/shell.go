package desktop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
	"cloudcontrol/backend/paths"
)

// core is what the shell needs from backend/control (a *control.Service).
type core interface {
	PlanEnv(ctx context.Context, e *env.Environment, action op.Action) (*control.Prepared, error)
	RunEnv(ctx context.Context, e *env.Environment, action op.Action, sink op.Sink) (*orchestrate.Result, error)
	InstanceAction(ctx context.Context, e *env.Environment, id string, action control.InstanceAction) error
	StatusEnv(ctx context.Context, e *env.Environment) (*control.Status, error)
	Refresh(ctx context.Context, e *env.Environment, prev *control.Status) (*control.Status, error)
	Holder(name string) *lock.Holder
	SessionFor(ctx context.Context, e *env.Environment) (control.Session, control.Target, error)
}

// shell wires the bound services, the board, the runs, the refresher, the
// watcher and the tray together. It holds no Wails import: the window is
// reached through plat.
type shell struct {
	plat   Platform
	screen *screen
	log    *slog.Logger
	cores  func(client string) core // one control.Service per lock client
	reads  func() core              // the dashboard's and the plan dialog's (quick retries)
	paths  paths.Dirs
	hist   *history.Lazy // other processes' runs; nil: none
	// keychain says whether a profile is one of Cloud Control's keychain
	// profiles (the Session Manager command's note); nil: unknown.
	keychain func(name string) bool
	lookPath func(prog string) (string, error) // finds the AWS CLI (exec.LookPath)
	settings *windowSettings
	cache    *stateCache
	board    *board
	runs     *runs
	watcher  *env.Watcher

	refresher *refresher
	leases    *leaseKeeper // leases.go

	sandboxURL string

	lifetime                    // the context runs begin under, from start
	stopAll  context.CancelFunc // shutdown's: cancels that context
	wg       sync.WaitGroup     // the watcher and the refresher
}

func (s *shell) overview() Overview {
	v := s.settings.view()
	return Overview{Sandbox: s.sandboxURL != "", SandboxURL: s.sandboxURL, TrayAvailable: s.screen.hasTray(),
		Folders: v.Folders, Environments: s.board.views(), Runs: s.board.runViews(), SettingsProblem: v.Problem, Theme: v.Theme}
}

// plan reads what action would do now, within readTimeout: a plan AWS
// cannot give says why in words (reason), not after a minute of retries.
func (s *shell) plan(ctx context.Context, name string, action op.Action) (*orchestrate.Plan, error) {
	e, err := s.board.definition(name)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	prep, err := s.reads().PlanEnv(ctx, e, action)
	if err != nil {
		return nil, errors.New(reason(err))
	}
	prep.Plan.Caller = prep.Target.Identity.ARN
	return prep.Plan, nil
}

func (s *shell) instanceAction(ctx context.Context, name, id string, action control.InstanceAction) error {
	e, err := s.board.definition(name)
	if err != nil {
		return err
	}
	if err := s.cores("window").InstanceAction(ctx, e, id, action); err != nil {
		return err
	}
	s.log.Info("instance action", "env", name, "instance", id, "action", action)
	s.refresher.poke()
	return nil
}

// beforeClose keeps the window's place and hides it to the tray when
// there is one; it reports whether closing must be prevented.
func (s *shell) beforeClose() bool {
	if err := s.settings.setGeometry(s.plat.Geometry()); err != nil {
		s.log.Warn("saving the window's place", "err", err)
	}
	return s.screen.closing()
}

func (s *shell) show()           { s.screen.show() }
func (s *shell) quit()           { s.screen.quit() }
func (s *shell) isVisible() bool { return s.screen.isVisible() }

func (s *shell) settingsView() SettingsView {
	v := s.settings.view()
	v.LogFile, v.Version = s.logFile(), appVersion()
	return v
}

// changeSetting answers a change of a setting: the new view, pushed too.
func (s *shell) changeSetting(err error) (SettingsView, error) {
	if err != nil {
		return s.failedSave(err)
	}
	v := s.settingsView()
	s.plat.Emit(EventSettings, v)
	return v, nil
}

func (s *shell) addFolder() (SettingsView, error) {
	dir, err := s.plat.ChooseFolder("Add an environment folder")
	if err != nil {
		return s.settingsView(), fmt.Errorf("choosing a folder: %w", err)
	}
	if dir == "" {
		return s.settingsView(), nil
	}
	return s.changeFolders(s.settings.addFolder(dir))
}

func (s *shell) removeFolder(dir string) (SettingsView, error) {
	return s.changeFolders(s.settings.removeFolder(dir))
}

func (s *shell) changeFolders(err error) (SettingsView, error) {
	if err != nil {
		return s.failedSave(err)
	}
	s.watcher.SetDirs(s.settings.folders())
	return s.changeSetting(nil)
}

func (s *shell) setRefresh(n int) (SettingsView, error) {
	if n < 5 || n > 3600 {
		return s.settingsView(), fmt.Errorf("the refresh interval must be between 5 and 3600 seconds, not %d", n)
	}
	v, err := s.changeSetting(s.settings.setRefresh(n))
	s.refresher.poke()
	return v, err
}

// failedSave answers a change that was not saved; a damaged file is also
// pushed, so the window shows it until it is fixed.
func (s *shell) failedSave(err error) (SettingsView, error) {
	v := s.settingsView()
	if v.Problem != "" {
		s.plat.Emit(EventSettings, v)
	}
	return v, err
}
