// Package orchestrate turns an environment into a plan (pure data) and runs it:
// stage by stage, gated, with a timeout, reporting through an op.Sink.
package orchestrate
