// Package bench holds the end-to-end benchmarks of ordered start: the real
// aws-sdk-go-v2 adapter and runner against a sandbox served by a child
// process (so the figures are the client's alone). Run them with
// ./scripts/bench, which prints every figure; see README "Benchmarks".
package bench
