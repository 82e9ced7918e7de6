package desktop

import (
	"cloudcontrol/backend/control"
	"cloudcontrol/backend/op"
)

// The window's typed vocabulary: Wails' generator writes each of these as a
// TypeScript enum (options.App.EnumBind), and types every struct field of
// these types with it, so the front end's unions are generated, not retyped.
func enumBindings() []any {
	return []any{op.AllActions, op.AllEventTypes, op.AllOutcomes, op.AllStates, op.AllStageStatuses,
		control.AllInstanceActions, allSSOStates, allThemes, allNotifications}
}

var allThemes = []struct {
	Value  Theme
	TSName string
}{{ThemeSystem, "SYSTEM"}, {ThemeLight, "LIGHT"}, {ThemeDark, "DARK"}}

var allNotifications = []struct {
	Value  Notifications
	TSName string
}{{NotifyAll, "ALL"}, {NotifyProblems, "PROBLEMS"}, {NotifyOff, "OFF"}}

// SSOState is where an SSO sign-in is (SSOProgress.State).
type SSOState string

// SSO sign-in states.
const (
	SSOCode   SSOState = "code" // the code to enter is shown
	SSODone   SSOState = "done"
	SSOFailed SSOState = "failed"
)

var allSSOStates = []struct {
	Value  SSOState
	TSName string
}{{SSOCode, "CODE"}, {SSODone, "DONE"}, {SSOFailed, "FAILED"}}

// Pushed is bound only so that the generator writes the types of the
// pushed events' payloads: it generates what bound methods take and
// return, and the MFA and SSO payloads are never returned by any. The
// front end never calls it.
type Pushed struct{}

// Payloads are the payload types of the pushed events no bound method
// returns (see API.md).
type Payloads struct {
	MFA MFAQuestion `json:"mfa"`
	SSO SSOProgress `json:"sso"`
}

// Payloads returns zero values: its type is what matters.
func (Pushed) Payloads() Payloads { return Payloads{} }
