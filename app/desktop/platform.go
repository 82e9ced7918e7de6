package desktop

import "cloudcontrol/backend/settings"

// Platform is the one seam to the window system (Wails, the desktop's
// notifications and dialogs): the shell reaches it only through this, so
// tests drive the shell with a fake.
type Platform interface {
	// Emit pushes an event to the front end.
	Emit(event string, data any)
	// Notify shows a desktop notification.
	Notify(title, body string)
	// ChooseFolder opens the native folder dialog; "" when cancelled.
	ChooseFolder(title string) (string, error)
	// SaveFile opens the native save dialog suggesting name, offering files
	// of filter's kind; "" when cancelled.
	SaveFile(title, name string, filter FileFilter) (string, error)
	// OpenURL opens an address in the default browser (an SSO sign-in page).
	OpenURL(url string)
	// OpenPath opens a file or folder with the desktop's default program
	// (an environment file in its editor, the log); RevealPath shows a
	// file in its folder. Both run the OS opener with the path as its
	// argument, never through a shell.
	OpenPath(path string) error
	RevealPath(path string) error
	// OpenTerminal runs argv in a new terminal window.
	OpenTerminal(argv []string) error
	Show()
	Hide()
	Quit()
	// Geometry is the window's size and position now.
	Geometry() Geometry
}

// FileFilter is the kind of file a save dialog offers ("CSV files", "*.csv").
type FileFilter struct {
	Name    string
	Pattern string
}

// Geometry is the window's place on screen, kept across launches in the
// settings file.
type Geometry = settings.Geometry
