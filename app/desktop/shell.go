package desktop

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"cloudcontrol/backend/control"
	"cloudcontrol/backend/env"
	"cloudcontrol/backend/lock"
	"cloudcontrol/backend/op"
	"cloudcontrol/backend/orchestrate"
)

// core is what the shell needs from backend/control (a *control.Service).
type core interface {
	PlanEnv(ctx context.Context, e *env.Environment, action op.Action) (*control.Prepared, error)
	RunEnv(ctx context.Context, e *env.Environment, action op.Action, sink op.Sink) (*orchestrate.Result, error)
	InstanceAction(ctx context.Context, e *env.Environment, id string, action control.InstanceAction) error
	StatusEnv(ctx context.Context, e *env.Environment) (*control.Status, error)
	Refresh(ctx context.Context, e *env.Environment, prev *control.Status) (*control.Status, error)
	Holder(name string) *lock.Holder
}

// shell wires the bound services, the board, the runs, the refresher, the
// watcher and the tray together. It holds no Wails import: the window is
// reached through plat.
type shell struct {
	plat     Platform
	screen   *screen
	log      *slog.Logger
	cores    func(client string) core // one control.Service per lock client
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
		Folders: v.Folders, Environments: s.board.views(), Runs: s.board.runViews(), SettingsProblem: v.Problem}
}

func (s *shell) plan(ctx context.Context, name string, action op.Action) (*orchestrate.Plan, error) {
	e, err := s.board.definition(name)
	if err != nil {
		return nil, err
	}
	prep, err := s.cores("window").PlanEnv(ctx, e, action)
	if err != nil {
		return nil, err
	}
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

func (s *shell) settingsView() SettingsView { return s.settings.view() }

func (s *shell) addFolder() (SettingsView, error) {
	dir, err := s.plat.ChooseFolder("Add an environment folder")
	if err != nil {
		return s.settings.view(), fmt.Errorf("choosing a folder: %w", err)
	}
	if dir == "" {
		return s.settings.view(), nil
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
	v := s.settings.view()
	s.plat.Emit(EventSettings, v)
	return v, nil
}

func (s *shell) setRefresh(n int) (SettingsView, error) {
	if n < 5 || n > 3600 {
		return s.settings.view(), fmt.Errorf("the refresh interval must be between 5 and 3600 seconds, not %d", n)
	}
	if err := s.settings.setRefresh(n); err != nil {
		return s.failedSave(err)
	}
	v := s.settings.view()
	s.plat.Emit(EventSettings, v)
	s.refresher.poke()
	return v, nil
}

// failedSave answers a change that was not saved; a damaged file is also
// pushed, so the window shows it until it is fixed.
func (s *shell) failedSave(err error) (SettingsView, error) {
	v := s.settings.view()
	if v.Problem != "" {
		s.plat.Emit(EventSettings, v)
	}
	return v, err
}
