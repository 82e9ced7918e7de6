package control

import (
	"context"
	"errors"
	"os"
	"syscall"

	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/launch"
	"cloudcontrol/backend/op"
)

// syncDNS runs at the end of a start: an instance Cloud Control launched
// with a DNS name whose private IP changed (or whose record is missing)
// gets its record pointed at it again. It only reports: a record that
// cannot be written is a note, never a failed start.
func (s *Service) syncDNS(ctx context.Context, w *Work, envName string, insts []cloud.Instance) {
	d, ok := w.Session.(interface{ DNS() cloud.DNS })
	if !ok {
		return
	}
	report := launch.NewReporter(envName, op.Start, w.Sink, s.opts.Clock)
	for _, in := range insts {
		if err := launch.SyncRecord(ctx, d.DNS(), in, report); err != nil {
			report.Emit(op.Event{Type: op.EventNote, Instance: in.ID, Name: in.Name, Message: err.Error()})
		}
	}
}

// processAlive reports whether a process of this host still runs.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM) || !errors.Is(err, os.ErrProcessDone) && !errors.Is(err, syscall.ESRCH)
}
