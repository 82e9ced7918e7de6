package desktop

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"cloudcontrol/app/launch"
	"cloudcontrol/backend/aws"
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/cost"
	"cloudcontrol/backend/history"
	"cloudcontrol/backend/settings"
)

// errNoTray is why an app made without a way to open a tray has none.
var errNoTray = errors.New("no tray for this window")

// sandboxNote is shown with the profiles in sandbox mode.
const sandboxNote = "In the sandbox the window uses the sandbox's own credentials; the profile chosen here applies outside it."

// appOptions are what the desktop app is made from: the command line's
// options, the window system, and where the tray comes from.
type appOptions struct {
	Window     launch.WindowOptions
	SandboxURL string // the sandbox served for this window; "" on AWS
	Plat       Platform
	Log        *slog.Logger
	// OpenTray puts a tray up (startTray); nil means none.
	OpenTray func(menu *trayMenu) (trayUI, error)
	Tick     time.Duration // control's poll interval; 0 is its default
	Debounce time.Duration // the watcher's; 0 is its default
}

// desktopApp is every service of the window, each made from what it
// depends on, in order: the window's visibility, its MFA questions, the
// credential chain that asks them, the control services on that chain, the
// shell (dashboard, runs, refresh, folders), the profiles, the costs and
// the tray. start and shutdown run them. Every service has the same two
// (lower case: the bound ones would otherwise be callable from the front end).
type desktopApp struct {
	screen   *screen
	shell    *shell
	profiles *Profiles
	costs    *Costs
	tray     *trayService
	launches *Launches // launches.go
	history  *history.Lazy
	cancel   context.CancelFunc
}

func newDesktopApp(o appOptions) (*desktopApp, error) {
	w := o.Window
	scr := newScreen(o.Plat)
	mfa := newMFAQuestions(o.Plat.Emit, scr.show)
	flags := w.AWS
	if o.SandboxURL != "" {
		flags.Endpoint = o.SandboxURL
	}
	chain := flags.Chain(w.Paths.Config, mfa.ask, func(err error) { o.Log.Warn("the saved profile and region are not used", "err", err) })
	hist := windowHistory(w.Paths, o.Plat, o.Log) // usage history, shared by every client: costs.go
	ctl := newControls(chain.Options, func(client string, a aws.Options) *control.Service {
		return control.New(control.Options{Dirs: w.Dirs, Paths: w.Paths, Connect: connector(a), Profile: a.Profile, Region: a.Region, Tick: o.Tick, Client: client, Logger: o.Log,
			History: hist, OnIdentity: chain.IdentityHook(o.Log.Warn), EstimateScale: estimateScale(w, o.SandboxURL)})
	})
	sh, err := newShell(shellOptions{Plat: o.Plat, Screen: scr, Log: o.Log, Paths: w.Paths, Folders: w.Dirs, FoldersGiven: w.DirsGiven,
		SandboxURL: o.SandboxURL, Debounce: o.Debounce, Cores: func(client string) core { return ctl.get(client) },
		Reads: func() core { return ctl.reads() }, History: hist})
	if err != nil {
		hist.Close()
		return nil, err
	}
	note := ""
	if o.SandboxURL != "" {
		note = sandboxNote
	}
	prof := newProfiles(profilesOptions{Chain: chain, Settings: settings.Open(w.Paths.Config), MFA: mfa, Who: ctl.WhoAmI,
		// A new profile: every session is dropped and AWS read again at once.
		Reset: func() { ctl.ResetSessions(); sh.refresher.poke() },
		Emit:  o.Plat.Emit, OpenURL: o.Plat.OpenURL, Note: note})
	sh.keychain = func(name string) bool { _, err := chain.Creds.Store.Get(name); return err == nil }
	var price func(EnvView) string
	if book, err := cost.Default(w.Paths.Cache); err == nil {
		price = trayPrice(book, time.Now)
	}
	openTray := o.OpenTray
	if openTray == nil {
		openTray = func(*trayMenu) (trayUI, error) { return nil, errNoTray }
	}
	return &desktopApp{screen: scr, shell: sh, profiles: prof, history: hist, launches: newLaunches(sh),
		// Costs read the instances as the dashboard does: quick retries, so a failing AWS is said at once.
		costs: newCosts(ctl.reads(), hist, w.Paths, o.Plat.SaveFile),
		tray:  newTrayService(trayOptions{Shell: sh, Profiles: prof, Price: price, Log: o.Log, Open: openTray})}, nil
}

// estimateScale is how much faster than AWS the window's own sandbox runs
// EC2's timings (control.Options.EstimateScale): 1/speed; 0 (AWS's) on
// AWS, or on a sandbox the window did not start.
func estimateScale(w launch.WindowOptions, sandboxURL string) float64 {
	if !w.Sandbox || sandboxURL == "" || w.SandboxSpeed <= 0 {
		return 0
	}
	return 1 / w.SandboxSpeed
}

// bound are the services the front end calls (bindings.go, API.md).
func (a *desktopApp) bound() []any {
	return []any{&Environments{s: a.shell}, &Settings{s: a.shell}, a.costs, a.profiles, a.launches, &InAWS{s: a.shell}, &Pushed{}}
}

// start runs every service. The window system never cancels its context,
// so they get their own, which shutdown cancels (else quitting hangs).
func (a *desktopApp) start(ctx context.Context) {
	ctx, a.cancel = context.WithCancel(ctx)
	a.shell.start(ctx)
	a.launches.start(ctx) // what launches left behind, once
	a.profiles.start(ctx)
	a.costs.start(ctx)
	a.tray.start(ctx)
}

// shutdown stops them in the reverse order and waits for every run.
func (a *desktopApp) shutdown() {
	a.tray.shutdown()
	a.profiles.shutdown()
	if a.cancel != nil {
		a.cancel()
	}
	a.shell.shutdown()
	a.history.Close()
}
