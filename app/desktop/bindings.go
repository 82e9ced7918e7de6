//go:build bindings

package desktop

// wails generate/build runs the binary with the bindings tag to write the
// front end's TypeScript bindings; the UI is not built yet at that point.
const generatingBindings = true
