package desktop

import (
	"runtime/debug"
	"strings"
)

// appVersion names this build for Settings: the module version when it
// has one, else the commit it was built from (and "modified" when the
// tree had changes), as the Go toolchain records them.
func appVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown build"
	}
	v := info.Main.Version
	var rev, when string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if v != "" && v != "(devel)" {
		return v
	}
	parts := []string{"development build"}
	if rev != "" {
		parts = append(parts, "commit "+rev[:min(12, len(rev))])
	}
	if when != "" {
		parts = append(parts, when[:min(10, len(when))])
	}
	if dirty {
		parts = append(parts, "with local changes")
	}
	return strings.Join(parts, ", ")
}
