// Command snwatcher is a fake org.kde.StatusNotifierWatcher for the desktop
// end-to-end test: a headless session bus has no panel, so without it the
// app's tray (fyne.io/systray) has nobody to register with. It owns the
// watcher's name on the session bus, accepts RegisterStatusNotifierItem and
// prints one line per registration for the test to read:
//
//	registered SENDER PATH
//
// SENDER is the registering connection's bus name, which the test then
// calls (busctl --user call SENDER /StatusNotifierItem/menu ...). It prints
// "ready" once it owns the name and exits on SIGTERM or when stdin closes.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
	"github.com/godbus/dbus/v5/prop"
)

const (
	name  = "org.kde.StatusNotifierWatcher"
	path  = dbus.ObjectPath("/StatusNotifierWatcher")
	iface = "org.kde.StatusNotifierWatcher"
)

// watcher records the items that registered.
type watcher struct {
	conn  *dbus.Conn
	props *prop.Properties
	mu    sync.Mutex
	items []string
}

// RegisterStatusNotifierItem is what systray calls with its object path.
func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	item := string(sender) + service
	w.mu.Lock()
	w.items = append(w.items, item)
	items := append([]string(nil), w.items...)
	w.mu.Unlock()
	w.props.SetMust(iface, "RegisteredStatusNotifierItems", items)
	fmt.Printf("registered %s %s\n", sender, service)
	if err := w.conn.Emit(path, iface+".StatusNotifierItemRegistered", item); err != nil {
		fmt.Fprintln(os.Stderr, "snwatcher: emitting StatusNotifierItemRegistered:", err)
	}
	return nil
}

// RegisterStatusNotifierHost accepts a host (none registers in the test).
func (w *watcher) RegisterStatusNotifierHost(service string) *dbus.Error { return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "snwatcher:", err)
		os.Exit(1)
	}
}

func run() error {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return fmt.Errorf("connecting to the session bus (run inside dbus-run-session): %w", err)
	}
	defer conn.Close()
	w := &watcher{conn: conn}
	if err := conn.Export(w, path, iface); err != nil {
		return fmt.Errorf("exporting the watcher: %w", err)
	}
	w.props, err = prop.Export(conn, path, prop.Map{iface: {
		"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
		"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
		"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitTrue},
	}})
	if err != nil {
		return fmt.Errorf("exporting the watcher's properties: %w", err)
	}
	node := &introspect.Node{Name: string(path), Interfaces: []introspect.Interface{
		introspect.IntrospectData, prop.IntrospectData,
		{Name: iface, Methods: introspect.Methods(w)},
	}}
	if err := conn.Export(introspect.NewIntrospectable(node), path, "org.freedesktop.DBus.Introspectable"); err != nil {
		return fmt.Errorf("exporting introspection: %w", err)
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil {
		return fmt.Errorf("requesting %s: %w", name, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("%s is already owned on this bus (a real panel is running?)", name)
	}
	fmt.Println("ready")

	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-sig:
	case <-done:
	}
	return nil
}
