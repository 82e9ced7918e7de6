package desktop

import (
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// actionNotifier is a Platform whose notifications can carry a button
// (Wails' notification categories: on Linux the freedesktop
// notification's action, answered with ActionInvoked).
type actionNotifier interface {
	// NotifyAction shows a notification about env with one button.
	NotifyAction(env, title, body, actionID, actionTitle string)
	// OnNotificationAction is told env and the button's id when one is clicked.
	OnNotificationAction(func(env, actionID string))
}

// The lease notification's button.
const (
	notifyExtend   = "extend-1h"
	notifyCategory = "cloudcontrol-lease"
	notifyPrefix   = "cloudcontrol-lease:" // the notification id, then the environment
)

// NotifyAction sends a notification with the lease category's button; a
// notification system without buttons shows it plain.
func (p *wailsPlatform) NotifyAction(env, title, body, actionID, actionTitle string) {
	p.initOnce.Do(p.initNotifications)
	if !p.canToast {
		p.log.Info("notification (not shown: no notification service)", "title", title, "body", body)
		return
	}
	if err := runtime.RegisterNotificationCategory(p.ctx, runtime.NotificationCategory{ID: notifyCategory,
		Actions: []runtime.NotificationAction{{ID: actionID, Title: actionTitle}}}); err != nil {
		p.log.Warn("registering the lease notification's button", "err", err)
	}
	err := runtime.SendNotificationWithActions(p.ctx, runtime.NotificationOptions{ID: notifyPrefix + env, Title: title, Body: body,
		CategoryID: notifyCategory, Data: map[string]any{"env": env}})
	if err != nil {
		p.log.Warn("sending a desktop notification", "err", err)
	}
}

// OnNotificationAction hands the lease notifications' button clicks to f.
func (p *wailsPlatform) OnNotificationAction(f func(env, actionID string)) {
	p.onAction = f
}

// listenActions is wired once the window runs (notifications need its context).
func (p *wailsPlatform) listenActions() {
	runtime.OnNotificationResponse(p.ctx, func(r runtime.NotificationResult) {
		if r.Error != nil || p.onAction == nil {
			return
		}
		if env, ok := strings.CutPrefix(r.Response.ID, notifyPrefix); ok && r.Response.ActionIdentifier != "" {
			p.onAction(env, r.Response.ActionIdentifier)
		}
	})
}
