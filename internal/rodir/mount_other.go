//go:build !linux

package rodir

import "errors"

func mountReadOnly(string) error { return errors.New("read-only mounts are made only on Linux") }

func unmount(string) error { return nil }
