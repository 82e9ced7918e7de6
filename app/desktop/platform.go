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
	// SaveFile opens the native save dialog suggesting name; "" when cancelled.
	SaveFile(title, name string) (string, error)
	// OpenURL opens an address in the default browser (an SSO sign-in page).
	OpenURL(url string)
	Show()
	Hide()
	Quit()
	// Geometry is the window's size and position now.
	Geometry() Geometry
}

// Geometry is the window's place on screen, kept across launches in the
// settings file.
type Geometry = settings.Geometry
